"""The observation store: a folder of Parquet parts, one per loaded source, written atomically.

    <store>/air/<source>-<hash>.parquet      hourly air table (schema.py), plus a .json load summary
    <store>/water/<source>-<hash>.parquet    water samples (load_water.py), plus a .json load summary

Loading the same source path again replaces its part. Each part is first written to a temporary file
in the same folder and then renamed, so a failed or interrupted load leaves nothing half-written.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from taizhang.errors import InputError
from taizhang.files import write_atomic

DEFAULT_STORE = Path("taizhang-data")
KINDS = ("air", "water")


def part_name(source: Path) -> str:
    digest = hashlib.sha1(str(source.resolve()).encode()).hexdigest()[:8]
    stem = re.sub(r"[^\w.-]+", "_", source.stem if source.is_file() else source.name)[:60]
    return f"{stem}-{digest}"


def write_parts(store: Path, kind: str, parts: list[tuple[Path, pa.Table, dict]]) -> list[Path]:
    """Write every (source, table, summary) as one part; all tables are built before the first write."""
    folder = store / kind
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for source, table, summary in parts:
        name = part_name(source)
        target = folder / f"{name}.parquet"
        write_atomic(target, lambda tmp, t=table: pq.write_table(t, tmp, compression="zstd"))
        text = json.dumps(summary, ensure_ascii=False, indent=1, default=str)
        write_atomic(folder / f"{name}.json", lambda tmp, s=text: Path(tmp).write_text(s, encoding="utf-8"))
        written.append(target)
    return written


def parts(store: Path, kind: str) -> list[Path]:
    """The Parquet parts of one kind; InputError when the store holds none."""
    folder = store / kind
    found = sorted(folder.glob("*.parquet")) if folder.is_dir() else []
    if not found:
        raise InputError(
            store, f"no {kind} data in the store: run `taizhang monitor load … --store {store}` first"
        )
    return found
