""".docx automatic list numbers: numbering.xml levels rendered as the prefix Word displays.

Every document here is built by python-docx with numbering (and some styles) written as raw XML:
the plans are made up for the tests.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from typer.testing import CliRunner

from taizhang.cli import app
from taizhang.text.formats import read_docx_bytes
from taizhang.text.numfmt import format_number

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def lvl(ilvl: int, fmt: str, text: str, *, start: int = 1, suff: str | None = None, extra: str = "") -> str:
    suff_xml = f'<w:suff w:val="{suff}"/>' if suff else ""
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>{extra}'
        f'{suff_xml}<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl>'
    )


def abstract(aid: int, *levels: str, extra: str = "") -> str:
    return f'<w:abstractNum w:abstractNumId="{aid}">{extra}{"".join(levels)}</w:abstractNum>'


def num(nid: int, aid: int, overrides: str = "") -> str:
    return f'<w:num w:numId="{nid}"><w:abstractNumId w:val="{aid}"/>{overrides}</w:num>'


def start_override(ilvl: int, start: int) -> str:
    return f'<w:lvlOverride w:ilvl="{ilvl}"><w:startOverride w:val="{start}"/></w:lvlOverride>'


# Paragraph: (text, numId, ilvl, style); None leaves the property out.
Para = tuple[str, int | None, int | None, str | None]


def build(numbering: list[str], paras: list[Para], styles: tuple[str, ...] = ()) -> bytes:
    """A .docx whose numbering part holds exactly `numbering`, with extra styles and paragraphs."""
    d = docx.Document()
    numbering_el = d.part.numbering_part.element
    for child in list(numbering_el):
        numbering_el.remove(child)
    for xml in numbering:
        numbering_el.append(parse_xml(xml.replace(">", f" {W_NS}>", 1)))
    for xml in styles:
        d.styles.element.append(parse_xml(xml.replace(">", f" {W_NS}>", 1)))
    for text, num_id, ilvl, style in paras:
        p = d.add_paragraph(text)
        ppr = p._p.get_or_add_pPr()
        if style is not None:
            ppr.append(parse_xml(f'<w:pStyle {W_NS} w:val="{style}"/>'))
        if num_id is not None or ilvl is not None:
            inner = (f'<w:ilvl w:val="{ilvl}"/>' if ilvl is not None else "") + (
                f'<w:numId w:val="{num_id}"/>' if num_id is not None else ""
            )
            ppr.append(parse_xml(f"<w:numPr {W_NS}>{inner}</w:numPr>"))
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def lines(data: bytes) -> list[str]:
    return read_docx_bytes(data).splitlines()


# A government plan's usual three levels: 一、 (一) 1.
PLAN_LEVELS = abstract(
    1,
    lvl(0, "chineseCounting", "%1、", suff="nothing"),
    lvl(1, "chineseCounting", "（%2）", suff="nothing"),
    lvl(2, "decimal", "%3."),  # suff defaults to a tab
)

PLAN_TXT = """某县水污染防治工作方案
一、总体要求
（一）主要目标。到2025年,全县地表水优良水体比例达到80%以上,县城黑臭水体全部消除。
（二）基本原则
1.坚持保护优先,统筹治理。
2.坚持部门协同,分工负责。
二、重点任务
（一）整治工业污染。新建污水管网10公里(县住建局牵头,县生态环境局配合)。
（二）推进农业农村污染防治
1.畜禽规模养殖场粪污处理设施装备配套率达到95%以上(县农业农村局负责)。
2.到2025年,农村生活污水治理率达到40%(县生态环境局牵头,各镇人民政府负责落实)。
三、保障措施
（一）加强组织领导。各镇要落实属地责任。
"""


def plan_paragraphs() -> list[Para]:
    """PLAN_TXT with its numbers taken off and given to numbering.xml instead (numId 1)."""
    paras: list[Para] = []
    for line in PLAN_TXT.splitlines():
        if line[0] in "一二三":
            paras.append((line[2:], 1, 0, None))
        elif line.startswith("（"):
            paras.append((line[3:], 1, 1, None))
        elif line[0].isdigit():
            paras.append((line[2:], 1, 2, None))
        else:
            paras.append((line, None, None, None))
    return paras


def test_two_level_plan_reads_as_typed() -> None:
    data = build([PLAN_LEVELS, num(1, 1)], plan_paragraphs())
    assert lines(data) == PLAN_TXT.splitlines()


def test_extract_docx_with_automatic_numbers_equals_typed_txt(tmp_path: Path) -> None:
    (tmp_path / "plan.docx").write_bytes(build([PLAN_LEVELS, num(1, 1)], plan_paragraphs()))
    (tmp_path / "plan.txt").write_text(PLAN_TXT, encoding="utf-8")

    def extract(name: str) -> dict[str, object]:
        result = CliRunner().invoke(app, ["extract", str(tmp_path / name), "--format", "json"])
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)

    from_docx, from_txt = extract("plan.docx"), extract("plan.txt")
    titles = [s["title"] for s in from_docx["sections"]]  # type: ignore[index,union-attr]
    for title in ("总体要求", "主要目标", "基本原则", "重点任务", "推进农业农村污染防治", "保障措施"):
        assert title in titles
    for key in ("sections", "tasks", "targets"):
        assert from_docx[key] == from_txt[key], key
    assert len(from_docx["targets"]) >= 3  # type: ignore[arg-type]
    assert len(from_docx["tasks"]) >= 3  # type: ignore[arg-type]


def test_start_override_restarts_a_second_list_and_shared_lists_continue() -> None:
    levels = abstract(2, lvl(0, "decimal", "%1.", suff="nothing"), lvl(1, "decimalEnclosedCircle", "%2"))
    data = build(
        [levels, num(1, 2), num(2, 2, start_override(0, 1)), num(3, 2)],
        [
            ("甲项", 1, 0, None),
            ("乙项", 1, 0, None),
            ("小项", 1, 1, None),
            ("正文", None, None, None),
            ("新列表一", 2, 0, None),  # restarts at 1 and counts on its own
            ("新列表小项", 2, 1, None),
            ("新列表二", 2, 0, None),
            ("丙项", 3, 0, None),  # numId 3 shares abstract list 2 with numId 1: continues at 3
            ("丙小项", 3, 1, None),  # the level-0 number restarted level 1
        ],
    )
    assert lines(data) == [
        "1.甲项", "2.乙项", "① 小项", "正文", "1.新列表一", "① 新列表小项", "2.新列表二", "3.丙项", "① 丙小项",
    ]  # fmt: skip


def test_start_override_to_a_later_number() -> None:
    levels = abstract(3, lvl(0, "chineseCounting", "%1、", suff="nothing"))
    data = build([levels, num(7, 3, start_override(0, 4))], [("保障措施", 7, 0, None), ("附则", 7, 0, None)])
    assert lines(data) == ["四、保障措施", "五、附则"]


STYLES = (
    # a heading chain: PlanHeading2 is based on PlanHeading, which carries numId 5 (ilvl from the style)
    '<w:style w:type="paragraph" w:styleId="PlanHeading"><w:name w:val="Plan Heading"/>'
    '<w:pPr><w:numPr><w:numId w:val="5"/></w:numPr></w:pPr></w:style>',
    '<w:style w:type="paragraph" w:styleId="PlanHeading2"><w:name w:val="Plan Heading 2"/>'
    '<w:basedOn w:val="PlanHeading"/><w:pPr><w:numPr><w:ilvl w:val="1"/></w:numPr></w:pPr></w:style>',
    # a style whose level is found by the list level that names it (w:lvl/w:pStyle)
    '<w:style w:type="paragraph" w:styleId="PlanItem"><w:name w:val="Plan Item"/>'
    '<w:basedOn w:val="PlanHeading"/></w:style>',
    # a numbering style: abstractNum 20 links to it (numStyleLink), abstractNum 21 defines it (styleLink)
    '<w:style w:type="numbering" w:styleId="PlanList"><w:name w:val="Plan List"/>'
    '<w:pPr><w:numPr><w:numId w:val="6"/></w:numPr></w:pPr></w:style>',
)


def test_numbers_from_the_paragraph_style_chain() -> None:
    levels = abstract(
        4,
        lvl(0, "chineseCounting", "第%1章", suff="space"),
        lvl(1, "chineseCounting", "第%2节", suff="space"),
        lvl(2, "decimalEnclosedCircle", "%3", suff="nothing", extra='<w:pStyle w:val="PlanItem"/>'),
    )
    data = build(
        [levels, num(5, 4)],
        [
            ("总则", None, None, "PlanHeading"),
            ("目标", None, None, "PlanHeading2"),
            ("控制煤炭消费总量", None, None, "PlanItem"),
            ("推进清洁取暖", None, None, "PlanItem"),
            ("不编号的标题", 0, None, "PlanHeading"),  # numId 0 on the paragraph removes the style's number
            ("任务", None, None, "PlanHeading"),
            ("第三级直接编号", None, 2, "PlanHeading"),  # the paragraph's ilvl, the style's numId
        ],
        STYLES,
    )
    assert lines(data) == [
        "第一章 总则", "第一节 目标", "①控制煤炭消费总量", "②推进清洁取暖", "不编号的标题", "第二章 任务",
        "①第三级直接编号",
    ]  # fmt: skip


def test_style_linked_numbering_definition() -> None:
    """numId 8 → abstractNum 20, whose w:numStyleLink leads through style PlanList to numId 6 → 21."""
    linked = abstract(20, extra='<w:numStyleLink w:val="PlanList"/>')
    real = abstract(
        21,
        lvl(0, "chineseCounting", "%1、", suff="nothing"),
        lvl(1, "chineseCounting", "（%2）", suff="nothing"),
        extra='<w:styleLink w:val="PlanList"/>',
    )
    data = build(
        [linked, real, num(6, 21), num(8, 20)],
        [
            ("总体要求", 8, 0, None),
            ("主要目标", 8, 1, None),
            ("重点任务", 8, 0, None),
            ("保障措施", 6, 0, None),
        ],
        STYLES,
    )
    # numIds 6 and 8 end in the same abstract list, so they count together
    assert lines(data) == ["一、总体要求", "（一）主要目标", "二、重点任务", "三、保障措施"]


def test_legal_numbering_and_level_restart() -> None:
    levels = abstract(
        9,
        lvl(0, "chineseCounting", "%1、", suff="nothing"),
        lvl(1, "decimal", "%1.%2", suff="space", extra="<w:isLgl/>"),
        lvl(2, "decimal", "（%3）", suff="nothing", extra='<w:lvlRestart w:val="0"/>'),
    )
    data = build(
        [levels, num(1, 9)],
        [
            ("甲", 1, 0, None),
            ("甲一", 1, 1, None),
            ("条", 1, 2, None),
            ("乙", 1, 0, None),
            ("乙一", 1, 1, None),
            ("条", 1, 2, None),  # lvlRestart 0: never restarts
        ],
    )
    assert lines(data) == ["一、甲", "1.1 甲一", "（1）条", "二、乙", "2.1 乙一", "（2）条"]


def test_bullets_none_and_numbers_in_table_cells() -> None:
    levels = abstract(
        11,
        lvl(0, "bullet", "\u2022"),
        lvl(1, "none", ""),
        lvl(2, "upperRoman", "%3.", suff="nothing"),
    )
    d_bytes = build([levels, num(1, 11)], [("要点", 1, 0, None), ("无号", 1, 1, None), ("部分", 1, 2, None)])
    assert lines(d_bytes) == ["要点", "无号", "I.部分"]

    d = docx.Document(io.BytesIO(d_bytes))
    cell = d.add_table(rows=1, cols=1).cell(0, 0)
    cell.paragraphs[0].text = "表内"
    ppr = cell.paragraphs[0]._p.get_or_add_pPr()
    ppr.append(parse_xml(f'<w:numPr {W_NS}><w:ilvl w:val="2"/><w:numId w:val="1"/></w:numPr>'))
    out = io.BytesIO()
    d.save(out)
    assert lines(out.getvalue())[-1] == "II.表内"  # counted in document order, after 部分


def test_default_template_list_styles() -> None:
    d = docx.Document()
    for text, style in [("甲", "List Number"), ("乙", "List Number"), ("要点", "List Bullet")]:
        d.add_paragraph(text, style=style)
    out = io.BytesIO()
    d.save(out)
    assert lines(out.getvalue()) == ["1.甲", "2.乙", "要点"]


def test_undefined_numbering_is_ignored() -> None:
    data = build([PLAN_LEVELS], [("没有对应的num", 42, 0, None), ("正文", None, None, None)])
    assert lines(data) == ["没有对应的num", "正文"]


@pytest.mark.parametrize(
    ("fmt", "values", "expected"),
    [
        ("decimal", [1, 12], ["1", "12"]),
        ("decimalZero", [3, 12], ["03", "12"]),
        ("chineseCounting", [1, 10, 11, 20, 21, 100, 101, 110], ["一", "十", "十一", "二十", "二十一", "一百", "一百零一", "一百一十"]),
        ("chineseCountingThousand", [9, 15, 1005, 10001], ["九", "十五", "一千零五", "一万零一"]),
        ("chineseLegalSimplified", [1, 3, 10, 11, 25], ["壹", "叁", "壹拾", "壹拾壹", "贰拾伍"]),
        ("ideographTraditional", [1, 3, 10, 11], ["甲", "丙", "癸", "甲"]),
        ("ideographZodiac", [1, 12, 13], ["子", "亥", "子"]),
        ("lowerLetter", [1, 26, 27, 28], ["a", "z", "aa", "bb"]),
        ("upperLetter", [3], ["C"]),
        ("lowerRoman", [4, 9, 14], ["iv", "ix", "xiv"]),
        ("upperRoman", [1994], ["MCMXCIV"]),
        ("decimalEnclosedCircle", [1, 20, 21], ["①", "⑳", "21"]),
        ("decimalEnclosedCircleChinese", [2], ["②"]),
        ("decimalEnclosedParen", [1, 3], ["⑴", "⑶"]),
        ("decimalFullWidth", [12], ["１２"]),
        ("bullet", [1], [""]),
        ("none", [1], [""]),
        ("someFutureFormat", [7], ["7"]),
        (None, [7], ["7"]),
    ],
)  # fmt: skip
def test_number_formats(fmt: str | None, values: list[int], expected: list[str]) -> None:
    assert [format_number(v, fmt) for v in values] == expected
