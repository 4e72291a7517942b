"""The national environmental standards, exactly: versioned rule sets and a scalar API.

`tables` holds the numbers as plain data (for the vectorised engine); the other modules compute
one value at a time with exact (Fraction/Decimal) arithmetic, for reporting and cross-checking:

    >>> from taizhang.monitor.standards import iaqi, round_gbt8170, percentile_hj663
    >>> iaqi("CO_24H", "2.2", standard="HJ633-2012")
    55
    >>> round_gbt8170("0.25", 1)
    '0.2'
    >>> percentile_hj663([3, 4, 8, 2, 5, 4], 90)
    Fraction(13, 2)

| module | one job |
| --- | --- |
| tables | breakpoints, levels, limits, validity thresholds, water/noise tables (plain data) |
| versions | which rule set applies (explicit name or date of the data) |
| exact | exact parsing and GB/T 8170 rounding |
| items | air item names and units |
| subindex, levels, aqi | sub-indices, AQI categories, daily and real-time AQI reports |
| averages, annual | daily means, MDA8, city values; percentiles, validity, attainment, good days |
| water_items, water | GB 3838 item classes; section, annual and river/basin assessment |
| black_odorous, noise | urban black-odorous grades; GB 3096 limits, Leq, attainment rates |
| vectors, compare, verify | the `taizhang standards verify` runner |
"""

from taizhang.monitor.standards.annual import (
    annual_attainment,
    annual_validity,
    good_day_ratio,
    limit_for,
    percentile_hj663,
    percentile_rank,
)
from taizhang.monitor.standards.aqi import AQIReport, aqi_daily, aqi_hourly
from taizhang.monitor.standards.averages import (
    city_mean,
    city_o3_mda8,
    daily_mean,
    o3_max_1h,
    o3_mda8,
    sliding_8h,
)
from taizhang.monitor.standards.black_odorous import indicator_grade, point_grade, waterbody_grade
from taizhang.monitor.standards.exact import round_gbt8170, round_half_even, round_interval, to_fraction
from taizhang.monitor.standards.levels import aqi_category, aqi_level
from taizhang.monitor.standards.noise import compliance_rate, day_night_levels, energy_average, noise_limits
from taizhang.monitor.standards.subindex import iaqi, iaqi_exact, sub_index
from taizhang.monitor.standards.versions import aqi_standard, limit_standard
from taizhang.monitor.standards.water import (
    annual_item_class,
    assess_section,
    main_pollutants,
    river_status,
    section_ratios,
)
from taizhang.monitor.standards.water_items import exceed_multiple, item_class

__all__ = [
    "AQIReport",
    "annual_attainment",
    "annual_item_class",
    "annual_validity",
    "aqi_category",
    "aqi_daily",
    "aqi_hourly",
    "aqi_level",
    "aqi_standard",
    "assess_section",
    "city_mean",
    "city_o3_mda8",
    "compliance_rate",
    "daily_mean",
    "day_night_levels",
    "energy_average",
    "exceed_multiple",
    "good_day_ratio",
    "iaqi",
    "iaqi_exact",
    "indicator_grade",
    "item_class",
    "limit_for",
    "limit_standard",
    "main_pollutants",
    "noise_limits",
    "o3_max_1h",
    "o3_mda8",
    "percentile_hj663",
    "percentile_rank",
    "point_grade",
    "river_status",
    "round_gbt8170",
    "round_half_even",
    "round_interval",
    "section_ratios",
    "sliding_8h",
    "sub_index",
    "to_fraction",
    "waterbody_grade",
]
