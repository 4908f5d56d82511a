"""A table as printed: header runs, stub labels and formatted cells, shared by every writer.

:func:`grid` turns a :class:`~spatialpanel.report.document.ReportTable` into a :class:`Grid`
(text only, numbers already formatted by :mod:`spatialpanel.report.formatting`); the HTML,
Markdown, LaTeX and Word writers only lay it out. Significance stars and the closing parenthesis
of a standard error are kept apart from the number (:attr:`Cell.marks`) so that writers can align
the numbers on their last digit (an HTML box, a LaTeX ``r@{}l`` column pair, a Word tab).
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from spatialpanel.report.document import ReportDocument, ReportFigure, ReportTable
from spatialpanel.report.formatting import (
    coef_decimals,
    fmt_count,
    fmt_fixed,
    fmt_number,
    fmt_stat,
    formatted_columns,
    stars,
)

__all__ = ["Cell", "Grid", "column_texts", "figure_line", "grid", "table_notes", "title_line"]


@dataclass(frozen=True)
class Cell:
    """One printed cell: ``text`` (the number or words) and ``marks`` (stars or ``")"``)."""

    text: str
    marks: str = ""
    numeric: bool = True

    @property
    def full(self) -> str:
        """The cell as one string."""
        return self.text + self.marks


@dataclass(frozen=True)
class Grid:
    """A printable table.

    Attributes
    ----------
    stub
        Header labels of the leading label columns (the index); may be empty strings.
    header
        Header rows over the data columns as ``(label, span)`` runs; the last row has one run
        per column.
    rows
        ``(stub labels, cells)`` per printed row.
    numeric
        Per data column: whether it holds numbers (right-aligned, never wrapped).
    rules
        Row positions before which a thin rule is drawn (a regression table's statistics).
    regression
        Whether the grid is a regression table (coefficient and parenthesis rows).
    """

    stub: tuple[str, ...]
    header: tuple[tuple[tuple[str, int], ...], ...]
    rows: tuple[tuple[tuple[str, ...], tuple[Cell, ...]], ...]
    numeric: tuple[bool, ...]
    rules: frozenset[int] = frozenset()
    regression: bool = False

    @property
    def width(self) -> int:
        """Number of columns (stub and data)."""
        return len(self.stub) + len(self.numeric)

    def leaf_header(self) -> list[str]:
        """One label per data column: the header levels joined (for flat formats)."""
        labels: list[list[str]] = [[] for _ in self.numeric]
        for runs in self.header:
            j = 0
            for text, span in runs:
                for k in range(span):
                    if text and (k == 0 or not labels[j + k] or labels[j + k][-1] != text):
                        labels[j + k].append(text)
                j += span
        return [" ".join(parts) for parts in labels]


def title_line(doc: ReportDocument, table: ReportTable) -> str:
    """``"Table 7. SDM ..."``: the label, the number, the separator and the title."""
    return f"{doc.label('table')} {table.number}{doc.label('caption_sep')}{table.title}"


def figure_line(doc: ReportDocument, figure: ReportFigure) -> str:
    """``"Figure 3. Moran scatter plot ..."``: as :func:`title_line`, for a figure."""
    return f"{doc.label('figure')} {figure.number}{doc.label('caption_sep')}{figure.title}"


def table_notes(doc: ReportDocument, table: ReportTable) -> tuple[str, ...]:
    """The notes to print under ``table``: the stars legend first for a regression table."""
    if table.kind == "regression":
        return (doc.label(f"stars_{table.beneath}"), *table.notes)
    return table.notes


# --------------------------------------------------------------------------- labels
def _blank(label: object) -> bool:
    """Header labels that carry nothing: None, NaN and pandas' ``Unnamed: ...`` placeholders."""
    if label is None or (isinstance(label, float) and math.isnan(label)):
        return True
    return str(label).startswith("Unnamed:") or str(label) == ""


def _label(value: object) -> str:
    if _blank(value):
        return ""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):d}"  # years read back as floats
    if isinstance(value, int | float) and not isinstance(value, bool):
        return fmt_number(value)
    return str(value)


def _header(columns: pd.Index) -> tuple[tuple[tuple[str, int], ...], ...]:
    """Column header rows as (label, span) runs; equal neighbouring groups are merged."""
    tuples = [c if isinstance(c, tuple) else (c,) for c in columns]
    depth = max((len(t) for t in tuples), default=1)
    rows: list[tuple[tuple[str, int], ...]] = []
    for level in range(depth):
        runs: list[tuple[str, int]] = []
        prev: tuple[object, ...] | None = None
        for t in tuples:
            key = t[: level + 1]
            if prev == key and level < depth - 1:
                text, span = runs[-1]
                runs[-1] = (text, span + 1)
            else:
                runs.append((_label(t[level]) if level < len(t) else "", 1))
            prev = key
        rows.append(tuple(runs))
    kept = [r for r in rows if any(text for text, _ in r)]
    return tuple(kept) or tuple(rows[-1:])


def _row_counter(index: pd.Index) -> bool:
    """An unnamed 0, 1, ..., n-1 index (pandas' default): noise in a printed table."""
    if index.nlevels != 1 or not _blank(index.name):
        return False
    try:
        return [int(v) for v in index] == list(range(len(index)))
    except (TypeError, ValueError):
        return False


def _stub(index: pd.Index) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """Header labels and per-row labels of the index; repeated outer levels blanked."""
    if _row_counter(index):
        return (), [() for _ in range(len(index))]
    names = tuple(_label(n) for n in index.names)
    rows: list[tuple[str, ...]] = []
    prev: tuple[object, ...] | None = None
    for value in index:
        tup = value if isinstance(value, tuple) else (value,)
        shown = []
        for level, v in enumerate(tup):
            same = prev is not None and prev[: level + 1] == tup[: level + 1]
            inner = level == len(tup) - 1
            shown.append("" if same and not inner else _label(v))
        rows.append(tuple(shown))
        prev = tup
    return names, rows


def _is_number(value: Any) -> bool:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, int | float):
        return True
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return False
        return True
    return False


# --------------------------------------------------------------------------- data tables
def _data_grid(table: ReportTable) -> Grid:
    frame = table.frame
    text = formatted_columns(
        frame,
        p_columns=table.p_columns,
        count_columns=table.count_columns,
        probability_columns=table.probability_columns,
        key=table.key,
        lang=table.lang,
    )
    numeric = []
    for _, series in frame.items():  # by position (labels may repeat)
        values = [v for v in series.tolist() if not _blank(v)]
        numeric.append(bool(values) and 2 * sum(_is_number(v) for v in values) >= len(values))
    names, stub = _stub(frame.index)
    kinds = list(zip(text, numeric, strict=True))
    rows = [
        (labels, tuple(Cell(str(column[i]), numeric=num) for column, num in kinds))
        for i, labels in enumerate(stub)
    ]
    return Grid(stub=names, header=_header(frame.columns), rows=tuple(rows), numeric=tuple(numeric))


# --------------------------------------------------------------------------- regression tables
def _groups(columns: pd.Index) -> list[tuple[Hashable, ...]]:
    out: list[tuple[Hashable, ...]] = []
    for col in columns:
        if col[:-1] not in out:
            out.append(col[:-1])
    return out


class _Columns:
    """The columns of a frame by label, each read once as an array: ``values(key)[i]`` is
    ``frame[key].iloc[i]`` (the same scalar), without a label lookup per cell."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.read: dict[Hashable, Any] = {}

    def value(self, i: int, key: Hashable) -> Any:
        """The cell of row ``i`` (by position) in column ``key``; NaN without such a column."""
        column = self.read.get(key)
        if column is None:
            if key not in self.frame.columns:
                return math.nan
            column = self.read[key] = self.frame[key].to_numpy()
        return column[i]


def _value(frame: _Columns, i: int, group: tuple[Hashable, ...], stat: str) -> Any:
    return frame.value(i, (*group, stat))


def _largest(values: list[Any]) -> float:
    """The largest finite absolute value (0.0 when there is none)."""
    numbers = [abs(float(v)) for v in values if _is_number(v) and math.isfinite(float(v))]
    return max(numbers, default=0.0)


def _regression_grid(table: ReportTable) -> Grid:
    frame = table.frame
    columns = _Columns(frame)
    groups = _groups(frame.columns)
    beneath = table.beneath
    rows: list[tuple[tuple[str, ...], tuple[Cell, ...]]] = []
    rules: set[int] = set()
    previous_role = "coef"
    for i, (role, label) in enumerate(frame.index):
        role = str(role)
        if role != "coef" and previous_role == "coef" and rows:
            rules.add(len(rows))
        previous_role = role
        estimates = [_value(columns, i, g, "estimate") for g in groups]
        if role == "coef":
            spreads = [_value(columns, i, g, beneath) for g in groups]
            # one number of decimals for the row: three significant digits of its largest
            # estimate, at least two of every estimate and standard error (z: two decimals)
            d_est = max(
                coef_decimals([_largest(estimates)]),
                coef_decimals(
                    estimates if beneath == "z" else [*estimates, *spreads], significant=2
                ),
            )
            digits = 2 if beneath == "z" else d_est
            coef_cells, paren_cells = [], []
            for g, est, spread in zip(groups, estimates, spreads, strict=True):
                shown = fmt_fixed(est, d_est)
                marks = stars(_value(columns, i, g, "p")) if shown else ""
                coef_cells.append(Cell(shown, marks))
                inner = fmt_fixed(spread, digits)
                paren_cells.append(Cell(f"({inner}", ")") if inner else Cell(""))
            rows.append(((str(label),), tuple(coef_cells)))
            rows.append((("",), tuple(paren_cells)))
            continue
        if role == "count":
            cells = [Cell(fmt_count(v)) for v in estimates]
        elif role == "stat":
            cells = [Cell(fmt_stat(v)) for v in estimates]
        else:
            cells = [Cell("" if _blank(v) else str(v), numeric=False) for v in estimates]
        rows.append(((str(label),), tuple(cells)))
    header = _header(pd.Index([g if g else ("",) for g in groups]))
    return Grid(
        stub=("",),
        header=header,
        rows=tuple(rows),
        numeric=tuple(True for _ in groups),
        rules=frozenset(rules),
        regression=True,
    )


_GRIDS: dict[int, Grid] = {}


def grid(table: ReportTable) -> Grid:
    """The printable grid of ``table`` (numbers formatted, labels as given).

    Built once per table object and kept while the table lives (the writers of one report
    each ask for it: HTML, Word, LaTeX, Markdown); tables are frozen, so the grid stays true.
    """
    key = id(table)
    built = _GRIDS.get(key)
    if built is None:
        built = _regression_grid(table) if table.kind == "regression" else _data_grid(table)
        _GRIDS[key] = built
        weakref.finalize(table, _GRIDS.pop, key, None)
    return built


def column_texts(g: Grid) -> list[list[str]]:
    """Every printed string per column (stub columns first), headers included."""
    out: list[list[str]] = [[s] for s in g.stub]
    out += [[h] for h in g.leaf_header()]
    for labels, cells in g.rows:
        for j, text in enumerate(labels):
            out[j].append(text)
        for j, cell in enumerate(cells):
            out[len(g.stub) + j].append(cell.full)
    return out
