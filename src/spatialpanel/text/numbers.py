"""The one formatter of numbers that enter messages (sentences, titles, notes).

Every number is formatted here, once, before it becomes a message parameter; messages take no
floats. The forms are language-neutral (ASCII digits, ``.`` as the decimal mark, ``-`` for minus),
as both English and Chinese papers print them.
"""

from __future__ import annotations

import math

__all__ = ["fixed", "integer", "level", "p_value", "percent"]


def fixed(value: float, digits: int = 3) -> str:
    """``value`` with ``digits`` decimals: ``fixed(0.48249, 3) == "0.482"``; NaN as ``"NaN"``."""
    value = float(value)
    if math.isnan(value):
        return "NaN"
    text = f"{value:.{digits}f}"
    return "0" + text[2:] if text.startswith("-0") and float(text) == 0 else text


def integer(value: float) -> str:
    """A count or a year: ``integer(31.0) == "31"``."""
    return f"{round(float(value)):d}"


def percent(value: float, digits: int = 1) -> str:
    """A value in percent: ``percent(2.04) == "2.0%"``."""
    return f"{fixed(value, digits)}%"


def level(alpha: float) -> str:
    """A significance level as a percentage: ``level(0.05) == "5%"``."""
    return f"{100 * float(alpha):g}%"


def p_value(p: float, digits: int = 3) -> str:
    """``"p = 0.015"``, or ``"p < 0.001"`` below the last decimal shown (``digits`` decimals)."""
    bound = 10.0**-digits
    if float(p) < bound:
        return f"p < {bound:.{digits}f}"
    return f"p = {float(p):.{digits}f}"
