"""The bulletin as a list of blocks (headings, paragraphs, tables, images), laid out once for both
the Word and the PDF writer, so the two carry the same content."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from taizhang.report.bulletin import STATUS_LABELS, SUBJECT_LABELS, Bulletin, ListRow
from taizhang.report.charts import chart_strings, progress_chart, status_chart


@dataclass
class Heading:
    text: str
    level: int = 1  # 0 = the title


@dataclass
class Paragraph:
    text: str
    align: str = "justify"  # justify | center


@dataclass
class Masthead:
    """The line under the issue number: the issuing body on the left, the date on the right, a red rule."""

    issuer: str
    date: str


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    widths: list[float]  # relative column widths
    colours: list[str | None] = field(default_factory=list)  # a warning colour per row, for shading
    wide: bool = False  # laid on landscape pages (the red and yellow lists)


@dataclass
class Image:
    png: bytes
    caption: str
    width_cm: float = 15.0


Block = Heading | Paragraph | Masthead | Table | Image


# The font of each part of the bulletin: (family, weight) of fonts.py.
ROLES = {"body": ("serif", "regular"), "title": ("serif", "bold"), "heading": ("sans", "bold"),
         "chart": ("sans", "regular")}


@dataclass
class Document:
    blocks: list[Block]
    fonts: dict[str, Path]  # role (ROLES) → the TrueType subset that draws it

    def text(self) -> str:
        return "".join(_block_text(b) for b in self.blocks)


def _block_text(b: Block) -> str:
    if isinstance(b, Table):
        return "".join(b.header) + "".join("".join(r) for r in b.rows)
    if isinstance(b, Image):
        return b.caption
    if isinstance(b, Masthead):
        return b.issuer + b.date
    return b.text


def _day(d: dt.date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else "—"


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.1f}%"


def _counts(by: dict[str, int]) -> str:
    parts = [f"{STATUS_LABELS[s]}{n}项" for s, n in by.items() if n]
    return "、".join(parts) or "无"


def summary(b: Bulletin) -> list[str]:
    """The summary paragraphs, in Chinese."""
    red = b.tasks_by_colour["red"] + b.targets_by_colour["red"]
    yellow = b.tasks_by_colour["yellow"] + b.targets_by_colour["yellow"]
    white = b.tasks_by_colour["white"] + b.targets_by_colour["white"]
    good, total, rate = b.schedule
    cases = (f"本期新交办督办事项{b.cases_opened}件，销号{b.cases_closed}件，期末尚未销号{b.cases_open}件；"
             f"整改时序进度达标率{_pct(rate)}（{good}/{total}）。" if total else "截至本期暂无督办事项。")
    return [
        f"截至{_day(b.as_of)}，台账共纳入重点任务{b.tasks}项、目标指标{b.targets}项。"
        f"重点任务中{_counts(b.tasks_by_status)}；目标指标中{_counts(b.targets_by_status)}。",
        f"预警情况：红色预警{red}项（任务{b.tasks_by_colour['red']}项、指标{b.targets_by_colour['red']}项），"
        f"黄色预警{yellow}项（任务{b.tasks_by_colour['yellow']}项、指标{b.targets_by_colour['yellow']}项），"
        f"白色预警{white}项。",
        f"本期（{_day(b.period_start)}至{_day(b.as_of)}）共收到进度报送{b.reports_in_period}条。" + cases,
    ]


LIST_HEADER = ["序号", "类别", "方案", "事项", "牵头单位", "完成时限", "序时进度", "实际进度", "预警原因"]
LIST_WIDTHS = [0.5, 0.55, 1.6, 2.9, 1.6, 1.2, 0.8, 0.8, 2.4]
DEPT_HEADER = ["序号", "责任单位", "牵头事项", "红色", "黄色", "白色", "已完成", "本期报送", "未销号督办",
               "序时进度", "实际进度"]
DEPT_WIDTHS = [0.6, 2.4, 0.8, 0.6, 0.6, 0.6, 0.7, 0.8, 0.9, 1.1, 1.1]  # 100.0% and 10 on one line


def _list_table(rows: list[ListRow]) -> Table:
    return Table(LIST_HEADER, [
        [str(i), SUBJECT_LABELS.get(r.subject_type, r.subject_type), r.plan, r.label, r.lead or "—",
         r.deadline.isoformat() if r.deadline else "—", _pct(r.expected), _pct(r.actual), r.reasons or "—"]
        for i, r in enumerate(rows, 1)
    ], LIST_WIDTHS, [r.colour for r in rows], wide=True)


def _dept_table(b: Bulletin) -> Table:
    return Table(DEPT_HEADER, [
        [str(i), d.name, str(d.subjects), str(d.red), str(d.yellow), str(d.white), str(d.done), str(d.reports),
         str(d.open_cases), _pct(d.mean_expected), _pct(d.mean_actual)]
        for i, d in enumerate(b.departments, 1)
    ], DEPT_WIDTHS, ["red" if d.red else "yellow" if d.yellow else None for d in b.departments])


def blocks(b: Bulletin, charts: dict[str, bytes]) -> list[Block]:
    out: list[Block] = [
        Heading(b.title, 0),
        Paragraph(b.issue, "center"),
        Masthead(b.issuer, _day(b.as_of)),
        Heading("一、总体情况"),
        *[Paragraph(p) for p in summary(b)],
        Heading("二、红色预警清单"),
    ]
    out.append(_list_table(b.red) if b.red else Paragraph("本期无红色预警事项。"))
    out.append(Heading("三、黄色预警清单"))
    out.append(_list_table(b.yellow) if b.yellow else Paragraph("本期无黄色预警事项。"))
    out.append(Heading("四、各责任单位推进情况"))
    out.append(_dept_table(b) if b.departments else Paragraph("台账中暂无牵头单位。"))
    out.append(Heading("五、图表"))
    out.append(Image(charts["status"], "图1  任务与指标状态分布"))
    out.append(Image(charts["progress"], "图2  各牵头单位平均序时进度与实际进度"))
    return out


def _role_text(bs: list[Block]) -> dict[str, str]:
    """The text each font role draws: the title, the headings and table headers, the rest."""
    title = "".join(x.text for x in bs if isinstance(x, Heading) and x.level == 0)
    heading = "".join(x.text if isinstance(x, Heading) else "".join(x.header) for x in bs
                      if isinstance(x, Table) or isinstance(x, Heading) and x.level > 0)
    return {"title": title, "heading": heading, "body": "".join(_block_text(x) for x in bs)}


def compose(b: Bulletin, workdir: Path, *, embed_text: bool = True) -> Document:
    """Lay the bulletin out; the CJK font subsets and the chart images are made in `workdir`.

    With `embed_text` (the PDF) there is a subset for each role of ROLES, each holding the characters of
    its text; without (Word, whose text is drawn by the reader's fonts) only the charts' characters are cut.
    """
    from taizhang.report.fonts import truetype_subset

    texts = {"chart": chart_strings(b)}
    if embed_text:
        texts.update(_role_text(blocks(b, {"status": b"", "progress": b""})))
    fonts = {role: truetype_subset(text, workdir / f"cjk-{role}.ttf", family=ROLES[role][0],
                                   weight=ROLES[role][1]) for role, text in texts.items()}
    charts = {"status": status_chart(b, fonts["chart"]), "progress": progress_chart(b, fonts["chart"])}
    return Document(blocks(b, charts), fonts)
