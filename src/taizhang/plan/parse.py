"""Clean text → Plan. (Being written; the signature is stable.)"""

from __future__ import annotations

from taizhang.plan.model import Plan


def parse_plan(text: str) -> Plan:
    """Parse clean Simplified Chinese plan text into a Plan."""
    return Plan()
