"""Units of measure in plan targets, and their canonical spellings (plan-json.md §Units)."""

from __future__ import annotations

import re

# written form → canonical form; longest forms are matched first
_CANON: dict[str, str] = {
    "微克/立方米": "μg/m³", "μg/m³": "μg/m³", "µg/m³": "μg/m³", "ug/m3": "μg/m³", "μg/m3": "μg/m³",
    "µg/m3": "μg/m³", "微克每立方米": "μg/m³", "毫克/升": "mg/L", "毫克每升": "mg/L", "mg/L": "mg/L", "mg/l": "mg/L",
    "万吨每天": "万吨/日", "万吨每日": "万吨/日",
    "万吨/天": "万吨/日", "万吨/日": "万吨/日", "万立方米/日": "万立方米/日", "万立方米/天": "万立方米/日",
    "吨/天": "吨/日", "吨/日": "吨/日", "万吨标准煤": "万吨标准煤", "吨标准煤": "吨标准煤",
    "亿立方米": "亿立方米", "万立方米": "万立方米", "立方米": "立方米", "平方公里": "平方公里",
    "平方米": "平方米", "万平方米": "万平方米", "公顷": "公顷", "万公顷": "万公顷",
    "千米": "公里", "公里": "公里", "km": "公里", "米": "米",
    "万吨": "万吨", "吨": "吨", "万亩": "万亩", "亩": "亩", "万头": "万头", "头": "头",
    "万千瓦": "万千瓦", "千瓦": "千瓦", "万辆": "万辆", "辆": "辆", "蒸吨": "蒸吨",
    "个百分点": "个百分点", "百分点": "个百分点", "分贝": "分贝", "dB(A)": "分贝", "dB": "分贝",
    "天": "天", "日": "天", "座": "座", "个": "个", "家": "家", "条": "条", "处": "处", "所": "所",
    "项": "项", "次": "次", "种": "种", "户": "户", "套": "套", "台": "台", "艘": "艘", "只": "只",
    "片": "片", "口": "口", "批": "批", "人": "人", "%": "%", "‰": "‰",
}
UNIT_WORDS = sorted(_CANON, key=len, reverse=True)
UNIT_RE = "|".join(re.escape(u) for u in UNIT_WORDS)
COUNT_UNITS = frozenset({"座", "个", "家", "条", "处", "所", "项", "次", "种", "户", "套", "台", "艘", "只", "片", "口", "批", "人", "辆", "万辆"})
# quantities built or done (not ratios or concentrations)
AMOUNT_UNITS = COUNT_UNITS | {
    "公里", "米", "万亩", "亩", "万头", "头", "万吨", "吨", "万吨/日", "吨/日", "万立方米/日", "亿立方米",
    "万立方米", "立方米", "平方公里", "平方米", "万平方米", "公顷", "万公顷", "万千瓦", "千瓦", "蒸吨",
    "万吨标准煤", "吨标准煤",
}


def canonical_unit(u: str | None) -> str | None:
    if u is None:
        return None
    u = u.strip()
    return _CANON.get(u, _CANON.get(u.lower(), u))
