"""`taizhang extract`: outputs, one stderr line per bad file, the run goes on, nothing half-written.

Most tests call the Typer app in-process; a few run the real entry point in a subprocess to prove
that a bad file prints exactly one line and no traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from taizhang.cli import app

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "plan.txt"
PLAN_KEYS = ["title", "region", "issuer", "issued", "status", "period", "sections", "tasks", "targets"]

PLAN_TEXT = """某县大气污染防治实施方案
一、工作目标
到2025年,全县细颗粒物(PM2.5)年平均浓度不高于30微克/立方米,空气质量优良天数比率达到90%以上。
二、重点任务
(一)整治燃煤锅炉。淘汰燃煤小锅炉20台。(县生态环境局牵头,县市场监管局配合)
"""


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["extract", *map(str, args)])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def run_real(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "taizhang.cli", "extract", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        env={**os.environ, "COLUMNS": "120"},
    )


def err_lines(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if ln.strip()]


@pytest.fixture
def good(tmp_path: Path) -> Path:
    p = tmp_path / "good.txt"
    p.write_text(PLAN_TEXT, encoding="utf-8")
    return p


def _pdf_without_text() -> bytes:
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length 0 >>\nstream\n\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _bad_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    """name → (path, the start of the expected problem)."""
    d = tmp_path / "bad"
    d.mkdir()
    files: dict[str, tuple[Path, str]] = {}

    def add(name: str, data: bytes, expect: str) -> None:
        p = d / name
        p.write_bytes(data)
        files[name] = (p, expect)

    add("empty.txt", b"", "file is empty")
    add("blob.txt", bytes((i * 7919) % 251 for i in range(30000)), "")  # binary or undecodable
    add("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "unsupported file type (PNG image")
    add("archive.zip", b"", "")
    with zipfile.ZipFile(d / "archive.zip", "w") as z:
        z.writestr("a.txt", "x")
    files["archive.zip"] = (d / "archive.zip", "unsupported file type (zip archive)")
    document = docx.Document()
    document.add_paragraph(PLAN_TEXT)
    document.save(str(d / "full.docx"))
    add("cut.docx", (d / "full.docx").read_bytes()[:3000], "not a valid .docx (")
    (d / "full.docx").unlink()
    pdf = _pdf_without_text()
    add("scan.pdf", pdf, "no text layer: the PDF looks scanned")
    add("cut.pdf", pdf[: len(pdf) // 2], "not a valid .pdf (truncated")
    with (d / "huge.txt").open("wb") as f:
        chunk = PLAN_TEXT.encode("utf-8") * 1000
        for _ in range(21 * 1024 * 1024 // len(chunk) + 1):
            f.write(chunk)
    files["huge.txt"] = (d / "huge.txt", "too large (")
    files["missing.txt"] = (d / "missing.txt", "no such file")
    return files


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    return _bad_files(tmp_path_factory.mktemp("inputs"))


# ------------------------------------------------------------------------------------ outputs


def test_json_to_stdout_for_one_file(good: Path) -> None:
    code, out, err = run(good)
    assert code == 0, err
    assert err == ""
    plan = json.loads(out)
    assert list(plan)[: len(PLAN_KEYS)] == PLAN_KEYS
    assert out.startswith('{\n  "title"')  # indent=2
    assert "微克" in out or "μg" in out or plan["targets"] == []  # ensure_ascii=False


def test_json_lines_for_several_files_without_out(good: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.txt"
    other.write_text(PLAN_TEXT, encoding="utf-8")
    code, out, _ = run(good, other)
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 2
    assert [json.loads(ln)["file"] for ln in lines] == [str(good), str(other)]


def test_json_out_dir_one_file_each(good: Path, tmp_path: Path) -> None:
    sub = tmp_path / "sub"
    sub.mkdir()
    twin = sub / "good.txt"  # same stem as `good`
    twin.write_text(PLAN_TEXT, encoding="utf-8")
    out_dir = tmp_path / "out" / "json"
    code, out, err = run(good, twin, "--out", out_dir)
    assert code == 0, err
    assert out == ""
    assert sorted(p.name for p in out_dir.iterdir()) == ["good-2.json", "good.json"]
    assert list(json.loads((out_dir / "good.json").read_text(encoding="utf-8")))[:9] == PLAN_KEYS


def test_table_view(tmp_path: Path) -> None:
    code, out, err = run(EXAMPLE, "--format", "table")
    assert code == 0, err
    assert "任务" in out and "指标" in out and "青溪县" in out


def test_xlsx_workbook(good: Path, tmp_path: Path) -> None:
    import openpyxl

    out_dir = tmp_path / "xlsx"
    code, _, err = run(EXAMPLE, good, "--format", "xlsx", "--out", out_dir)
    assert code == 0, err
    assert sorted(p.name for p in out_dir.iterdir()) == ["good.xlsx", "plan.xlsx"]
    wb = openpyxl.load_workbook(out_dir / "plan.xlsx")
    assert wb.sheetnames == ["任务", "指标", "责任单位"]
    tasks = wb["任务"]
    assert [c.value for c in tasks[1]][:7] == [
        "序号",
        "章节",
        "任务内容",
        "牵头单位",
        "配合单位",
        "落实单位",
        "完成时限",
    ]
    assert tasks["A1"].font.bold and tasks.freeze_panes == "A2"
    assert tasks.column_dimensions["C"].width >= 40
    assert tasks["C2"].alignment.wrap_text
    assert tasks.max_row > 5
    targets = wb["指标"]
    assert [c.value for c in targets[1]][1] == "指标" and targets.max_row > 5
    depts = wb["责任单位"]
    names = [row[1].value for row in depts.iter_rows(min_row=2)]
    assert "县生态环境局" in names


def test_xlsx_without_out_goes_to_cwd(good: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    code, _, err = run(good, "--format", "xlsx")
    assert code == 0, err
    assert [p.name for p in work.iterdir()] == ["good.xlsx"]


# --------------------------------------------------------------------------------- bad inputs


@pytest.mark.parametrize(
    "name",
    [
        "empty.txt",
        "blob.txt",
        "scan.png",
        "archive.zip",
        "cut.docx",
        "scan.pdf",
        "cut.pdf",
        "huge.txt",
        "missing.txt",
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xlsx"])
def test_each_bad_file_is_one_line_and_writes_nothing(
    bad_files: dict[str, tuple[Path, str]], tmp_path: Path, name: str, fmt: str
) -> None:
    path, expect = bad_files[name]
    out_dir = tmp_path / "out"
    code, out, err = run(path, "--format", fmt, "--out", out_dir)
    assert code == 2
    lines = err_lines(err)
    assert len(lines) == 1, err
    assert lines[0].startswith(f"taizhang: {path}: {expect}")
    assert out == ""
    assert list(out_dir.iterdir()) == []


def test_single_bad_file_real_process(tmp_path: Path) -> None:
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    out_dir = tmp_path / "out"
    r = run_real(p, "--out", out_dir)
    assert r.returncode == 2
    assert r.stderr == f"taizhang: {p}: file is empty\n"
    assert r.stdout == ""
    assert list(out_dir.iterdir()) == []


def test_multi_file_run_goes_on_real_process(
    bad_files: dict[str, tuple[Path, str]], good: Path, tmp_path: Path
) -> None:
    out_dir = tmp_path / "out"
    paths = [good, *(p for p, _ in bad_files.values()), EXAMPLE]
    r = run_real(*paths, "--out", out_dir)
    assert r.returncode == 2
    lines = err_lines(r.stderr)
    assert "Traceback" not in r.stderr
    assert len(lines) == len(bad_files)
    for (p, expect), line in zip(bad_files.values(), lines, strict=True):
        assert line.startswith(f"taizhang: {p}: {expect}")
    # the good files were written, nothing else (no temporary files)
    assert sorted(p.name for p in out_dir.iterdir()) == ["good.json", "plan.json"]


def test_readme_first_command(tmp_path: Path) -> None:
    r = run_real("examples/plan.txt", "--format", "table", cwd=REPO)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert "青溪县" in r.stdout


def test_unexpected_error_is_one_line_and_counted(
    good: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import taizhang.plan.parse as parse

    real = parse.parse_plan
    calls = {"n": 0}

    def flaky(text: str):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("boom\nsecond line")
        return real(text)

    monkeypatch.setattr(parse, "parse_plan", flaky)
    other = tmp_path / "other.txt"
    other.write_text(PLAN_TEXT, encoding="utf-8")
    out_dir = tmp_path / "out"
    code, _, err = run(good, other, "--format", "xlsx", "--out", out_dir)
    assert code == 2
    assert err_lines(err) == [f"taizhang: {good}: internal error (RuntimeError: boom)"]
    assert [p.name for p in out_dir.iterdir()] == ["other.xlsx"]


def test_out_is_a_file(good: Path, tmp_path: Path) -> None:
    f = tmp_path / "file"
    f.write_text("x")
    r = run_real(good, "--out", f)
    assert r.returncode == 2
    assert r.stderr == f"taizhang: {f}: --out must be a directory (it is a file)\n"
