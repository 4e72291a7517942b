"""General rules found on plans from other cities, each checked on a few lines written for the test."""

from __future__ import annotations

from taizhang.plan.parse import parse_plan
from taizhang.plan.responsibility import find_clause, split_names


def _task(plan, start: str):
    return next(t for t in plan.tasks if t.text.startswith(start))


def _values(plan) -> list[tuple]:
    return [(t.value, t.unit, t.op) for t in plan.targets]


# ---- metadata ---------------------------------------------------------------------------------------------


def test_region_keeps_the_city_of_a_name_ending_in_zhou() -> None:
    p = parse_plan("梧州市净土保卫战工作方案\n一、目标\n到2025年,受污染耕地安全利用率达到93%。\n")
    assert p.region == "梧州市"


def test_region_from_the_issuing_government_when_the_title_names_no_place() -> None:
    text = "甲乙县人民政府\n2021年4月2日\n关于加强农村污水治理的实施方案\n一、目标\n到2023年,治理率达到60%。\n"
    assert parse_plan(text).region == "甲乙县"


def test_a_three_year_plan_spans_three_years() -> None:
    text = "丙丁市蓝天保卫战三年行动方案\n一、目标\n到2020年,优良天数比率达到85%。\n"
    assert parse_plan(text).period == [2018, 2020]


def test_a_titled_single_year_plan_dates_undated_targets_to_that_year() -> None:
    text = "戊己市2022年碧水工程实施方案\n一、目标\n(一)县城目标\n县城污水收集率达到70%以上。\n"
    t = parse_plan(text).targets[0]
    assert (t.value, t.deadline) == (70, "2022-12-31")


# ---- responsibility ---------------------------------------------------------------------------------------


def test_fuze_luoshi_names_implementers_not_leads() -> None:
    c = find_clause("开展排查。(市水利局牵头,市林业局配合,各乡镇人民政府负责具体落实)")
    assert c and c.lead == ["市水利局"] and c.support == ["市林业局"]
    assert c.implementers == ["各乡镇人民政府"]


def test_a_verb_glued_to_the_role_word_is_not_a_body() -> None:
    c = find_clause("完成整治。(市城管局牵头推进,市公安局、市交通局参与)")
    assert c and c.lead == ["市城管局"] and c.support == ["市公安局", "市交通局"]


def test_labelled_clause_on_its_own_line_belongs_to_the_task_above() -> None:
    text = ("一、任务\n1.清理河道。全面清理河道垃圾。\n牵头单位:区水务局;责任单位:区城管局、各街道(社区)\n"
            "2.治理扬尘。落实工地围挡要求。\n责任单位:区住建局、区交通局\n")
    p = parse_plan(text)
    assert len(p.tasks) == 2
    first, second = p.tasks
    assert first.lead == ["区水务局"] and first.support == ["区城管局", "各街道(社区)"]
    assert second.lead == ["区住建局", "区交通局"] and second.support == []


def test_labelled_clause_in_brackets_with_implementers_carried_forward() -> None:
    text = ("一、任务\n1.压减产能。淘汰落后设备。(牵头部门:市工信局;责任单位:市统计局,各县政府负责具体落实。"
            "以下各项均需各县政府落实,不再列出)\n2.治理锅炉。完成锅炉改造。(市生态环境局负责)\n")
    p = parse_plan(text)
    a, b = p.tasks
    assert a.lead == ["市工信局"] and a.support == ["市统计局"] and a.implementers == ["各县政府"]
    assert b.lead == ["市生态环境局"] and b.implementers == ["各县政府"]


def test_labelled_clause_at_the_end_of_a_paragraph() -> None:
    t = parse_plan("一、任务\n1.整治码头。规范码头作业。责任单位:市港航中心、市海事局\n").tasks[0]
    assert t.lead == ["市港航中心", "市海事局"] and "责任单位" not in t.text


def test_first_named_leads_where_the_plan_says_so() -> None:
    text = ("说明:责任单位中排在首位的为牵头单位。\n一、任务\n1.治理污水。新建管网。\n"
            "责任单位:县住建局、县水利局、县财政局\n")
    t = _task(parse_plan(text), "新建管网")
    assert t.lead == ["县住建局"] and t.support == ["县水利局", "县财政局"]


def test_inline_clause_whose_names_carry_a_bracket_note() -> None:
    text = "一、任务\n1.保洁。落实河岸保洁。县水利局牵头,县环卫所、各镇(街道)配合。\n"
    t = parse_plan(text).tasks[0]
    assert t.lead == ["县水利局"] and t.support == ["县环卫所", "各镇(街道)"]


def test_mid_line_clause_with_a_bracket_note_closes_its_task() -> None:
    text = ("一、任务\n1.准入。编制准入清单。〔市发改局牵头,各县、区人民政府(管委会)负责落实。〕"
            "严控新增产能。(市工信局牵头,市发改局参与)\n")
    p = parse_plan(text)
    a, b = p.tasks
    assert a.lead == ["市发改局"] and a.implementers == ["各县、区人民政府(管委会)"]
    assert b.text.startswith("严控新增产能") and b.lead == ["市工信局"] and b.support == ["市发改局"]


def test_levels_sharing_one_noun_are_one_body() -> None:
    assert split_names("各县、区人民政府,市财政局") == ["各县、区人民政府", "市财政局"]
    assert split_names("市水务局、各镇") == ["市水务局", "各镇"]


# ---- targets ----------------------------------------------------------------------------------------------


def test_numbered_slogans_in_quotes_are_not_targets() -> None:
    p = parse_plan("一、要求\n坚持“三个不变”原则,落实“五个到位”要求,完成“两个确保”任务。\n")
    assert p.targets == []


def test_a_note_after_a_value_and_values_restating_it() -> None:
    text = ("一、目标\n到2021年,城区优良天数比率不低于90%(不含沙尘影响),即污染天数不超过36天;"
            "化学需氧量、氨氮排放量分别较2020年削减3.5%(820吨)和4%(95吨)。\n")
    p = parse_plan(text)
    vals = _values(p)
    assert (90, "%", ">=") in vals
    good = next(t for t in p.targets if t.value == 90)
    assert good.indicator == "城区优良天数比率"
    assert not any(t.unit == "吨" for t in p.targets)  # 820吨, 95吨 restate the percentages
    cuts = [(t.indicator, t.value, t.baseline_year) for t in p.targets if t.kind == "reduction"]
    assert cuts == [("化学需氧量排放量", 3.5, 2020), ("氨氮排放量", 4, 2020)]


def test_thresholds_written_with_ji_yixia_and_comparisons() -> None:
    text = ("一、任务\n2025年底前,淘汰每小时20蒸吨及以下燃煤锅炉;禁止销售含硫量高于0.5%的燃煤;"
            "新建污水管网30公里。\n")
    vals = _values(parse_plan(text))
    assert vals == [(30, "公里", ">=")]


def test_the_share_of_bad_water_must_fall() -> None:
    text = "一、目标\n到2024年,全县劣Ⅴ类水体比例为0,黑臭水体消除比例达到95%。\n"
    got = {t.value: t.op for t in parse_plan(text).targets}
    assert got == {0: "<=", 95: ">="}


def test_a_respectively_list_joined_by_he_with_a_bare_first_value() -> None:
    text = "一、目标\n到2025年,二氧化硫和氮氧化物年均浓度分别不高于12和28微克/立方米。\n"
    p = parse_plan(text)
    assert [(t.indicator, t.value, t.unit, t.op) for t in p.targets] == [
        ("二氧化硫年均浓度", 12, "μg/m³", "<="), ("氮氧化物年均浓度", 28, "μg/m³", "<=")]


def test_a_clause_without_a_subject_takes_it_from_the_clause_before() -> None:
    text = "一、目标\n到2020年,PM10浓度比2015年下降12%;重度污染天数持续减少,较2015年减少30%。\n"
    p = parse_plan(text)
    assert [t.indicator for t in p.targets] == ["PM10浓度", "重度污染天数"]


def test_editions_and_reference_levels_are_not_deadlines() -> None:
    text = ("一、任务\n1.淘汰产能。执行《淘汰目录》(2021年本),关停小作坊15家。\n"
            "2.水质。断面水质不低于2020年现状值,水质达标率达到90%。\n")
    p = parse_plan(text)
    assert all(t.deadline is None for t in p.targets)
    assert all(not t.deadlines for t in p.tasks)


def test_a_discharge_standard_is_not_a_water_quality_target() -> None:
    text = "一、任务\n到2023年,园区外排废水达到地表水Ⅳ类标准,干流出境断面水质保持Ⅱ类。\n"
    p = parse_plan(text)
    assert [(t.scope, t.value, t.unit) for t in p.targets] == [("干流出境断面", 2, "类")]


def test_unit_spelled_with_mei() -> None:
    t = parse_plan("一、目标\n到2020年,PM2.5年均浓度控制在33微克每立方米以下。\n").targets[0]
    assert (t.value, t.unit, t.op) == (33, "μg/m³", "<=")


def test_a_two_part_heading_is_a_title_not_a_task() -> None:
    text = "一、任务\n(一)调整能源结构,推进清洁取暖。\n1.压减散煤。完成散煤替代2万户。\n"
    p = parse_plan(text)
    assert next(s for s in p.sections if s.id == "1.1").title == "调整能源结构,推进清洁取暖"
    assert [t.text[:4] for t in p.tasks] == ["完成散煤"]


def test_xiaoyu_is_a_strict_ceiling_and_dayu_a_strict_floor() -> None:
    text = "一、目标\n到2025年,城区PM2.5年均浓度小于30微克/立方米,森林覆盖率大于60%。\n"
    assert [(t.value, t.op) for t in parse_plan(text).targets] == [(30, "<"), (60, ">")]


def test_a_note_between_a_value_and_its_bound() -> None:
    text = "一、目标\n到2026年,重污染天数比率控制在0.5%(2天)以内。\n"
    t = parse_plan(text).targets[0]
    assert (t.indicator, t.value, t.op) == ("重污染天数比率", 0.5, "<=")


def test_ten_thousand_counts() -> None:
    t = parse_plan("一、目标\n到2025年,新增完成3万个自然村环境整治。\n").targets[0]
    assert (t.value, t.unit, t.kind) == (3, "万个", "increase")


def test_a_title_may_open_with_its_year() -> None:
    p = parse_plan("2021年庚辛市扬尘治理工作方案\n一、目标\n道路机扫率达到90%。\n")
    assert p.title == "2021年庚辛市扬尘治理工作方案"
    assert p.targets[0].deadline == "2021-12-31"


def test_jiang_dao_and_jinnian_are_not_part_of_the_indicator() -> None:
    text = "一、目标\n到2023年,市区PM10浓度力争降到50微克/立方米,今年城区优良率要达90%左右。\n"
    assert [t.indicator for t in parse_plan(text).targets] == ["市区PM10浓度", "城区优良率"]


def test_a_class_inside_a_ratio_name_is_not_a_class_target() -> None:
    text = "一、目标\n到2024年,省控断面达到或优于Ⅲ类水质断面比例达到80%。\n"
    assert [(t.value, t.unit) for t in parse_plan(text).targets] == [(80, "%")]


# ---- task tables (a row is one line, cells tab-separated, as the docx and html readers give them) ------------

TABLE = (
    "一、任务清单\n"
    "序号\t重点任务\t具体措施\t牵头单位\t配合单位\t完成时限\n"
    "1\t锅炉整治\t完成8台燃气锅炉低氮改造\t区生态环境局\t区市场监管局、区发改委\t2024年底前\n"
    "2\t管网建设\t新建雨污管网15公里,污水收集率达到65%以上\t区住建局\t区水务局\t2025年\n"
    "3\t水源保护\t水源地水质达标率保持100%\t\t\t长期坚持\n"
    "二、保障措施\n加强组织领导。\n"
)


def test_a_task_table_is_read_through_its_header() -> None:
    p = parse_plan(TABLE)
    rows = [t for t in p.tasks if t.section == "1"]
    assert [t.text for t in rows] == ["锅炉整治。完成8台燃气锅炉低氮改造。",
                                      "管网建设。新建雨污管网15公里,污水收集率达到65%以上。",
                                      "水源保护。水源地水质达标率保持100%。"]
    assert rows[0].lead == ["区生态环境局"] and rows[0].support == ["区市场监管局", "区发改委"]
    assert rows[0].deadlines == ["2024-12-31"]
    assert rows[2].lead == ["区住建局"]  # an empty (merged) responsibility cell repeats the row above


def test_the_deadline_column_dates_the_row_targets() -> None:
    got = {(t.value, t.unit): t.deadline for t in parse_plan(TABLE).targets}
    assert got == {(8, "台"): "2024-12-31", (15, "公里"): "2025-12-31", (65, "%"): "2025-12-31",
                   (100, "%"): None}


def test_a_responsibility_column_alone_leads_and_a_cell_may_name_roles() -> None:
    text = ("一、任务\n序号\t工作任务\t责任单位\n"
            "1\t完成农村改厕3000户\t县农业农村局\n"
            "2\t整治黑臭水体4条\t县水利局牵头,县住建局配合\n")
    a, b = parse_plan(text).tasks
    assert a.lead == ["县农业农村局"] and a.support == []
    assert b.lead == ["县水利局"] and b.support == ["县住建局"]


def test_a_time_field_in_the_clause_dates_the_task() -> None:
    text = "一、任务\n1.整治扬尘。改造围挡20处。(牵头单位:市住建局;配合单位:市城管局;完成时限:2025年6月底)\n"
    p = parse_plan(text)
    t = p.tasks[0]
    assert t.lead == ["市住建局"] and t.support == ["市城管局"] and t.deadlines == ["2025-06-30"]
    assert p.targets[0].deadline == "2025-06-30"


def test_xietong_is_a_support_role() -> None:
    c = find_clause("落实围挡。(市住建局负责,市城管局协同)")
    assert c and c.lead == ["市住建局"] and c.support == ["市城管局"]


def test_a_count_of_principles_is_not_a_target() -> None:
    text = "一、任务\n1.扬尘。落实六个百分百要求,新建三个监测站。\n"
    assert [(t.value, t.unit) for t in parse_plan(text).targets] == [(3, "个")]


def test_a_rise_against_a_baseline_as_an_alternative() -> None:
    text = "一、目标\n到2025年,污水集中收集率力争达到68%或比2020年提高6个百分点。\n"
    got = [(t.indicator, t.value, t.unit, t.kind, t.baseline_year) for t in parse_plan(text).targets]
    assert got == [("污水集中收集率", 68, "%", "level", None), ("污水集中收集率", 6, "个百分点", "increase", 2020)]


def test_thousands_separators_and_comma_lists() -> None:
    text = ("一、目标\n到2025年,新建管网1,450公里;化学需氧量、氨氮减排量分别达到2,600吨、310吨;"
            "三座水厂供水能力分别为150,200,250吨/日。\n")
    got = [(t.indicator, t.value, t.unit) for t in parse_plan(text).targets]
    assert got[:3] == [("新建管网", 1450, "公里"), ("化学需氧量减排量", 2600, "吨"), ("氨氮减排量", 310, "吨")]
    assert [v for _, v, _ in got[3:]] == [150, 200, 250]


def test_a_main_indicator_table_gives_targets() -> None:
    text = ("一、主要目标\n到2025年,主要指标如下。\n"
            "序号\t指标\t单位\t2020年\t2025年目标\t属性\n"
            "1\t城市PM2.5平均浓度\t微克/立方米\t38\t≤33\t约束性\n"
            "2\t县级集中式饮用水水源达标率(%)\t\t95\t100\t约束性\n"
            "3\t单位地区生产总值能耗降低\t%\t—\t[14]\t约束性\n"
            "4\t重污染天数比率\t%\t1.2\t0.8\t预期性\n"
            "5\t受污染耕地安全利用率\t%\t—\t完成省下达任务\t约束性\n"
            "二、任务\n(一)锅炉。完成锅炉改造6台。\n")
    p = parse_plan(text)
    got = [(t.indicator, t.op, t.value, t.unit, t.kind, t.baseline_year, t.deadline) for t in p.targets]
    assert got[:4] == [
        ("城市PM2.5平均浓度", "<=", 33, "μg/m³", "level", None, "2025-12-31"),
        ("县级集中式饮用水水源达标率", ">=", 100, "%", "level", None, "2025-12-31"),
        ("单位地区生产总值能耗降低", ">=", 14, "%", "reduction", 2020, "2025-12-31"),
        ("重污染天数比率", "<=", 0.8, "%", "level", None, "2025-12-31"),
    ]
    assert len(got) == 5 and got[4][2] == 6  # the row without a number gives none; the task after the table
    assert [t.text[:4] for t in p.tasks] == ["到202", "完成锅炉"]  # rows of the table are not tasks


def test_a_bracket_of_office_names_alone_leads() -> None:
    text = ("一、任务\n(一)公开水质。每季度公开供水水质。(区卫生健康委)\n"
            "(二)整治河道。排查劣Ⅴ类水体。(区水务局、区生态环境分局)\n"
            "(三)锅炉。淘汰燃煤锅炉(含自备电厂)\n(四)监测。加密监测站点(县级以上城市)\n")
    p = parse_plan(text)
    assert [t.lead for t in p.tasks] == [["区卫生健康委"], ["区水务局", "区生态环境分局"], [], []]
    assert p.tasks[1].text == "排查劣Ⅴ类水体"


def test_what_follows_yixia_junxu_names_only_implementers_of_later_tasks() -> None:
    c = find_clause("控制用水总量。[市水务局牵头,市工信局配合,各区政府负责落实。以下均需各区政府落实,"
                    "区政府无相关职能的,由市直部门负责相关工作,不再列出]")
    assert c and c.lead == ["市水务局"] and c.support == ["市工信局"]
    assert c.implementers == ["各区政府"] and c.inherit


# ---- held-out round: county and provincial openings (Anhui, Henan, Heilongjiang, Guangxi, Hebei) -----------


def _full(plan) -> list[tuple]:
    return [(t.indicator, t.value, t.unit, t.kind, t.baseline_year, t.deadline) for t in plan.targets]


def test_a_class_noun_before_a_pollutant_list_is_not_an_item() -> None:
    p = parse_plan("一、目标\n2019年,主要污染物化学需氧量、总磷排放量分别较2016年削减6%、4%。\n")
    assert [t.indicator for t in p.targets] == ["化学需氧量排放量", "总磷排放量"]


def test_one_value_for_a_pollutant_list_holds_for_each() -> None:
    p = parse_plan("一、目标\n到2021年,二氧化硫、氮氧化物排放量比2017年减少3%。\n")
    assert _full(p) == [("二氧化硫排放量", 3, "%", "reduction", 2017, "2021-12-31"),
                        ("氮氧化物排放量", 3, "%", "reduction", 2017, "2021-12-31")]
    q = parse_plan("一、目标\n到2021年,城镇和农村供水保证率达到95%。\n")
    assert len(q.targets) == 1  # places sharing one rate are not a pollutant list


def test_a_year_dating_a_state_that_picks_out_places_is_not_a_deadline() -> None:
    text = ("一、工作任务\n二、主要目标\n2021年各村改善目标如下:\n"
            "(一)2020年PM10浓度超过90微克/立方米的甲村、乙村,PM10浓度降至80微克/立方米以下。\n"
            "(二)2020年PM10浓度在70至90微克/立方米之间的丙村,PM10浓度降至70微克/立方米以下。\n")
    assert [(t.value, t.deadline) for t in parse_plan(text).targets] == [(80, "2021-12-31"), (70, "2021-12-31")]


def test_a_labelled_goal_paragraph_before_the_first_heading_is_read() -> None:
    text = ("某县净土工作方案\n为改善土壤质量,制定本方案。\n"
            "主要指标:到2022年,受污染耕地安全利用率达到93%以上。\n"
            "一、开展详查\n(一)详查农用地。2021年底前查明污染面积。(县环保局牵头,县农业局配合)\n")
    p = parse_plan(text)
    assert [(t.value, t.deadline) for t in p.targets] == [(93, "2022-12-31")]
    assert _task(p, "2021年底前").lead == ["县环保局"]


def test_an_area_that_reaches_a_standard_is_a_target_not_a_threshold() -> None:
    text = "一、目标\n到2026年底,30平方公里以上城区面积达到海绵城市要求;500亩以上的园区全部建成污水管网。\n"
    got = [(t.value, t.unit, t.op, t.kind, t.deadline) for t in parse_plan(text).targets]
    assert got == [(30, "平方公里", ">=", "level", "2026-12-31")]


def test_a_line_of_bare_names_under_labelled_lines_names_the_implementers() -> None:
    text = ("一、任务\n1.整治河道。2019年底前完成清淤。\n牵头单位:县水利局\n配合单位:县环保局、农业局\n"
            "各乡镇(街道)、城东管委会\n2.治理污水。建设管网。\n")
    p = parse_plan(text)
    t = _task(p, "2019年底前")
    assert (t.lead, t.support) == (["县水利局"], ["县环保局", "农业局"])
    assert t.implementers == ["各乡镇(街道)", "城东管委会"]
    assert [x.text[:4] for x in p.tasks] == ["2019", "建设管网"]


def test_a_heading_may_open_with_a_year_and_places_picked_by_a_state_are_not_the_indicator() -> None:
    text = ("一、主要目标\n2023年各镇目标如下:\n"
            "(一)2022年臭氧浓度高于160微克/立方米的甲镇、乙镇的臭氧浓度均降至目标值150微克/立方米以下。\n"
            "(二)2022年臭氧浓度低于140微克/立方米的丙镇保持稳定。\n")
    p = parse_plan(text)
    assert [s.number for s in p.sections] == ["一、", "(一)", "(二)"]
    assert [(t.indicator, t.value, t.op, t.deadline) for t in p.targets] == [("臭氧浓度", 150, "<=", "2023-12-31")]


def test_a_period_dates_each_value_of_a_respectively_list_by_its_year() -> None:
    text = ("一、目标\n2021年—2023年,全县优良天数比率分别不低于80%、82%、85%;PM10浓度分别不高于70微克/立方米、"
            "不高于65微克/立方米、60微克/立方米。\n")
    got = [(t.indicator, t.value, t.deadline[:4]) for t in parse_plan(text).targets]
    assert got == [("优良天数比率", 80, "2021"), ("优良天数比率", 82, "2022"), ("优良天数比率", 85, "2023"),
                   ("PM10浓度", 70, "2021"), ("PM10浓度", 65, "2022"), ("PM10浓度", 60, "2023")]
    q = parse_plan("一、目标\n2021—2023年,二氧化硫、氮氧化物排放量分别下降6%、5%。\n")
    assert len({t.deadline for t in q.targets}) == 1  # 分别 over pollutants, not over the years


def test_a_short_numbered_item_with_a_figure_or_a_responsible_body_is_a_task() -> None:
    text = ("庚辛县农业污染治理工作方案\n一、主要任务\n(一)养殖污染治理\n"
            "1.规模养殖场粪污处理设施配套率达到95%以上(县农业农村局负责)。\n"
            "2.开展养殖户宣传培训(县畜牧站牵头)。\n"
            "(二)加强监督管理\n")
    p = parse_plan(text)
    assert [t.text for t in p.tasks] == ["规模养殖场粪污处理设施配套率达到95%以上", "开展养殖户宣传培训"]
    assert _task(p, "规模").lead == ["县农业农村局"] and _task(p, "开展").lead == ["县畜牧站"]
    assert _values(p) == [(95, "%", ">=")]
    assert [s.title for s in p.sections if s.level < 3] == ["主要任务", "养殖污染治理", "加强监督管理"]
