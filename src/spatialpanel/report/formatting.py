"""Number formatting: the one formatter behind every table writer (HTML, Word, LaTeX, Markdown).

Conventions (as journals print them; stated in ``docs/conventions.md``):

* p-values: ``< 0.001`` below 0.001, else three decimals (:func:`fmt_p`);
* counts: integers, never ``78.0000`` (:func:`fmt_count`);
* probabilities: clipped to [0, 1]; values within 1e-12 of 0 or 1 are floating-point noise and
  print as 0 or 1; a non-zero value that would round to ``0.0000`` prints ``< 0.0001`` (and one
  that would round to ``1.0000`` prints ``> 0.9999``), so nothing is rounded into a different
  claim (:func:`fmt_probability`);
* coefficients and standard errors of regression tables: three decimals, more for small numbers
  so that three significant digits show (Stata's ``a3`` format; :func:`coef_decimals`);
* fit statistics: two decimals from 100 up, three below, three significant digits under 0.01
  (:func:`fmt_stat`);
* everything else: four decimals, scientific notation below 1e-4 (:func:`fmt_number`);
* NaN and None: blank.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from typing import Any

import pandas as pd

__all__ = [
    "COUNT_NAMES",
    "PROBABILITY_TABLES",
    "P_NAMES",
    "coef_decimals",
    "column_formats",
    "fmt_count",
    "fmt_fixed",
    "fmt_number",
    "fmt_p",
    "fmt_probability",
    "fmt_stat",
    "formatted",
    "stars",
]

#: Column identifiers that hold p-values (last level of a column label).
P_NAMES = frozenset(
    {"p", "pvalue", "p_value", "p_one_sided", "p_sim", "p_perm", "p_norm", "p_fdr", "direct_p",
     "total_p"}
)  # fmt: skip
#: Column identifiers that hold counts.
COUNT_NAMES = frozenset(
    {"n", "count", "nobs", "n_obs", "n_peaks", "filled", "cells", "neighbours_min",
     "neighbours_max", "islands", "df", "rank", "regions", "provinces"}
)  # fmt: skip
#: Table-key suffixes whose class columns hold probabilities (Markov transition tables).
PROBABILITY_TABLES = ("_markov", "_spatial_markov", "_lisa_markov")

_NOISE = 1e-12


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        return bool(isinstance(value, float) and math.isnan(value))
    except TypeError:  # pragma: no cover - exotic scalars
        return False


def _float(value: Any) -> float | None:
    """``value`` as a float, or None when it is not a number (text, bool, missing)."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, bool) or _missing(value):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.replace("−", "-"))
        except ValueError:
            return None
    return None


def stars(p: Any) -> str:
    """Significance stars: ``***`` p < 0.01, ``**`` p < 0.05, ``*`` p < 0.1; blank for NaN."""
    x = _float(p)
    if x is None or math.isnan(x):
        return ""
    return "***" if x < 0.01 else "**" if x < 0.05 else "*" if x < 0.1 else ""


def fmt_number(value: Any, *, digits: int = 4) -> str:
    """Format one cell: integers as integers, floats with ``digits`` decimals, NaN as blank.

    Floats whose magnitude is below ``10**-digits`` (and not zero) use scientific notation, so a
    small number never prints as ``0.0000``.
    """
    if hasattr(value, "item"):
        value = value.item()
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:d}"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if math.isinf(value):
            return "∞" if value > 0 else "-∞"
        if value.is_integer() and abs(value) < 1e15 and digits == 0:
            return f"{int(value):d}"
        if value != 0 and abs(value) < 10 ** (-digits):
            return f"{value:.2e}"
        return _no_negative_zero(f"{value:.{digits}f}")
    return str(value)


def _no_negative_zero(text: str) -> str:
    """``-0.0000`` -> ``0.0000``: a sign on a number printed as zero claims what it cannot."""
    if text.startswith("-") and not text.strip("-0.,"):
        return text[1:]
    return text


def fmt_fixed(value: Any, decimals: int) -> str:
    """``value`` with exactly ``decimals`` decimals (no negative zero); blank when missing."""
    x = _float(value)
    if x is None:
        return "" if _missing(value) else str(value)
    if math.isnan(x):
        return ""
    return _no_negative_zero(f"{x:.{decimals}f}")


def fmt_p(value: Any) -> str:
    """A p-value as journals print it: ``< 0.001`` or three decimals (blank when missing)."""
    x = _float(value)
    if x is None:
        return "" if _missing(value) else str(value)
    if math.isnan(x):
        return ""
    x = min(max(x, 0.0), 1.0)
    return "< 0.001" if x < 0.001 else f"{x:.3f}"


def fmt_count(value: Any) -> str:
    """A count as an integer (``78``, not ``78.0000``); a non-integer value keeps its decimals."""
    x = _float(value)
    if x is None:
        return "" if _missing(value) else str(value)
    if math.isnan(x):
        return ""
    if x.is_integer():
        return f"{int(x):d}"
    return fmt_number(x)


def fmt_probability(value: Any, *, digits: int = 4) -> str:
    """A probability clipped to [0, 1] and rounded without changing what it says.

    ``-2.22e-16`` and ``7.37e-18`` (floating-point noise) print as ``0.0000``; ``3e-5`` prints
    as ``< 0.0001`` (it is not zero); ``0.99998`` as ``> 0.9999``.
    """
    x = _float(value)
    if x is None:
        return "" if _missing(value) else str(value)
    if math.isnan(x):
        return ""
    x = min(max(x, 0.0), 1.0)
    if x < _NOISE:
        x = 0.0
    elif x > 1.0 - _NOISE:
        x = 1.0
    unit = 10.0**-digits
    if 0.0 < x < unit / 2:
        return f"< {unit:.{digits}f}"
    if 1.0 - unit / 2 <= x < 1.0:
        return f"> {1.0 - unit:.{digits}f}"
    return f"{x:.{digits}f}"


def coef_decimals(
    values: Iterable[Any], *, least: int = 3, most: int = 6, significant: int = 3
) -> int:
    """Decimals that show ``significant`` digits of every value (Stata's ``a3`` for 3).

    ``0.2064`` needs 3 (``0.206``), ``0.0102`` needs 4 (``0.0102``), ``0.000170`` needs 6; numbers
    of 1 and more get ``least`` decimals. Capped at ``most``.
    """
    need = least
    for v in values:
        x = _float(v)
        if x is None or not math.isfinite(x) or x == 0:
            continue
        need = max(need, significant - 1 - math.floor(math.log10(abs(x))))
    return min(need, most)


def fmt_stat(value: Any) -> str:
    """A fit statistic (R², log-likelihood, AIC, σ²): 2 decimals from 100, 3 below, else a3."""
    x = _float(value)
    if x is None:
        return "" if _missing(value) else str(value)
    if math.isnan(x):
        return ""
    if abs(x) >= 100:
        return _no_negative_zero(f"{x:.2f}")
    if abs(x) >= 0.01 or x == 0:
        return _no_negative_zero(f"{x:.3f}")
    if abs(x) < 1e-8:
        return f"{x:.2e}"
    return _no_negative_zero(f"{x:.{coef_decimals([x])}f}")


def _last(col: Hashable) -> str:
    return str(col[-1] if isinstance(col, tuple) else col).casefold()


def column_formats(
    frame: pd.DataFrame, *, key: str = ""
) -> tuple[tuple[Hashable, ...], tuple[Hashable, ...], tuple[Hashable, ...]]:
    """The p-value, count and probability columns of a table, by their identifiers.

    Returns ``(p_columns, count_columns, probability_columns)`` as labels of ``frame.columns``.
    Counts are recognised by name (:data:`COUNT_NAMES`) or as integer columns; probabilities are
    the class columns (``C1``, ``C2``, ..., quadrant names) of Markov tables
    (:data:`PROBABILITY_TABLES`): every float column of such a table that is not a count.
    """
    p_cols: list[Hashable] = []
    counts: list[Hashable] = []
    probs: list[Hashable] = []
    markov = key.endswith(PROBABILITY_TABLES)
    for col in frame.columns:
        name = _last(col)
        series = frame[col]
        if name in P_NAMES:
            p_cols.append(col)
        elif name in COUNT_NAMES or pd.api.types.is_integer_dtype(series):
            counts.append(col)
        elif markov and pd.api.types.is_float_dtype(series):
            probs.append(col)
    return tuple(p_cols), tuple(counts), tuple(probs)


def formatted(
    frame: pd.DataFrame,
    *,
    digits: int = 4,
    p_columns: Iterable[Hashable] = (),
    count_columns: Iterable[Hashable] = (),
    probability_columns: Iterable[Hashable] = (),
) -> pd.DataFrame:
    """A copy of ``frame`` with every cell formatted as text (index and columns kept).

    Columns listed in ``p_columns``, ``count_columns`` and ``probability_columns`` use
    :func:`fmt_p`, :func:`fmt_count` and :func:`fmt_probability`; integer columns print as
    integers; every other cell uses :func:`fmt_number`.
    """
    p_set, c_set, pr_set = set(p_columns), set(count_columns), set(probability_columns)
    out = frame.copy().astype(object)
    for j, col in enumerate(out.columns):
        series = frame.iloc[:, j]
        if col in p_set:
            cells = [fmt_p(v) for v in series]
        elif col in c_set or pd.api.types.is_integer_dtype(series):
            cells = [fmt_count(v) for v in series]
        elif col in pr_set:
            cells = [fmt_probability(v, digits=digits) for v in series]
        else:
            cells = [fmt_number(v, digits=digits) for v in series]
        out.iloc[:, j] = cells
    return out
