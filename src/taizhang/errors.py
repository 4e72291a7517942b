"""Errors a user can act on: each carries the file it concerns and a one-line reason."""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """Bad input from the user: printed as one line, exit code 2, nothing written."""

    def __init__(self, path: str | Path | None, problem: str) -> None:
        self.path = str(path) if path is not None else None
        self.problem = problem
        super().__init__(self.line())

    def line(self) -> str:
        return f"{self.path}: {self.problem}" if self.path else self.problem


class Conflict(InputError):
    """The input contradicts what is stored under the same key (a uid reused with other content): HTTP 409."""
