"""Encoding detection: BOMs, UTF-16 without BOM, GB18030 vs Big5, binary and undecodable input."""

from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest

from taizhang.errors import InputError
from taizhang.text.decode import BinaryData, decode_bytes, detect

SIMPLIFIED = [
    "环境保护",
    "人民政府",
    "到2025年,全区细颗粒物(PM2.5)平均浓度控制在30微克/立方米以下。",
    "加强饮用水水源地保护,县级集中式饮用水水源水质达标率保持100%。(区生态环境局牵头,区水利局配合)",
    "二、重点任务\n(一)推进工业污染源全面达标排放\n1.开展排污许可证后监管。",
]
TRADITIONAL = [
    "環境保護",
    "區生態環境局牽頭",
    "到2025年,全市細顆粒物(PM2.5)年平均濃度控制在30微克/立方米以下,空氣品質優良天數比率達到90%。",
    "強化長江幹流水質監測,確保斷面水質穩定達到Ⅱ類。〔市生態環境局、市水利局按職責分工負責〕",
]


@pytest.mark.parametrize("text", SIMPLIFIED)
@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be"]
)
def test_simplified_round_trip(text: str, encoding: str) -> None:
    assert detect(text.encode(encoding)).text == text


@pytest.mark.parametrize("text", TRADITIONAL)
@pytest.mark.parametrize(
    "encoding", ["utf-8", "big5", "cp950", "gb18030", "utf-16", "utf-16-le", "utf-16-be"]
)
def test_traditional_round_trip(text: str, encoding: str) -> None:
    assert detect(text.encode(encoding)).text == text


def test_gbk_is_not_mistaken_for_big5() -> None:
    # Every one of these GBK byte pairs is also a valid Big5 character: only scoring tells them apart.
    text = "环境保护"
    data = text.encode("gbk")
    assert data.decode("big5")  # decodes, to the wrong characters
    assert detect(data).encoding == "gb18030"


def test_big5_is_not_mistaken_for_gbk() -> None:
    data = "區生態環境局牽頭".encode("big5")
    assert data.decode("gb18030")  # GB18030 accepts these bytes too
    d = detect(data)
    assert d.encoding in ("big5", "cp950", "big5hkscs")
    assert d.text == "區生態環境局牽頭"


def test_boms_decide_and_are_dropped() -> None:
    s = "方案"
    assert detect(codecs.BOM_UTF8 + s.encode("utf-8")).text == s
    assert detect(codecs.BOM_UTF16_LE + s.encode("utf-16-le")).text == s
    assert detect(codecs.BOM_UTF16_BE + s.encode("utf-16-be")).text == s
    assert detect(codecs.BOM_UTF32_LE + s.encode("utf-32-le")).text == s


def test_utf16_without_bom_by_nul_pattern() -> None:
    s = "2025年PM2.5浓度30μg/m³,2024年底前完成。"
    assert detect(s.encode("utf-16-le")).encoding == "utf-16-le"
    assert detect(s.encode("utf-16-be")).encoding == "utf-16-be"


def test_pure_cjk_utf16_without_bom_or_nuls() -> None:
    s = "深入打好污染防治攻坚战实施方案"
    data = s.encode("utf-16-le")
    assert b"\x00" not in data
    assert detect(data).text == s


def test_plain_ascii_is_utf8() -> None:
    assert detect(b"PM2.5 <= 35\n").encoding == "utf-8"


def test_random_binary_is_rejected() -> None:
    rnd = random.Random(7)
    data = bytes(rnd.randrange(256) for _ in range(4096))
    with pytest.raises(ValueError):
        detect(data)


def test_nul_heavy_binary_is_binary() -> None:
    data = b"\x00\x01\x02\x03" * 500 + b"\x7fELF\x00\x00"
    with pytest.raises(BinaryData):
        detect(data)


def test_undecodable_raises_input_error_with_path(tmp_path: Path) -> None:
    p = tmp_path / "x.txt"
    data = bytes(range(0x80, 0x100)) * 8
    with pytest.raises(InputError) as e:
        decode_bytes(data, p)
    assert e.value.path == str(p)
    assert e.value.problem.startswith("cannot decode text:")


def test_bom_lies() -> None:
    with pytest.raises(ValueError, match="byte-order mark"):
        detect(codecs.BOM_UTF8 + "方案".encode("gbk"))


# ---- the real Traditional seed, re-encoded ----------------------------------------------------


@pytest.fixture(scope="module")
def seed000(shared: Path) -> str:
    return next((shared / "seeds").glob("000_*.txt")).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "encoding", ["big5", "cp950", "utf-16", "utf-16-le", "utf-16-be", "gb18030", "utf-8-sig"]
)
def test_seed000_round_trip(seed000: str, encoding: str) -> None:
    try:
        data = seed000.encode(encoding)
    except UnicodeEncodeError:
        # Big5 lacks a few characters (e.g. 〔〕 variants); encode what it can and compare that.
        text = seed000.encode(encoding, errors="ignore").decode(encoding)
        assert detect(text.encode(encoding)).text == text
        return
    assert detect(data).text == seed000


@pytest.mark.parametrize("name", ["001", "002", "003", "004"])
def test_simplified_seeds_in_gb18030(shared: Path, name: str) -> None:
    text = next((shared / "seeds").glob(f"{name}_*.txt")).read_text(encoding="utf-8")
    assert detect(text.encode("gb18030")).text == text
