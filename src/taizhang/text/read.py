"""The one entry point from a file to clean text: bytes → format reader → normalise."""

from __future__ import annotations

from pathlib import Path

from taizhang.errors import InputError
from taizhang.text.formats import read_raw
from taizhang.text.normalize import normalize


def read_document(path: str | Path) -> str:
    """Clean Simplified text of a plan file (.txt in any common encoding, .docx, .pdf, .html).

    Raises `InputError(path, reason)` for anything the user can fix: empty, too large, unsupported
    type, undecodable, damaged, scanned.
    """
    text = normalize(read_raw(path))
    if not text.strip():
        raise InputError(path, "no text in file (only whitespace)")
    return text
