"""Surface-water item names, values and single-item classes (GB 3838-2002 Table 1; §4.1).

Item keys are those of `tables.WATER_LIMITS` (pH DO CODMn COD BOD5 NH3N TP TP_lake TN Cu Zn F Se
As Hg Cd Cr6 Pb CN Phenol Oil LAS S2 FecalColi, plus WT for water temperature). Spellings such as
"NH3-N", "氨氮", "Cr6+", "高锰酸盐指数" are accepted. Values below the detection limit may be
written "<0.01" (or "ND(0.01)") and count as half the detection limit (环办监测函〔2020〕82号).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from fractions import Fraction

from taizhang.monitor.standards import tables as t
from taizhang.monitor.standards.exact import Number, is_na, to_fraction

_ALIASES: dict[str, str] = {
    "ph": "pH",
    "酸碱度": "pH",
    "do": "DO",
    "溶解氧": "DO",
    "dissolvedoxygen": "DO",
    "codmn": "CODMn",
    "高锰酸盐指数": "CODMn",
    "permanganateindex": "CODMn",
    "imn": "CODMn",
    "cod": "COD",
    "codcr": "COD",
    "化学需氧量": "COD",
    "bod5": "BOD5",
    "bod": "BOD5",
    "五日生化需氧量": "BOD5",
    "nh3n": "NH3N",
    "nh4n": "NH3N",
    "ammonia": "NH3N",
    "ammonianitrogen": "NH3N",
    "ammonian": "NH3N",
    "nh3": "NH3N",
    "氨氮": "NH3N",
    "tp": "TP",
    "总磷": "TP",
    "totalphosphorus": "TP",
    "tpriver": "TP",
    "tplake": "TP_lake",
    "tpreservoir": "TP_lake",
    "总磷湖库": "TP_lake",
    "tn": "TN",
    "总氮": "TN",
    "totalnitrogen": "TN",
    "tnlake": "TN",
    "cu": "Cu",
    "铜": "Cu",
    "copper": "Cu",
    "zn": "Zn",
    "锌": "Zn",
    "zinc": "Zn",
    "f": "F",
    "fluoride": "F",
    "氟化物": "F",
    "se": "Se",
    "硒": "Se",
    "selenium": "Se",
    "as": "As",
    "砷": "As",
    "arsenic": "As",
    "hg": "Hg",
    "汞": "Hg",
    "mercury": "Hg",
    "cd": "Cd",
    "镉": "Cd",
    "cadmium": "Cd",
    "cr6": "Cr6",
    "crvi": "Cr6",
    "六价铬": "Cr6",
    "铬六价": "Cr6",
    "hexavalentchromium": "Cr6",
    "pb": "Pb",
    "铅": "Pb",
    "lead": "Pb",
    "cn": "CN",
    "cyanide": "CN",
    "氰化物": "CN",
    "phenol": "Phenol",
    "volatilephenol": "Phenol",
    "挥发酚": "Phenol",
    "phenols": "Phenol",
    "volatilephenols": "Phenol",
    "oils": "Oil",
    "petroleumoil": "Oil",
    "sulfides": "S2",
    "oil": "Oil",
    "petroleum": "Oil",
    "石油类": "Oil",
    "las": "LAS",
    "阴离子表面活性剂": "LAS",
    "surfactant": "LAS",
    "anionicsurfactant": "LAS",
    "s2": "S2",
    "sulfide": "S2",
    "sulphide": "S2",
    "硫化物": "S2",
    "s": "S2",
    "fecalcoli": "FecalColi",
    "fc": "FecalColi",
    "fecalcoliform": "FecalColi",
    "粪大肠菌群": "FecalColi",
    "fecalcoliforms": "FecalColi",
    "chla": "Chla",
    "叶绿素a": "Chla",
    "chlorophylla": "Chla",
    "sd": "SD",
    "透明度": "SD",
    "transparency": "SD",
    "wt": "WT",
    "temperature": "WT",
    "watertemperature": "WT",
    "水温": "WT",
    "temp": "WT",
}

_LAKE_WORDS = ("lake", "reservoir", "湖", "库")


def is_lake(waterbody: str | None) -> bool:
    """True for lakes and reservoirs (湖泊, 水库, 湖库); rivers and river-type reservoirs are False."""
    if not waterbody:
        return False
    w = waterbody.lower()
    if "river" in w and "reservoir" in w or "河道型" in w:
        return False
    return any(word in w for word in _LAKE_WORDS)


_SCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻", "01234567890123456789+-")
#: A unit or a river/lake remark written into an item name: "DO (mg/L)", "粪大肠菌群（个/L）".
_NAME_NOTE = re.compile(
    r"[(（\[]\s*(?:[µμu]?g|mg|ng|个|mpn|cfu)\s*/\s*(?:100\s*)?m?l\s*[)）\]]", re.IGNORECASE
)


def _item_key(name: str) -> str:
    text = _NAME_NOTE.sub("", str(name).translate(_SCRIPTS))
    key = re.sub(r"[\s_\-+()（）\[\]·.]", "", text).lower()
    if key not in _ALIASES and key.endswith("值"):
        key = key[:-1]
    if key not in _ALIASES and key.endswith("s") and key[:-1] in _ALIASES:
        key = key[:-1]
    return key


def water_item(name: str, waterbody: str | None = None) -> str:
    """The table key of a water item; lake/reservoir total phosphorus becomes "TP_lake"."""
    item = _ALIASES.get(_item_key(name))
    if item is None:
        raise ValueError(f"unknown water item: {name!r}")
    if item == "TP" and is_lake(waterbody):
        return "TP_lake"
    return item


def base_item(item: str) -> str:
    """The evaluation-item name of a key (TP_lake → TP)."""
    return "TP" if item == "TP_lake" else item


#: Units a value may be given in, as factors to the table unit of its kind of item.
_MASS_UNITS: dict[str, Fraction] = {
    "mg/l": Fraction(1),
    "ug/l": Fraction(1, 1000),
    "ng/l": Fraction(1, 10**6),
}
_COUNT_UNITS: dict[str, Fraction] = {
    "个/l": Fraction(1), "mpn/l": Fraction(1), "cfu/l": Fraction(1),
    "个/100ml": Fraction(10), "mpn/100ml": Fraction(10), "cfu/100ml": Fraction(10),
}  # fmt: skip
_NO_UNITS: dict[str, Fraction] = {"无量纲": Fraction(1), "dimensionless": Fraction(1), "-": Fraction(1)}
_TEMPERATURE_UNITS: dict[str, Fraction] = {"℃": Fraction(1), "°c": Fraction(1), "c": Fraction(1)}


def unit_factor(item: str, unit: str | None) -> Fraction:
    """The factor that takes a value of `item` in `unit` to the GB 3838 table unit (mg/L; fecal
    coliform 个/L; pH none; water temperature ℃). ValueError for a unit that does not fit."""
    if unit is None or not str(unit).strip():
        return Fraction(1)
    key = water_item(item)
    u = str(unit).strip().lower().replace(" ", "").replace("µ", "u").replace("μ", "u").replace("ｌ", "l")
    table = {"pH": _NO_UNITS, "FecalColi": _COUNT_UNITS, "WT": _TEMPERATURE_UNITS}.get(key, _MASS_UNITS)
    if u not in table:
        raise ValueError(f"unknown unit for {key}: {unit!r}")
    return table[u]


def water_value(value: Number | Sequence[Number] | None, factor: Fraction = Fraction(1)) -> Fraction | None:
    """A measured value: a number, "<DL" / "ND(DL)" (half the detection limit), or a list of
    samples (their arithmetic mean, §4.3), times `factor` (see `unit_factor`). None stays None."""
    if factor != 1:
        v = water_value(value)
        return None if v is None else v * factor
    if is_na(value):
        return None
    if isinstance(value, list | tuple):
        samples = [v for v in (water_value(x) for x in value) if v is not None]
        return sum(samples, Fraction(0)) / len(samples) if samples else None
    if isinstance(value, str):
        text = value.strip()
        below = re.match(r"^(?:<|＜|ND\s*\(?|未检出\s*\(?)\s*([0-9.eE+-]+)\s*\)?\s*(?:L)?$", text, re.I)
        if below:
            return to_fraction(below.group(1)) / 2
    return to_fraction(value)  # type: ignore[arg-type]


def class_rank(water_class: str) -> int:
    """0 for I … 5 for 劣V."""
    return t.WATER_CLASSES.index(normalise_class(water_class))


def normalise_class(text: str) -> str:
    """ "Ⅲ", "III类", "3", "劣Ⅴ", "worse than V" → the canonical class names."""
    s = re.sub(r"(?i)^class\s*|\s+|类|水质|水$", "", str(text).strip())
    roman = {"Ⅰ": "I", "Ⅱ": "II", "Ⅲ": "III", "Ⅳ": "IV", "Ⅴ": "V", "一": "I", "二": "II", "三": "III", "四": "IV",
             "五": "V"}  # fmt: skip
    for k, v in roman.items():
        s = s.replace(k, v)
    digits = {"1": "I", "2": "II", "3": "III", "4": "IV", "5": "V", "6": "劣V"}
    s = digits.get(s, s)
    up = s.upper()
    if up.startswith("劣") or up in ("VI", "WORSE THAN V", ">V", "LIE5", "LIEV", "V+"):
        return "劣V"
    if up in t.WATER_CLASSES:
        return up
    raise ValueError(f"unknown water class: {text!r}")


def item_class(
    item: str,
    value: Number | Sequence[Number] | None,
    waterbody: str | None = None,
    *,
    unit: str | None = None,
    saturation: Number | None = None,
) -> str | None:
    """The GB 3838 class of one item's value: the best class whose limit it meets (upper limits
    ≤, DO ≥, pH within 6–9); beyond class V → 劣V. None for NA values and water temperature.
    DO also meets class I with a saturation (per cent) of at least 90 (Table 1)."""
    key = water_item(item, waterbody)
    v = water_value(value, unit_factor(item, unit))
    if key == "DO" and saturation is not None and to_fraction(saturation) >= t.DO_SATURATION_CLASS_I:
        return "I"
    if v is None or key not in t.WATER_LIMITS:
        return None
    direction, limits = t.WATER_LIMITS[key]
    if direction == "range":
        lo, hi = limits
        return "I" if Fraction(lo) <= v <= Fraction(hi) else "劣V"
    for cls, lim in zip(t.WATER_CLASSES, limits, strict=False):
        if (v <= Fraction(lim)) if direction == "upper" else (v >= Fraction(lim)):
            return cls
    return "劣V"


def class_iii_limit(item: str, waterbody: str | None = None) -> Fraction | None:
    """The class III limit of an "upper" item (None for pH, DO, WT and unclassed items)."""
    key = water_item(item, waterbody)
    if base_item(key) in t.WATER_NO_MULTIPLE or key not in t.WATER_LIMITS:
        return None
    direction, limits = t.WATER_LIMITS[key]
    return Fraction(limits[2]) if direction == "upper" else None


def exceed_multiple(
    item: str,
    value: Number | Sequence[Number] | None,
    waterbody: str | None = None,
    *,
    unit: str | None = None,
) -> Fraction | None:
    """(C − S_III) / S_III when C exceeds the class III limit, else None (never for pH, DO, WT)."""
    limit = class_iii_limit(item, waterbody)
    v = water_value(value, unit_factor(item, unit))
    if limit is None or v is None or v <= limit:
        return None
    return (v - limit) / limit
