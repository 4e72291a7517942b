"""Request validation errors in one Chinese line: FastAPI's own messages are English and, on a page,
raw JSON. The API keeps the structured list beside the line (`errors`), without the inputs themselves
(an input may hold what no JSON can carry, such as a lone surrogate, and is the client's anyway)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# pydantic error types → what is wrong, in Chinese
_WHAT = {
    "missing": "缺少此项",
    "extra_forbidden": "不允许提供此项",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "decimal_parsing": "应为数字",
    "finite_number": "应为有限的数",
    "bool_parsing": "应为 true 或 false",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_inexact": "应为日期（YYYY-MM-DD）",
    "string_type": "应为文本",
    "string_too_long": "过长",
    "string_too_short": "过短",
    "string_pattern_mismatch": "含有不允许的字符",
    "greater_than": "超出允许范围（过小）",
    "greater_than_equal": "超出允许范围（过小）",
    "less_than": "超出允许范围（过大）",
    "less_than_equal": "超出允许范围（过大）",
    "literal_error": "不是允许的取值",
    "enum": "不是允许的取值",
    "json_invalid": "不是有效的 JSON",
    "model_attributes_type": "应为 JSON 对象",
    "dict_type": "应为 JSON 对象",
    "list_type": "应为列表",
}


def describe(errors: Sequence[Any]) -> str:
    """'请求有误：body.uid 含有不允许的字符；query.year 应为整数' (at most three problems)."""
    parts = []
    for e in list(errors)[:3]:
        where = ".".join(str(x) for x in e.get("loc", ()) if x != "body") or "请求"
        parts.append(f"{where} {_WHAT.get(str(e.get('type')), '无效')}")
    more = f"等 {len(errors)} 处" if len(errors) > 3 else ""
    return f"请求有误：{'；'.join(parts)}{more}"


def listed(errors: Sequence[Any]) -> list[dict[str, Any]]:
    """The errors as JSON-safe rows: where, what type, pydantic's message."""
    return [{"loc": [x if isinstance(x, int) else str(x) for x in e.get("loc", ())], "type": str(e.get("type")),
             "msg": str(e.get("msg"))} for e in errors]
