"""`taizhang report template` and `taizhang report import`: progress by Excel workbook."""

from __future__ import annotations

from taizhang.track.cli import report_app  # noqa: F401  (commands are added to this app)
