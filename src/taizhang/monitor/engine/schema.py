"""The observation schema: canonical pollutant names, units, flags and the integer scale.

Hourly air observations are stored one row per station-hour::

    station: string   date: date32 (the natural day)   hour: int8 (0..23, the hour *beginning* h:00)
    pm25, pm10, so2, no2, co, o3: float64   (µg/m³; CO in mg/m³; null where the value is not usable)
    pm25_flag, …, o3_flag: int8             (why a value is null: see ``Flag``)

The engine turns each value into an integer number of ``SCALE``-ths of its unit before any arithmetic,
so daily sums and everything computed from them are exact.
"""

from __future__ import annotations

from enum import IntEnum

#: Concentrations are read to at most 4 decimals (the UCI data carry 4) and summed as integers of 1e-4 units.
SCALE = 10_000

#: Canonical column name → display name, in report order.
POLLUTANTS: dict[str, str] = {
    "pm25": "PM2.5",
    "pm10": "PM10",
    "so2": "SO2",
    "no2": "NO2",
    "co": "CO",
    "o3": "O3",
}
DISPLAY_TO_CODE = {v: k for k, v in POLLUTANTS.items()}

#: Pollutants with a 24-hour mean (日平均); O3 is handled by its 1-h maximum and MDA8.
DAILY_MEAN = ("pm25", "pm10", "so2", "no2", "co")

#: Canonical unit per pollutant: CO in mg/m³, everything else in µg/m³ (spec §0.3).
CANONICAL_UNIT = {p: ("mg/m3" if p == "co" else "ug/m3") for p in POLLUTANTS}

#: Daily values are rounded (GB/T 8170) to integers of this many canonical units: 1 µg/m³, CO 0.1 mg/m³.
#: ``DECIMALS`` is the number of decimals kept; the engine stores rounded values as integers of 10^-DECIMALS.
DECIMALS = {p: (1 if p == "co" else 0) for p in POLLUTANTS}

#: Default instrument ceilings (canonical units): a reading at or above it is a saturated instrument
#: (the UCI Beijing data carry PM 999 and CO 10000 µg/m³) or, for O3, an impossible stuck value.
DEFAULT_CEILINGS: dict[str, float] = {"pm25": 999.0, "pm10": 999.0, "co": 10.0, "o3": 1000.0}


class Flag(IntEnum):
    """Why an hourly value is not used (stored as ``<pollutant>_flag``)."""

    OK = 0
    MISSING = 1  # NA token, empty cell, or no row for that hour
    NEGATIVE = 2  # a negative concentration
    CEILING = 3  # at or above the instrument ceiling
    INVALID = 4  # text that is not a number


def air_arrow_schema():  # -> pyarrow.Schema (imported lazily: pyarrow is heavy)
    import pyarrow as pa

    fields = [pa.field("station", pa.string()), pa.field("date", pa.date32()), pa.field("hour", pa.int8())]
    fields += [pa.field(p, pa.float64()) for p in POLLUTANTS]
    fields += [pa.field(f"{p}_flag", pa.int8()) for p in POLLUTANTS]
    return pa.schema(fields)

#: Default non-city stations: Beijing's 定陵 is the city clean-control point (城市清洁对照点).
DEFAULT_CITY_EXCLUDE = ("Dingling", "定陵")
