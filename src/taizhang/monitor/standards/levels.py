"""AQI level, category and colour (HJ 633 Table 2 and Appendix A, §1.6)."""

from __future__ import annotations

from dataclasses import dataclass

from taizhang.monitor.standards import tables as t


@dataclass(frozen=True)
class AQICategory:
    """One row of HJ 633 Table 2."""

    level: int
    level_name: str  # 一级 … 六级
    category: str  # 优 … 严重污染
    color: str  # 绿色 … 褐红色
    color_en: str
    rgb: tuple[int, int, int]
    cmyk: tuple[int, ...]
    hex: str


def aqi_category(aqi: int | None) -> AQICategory | None:
    """The Table 2 row of an AQI value (upper bounds inclusive: 50 is 优, 51 良); None for NA."""
    if aqi is None:
        return None
    if aqi < 0:
        raise ValueError(f"AQI cannot be negative: {aqi}")
    for upper, level, category, color, color_en, rgb, cmyk, hexcode in t.AQI_CATEGORIES:
        if upper is None or aqi <= upper:
            return AQICategory(level, t.LEVEL_ROMAN[level], category, color, color_en, rgb, cmyk, hexcode)
    raise AssertionError("the last AQI category is open-ended")


def aqi_level(aqi: int | None) -> int | None:
    """The AQI level 1–6, or None for NA."""
    row = aqi_category(aqi)
    return row.level if row else None
