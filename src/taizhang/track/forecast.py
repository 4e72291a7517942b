"""Forecast to the deadline: the least-squares line through the reported values, extended.

With n ≥ 3 points the forecast carries a prediction interval for the value at the deadline:
ŷ ± t(1 − α/2, n − 2) · s · √(1 + 1/n + (x₀ − x̄)² / Sxx), s² = Σ residual² / (n − 2), the usual
interval for one new observation (90 % by default). The Student t quantile is computed here (regularised
incomplete beta by continued fraction, inverted by bisection), so no SciPy is needed.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from functools import lru_cache

from taizhang.track.model import Forecast

_EPS = 1e-9


def satisfies(value: float, op: str, goal: float) -> bool:
    """Whether `value` meets `op goal` (`=` with a relative tolerance of 1e-9)."""
    tol = _EPS * max(1.0, abs(goal))
    if op == "<=":
        return value <= goal + tol
    if op == "<":
        return value < goal
    if op == ">=":
        return value >= goal - tol
    if op == ">":
        return value > goal
    if op == "=":
        return abs(value - goal) <= tol
    raise ValueError(f"unknown operator {op!r}")


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return h


def _betai(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    ln = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    front = math.exp(ln)
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    tail = 0.5 * _betai(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


@lru_cache(maxsize=256)
def t_quantile(p: float, df: float) -> float:
    """The p-quantile of Student's t with `df` degrees of freedom (0 < p < 1)."""
    if not 0.0 < p < 1.0:
        raise ValueError("p must be between 0 and 1")
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    lo, hi = 0.0, 1.0
    while t_cdf(hi, df) < p:
        hi *= 2.0
    for _ in range(200):
        mid = (lo + hi) / 2.0
        if t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-12 * max(1.0, hi):
            break
    return (lo + hi) / 2.0


def trend(
    points: Sequence[tuple[dt.date, float]], at: dt.date, confidence: float = 0.90
) -> tuple[float, float | None, float | None] | None:
    """The least-squares line through `points`, read at `at`: (value, low, high); None when no line fits.

    The interval needs at least 3 points (else low and high are None); with all points on one line it
    has zero width.
    """
    n = len(points)
    if n < 2:
        return None
    # One pass over the points (this runs for every subject of a status list): sums of x, y, x², xy, y²
    # with x in days from the first point, then the usual centred forms.
    base = points[0][0].toordinal()
    sx = sy = sxx_ = sxy_ = syy_ = 0.0
    for d, v in points:
        x = float(d.toordinal() - base)
        y = float(v)
        sx += x
        sy += y
        sxx_ += x * x
        sxy_ += x * y
        syy_ += y * y
    mx, my = sx / n, sy / n
    sxx = sxx_ - n * mx * mx
    if sxx <= 1e-12 * max(1.0, sxx_):
        return None
    sxy = sxy_ - n * mx * my
    slope = sxy / sxx
    x0 = float(at.toordinal() - base)
    value = my + slope * (x0 - mx)
    if n < 3:
        return value, None, None
    sse = max(0.0, (syy_ - n * my * my) - slope * sxy)
    s = math.sqrt(sse / (n - 2))
    half = t_quantile(0.5 + confidence / 2.0, n - 2) * s * math.sqrt(1.0 + 1.0 / n + (x0 - mx) ** 2 / sxx)
    return value, value - half, value + half


def forecast(
    points: Sequence[tuple[dt.date, float]],
    deadline: dt.date,
    op: str,
    goal: float,
    confidence: float = 0.90,
) -> Forecast | None:
    """The forecast value at `deadline` and whether it meets `op goal`; None with fewer than 2 dates."""
    line = trend(points, deadline, confidence)
    if line is None:
        return None
    value, low, high = line
    return Forecast(value=value, low=low, high=high, meets=satisfies(value, op, goal), points=len(points))
