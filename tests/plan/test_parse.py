"""The parser on plan text written for these tests (not copied from the seeds)."""

from __future__ import annotations

from taizhang.plan.parse import parse_plan

PLAN = """\
示例县人民政府办公室
2024年5月8日
示例县深化大气和水污染治理三年行动方案(征求意见稿)
一、主要目标
到2026年,全县细颗粒物(PM2.5)年均浓度控制在32微克/立方米以内,空气质量优良天数比率不低于百分之八十五,重污染天数不超过3天;县控断面水质优良比例达到90%以上,青石河出境断面水质稳定达到Ⅲ类;化学需氧量、氨氮排放总量比2023年分别下降6%、7%。
二、重点任务
(一)整治工业炉窑。完成12台燃煤锅炉清洁能源改造,淘汰35蒸吨/小时以下燃煤锅炉。2025年底前,新建污水管网40公里。(县生态环境局牵头,县发展改革局、县工业和信息化局配合)
(二)推进农业面源治理
1.化肥减量。到2025年,化肥使用量零增长,测土配方施肥覆盖率达到92%。〔县农业农村局负责;各乡镇人民政府落实,下同〕
2.畜禽治理。力争创建3~5个美丽牧场,占地50亩以上的养殖场全部配套粪污设施。(县农业农村局牵头,县生态环境局参与)
"""


def test_metadata() -> None:
    p = parse_plan(PLAN)
    assert p.title == "示例县深化大气和水污染治理三年行动方案"
    assert p.status == "draft"
    assert p.issued == "2024-05-08"
    assert p.issuer == "示例县人民政府办公室"
    assert p.region == "示例县"


def test_sections_and_levels() -> None:
    p = parse_plan(PLAN)
    by_id = {s.id: s for s in p.sections}
    assert by_id["1"].title == "主要目标" and by_id["1"].level == 1
    assert by_id["2.1"].title == "整治工业炉窑" and by_id["2.1"].parent == "2"
    assert by_id["2.2.1"].level == 3 and by_id["2.2.1"].parent == "2.2"


def _targets(p):
    return {(t.indicator, t.value, t.unit): t for t in p.targets}


def test_goal_targets() -> None:
    p = parse_plan(PLAN)
    got = [(t.op, t.value, t.unit, t.kind, t.baseline_year, t.deadline) for t in p.targets]
    assert ("<=", 32, "μg/m³", "level", None, "2026-12-31") in got
    assert (">=", 85, "%", "level", None, "2026-12-31") in got  # 百分之八十五
    assert ("<=", 3, "天", "level", None, "2026-12-31") in got
    assert (">=", 90, "%", "level", None, "2026-12-31") in got
    assert ("<=", 3, "类", "level", None, "2026-12-31") in got
    assert (">=", 6, "%", "reduction", 2023, "2026-12-31") in got
    assert (">=", 7, "%", "reduction", 2023, "2026-12-31") in got


def test_counts_thresholds_and_ranges() -> None:
    p = parse_plan(PLAN)
    vals = [(t.value, t.unit, t.op, t.kind, t.deadline) for t in p.targets]
    assert (12, "台", ">=", "increase", None) in vals  # before any date in its paragraph
    assert (40, "公里", ">=", "increase", "2025-12-31") in vals
    assert (3, "个", ">=", "increase", None) in vals  # 3~5个 with 力争 keeps the lower bound
    assert not any(t.value == 35 for t in p.targets)  # 35蒸吨/小时以下: a size threshold
    assert not any(t.value == 50 for t in p.targets)  # 50亩以上的养殖场: a size threshold
    zero = [t for t in p.targets if t.value == 0]
    assert zero and zero[0].op == "<=" and zero[0].kind == "increase"
    assert any(t.value == 92 and t.unit == "%" and t.deadline == "2025-12-31" for t in p.targets)


def test_responsibility_and_inheritance() -> None:
    p = parse_plan(PLAN)
    first = next(t for t in p.tasks if t.text.startswith("完成12台"))
    assert first.lead == ["县生态环境局"]
    assert first.support == ["县发展改革局", "县工业和信息化局"]
    assert "(" not in first.text and "牵头" not in first.text
    fert = next(t for t in p.tasks if t.text.startswith("到2025年,化肥使用量"))
    assert fert.lead == ["县农业农村局"] and fert.implementers == ["各乡镇人民政府"]
    later = next(t for t in p.tasks if t.text.startswith("力争创建"))
    assert later.lead == ["县农业农村局"] and later.support == ["县生态环境局"]
    assert later.implementers == ["各乡镇人民政府"]  # 下同 carries the implementers forward


def test_inline_clause_and_traditional_names_split() -> None:
    text = "一、任务\n(一)河道保洁。落实河道日常保洁制度,区水务局牵头 区城管局、区财政局及各街道参与\n"
    t = parse_plan(text).tasks[0]
    assert t.lead == ["区水务局"]
    assert t.support == ["区城管局", "区财政局", "各街道"]


def test_names_not_split_inside_brackets_or_names() -> None:
    text = "一、任务\n(一)示例。开展示例工作。(市发展和改革局、各县(市、区)人民政府按职责分工负责)\n"
    t = parse_plan(text).tasks[0]
    assert t.lead == ["市发展和改革局", "各县(市、区)人民政府"]


def test_ids_are_stable() -> None:
    a, b = parse_plan(PLAN).to_dict(), parse_plan(PLAN).to_dict()
    assert [t["id"] for t in a["tasks"]] == [t["id"] for t in b["tasks"]]
    assert len({t["id"] for t in a["tasks"]}) == len(a["tasks"])
    assert len({t["id"] for t in a["targets"]}) == len(a["targets"])


def test_run_on_ocr_text_gets_its_structure_back() -> None:
    items = []
    for i, name in enumerate(["一", "二", "三"], start=1):
        items.append(
            f"{name}、重点工作{i}。1,开展专项整治工作{i}、全面排查问题并建立台账、加强日常监管和执法检查。"
            f"2018年.污水收集率达7{i}、以上.区环保局牵头 区水务局.区农委参与、2.完善长效机制、"
            f"健全考核评价办法并向社会公开结果,完成3。{i}万亩整治任务,区农委牵头,区财政局。相关镇街参与.")
    text = "示例区人民政府 2018年3月1日 示例区水污染防治方案、" + "".join(items) * 6
    p = parse_plan(text)
    assert len([s for s in p.sections if s.level == 1]) >= 3
    rates = [t for t in p.targets if t.unit == "%" and t.value in (71, 72, 73)]
    assert rates and all(t.op == ">=" and t.deadline == "2018-12-31" for t in rates)
    assert any(t.value == 3.1 and t.unit == "万亩" for t in p.targets)  # 3。1 was a decimal point
    led = [t for t in p.tasks if t.lead]
    assert led and led[0].lead == ["区环保局"] and led[0].support == ["区水务局", "区农委"]


def test_baselines_past_figures_and_yearly_duties() -> None:
    text = ("一、目标\n2023年全县PM2.5平均浓度为41微克/立方米,同比下降4%。到2027年,单位地区生产总值能耗比2022年下降"
            "13.5%,万元工业增加值用水量较2022年下降10%,每年新增绿色矿山2个。\n")
    p = parse_plan(text)
    got = {(t.value, t.unit): t for t in p.targets}
    assert (41, "μg/m³") not in got and (4, "%") not in got  # a past figure, not a goal
    energy = got[(13.5, "%")]
    assert energy.kind == "reduction" and energy.baseline_year == 2022 and energy.indicator == "单位地区生产总值能耗"
    assert got[(10, "%")].indicator == "万元工业增加值用水量"
    yearly = got[(2, "个")]
    assert yearly.kind == "increase" and yearly.deadline is None
