"""`taizhang extract FILE…`: plan files → plan.json, a table for checking by eye, or an Excel 台账.

Each file goes read_document → parse_plan → output. A file that fails is reported as one line
`taizhang: <file>: <problem>` on stderr and the run goes on; the exit code is 2 if any failed.
Outputs are written through a temporary file and os.replace, so a failed file leaves nothing behind.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from taizhang.errors import InputError
from taizhang.files import write_text
from taizhang.plan.model import Plan


class OutputFormat(StrEnum):
    json = "json"
    table = "table"
    xlsx = "xlsx"


def _say(line: str, progress: Any = None) -> None:
    """One line on stderr, never wrapped, never styled; above the progress bar when there is one."""
    if progress is not None:
        progress.console.print(line, markup=False, highlight=False, soft_wrap=True)
    else:
        print(line, file=sys.stderr, flush=True)


def _plan_json(plan: Plan) -> str:
    return json.dumps(plan.to_dict(), ensure_ascii=False, indent=2) + "\n"


def _out_path(out_dir: Path, stem: str, suffix: str, used: set[str]) -> Path:
    """DIR/<stem><suffix>, with -2, -3 … when two inputs in one run share a stem."""
    name = stem + suffix
    n = 1
    while name in used:
        n += 1
        name = f"{stem}-{n}{suffix}"
    used.add(name)
    return out_dir / name


def _check_out_dir(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise InputError(out, "--out must be a directory (it is a file)")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(out, f"cannot create output directory ({e.strerror or e})") from None


def extract(
    files: Annotated[
        list[Path],
        typer.Argument(help="Plan files: .txt (UTF-8/UTF-16/GB18030/Big5), .docx, .pdf with text, .html."),
    ],
    format: Annotated[
        OutputFormat,
        typer.Option(
            "--format",
            "-f",
            help="json: plan.json (one file to stdout; several files as JSON Lines, or one file each "
            "with --out). table: a view for checking by eye. xlsx: an Excel 台账 (<stem>.xlsx in --out, "
            "or in the current directory).",
        ),
    ] = OutputFormat.json,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Directory for the outputs, <stem>.json or <stem>.xlsx (created if missing)."
        ),
    ] = None,
) -> None:
    """Extract sections, tasks, responsibilities and targets from campaign plans."""
    from taizhang.plan.parse import parse_plan
    from taizhang.text.read import read_document

    fmt = OutputFormat(format)
    out_dir: Path | None = out
    if fmt is OutputFormat.xlsx and out_dir is None:
        out_dir = Path.cwd()
    if out_dir is not None and fmt is not OutputFormat.table:
        _check_out_dir(out_dir)

    used: set[str] = set()
    failed = 0
    several = len(files) > 1

    def one(path: Path, progress: Any) -> None:
        text = read_document(path)
        plan = parse_plan(text)
        if fmt is OutputFormat.json:
            if out_dir is not None:
                write_text(_out_path(out_dir, path.stem, ".json", used), _plan_json(plan))
            elif several:
                line = json.dumps({"file": str(path), **plan.to_dict()}, ensure_ascii=False)
                sys.stdout.write(line + "\n")
                sys.stdout.flush()
            else:
                sys.stdout.write(_plan_json(plan))
        elif fmt is OutputFormat.table:
            from taizhang.plan.view import render_plan

            render_plan(plan, str(path))
        else:
            from taizhang.plan.export import write_xlsx

            assert out_dir is not None
            target = _out_path(out_dir, path.stem, ".xlsx", used)
            write_xlsx(plan, target, source=path.name)
            if sys.stderr.isatty():
                _say(f"taizhang: wrote {target}", progress)

    def run_all(progress: Any, advance: Callable[[], None]) -> int:
        bad = 0
        for path in files:
            try:
                one(path, progress)
            except InputError as e:
                bad += 1
                _say(f"taizhang: {e.line()}", progress)
            except (KeyboardInterrupt, BrokenPipeError):
                raise
            except Exception as e:  # a parser bug must not hide the other files' results
                bad += 1
                msg = str(e).strip().splitlines()[0] if str(e).strip() else ""
                detail = f"{type(e).__name__}: {msg}" if msg else type(e).__name__
                _say(f"taizhang: {path}: internal error ({detail})", progress)
            advance()
        return bad

    if several and sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(
            TextColumn("extract"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        ) as progress:
            task = progress.add_task("extract", total=len(files))
            failed = run_all(progress, lambda: progress.advance(task))
    else:
        failed = run_all(None, lambda: None)

    if failed:
        raise typer.Exit(2)
