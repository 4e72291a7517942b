"""Rendered page parts shared by the worker processes of one `taizhang serve`.

Each worker keeps its own in-process cache (queries.CACHE); without sharing, every worker would
evaluate the whole ledger again (over a second on 20,000 tasks) for its first dashboard after each
write. The dashboard body is the same for every reader of one ledger state and date, so the first
worker to render it also leaves it here, and the others read it instead of computing it.

Parts are files in a private directory that `serve` creates (mode 0700) and removes when it stops,
named by a hash of the ledger state and the part's name; a file is written whole or not at all
(write_atomic), and the oldest are removed beyond KEEP. A part is only ever read under the state it
was rendered for, so it is never stale.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from taizhang.files import write_text

ENV = "TAIZHANG_SHARED_PAGES"  # the directory, set by `taizhang serve` for its workers
KEEP = 64


class SharedPages:
    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)

    @classmethod
    def from_env(cls) -> SharedPages | None:
        d = os.environ.get(ENV)
        return cls(d) if d and Path(d).is_dir() else None

    def _path(self, key: tuple[Any, ...]) -> Path:
        return self.directory / (hashlib.sha256(repr(key).encode()).hexdigest() + ".html")

    def get(self, key: tuple[Any, ...]) -> str | None:
        try:
            return self._path(key).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def put(self, key: tuple[Any, ...], text: str) -> None:
        write_text(self._path(key), text)
        parts = sorted(self.directory.glob("*.html"), key=_mtime)
        for old in parts[:-KEEP]:
            old.unlink(missing_ok=True)


def _mtime(p: Path) -> float:
    try:
        return p.stat().st_mtime
    except FileNotFoundError:  # removed by another worker meanwhile
        return 0.0
