"""The numbers of the national standards, as plain data (no logic).

Everything here is a tuple, dict, int, str or `Decimal`, so the vectorised indicator engine can
build SQL/Ibis expressions from it and the scalar code in this package can compute exactly.
Section numbers (§) refer to shared/spec/env-standards.md.

Rule-set names (the keys used everywhere):
    "HJ633-2012", "HJ633-2026"             AQI technical rules (§1)
    "GB3095-2012", "GB3095-2026",           ambient air limits (§2); "GB3095-2026" is the transitional
    "GB3095-2026-final"                     stage (2026-03-01..2030-12-31), "-final" from 2031-01-01
    "GB3838-2002"                           surface water (§4)
    "GB3096-2008"                           noise (§6)

Air items are named POLLUTANT_PERIOD with POLLUTANT in SO2 NO2 CO O3 PM10 PM25 and PERIOD in
24H / 1H / 8H (O3 8-hour sliding mean; in a daily report the daily maximum 8-hour mean, MDA8).
Concentrations: CO in mg/m³, everything else in µg/m³ (`ITEM_UNITS`).

IAQI breakpoints (`IAQI_BREAKPOINTS[standard][item]`): a tuple aligned with `IAQI_LEVELS`
(0, 50, 100, 150, 200, 300, 400, 500); entry i is the concentration BP at which IAQI equals
IAQI_LEVELS[i]. `None` means the column stops there (SO2 1h above 800, O3 8h above 800); what
happens above the last number is in `IAQI_OVER_TOP_RULES`. Segments are continuous: for
BP_lo <= C <= BP_hi, IAQI = (I_hi - I_lo) / (BP_hi - BP_lo) * (C - BP_lo) + I_lo, then ceiling.
`IAQI_TABLE_ALIASES` maps report items that are indexed with another column (for example the
HJ 633-2026 real-time PM 1-hour values use the daily column).
"""

from __future__ import annotations

from decimal import Decimal

# ---------------------------------------------------------------------------------------------
# Rule-set names and the date at which the 2026 sets take over (§0.2)
# ---------------------------------------------------------------------------------------------
HJ633_2012 = "HJ633-2012"
HJ633_2026 = "HJ633-2026"
GB3095_2012 = "GB3095-2012"
GB3095_2026 = "GB3095-2026"
GB3095_2026_FINAL = "GB3095-2026-final"
GB3838_2002 = "GB3838-2002"
GB3096_2008 = "GB3096-2008"

AQI_STANDARDS: tuple[str, ...] = (HJ633_2012, HJ633_2026)
LIMIT_STANDARDS: tuple[str, ...] = (GB3095_2012, GB3095_2026, GB3095_2026_FINAL)

#: Data dated on or after this day use the 2026 rule sets (ISO date string).
STANDARDS_2026_IN_FORCE = "2026-03-01"
#: From this day GB 3095-2026 final limits replace the transitional ones.
GB3095_2026_FINAL_FROM = "2031-01-01"

# ---------------------------------------------------------------------------------------------
# AQI (HJ 633, §1)
# ---------------------------------------------------------------------------------------------
POLLUTANTS: tuple[str, ...] = ("SO2", "NO2", "PM10", "CO", "O3", "PM25")

#: Unit of every pollutant's concentration as the tables use it.
ITEM_UNITS: dict[str, str] = {
    "SO2": "ug/m3",
    "NO2": "ug/m3",
    "PM10": "ug/m3",
    "CO": "mg/m3",
    "O3": "ug/m3",
    "PM25": "ug/m3",
}

IAQI_LEVELS: tuple[int, ...] = (0, 50, 100, 150, 200, 300, 400, 500)

_BP_2012: dict[str, tuple[int | None, ...]] = {
    "SO2_24H": (0, 50, 150, 475, 800, 1600, 2100, 2620),
    "SO2_1H": (0, 150, 500, 650, 800, None, None, None),
    "NO2_24H": (0, 40, 80, 180, 280, 565, 750, 940),
    "NO2_1H": (0, 100, 200, 700, 1200, 2340, 3090, 3840),
    "PM10_24H": (0, 50, 150, 250, 350, 420, 500, 600),
    "CO_24H": (0, 2, 4, 14, 24, 36, 48, 60),
    "CO_1H": (0, 5, 10, 35, 60, 90, 120, 150),
    "O3_1H": (0, 160, 200, 300, 400, 800, 1000, 1200),
    "O3_8H": (0, 100, 160, 215, 265, 800, None, None),
    "PM25_24H": (0, 35, 75, 115, 150, 250, 350, 500),
}

# HJ 633-2026 Table 3: identical except the IAQI-100 breakpoints of PM10 (120) and PM2.5 (60) (§1.9).
_BP_2026: dict[str, tuple[int | None, ...]] = {
    **_BP_2012,
    "PM10_24H": (0, 50, 120, 250, 350, 420, 500, 600),
    "PM25_24H": (0, 35, 60, 115, 150, 250, 350, 500),
}

IAQI_BREAKPOINTS: dict[str, dict[str, tuple[int | None, ...]]] = {
    HJ633_2012: _BP_2012,
    HJ633_2026: _BP_2026,
}

#: Items indexed with another item's column. PM 1-hour values: HJ 633-2026 indexes them with the
#: daily column (§1.9); HJ 633-2012 gives them no sub-index (its real-time PM IAQI comes from the
#: 24-hour sliding mean, which is a 24H item).
IAQI_TABLE_ALIASES: dict[str, dict[str, str]] = {
    HJ633_2012: {},
    HJ633_2026: {"PM10_1H": "PM10_24H", "PM25_1H": "PM25_24H"},
}

#: What to do when a concentration lies above the last breakpoint of its column (§1.2, §1.8, §1.9):
#:   ("substitute", ITEM)  no IAQI for this item; the pollutant's sub-index comes from ITEM instead
#:   ("fixed", N)          IAQI = N
#:   ("cap", N)            IAQI = N, flagged ABOVE_TABLE (the 2012 text is silent; we cap at 500)
IAQI_OVER_TOP_RULES: dict[str, dict[str, tuple[str, str | int]]] = {
    HJ633_2012: {"SO2_1H": ("substitute", "SO2_24H"), "O3_8H": ("substitute", "O3_1H")},
    HJ633_2026: {"SO2_1H": ("fixed", 200), "O3_8H": ("fixed", 300)},
}
IAQI_CAP = 500
FLAG_ABOVE_TABLE = "ABOVE_TABLE"

#: Items of the daily report (日报), in publication order (§1.7, §1.9).
DAILY_REPORT_ITEMS: dict[str, tuple[str, ...]] = {
    HJ633_2012: ("SO2_24H", "NO2_24H", "PM10_24H", "CO_24H", "O3_1H", "O3_8H", "PM25_24H"),
    HJ633_2026: ("SO2_24H", "NO2_24H", "PM10_24H", "CO_24H", "O3_8H", "PM25_24H"),
}

#: Items of the real-time (hourly) report whose IAQIs make the AQI (§1.7, §1.9).
#: "PM10_24H_SLIDING" is the 24-hour sliding mean, indexed with the 24H column.
HOURLY_REPORT_ITEMS: dict[str, tuple[str, ...]] = {
    HJ633_2012: ("SO2_1H", "NO2_1H", "CO_1H", "O3_1H", "O3_8H", "PM10_24H_SLIDING", "PM25_24H_SLIDING"),
    HJ633_2026: ("SO2_1H", "NO2_1H", "CO_1H", "O3_1H", "PM10_1H", "PM25_1H"),
}

#: AQI above which a pollutant is primary (首要污染物, AQI > 50) and IAQI above which it is
#: exceeding (超标污染物, 2012 only, IAQI > 100).
PRIMARY_ABOVE = 50
EXCEEDING_ABOVE = 100
#: HJ 633-2026 §5.3.1: with a pollutant missing, AQI is published only when above this.
PUBLISH_WITH_MISSING_ABOVE = 100

#: AQI levels (HJ 633 Table 2, Appendix A): (upper AQI inclusive or None for open-ended, level,
#: category, colour name, English colour, RGB, CMYK, hex).
AQI_CATEGORIES: tuple[
    tuple[int | None, int, str, str, str, tuple[int, int, int], tuple[int, ...], str], ...
] = (
    (50, 1, "优", "绿色", "green", (0, 228, 0), (40, 0, 100, 0), "#00E400"),
    (100, 2, "良", "黄色", "yellow", (255, 255, 0), (0, 0, 100, 0), "#FFFF00"),
    (150, 3, "轻度污染", "橙色", "orange", (255, 126, 0), (0, 52, 100, 0), "#FF7E00"),
    (200, 4, "中度污染", "红色", "red", (255, 0, 0), (0, 100, 100, 0), "#FF0000"),
    (300, 5, "重度污染", "紫色", "purple", (153, 0, 76), (10, 100, 40, 30), "#99004C"),
    (None, 6, "严重污染", "褐红色", "maroon", (126, 0, 35), (30, 100, 100, 30), "#7E0023"),
)
LEVEL_ROMAN: dict[int, str] = {1: "一级", 2: "二级", 3: "三级", 4: "四级", 5: "五级", 6: "六级"}

#: Chinese display names of report items (primary pollutant with averaging time, §1.7).
ITEM_NAMES_ZH: dict[str, str] = {
    "SO2_24H": "二氧化硫",
    "SO2_1H": "二氧化硫",
    "NO2_24H": "二氧化氮",
    "NO2_1H": "二氧化氮",
    "PM10_24H": "PM10",
    "PM10_1H": "PM10",
    "PM10_24H_SLIDING": "PM10",
    "CO_24H": "一氧化碳",
    "CO_1H": "一氧化碳",
    "O3_1H": "臭氧1小时",
    "O3_8H": "臭氧8小时",
    "PM25_24H": "PM2.5",
    "PM25_1H": "PM2.5",
    "PM25_24H_SLIDING": "PM2.5",
}

# ---------------------------------------------------------------------------------------------
# GB 3095 limits (§2.1, §2.2): LIMITS[standard][(pollutant, period)] = (class 1, class 2)
# periods: "annual", "24h" (日平均), "8h" (O3 日最大8小时平均), "1h", "quarterly"
# units: µg/m³ except CO in mg/m³
# ---------------------------------------------------------------------------------------------
Limit = tuple[int | Decimal, int | Decimal]

_LIMITS_2012: dict[tuple[str, str], Limit] = {
    ("SO2", "annual"): (20, 60),
    ("SO2", "24h"): (50, 150),
    ("SO2", "1h"): (150, 500),
    ("NO2", "annual"): (40, 40),
    ("NO2", "24h"): (80, 80),
    ("NO2", "1h"): (200, 200),
    ("CO", "24h"): (4, 4),
    ("CO", "1h"): (10, 10),
    ("O3", "8h"): (100, 160),
    ("O3", "1h"): (160, 200),
    ("PM10", "annual"): (40, 70),
    ("PM10", "24h"): (50, 150),
    ("PM25", "annual"): (15, 35),
    ("PM25", "24h"): (35, 75),
    ("TSP", "annual"): (80, 200),
    ("TSP", "24h"): (120, 300),
    ("NOX", "annual"): (50, 50),
    ("NOX", "24h"): (100, 100),
    ("NOX", "1h"): (250, 250),
    ("PB", "annual"): (Decimal("0.5"), Decimal("0.5")),
    ("PB", "quarterly"): (1, 1),
    ("BAP", "annual"): (Decimal("0.001"), Decimal("0.001")),
    ("BAP", "24h"): (Decimal("0.0025"), Decimal("0.0025")),
}

_LIMITS_2026_TRANSITIONAL: dict[tuple[str, str], Limit] = {
    **_LIMITS_2012,
    ("PM10", "annual"): (40, 60),
    ("PM10", "24h"): (50, 120),
    ("PM25", "annual"): (15, 30),
    ("PM25", "24h"): (35, 60),
}

_LIMITS_2026_FINAL: dict[tuple[str, str], Limit] = {
    **_LIMITS_2026_TRANSITIONAL,
    ("SO2", "annual"): (20, 20),
    ("SO2", "24h"): (50, 50),
    ("SO2", "1h"): (150, 150),
    ("NO2", "annual"): (30, 30),
    ("NO2", "24h"): (50, 50),
    ("PM10", "annual"): (20, 50),
    ("PM10", "24h"): (50, 100),
    ("PM25", "annual"): (10, 25),
    ("PM25", "24h"): (25, 50),
    ("NOX", "annual"): (40, 40),
    ("NOX", "24h"): (70, 70),
}

LIMITS: dict[str, dict[tuple[str, str], Limit]] = {
    GB3095_2012: _LIMITS_2012,
    GB3095_2026: _LIMITS_2026_TRANSITIONAL,
    GB3095_2026_FINAL: _LIMITS_2026_FINAL,
}

# ---------------------------------------------------------------------------------------------
# Data validity, GB 3095 §6 Table 4 (§2.3); identical in 2012 and 2026
# ---------------------------------------------------------------------------------------------
#: Minimum valid hourly values for a 24-hour mean (SO2 NO2 CO PM10 PM25 NOx).
MIN_HOURS_DAILY = 20
#: TSP, BaP and Pb 24-hour values need 24 hours of sampling.
MIN_HOURS_DAILY_FULL = 24
FULL_DAY_POLLUTANTS: tuple[str, ...] = ("TSP", "BAP", "PB")
#: Minimum valid hourly values in an 8-hour window (O3).
MIN_HOURS_8H = 6
#: Minimum minutes of sampling in an hour for a valid hourly value.
MIN_MINUTES_1H = 45
#: Annual statistics (annual mean, daily percentiles, O3 MDA8 percentile; §2.3, §3.3).
MIN_DAYS_YEAR = 324
MIN_DAYS_MONTH = 27
MIN_DAYS_FEBRUARY = 25
#: TSP, BaP, Pb annual values: >= 60 evenly spread daily values a year and >= 5 a month.
MIN_DAYS_YEAR_TSP = 60
MIN_DAYS_MONTH_TSP = 5
#: Pb quarterly: >= 15 daily values a quarter and >= 5 a month.
MIN_DAYS_QUARTER_PB = 15
#: MDA8: windows ending at 8时..24时 of the same day = windows starting at h = 0..16 (§3.2).
MDA8_WINDOW_STARTS: tuple[int, ...] = tuple(range(17))
MDA8_MIN_WINDOWS = 14

# ---------------------------------------------------------------------------------------------
# HJ 663 annual assessment (§3.1): pollutant -> (has annual mean, percentile p, limit period)
# ---------------------------------------------------------------------------------------------
ANNUAL_STATISTICS: dict[str, tuple[bool, int, str]] = {
    "SO2": (True, 98, "24h"),
    "NO2": (True, 98, "24h"),
    "PM10": (True, 95, "24h"),
    "PM25": (True, 95, "24h"),
    "CO": (False, 95, "24h"),
    "O3": (False, 90, "8h"),
}

#: GB/T 8170 rounding precision (decimal places) of concentrations (§0.3).
CONCENTRATION_DIGITS: dict[str, int] = {"SO2": 0, "NO2": 0, "PM10": 0, "PM25": 0, "O3": 0, "CO": 1}

#: Good-day and pollution-day thresholds on the daily AQI (§3.6).
GOOD_DAY_MAX_AQI = 100
HEAVY_DAY_ABOVE_AQI = 200
SEVERE_DAY_ABOVE_AQI = 300

# ---------------------------------------------------------------------------------------------
# Surface water, GB 3838-2002 Table 1 (§4.1): limits for classes I..V; mg/L unless noted
# ---------------------------------------------------------------------------------------------
WATER_CLASSES: tuple[str, ...] = ("I", "II", "III", "IV", "V", "劣V")

#: item -> (direction, (I, II, III, IV, V)); direction "upper" (value <= limit), "lower" (value >=
#: limit, DO) or "range" (pH, 6..9 for every class). Lake/reservoir TP and TN have their own rows.
WATER_LIMITS: dict[str, tuple[str, tuple[Decimal, ...]]] = {
    "pH": ("range", (Decimal(6), Decimal(9))),
    "DO": ("lower", tuple(Decimal(x) for x in ("7.5", "6", "5", "3", "2"))),
    "CODMn": ("upper", tuple(Decimal(x) for x in ("2", "4", "6", "10", "15"))),
    "COD": ("upper", tuple(Decimal(x) for x in ("15", "15", "20", "30", "40"))),
    "BOD5": ("upper", tuple(Decimal(x) for x in ("3", "3", "4", "6", "10"))),
    "NH3N": ("upper", tuple(Decimal(x) for x in ("0.15", "0.5", "1.0", "1.5", "2.0"))),
    "TP": ("upper", tuple(Decimal(x) for x in ("0.02", "0.1", "0.2", "0.3", "0.4"))),
    "TP_lake": ("upper", tuple(Decimal(x) for x in ("0.01", "0.025", "0.05", "0.1", "0.2"))),
    "TN": ("upper", tuple(Decimal(x) for x in ("0.2", "0.5", "1.0", "1.5", "2.0"))),
    "Cu": ("upper", tuple(Decimal(x) for x in ("0.01", "1.0", "1.0", "1.0", "1.0"))),
    "Zn": ("upper", tuple(Decimal(x) for x in ("0.05", "1.0", "1.0", "2.0", "2.0"))),
    "F": ("upper", tuple(Decimal(x) for x in ("1.0", "1.0", "1.0", "1.5", "1.5"))),
    "Se": ("upper", tuple(Decimal(x) for x in ("0.01", "0.01", "0.01", "0.02", "0.02"))),
    "As": ("upper", tuple(Decimal(x) for x in ("0.05", "0.05", "0.05", "0.1", "0.1"))),
    "Hg": ("upper", tuple(Decimal(x) for x in ("0.00005", "0.00005", "0.0001", "0.001", "0.001"))),
    "Cd": ("upper", tuple(Decimal(x) for x in ("0.001", "0.005", "0.005", "0.005", "0.01"))),
    "Cr6": ("upper", tuple(Decimal(x) for x in ("0.01", "0.05", "0.05", "0.05", "0.1"))),
    "Pb": ("upper", tuple(Decimal(x) for x in ("0.01", "0.01", "0.05", "0.05", "0.1"))),
    "CN": ("upper", tuple(Decimal(x) for x in ("0.005", "0.05", "0.2", "0.2", "0.2"))),
    "Phenol": ("upper", tuple(Decimal(x) for x in ("0.002", "0.002", "0.005", "0.01", "0.1"))),
    "Oil": ("upper", tuple(Decimal(x) for x in ("0.05", "0.05", "0.05", "0.5", "1.0"))),
    "LAS": ("upper", tuple(Decimal(x) for x in ("0.2", "0.2", "0.2", "0.3", "0.3"))),
    "S2": ("upper", tuple(Decimal(x) for x in ("0.05", "0.1", "0.2", "0.5", "1.0"))),
    "FecalColi": ("upper", tuple(Decimal(x) for x in ("200", "2000", "10000", "20000", "40000"))),
}

#: DO also meets class I at a saturation of at least this many per cent (Table 1, "或饱和率90%").
DO_SATURATION_CLASS_I = 90

#: The 21 items that set a section's class (环办〔2011〕22号, §4.2): Table 1 minus water
#: temperature, TN and fecal coliform. "TP" means the lake row for lakes and reservoirs.
WATER_EVALUATION_ITEMS: tuple[str, ...] = (
    "pH",
    "DO",
    "CODMn",
    "COD",
    "BOD5",
    "NH3N",
    "TP",
    "Cu",
    "Zn",
    "F",
    "Se",
    "As",
    "Hg",
    "Cd",
    "Cr6",
    "Pb",
    "CN",
    "Phenol",
    "Oil",
    "LAS",
    "S2",
)
#: Reference items, assessed separately and never setting the class.
WATER_REFERENCE_ITEMS: tuple[str, ...] = ("WT", "TN", "FecalColi")
#: Items that get no exceedance multiple.
WATER_NO_MULTIPLE: tuple[str, ...] = ("pH", "DO", "WT")
#: Toxic items listed first among main pollutants when worse than class III (§4.4).
WATER_PRIORITY_ITEMS: tuple[str, ...] = ("CN", "Pb", "Cr6", "Hg", "Cd", "As")

WATER_ITEM_NAMES_ZH: dict[str, str] = {
    "WT": "水温",
    "pH": "pH",
    "DO": "溶解氧",
    "CODMn": "高锰酸盐指数",
    "COD": "化学需氧量",
    "BOD5": "五日生化需氧量",
    "NH3N": "氨氮",
    "TP": "总磷",
    "TP_lake": "总磷",
    "TN": "总氮",
    "Cu": "铜",
    "Zn": "锌",
    "F": "氟化物",
    "Se": "硒",
    "As": "砷",
    "Hg": "汞",
    "Cd": "镉",
    "Cr6": "铬（六价）",
    "Pb": "铅",
    "CN": "氰化物",
    "Phenol": "挥发酚",
    "Oil": "石油类",
    "LAS": "阴离子表面活性剂",
    "S2": "硫化物",
    "FecalColi": "粪大肠菌群",
}

#: Section class -> (water status, colour) (§4.3).
WATER_STATUS: dict[str, tuple[str, str]] = {
    "I": ("优", "蓝色"),
    "II": ("优", "蓝色"),
    "III": ("良好", "绿色"),
    "IV": ("轻度污染", "黄色"),
    "V": ("中度污染", "橙色"),
    "劣V": ("重度污染", "红色"),
}
STATUS_COLOURS: dict[str, str] = {
    "优": "蓝色",
    "良好": "绿色",
    "轻度污染": "黄色",
    "中度污染": "橙色",
    "重度污染": "红色",
}
#: River/basin proportion method (§4.5): used with at least this many sections.
RIVER_PROPORTION_MIN_SECTIONS = 5

# ---------------------------------------------------------------------------------------------
# Urban black-odorous water (建城〔2015〕130号, §5): closed 轻度 ranges, 重度 strictly beyond
# indicator -> (轻度 low, 轻度 high, direction); direction "low_bad" means smaller is worse
# ---------------------------------------------------------------------------------------------
BLACK_ODOROUS_RANGES: dict[str, tuple[Decimal, Decimal, str]] = {
    "SD": (Decimal(10), Decimal(25), "low_bad"),  # transparency, cm
    "DO": (Decimal("0.2"), Decimal("2.0"), "low_bad"),  # mg/L
    "ORP": (Decimal(-200), Decimal(50), "low_bad"),  # mV
    "NH3N": (Decimal("8.0"), Decimal(15), "high_bad"),  # mg/L
}
BLACK_ODOROUS_GRADES: tuple[str, ...] = ("不黑臭", "轻度黑臭", "重度黑臭")
#: Water shallower than this (cm): SD lines scale with depth (10/25 = 40 % of the depth).
BLACK_ODOROUS_SHALLOW_CM = Decimal(25)
BLACK_ODOROUS_SHALLOW_FACTOR = Decimal("0.4")
#: Point: 重度 when one indicator has >= 60 % of samples 重度, or >= 2 indicators each >= 30 %.
BLACK_ODOROUS_ONE_INDICATOR_SHARE = Decimal("0.6")
BLACK_ODOROUS_TWO_INDICATOR_SHARE = Decimal("0.3")
#: Water body: >= 60 % of points 重度, or runs of >= 3 consecutive 重度 points (a 重度 stretch).
BLACK_ODOROUS_WATERBODY_SHARE = Decimal("0.6")
BLACK_ODOROUS_RUN = 3

# ---------------------------------------------------------------------------------------------
# Noise, GB 3096-2008 Table 1 (§6): zone -> (day, night) L_Aeq limits in dB(A)
# ---------------------------------------------------------------------------------------------
NOISE_LIMITS: dict[str, tuple[int, int]] = {
    "0": (50, 40),
    "1": (55, 45),
    "2": (60, 50),
    "3": (65, 55),
    "4a": (70, 55),
    "4b": (70, 60),
}
#: Background limits for existing railway trunk lines through urban areas (§6.1).
NOISE_RAILWAY_BACKGROUND: tuple[int, int] = (70, 55)
#: The 4b limits apply to new railway trunk lines whose EIA was approved from this day (§6.1).
NOISE_4B_NEW_LINES_FROM = "2011-01-01"
#: Night burst noise: L_max may exceed the night limit by at most this many dB(A).
NOISE_NIGHT_LMAX_ALLOWANCE = 15
#: Day is 06:00-22:00 (hours beginning h = 6..21), night 22:00-06:00.
NOISE_DAY_HOURS: tuple[int, ...] = tuple(range(6, 22))
NOISE_NIGHT_HOURS: tuple[int, ...] = (22, 23, 0, 1, 2, 3, 4, 5)
NOISE_UNIT = "dB(A) Leq"
NOISE_DIGITS = 1
