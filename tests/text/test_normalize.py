"""Normalisation: OpenCC t2s, widths, punctuation, line endings, invisibles; Simplified left alone."""

from __future__ import annotations

from pathlib import Path

import opencc
import pytest

from taizhang.text.normalize import has_traditional, normalize


def test_full_width_ascii_to_half_width() -> None:
    assert normalize("ＰＭ２．５浓度３０ｍｇ／Ｌ") == "PM2.5浓度30mg/L"


@pytest.mark.parametrize(
    ("src", "want"),
    [
        ("，", ","),
        ("；", ";"),
        ("：", ":"),
        ("（一）", "(一)"),
        ("！", "!"),
        ("？", "?"),
        ("９５％", "95%"),
        ("３～５个", "3~5个"),
        ("３〜５个", "3~5个"),
    ],
)
def test_punctuation_to_seed_style(src: str, want: str) -> None:
    assert normalize(src) == want


def test_kept_punctuation() -> None:
    s = "。、《方案》“双控”〔2021〕"
    assert normalize(s) == s


def test_spaces_and_invisibles() -> None:
    assert normalize("a\u3000b\u00a0c") == "a b c"
    assert normalize("污\u200b染\u200c防\u200d治\ufeff\u2060\u00ad") == "污染防治"


def test_line_endings_and_trailing_blanks() -> None:
    assert normalize("一、\r\n二、\r三、\u2028四、  \n") == "一、\n二、\n三、\n四、\n"


def test_traditional_is_converted() -> None:
    assert normalize("區生態環境局牽頭,縣級飲用水水源") == "区生态环境局牵头,县级饮用水水源"


def test_simplified_is_left_exactly_as_written() -> None:
    # t2s is not a no-op on Simplified text (打坏 → 打坯): a Simplified plan must not go through it.
    s = "严禁打坏设施;显著改善;乾坤"
    assert not has_traditional(s)
    assert normalize(s) == s


def test_force_simplify_flag() -> None:
    assert normalize("打坏", simplify=True) == opencc.OpenCC("t2s").convert("打坏")
    assert normalize("區", simplify=False) == "區"


def test_seed000_matches_gold_conversion(shared: Path) -> None:
    """Gold answers quote seed 000 as converted by OpenCC t2s; normalize must give that text."""
    text = next((shared / "seeds").glob("000_*.txt")).read_text(encoding="utf-8")
    assert has_traditional(text)
    assert normalize(text) == opencc.OpenCC("t2s").convert(text)


@pytest.mark.parametrize("name", ["001", "002", "003", "004"])
def test_simplified_seeds_unchanged(shared: Path, name: str) -> None:
    text = next((shared / "seeds").glob(f"{name}_*.txt")).read_text(encoding="utf-8")
    assert normalize(text) == text
