"""Exact numbers: parse text into `Fraction`, and GB/T 8170-2008 rounding (§0.3).

Floats never enter a computation: a float given by a caller is read through its shortest decimal
text (`repr`), so 2.2 means the decimal 2.2, not the binary double nearest to it.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from fractions import Fraction

Number = int | float | str | Decimal | Fraction


def to_fraction(value: Number) -> Fraction:
    """The exact value of `value`: an int, Decimal, Fraction, float (via its decimal text) or a
    string such as "35.5", "-0.25", "1e3" or "541/600". Raises ValueError for anything else."""
    if isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, Fraction | int):
        return Fraction(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"not a finite number: {value!r}")
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a finite number: {value!r}")
        return Fraction(Decimal(repr(value)))
    if isinstance(value, str):
        text = value.strip().replace("\u2212", "-").replace("，", "").replace(",", "")
        if not text:
            raise ValueError("empty number")
        try:
            if "/" in text:
                num, den = text.split("/", 1)
                return Fraction(Decimal(num.strip())) / Fraction(Decimal(den.strip()))
            dec = Decimal(text)
        except (InvalidOperation, ZeroDivisionError) as e:
            raise ValueError(f"not a number: {value!r}") from e
        if not dec.is_finite():
            raise ValueError(f"not a finite number: {value!r}")
        return Fraction(dec)
    raise ValueError(f"not a number: {value!r}")


#: How a missing value may be written (HJ 633 Tables 3 and 4 show "NA").
NA_TEXTS = frozenset({"", "NA", "N/A", "NAN", "NULL", "NONE", "-", "—", "--", "无效"})


def is_na(value: object) -> bool:
    """True for None and for NA written as text ("NA", "", "-", "无效")."""
    return value is None or (isinstance(value, str) and value.strip().upper() in NA_TEXTS)


def optional_fraction(value: Number | None) -> Fraction | None:
    """`to_fraction`, with NA (None or "NA") as None."""
    return None if is_na(value) else to_fraction(value)  # type: ignore[arg-type]


def round_half_even(value: Number, digits: int = 0) -> Decimal:
    """Round the exact value of `value` to `digits` decimal places in one step (GB/T 8170-2008):
    below half drops, above half (a 5 followed by any non-zero digit) rounds up, exactly half
    rounds to the even neighbour. Negative numbers round their absolute value. `digits` may be
    negative (round to tens, hundreds, ...). The result carries exactly `digits` decimals."""
    exact = to_fraction(value)
    scale = Fraction(10) ** digits
    scaled = abs(exact) * scale
    whole = math.floor(scaled)
    rest = scaled - whole
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and whole % 2 == 1):
        whole += 1
    if exact < 0 and whole != 0:
        whole = -whole
    if digits >= 0:
        return Decimal(whole).scaleb(-digits)
    return Decimal(whole * 10 ** (-digits))


def round_gbt8170(value: Number, digits: int = 0) -> str:
    """GB/T 8170 rounding of a decimal string (or number) to `digits` places, as a string:
    round_gbt8170("35.5") == "36", round_gbt8170("0.25", 1) == "0.2", ("1.251", 1) -> "1.3"."""
    return str(round_half_even(value, digits))


def round_interval(value: Number, interval: Number) -> Decimal:
    """GB/T 8170 rounding to a rounding interval (修约间隔) 10^n, or 0.5 or 0.2 units of 10^n:
    the value is divided by the interval, rounded to an integer by the same rule (half to even,
    one step) and multiplied back (60.25 by 0.5 → 60.0, 60.38 → 60.5, 830 by 20 → 840).
    The result carries the interval's decimals."""
    step = to_fraction(interval)
    text = Decimal(str(interval)).normalize() if not isinstance(interval, Fraction) else None
    if step <= 0 or text is None:
        raise ValueError(f"not a rounding interval: {interval!r}")
    digit = text.as_tuple().digits
    if digit not in ((1,), (2,), (5,)):
        raise ValueError(f"GB/T 8170 intervals are 1, 2 or 5 units of a power of ten, not {interval!r}")
    places = max(0, -int(text.as_tuple().exponent))
    if digit == (1,):
        return round_half_even(value, -int(text.as_tuple().exponent))
    whole = round_half_even(to_fraction(value) / step, 0)
    return (Decimal(whole) * text).quantize(Decimal(1).scaleb(-places))


def fraction_text(value: Fraction) -> str:
    """A reduced fraction as "num/den" (or an integer string)."""
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def terminating_decimal(value: Fraction) -> Decimal | None:
    """The exact Decimal of `value` when its decimal expansion terminates, else None."""
    den = value.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    if den != 1:
        return None
    places = max(twos, fives)
    return round_half_even(value, places)


def percent(part: int | Fraction, whole: int | Fraction) -> Fraction | None:
    """part / whole x 100 exactly; None when `whole` is zero."""
    if whole == 0:
        return None
    return Fraction(part) * 100 / Fraction(whole)
