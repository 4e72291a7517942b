"""The bulletin as a Word document (python-docx): title, issue number, issuing body and date over a red
rule, summary, red and yellow lists, the department table, the charts as PNG images, page numbers."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from taizhang.files import write_bytes
from taizhang.report.bulletin import Bulletin
from taizhang.report.layout import Document, Heading, Image, Masthead, Paragraph, Table, compose

BODY_FONT = "仿宋"  # the fonts of Chinese government documents; Word substitutes where they are missing
HEADING_FONT = "黑体"
TITLE_FONT = "宋体"
SHADES = {"red": "F8D0D0", "yellow": "FFF1C2"}
USABLE_CM = 16.0  # text width between the margins (portrait)
LANDSCAPE_USABLE_CM = 29.7 - 5.0


def _font(run, name: str, size: float, bold: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Set the font of a run or a style, the East Asian one included (python-docx sets only Latin)."""
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    rpr = run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), name)


def _shade(cell, fill: str) -> None:  # type: ignore[no-untyped-def]
    tcpr = cell._element.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def _styles(docx) -> None:  # type: ignore[no-untyped-def]
    """Body text and table cells as paragraph styles (one font setting each, not one per run)."""
    from docx.enum.style import WD_STYLE_TYPE

    normal = docx.styles["Normal"]
    _font(normal, BODY_FONT, 14)
    for name, font, size, bold in (("表格正文", BODY_FONT, 9, False), ("表格表头", HEADING_FONT, 9, True)):
        st = docx.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        st.base_style = normal
        _font(st, font, size, bold)
        st.paragraph_format.space_after = Pt(0)
        st.paragraph_format.first_line_indent = Pt(0)


def _table(docx, t: Table, usable_cm: float = USABLE_CM) -> None:  # type: ignore[no-untyped-def]
    table = docx.add_table(rows=1 + len(t.rows), cols=len(t.header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = [Cm(usable_cm * w / sum(t.widths)) for w in t.widths]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    # style ids set on the XML directly: python-docx's per-paragraph style lookup scans every style
    head, cell_style = docx.styles["表格表头"].style_id, docx.styles["表格正文"].style_id
    for r, (row, values) in enumerate(zip(table.rows, [t.header, *t.rows], strict=True)):
        for c, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
            p = cell.paragraphs[0]
            p._p.style = head if r == 0 else cell_style
            p.add_run(text)
            if r == 0:
                cell.width = widths[c]
                _shade(cell, "D9E2F3")
        if r == 0:  # the header row repeats at the top of every page the table runs onto
            header = OxmlElement("w:tblHeader")
            header.set(qn("w:val"), "true")
            row._tr.get_or_add_trPr().append(header)
        colour = t.colours[r - 1] if 0 < r <= len(t.colours) else None
        if colour in SHADES:
            _shade(row.cells[0], SHADES[colour])


def _masthead(docx, m: Masthead) -> None:  # type: ignore[no-untyped-def]
    """Issuer at the left, date at the right tab stop, a red rule under both."""
    p = docx.add_paragraph()
    p.paragraph_format.first_line_indent = Pt(0)
    p.paragraph_format.tab_stops.add_tab_stop(Cm(USABLE_CM), WD_TAB_ALIGNMENT.RIGHT)
    _font(p.add_run(f"{m.issuer}\t{m.date}"), BODY_FONT, 14)
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("val", "single"), ("sz", "12"), ("space", "4"), ("color", "C00000")):
        bottom.set(qn(f"w:{k}"), v)
    border.append(bottom)
    p._p.get_or_add_pPr().append(border)


def _page_numbers(section) -> None:  # type: ignore[no-untyped-def]
    """A centred — N — in the footer (Word's PAGE field)."""
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run("— "), BODY_FONT, 10.5)
    run = p.add_run()
    _font(run, BODY_FONT, 10.5)
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = " PAGE "
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)
    _font(p.add_run(" —"), BODY_FONT, 10.5)


def _turn(docx, orientation: WD_ORIENT) -> None:  # type: ignore[no-untyped-def]
    """A new section on a new page in this orientation (its footer, the page numbers, goes on)."""
    section = docx.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = orientation
    long, short = Cm(29.7), Cm(21.0)
    landscape = orientation == WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = (long, short) if landscape else (short, long)


def render_docx(doc: Document) -> bytes:
    docx = new_docx()
    _styles(docx)
    section = docx.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.5)
    _page_numbers(section)
    landscape = False
    for i, block in enumerate(doc.blocks):
        if isinstance(block, Heading) and block.level > 0:
            nxt = doc.blocks[i + 1] if i + 1 < len(doc.blocks) else None
            wide = isinstance(nxt, Table) and nxt.wide
            if wide != landscape:  # a wide list, with its heading, on landscape pages; back to portrait after
                _turn(docx, WD_ORIENT.LANDSCAPE if wide else WD_ORIENT.PORTRAIT)
                landscape = wide
        if isinstance(block, Heading):
            p = docx.add_paragraph()
            if block.level == 0:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                run = p.add_run(block.text)
                _font(run, TITLE_FONT, 22, bold=True)
                run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
            else:
                _font(p.add_run(block.text), HEADING_FONT, 16)
                p.paragraph_format.keep_with_next = True  # never alone at the foot of a page
        elif isinstance(block, Paragraph):
            p = docx.add_paragraph()
            if block.align == "center":
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            else:
                p.paragraph_format.first_line_indent = Pt(28)
            _font(p.add_run(block.text), BODY_FONT, 14)
        elif isinstance(block, Masthead):
            _masthead(docx, block)
        elif isinstance(block, Table):
            _table(docx, block, LANDSCAPE_USABLE_CM if landscape else USABLE_CM)
            docx.add_paragraph()
        elif isinstance(block, Image):
            docx.add_picture(io.BytesIO(block.png), width=Cm(block.width_cm))
            docx.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            docx.paragraphs[-1].paragraph_format.keep_with_next = True  # with its caption
            cap = docx.add_paragraph()
            cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(cap.add_run(block.caption), BODY_FONT, 10.5)
    docx.core_properties.title = next((b.text for b in doc.blocks if isinstance(b, Heading)), "")
    buf = io.BytesIO()
    docx.save(buf)
    return buf.getvalue()


def write_docx(bulletin: Bulletin, out: Path) -> Path:
    """Write the bulletin as .docx to `out` (atomically)."""
    with tempfile.TemporaryDirectory(prefix="taizhang-bulletin-") as tmp:
        data = render_docx(compose(bulletin, Path(tmp), embed_text=False))
    write_bytes(out, data)
    return out
