"""Test-vector functions: each turns a vector's `input` (and `standard`) into a result dict whose keys
are the vocabulary of shared/spec/env-vectors-public.json. `FUNCTIONS` maps a vector's `function`
name to its adapter; the computations themselves live in the other modules of this package."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from taizhang.monitor.standards import tables as t
from taizhang.monitor.standards.annual import (
    annual_attainment,
    annual_validity,
    good_day_ratio,
    limit_for,
    percentile_rank,
)
from taizhang.monitor.standards.aqi import build_report
from taizhang.monitor.standards.averages import (
    city_mean,
    city_o3_mda8,
    daily_mean,
    is_city_station,
    o3_mda8,
)
from taizhang.monitor.standards.black_odorous import indicator_grade, point_grade, waterbody_grade
from taizhang.monitor.standards.exact import (
    is_na,
    percent,
    round_gbt8170,
    round_half_even,
    round_interval,
    to_fraction,
)
from taizhang.monitor.standards.items import canonical_item, pollutant_of
from taizhang.monitor.standards.levels import aqi_category
from taizhang.monitor.standards.noise import (
    burst_attained,
    compliance_rate,
    count_point_times,
    day_night_levels,
    noise_limits,
    railway_is_existing,
    split_day_night,
)
from taizhang.monitor.standards.subindex import concentration_digits, sub_index
from taizhang.monitor.standards.versions import aqi_standard, limit_standard
from taizhang.monitor.standards.water import (
    annual_item_class,
    assess_section,
    format_multiple,
    river_status,
    section_ratios,
)
from taizhang.monitor.standards.water_items import exceed_multiple, item_class, water_item

Input = Mapping[str, Any]
Result = dict[str, Any]
Adapter = Callable[[Input, str | None], Result]

_ROUND_KEYS = ("round_concentration", "round_concentrations", "pre_round", "round_first")


def _round_option(inp: Input) -> bool:
    return any(bool(inp.get(k)) for k in _ROUND_KEYS)


def _when(inp: Input) -> Any:
    return inp.get("date") or inp.get("when")


def _limit_std(inp: Input, standard: str | None) -> str:
    """The GB 3095 limit set named by the vector or its input, else chosen by the data's date."""
    named = inp.get("standard") or standard
    try:
        return limit_standard(named, _when(inp))
    except ValueError:
        return limit_standard(None, _when(inp))


def _std(inp: Input, standard: str | None) -> str:
    """The HJ 633 set named by the vector, by its input, or by the date of its data."""
    named = inp.get("standard") or standard
    try:
        return aqi_standard(named, _when(inp))
    except ValueError:
        return aqi_standard(None, _when(inp))


# --------------------------------------------------------------------------------------- AQI


_PERIOD_KEYS = ("period", "averaging_time", "averaging", "averaging_period")


def _item_of(inp: Input) -> str:
    """The item of a one-item vector: "item" (or "pollutant"), with a separate averaging period
    when one is given ("item": "PM2.5", "period": "24h"). A bare PM2.5 or PM10 is the 24-hour
    item, the only PM column of HJ 633 (the 2026 1-hour PM values use the same numbers); other
    bare pollutants are ambiguous and refused by `canonical_item`."""
    name = str(inp.get("item", inp.get("pollutant", "")))
    period = next((inp[k] for k in _PERIOD_KEYS if inp.get(k)), None)
    if period is not None:
        return canonical_item(f"{name}_{period}")
    try:
        return canonical_item(name)
    except ValueError:
        if pollutant_of(name) in ("PM25", "PM10"):
            return canonical_item(name, default_period="24H")
        raise


def v_iaqi(inp: Input, standard: str | None) -> Result:
    std = _std(inp, standard)
    conc = inp.get("concentration", inp.get("value"))
    sub = sub_index(_item_of(inp), conc, std, unit=inp.get("unit"), round_concentration=_round_option(inp))
    out: Result = {
        "iaqi": sub.iaqi,
        "exact": sub.exact,
        "flags": list(sub.flags),
        "flag": sub.flags[0] if sub.flags else None,
        "above_table": t.FLAG_ABOVE_TABLE in sub.flags,
        "indexed": sub.iaqi is not None,
        "substitute": sub.substitute,
        "concentration": sub.concentration,
        "standard": std,
    }
    if sub.substitute:
        fallback = next((inp[k] for k in inp if _is_item(k) and canonical_item(k) == sub.substitute), None)
        if fallback is not None:
            alt = sub_index(sub.substitute, fallback, std)
            out.update({"substitute_iaqi": alt.iaqi, "reported_iaqi": alt.iaqi})
    return out


def _is_item(key: str) -> bool:
    try:
        canonical_item(key)
    except ValueError:
        return False
    return True


def _aqi_report(inp: Input, standard: str | None, report: str) -> Result:
    std = _std(inp, standard)
    units = inp.get("units", inp.get("unit"))
    exempt = inp.get("exempt") or inp.get("not_monitored") or ()
    rep = build_report(
        inp["concentrations"], report, std, units=units, round_concentration=_round_option(inp), exempt=exempt
    )
    return rep.as_dict()


def v_aqi_daily(inp: Input, standard: str | None) -> Result:
    return _aqi_report(inp, standard, "daily")


def v_aqi_hourly(inp: Input, standard: str | None) -> Result:
    return _aqi_report(inp, standard, "hourly")


def _aqi_integer(aqi: Any) -> int | None:
    """An AQI as HJ 633 publishes it: NA (None, "NA") stays None; a value with decimals is
    rounded up (全部进位取整数), so 100.5 is 101 (轻度污染), never truncated to 100."""
    if is_na(aqi):
        return None
    return math.ceil(to_fraction(aqi))


def _category_fields(aqi: Any) -> Result:
    cat = aqi_category(_aqi_integer(aqi))
    return {
        "level": cat.level if cat else None,
        "level_name": cat.level_name if cat else None,
        "category": cat.category if cat else None,
        "color": cat.color if cat else None,
        "colour": cat.color if cat else None,
        "color_en": cat.color_en if cat else None,
        "rgb": list(cat.rgb) if cat else None,
        "cmyk": list(cat.cmyk) if cat else None,
        "hex": cat.hex if cat else None,
    }


def v_aqi_level(inp: Input, standard: str | None) -> Result:
    if "aqi_values" not in inp:
        return _category_fields(inp.get("aqi"))
    rows = [_category_fields(a) for a in inp["aqi_values"]]
    plural = {"level": "levels", "level_name": "level_names", "category": "categories", "color": "colors",
              "colour": "colours", "color_en": "colors_en", "rgb": "rgb", "cmyk": "cmyk", "hex": "hex"}  # fmt: skip
    return {many: [r[one] for r in rows] for one, many in plural.items()}


# --------------------------------------------------------------------------------- rounding


_INTERVAL_KEYS = ("precision", "interval", "修约间隔")
_DIGIT_KEYS = ("digits", "decimals", "places", "ndigits", "decimal_places")


def _rounding(case: Input, default: Input | None = None) -> tuple[str, Any]:
    """("digits", n) or ("interval", text) from a case, else from `default`, else 0 digits.
    "precision": "0.1" means one decimal, "10" the tens, "0.5" half units (GB/T 8170)."""
    for key in _DIGIT_KEYS:
        if key in case:
            return "digits", int(case[key])
    for key in _INTERVAL_KEYS:
        if key in case:
            return "interval", case[key]
    return _rounding(default) if default is not None else ("digits", 0)


def _round_one(value: Any, how: tuple[str, Any]) -> str:
    kind, arg = how
    if kind == "digits":
        return round_gbt8170(_text(value), arg)
    return str(round_interval(_text(value), arg))


def v_round(inp: Input, standard: str | None) -> Result:
    if "cases" in inp:
        return {"results": [_round_one(c["value"], _rounding(c, inp)) for c in inp["cases"]]}
    if "values" in inp:
        return {"results": [_round_one(v, _rounding(inp)) for v in inp["values"]]}
    return {"result": _round_one(inp["value"], _rounding(inp))}


def _text(value: Any) -> Any:
    return value if isinstance(value, str) else str(value) if not isinstance(value, float) else repr(value)


# ------------------------------------------------------------------------------- air annual


def _values_of(inp: Input) -> list[Any]:
    if "values" in inp:
        return list(inp["values"])
    rng = inp["values_range"]
    step = int(rng.get("step", 1))
    return list(range(int(rng["start"]), int(rng["stop_inclusive"]) + 1, step))


def _digits_for(inp: Input) -> int:
    name = inp.get("pollutant") or inp.get("item")
    return t.CONCENTRATION_DIGITS.get(pollutant_of(name), 0) if name else 0


_P_KEYS = ("p", "percentile", "pct", "q", "百分位")


def _p_of(inp: Input) -> Any:
    key = next((k for k in _P_KEYS if k in inp), None)
    if key is None:
        raise ValueError('percentile vector without "p"')
    p = inp[key]
    return p.strip().rstrip("%").strip() if isinstance(p, str) else p


def v_percentile(inp: Input, standard: str | None) -> Result:
    pct = percentile_rank(_values_of(inp), _p_of(inp))
    return {
        "percentile": pct.value,
        "exact": pct.value,
        "k": pct.k,
        "s": pct.s,
        "n": pct.n,
        "rounded": round_half_even(pct.value, _digits_for(inp)),
    }


def v_o3_mda8(inp: Input, standard: str | None) -> Result:
    hourly = inp.get("hourly_o3", inp.get("hourly"))
    limit = inp.get("limit")
    if limit is None:  # the O3 8-hour limit of the class named by the vector (class 2: 160)
        limit = limit_for(
            "O3", "8h", standard=_limit_std(inp, standard), limit_cls=_limit_class(inp, standard)
        )
    res = o3_mda8(hourly, limit=limit)
    rounded = res.rounded
    out: Result = {
        "mda8": res.mda8,
        "exact": res.mda8,
        "valid_windows": res.valid_windows,
        "valid": res.valid,
        "rounded": rounded,
        "max_window": res.max_window,
        "max_window_start": res.max_window_start,
        "max_window_label": None if res.max_window_start is None else f"{res.max_window_start + 8}时",
        "exceeds_limit": None if rounded is None else rounded > to_fraction(limit),
        "exceeds_160": None if rounded is None else rounded > 160,
        "exceeds_100": None if rounded is None else rounded > 100,
    }
    for std, tag in ((t.HJ633_2012, "2012"), (t.HJ633_2026, "2026")):
        out[f"iaqi_o3_8h_{tag}"] = None if rounded is None else sub_index("O3_8H", rounded, std).iaqi
    out["iaqi"] = out[f"iaqi_o3_8h_{_std(inp, standard)[-4:]}"]
    return out


def v_daily_mean(inp: Input, standard: str | None) -> Result:
    name = inp.get("pollutant") or inp.get("item")
    code = pollutant_of(name) if name else None
    default_min = t.MIN_HOURS_DAILY_FULL if code in t.FULL_DAY_POLLUTANTS else t.MIN_HOURS_DAILY
    res = daily_mean(inp["hourly"], min_hours=int(inp.get("min_hours", default_min)))
    digits = t.CONCENTRATION_DIGITS.get(code or "", 0)
    rounded = None if res.mean is None else round_half_even(res.mean, digits)
    out: Result = {
        "daily_mean": res.mean,
        "exact": res.mean,
        "valid_hours": res.valid_hours,
        "valid": res.valid,
        "rounded": rounded,
    }
    if name and code in t.CONCENTRATION_DIGITS:
        item = canonical_item(name, default_period="24H")
        out["iaqi"] = None if rounded is None else sub_index(item, rounded, _std(inp, standard)).iaqi
    return out


def _month_number(key: Any) -> int:
    """1..12 from 1, "01", "2024-02", "2月", "Feb"."""
    text = str(key).strip().lower().rstrip("月")
    names = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    if text[:3] in names:
        return names.index(text[:3]) + 1
    month = int(text.split("-")[1]) if "-" in text else int(text)
    if not 1 <= month <= 12:
        raise ValueError(f"not a month: {key!r}")
    return month


def _monthly_counts(inp: Input) -> list[int]:
    """Valid days per month from a 12-list, a mapping month -> count, or a list of valid dates."""
    if "valid_dates" in inp:
        counts = [0] * 12
        for d in set(map(str, inp["valid_dates"])):
            counts[int(d[5:7]) - 1] += 1
        return counts
    data = inp["valid_days_per_month"]
    if isinstance(data, Mapping):
        counts = [0] * 12
        for key, n in data.items():
            counts[_month_number(key) - 1] = int(n)
        return counts
    return [int(n) for n in data]


def v_annual_validity(inp: Input, standard: str | None) -> Result:
    name = inp.get("pollutant")
    sparse = bool(name) and pollutant_of(name) in t.FULL_DAY_POLLUTANTS
    mins = (
        (t.MIN_DAYS_YEAR_TSP, t.MIN_DAYS_MONTH_TSP, t.MIN_DAYS_MONTH_TSP)
        if sparse
        else (t.MIN_DAYS_YEAR, t.MIN_DAYS_MONTH, t.MIN_DAYS_FEBRUARY)
    )
    res = annual_validity(_monthly_counts(inp), min_year=mins[0], min_month=mins[1], min_february=mins[2])
    return {
        "valid": res.valid,
        "total": res.total,
        "total_ok": res.total_ok,
        "short_months": res.short_months,
        "failing_months": res.short_months,
        "months_ok": not res.short_months,
    }


#: Input keys holding the annual percentile ("p98_daily", "p95", "mda8_p90", "percentile_95", ...)
_PCT_KEY = re.compile(r"(?:^|_)(?:p|percentile_?)(?:90|95|98)(?:th)?(?:_|$)|^percentile$", re.IGNORECASE)
_MEAN_KEYS = ("annual_mean", "annual_average", "annual_avg", "mean", "年均值", "年平均")


def _limit_class(inp: Input, standard: str | None) -> Any:
    """The GB 3095 class (1 or 2) named by the input or by the vector's standard text."""
    return inp.get("class") or inp.get("limit_class") or inp.get("zone_class") or standard


def v_annual_attainment(inp: Input, standard: str | None) -> Result:
    pct_key = next((k for k in inp if _PCT_KEY.search(k)), None)
    mean_key = next((k for k in _MEAN_KEYS if k in inp), None)
    cls = _limit_class(inp, standard)
    res = annual_attainment(
        inp["pollutant"],
        annual_mean=inp.get(mean_key) if mean_key else None,
        percentile=inp.get(pct_key) if pct_key else None,
        standard=_limit_std(inp, standard),
        limit_cls=cls,
    )
    out: Result = {"attained": res.attained, "pollutant": res.pollutant}
    judged = []
    if res.annual_mean is not None:
        j = res.annual_mean
        out.update({"annual_mean_rounded": j.rounded, "annual_mean_attained": j.attained,
                    "annual_limit": j.limit, "annual_mean_exceed_multiple": j.exceed_multiple})  # fmt: skip
        judged.append(j)
    if res.percentile is not None:
        j = res.percentile
        tag = f"p{res.percentile_p}"
        out.update({f"{tag}_rounded": j.rounded, f"{tag}_attained": j.attained, "percentile_rounded": j.rounded,
                    "percentile_attained": j.attained, "percentile_limit": j.limit,
                    f"{tag}_exceed_multiple": j.exceed_multiple})  # fmt: skip
        judged.append(j)
    if len(judged) == 1:
        j = judged[0]
        out.update({"rounded": j.rounded, "limit": j.limit, "exceed_multiple": j.exceed_multiple})
    return out


def v_good_day_ratio(inp: Input, standard: str | None) -> Result:
    c = good_day_ratio(inp["daily_aqi"])
    pct = percent(c.good_days, c.valid_days)
    return {
        "valid_days": c.valid_days,
        "good_days": c.good_days,
        "excellent_days": c.excellent_days,
        "polluted_days": c.polluted_days,
        "moderate_or_worse_days": c.moderate_or_worse_days,
        "heavy_days": c.heavy_days,
        "severe_days": c.severe_days,
        "ratio": c.ratio,
        "ratio_percent": pct,
        "ratio_percent_1dp": None if pct is None else round_half_even(pct, 1),
    }


_STATION_TYPE_KEYS = ("type", "station_type", "kind", "category", "类型")
_STATION_VALUE_KEYS = ("value", "concentration", "conc")


def _station_values(inp: Input) -> list[Any]:
    """The values of the city assessment stations: "station_values" as a list or a mapping station
    -> value, or "stations" as objects with a value and a type (background, traffic, regional
    and clean-control stations are left out; "city_assessment": false leaves a station out)."""
    if "station_values" in inp:
        vals = inp["station_values"]
        return list(vals.values()) if isinstance(vals, Mapping) else list(vals)
    out = []
    for st in inp["stations"]:
        if not isinstance(st, Mapping):
            out.append(st)
            continue
        kind = next((st[k] for k in _STATION_TYPE_KEYS if st.get(k) is not None), None)
        flag = st.get("city_assessment", st.get("is_city_station"))
        if (flag is not None and not flag) or (flag is None and not is_city_station(kind)):
            continue
        key = next((k for k in _STATION_VALUE_KEYS if k in st), None)
        if key is None:
            raise ValueError(f"station without a value: {dict(st)!r}")
        out.append(st[key])
    return out


def v_city_mean(inp: Input, standard: str | None) -> Result:
    std = _std(inp, standard)
    item = canonical_item(inp["pollutant"], default_period="24H")
    digits = concentration_digits(item)
    if "station_hourly" in inp:
        method = inp.get("o3_city_method", inp.get("method", "series"))
        value = city_o3_mda8(inp["station_hourly"], method=method)
        stations = len(inp["station_hourly"])
    else:
        res = city_mean(_station_values(inp))
        value, stations = res.value, res.stations
    rounded = None if value is None else round_half_even(value, digits)
    return {
        "city_value": value,
        "exact": value,
        "stations": stations,
        "rounded": rounded,
        "iaqi": None if rounded is None else sub_index(item, rounded, std).iaqi,
    }


# ------------------------------------------------------------------------------------ water


def _waterbody(inp: Input) -> str:
    return str(inp.get("waterbody") or inp.get("water_body") or "river")


_SATURATION_KEYS = ("saturation", "saturation_percent", "do_saturation", "饱和率")


def v_water_item_class(inp: Input, standard: str | None) -> Result:
    wb = _waterbody(inp)
    sat = next((inp[k] for k in _SATURATION_KEYS if inp.get(k) is not None), None)
    unit = inp.get("unit")
    cls = item_class(inp["item"], inp.get("value"), wb, unit=unit, saturation=sat)
    multiple = exceed_multiple(inp["item"], inp.get("value"), wb, unit=unit)
    status = t.WATER_STATUS.get(cls) if cls else None
    return {
        "class": cls,
        "exceed_multiple": multiple,
        "status": status[0] if status else None,
        "color": status[1] if status else None,
    }


def v_water_section_class(inp: Input, standard: str | None) -> Result:
    return assess_section(inp["values"], _waterbody(inp)).as_dict()


def v_water_annual_class(inp: Input, standard: str | None) -> Result:
    wb = _waterbody(inp)
    monthly = inp["monthly"]
    if isinstance(monthly, Mapping):
        per_item = {name: annual_item_class(name, series, wb) for name, series in monthly.items()}
        means = {name: r.mean for name, r in per_item.items()}
        out = assess_section(means, wb).as_dict()
        out.update({"annual_means": means, "annual_classes": {n: r.water_class for n, r in per_item.items()}})
        return out
    res = annual_item_class(inp["item"], monthly, wb)
    return {
        "annual_mean": res.mean,
        "annual_mean_decimal": res.mean_decimal,
        "class": res.water_class,
        "worst_month_class": res.worst_month_class,
        "monthly_classes": res.monthly_classes,
        "exceed_multiple": None if res.mean is None else exceed_multiple(inp["item"], res.mean, wb),
    }


def v_main_pollutants(inp: Input, standard: str | None) -> Result:
    out = assess_section(inp["values"], _waterbody(inp), top=int(inp.get("top", 3))).as_dict()
    out["class"] = out["section_class"]
    return out


def v_exceed_multiple(inp: Input, standard: str | None) -> Result:
    wb = _waterbody(inp)
    unit = inp.get("unit")
    multiple = exceed_multiple(inp["item"], inp["value"], wb, unit=unit)
    return {
        "exceed_multiple": multiple,
        "decimal": None if multiple is None else format_multiple(multiple),
        "class": item_class(inp["item"], inp["value"], wb, unit=unit),
        "item": water_item(inp["item"], wb),
    }


def _severe_below(inp: Input) -> Any:
    return inp.get("severe_good_below", inp.get("severe_rule", 75))


def v_river_status(inp: Input, standard: str | None) -> Result:
    if "sections" in inp:
        res = river_status(
            sections=inp["sections"], waterbody=_waterbody(inp), severe_good_below=_severe_below(inp)
        )
    else:
        res = section_ratios(inp["section_classes"], severe_good_below=_severe_below(inp))
    return {
        "n": res.n,
        "good_count": res.good,
        "lie5_count": res.lie5,
        "good_ratio": None if res.good_ratio is None else round_half_even(res.good_ratio, 1),
        "lie5_ratio": None if res.lie5_ratio is None else round_half_even(res.lie5_ratio, 1),
        "good_ratio_exact": res.good_ratio,
        "lie5_ratio_exact": res.lie5_ratio,
        "river_status": res.status,
        "status": res.status,
        "color": res.color,
        "method": res.method,
        "class": res.water_class,
        "main_pollutants": res.main_pollutants if "sections" in inp else None,
        "exceed_rates": res.exceed_rates or None,
    }


# ---------------------------------------------------------------------------- black-odorous


def v_bo_indicator(inp: Input, standard: str | None) -> Result:
    def grade(case: Input) -> str:
        depth = case.get("water_depth_cm", inp.get("water_depth_cm"))
        unit = case.get("unit", inp.get("unit"))
        return indicator_grade(case["indicator"], case["value"], water_depth_cm=depth, unit=unit)

    if "cases" in inp:
        return {"grades": [grade(c) for c in inp["cases"]]}
    return {"grade": grade(inp)}


def _samples(inp: Input) -> list[Mapping[str, Any]]:
    """Samples as a list of {indicator: value} or as {indicator: [values in sampling order]}."""
    samples = inp["samples"]
    if not isinstance(samples, Mapping):
        return list(samples)
    series = {k: list(v) for k, v in samples.items()}
    length = max((len(v) for v in series.values()), default=0)
    return [{k: v[i] if i < len(v) else None for k, v in series.items()} for i in range(length)]


def v_bo_point(inp: Input, standard: str | None) -> Result:
    res = point_grade(_samples(inp), water_depth_cm=inp.get("water_depth_cm"))
    return {"grade": res.grade, "severe_fraction": res.severe_fraction, "samples": res.samples}


def v_bo_waterbody(inp: Input, standard: str | None) -> Result:
    res = waterbody_grade(inp["points_in_order"])
    return {
        "waterbody_grade": res.grade,
        "grade": res.grade,
        "severe_point_fraction": res.severe_point_fraction,
        "consecutive_severe_segments": res.severe_runs,
    }


# ------------------------------------------------------------------------------------ noise


_PERIODS = {"day": "day", "昼间": "day", "昼": "day", "daytime": "day", "night": "night", "夜间": "night",
            "夜": "night", "nighttime": "night"}  # fmt: skip


def _existing_railway(inp: Input) -> bool:
    flag = inp.get("existing_railway")
    if flag is not None:
        return bool(flag)
    railway = str(inp.get("railway", "")).lower()
    return railway in ("existing", "既有", "old") or railway_is_existing(inp.get("eia_approved"))


def _zone_limits(zone: Any, inp: Input) -> Result:
    day, night = noise_limits(zone, existing_railway=_existing_railway(inp))
    return {"day": day, "night": night, "night_lmax": night + t.NOISE_NIGHT_LMAX_ALLOWANCE}


def v_noise_limit(inp: Input, standard: str | None) -> Result:
    period = inp.get("period")
    if period is not None and str(period).strip().lower() not in _PERIODS:
        raise ValueError(f"unknown noise period: {period!r} (day or night)")
    which = _PERIODS[str(period).strip().lower()] if period is not None else None
    if "zones" in inp:
        rows = [_zone_limits(z, inp) for z in inp["zones"]]
        out: Result = {k: [r[k] for r in rows] for k in ("day", "night", "night_lmax")}
    else:
        out = _zone_limits(inp["zone"], inp)
    out["unit"] = t.NOISE_UNIT
    if which is not None:
        out["limit"] = out[which]
        out["limits"] = out[which]
    return out


def v_noise_leq(inp: Input, standard: str | None) -> Result:
    if "hourly_leq" in inp:
        day, night = split_day_night(inp["hourly_leq"])
    else:
        day, night = inp.get("day_hourly_leq", []), inp.get("night_hourly_leq", [])
    res = day_night_levels(inp["zone"], day, night)
    out: Result = {
        "Ld": res.ld_reported,
        "Ln": res.ln_reported,
        "Ld_raw": res.ld,
        "Ln_raw": res.ln,
        "day_attained": res.day_attained,
        "night_attained": res.night_attained,
        "day_limit": res.day_limit,
        "night_limit": res.night_limit,
    }
    lmax = inp.get("night_lmax", inp.get("lmax"))
    if lmax is not None:
        out["burst_attained"] = burst_attained(inp["zone"], lmax)
    return out


def v_noise_rate(inp: Input, standard: str | None) -> Result:
    periods: dict[str, Mapping[str, Mapping[str, int]]] = {}
    for period in ("day", "night"):
        if f"{period}_point_times_by_zone" in inp:
            periods[period] = inp[f"{period}_point_times_by_zone"]
        elif "measurements" in inp:
            periods[period] = count_point_times(inp["measurements"], period)
    if "point_times_by_zone" in inp:
        periods[str(inp.get("period", "night"))] = inp["point_times_by_zone"]
    out: Result = {}
    for period, table in periods.items():
        rate = compliance_rate(table)
        fields = {
            "by_zone_percent": rate.zone_percent(1),
            "by_zone": rate.by_zone,
            "overall": rate.overall,
            "overall_percent_1dp": rate.percent(1),
            "attained": rate.attained,
            "monitored": rate.monitored,
        }
        out.update({f"{period}_{k}": v for k, v in fields.items()})
        if len(periods) == 1:
            out.update(fields)
    return out


FUNCTIONS: dict[str, Adapter] = {
    "iaqi": v_iaqi,
    "aqi_daily": v_aqi_daily,
    "aqi_hourly": v_aqi_hourly,
    "aqi_level": v_aqi_level,
    "round_gbt8170": v_round,
    "percentile_hj663": v_percentile,
    "o3_mda8": v_o3_mda8,
    "daily_mean": v_daily_mean,
    "annual_validity": v_annual_validity,
    "annual_attainment": v_annual_attainment,
    "good_day_ratio": v_good_day_ratio,
    "city_mean": v_city_mean,
    "water_item_class": v_water_item_class,
    "water_section_class": v_water_section_class,
    "water_annual_class": v_water_annual_class,
    "main_pollutants": v_main_pollutants,
    "exceed_multiple": v_exceed_multiple,
    "section_good_ratio": v_river_status,
    "river_status": v_river_status,
    "black_odorous_indicator": v_bo_indicator,
    "black_odorous_point": v_bo_point,
    "black_odorous_waterbody": v_bo_waterbody,
    "noise_limit": v_noise_limit,
    "noise_leq": v_noise_leq,
    "noise_compliance_rate": v_noise_rate,
}


def run_vector(function: str, inp: Input, standard: str | None) -> Result:
    """The result dict of one vector; KeyError for an unknown function."""
    return FUNCTIONS[function](inp, standard)
