"""/api/v1 against its own OpenAPI document: schemathesis finds no 5xx and no response off the schema.

Every operation at /openapi.json is exercised in process (ASGI) with generated requests, as the bureau's
admin and as a department user, on a small ledger: the example plan, a few reports and an open case.
Deterministic (derandomized Hypothesis) and bounded (few examples per operation).
"""

from __future__ import annotations

import datetime as dt
import traceback
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance
from sqlalchemy import select

from taizhang.ledger.cli import load_plan
from taizhang.ledger.importer import import_plan
from taizhang.ledger.models import Assignment, Case, Department, Plan, Target, Task, User
from taizhang.track.cases import record
from taizhang.track.evaluate import evaluate
from taizhang.track.reports import add_report
from taizhang.web.app import create_app
from taizhang.web.auth import add_user, new_api_token

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plan.txt"
PASSWORD = "correct-horse-1"
AS_OF = dt.date(2026, 6, 30)
EXAMPLES = 20


def _small_ledger(ledger, role: str) -> str:  # type: ignore[no-untyped-def]
    """Import the example plan, add reports and cases, add the user; the user's API token."""
    doc, cites = load_plan(EXAMPLE)
    with ledger.session("test") as s:
        import_plan(s, doc, source="plan.txt", cites=cites)
        tasks = list(s.scalars(select(Task).order_by(Task.id)))
        for i, t in enumerate(tasks[:4]):
            add_report(s, task_id=t.id, as_of=dt.date(2025, 3, 31), percent=10.0 * (i + 1),
                       narrative="按计划推进", reporter="test", uid=f"seed-task-{t.id}")
        target = s.scalar(select(Target).where(Target.task_id.is_not(None)).order_by(Target.id))
        if target is not None:
            add_report(s, target_id=target.id, as_of=dt.date(2025, 6, 30), value=float(target.value) * 1.1,
                       reporter="test", uid="seed-target")
        record(s, evaluate(s, AS_OF), AS_OF)
        eco = s.scalar(select(Department).join(Assignment).where(Assignment.role == "lead")
                       .order_by(Department.id))
        if role == "admin":
            add_user(s, "admin", PASSWORD, "admin")
            return new_api_token(s, "admin", "schemathesis")
        add_user(s, "dept", PASSWORD, "department", eco.name)
        return new_api_token(s, "dept", "schemathesis")


def _ids(ledger, role: str) -> dict[str, list[int]]:  # type: ignore[no-untyped-def]
    """Ids that exist, by parameter name (a department user's own subjects): generated ids are swapped
    for these half the time, so requests reach real rows and not only 404s."""
    with ledger.session(write=False) as s:
        tasks = select(Task.id)
        cases = select(Case.id)
        if role == "department":
            own = s.scalar(select(User.department_id).where(User.username == "dept"))
            tasks = tasks.join(Assignment).where(Assignment.department_id == own)
            cases = cases.where(Case.department_id == own)
        task_ids = list(s.scalars(tasks))
        return {"plan_id": list(s.scalars(select(Plan.id))), "task_id": task_ids,
                "target_id": list(s.scalars(select(Target.id).where(Target.task_id.in_(task_ids)))),
                "case_id": list(s.scalars(cases))}


def _use_real_ids(case, ids: dict[str, list[int]], data: st.DataObject) -> None:  # type: ignore[no-untyped-def]
    for params in (case.path_parameters, case.query, case.body):
        if not isinstance(params, dict):
            continue
        for name in [k for k in params if ids.get(k)]:
            if data.draw(st.booleans(), label=f"real {name}"):
                params[name] = data.draw(st.sampled_from(ids[name]), label=name)


def _within_the_report_rule(case, data: st.DataObject) -> None:  # type: ignore[no-untyped-def]
    """Half the generated reports are made to keep the rules the schema cannot state (track/inputs.toml):
    an as-of date from 2000 to today, no value on a task, something reported."""
    body = case.body
    if not isinstance(body, dict) or "as_of" not in body or not data.draw(st.booleans(), label="within the rule"):
        return
    day = data.draw(st.dates(dt.date(2000, 1, 1), dt.date.today()), label="as_of")
    body["as_of"] = day.isoformat()
    if body.get("task_id") is not None:
        body.pop("value", None)
        body.setdefault("percent", 50)


def _operations(schema):  # type: ignore[no-untyped-def]
    for result in schema.get_all_operations():
        yield result.ok()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
@pytest.mark.parametrize("role", ["admin", "department"])
def test_api_has_no_server_errors(ledger, role: str, mode: GenerationMode) -> None:  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {_small_ledger(ledger, role)}"}
    ids = _ids(ledger, role)
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(ledger))
    failures: list[str] = []
    statuses: dict[str, Counter[int]] = {}
    for op in _operations(schema):
        seen = statuses.setdefault(op.label, Counter())

        @given(case=op.as_strategy(generation_mode=mode), data=st.data())
        @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
        def run(case, data: st.DataObject) -> None:  # type: ignore[no-untyped-def]
            if mode.is_positive:
                _use_real_ids(case, ids, data)
                _within_the_report_rule(case, data)
            r = case.call_and_validate(headers=headers, checks=[not_a_server_error, response_schema_conformance])
            seen[r.status_code] += 1  # noqa: B023 (run is called right here, in this iteration)

        try:
            run()
        except (Exception, BaseExceptionGroup) as e:  # collect every operation's failure, then report them together
            failures.append(f"{op.label}: {''.join(traceback.format_exception_only(e))}")
    assert len(statuses) >= 12, sorted(statuses)  # every /api/v1 operation is in the document
    assert not failures, "\n\n".join(failures)
    if mode.is_positive:  # the generated requests reached real rows, not only 404s and 422s
        assert statuses["GET /api/v1/tasks/{task_id}"][200] > 0, statuses
        assert statuses["POST /api/v1/reports"][201] > 0, statuses
        if role == "admin":
            assert statuses["POST /api/v1/cases/{case_id}/advance"][200] > 0, statuses
