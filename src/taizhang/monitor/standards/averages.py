"""Daily air statistics from hourly values: 24-hour mean, 8-hour sliding means, MDA8, city values
(GB 3095 Table 4, HJ 663; §2.3, §3.2, §3.7).

Hourly arrays hold 24 values indexed by the hour *beginning* h:00 (Chinese label (h+1)时), with
None for a missing or invalid hour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from taizhang.monitor.standards import tables as t
from taizhang.monitor.standards.exact import Number, optional_fraction, round_half_even


@dataclass(frozen=True)
class DailyMean:
    mean: Fraction | None  # None when fewer than the minimum valid hours
    valid_hours: int
    valid: bool


def daily_mean(hourly: Sequence[Number | None], *, min_hours: int = t.MIN_HOURS_DAILY) -> DailyMean:
    """The 24-hour mean (日平均) of a natural day: the mean of the valid hours, valid with at least
    `min_hours` of them (20; use `tables.MIN_HOURS_DAILY_FULL` for TSP, BaP and Pb)."""
    values = [v for v in (optional_fraction(x) for x in hourly) if v is not None]
    if len(values) < min_hours or not values:
        return DailyMean(None, len(values), False)
    return DailyMean(sum(values, Fraction(0)) / len(values), len(values), True)


def sliding_8h(
    hourly: Sequence[Number | None], start: int, *, min_hours: int = t.MIN_HOURS_8H
) -> Fraction | None:
    """The 8-hour mean over hours start..start+7 (labelled by its last hour, (start+8)时); None
    unless at least `min_hours` of the 8 are valid. Windows never leave the array."""
    if start < 0 or start + 8 > len(hourly):
        raise ValueError(f"8-hour window starting at hour {start} leaves the day")
    values = [v for v in (optional_fraction(x) for x in hourly[start : start + 8]) if v is not None]
    if len(values) < min_hours:
        return None
    return sum(values, Fraction(0)) / len(values)


@dataclass(frozen=True)
class MDA8:
    mda8: Fraction | None  # None when invalid (NA)
    max_window: Fraction | None  # the largest valid window mean, valid or not
    max_window_start: int | None  # hour h where that window starts (label (h+8)时 at its end)
    valid_windows: int
    valid: bool
    rounded: int | None  # GB/T 8170 integer of `mda8`


def o3_mda8(
    hourly: Sequence[Number | None],
    *,
    limit: Number = 160,
    min_windows: int = t.MDA8_MIN_WINDOWS,
    min_hours: int = t.MIN_HOURS_8H,
) -> MDA8:
    """O3 daily maximum 8-hour mean (日最大8小时平均) of one natural day (§3.2).

    The max over the 17 windows starting at h = 0..16 (ending 8时..24时). Valid with at least
    `min_windows` (14) valid windows, or with fewer when the (GB/T 8170 rounded) maximum exceeds
    `limit` — an exceedance is never hidden by missing data."""
    if len(hourly) != 24:
        raise ValueError(f"an hourly day has 24 values, not {len(hourly)}")
    windows = [(s, sliding_8h(hourly, s, min_hours=min_hours)) for s in t.MDA8_WINDOW_STARTS]
    valid = [(s, w) for s, w in windows if w is not None]
    if not valid:
        return MDA8(None, None, None, 0, False, None)
    start, best = max(valid, key=lambda sw: sw[1])  # first window wins a tie
    rounded = int(round_half_even(best, 0))
    ok = len(valid) >= min_windows or rounded > optional_fraction(limit)  # type: ignore[operator]
    return MDA8(best if ok else None, best, start, len(valid), ok, rounded if ok else None)


@dataclass(frozen=True)
class CityValue:
    value: Fraction | None
    stations: int  # valid stations used


def city_mean(station_values: Sequence[Number | None]) -> CityValue:
    """A city's concentration: the arithmetic mean of its valid city-assessment stations for the
    same period (missing stations skipped; §3.7)."""
    values = [v for v in (optional_fraction(x) for x in station_values) if v is not None]
    if not values:
        return CityValue(None, 0)
    return CityValue(sum(values, Fraction(0)) / len(values), len(values))


#: Station types that are not city assessment stations (§3.7): background, traffic, regional and
#: clean-control stations (e.g. Beijing 定陵, a 城市清洁对照点). Checked before `_CITY_WORDS`.
_NOT_CITY_WORDS = ("对照", "清洁", "背景", "交通", "路边", "区域", "传输", "clean", "control", "background",
                   "traffic", "roadside", "regional", "transport")  # fmt: skip
_CITY_WORDS = ("评价", "城市", "国控", "city", "urban", "assessment", "evaluation")


def is_city_station(kind: str | None) -> bool:
    """Whether a station type names a city assessment station (城市评价点); an untyped station is
    taken as one. ValueError for a type that names neither."""
    if kind is None:
        return True
    text = str(kind).strip().lower()
    if any(w in text for w in _NOT_CITY_WORDS):
        return False
    if any(w in text for w in _CITY_WORDS):
        return True
    raise ValueError(f"unknown station type: {kind!r}")


def city_series_mean(station_series: Sequence[Sequence[Number | None]]) -> list[Fraction | None]:
    """Period by period city means of several stations' aligned series (e.g. 8-hour means)."""
    if not station_series:
        return []
    length = len(station_series[0])
    if any(len(s) != length for s in station_series):
        raise ValueError("station series differ in length")
    return [city_mean([s[i] for s in station_series]).value for i in range(length)]


def city_o3_mda8(
    station_hourly: Sequence[Sequence[Number | None]], *, method: str = "series", limit: Number = 160
) -> Fraction | None:
    """A city's O3 MDA8 from its stations' hourly O3 of one day (§3.7, open point; §7 item 2).

    method "series" (default): the city 8-hour series is the station mean window by window, and
    the MDA8 is its daily maximum (windows and validity as in `o3_mda8`).
    method "mean_of_mda8": the arithmetic mean of the valid station MDA8s."""
    if method == "mean_of_mda8":
        return city_mean([o3_mda8(h, limit=limit).mda8 for h in station_hourly]).value
    if method != "series":
        raise ValueError(f"unknown city O3 method: {method!r} (use 'series' or 'mean_of_mda8')")
    windows = [city_mean([sliding_8h(h, s) for h in station_hourly]).value for s in t.MDA8_WINDOW_STARTS]
    valid = [w for w in windows if w is not None]
    if not valid:
        return None
    best = max(valid)
    ok = len(valid) >= t.MDA8_MIN_WINDOWS or round_half_even(best, 0) > optional_fraction(limit)  # type: ignore[operator]
    return best if ok else None


@dataclass(frozen=True)
class DailyMax1h:
    value: Fraction | None
    valid_hours: int
    flagged: bool  # fewer than 20 valid hours (§7 item 12): kept, but flagged


def o3_max_1h(hourly: Sequence[Number | None]) -> DailyMax1h:
    """O3 daily maximum 1-hour value (HJ 633-2012 daily report): the max of the valid hours.
    Neither HJ 633 nor GB 3095 sets a minimum number of hours; days with fewer than 20 valid
    hours are flagged rather than dropped."""
    values = [v for v in (optional_fraction(x) for x in hourly) if v is not None]
    if not values:
        return DailyMax1h(None, 0, True)
    return DailyMax1h(max(values), len(values), len(values) < t.MIN_HOURS_DAILY)
