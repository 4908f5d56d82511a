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
* variables in their own units (the rows of the descriptive statistics, :data:`MAGNITUDE_ROWS`):
  one number of decimals per variable, four significant digits of its largest value (none from
  1000 up, one from 100, two from 10, three from 1, four below 1, at most six) and thousands
  separators as the language writes them (Babel's symbols): ``180,504``, ``97.70``, ``3.272``,
  ``0.2673`` (:func:`magnitude_decimals`, :func:`fmt_grouped`); likewise each column of the
  tables of :data:`MAGNITUDE_COLUMNS` and :data:`MAGNITUDE_COLUMN_SUFFIXES` (the spatial weights'
  summary: ``14.36`` % non-zero; Dagum shares ``22.79`` %), and the whole of a table of
  :data:`MAGNITUDE_TABLE_SUFFIXES` (mean first passage times);
* everything else: four decimals, scientific notation below 1e-4 (:func:`fmt_number`);
* NaN and None: blank.

:func:`cell_formats` decides, once, the format of every cell of a table (a :class:`NumberFormat`);
the report's writers print its :meth:`~NumberFormat.text` and the workbook sets its
:meth:`~NumberFormat.excel` number format, so both show the same digits.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

import pandas as pd

__all__ = [
    "COUNT_NAMES",
    "MAGNITUDE_COLUMNS",
    "MAGNITUDE_COLUMN_SUFFIXES",
    "MAGNITUDE_ROWS",
    "MAGNITUDE_TABLE_SUFFIXES",
    "PROBABILITY_TABLES",
    "P_NAMES",
    "NumberFormat",
    "cell_formats",
    "coef_decimals",
    "column_formats",
    "fmt_count",
    "fmt_fixed",
    "fmt_grouped",
    "fmt_number",
    "fmt_p",
    "fmt_probability",
    "fmt_stat",
    "formatted",
    "formatted_columns",
    "magnitude_decimals",
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

#: Tables whose rows are variables in their own units (yuan, percent, ratios, counts): each row
#: is formatted by its own magnitude (:func:`magnitude_decimals`).
MAGNITUDE_ROWS = frozenset({"descriptives"})
#: Tables whose columns are quantities in their own units (percent of non-zero weights, mean
#: number of neighbours): each column is formatted by its own magnitude, as a row of
#: :data:`MAGNITUDE_ROWS` is (``14.36``, ``96.77``; ``4.45``, ``30.00``).
MAGNITUDE_COLUMNS = frozenset({"weights"})
#: Table-key suffixes formatted like :data:`MAGNITUDE_COLUMNS`: the Dagum decomposition (Ginis
#: ``0.2422``, shares in percent ``22.79``).
MAGNITUDE_COLUMN_SUFFIXES = ("_dagum",)
#: Table-key suffixes whose numbers are one quantity (a matrix of mean first passage times in
#: years): one number of decimals for the whole table, by its largest value (``3.71``, ``60.00``).
MAGNITUDE_TABLE_SUFFIXES = ("_markov_mfpt",)

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


def _finite_or_text(value: Any) -> float | str:
    """``value`` as a float to format, or the text every formatter prints instead: blank for a
    missing value or NaN, the value itself for text."""
    x = _float(value)
    if x is None:
        return "" if _missing(value) else str(value)
    return "" if math.isnan(x) else x


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
    x = _finite_or_text(value)
    if isinstance(x, str):
        return x
    return _no_negative_zero(f"{x:.{decimals}f}")


def fmt_p(value: Any) -> str:
    """A p-value as journals print it: ``< 0.001`` or three decimals (blank when missing)."""
    x = _finite_or_text(value)
    if isinstance(x, str):
        return x
    x = min(max(x, 0.0), 1.0)
    return "< 0.001" if x < 0.001 else f"{x:.3f}"


def fmt_count(value: Any) -> str:
    """A count as an integer (``78``, not ``78.0000``); a non-integer value keeps its decimals."""
    x = _finite_or_text(value)
    if isinstance(x, str):
        return x
    if x.is_integer():
        return f"{int(x):d}"
    return fmt_number(x)


def fmt_probability(value: Any, *, digits: int = 4) -> str:
    """A probability clipped to [0, 1] and rounded without changing what it says.

    ``-2.22e-16`` and ``7.37e-18`` (floating-point noise) print as ``0.0000``; ``3e-5`` prints
    as ``< 0.0001`` (it is not zero); ``0.99998`` as ``> 0.9999``.
    """
    x = _finite_or_text(value)
    if isinstance(x, str):
        return x
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
    x = _finite_or_text(value)
    if isinstance(x, str):
        return x
    if abs(x) >= 100:
        return _no_negative_zero(f"{x:.2f}")
    if abs(x) >= 0.01 or x == 0:
        return _no_negative_zero(f"{x:.3f}")
    if abs(x) < 1e-8:
        return f"{x:.2e}"
    return _no_negative_zero(f"{x:.{coef_decimals([x])}f}")


def magnitude_decimals(values: Iterable[Any], *, significant: int = 4, most: int = 6) -> int:
    """Decimals that show ``significant`` digits of the largest absolute value, 0 to ``most``.

    ``180504`` and ``4251`` need 0, ``310.5`` 1, ``97.7`` 2, ``6.26`` 3, ``0.267`` 4,
    ``0.0432`` 5; no finite non-zero value: ``significant - 1``.
    """
    numbers = [abs(x) for v in values if (x := _float(v)) is not None and math.isfinite(x)]
    largest = max(numbers, default=0.0)
    if largest == 0:
        return significant - 1
    return min(max(significant - 1 - math.floor(math.log10(largest)), 0), most)


@cache
def _symbols(lang: str) -> tuple[str, str]:
    """The language's thousands separator and decimal mark (Babel's locale data)."""
    from babel.core import UnknownLocaleError
    from babel.numbers import get_decimal_symbol, get_group_symbol

    try:
        return get_group_symbol(lang), get_decimal_symbol(lang)
    except (UnknownLocaleError, ValueError):
        return ",", "."


def fmt_grouped(value: Any, decimals: int, *, lang: str = "en") -> str:
    """``value`` with ``decimals`` decimals and thousands separators (``43,834``), in the
    separators of ``lang`` (Babel); blank when missing, no negative zero."""
    x = _finite_or_text(value)
    if isinstance(x, str):
        return x
    text = _no_negative_zero(f"{x:,.{decimals}f}")
    group, point = _symbols(lang)
    if (group, point) == (",", "."):
        return text
    return text.replace(",", "\0").replace(".", point).replace("\0", group)


FormatKind = Literal["p", "count", "probability", "grouped", "number", "text"]


@dataclass(frozen=True)
class NumberFormat:
    """How one cell is printed: ``kind`` and, for ``grouped`` and ``probability``, decimals."""

    kind: FormatKind
    decimals: int = 4

    def text(self, value: Any, *, lang: str = "en") -> str:
        """The cell as printed in the report (HTML, Word, LaTeX, Markdown)."""
        if self.kind == "p":
            return fmt_p(value)
        if self.kind == "count":
            return fmt_count(value)
        if self.kind == "probability":
            return fmt_probability(value, digits=self.decimals)
        if self.kind == "grouped":
            return fmt_grouped(value, self.decimals, lang=lang)
        return fmt_number(value, digits=self.decimals)

    def excel(self) -> str:
        """The same digits as an Excel number format (``#,##0.00``, ``0.000``, ``0``)."""
        decimals = "." + "0" * self.decimals if self.decimals else ""
        if self.kind == "p":
            return "0.000"
        if self.kind == "count":
            return "#,##0"
        if self.kind == "grouped":
            return "#,##0" + decimals
        return "0" + decimals  # a number in a text column: as fmt_number prints it


def cell_formats(
    frame: pd.DataFrame,
    *,
    key: str = "",
    p_columns: Iterable[Hashable] = (),
    count_columns: Iterable[Hashable] = (),
    probability_columns: Iterable[Hashable] = (),
    digits: int = 4,
) -> list[list[NumberFormat]]:
    """The format of every cell of ``frame`` (rows of columns), decided once for every output.

    Columns listed in ``p_columns``, ``count_columns`` and ``probability_columns`` (and integer
    columns, as counts) keep their kind; in a table of :data:`MAGNITUDE_ROWS` every other number
    of a row shares the row's :func:`magnitude_decimals` (thousands separators included), in a
    table of :data:`MAGNITUDE_COLUMNS` every other number of a column the column's; every
    other cell is a ``number`` with ``digits`` decimals.
    """
    p_set, c_set, pr_set = set(p_columns), set(count_columns), set(probability_columns)
    kinds: list[NumberFormat] = []
    columns = [series for _, series in frame.items()]  # by position (labels may repeat)
    for col, series in zip(frame.columns, columns, strict=True):
        if col in p_set:
            kinds.append(NumberFormat("p"))
        elif col in c_set or pd.api.types.is_integer_dtype(series):
            kinds.append(NumberFormat("count"))
        elif col in pr_set:
            kinds.append(NumberFormat("probability", digits))
        elif not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            kinds.append(NumberFormat("text"))
        else:
            kinds.append(NumberFormat("number", digits))
    rows = [list(kinds) for _ in range(len(frame))]
    free = [j for j, k in enumerate(kinds) if k.kind == "number"]
    every = range(len(frame))
    groups: list[list[tuple[int, int]]]  # cells that share one number of decimals
    if key in MAGNITUDE_ROWS:
        groups = [[(i, j) for j in free] for i in every]
    elif key.endswith(MAGNITUDE_TABLE_SUFFIXES):
        groups = [[(i, j) for i in every for j in free]]
    elif key in MAGNITUDE_COLUMNS or key.endswith(MAGNITUDE_COLUMN_SUFFIXES):
        groups = [[(i, j) for i in every] for j in free]
    else:
        groups = []
    # a variable's own units (rows) may need up to six decimals; the quantities of a column or a
    # table (Ginis, percentages, years) no more than the report's ``digits``
    most = 6 if key in MAGNITUDE_ROWS else digits
    values = {j: columns[j].tolist() for j in free} if groups else {}  # not cell by cell
    for cells in groups:
        decimals = magnitude_decimals((values[j][i] for i, j in cells), most=most)
        for i, j in cells:
            rows[i][j] = NumberFormat("grouped", decimals)
    return rows


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


def formatted_columns(
    frame: pd.DataFrame,
    *,
    digits: int = 4,
    p_columns: Iterable[Hashable] = (),
    count_columns: Iterable[Hashable] = (),
    probability_columns: Iterable[Hashable] = (),
    key: str = "",
    lang: str = "en",
) -> list[list[str]]:
    """The cells of :func:`formatted`, column by column (by position): the printed text of every
    cell without building a frame of them (the report's writers read the columns)."""
    plan = cell_formats(
        frame,
        key=key,
        p_columns=p_columns,
        count_columns=count_columns,
        probability_columns=probability_columns,
        digits=digits,
    )
    return [
        [plan[i][j].text(v, lang=lang) for i, v in enumerate(series.tolist())]
        for j, (_, series) in enumerate(frame.items())  # by position (labels may repeat)
    ]


def formatted(
    frame: pd.DataFrame,
    *,
    digits: int = 4,
    p_columns: Iterable[Hashable] = (),
    count_columns: Iterable[Hashable] = (),
    probability_columns: Iterable[Hashable] = (),
    key: str = "",
    lang: str = "en",
) -> pd.DataFrame:
    """A copy of ``frame`` with every cell formatted as text (index and columns kept).

    Each cell is printed by its :func:`cell_formats` format: :func:`fmt_p`, :func:`fmt_count`,
    :func:`fmt_probability`, :func:`fmt_grouped` (the rows of a :data:`MAGNITUDE_ROWS` table
    ``key``, in the separators of ``lang``) or :func:`fmt_number`.
    """
    texts = formatted_columns(
        frame,
        digits=digits,
        p_columns=p_columns,
        count_columns=count_columns,
        probability_columns=probability_columns,
        key=key,
        lang=lang,
    )
    out = frame.copy().astype(object)
    for j, column in enumerate(texts):
        out.iloc[:, j] = column
    return out
