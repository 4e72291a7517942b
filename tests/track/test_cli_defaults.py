"""The CLI's defaults a newcomer meets: `status` without --db says which ledger it reads and that it is
empty; `assess` without --year scores this year, as the web page does."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from taizhang.ledger.importer import import_plan
from taizhang.plan.model import Plan as PlanDoc
from taizhang.track.cli import status
from taizhang.track.oversight_cli import assess

runner = CliRunner()
PLAN = {
    "title": "青溪县实施方案", "region": "青溪县", "issuer": "青溪县人民政府", "issued": "2022-03-01",
    "status": "final", "period": [2022, 2025],
    "sections": [{"id": "1", "number": "一、", "title": "蓝天保卫战", "level": 1, "parent": None}],
    "tasks": [{"id": "1.1", "section": "1", "text": "推进燃煤锅炉淘汰", "lead": ["县生态环境局"], "support": [],
               "implementers": [], "deadlines": ["2024-06-30"]}],
    "targets": [],
}


def _run(*args: str):  # type: ignore[no-untyped-def]
    app = typer.Typer()
    app.command("status")(status)
    app.command("assess")(assess)
    return runner.invoke(app, list(args), catch_exceptions=True)


def test_status_without_db_names_the_default_ledger_and_says_it_is_empty(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from taizhang.ledger import db

    default = tmp_path / "home" / "ledger.db"
    monkeypatch.setattr(db, "DEFAULT_DB", default)
    monkeypatch.delenv("TAIZHANG_DATABASE_URL", raising=False)
    r = _run("status", "--as-of", "2024-06-30")
    assert r.exit_code == 0, r.output
    assert f"读取台账：{default}" in r.stderr
    assert f"台账为空：{default}" in r.stderr and "--db" in r.stderr
    assert "台账" not in r.stdout  # the notes go to stderr, the list (here: nothing) to stdout


def test_status_on_a_ledger_with_a_plan_adds_no_note(ledger, ledger_url: str) -> None:  # type: ignore[no-untyped-def]
    with ledger.session() as s:
        import_plan(s, PlanDoc.from_dict(PLAN), source="plan.json")
    r = _run("status", "--db", ledger_url, "--as-of", "2024-07-31")
    assert r.exit_code == 0, r.output
    assert r.stderr == ""
    assert "推进燃煤锅炉淘汰" in r.stdout


def test_empty_ledger_given_with_db_is_said_to_be_empty(ledger_url: str) -> None:
    r = _run("status", "--db", ledger_url, "--as-of", "2024-06-30")
    assert r.exit_code == 0, r.output
    assert "台账为空" in r.stderr and "读取台账" not in r.stderr


def test_assess_without_year_scores_this_year(ledger, ledger_url: str) -> None:  # type: ignore[no-untyped-def]
    with ledger.session() as s:
        import_plan(s, PlanDoc.from_dict(PLAN), source="plan.json")
    r = _run("assess", "--db", ledger_url, "--json", "--no-save")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    today = dt.date.today()
    assert out["year"] == today.year
    assert out["as_of"] == today.isoformat()  # as the web page: this year is scored as of today
    assert [s["department"] for s in out["scores"]] == ["县生态环境局"]
