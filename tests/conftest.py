"""Shared fixtures: the `../shared` folder beside the repo (seeds, gold, spec, data)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def shared() -> Path:
    """The `../shared` folder; skipped with a reason when absent, a failure when CI is set."""
    if not SHARED.is_dir():
        msg = f"{SHARED} is absent: the seeds, gold answers, spec and monitoring data live there"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    return SHARED
