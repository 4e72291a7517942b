"""`taizhang status`: the supervision list on the seed plans and on a small ledger."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from taizhang.errors import InputError
from taizhang.ledger.importer import import_plan
from taizhang.track.cli import COLOUR_ORDER, NO_LEAD, report_app, status, supervision_list
from taizhang.track.model import Evaluation

runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("status")(status)
    app.add_typer(report_app, name="report")
    return app


def _run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(_app(), list(args), catch_exceptions=True)


_HEAD = re.compile(r"^(\S.*?)  \((\d+)(?:; (.*))?\)$")


def _sections(out: str) -> list[tuple[str, dict[str, int], list[str]]]:
    """(department, colour counts, row colours) per department heading of the list."""
    sections: list[tuple[str, dict[str, int], list[str]]] = []
    for line in out.splitlines():
        m = _HEAD.match(line)
        if m:
            counts = {c: int(n) for c, n in (p.split() for p in (m[3] or "").split(" · ") if p)}
            sections.append((m[1], counts, []))
        elif line.startswith("  ") and not line.startswith("  colour") and sections:
            sections[-1][2].append(line.split()[0])
    return sections


@pytest.fixture
def seeded(ledger, ledger_url, shared: Path) -> str:  # type: ignore[no-untyped-def]
    from taizhang.ledger.cli import load_plan

    with ledger.session() as s:
        for f in sorted((shared / "seeds").glob("*.txt")):
            doc, cites = load_plan(f)
            import_plan(s, doc, source=str(f), cites=cites)
    return ledger_url


def test_status_on_the_seeds(seeded: str) -> None:
    r = _run("status", "--db", seeded, "--as-of", "2024-06-30")
    assert r.exit_code == 0, r.output
    assert r.output.startswith("督办清单 as of 2024-06-30: red ")
    sections = _sections(r.output)
    assert len(sections) >= 5
    names = [name for name, _, _ in sections]
    assert "市生态环境局" in names
    # departments reddest first (the one without a lead department last); rows reddest first
    weights = [(-c.get("red", 0), -c.get("yellow", 0), -c.get("white", 0)) for n, c, _ in sections if n != NO_LEAD]
    assert weights == sorted(weights)
    if NO_LEAD in names:
        assert names[-1] == NO_LEAD
    for _, counts, rows in sections:
        ranks = [COLOUR_ORDER[c] for c in rows]
        assert ranks == sorted(ranks)
        assert sum(counts.values()) == len(rows)

    # JSON: the same warnings as data
    r = _run("status", "--db", seeded, "--as-of", "2024-06-30", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data and all(d["colour"] in ("white", "yellow", "red") for d in data)
    head = re.match(r"督办清单 as of 2024-06-30: red (\d+), yellow (\d+), white (\d+)",
                    _run("status", "--db", seeded, "--as-of", "2024-06-30").output)
    assert head and sum(int(x) for x in head.groups()) == len(data)
    assert {"subject_type", "expected", "actual", "gap", "status", "reasons", "forecast"} <= set(data[0])
    every = json.loads(_run("status", "--db", seeded, "--as-of", "2024-06-30", "--json", "--all").output)
    assert len(every) >= len(data)

    # one department, by an alias (市环保局 is the old name of 市生态环境局)
    dept_json = json.loads(_run("status", "--db", seeded, "--as-of", "2024-06-30", "--json", "--dept", "市环保局").output)
    assert dept_json and len(dept_json) < len(data)
    ids = {tuple(d["lead"]) for d in dept_json}
    common = set.intersection(*(set(x) for x in ids))
    assert len(common) >= 1
    r = _run("status", "--db", seeded, "--as-of", "2024-06-30", "--dept", "市生态环境局")
    assert [name for name, _, _ in _sections(r.output)] == ["市生态环境局"]  # not its co-leads
    assert len(_sections(r.output)[0][2]) == len(dept_json)

    # one plan
    plan_json = json.loads(_run("status", "--db", seeded, "--as-of", "2024-06-30", "--json", "--plan", "1").output)
    assert plan_json and {d["plan_id"] for d in plan_json} == {1}


def test_status_errors(seeded: str, tmp_path: Path) -> None:
    bad = tmp_path / "rules.toml"
    bad.write_text("[yellow]\nbehind = 5\n", encoding="utf-8")
    r = _run("status", "--db", seeded, "--rules", str(bad))
    assert isinstance(r.exception, InputError) and "yellow.behind" in str(r.exception)
    assert str(bad) in str(r.exception)
    r = _run("status", "--db", seeded, "--as-of", "30/06/2024")
    assert isinstance(r.exception, InputError) and "--as-of" in str(r.exception)
    r = _run("status", "--db", seeded, "--dept", "没有这个局")
    assert isinstance(r.exception, InputError) and "no department" in str(r.exception)


def test_supervision_list_layout() -> None:
    def ev(i: int, colour: str | None, gap: float | None, lead: list[int]) -> Evaluation:
        return Evaluation("task", i, 1, f"任务{i}的很长很长很长很长很长很长很长很长很长很长的说明文字", lead,
                          dt.date(2025, 12, 31), 50.0, None if gap is None else 50 - gap, gap, "lagging", colour,
                          [f"理由{i}"])

    evals = [ev(1, "white", 12, [1]), ev(2, "yellow", 25, [2]), ev(3, "red", 5, [2]), ev(4, "yellow", 40, [2]),
             ev(5, "red", None, []), ev(6, "red", 30, [1, 2])]
    text = supervision_list(evals, {1: "甲局", 2: "乙局"}, {1: "某方案"})
    sections = _sections(text)
    assert [s[0] for s in sections] == ["乙局", "甲局", NO_LEAD]
    assert sections[0][1] == {"red": 2, "yellow": 2}
    lines = [ln for ln in text.splitlines() if ln.startswith("  ") and "理由" in ln]
    order = [int(re.search(r"理由(\d)", ln)[1]) for ln in lines]
    assert order[:4] == [6, 3, 4, 2]  # 乙局: red by gap (30 before 5), then yellow by gap
    # the subject column is cut to its width, so the later columns line up
    cols = {ln.index("2025-12-31") + sum(1 for c in ln[: ln.index("2025-12-31")] if ord(c) >= 0x1100)
            for ln in lines}
    assert len(cols) == 1
    assert "P1 某方案" in text
