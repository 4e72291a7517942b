"""The input rules: one check for a progress report, a case step and a query, whatever the entry path.

The web form, the API, the department workbook and the CLI all store a report through `add_report`,
which calls `check_report`; the API's schema takes its limits from the same data (`inputs.toml`), and
the pages read their query parameters with `query_date`, `query_year` and `query_id`. Every refusal is
an `InputError` naming the field, with a one-line Chinese message.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any

from taizhang.errors import InputError


def _load() -> dict[str, Any]:
    return tomllib.loads(resources.files(__package__).joinpath("inputs.toml").read_text("utf-8"))


RULES = _load()
UID_MAX = int(RULES["uid"]["max_length"])
UID_CHARACTERS = str(RULES["uid"]["characters"])
UID_PATTERN = f"^[{UID_CHARACTERS}]{{1,{UID_MAX}}}$"
NARRATIVE_MAX = int(RULES["text"]["narrative_max_length"])
REPORTER_MAX = int(RULES["text"]["reporter_max_length"])
REASON_MAX = int(RULES["text"]["reason_max_length"])
VALUE_MAX_ABS = float(RULES["number"]["value_max_abs"])
EARLIEST = RULES["dates"]["earliest"]
DAYS_AHEAD = int(RULES["dates"]["days_ahead"])
QUERY_EARLIEST: dt.date = RULES["query"]["earliest"]
QUERY_LATEST: dt.date = RULES["query"]["latest"]
MAX_ID = int(RULES["query"]["max_id"])
_PLACES = {"value": int(RULES["number"]["value_places"]), "percent": int(RULES["number"]["percent_places"])}

# C0 controls but tab, line feed and carriage return; DEL and the C1 controls; the non-characters
# U+FFFE/U+FFFF and lone surrogates (JSON can carry them; no database or workbook can).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
# The same, as a pattern for a JSON schema (`pattern=` of a pydantic field).
NO_CONTROL = "^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]*$"
_UID = re.compile(UID_PATTERN)
_ASCII_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


@dataclass(frozen=True)
class ReportInput:
    """A report's fields once checked (numbers as given: the ledger rounds them to its places)."""

    as_of: dt.date
    value: Decimal | None
    percent: Decimal | None
    narrative: str
    reporter: str
    uid: str | None


def latest_day(today: dt.date | None = None) -> dt.date:
    """The latest date a report or a case step may carry."""
    return (today or dt.date.today()) + dt.timedelta(days=DAYS_AHEAD)


def number(x: object, field: str, label: str) -> Decimal | None:
    """A number as typed (`85`, `85%`, `1,234.5`) or given (int, float, Decimal); blank is None."""
    if x is None or (isinstance(x, str) and not x.strip()):
        return None
    if isinstance(x, bool):
        raise InputError(field, f"{label}不是数字：{x!r}")
    if isinstance(x, int | float | Decimal):
        d = Decimal(str(x))
    else:
        s = str(x).strip().replace(",", "").removesuffix("%").strip()
        if not _ASCII_NUMBER.fullmatch(s):
            raise InputError(field, f"{label}不是数字：{_shown(str(x))}")
        try:
            d = Decimal(s)
        except InvalidOperation:
            raise InputError(field, f"{label}不是数字：{_shown(str(x))}") from None
    if not d.is_finite():
        raise InputError(field, f"{label}不是有限的数：{_shown(str(x))}")
    return d


def _shown(s: str, limit: int = 40) -> str:
    """A value for a message: control characters made visible, long values cut."""
    s = CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", s)
    return repr(s if len(s) <= limit else s[:limit] + "…")


def text(s: str, field: str, label: str, max_length: int) -> str:
    """A free text: no control characters (tab and line breaks are fine), at most `max_length` long."""
    m = CONTROL.search(s)
    if m:
        raise InputError(field, f"{label}含有控制字符（U+{ord(m.group()):04X}，第 {m.start() + 1} 个字符），请删除后重试")
    if len(s) > max_length:
        raise InputError(field, f"{label}不能超过 {max_length} 个字符（实为 {len(s)} 个）")
    return s


def uid(raw: str | None) -> str | None:
    """A client's idempotency key (None: the content decides)."""
    if raw is None:
        return None
    if not 1 <= len(raw) <= UID_MAX:
        raise InputError("uid", f"uid 长度应为 1 到 {UID_MAX} 个字符（实为 {len(raw)} 个）")
    if not _UID.fullmatch(raw):
        raise InputError("uid", f"uid 只能由英文字母、数字和 . _ : @ + / - 组成：{_shown(raw)}")
    return raw


def day(d: dt.date, field: str, label: str, *, today: dt.date | None = None) -> dt.date:
    """A report's or a case step's date: from `earliest` (2000-01-01) to today."""
    if d < EARLIEST:
        raise InputError(field, f"{label} {d.isoformat()} 早于 {EARLIEST.isoformat()}")
    if d > latest_day(today):
        raise InputError(field, f"{label} {d.isoformat()} 是将来的日期（今天是 {(today or dt.date.today()).isoformat()}）")
    return d


def check_report(*, kind: str, as_of: dt.date, value: object = None, percent: object = None,
                 narrative: str = "", reporter: str, uid_: str | None = None,
                 today: dt.date | None = None) -> ReportInput:
    """The one check of a progress report on a task (`kind` "task") or a target ("target")."""
    v = number(value, "value", "数值")
    p = number(percent, "percent", "完成百分比")
    if v is not None and kind == "task":
        raise InputError("value", "任务按完成百分比填报，数值只用于指标")
    if v is not None and abs(v) >= Decimal(str(VALUE_MAX_ABS)):
        raise InputError("value", f"数值的绝对值应小于 {VALUE_MAX_ABS:g}")
    if p is not None and not 0 <= p <= 100:
        raise InputError("percent", f"完成百分比应在 0 到 100 之间（实为 {p}）")
    narrative = text(narrative, "narrative", "进展情况", NARRATIVE_MAX)
    reporter = text(reporter.strip(), "reporter", "填报人", REPORTER_MAX)
    if not reporter:
        raise InputError("reporter", "填报人为空")
    if v is None and p is None and not narrative.strip():
        raise InputError("report", "请填写数值、完成百分比或进展情况中的至少一项")
    day(as_of, "as_of", "截至日期", today=today)
    return ReportInput(as_of, v, p, narrative, reporter, uid(uid_))


def same_number(stored: Decimal | None, given: Decimal | None, what: str) -> bool:
    """Two numbers the ledger would store alike (SQLite hands numbers back through a float)."""
    if stored is None or given is None:
        return stored is None and given is None
    tolerance = max(Decimal(1).scaleb(-_PLACES[what]), abs(given) * Decimal("1e-15"))
    return abs(Decimal(stored) - given) <= tolerance


# ---- queries -------------------------------------------------------------------------------------

def parse_day(raw: str, field: str) -> dt.date:
    """A date as a form or a query writes it: YYYY-MM-DD in ASCII digits (no week dates, no 20240101)."""
    s = raw.strip()
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", s):
        raise InputError(field, f"{field} 应为日期（YYYY-MM-DD）：{_shown(raw)}")
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        raise InputError(field, f"{field} 没有这一天：{_shown(raw)}") from None


def query_date(raw: str | None, field: str = "as_of") -> dt.date | None:
    """A date asked for in a query (YYYY-MM-DD, 2000 to 2100); None when absent."""
    if raw is None or raw == "":
        return None
    d = parse_day(raw, field)
    s = d.isoformat()
    if not QUERY_EARLIEST <= d <= QUERY_LATEST:
        raise InputError(field, f"{field} 应在 {QUERY_EARLIEST.isoformat()} 到 {QUERY_LATEST.isoformat()} 之间："
                                f"{s}")
    return d


def query_year(raw: str | None, field: str = "year") -> int | None:
    """A year asked for in a query (2000 to 2100); None when absent."""
    if raw is None or raw == "":
        return None
    s = raw.strip()
    if not re.fullmatch(r"[0-9]{4}", s):
        raise InputError(field, f"{field} 应为四位数的年份：{_shown(raw)}")
    y = int(s)
    if not QUERY_EARLIEST.year <= y <= QUERY_LATEST.year:
        raise InputError(field, f"{field} 应在 {QUERY_EARLIEST.year} 到 {QUERY_LATEST.year} 之间：{y}")
    return y


def query_month(raw: str | None, field: str = "month") -> str | None:
    """A month asked for in a query (YYYY-MM, 2000 to 2100); None when absent."""
    if raw is None or raw == "":
        return None
    s = raw.strip()
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}", s) or not 1 <= int(s[5:]) <= 12:
        raise InputError(field, f"{field} 应为月份（YYYY-MM）：{_shown(raw)}")
    query_year(s[:4], field)
    return s


def query_id(raw: str | None, field: str) -> int | None:
    """A row id asked for in a query (ASCII digits, 1 to 2^31−1); None when absent."""
    if raw is None or raw == "":
        return None
    s = raw.strip()
    if not re.fullmatch(r"[0-9]{1,10}", s) or not valid_id(int(s)):
        raise InputError(field, f"{field} 应为 1 到 {MAX_ID} 之间的编号：{_shown(raw)}")
    return int(s)


def valid_id(n: int) -> bool:
    """A number that can be a row id (others match no row: looking them up would overflow the database)."""
    return 0 < n <= MAX_ID
