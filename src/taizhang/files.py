"""Writing a file whole or not at all: a temporary file beside the target, then os.replace.

Every output the tool writes (plan.json, workbooks, bulletins, store parts, reports) goes through
`write_atomic`, so a failure half-way leaves the previous file (or none) and never a torn one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _read_umask() -> int:
    """The process umask. Reading it means setting it, so this runs once, at import (before any
    thread of ours can create a file under a momentary umask of 0)."""
    mask = os.umask(0o22)
    os.umask(mask)
    return mask


_UMASK = _read_umask()


def write_atomic(path: str | Path, save: Callable[[str], Any]) -> Path:
    """Call `save(tmp_path)` and move the result to `path`; on any failure nothing is left behind.

    The file keeps the mode of the one it replaces, else gets the usual mode under the umask
    (mkstemp's own is rw-------)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        save(tmp)
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_UMASK
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_bytes(path: str | Path, data: bytes) -> Path:
    return write_atomic(path, lambda tmp: Path(tmp).write_bytes(data))


def write_text(path: str | Path, text: str) -> Path:
    return write_atomic(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
