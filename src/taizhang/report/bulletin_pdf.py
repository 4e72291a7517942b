"""The bulletin as PDF (ReportLab), with subsets of Noto Serif SC (body) and Noto Sans SC (headings)
embedded (see fonts.py)."""

from __future__ import annotations

import hashlib
import io
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Image as RLImage
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import Table as RLTable

from taizhang.files import write_bytes
from taizhang.report.bulletin import Bulletin
from taizhang.report.layout import Document, Heading, Image, Masthead, Paragraph, Table, compose
from taizhang.report.linebreak import break_lines

SHADES = {"red": colors.HexColor("#F8D0D0"), "yellow": colors.HexColor("#FFF1C2")}
RED = colors.HexColor("#C00000")
MARGIN = 2.0 * cm
CELL_PADDING = 2  # points left and right in a table cell
PAGES = {"portrait": A4, "landscape": landscape(A4)}
HEADING_ROOM = 5.0 * cm  # a heading starts a new page unless this much room is left for it and what follows


def _register(path: Path) -> str:
    """Register a font file with ReportLab under a name unique to its contents."""
    data = path.read_bytes()
    name = "TZCJK-" + hashlib.sha256(data).hexdigest()[:12]
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, io.BytesIO(data)))
    return name


def _styles(fonts: dict[str, str]) -> dict[str, ParagraphStyle]:
    base = {"fontName": fonts["body"], "wordWrap": "CJK"}
    return {
        "title": ParagraphStyle("title", **{**base, "fontName": fonts["title"]}, fontSize=20, leading=28, alignment=TA_CENTER,
                                textColor=RED, spaceAfter=6),
        "h1": ParagraphStyle("h1", **{**base, "fontName": fonts["heading"]}, fontSize=14, leading=20, spaceBefore=10,
                             spaceAfter=4),
        "body": ParagraphStyle("body", **base, fontSize=11, leading=18, firstLineIndent=22, alignment=TA_JUSTIFY),
        "center": ParagraphStyle("center", **base, fontSize=11, leading=18, alignment=TA_CENTER),
        "right": ParagraphStyle("right", **base, fontSize=11, leading=18, alignment=TA_RIGHT),
        "left": ParagraphStyle("left", **base, fontSize=11, leading=18),
        "cell": ParagraphStyle("cell", **base, fontSize=7.5, leading=10),
        "head": ParagraphStyle("head", **{**base, "fontName": fonts["heading"]}, fontSize=7.5, leading=10),
        "caption": ParagraphStyle("caption", **base, fontSize=9, leading=12, alignment=TA_CENTER, spaceAfter=8),
    }


def _cell(text: str, style: ParagraphStyle, width: float) -> RLParagraph:
    """A table cell, its lines broken by linebreak.py (never inside a date or a number)."""
    def measure(x: str) -> float:
        return pdfmetrics.stringWidth(x, style.fontName, style.fontSize)

    lines = break_lines(text, width - 2 * CELL_PADDING - 0.01, measure)
    return RLParagraph("<br/>".join(escape(line) for line in lines), style)


def _table(t: Table, st: dict[str, ParagraphStyle], width: float) -> RLTable:
    widths = [width * w / sum(t.widths) for w in t.widths]
    data = [[_cell(h, st["head"], w) for h, w in zip(t.header, widths, strict=True)]]
    data += [[_cell(c, st["cell"], w) for c, w in zip(row, widths, strict=True)] for row in t.rows]
    table = RLTable(data, colWidths=widths, repeatRows=1)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#808080")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#D9E2F3")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
    ]
    for i, colour in enumerate(t.colours, 1):
        if colour in SHADES:
            style.append(("BACKGROUND", (0, i), (0, i), SHADES[colour]))
    table.setStyle(TableStyle(style))
    return table


def _masthead(m: Masthead, st: dict[str, ParagraphStyle], width: float) -> RLTable:
    table = RLTable([[RLParagraph(escape(m.issuer), st["left"]), RLParagraph(escape(m.date), st["right"])]],
                    colWidths=[width * 0.7, width * 0.3])
    table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, 0), 1.5, RED), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
    return table


def _image(block: Image, width: float) -> RLImage:
    from PIL import Image as PILImage

    with PILImage.open(io.BytesIO(block.png)) as im:
        w, h = im.size
    draw_w = min(width, block.width_cm * cm)
    return RLImage(io.BytesIO(block.png), width=draw_w, height=draw_w * h / w)


def _wide(block: object) -> bool:
    return isinstance(block, Table) and block.wide


def _frame_width(page: str) -> float:
    return PAGES[page][0] - 2 * MARGIN


def flowables(doc: Document, st: dict[str, ParagraphStyle], width: float) -> list:  # type: ignore[type-arg]
    """The blocks as ReportLab flowables. A heading never ends a page: it starts a new one unless there is
    room for it and the start of what follows (a table then splits across pages; a paragraph or a chart is
    kept with it). A chart keeps with its caption."""
    story: list = []  # type: ignore[type-arg]
    page = "portrait"
    for i, block in enumerate(doc.blocks):
        if isinstance(block, Heading) and block.level == 0:
            story.append(RLParagraph(escape(block.text), st["title"]))
        elif isinstance(block, Heading):
            nxt = doc.blocks[i + 1] if i + 1 < len(doc.blocks) else None
            want = "landscape" if _wide(nxt) else "portrait"
            if want != page:  # a wide list, with its heading, on landscape pages; back to portrait after
                story += [NextPageTemplate(want), PageBreak()]
                page = want
            story.append(CondPageBreak(HEADING_ROOM))
            story.append(RLParagraph(escape(block.text), st["h1"]))
            story[-1].keepWithNext = not isinstance(nxt, Table)
        elif isinstance(block, Paragraph):
            story.append(RLParagraph(escape(block.text), st["center" if block.align == "center" else "body"]))
        elif isinstance(block, Masthead):
            story.append(_masthead(block, st, width))
            story.append(Spacer(1, 8))
        elif isinstance(block, Table):
            story.append(_table(block, st, _frame_width(page) if _wide(block) else width))
            story.append(Spacer(1, 6))
        elif isinstance(block, Image):
            story.append(KeepTogether([_image(block, width), RLParagraph(escape(block.caption), st["caption"])]))
    return story


def render_pdf(doc: Document) -> bytes:
    fonts = {role: _register(path) for role, path in doc.fonts.items()}
    st = _styles(fonts)
    buf = io.BytesIO()
    title = next((b.text for b in doc.blocks if isinstance(b, Heading) and b.level == 0), "")
    pdf = BaseDocTemplate(buf, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                          bottomMargin=MARGIN, title=title, author="taizhang", invariant=1)

    def page_number(canvas, _doc) -> None:  # type: ignore[no-untyped-def]
        canvas.setFont(fonts["body"], 8)
        canvas.drawCentredString(canvas._pagesize[0] / 2, 1.2 * cm, f"— {canvas.getPageNumber()} —")

    pdf.addPageTemplates([
        PageTemplate(id=name, pagesize=size, onPage=page_number,
                     frames=[Frame(MARGIN, MARGIN, size[0] - 2 * MARGIN, size[1] - 2 * MARGIN, id=name)])
        for name, size in PAGES.items()])
    pdf.build(flowables(doc, st, _frame_width("portrait")))
    return buf.getvalue()


def write_pdf(bulletin: Bulletin, out: Path) -> Path:
    """Write the bulletin as PDF to `out` (atomically)."""
    with tempfile.TemporaryDirectory(prefix="taizhang-bulletin-") as tmp:
        data = render_pdf(compose(bulletin, Path(tmp)))
    write_bytes(out, data)
    return out
