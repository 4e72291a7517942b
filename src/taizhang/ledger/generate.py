"""A generated ledger of realistic size and content, for benchmarks and scale tests (not user input).

`generate(ledger_or_session, plans=100, tasks=20000, reports=100000, seed=0, as_of=...)` writes plans of
市/区/县 governments (sections, tasks with Chinese texts, 1 lead + 0–3 support departments, targets on
about a third of the tasks with baselines and deadlines over 2021–2025) and monthly progress reports
whose values trend toward or away from their goals, some late and some missing, so an evaluation
as of `as_of` gives a realistic mix of statuses and colours. The same seed gives the same ledger.

Departments go through `departments.Registry`, so the names as written (安康市环保局, 忠县发改委)
resolve to registry entries with their aliases, and those inserts are audited like any other. Plans,
versions, sections, tasks, assignments, milestones, targets and reports are written with bulk Core
inserts (`session.execute(insert(Model), rows)`), which bypass the per-row ORM audit: the generated
ledger is a fixture, not user input, and building 100,000 reports row by row through the ORM would
take minutes. Report uids are `gen-<seed>-<n>`; generate into a ledger that does not yet hold the
generated plans (their keys are unique).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from taizhang.ledger.aliases import BUILTIN_ALIASES, canonical_name, short_names
from taizhang.ledger.db import Ledger
from taizhang.ledger.departments import Registry
from taizhang.ledger.importer import checksum
from taizhang.ledger.models import (
    Assignment,
    Department,
    DepartmentAlias,
    Milestone,
    Plan,
    PlanVersion,
    ProgressReport,
    Section,
    Target,
    Task,
)

__all__ = ["DEFAULT_AS_OF", "Generated", "generate"]

DEFAULT_AS_OF = dt.date(2024, 9, 30)

# Cities and their districts/counties: the regions of the generated plans (a city plan, then its 区/县).
REGIONS: dict[str, tuple[str, ...]] = {
    "安康市": ("汉滨区", "汉阴县", "石泉县", "宁陕县", "紫阳县", "岚皋县", "平利县", "镇坪县", "白河县"),
    "杭州市": ("上城区", "拱墅区", "西湖区", "滨江区", "萧山区", "余杭区", "临平区", "钱塘区", "富阳区",
              "临安区", "桐庐县", "淳安县"),
    "重庆市": ("巴南区", "永川区", "渝中区", "江北区", "沙坪坝区", "九龙坡区", "南岸区", "北碚区", "渝北区",
              "万州区", "涪陵区", "黔江区", "长寿区", "江津区", "合川区", "綦江区", "大足区", "璧山区",
              "铜梁区", "潼南区", "荣昌区", "开州区", "梁平区", "武隆区", "城口县", "丰都县", "垫江县",
              "云阳县", "奉节县", "巫山县", "巫溪县"),
    "西安市": ("新城区", "碑林区", "莲湖区", "雁塔区", "灞桥区", "未央区", "阎良区", "临潼区", "长安区",
              "高陵区", "鄠邑区", "蓝田县", "周至县"),
    "成都市": ("锦江区", "青羊区", "金牛区", "武侯区", "成华区", "龙泉驿区", "青白江区", "新都区", "温江区",
              "双流区", "郫都区", "新津区", "金堂县", "大邑县", "蒲江县"),
    "保定市": ("竞秀区", "莲池区", "满城区", "清苑区", "徐水区", "涞水县", "阜平县", "定兴县", "唐县",
              "高阳县", "容城县", "涞源县", "望都县", "安新县", "易县", "曲阳县", "蠡县", "顺平县",
              "博野县", "雄县"),
}

PLAN_TITLES = (
    "深入打好污染防治攻坚战实施方案",
    "空气质量持续改善行动计划实施方案",
    "深入打好蓝天保卫战行动方案",
    "水污染防治行动实施方案",
    "土壤污染防治工作方案",
    "深入打好长江保护修复攻坚战行动方案",
    "生态环境保护“十四五”规划实施方案",
)

# Department bodies of a local government (canonical forms of the alias table); the plans write
# some of them in an older or longer form (环保局, 发改委, 住建委 …), which the registry resolves.
BODIES = (
    "生态环境局", "发展改革委", "工业和信息化局", "住房城乡建设局", "交通运输局", "农业农村局", "水利局",
    "自然资源局", "城市管理局", "公安局", "财政局", "市场监管局", "应急管理局", "林业局", "卫生健康委",
    "气象局", "商务局", "科技局", "教育局", "统计局",
)
# Which bodies lead which theme (the first one most often).
THEME_LEADS: dict[str, tuple[str, ...]] = {
    "air": ("生态环境局", "工业和信息化局", "交通运输局", "住房城乡建设局", "公安局", "发展改革委"),
    "water": ("生态环境局", "水利局", "住房城乡建设局", "农业农村局", "城市管理局"),
    "soil": ("生态环境局", "农业农村局", "自然资源局", "城市管理局"),
    "carbon": ("发展改革委", "工业和信息化局", "统计局", "住房城乡建设局"),
    "eco": ("林业局", "自然资源局", "生态环境局", "水利局"),
    "support": ("财政局", "生态环境局", "科技局", "市场监管局", "气象局", "教育局"),
}

SECTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "air": ("深入打好蓝天保卫战", ("着力打好重污染天气消除攻坚战", "着力打好臭氧污染防治攻坚战",
                                  "持续打好柴油货车污染治理攻坚战", "加强扬尘和面源污染治理",
                                  "推进燃煤锅炉和工业炉窑综合整治")),
    "water": ("深入打好碧水保卫战", ("持续打好城市黑臭水体治理攻坚战", "推进入河排污口排查整治",
                                    "加快补齐城镇污水收集和处理短板", "巩固提升饮用水安全保障水平",
                                    "推进农村生活污水治理")),
    "soil": ("深入打好净土保卫战", ("推进农用地土壤污染防治和安全利用", "有效管控建设用地土壤污染风险",
                                   "稳步推进“无废城市”建设", "加强新污染物治理")),
    "carbon": ("推动绿色低碳发展", ("推动能源清洁低碳转型", "坚决遏制高耗能高排放项目盲目发展",
                                   "推进清洁生产和能源资源节约高效利用")),
    "eco": ("加强生态保护修复", ("加强生物多样性保护", "推进重点区域生态修复", "强化生态保护监管")),
    "support": ("强化保障措施", ("加强组织领导", "强化资金保障", "强化科技支撑", "严格考核督察")),
}

TASK_TEXTS: dict[str, tuple[str, ...]] = {
    "air": (
        "{y}年底前完成{n}台35蒸吨/小时以下燃煤锅炉淘汰或清洁能源替代，建成区基本消除燃煤锅炉。",
        "推进{n}家重点行业企业挥发性有机物综合治理，{y}年底前完成低效治理设施升级改造。",
        "加快淘汰国三及以下排放标准柴油货车，{y}年底前累计淘汰{n}辆，推广新能源公交车和出租车。",
        "严格落实施工工地“六个百分百”扬尘管控要求，{y}年起道路机械化清扫率达到{p}%以上。",
        "完善重污染天气应急减排清单，{y}年底前完成{n}家企业绩效分级，实施差异化管控。",
        "开展餐饮油烟专项整治，{y}年底前城区{n}家餐饮服务单位全部安装高效油烟净化设施。",
        "全面禁止露天焚烧秸秆和垃圾，秸秆综合利用率{y}年达到{p}%以上。",
    ),
    "water": (
        "{y}年底前完成{n}个入河排污口排查溯源和分类整治，建立排污口整治销号台账。",
        "新建改造城镇污水管网{n}公里，{y}年底前城市生活污水集中收集率达到{p}%以上。",
        "巩固城市建成区黑臭水体治理成效，{y}年底前完成{n}条黑臭水体整治并实现长制久清。",
        "完成{n}个乡镇集中式饮用水水源地保护区划定和规范化建设，{y}年底前全面完成问题整改。",
        "推进农村生活污水治理，{y}年底前新建农村生活污水处理设施{n}座，治理率达到{p}%。",
        "实施工业园区污水处理设施整治专项行动，{y}年底前{n}个工业集聚区实现污水集中处理。",
    ),
    "soil": (
        "落实受污染耕地安全利用和严格管控措施，{y}年受污染耕地安全利用率达到{p}%以上。",
        "建立建设用地土壤污染风险管控和修复名录，{y}年底前完成{n}个地块土壤污染状况调查。",
        "推进“无废城市”建设，{y}年一般工业固体废物综合利用率达到{p}%。",
        "完成{n}家涉重金属企业排查整治，{y}年底前重点行业重金属排放量比2020年下降{q}%。",
        "加强危险废物规范化环境管理，{y}年底前完成{n}家产废单位规范化评估。",
    ),
    "carbon": (
        "严控煤炭消费总量，{y}年单位地区生产总值能耗比2020年下降{q}%。",
        "推进{n}家重点企业清洁生产审核，{y}年底前完成节能降碳改造。",
        "新增光伏发电装机{n}万千瓦，{y}年非化石能源消费比重达到{p}%。",
        "开展{n}个绿色工厂和绿色园区创建，{y}年底前完成认定。",
    ),
    "eco": (
        "{y}年底前完成{n}万亩国土绿化和退化林修复，森林覆盖率稳定在{p}%以上。",
        "开展生物多样性本底调查，{y}年底前建立{n}个生物多样性观测样地。",
        "实施{n}座废弃矿山生态修复，{y}年底前历史遗留矿山治理率达到{p}%。",
    ),
    "support": (
        "建立生态环境保护专项资金稳定增长机制，{y}年安排专项资金不少于{n}万元。",
        "将污染防治攻坚战目标任务完成情况纳入年度综合考核，每季度通报进展，{y}年底前完成终期评估。",
        "完善生态环境监测网络，{y}年底前新建{n}个空气质量和水质自动监测站。",
        "开展生态环境保护宣传教育，{y}年底前创建{n}所绿色学校。",
    ),
}

# Target kinds per theme: (indicator, op, unit, kind, goal range, baseline offset range, text template).
# For a level target the baseline is the goal plus the offset (a worse starting value); for
# reduction/increase targets the baseline is 0 and reports give the cumulative amount achieved.
TARGETS: dict[str, tuple[tuple[str, str, str, str, tuple[float, float], tuple[float, float], str], ...]] = {
    "air": (
        ("细颗粒物(PM2.5)年平均浓度", "<=", "μg/m³", "level", (25, 45), (4, 12),
         "到{y}年，{r}细颗粒物(PM2.5)年平均浓度不高于{v}微克/立方米"),
        ("空气质量优良天数比率", ">=", "%", "level", (80, 93), (-8, -2), "{r}空气质量优良天数比率达到{v}%"),
        ("重污染天数比率", "<=", "%", "level", (0.3, 1.5), (0.5, 2.5), "重污染天数比率控制在{v}%以内"),
        ("氮氧化物重点工程减排量", ">=", "吨", "reduction", (200, 2000), (0, 0),
         "氮氧化物重点工程减排量达到{v}吨"),
        ("淘汰燃煤锅炉", ">=", "台", "increase", (10, 200), (0, 0), "淘汰燃煤锅炉{v}台"),
    ),
    "water": (
        ("地表水国控断面水质优良比例", ">=", "%", "level", (80, 100), (-15, -3),
         "{r}地表水国控断面水质优良(达到或优于Ⅲ类)比例达到{v}%"),
        ("化学需氧量重点工程减排量", ">=", "吨", "reduction", (500, 5000), (0, 0),
         "化学需氧量重点工程减排量达到{v}吨"),
        ("城市生活污水集中收集率", ">=", "%", "level", (60, 80), (-12, -4), "城市生活污水集中收集率达到{v}%以上"),
        ("建设改造城镇污水管网", ">=", "公里", "increase", (50, 800), (0, 0), "建设改造城镇污水管网{v}公里"),
        ("新建农村生活污水处理设施", ">=", "座", "increase", (10, 300), (0, 0), "新建农村生活污水处理设施{v}座"),
        ("城市黑臭水体消除比例", ">=", "%", "level", (90, 100), (-40, -10), "城市黑臭水体消除比例达到{v}%"),
    ),
    "soil": (
        ("受污染耕地安全利用率", ">=", "%", "level", (90, 95), (-10, -3), "受污染耕地安全利用率达到{v}%左右"),
        ("一般工业固体废物综合利用率", ">=", "%", "level", (60, 80), (-10, -3),
         "一般工业固体废物综合利用率达到{v}%"),
        ("重点行业重点重金属污染物排放量", ">=", "%", "reduction", (3, 8), (0, 0),
         "重点行业重点重金属污染物排放量比2020年下降{v}%"),
    ),
    "carbon": (
        ("单位地区生产总值能耗", ">=", "%", "reduction", (10, 15), (0, 0), "单位地区生产总值能耗比2020年下降{v}%"),
        ("非化石能源消费比重", ">=", "%", "level", (15, 25), (-5, -2), "非化石能源消费比重达到{v}%"),
    ),
    "eco": (
        ("森林覆盖率", ">=", "%", "level", (40, 70), (-3, -1), "森林覆盖率稳定在{v}%以上"),
        ("完成国土绿化", ">=", "万亩", "increase", (1, 30), (0, 0), "完成国土绿化{v}万亩"),
    ),
    "support": (
        ("新建空气质量和水质自动监测站", ">=", "个", "increase", (3, 40), (0, 0), "新建空气质量和水质自动监测站{v}个"),
    ),
}

# How a subject's reporters behave: (weight, pace range, months late range, share with no reports).
BEHAVIOURS = (
    ("ahead", 0.22, (1.05, 1.3), (0, 0)),
    ("on_track", 0.42, (0.93, 1.05), (0, 1)),
    ("lagging", 0.16, (0.72, 0.88), (0, 1)),
    ("behind", 0.08, (0.45, 0.7), (1, 3)),
    ("away", 0.04, (-0.4, 0.0), (0, 2)),
    ("silent", 0.08, (0.9, 1.0), (2, 6)),  # reports stopped months ago
)
FINISHERS = ("ahead", "on_track", "silent")
NO_REPORTS = 0.04  # share of subjects that never reported
REPORTERS = ("张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴霞", "徐刚", "孙丽")
NARRATIVES = ("按计划推进", "已完成阶段性任务", "正在组织实施", "资金已落实，工程建设中", "受天气影响进度放缓",
              "已完成招投标", "正在开展问题整改", "已报送阶段性成果")


@dataclass
class Generated:
    """What `generate` wrote: row counts per table and the ids of the plans."""

    counts: dict[str, int] = field(default_factory=dict)
    plan_ids: list[int] = field(default_factory=list)


@dataclass
class _Subject:
    kind: str  # "task" | "target"
    id: int
    dept_id: int
    start: dt.date
    deadline: dt.date
    baseline: float  # for tasks: 0 (percent done)
    goal: float  # for tasks: 100
    digits: int


def _regions(n: int) -> list[tuple[str, str]]:
    """(region, its prefix for department names): each city first, then its districts, round robin."""
    out: list[tuple[str, str]] = [(city, city) for city in REGIONS]
    districts = [d for ds in REGIONS.values() for d in ds]
    out += [(d, d) for d in districts]
    if n > len(out):  # more plans than regions: a second plan per region (another campaign)
        out = [out[i % len(out)] for i in range(n)]
    return out[:n]


def _split(total: int, parts: int, rng: random.Random, spread: float = 0.5) -> list[int]:
    """`total` split into `parts` non-negative counts that sum exactly to `total`, each near the mean."""
    if parts <= 0:
        return []
    weights = [rng.uniform(1 - spread, 1 + spread) for _ in range(parts)]
    s = sum(weights)
    counts = [int(total * w / s) for w in weights]
    for i in rng.sample(range(parts), total - sum(counts)):
        counts[i] += 1
    return counts


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _add_months(d: dt.date, k: int) -> tuple[int, int]:
    m = d.year * 12 + d.month - 1 + k
    return m // 12, m % 12 + 1


@contextmanager
def _session_of(target: Ledger | Session) -> Iterator[Session]:
    if isinstance(target, Session):
        yield target
        return
    with target.session("generate") as s:
        yield s


def generate(
    ledger_or_session: Ledger | Session,
    plans: int = 100,
    tasks: int = 20000,
    reports: int = 100000,
    seed: int = 0,
    as_of: dt.date = DEFAULT_AS_OF,
) -> Generated:
    """Write a generated ledger (see the module docstring). Returns the counts written."""
    if plans < 1 or tasks < plans or reports < 0:
        raise ValueError("generate needs at least one plan, one task per plan and a non-negative report count")
    rng = random.Random(seed)
    with _session_of(ledger_or_session) as s:
        return _Builder(s, rng, seed, as_of).build(plans, tasks, reports)


class _Builder:
    def __init__(self, session: Session, rng: random.Random, seed: int, as_of: dt.date) -> None:
        self.s = session
        self.rng = rng
        self.seed = seed
        self.as_of = as_of
        self.registry = Registry(session)
        self.out = Generated()

    # ---- departments ------------------------------------------------------------------------------
    def _written(self, prefix: str, body: str) -> str:
        """A department name as a plan writes it: mostly the current form, sometimes an older alias."""
        aliases = BUILTIN_ALIASES.get(body, ())
        if aliases and self.rng.random() < 0.3:
            return prefix + self.rng.choice(aliases[:4])
        return prefix + body

    def _departments(self, prefix: str) -> dict[str, list[str]]:
        """body → the 1–2 ways one region's plan writes that department (市环保局, 市生态环境局 …)."""
        bodies = [b for b in BODIES if b == "生态环境局" or self.rng.random() < 0.8]
        out = {body: sorted({self._written(prefix, body) for _ in range(2)}) for body in bodies}
        out["人民政府"] = [f"{prefix}人民政府"]
        return out

    def _registry(self, written: set[str]) -> dict[str, int]:
        """Registry ids of the names as written.

        The entries the registry would create (canonical name, its built-in aliases and the form as
        written) are inserted in bulk first, since creating two thousand entries one flush at a time
        takes most of a minute; then every written name is resolved through `Registry`, so the
        alias rules decide which entry a name belongs to.
        """
        names = set(self.s.scalars(select(Department.name)))
        taken = names | set(self.s.scalars(select(DepartmentAlias.alias)))
        new: dict[str, set[str]] = {}
        for w in sorted(written):
            canon = canonical_name(w)
            if canon in taken and canon not in new:
                continue
            new.setdefault(canon, set()).update({w, *short_names(canon)} - {canon})
        if new:
            canons = sorted(new)
            ids = self.s.scalars(insert(Department).returning(Department.id, sort_by_parameter_order=True),
                                 [{"name": c} for c in canons])
            alias_rows = []
            claimed = taken | set(canons)
            for dept_id, canon in zip(ids, canons, strict=True):
                for alias in sorted(new[canon] - claimed):
                    claimed.add(alias)
                    alias_rows.append({"department_id": dept_id, "alias": alias})
            if alias_rows:
                self.s.execute(insert(DepartmentAlias), alias_rows)
        return {w: self.registry.resolve(w).id for w in sorted(written)}

    # ---- plans ------------------------------------------------------------------------------------
    def build(self, n_plans: int, n_tasks: int, n_reports: int) -> Generated:
        rng = self.rng
        regions = _regions(n_plans)
        per_plan = _split(n_tasks, n_plans, rng, spread=0.3)
        for i, n in enumerate(per_plan):  # every plan has at least one task
            if n == 0:
                j = max(range(n_plans), key=lambda k: per_plan[k])
                per_plan[i], per_plan[j] = 1, per_plan[j] - 1
        used_titles: set[str] = set()
        plan_rows = []
        docs = []
        region_depts = {prefix: self._departments(prefix) for _, prefix in regions}
        dept_ids = self._registry({w for d in region_depts.values() for ws in d.values() for w in ws})
        for (region, prefix), n in zip(regions, per_plan, strict=True):
            title = region + rng.choice(PLAN_TITLES)
            k = 2
            while title in used_titles:  # a second campaign in the same region
                title = f"{region}{rng.choice(PLAN_TITLES)}({k})"
                k += 1
            used_titles.add(title)
            issued = dt.date(rng.choice((2021, 2021, 2022)), rng.randint(1, 12), rng.randint(1, 28))
            plan_rows.append({"key": title, "title": title, "region": region, "issuer": f"{region}人民政府",
                              "period_start": 2021, "period_end": 2025})
            docs.append((region, prefix, issued, n))
        plan_ids = list(self.s.scalars(insert(Plan).returning(Plan.id, sort_by_parameter_order=True), plan_rows))
        self.out.plan_ids = plan_ids

        sections: list[dict[str, Any]] = []
        task_rows: list[dict[str, Any]] = []
        task_meta: list[tuple[str, list[tuple[int, str]], list[tuple[int, str]], dt.date, bool, str]] = []
        versions: list[dict[str, Any]] = []
        for plan_id, (region, prefix, issued, n), prow in zip(plan_ids, docs, plan_rows, strict=True):
            depts = {b: [(dept_ids[w], w) for w in ws] for b, ws in region_depts[prefix].items()}
            content = self._plan(plan_id, region, issued, n, depts, sections, task_rows, task_meta)
            content.update(title=prow["title"], region=region, issuer=prow["issuer"])
            versions.append({"plan_id": plan_id, "number": 1, "status": "final", "issued": issued,
                             "source": f"generated-{self.seed}", "checksum": checksum(content),
                             "content": content})
        version_ids = list(self.s.scalars(
            insert(PlanVersion).returning(PlanVersion.id, sort_by_parameter_order=True), versions))
        self.s.execute(update(Plan), [{"id": p, "current_version_id": v} for p, v in zip(plan_ids, version_ids,
                                                                                          strict=True)])
        self.s.execute(insert(Section), sections)
        task_ids = list(self.s.scalars(insert(Task).returning(Task.id, sort_by_parameter_order=True), task_rows))

        assignments: list[dict[str, Any]] = []
        milestones: list[dict[str, Any]] = []
        subjects: list[_Subject] = []
        for tid, row, (_theme, lead, support, start, explicit, _txt) in zip(task_ids, task_rows, task_meta,
                                                                            strict=True):
            assignments.append({"task_id": tid, "department_id": lead[0][0], "role": "lead",
                                "written_as": lead[0][1]})
            for dept_id, written in support:
                assignments.append({"task_id": tid, "department_id": dept_id, "role": "support",
                                    "written_as": written})
            if explicit:
                milestones.append({"task_id": tid, "due": row["deadline"], "text": ""})
            subjects.append(_Subject("task", tid, lead[0][0], start, row["deadline"], 0.0, 100.0, 1))
        self.s.execute(insert(Assignment), assignments)
        if milestones:
            self.s.execute(insert(Milestone), milestones)

        target_rows, target_subjects = self._targets(task_ids, task_rows, task_meta)
        if target_rows:
            target_ids = list(self.s.scalars(
                insert(Target).returning(Target.id, sort_by_parameter_order=True), target_rows))
            for tid, sub in zip(target_ids, target_subjects, strict=True):
                sub.id = tid
            subjects += target_subjects
        n_written = self._reports(subjects, n_reports)
        self.s.flush()
        self.out.counts = {"plans": len(plan_ids), "sections": len(sections), "tasks": len(task_ids),
                           "assignments": len(assignments), "milestones": len(milestones),
                           "targets": len(target_rows), "reports": n_written,
                           "departments": len({a["department_id"] for a in assignments})}
        return self.out

    def _plan(
        self, plan_id: int, region: str, issued: dt.date, n_tasks: int, depts: dict[str, list[tuple[int, str]]],
        sections: list[dict[str, Any]], task_rows: list[dict[str, Any]], task_meta: list[Any],
    ) -> dict[str, Any]:
        """Sections and task rows of one plan; returns its plan.json content (without the header)."""
        rng = self.rng
        themes = ["air", "water", "soil"] + rng.sample(["carbon", "eco"], rng.randint(1, 2)) + ["support"]
        numerals = "一二三四五六七八九十"
        subs: list[tuple[str, str]] = []  # (section key, theme) of the level-2 sections
        doc_sections: list[dict[str, Any]] = []
        doc_tasks: list[dict[str, Any]] = []
        for i, theme in enumerate(themes, start=1):
            title, sub_titles = SECTIONS[theme]
            doc_sections.append({"id": str(i), "number": f"{numerals[i - 1]}、", "title": title, "level": 1,
                                 "parent": None})
            for j, st in enumerate(sub_titles, start=1):
                key = f"{i}.{j}"
                doc_sections.append({"id": key, "number": f"({numerals[j - 1]})", "title": st, "level": 2,
                                     "parent": str(i)})
                subs.append((key, theme))
        for pos, sec in enumerate(doc_sections):
            sections.append({"plan_id": plan_id, "key": sec["id"], "number": sec["number"], "title": sec["title"],
                             "level": sec["level"], "parent_key": sec["parent"], "position": pos,
                             "removed": False})
        per_sub = _split(n_tasks, len(subs), rng, spread=0.4)
        for (sec_key, theme), n in zip(subs, per_sub, strict=True):
            for k in range(n):
                key = sec_key if k == 0 else f"{sec_key}.p{k + 1}"
                explicit = rng.random() < 0.7
                deadline = self._deadline(issued) if explicit else dt.date(2025, 12, 31)
                text = rng.choice(TASK_TEXTS[theme]).format(
                    y=deadline.year, n=rng.randint(2, 300), p=rng.choice((80, 85, 90, 95, 98)),
                    q=rng.choice((3, 5, 8, 10, 13.5)))
                lead_body = self._pick_lead(theme, depts)
                lead = [rng.choice(depts[lead_body])]
                others = [b for b in depts if b != lead_body]
                support = [rng.choice(depts[b]) for b in rng.sample(others, min(len(others), rng.randint(0, 3)))]
                task_rows.append({"plan_id": plan_id, "key": key, "section_key": sec_key, "text": text,
                                  "deadline": deadline, "deadline_defaulted": not explicit,
                                  "position": len(doc_tasks), "removed": False})
                task_meta.append((theme, lead, support, issued, explicit, region))
                doc_tasks.append({"id": key, "section": sec_key, "text": text, "lead": [lead[0][1]],
                                  "support": [w for _, w in support], "implementers": [],
                                  "deadlines": [deadline.isoformat()] if explicit else []})
        return {"title": None, "region": region, "issuer": None, "issued": issued.isoformat(), "status": "final",
                "period": [2021, 2025], "sections": doc_sections, "tasks": doc_tasks, "targets": []}

    def _deadline(self, issued: dt.date) -> dt.date:
        """A stated deadline: a year end (sometimes mid-year) of 2021–2025, at least 4 months after issue."""
        years = [y for y in (2021, 2022, 2023, 2023, 2024, 2024, 2025, 2025, 2025, 2025) if y >= issued.year]
        year = self.rng.choice(years)
        deadline = dt.date(year, 6, 30) if self.rng.random() < 0.2 else dt.date(year, 12, 31)
        while (deadline - issued).days < 120:
            deadline = dt.date(deadline.year + 1, 12, 31) if deadline.month == 12 else dt.date(deadline.year, 12, 31)
        return min(deadline, dt.date(2025, 12, 31))

    def _pick_lead(self, theme: str, depts: dict[str, list[tuple[int, str]]]) -> str:
        choices = [b for b in THEME_LEADS[theme] if b in depts] or ["生态环境局"]
        weights = [3.0] + [1.0] * (len(choices) - 1)
        if self.rng.random() < 0.05:
            return "人民政府"
        return self.rng.choices(choices, weights)[0]

    # ---- targets ----------------------------------------------------------------------------------
    def _targets(
        self, task_ids: list[int], task_rows: list[dict[str, Any]], task_meta: list[Any]
    ) -> tuple[list[dict[str, Any]], list[_Subject]]:
        rng = self.rng
        rows: list[dict[str, Any]] = []
        subjects: list[_Subject] = []
        for tid, row, (theme, lead, _support, start, _explicit, region) in zip(task_ids, task_rows, task_meta,
                                                                              strict=True):
            if rng.random() >= 1 / 3:
                continue
            indicator, op, unit, kind, (lo, hi), (off_lo, off_hi), template = rng.choice(TARGETS[theme])
            digits = 0 if unit in ("台", "座", "个", "吨", "公里") else 1
            goal = round(rng.uniform(lo, hi), digits)
            if unit == "%" and kind == "level":
                goal = min(goal, 100.0)
            baseline = 0.0 if kind != "level" else round(goal + rng.uniform(off_lo, off_hi), 1)
            if kind == "level" and op == "<=" and baseline <= goal:
                baseline = goal + 1
            if kind == "level" and unit == "%":
                baseline = max(0.0, min(baseline, 100.0))
            deadline = row["deadline"]
            value = Decimal(str(goal))
            rows.append({
                "plan_id": row["plan_id"], "key": f"{row['key']}|{indicator}|", "task_id": tid,
                "indicator": indicator, "scope": None, "op": op, "value": value, "unit": unit, "kind": kind,
                "baseline_year": 2020, "baseline_value": Decimal(str(baseline)), "start": start,
                "deadline": deadline, "deadline_defaulted": row["deadline_defaulted"],
                "text": template.format(y=deadline.year, r=region, v=format(value.normalize(), "f")),
                "series": None, "position": len(rows), "removed": False,
            })
            subjects.append(_Subject("target", 0, lead[0][0], start, deadline, baseline, goal, digits))
        return rows, subjects

    # ---- reports ----------------------------------------------------------------------------------
    def _reports(self, subjects: list[_Subject], n_reports: int) -> int:
        rng = self.rng
        as_of = self.as_of
        active = [sub for sub in subjects if rng.random() >= NO_REPORTS and sub.start <= as_of]
        counts = _split(n_reports, len(active), rng, spread=0.6) if active else []
        names = [b[0] for b in BEHAVIOURS]
        weights = [b[1] for b in BEHAVIOURS]
        table = {b[0]: b for b in BEHAVIOURS}
        rows: list[dict[str, Any]] = []
        n = 0
        for sub, count in zip(active, counts, strict=True):
            if count == 0:
                continue
            behaviour = rng.choices(names, weights)[0]
            _, _, (p_lo, p_hi), (late_lo, late_hi) = table[behaviour]
            finishes = behaviour in FINISHERS  # reaches the goal by the deadline
            pace = rng.uniform(p_lo, p_hi)
            late = rng.randint(late_lo, late_hi)
            last = min(as_of, sub.deadline + dt.timedelta(days=60))
            # months with a report: the `count` most recent month ends up to `late` months before `last`
            end_y, end_m = _add_months(last, -late)
            if _month_end(end_y, end_m) > last:
                end_y, end_m = _add_months(last, -late - 1)
            months = []
            y, m = end_y, end_m
            while len(months) < count and dt.date(y, m, 1) >= dt.date(sub.start.year, sub.start.month, 1):
                months.append(_month_end(y, m))
                y, m = (y, m - 1) if m > 1 else (y - 1, 12)
            if not months:
                months = [max(sub.start, min(last, as_of))]
            span = max((sub.deadline - sub.start).days, 1)
            for i in range(count):
                day = months[i % len(months)]
                if i >= len(months):  # more reports than months: a mid-month report as well
                    day = day.replace(day=10 + (i // len(months)) % 15)
                f = min(max((day - sub.start).days / span, 0.0), 1.0)
                progress = pace * f + rng.gauss(0, 0.03)
                if finishes and day >= sub.deadline - dt.timedelta(days=31):
                    progress = max(progress, 1.0) + 0.001
                row: dict[str, Any] = {
                    "uid": f"gen-{self.seed}-{n}", "department_id": sub.dept_id, "as_of": day,
                    "reporter": rng.choice(REPORTERS), "narrative": rng.choice(NARRATIVES),
                    "task_id": None, "target_id": None, "value": None, "percent": None,
                }
                if sub.kind == "task":
                    row["task_id"] = sub.id
                    row["percent"] = Decimal(str(round(min(max(progress * 100, 0.0), 100.0), 1)))
                else:
                    row["target_id"] = sub.id
                    v = sub.baseline + (sub.goal - sub.baseline) * progress
                    row["value"] = Decimal(str(round(max(v, 0.0), max(sub.digits, 1))))
                rows.append(row)
                n += 1
                if len(rows) >= 20000:
                    self.s.execute(insert(ProgressReport), rows)
                    rows = []
        if rows:
            self.s.execute(insert(ProgressReport), rows)
        return n
