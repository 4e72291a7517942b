"""Table cells of the PDF bulletin break lines between units, never inside a date or a number."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from taizhang.report.bulletin import Bulletin, build_bulletin
from taizhang.report.linebreak import break_lines

REASON = "已过截止日期（2024-06-30）未完成；落后序时进度70.0个百分点"
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _width(s: str) -> float:  # CJK a full em, the rest half
    return sum(1.0 if ord(c) >= 0x2E80 else 0.5 for c in s)


@pytest.mark.parametrize("width", [5, 7.5, 8, 9, 11, 12.5])
def test_lines_keep_dates_and_numbers_whole_and_fit(width: float) -> None:
    lines = break_lines(REASON, width, _width)
    assert "".join(lines) == REASON
    assert any("2024-06-30" in line for line in lines)
    assert any("70.0" in line for line in lines)
    for line in lines:
        assert _width(line.rstrip("，。；）")) <= width or DATE.fullmatch(line.strip("（）"))
        assert not line.startswith(("；", "）", "，")) and not line.endswith("（")


def test_a_unit_wider_than_the_cell_is_cut_by_character() -> None:
    lines = break_lines("2024-06-30", 3, _width)
    assert "".join(lines) == "2024-06-30" and len(lines) == 2 and all(_width(x) <= 3 for x in lines)


@pytest.fixture
def dated(ledger, small) -> Bulletin:  # type: ignore[no-untyped-def]
    with ledger.session(write=False) as s:
        b = build_bulletin(s, "2024-05", small.evaluations)
    for row in b.red:
        row.reasons = REASON
    return b


def test_no_date_is_broken_across_lines_in_the_pdf(dated: Bulletin, tmp_path: Path) -> None:
    import pdfplumber

    from taizhang.report.bulletin_pdf import write_pdf

    out = write_pdf(dated, tmp_path / "b.pdf")
    with pdfplumber.open(out) as pdf:
        text = "\n".join(p.extract_text() or "" for p in pdf.pages)
    # each red row draws its deadline and the date in its reason, a yellow row its deadline, each whole
    assert len(DATE.findall(text)) == 2 * len(dated.red) + len(dated.yellow)
