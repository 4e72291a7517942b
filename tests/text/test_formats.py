"""Format readers and dispatch: txt, docx, pdf, html; every bad input is one InputError.

The PDFs are written by hand (`make_pdf`): a Type0 font with Identity-H encoding whose CIDs are the
Unicode code points, plus a ToUnicode CMap, which is all a text extractor needs. No font program is
embedded, so no PDF library is required to build them.
"""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import docx
import pytest

from taizhang.errors import InputError
from taizhang.text.formats import TEXT_MAX_BYTES, html_charset, read_raw
from taizhang.text.read import read_document


def make_pdf(pages: list[list[str]], *, width: int = 595, font_size: int = 12) -> bytes:
    """A minimal valid PDF whose pages show `pages` (a list of lines each) in a CJK font."""
    chars = sorted({c for page in pages for line in page for c in line})
    bfchar = "\n".join(f"<{ord(c):04X}> <{ord(c):04X}>" for c in chars)
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        f"{len(chars)} beginbfchar\n{bfchar}\nendbfchar\n"
        "endcmap CMapName currentdict /CMap defineresource pop end end\n"
    ).encode()
    objs: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, filled in below
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H "
        b"/DescendantFonts [4 0 R] /ToUnicode 5 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        b"/FontDescriptor 6 0 R /DW 1000 /CIDToGIDMap /Identity >>",
        b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 4 /FontBBox [0 -200 1000 900] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 80 >>",
    ]
    page_ids = []
    for page in pages:
        ops = [f"BT /F1 {font_size} Tf {font_size + 6} TL 50 780 Td"]
        ops += [f"<{''.join(f'{ord(c):04X}' for c in line)}> Tj T*" for line in page]
        ops.append("ET")
        content = "\n".join(ops).encode()
        pid = len(objs) + 1
        page_ids.append(pid)
        objs.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} 842] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {pid + 1} 0 R >>".encode()
        )
        objs.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    kids = " ".join(f"{i} 0 R" for i in page_ids)
    objs[1] = f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode()
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{off:010d} 00000 n \n".encode() for off in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def problem(path: Path) -> str:
    with pytest.raises(InputError) as e:
        read_document(path)
    assert e.value.path == str(path)
    return e.value.problem


# ------------------------------------------------------------------------------------------ txt

PLAN = "一、总体要求\n到2025年,全县细颗粒物(PM2.5)平均浓度控制在30微克/立方米以下。(县生态环境局牵头)\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le", "big5"])
def test_txt_any_encoding(tmp_path: Path, encoding: str) -> None:
    p = tmp_path / "plan.txt"
    source = (
        PLAN
        if encoding != "big5"
        else "一、總體要求\n到2025年,全縣細顆粒物(PM2.5)平均濃度控制在30微克/立方米以下。(縣生態環境局牽頭)\n"
    )
    p.write_bytes(source.encode(encoding))
    assert read_document(p) == PLAN


def test_txt_full_width_and_crlf(tmp_path: Path) -> None:
    p = tmp_path / "plan.txt"
    p.write_bytes("（一）ＰＭ２．５浓度：３０微克／立方米，\r\n".encode("gbk"))
    assert read_document(p) == "(一)PM2.5浓度:30微克/立方米,\n"


def test_unknown_extension_with_text_content_is_read(tmp_path: Path) -> None:
    p = tmp_path / "plan.md"
    p.write_text(PLAN, encoding="utf-8")
    assert read_document(p) == PLAN


# ----------------------------------------------------------------------------------------- docx


def _docx(tmp_path: Path, name: str = "plan.docx") -> Path:
    d = docx.Document()
    d.add_paragraph("一、总体要求")
    d.add_paragraph("到2025年,全县ＰＭ２．５浓度不高于３０微克/立方米（县生态环境局牵头）。")
    t = d.add_table(rows=3, cols=3)
    for r, row in enumerate(
        [("序号", "任务", "牵头单位"), ("1", "整治扬尘", "县住建局"), ("2", "治理黑臭水体", "")]
    ):
        for c, value in enumerate(row):
            t.cell(r, c).text = value
    t.cell(2, 1).add_paragraph("新建管网10公里")
    t.cell(1, 2).merge(t.cell(2, 2))
    d.add_paragraph("二、保障措施")
    p = tmp_path / name
    d.save(str(p))
    return p


def test_docx_paragraphs_and_tables_in_order(tmp_path: Path) -> None:
    text = read_document(_docx(tmp_path))
    # a row is one line, cells tab-separated; a cell's paragraphs are joined by a space; the
    # continuation of a vertically merged cell is empty (and trailing blanks are stripped)
    assert text.splitlines() == [
        "一、总体要求",
        "到2025年,全县PM2.5浓度不高于30微克/立方米(县生态环境局牵头)。",
        "序号\t任务\t牵头单位",
        "1\t整治扬尘\t县住建局",
        "2\t治理黑臭水体 新建管网10公里",
        "二、保障措施",
    ]


def test_docx_detected_by_content_not_name(tmp_path: Path) -> None:
    p = _docx(tmp_path, "plan.bin")
    assert "二、保障措施" in read_document(p)


def test_truncated_docx(tmp_path: Path) -> None:
    good = _docx(tmp_path).read_bytes()
    p = tmp_path / "cut.docx"
    p.write_bytes(good[: len(good) // 2])
    assert problem(p).startswith("not a valid .docx (")


def test_docx_with_corrupt_xml(tmp_path: Path) -> None:
    src = zipfile.ZipFile(_docx(tmp_path))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = data[: len(data) // 2]
            z.writestr(item, data)
    p = tmp_path / "bad.docx"
    p.write_bytes(buf.getvalue())
    assert problem(p).startswith("not a valid .docx (")


def test_docx_that_is_not_a_zip(tmp_path: Path) -> None:
    p = tmp_path / "plan.docx"
    p.write_text("just text", encoding="utf-8")
    assert problem(p) == "not a valid .docx (not a zip archive)"


def test_zip_without_document_named_docx(tmp_path: Path) -> None:
    p = tmp_path / "plan.docx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("readme.txt", "hello")
    assert problem(p).startswith("not a valid .docx (a zip archive without word/document.xml")


def test_plain_zip_is_unsupported(tmp_path: Path) -> None:
    p = tmp_path / "plans.zip"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("a.txt", "hello")
    assert problem(p) == "unsupported file type (zip archive)"


def test_xlsx_is_unsupported(tmp_path: Path) -> None:
    import openpyxl

    p = tmp_path / "ledger.xlsx"
    openpyxl.Workbook().save(p)
    assert problem(p) == "unsupported file type (spreadsheet (.xlsx))"


# ------------------------------------------------------------------------------------------ pdf

PDF_PAGES = [
    [
        "一、总体要求",
        "到2025年,全县细颗粒物(PM2.5)平均浓度控制在30微克/立方米以下,空气质量优良天数比",
        "率达到90%以上。",
        "(一)强化扬尘治理",
        "- 1 -",
    ],
    ["二、保障措施", "加强组织领导。", "2"],
]


def test_pdf_text_layer_with_unwrapping(tmp_path: Path) -> None:
    p = tmp_path / "plan.pdf"
    p.write_bytes(make_pdf(PDF_PAGES))
    assert read_document(p).splitlines() == [
        "一、总体要求",
        "到2025年,全县细颗粒物(PM2.5)平均浓度控制在30微克/立方米以下,空气质量优良天数比率达到90%以上。",
        "(一)强化扬尘治理",
        "二、保障措施",
        "加强组织领导。",
    ]


def test_pdf_without_text_looks_scanned(tmp_path: Path) -> None:
    p = tmp_path / "scan.pdf"
    p.write_bytes(make_pdf([[], []]))
    msg = problem(p)
    assert "looks scanned" in msg and "OCR" in msg


def test_truncated_pdf(tmp_path: Path) -> None:
    data = make_pdf(PDF_PAGES)
    p = tmp_path / "cut.pdf"
    p.write_bytes(data[: len(data) * 2 // 3])
    assert problem(p).startswith("not a valid .pdf (truncated")


def test_pdf_with_damaged_body(tmp_path: Path) -> None:
    data = make_pdf(PDF_PAGES)
    p = tmp_path / "bad.pdf"
    p.write_bytes(data[:20] + b"\x00" * (len(data) - 40) + data[-20:])
    assert problem(p).startswith("not a valid .pdf (")


def test_pdf_name_without_pdf_content(tmp_path: Path) -> None:
    p = tmp_path / "plan.pdf"
    p.write_text(PLAN, encoding="utf-8")
    assert problem(p) == "not a valid .pdf (no %PDF header)"


# ----------------------------------------------------------------------------------------- html

HTML = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>页面标题</title><style>p {{ color: red }}</style><script>var a = "不要";</script></head>
<body><div class="nav">首页</div>
<h1>{title}</h1>
<p>到2025年,全县细颗粒物(PM2.5)平均浓度
   控制在30微克/立方米以下。<br>(县生态环境局牵头)</p>
<!-- 注释 -->
<table><tr><th>序号</th><th>任务</th></tr><tr><td>1</td><td>整治扬尘</td></tr></table>
<p>Air&nbsp;quality &amp; water</p>
</body></html>"""


def test_html_meta_charset_blocks_and_drops(tmp_path: Path) -> None:
    p = tmp_path / "plan.htm"
    p.write_bytes(HTML.format(title="某县实施方案").encode("gb2312"))
    assert read_document(p).splitlines() == [
        "首页",
        "某县实施方案",
        "到2025年,全县细颗粒物(PM2.5)平均浓度控制在30微克/立方米以下。",
        "(县生态环境局牵头)",
        "序号\t任务",
        "1\t整治扬尘",
        "Air quality & water",
    ]


def test_html_wrong_meta_charset_falls_back_to_detection(tmp_path: Path) -> None:
    p = tmp_path / "plan.html"
    page = '<html><head><meta charset="utf-8"></head><body><h1>縣級實施方案</h1><p>區生態環境局牽頭</p></body></html>'
    p.write_bytes(page.encode("big5"))
    assert read_document(p).splitlines() == ["县级实施方案", "区生态环境局牵头"]


def test_html_detected_by_content(tmp_path: Path) -> None:
    p = tmp_path / "page.txt"
    p.write_bytes(HTML.format(title="某县实施方案").encode("gb18030"))
    assert "var a" not in read_document(p)


def test_html_charset_sniffing() -> None:
    assert html_charset(b'<meta charset="GBK">') == "gb18030"
    assert html_charset(b"<meta http-equiv='Content-Type' content='text/html; charset=big5'>") == "cp950"
    assert html_charset(b"<p>no meta</p>") is None


# ----------------------------------------------------------------------------------- bad inputs


def test_empty_file(tmp_path: Path) -> None:
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    assert problem(p) == "file is empty"


def test_whitespace_only(tmp_path: Path) -> None:
    p = tmp_path / "blank.txt"
    p.write_text(" \n\u3000\n", encoding="utf-8")
    assert problem(p).startswith("no text in file")


def test_missing_file_and_directory(tmp_path: Path) -> None:
    assert problem(tmp_path / "nope.txt") == "no such file"
    assert problem(tmp_path) == "is a directory, not a file"


@pytest.mark.parametrize(
    ("name", "data", "what"),
    [
        ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "PNG image"),
        ("scan.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 100, "JPEG image"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "Word 97-2003"),
        ("a.gz", b"\x1f\x8b\x08" + b"\x00" * 100, "gzip"),
    ],
)
def test_unsupported_by_magic(tmp_path: Path, name: str, data: bytes, what: str) -> None:
    p = tmp_path / name
    p.write_bytes(data)
    msg = problem(p)
    assert msg.startswith("unsupported file type (") and what in msg


def test_binary_blob_named_txt(tmp_path: Path) -> None:
    import random

    rnd = random.Random(1)
    p = tmp_path / "plan.txt"
    p.write_bytes(bytes(rnd.randrange(256) for _ in range(20000)))
    msg = problem(p)
    assert msg.startswith(("unsupported file type (binary", "cannot decode text"))


def test_too_large_text_fails_fast(tmp_path: Path) -> None:
    p = tmp_path / "huge.txt"
    line = ("到2025年,全县细颗粒物平均浓度控制在30微克/立方米以下。" * 20 + "\n").encode("utf-8")
    with p.open("wb") as f:
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            f.write(line)
    assert p.stat().st_size > 50 * 1024 * 1024 > TEXT_MAX_BYTES
    t0 = time.perf_counter()
    msg = problem(p)
    assert time.perf_counter() - t0 < 1.0
    assert msg.startswith("too large (")


def test_read_raw_keeps_text_unnormalised(tmp_path: Path) -> None:
    p = tmp_path / "plan.txt"
    p.write_text("（一）", encoding="utf-8")
    assert read_raw(p) == "（一）"
