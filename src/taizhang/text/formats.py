"""Document formats → raw text: .txt, .docx, .pdf (text layer), .html.

The type is decided by the file's content (magic bytes), the extension only breaks ties and names
the error when the two disagree (a `.docx` that is not a zip archive). Every problem a user can fix
is an `InputError(path, one-line reason)`; nothing here prints.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from taizhang.errors import InputError
from taizhang.text.decode import BinaryData, detect
from taizhang.text.docx_numbering import ListNumbers

MB = 1024 * 1024
# Plain text and HTML: a plan is some 30–300 KB; a 20 MB text is not a plan.
TEXT_MAX_BYTES = 20 * MB
# .docx and .pdf carry images and fonts, so the file may be larger than its text.
DOC_MAX_BYTES = 200 * MB
# Uncompressed size of word/document.xml (guards against zip bombs).
DOCX_XML_MAX_BYTES = 200 * MB
PDF_MAX_PAGES = 2000
# A PDF whose pages average fewer visible characters than this has no usable text layer.
PDF_MIN_CHARS_PER_PAGE = 10

HEAD_BYTES = 8192

HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml", ".mht", ".mhtml"}

# (magic, offset, description) of formats we refuse, with what the user can do about it.
_UNSUPPORTED_MAGIC: list[tuple[bytes, int, str]] = [
    (b"\x89PNG\r\n\x1a\n", 0, "PNG image; a scanned plan needs OCR first"),
    (b"\xff\xd8\xff", 0, "JPEG image; a scanned plan needs OCR first"),
    (b"GIF87a", 0, "GIF image"),
    (b"GIF89a", 0, "GIF image"),
    (b"II*\x00", 0, "TIFF image; a scanned plan needs OCR first"),
    (b"MM\x00*", 0, "TIFF image; a scanned plan needs OCR first"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "Word 97-2003 .doc/.xls (OLE); save it as .docx"),
    (b"{\\rtf", 0, "RTF document; save it as .docx"),
    (b"\x1f\x8b", 0, "gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", 0, "7-Zip archive"),
    (b"Rar!\x1a\x07", 0, "RAR archive"),
    (b"BZh", 0, "bzip2 archive"),
    (b"\xfd7zXZ\x00", 0, "xz archive"),
    (b"\x7fELF", 0, "executable (ELF)"),
    (b"ustar", 257, "tar archive"),
    (b"%!PS", 0, "PostScript document"),
    (b"SQLite format 3\x00", 0, "SQLite database"),
    (b"PAR1", 0, "Parquet file"),
]

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")


def _fmt_size(n: int) -> str:
    return f"{n / MB:.1f} MB"


def sniff(head: bytes, suffix: str, path: Path) -> str:
    """The reader for a file: 'pdf', 'docx', 'html' or 'text'. Raises InputError for the rest."""
    suffix = suffix.lower()
    if head.startswith(_ZIP_MAGIC):
        return "zip"  # resolved by _zip_kind once the whole file is at hand
    if b"%PDF-" in head[:1024]:
        return "pdf"
    for magic, offset, what in _UNSUPPORTED_MAGIC:
        if head[offset : offset + len(magic)] == magic:
            raise InputError(path, f"unsupported file type ({what})")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        raise InputError(path, "unsupported file type (WebP image)")
    if suffix == ".docx":
        raise InputError(path, "not a valid .docx (not a zip archive)")
    if suffix == ".pdf":
        raise InputError(path, "not a valid .pdf (no %PDF header)")
    if head[:2] == b"MZ" and b"\x00" in head[:64]:
        raise InputError(path, "unsupported file type (Windows executable)")
    if suffix in HTML_SUFFIXES or _looks_html(head):
        return "html"
    return "text"


_RX_HTML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta)\b", re.I | re.S
)


def _looks_html(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:200].count(0) > 20:
        try:
            sample = head.decode("utf-16")
        except UnicodeDecodeError:
            return False
        return bool(_RX_HTML_START.match(sample.encode("utf-8", "ignore")))
    return bool(_RX_HTML_START.match(head))


def read_raw(path: str | Path) -> str:
    """The text of a document, un-normalised. Raises InputError for anything a user can fix."""
    path = Path(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except OSError as e:
        raise InputError(path, f"cannot read ({e.strerror or e})") from None
    if path.is_dir():
        raise InputError(path, "is a directory, not a file")
    if st.st_size == 0:
        raise InputError(path, "file is empty")
    if st.st_size > DOC_MAX_BYTES:
        raise InputError(
            path, f"too large ({_fmt_size(st.st_size)}; the limit is {_fmt_size(DOC_MAX_BYTES)})"
        )
    try:
        with path.open("rb") as f:
            head = f.read(HEAD_BYTES)
            kind = sniff(head, path.suffix, path)
            if kind in ("text", "html") and st.st_size > TEXT_MAX_BYTES:
                raise InputError(
                    path,
                    f"too large ({_fmt_size(st.st_size)}; text and HTML files are limited to "
                    f"{_fmt_size(TEXT_MAX_BYTES)})",
                )
            data = head + f.read()
    except PermissionError:
        raise InputError(path, "cannot read (permission denied)") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory, not a file") from None
    except OSError as e:
        raise InputError(path, f"cannot read ({e.strerror or e})") from None

    if kind == "zip":
        return read_docx_bytes(data, path)
    if kind == "pdf":
        return read_pdf_bytes(data, path)
    if kind == "html":
        return read_html_bytes(data, path)
    return read_text_bytes(data, path)


# --------------------------------------------------------------------------------------- text


def read_text_bytes(data: bytes, path: str | Path | None = None) -> str:
    try:
        return detect(data).text
    except BinaryData:
        raise InputError(path, "unsupported file type (binary data, not text)") from None
    except ValueError as e:
        raise InputError(path, f"cannot decode text: {e}") from None


# --------------------------------------------------------------------------------------- docx

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT = (_W + n for n in ("p", "tbl", "tr", "tc", "sdt", "sdtContent"))
_T, _TAB, _BR, _CR, _NBH, _DEL = (_W + n for n in ("t", "tab", "br", "cr", "noBreakHyphen", "del"))
_SKIP_IN_P = {
    _W + "txbxContent",
    _MC_FALLBACK,
    _DEL,
    _W + "instrText",
    _W + "delText",
    _W + "pPr",
    _W + "rPr",
}
_CONTAINERS = {_W + "customXml", _W + "smartTag", _W + "ins", _W + "hyperlink", _SDT_CONTENT}


def _zip_kind(zf: zipfile.ZipFile) -> str:
    names = set(zf.namelist())
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "spreadsheet (.xlsx)"
    if "ppt/presentation.xml" in names:
        return "presentation (.pptx)"
    if "mimetype" in names and b"opendocument" in zf.read("mimetype"):
        return "OpenDocument file; save it as .docx"
    if any(n.endswith(".ofd") or n == "OFD.xml" for n in names):
        return "OFD document; save it as .docx or .pdf"
    return "zip archive"


def read_docx_bytes(data: bytes, path: str | Path | None = None) -> str:
    """Paragraphs and table cells in document order; a table row is one line, cells tab-separated."""
    suffix = Path(path).suffix.lower() if path else ".docx"
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError):
        if suffix == ".docx":
            raise InputError(path, "not a valid .docx (truncated or damaged zip archive)") from None
        raise InputError(path, "unsupported file type (damaged zip archive)") from None
    with zf:
        kind = _zip_kind(zf)
        if kind != "docx":
            if suffix == ".docx":
                raise InputError(path, f"not a valid .docx (a zip archive without word/document.xml: {kind})")
            raise InputError(path, f"unsupported file type ({kind})")
        info = zf.getinfo("word/document.xml")
        if info.file_size > DOCX_XML_MAX_BYTES:
            raise InputError(path, f"too large (document.xml unpacks to {_fmt_size(info.file_size)})")
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
        body = document.element.body
        lines = list(_block_lines(body, ListNumbers.of(document)))
    except InputError:
        raise
    except Exception as e:  # python-docx, zipfile and lxml each raise their own kinds
        raise InputError(path, f"not a valid .docx ({_reason(e)})") from None
    return "\n".join(lines)


def _reason(e: BaseException) -> str:
    msg = str(e).strip().splitlines()[0] if str(e).strip() else ""
    name = type(e).__name__
    return f"{name}: {msg}" if msg else name


def _block_lines(el: Any, numbers: ListNumbers) -> Iterator[str]:
    """Lines of a block container; a paragraph's automatic list number is its prefix."""
    for child in el.iterchildren():
        tag = child.tag
        if tag == _P:
            yield numbers.prefix(child) + _para_text(child)
        elif tag == _TBL:
            yield from _table_lines(child, numbers)
        elif tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _block_lines(content, numbers)
        elif tag in _CONTAINERS:
            yield from _block_lines(child, numbers)


def _table_lines(tbl: Any, numbers: ListNumbers) -> Iterator[str]:
    for tr in tbl.iterchildren(_TR):
        cells: list[str] = []
        for tc in tr.iterchildren(_TC):
            # nested tables flatten into the cell; a cell's paragraphs are joined with a space
            parts = [s.strip() for s in _block_lines(tc, numbers)]
            cells.append(" ".join(s.replace("\t", " ") for s in parts if s))
        if any(cells):
            yield "\t".join(cells)


def _para_text(p: Any) -> str:
    out: list[str] = []

    def walk(el: Any) -> None:
        for child in el.iterchildren():
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP_IN_P:
                continue
            if tag == _T:
                out.append(child.text or "")
            elif tag == _TAB:
                out.append("\t")
            elif tag in (_BR, _CR):
                out.append("\n")
            elif tag == _NBH:
                out.append("-")
            else:
                walk(child)

    walk(p)
    return "".join(out)


# ---------------------------------------------------------------------------------------- pdf

_RX_PAGE_NUMBER = re.compile(
    r"^[-—–－\s]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[/共]\s*\d{1,4}\s*页?)?[-—–－\s]*$"
)
_RX_HEADING_START = re.compile(
    r"^\s*(?:[一二三四五六七八九十百]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[.．、](?!\d)|第[一二三四五六七八九十百\d]+[章节条部分])"
)
_SENTENCE_END = tuple("。!?;:！？；：")


def read_pdf_bytes(data: bytes, path: str | Path | None = None) -> str:
    """The text layer of a PDF, with lines re-joined where the page wrapped a paragraph."""
    tail = data[-4096:]
    if b"%%EOF" not in tail:
        raise InputError(path, "not a valid .pdf (truncated: no %%EOF end marker)")
    try:
        import pdfplumber
        from pdfminer.pdfdocument import PDFPasswordIncorrect
    except ImportError as e:  # pragma: no cover - a dependency
        raise InputError(path, f"cannot read .pdf ({e})") from None

    rows: list[dict[str, Any]] = []
    n_pages = 0
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # font warnings would break one-line errors
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            n_pages = len(pdf.pages)
            if n_pages > PDF_MAX_PAGES:
                raise InputError(path, f"too large ({n_pages} pages; the limit is {PDF_MAX_PAGES})")
            for page in pdf.pages:
                rows.extend(_page_rows(page))
                page.flush_cache()
    except InputError:
        raise
    except PDFPasswordIncorrect:
        raise InputError(path, "encrypted .pdf (needs a password)") from None
    except Exception as e:  # pdfminer raises many kinds (PSEOF, PDFSyntaxError, KeyError, …)
        if "password" in str(e).lower() or "encrypt" in type(e).__name__.lower():
            raise InputError(path, "encrypted .pdf (needs a password)") from None
        raise InputError(path, f"not a valid .pdf ({_reason(e)})") from None

    visible = sum(len(r["text"].replace(" ", "")) for r in rows)
    if visible < PDF_MIN_CHARS_PER_PAGE * max(n_pages, 1):
        raise InputError(
            path,
            f"no text layer: the PDF looks scanned ({n_pages} page{'s' if n_pages != 1 else ''} of "
            "images); it needs OCR first",
        )
    return _unwrap(rows)


def _page_rows(page: Any) -> list[dict[str, Any]]:
    raw = page.extract_text_lines(layout=False, strip=True, return_chars=False)
    rows = [r for r in raw if r["text"].strip()]
    # Page numbers sit alone on the first or last line.
    if rows and _RX_PAGE_NUMBER.match(rows[-1]["text"]):
        rows = rows[:-1]
    if rows and _RX_PAGE_NUMBER.match(rows[0]["text"]):
        rows = rows[1:]
    return rows


def _unwrap(rows: list[dict[str, Any]]) -> str:
    """Join a line to the previous one when that one ran to the right margin mid-sentence.

    The margin is the document's (not the page's): on a short page every line would look full.
    """
    if not rows:
        return ""
    right = max(r["x1"] for r in rows)
    out: list[str] = []
    join_next = False
    for r in rows:
        text = r["text"]
        if join_next and out and not _RX_HEADING_START.match(text):
            prev = out[-1]
            latin = prev[-1:].isascii() and prev[-1:].isalnum() and text[:1].isascii() and text[:1].isalnum()
            out[-1] = prev + (" " if latin else "") + text
        else:
            out.append(text)
        char_w = (r["x1"] - r["x0"]) / max(len(text), 1)
        full = r["x1"] >= right - 1.5 * char_w
        join_next = full and not text.rstrip().endswith(_SENTENCE_END)
    return "\n".join(out)


# --------------------------------------------------------------------------------------- html

_RX_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""",
    re.I,
)
_CHARSET_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "euc-cn": "gb18030",
    "cp936": "gb18030",
    "big5": "cp950",
    "x-x-big5": "cp950",
    "unicode": "utf-16",
    "utf8": "utf-8",
}

_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "caption", "center", "dd", "details", "dialog", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody",
    "thead", "tfoot", "tr", "ul", "title",
}  # fmt: skip
_DROP_TAGS = [
    "script",
    "style",
    "noscript",
    "template",
    "head",
    "iframe",
    "svg",
    "object",
    "select",
    "button",
]
_LINE, _CELL = "\ue000", "\ue001"  # private-use sentinels, replaced after whitespace is collapsed
_RX_WS = re.compile(r"[ \t\r\n\f\v]+")
_RX_LINES = re.compile(rf"[ ]*[{_LINE}][ {_LINE}]*")


def html_charset(head: bytes) -> str | None:
    """The charset a page declares in <meta charset> or <meta http-equiv content=…charset=…>."""
    m = _RX_META_CHARSET.search(head[:4096])
    if not m:
        return None
    name = m.group(1).decode("ascii", "ignore").lower()
    return _CHARSET_ALIASES.get(name, name)


def _decode_html(data: bytes, path: str | Path | None) -> str:
    declared = html_charset(data)
    boms = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
    if declared and not data.startswith(boms):
        try:
            return data.decode(declared)
        except (UnicodeDecodeError, LookupError):
            pass  # the declaration is wrong (it often is): detect instead
    return read_text_bytes(data, path)


def _is_cjkish(c: str) -> bool:
    o = ord(c) if c else 0
    return 0x2E80 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF or 0x20000 <= o <= 0x3134F


def _collapse(text: str) -> str:
    """HTML whitespace: a source line break between two CJK characters is dropped, other runs → one space."""

    def repl(m: re.Match[str]) -> str:
        s = m.string
        before = s[m.start() - 1] if m.start() else ""
        after = s[m.end()] if m.end() < len(s) else ""
        if "\n" in m.group() and _is_cjkish(before) and _is_cjkish(after):
            return ""
        return " "

    return _RX_WS.sub(repl, text)


def read_html_bytes(data: bytes, path: str | Path | None = None) -> str:
    """Visible text of a page; block elements and <br> become line breaks, table cells tabs."""
    text = _decode_html(data, path)
    try:
        from bs4 import BeautifulSoup, Comment

        soup = BeautifulSoup(text, "lxml")
        for tag in soup(_DROP_TAGS):
            tag.decompose()
        for c in soup.find_all(string=lambda s: isinstance(s, Comment)):
            c.extract()
        for tag in soup.find_all(["td", "th"]):
            tag.append(_CELL)
        for tag in soup.find_all("br"):
            tag.replace_with(_LINE)
        for tag in soup.find_all(_BLOCK_TAGS):
            tag.insert_before(_LINE)
            tag.append(_LINE)
        raw = soup.get_text()
    except Exception as e:
        raise InputError(path, f"not a valid HTML page ({_reason(e)})") from None
    raw = _collapse(raw)
    raw = re.sub(rf"[ ]*{_CELL}[ ]*", "\t", raw)
    raw = _RX_LINES.sub("\n", raw)
    lines = [ln.strip(" \t") for ln in raw.split("\n")]
    return "\n".join(ln for ln in lines if ln)
