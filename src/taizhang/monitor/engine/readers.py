"""Read one tabular file (CSV, Excel, Parquet) into a pandas DataFrame, cells kept as text.

Text cells let the loaders see the raw tokens (``NA``, empty, ``—``, PDF-damaged bytes) and flag them,
instead of letting a CSV parser guess. Parquet columns keep their types.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from taizhang.errors import InputError

TABULAR_SUFFIXES = {".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls", ".parquet", ".pq"}


def decode(path: Path, raw: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK/GB2312); damaged bytes are replaced."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        # Mostly UTF-8 with a few damaged cells (PDF-parse debris): keep going, the cells become invalid.
        return raw.decode("utf-8", errors="replace")


def read_table(path: Path, sheet: str | int | None = None) -> pd.DataFrame:
    """The file's first table with text cells (Parquet: typed). Raises InputError when unreadable."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError(path, "no such file")
    try:
        if suffix in {".parquet", ".pq"}:
            return pd.read_parquet(path)
        if suffix in {".xlsx", ".xlsm", ".xls"}:
            frame = pd.read_excel(
                path, sheet_name=sheet if sheet is not None else 0, dtype=str, keep_default_na=False
            )
            return frame
        text = decode(path, path.read_bytes())
        sep = "\t" if suffix == ".tsv" or (text[:2000].count("\t") > text[:2000].count(",")) else ","
        return pd.read_csv(
            io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, skipinitialspace=True
        )
    except InputError:
        raise
    except (ValueError, OSError, pd.errors.ParserError) as e:  # noqa: PERF203 - one file
        raise InputError(
            path, f"cannot read as {suffix.lstrip('.') or 'table'}: {str(e).splitlines()[0]}"
        ) from e
    except Exception as e:  # openpyxl and zip errors have no common base class
        raise InputError(
            path, f"cannot read: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
        ) from e
