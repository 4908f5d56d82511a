"""Number formatting shared by every table renderer (HTML, Word, LaTeX, Markdown)."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

__all__ = ["fmt_number", "formatted", "stars"]


def stars(p: float) -> str:
    """Significance stars: *** p < 0.01, ** p < 0.05, * p < 0.1."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return ""
    return "***" if p < 0.01 else "**" if p < 0.05 else "*" if p < 0.1 else ""


def fmt_number(value: Any, *, digits: int = 4) -> str:
    """Format one cell: integers as integers, floats with ``digits`` decimals, NaN as blank."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:d}"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15 and digits == 0:
            return f"{int(value):d}"
        if value != 0 and abs(value) < 10 ** (-digits):
            return f"{value:.2e}"
        return f"{value:.{digits}f}"
    return str(value)


def formatted(frame: pd.DataFrame, *, digits: int = 4) -> pd.DataFrame:
    """A copy of ``frame`` with every cell formatted as text (index and columns kept)."""
    out = frame.copy().astype(object)
    for col in out.columns:
        series = frame[col]
        int_like = pd.api.types.is_integer_dtype(series)
        out[col] = [
            fmt_number(int(v) if int_like and pd.notna(v) else _py(v), digits=digits)
            for v in series
        ]
    return out


def _py(v: Any) -> Any:
    if hasattr(v, "item"):
        return v.item()
    return v
