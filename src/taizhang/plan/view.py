"""A Rich view of a Plan for a person checking the extraction: metadata, tasks, targets."""

from __future__ import annotations

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from taizhang.plan.export import KINDS, OPS, section_label
from taizhang.plan.model import Plan

TASK_TEXT_CHARS = 120  # longer task texts are cut, with …, in the view (never in json/xlsx)


def _cut(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def _names(names: list[str]) -> str:
    return "、".join(names) if names else "—"


def _value(v: float | int) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def plan_renderable(plan: Plan, source: str | None = None) -> Group:
    meta = Table.grid(padding=(0, 2))
    meta.add_column(style="bold cyan", no_wrap=True)
    meta.add_column()
    period = f"{plan.period[0]}–{plan.period[1]}" if plan.period else "—"
    for label, value in (
        ("标题", plan.title),
        ("地区", plan.region),
        ("印发单位", plan.issuer),
        ("印发日期", plan.issued),
        ("状态", "征求意见稿/草案" if plan.status == "draft" else "正式"),
        ("期限", period),
        ("统计", f"{len(plan.sections)} 个章节 · {len(plan.tasks)} 项任务 · {len(plan.targets)} 个指标"),
    ):
        meta.add_row(label, value or Text("—", style="dim"))
    title = f"台账 · {source}" if source else "台账"
    head = Panel(meta, title=title, title_align="left", border_style="cyan")

    sections = {s.id: s for s in plan.sections}
    tasks = Table(title="任务", title_justify="left", box=box.SIMPLE_HEAD, show_lines=False, expand=True)
    tasks.add_column("序号", justify="right", style="dim", no_wrap=True)
    tasks.add_column("章节", ratio=2, overflow="fold")
    tasks.add_column("任务内容", ratio=6, overflow="fold")
    tasks.add_column("牵头", ratio=2, style="green", overflow="fold")
    tasks.add_column("配合", ratio=2, style="yellow", overflow="fold")
    tasks.add_column("落实", ratio=2, style="magenta", overflow="fold")
    tasks.add_column("时限", no_wrap=True)
    for n, t in enumerate(plan.tasks, 1):
        tasks.add_row(
            str(n),
            _cut(section_label(sections.get(t.section or "")), 30),
            _cut(t.text, TASK_TEXT_CHARS),
            _names(t.lead),
            _names(t.support),
            _names(t.implementers),
            "\n".join(t.deadlines) or "—",
        )

    numbers = {t.id: n for n, t in enumerate(plan.tasks, 1)}
    targets = Table(title="指标", title_justify="left", box=box.SIMPLE_HEAD, expand=True)
    targets.add_column("#", justify="right", style="dim", no_wrap=True)
    targets.add_column("指标", ratio=3, overflow="fold")
    targets.add_column("范围", ratio=2, overflow="fold")
    targets.add_column("目标", no_wrap=True, style="bold")
    targets.add_column("类型", no_wrap=True)
    targets.add_column("基准年", no_wrap=True)
    targets.add_column("时限", no_wrap=True)
    targets.add_column("任务", justify="right", no_wrap=True)
    for n, g in enumerate(plan.targets, 1):
        goal = f"{OPS.get(g.op, g.op)} {_value(g.value)}{' ' + g.unit if g.unit else ''}"
        targets.add_row(
            str(n),
            g.indicator,
            g.scope or "—",
            goal,
            KINDS.get(g.kind, g.kind),
            str(g.baseline_year) if g.baseline_year else "—",
            g.deadline or "—",
            str(numbers.get(g.task or "", g.task or "—")),
        )
    return Group(head, tasks, targets)


def render_plan(plan: Plan, source: str | None = None, console: Console | None = None) -> None:
    (console or Console()).print(plan_renderable(plan, source))
