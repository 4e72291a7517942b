"""The bulletin as Word and PDF: the content is there, the images are PNG, and the PDF's Chinese text
is real characters drawn with an embedded CJK font (not boxes)."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest

from taizhang.report.bulletin import Bulletin, build_bulletin

TITLE = "污染防治攻坚战调度通报"


@pytest.fixture
def bulletin(ledger, small) -> Bulletin:  # type: ignore[no-untyped-def]
    with ledger.session(write=False) as s:
        return build_bulletin(s, "2024-05", small.evaluations)


def test_docx_has_lists_tables_and_images(bulletin: Bulletin, tmp_path: Path) -> None:
    from docx import Document

    from taizhang.report.bulletin_docx import write_docx

    (tmp_path / "out").mkdir()
    out = write_docx(bulletin, tmp_path / "out" / "通报.docx")
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["通报.docx"]  # no temporary file left
    assert out.stat().st_mode & 0o777 == 0o644
    doc = Document(str(out))
    text = [p.text for p in doc.paragraphs]
    assert text[0] == TITLE
    assert text[1] == "2024年第5期"  # the issue number under the title
    assert text[2] == "青溪县污染防治攻坚战领导小组办公室\t2024年5月31日"  # issuer, and the date of the data
    assert any("红色预警2项（任务1项、指标1项），黄色预警1项" in t for t in text)
    assert any("整改时序进度达标率100.0%（2/2）" in t for t in text)
    red, yellow, depts = doc.tables
    assert [c.text for c in red.rows[0].cells][:4] == ["序号", "类别", "方案", "事项"]
    assert [[c.text for c in r.cells][3] for r in red.rows[1:]] == [
        "推进燃煤锅炉淘汰", "全县细颗粒物(PM2.5)年平均浓度 <= 35μg/m³"]
    assert [c.text for c in red.rows[1].cells][4:8] == ["县生态环境局", "2024-06-30", "90.0%", "20.0%"]
    assert [[c.text for c in r.cells][3] for r in yellow.rows[1:]] == ["加强扬尘管控"]
    assert [[c.text for c in r.cells][1] for r in depts.rows[1:]] == [
        "县生态环境局", "县住房城乡建设局", "县农业农村局"]
    assert len(doc.inline_shapes) == 2
    images = [p for p in doc.part.package.parts if p.content_type == "image/png"]
    assert len(images) == 2 and all(p.blob[:8] == b"\x89PNG\r\n\x1a\n" for p in images)


def _font_objects(pdf):  # type: ignore[no-untyped-def]
    from pdfminer.pdftypes import resolve1

    fonts = {}
    for page in pdf.pages:
        for _, ref in (resolve1(page.page_obj.resources.get("Font")) or {}).items():
            f = resolve1(ref)
            fonts[resolve1(f["BaseFont"]).name] = f
    return fonts


def test_pdf_has_real_chinese_text_in_an_embedded_font(bulletin: Bulletin, tmp_path: Path) -> None:
    import pdfplumber
    import pypdfium2
    from pdfminer.pdftypes import resolve1

    from taizhang.report.bulletin_pdf import write_pdf

    out = write_pdf(bulletin, tmp_path / "通报.pdf")
    with pdfplumber.open(out) as pdf:
        text = "\n".join(p.extract_text() or "" for p in pdf.pages)
        first = pdf.pages[0]
        title_chars = [c for c in first.chars if c["text"] in TITLE and c["size"] > 15]
        used = {c["fontname"] for p in pdf.pages for c in p.chars}
        fonts = _font_objects(pdf)
        embedded = {}
        for name in used:
            f = fonts[name]
            descriptor = resolve1(f.get("FontDescriptor") or resolve1(f["DescendantFonts"])[0]["FontDescriptor"])
            stream = resolve1(descriptor.get("FontFile2"))
            embedded[name] = len(stream.get_data()) if stream is not None else 0
        images = sum(len(p.images) for p in pdf.pages)
    assert TITLE in text.replace("\n", "")
    for must in ("县生态环境局", "县住房城乡建设局", "推进燃煤锅炉淘汰", "红色预警清单", "整改时序进度达标率"):
        assert must in text.replace("\n", ""), must
    assert "(cid:" not in text and "\ufffd" not in text and "□" not in text
    assert images == 2
    # every character is drawn in an embedded TrueType subset of Noto Serif / Sans (SC or CJK SC)
    assert used and all(re.search(r"Noto(Serif|Sans)(SC|CJK)", name) and name[6] == "+" for name in used), used
    assert all(size > 1000 for size in embedded.values()), embedded
    # not boxes: the title's 11 different characters are drawn as 11 different, non-blank glyphs
    assert "".join(c["text"] for c in title_chars) == TITLE
    scale = 4
    doc = pypdfium2.PdfDocument(str(out))
    image = doc[0].render(scale=scale).to_pil().convert("L")
    doc.close()
    shapes = []
    for c in title_chars:
        crop = image.crop((int(c["x0"] * scale), int(c["top"] * scale), int(c["x1"] * scale),
                           int(c["bottom"] * scale)))
        ink = crop.point(lambda v: 255 if v < 160 else 0)
        assert ink.getbbox() is not None, f"{c['text']} is blank"
        shapes.append(ink.resize((24, 24)).tobytes())
    assert len(set(shapes)) == len(TITLE)


def test_pdf_without_the_font_says_how_to_install_it(bulletin: Bulletin, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from taizhang.errors import InputError
    from taizhang.report import fonts
    from taizhang.report.bulletin_pdf import write_pdf

    monkeypatch.setattr(fonts, "FONT_DIRS", (tmp_path / "nowhere",))
    monkeypatch.setattr(fonts, "node_modules_dirs", lambda: [])
    monkeypatch.delenv("TAIZHANG_CJK_FONT", raising=False)
    with pytest.raises(InputError, match="npm ci"):
        write_pdf(bulletin, tmp_path / "b.pdf")
    assert not (tmp_path / "b.pdf").exists()


def test_font_subset_is_truetype_with_the_glyphs(tmp_path: Path) -> None:
    from fontTools.ttLib import TTFont

    from taizhang.report.fonts import truetype_subset

    path = truetype_subset("调度通报", tmp_path / "f.ttf")
    font = TTFont(str(path))
    assert "glyf" in font and "CFF " not in font
    assert font["name"].getDebugName(1) in ("Noto Serif SC", "Noto Serif CJK SC")
    cmap = font.getBestCmap()
    for ch in "调度通报A1，":
        glyph = font["glyf"][cmap[ord(ch)]]
        assert glyph.numberOfContours > 0, ch
    assert ord("污") not in cmap  # only what was asked for (and the base set)
    assert len(io.BytesIO(path.read_bytes()).getvalue()) < 100_000


@pytest.fixture
def npm_fonts_only(monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A fresh machine after the README's first command: no system CJK font, only what `npm ci` installed."""
    from taizhang.report import fonts

    monkeypatch.setattr(fonts, "FONT_DIRS", (tmp_path / "no-system-fonts",))
    monkeypatch.setenv("TAIZHANG_SYSTEM_FONTS", "0")
    monkeypatch.delenv("TAIZHANG_CJK_FONT", raising=False)
    if fonts.npm_font_file("serif", "regular") is None:
        msg = "the npm font packages are not installed: run `npm ci` in the repository"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)


def test_bulletins_build_with_only_the_npm_fonts(bulletin: Bulletin, tmp_path: Path, npm_fonts_only) -> None:  # type: ignore[no-untyped-def]
    import pdfplumber
    from docx import Document

    from taizhang.report.bulletin_docx import write_docx
    from taizhang.report.bulletin_pdf import write_pdf

    docx = write_docx(bulletin, tmp_path / "通报.docx")
    assert Document(str(docx)).paragraphs[0].text == TITLE
    out = write_pdf(bulletin, tmp_path / "通报.pdf")
    with pdfplumber.open(out) as pdf:
        chars = [c for p in pdf.pages for c in p.chars]
        fonts = _font_objects(pdf)
    used = {c["fontname"] for c in chars}
    assert {n.split("+", 1)[1] for n in used} == {"NotoSerifSC-Bold", "NotoSerifSC-Regular", "NotoSansSC-Bold"}
    assert all(n in fonts for n in used)
    # body text in the serif, headings in the sans, the title in the bold serif
    body = [c for c in chars if c["size"] < 12 and c["text"] == "截"]
    assert body and {c["fontname"].split("+")[1] for c in body} == {"NotoSerifSC-Regular"}
    heading = [c for c in chars if c["text"] == "况"]  # 一、总体情况
    assert "NotoSansSC-Bold" in {c["fontname"].split("+")[1] for c in heading}
    title = [c for c in chars if c["size"] > 15]
    assert "".join(c["text"] for c in title) == TITLE
    assert {c["fontname"].split("+")[1] for c in title} == {"NotoSerifSC-Bold"}


def test_docx_has_page_numbers_and_keeps_headings_with_what_follows(bulletin: Bulletin, tmp_path: Path) -> None:
    from docx import Document
    from docx.oxml.ns import qn

    from taizhang.report.bulletin_docx import write_docx

    doc = Document(str(write_docx(bulletin, tmp_path / "b.docx")))
    footer = doc.sections[0].footer.paragraphs[0]._p
    assert [t.text.strip() for t in footer.iter(qn("w:instrText"))] == ["PAGE"]
    headings = [p for p in doc.paragraphs if p.text[:2] in ("一、", "二、", "三、", "四、", "五、")]
    assert len(headings) == 5 and all(p.paragraph_format.keep_with_next for p in headings)
    for table in doc.tables:  # the header row repeats on each page a table runs onto
        assert table.rows[0]._tr.find(qn("w:trPr")).find(qn("w:tblHeader")) is not None
    masthead = doc.paragraphs[2]._p
    assert masthead.find(qn("w:pPr")).find(qn("w:pBdr")).find(qn("w:bottom")).get(qn("w:color")) == "C00000"


def test_pdf_headings_keep_with_what_follows_and_pages_are_numbered(bulletin: Bulletin, tmp_path: Path) -> None:
    import pdfplumber
    from reportlab.platypus import CondPageBreak, KeepTogether
    from reportlab.platypus import Paragraph as RLParagraph

    from taizhang.report import bulletin_pdf
    from taizhang.report.layout import compose

    doc = compose(bulletin, tmp_path)
    st = bulletin_pdf._styles({role: "Helvetica" for role in doc.fonts})
    story = bulletin_pdf.flowables(doc, st, 400)
    at = [i for i, f in enumerate(story) if isinstance(f, RLParagraph) and f.style.name == "h1"]
    assert len(at) == 5
    for i in at:  # room is made for each heading, and it keeps with a paragraph or chart that follows it
        assert isinstance(story[i - 1], CondPageBreak) and story[i - 1].height >= 4 * 28.3
        assert story[i].keepWithNext or type(story[i + 1]).__name__ == "Table"
    assert sum(isinstance(f, KeepTogether) for f in story) == 2  # each chart with its caption
    out = bulletin_pdf.write_pdf(bulletin, tmp_path / "b.pdf")
    with pdfplumber.open(out) as pdf:
        texts = [p.extract_text() or "" for p in pdf.pages]
        assert texts[0].splitlines()[2].startswith("青溪县污染防治攻坚战领导小组办公室")
    assert all(t.strip().endswith(f"— {i} —") for i, t in enumerate(texts, 1))


def test_the_red_and_yellow_lists_are_on_landscape_pages(bulletin: Bulletin, tmp_path: Path) -> None:
    import pdfplumber
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn

    from taizhang.report.bulletin_docx import write_docx
    from taizhang.report.bulletin_pdf import write_pdf

    with pdfplumber.open(write_pdf(bulletin, tmp_path / "b.pdf")) as pdf:
        pages = [((p.extract_text() or "").replace("\n", ""), p.width > p.height) for p in pdf.pages]
    assert not pages[0][1] and "一、总体情况" in pages[0][0]
    for heading in ("二、红色预警清单", "三、黄色预警清单"):
        assert [wide for text, wide in pages if heading in text] == [True], heading
    assert [wide for text, wide in pages if "四、各责任单位推进情况" in text] == [False]

    doc = Document(str(write_docx(bulletin, tmp_path / "b.docx")))
    assert [s.orientation for s in doc.sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    assert doc.sections[1].page_width > doc.sections[1].page_height
    section_of, n = {}, 0  # a paragraph holding a sectPr ends a section
    for el in doc.element.body.iterchildren():
        if el.tag == qn("w:tbl"):
            section_of[len(section_of)] = n
        elif el.find(qn("w:pPr")) is not None and el.find(qn("w:pPr")).find(qn("w:sectPr")) is not None:
            n += 1
    assert section_of == {0: 1, 1: 1, 2: 2}  # red list, yellow list landscape; the department table not


def test_system_fonts_are_the_fallback_and_their_cff_outlines_become_truetype(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from fontTools.ttLib import TTFont

    from taizhang.report import fonts

    monkeypatch.setattr(fonts, "node_modules_dirs", lambda: [])
    monkeypatch.delenv("TAIZHANG_CJK_FONT", raising=False)
    monkeypatch.delenv("TAIZHANG_SYSTEM_FONTS", raising=False)
    if fonts._system_file("sans", "regular") is None:
        pytest.skip("no system Noto CJK font (Debian's fonts-noto-cjk) on this machine")
    path = fonts.truetype_subset("调度通报", tmp_path / "f.ttf", family="sans")
    font = TTFont(str(path))
    assert "glyf" in font and "CFF " not in font
    assert font["name"].getDebugName(1) == "Noto Sans CJK SC"
    cmap = font.getBestCmap()
    assert all(font["glyf"][cmap[ord(ch)]].numberOfContours > 0 for ch in "调度通报")
