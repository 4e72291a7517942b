"""The bulletin's charts as PNG images (matplotlib, drawn with the CJK font subset of fonts.py)."""

from __future__ import annotations

import io
from pathlib import Path

from taizhang.report.bulletin import COLOUR_LABELS, STATUS_LABELS, Bulletin, DepartmentRow

# Fill colours of the warning colours ("none" = no warning); white bars get a grey edge to stay visible.
FILLS = {"red": "#d62728", "yellow": "#f2c12e", "white": "#ffffff", "none": "#4e9a57"}
MAX_DEPARTMENTS = 15
DPI = 150

STATUS_TITLE = "任务与指标状态（按预警颜色）"
PROGRESS_TITLE = "各牵头单位平均进度（%）"
NO_DATA = "暂无数据"
LEGEND = {"expected": "序时进度", "actual": "实际进度"}


def progress_rows(b: Bulletin) -> list[DepartmentRow]:
    """The departments the progress chart plots: the first MAX_DEPARTMENTS that have a mean progress."""
    return [d for d in b.departments if d.mean_actual is not None][:MAX_DEPARTMENTS]


def chart_strings(b: Bulletin) -> str:
    """Every character the charts draw (for the font subset): the same labels the charts are drawn from."""
    names = "".join(d.name for d in progress_rows(b))
    return (STATUS_TITLE + PROGRESS_TITLE + NO_DATA + "".join(LEGEND.values()) + "".join(STATUS_LABELS.values())
            + "".join(str(v) for v in COLOUR_LABELS.values()) + names)


def _figure(width: float, height: float):  # type: ignore[no-untyped-def]
    """A figure and its axes, without pyplot (no global state: safe in a threaded web app)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    return fig, fig.subplots()


def _png(fig) -> bytes:  # type: ignore[no-untyped-def]
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight")
    return buf.getvalue()


def status_chart(b: Bulletin, font: Path) -> bytes:
    """Horizontal stacked bars: one per status, split by warning colour."""
    from matplotlib.font_manager import FontProperties

    fp = FontProperties(fname=str(font), size=9)
    statuses = list(STATUS_LABELS)
    fig, ax = _figure(6.4, 2.8)
    left = [0] * len(statuses)
    for colour in ("red", "yellow", "white", "none"):
        counts = [b.status_colour.get(s, {}).get(colour, 0) for s in statuses]
        ax.barh(range(len(statuses)), counts, left=left, color=FILLS[colour], edgecolor="#888888",
                linewidth=0.5, label=COLOUR_LABELS[None if colour == "none" else colour])
        left = [a + c for a, c in zip(left, counts, strict=True)]
    ax.set_yticks(range(len(statuses)))
    ax.set_yticklabels([STATUS_LABELS[s] for s in statuses], fontproperties=fp)
    ax.invert_yaxis()
    for i, total in enumerate(left):
        ax.text(total, i, f" {total}", va="center", fontproperties=fp)
    ax.set_xlim(0, max([*left, 1]) * 1.12)
    ax.set_title(STATUS_TITLE, fontproperties=FontProperties(fname=str(font), size=11))
    ax.legend(prop=fp, loc="lower right", ncols=4, frameon=False, bbox_to_anchor=(1.0, -0.32))
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def progress_chart(b: Bulletin, font: Path) -> bytes:
    """Grouped horizontal bars: expected and actual mean progress of the lead departments."""
    return _png(progress_figure(b, font))


def progress_figure(b: Bulletin, font: Path):  # type: ignore[no-untyped-def]
    """The figure of progress_chart."""
    from matplotlib.font_manager import FontProperties

    fp = FontProperties(fname=str(font), size=8)
    rows = progress_rows(b)
    fig, ax = _figure(6.4, max(2.0, 0.32 * len(rows) + 1.0))
    ax.set_title(PROGRESS_TITLE, fontproperties=FontProperties(fname=str(font), size=11))
    if not rows:
        ax.text(0.5, 0.5, NO_DATA, ha="center", va="center", fontproperties=fp, transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    ys = range(len(rows))
    ax.barh([y - 0.2 for y in ys], [d.mean_expected or 0 for d in rows], height=0.4, color="#9ab7d3",
            label=LEGEND["expected"])
    ax.barh([y + 0.2 for y in ys], [d.mean_actual or 0 for d in rows], height=0.4, color="#1f5fa0",
            label=LEGEND["actual"])
    ax.set_yticks(list(ys))
    ax.set_yticklabels([d.name for d in rows], fontproperties=fp)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    # below the axes, where it cannot cover a bar (inside, it hid the bars of full progress)
    ax.legend(prop=fp, loc="upper center", ncols=2, frameon=False,
              bbox_to_anchor=(0.5, -0.45 / fig.get_figheight()))
    ax.spines[["top", "right"]].set_visible(False)
    return fig
