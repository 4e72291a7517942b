"""The chart images draw every character of their labels: the font subset they are drawn with is cut from
exactly the labels plotted (the Word bulletin once showed 市□改□ for 市整改办)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from taizhang.report.bulletin import Bulletin, DepartmentRow, build_bulletin


@pytest.fixture
def crowded(ledger, small) -> Bulletin:  # type: ignore[no-untyped-def]
    """More departments without any progress than the chart shows, ahead of those it plots."""
    with ledger.session(write=False) as s:
        b = build_bulletin(s, "2024-05", small.evaluations)
    idle = [DepartmentRow(100 + i, f"县第{i}工作专班", subjects=1) for i in range(20)]
    plotted = DepartmentRow(99, "市整改办", subjects=1, mean_expected=50.0, mean_actual=40.0)
    b.departments = [*idle, *b.departments, plotted]
    return b


def _plotted_text(b: Bulletin) -> str:
    """The labels the progress chart draws, read off the bulletin's data (not off the chart module)."""
    return "".join(d.name for d in b.departments if d.mean_actual is not None)


def test_the_chart_font_holds_every_plotted_label(crowded: Bulletin, tmp_path: Path) -> None:
    from fontTools.ttLib import TTFont

    from taizhang.report.layout import compose

    doc = compose(crowded, tmp_path, embed_text=False)  # the Word bulletin's charts
    cmap = TTFont(str(doc.fonts["chart"])).getBestCmap()
    missing = {ch for ch in _plotted_text(crowded) if ord(ch) not in cmap}
    assert not missing, missing
    assert "市整改办" in _plotted_text(crowded)


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_the_chart_images_miss_no_glyph(crowded: Bulletin, tmp_path: Path, fmt: str) -> None:
    from taizhang.report.bulletin_docx import write_docx
    from taizhang.report.bulletin_pdf import write_pdf

    write = write_docx if fmt == "docx" else write_pdf
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        write(crowded, tmp_path / f"b.{fmt}")
    glyphs = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert not glyphs, glyphs[:3]


def test_the_progress_legend_covers_no_bar(crowded: Bulletin, tmp_path: Path) -> None:
    from taizhang.report.charts import chart_strings, progress_figure
    from taizhang.report.fonts import truetype_subset

    for d in crowded.departments:  # full progress: bars reach the right edge, where the legend used to sit
        if d.mean_actual is not None:
            d.mean_expected = d.mean_actual = 100.0
    font = truetype_subset(chart_strings(crowded), tmp_path / "c.ttf", family="sans")
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = progress_figure(crowded, font)
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    ax = fig.axes[0]
    legend = ax.get_legend().get_window_extent(renderer)
    bars = [p.get_window_extent(renderer) for p in ax.patches]
    assert bars and not any(legend.overlaps(bar) for bar in bars)
    assert legend.y1 < ax.get_window_extent(renderer).y0  # below the plot
    ticks = [t.get_window_extent(renderer) for t in ax.get_xticklabels() if t.get_text()]
    assert ticks and not any(legend.overlaps(t) for t in ticks)
