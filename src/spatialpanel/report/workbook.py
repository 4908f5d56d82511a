"""The workbook ``tables.xlsx``: every table a sheet, labelled as the report labels it.

* Sheet names are the table keys (the report's pointers say "see tables.xlsx, sheet KEY"); a
  first sheet ``README`` lists them with their titles in the run's language.
* Each sheet shows the table with the reader's labels (variables, indices, weights matrices,
  column headers, province names: :func:`~spatialpanel.report.localise.localise_frame`, the
  language's catalogue) and the full-precision numbers, each displayed with the number format
  the report prints it with (:func:`~spatialpanel.report.formatting.cell_formats`: p-values with
  three decimals, counts as integers, the descriptive statistics by each variable's magnitude
  with thousands separators).
* Nothing of the identifiers is lost: a last sheet ``variables`` maps every label shown to the
  identifier it stands for (sheet, row or column, identifier, label), as ``tables/KEY.csv``
  holds them.
* With a data mark (synthetic, real-reduced) every sheet says it in its first row (the table
  starts on the third) and in its printed header and footer.

The module knows nothing of studies: it takes each table's key, title and frame.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from spatialpanel.report.formatting import NumberFormat, cell_formats, column_formats
from spatialpanel.report.localise import localise_frame
from spatialpanel.results_folder import normalise_zip
from spatialpanel.spreadsheet_cells import TRIGGERS
from spatialpanel.text import Labels

__all__ = ["SheetTable", "write_workbook"]

#: The sheet that maps the labels shown to their identifiers.
VARIABLES_SHEET = "variables"


@dataclass(frozen=True)
class SheetTable:
    """One table for the workbook: ``frame`` with identifiers and English message cells (as
    :func:`spatialpanel.text.frames.split_cells` gives it), ``cells`` the message positions."""

    key: str
    title: str
    frame: pd.DataFrame
    cells: Sequence[Any] = field(default_factory=tuple)


def _sheet_name(key: str, used: set[str]) -> str:
    name = key[:31]
    i = 2
    while name in used:
        suffix = f"_{i}"
        name = key[: 31 - len(suffix)] + suffix
        i += 1
    used.add(name)
    return name


#: The format of a whole number in a text column.
_COUNT = NumberFormat("count")
#: Excel's default column width (characters of the default font).
_DEFAULT_WIDTH = 8.43


def _width(value: object) -> int:
    """Width of a label in Excel's character units (East Asian characters count two)."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in str(value))


def _flat(label: object) -> str:
    parts = label if isinstance(label, tuple) else (label,)
    return " / ".join(str(p) for p in parts if p is not None and str(p) != "")


def _mapping(sheet: str, raw: pd.DataFrame, shown: pd.DataFrame) -> list[tuple[str, ...]]:
    """``(sheet, "column"/"row", identifier, label)`` for every label that differs from its
    identifier (column headers, index names, index values)."""
    rows: list[tuple[str, ...]] = []
    seen: set[tuple[str, str]] = set()

    def add(where: str, ident: object, label: object) -> None:
        a, b = _flat(ident), _flat(label)
        if a and a != b and (where, a) not in seen:
            seen.add((where, a))
            rows.append((sheet, where, a, b))

    for ident, label in zip(raw.columns, shown.columns, strict=True):
        add("column", ident, label)
    for name, shown_name in zip(raw.index.names, shown.index.names, strict=True):
        add("column", name, shown_name)
    for ident, label in zip(raw.index, shown.index, strict=True):
        add("row", ident, label)
    return rows


def _excel_value(value: object) -> object:
    """``value`` as :meth:`pandas.DataFrame.to_excel` stores it: numbers as Python numbers, NaN
    and None blank (``""``), infinities as the text ``inf``/``-inf``, dates as dates, a time
    span in days, anything else as its text."""
    kind = type(value)
    if kind is str or kind is int or kind is bool:
        return value
    if isinstance(value, float | np.floating):
        number = float(value)
        if math.isfinite(number):
            return number
        return "" if math.isnan(number) else "inf" if number > 0 else "-inf"
    if value is None:
        return ""
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    scalar: Any = value
    if pd.api.types.is_scalar(scalar) and pd.isna(scalar):  # NaT, pd.NA, Decimal("NaN")
        return ""
    if isinstance(value, Decimal | dt.datetime | dt.date):
        return value
    if isinstance(value, dt.timedelta):
        return _Days(value.total_seconds() / 86400)
    return str(value)


class _Days(float):
    """A time span in days (pandas writes a span so)."""


def _pandas_format(value: object) -> str | None:
    """The number format pandas gives a cell of ``value``: dates and times as ISO dates, a
    time span in whole days; ``None`` for every other value."""
    if isinstance(value, dt.datetime):
        return "YYYY-MM-DD HH:MM:SS"
    if isinstance(value, dt.date):
        return "YYYY-MM-DD"
    return "0" if isinstance(value, _Days) else None


def _same(a: object, b: object) -> bool:
    return a == b or (a != a and b != b)  # NaN labels print alike (``NaN``)


def _spans(levels: Sequence[Sequence[object]]) -> list[dict[int, int]]:
    """``{first position: length}`` of the label cells of each level of a MultiIndex, merged as
    :meth:`pandas.DataFrame.to_excel` merges them: a label repeated under an unchanged outer
    label continues the cell above (or to the left), the innermost level's labels never
    repeat, and an empty label (``""``) continues the cell before it unless an outer level
    starts anew there."""
    if not levels:
        return []
    n, last = len(levels[0]), len(levels) - 1
    blank = [[False] * n for _ in levels]  # pandas' "sparsified" labels
    for i in range(1, n):
        for k in range(last):
            if not _same(levels[k][i], levels[k][i - 1]):
                break
            blank[k][i] = True
    outer_starts = [False] * n
    out: list[dict[int, int]] = []
    for k, level in enumerate(levels):
        starts = [0]
        for i in range(1, n):
            if outer_starts[i] or not (blank[k][i] or level[i] == ""):
                starts.append(i)
                outer_starts[i] = True
        out.append({a: b - a for a, b in zip(starts, [*starts[1:], n], strict=True)})
    return out


@dataclass
class _Grid:
    """A table laid out in cells as :meth:`pandas.DataFrame.to_excel` lays it out (index and
    header, MultiIndex labels merged): ``rows`` of Excel values (``None``: no cell), ``merged``
    ranges ``(first row, first column, last row, last column)`` (0-based), and the body's first
    row and column."""

    rows: list[list[object]]
    merged: list[tuple[int, int, int, int]]
    body_row: int
    body_col: int


def _grid(frame: pd.DataFrame) -> _Grid:
    """``frame`` (with its index) in cells; see :class:`_Grid`."""
    index, columns = frame.index, frame.columns
    n_levels, n_cols = index.nlevels, len(columns)
    multi_rows = isinstance(index, pd.MultiIndex)
    cells: dict[tuple[int, int], object] = {}
    merged: list[tuple[int, int, int, int]] = []
    if isinstance(columns, pd.MultiIndex):  # one header row per level; a row of index names
        left = n_levels - 1
        for lnum, name in enumerate(columns.names):
            cells[lnum, left] = name
        levels = [columns.get_level_values(k).tolist() for k in range(columns.nlevels)]
        for lnum, spans in enumerate(_spans(levels)):
            for i, span in spans.items():
                cells[lnum, left + i + 1] = levels[lnum][i]
                if span > 1:
                    merged.append((lnum, left + i + 1, lnum, left + i + span))
        body = columns.nlevels + 1
    else:
        for j, col in enumerate(columns):
            cells[0, n_levels + j] = col
        body = 1
        if n_cols == 0 and all(n is not None and n != "" for n in index.names):
            body = 2  # no header: pandas writes the index names a row lower
    names = list(index.names)
    if multi_rows:
        if any(n is not None for n in names):
            for k, name in enumerate(names):
                cells[body - 1, k] = name
        levels = [index.get_level_values(k).tolist() for k in range(n_levels)]
        for k, spans in enumerate(_spans(levels)):
            for i, span in spans.items():
                cells[body + i, k] = levels[k][i]
                if span > 1:
                    merged.append((body + i, k, body + i + span - 1, k))
    else:
        if names[0]:
            cells[body - 1, 0] = names[0]
        for i, value in enumerate(index.tolist()):
            cells[body + i, 0] = value
    width = n_levels + n_cols
    rows: list[list[object]] = [[None] * width for _ in range(body + len(frame))]
    for (r, c), value in cells.items():
        rows[r][c] = _excel_value(value)
    for j, (_, column) in enumerate(frame.items()):
        for i, value in enumerate(column.tolist()):
            rows[body + i][n_levels + j] = _excel_value(value)
    return _Grid(rows, merged, body, n_levels)


def _number_formats(
    table: SheetTable, grid: _Grid, shown: list[int] | None = None
) -> list[list[str | None]]:
    """The number format of each body cell of ``grid``: the digits the report prints (full
    precision stays stored) on numbers, ``None`` elsewhere. ``shown``, when given, receives
    the widest number of each body column as printed (characters), for the column's width."""
    p_cols, counts, probs = column_formats(table.frame, key=table.key)
    plan = cell_formats(
        table.frame,
        key=table.key,
        p_columns=p_cols,
        count_columns=counts,
        probability_columns=probs,
    )
    excel: dict[NumberFormat, str] = {}
    out: list[list[str | None]] = []
    for row, formats in zip(grid.rows[grid.body_row :], plan, strict=True):
        line: list[str | None] = []
        for j, (value, fmt) in enumerate(zip(row[grid.body_col :], formats, strict=True)):
            if not isinstance(value, int | float) or isinstance(value, bool):
                line.append(None)
                continue
            # a whole number in a column of mixed cells (a regression payload's N) is a count
            if fmt.kind == "text" and isinstance(value, int):
                fmt = _COUNT
            if shown is not None:
                shown[j] = max(shown[j], len(fmt.text(value)))
            if fmt not in excel:
                excel[fmt] = fmt.excel()
            line.append(excel[fmt])
        out.append(line)
    return out


class _Sheet:
    """One sheet of a write-only workbook: its rows are gathered, then written at once with the
    sheet's size (:meth:`write`). Text is stored as text (openpyxl makes a string starting with
    ``=`` a formula; we write none), with Excel's leading apostrophe (``quotePrefix``) on text
    that Excel would evaluate on editing (``= + - @``, tab, carriage return)."""

    def __init__(self, ws: Any) -> None:
        from openpyxl.cell import WriteOnlyCell

        self.ws = ws
        self.rows: list[list[object]] = []
        self._new = WriteOnlyCell

    def cell(self, value: object, *, number_format: str | None = None, font: Any = None) -> Any:
        """``value`` as a styled cell."""
        cell = self._new(self.ws, value)
        if isinstance(value, str):
            cell.data_type = "s"
            if value[:1] in TRIGGERS:
                cell.quotePrefix = True
        elif (pandas_format := _pandas_format(value)) is not None:
            cell.number_format = pandas_format
        if number_format is not None:
            cell.number_format = number_format
        if font is not None:
            cell.font = font
        return cell

    def add(self, row: Sequence[object], formats: Sequence[str | None] = ()) -> None:
        """Add a row of values (``None``: no cell), ``formats`` the number formats of its last
        cells (``None``: none)."""
        first = len(row) - len(formats)
        values = list(row)
        for j, value in enumerate(values):
            if j >= first and formats[j - first] is not None:
                values[j] = self.cell(value, number_format=formats[j - first])
            elif isinstance(value, str):
                if value[:1] in TRIGGERS:
                    values[j] = self.cell(value)
            elif isinstance(value, dt.date | _Days):  # a format of pandas' own
                values[j] = self.cell(value)
        self.rows.append(values)

    def write(self) -> None:
        """Write the rows, the sheet's size (``<dimension>``, as openpyxl gives a sheet held in
        memory: from A1) first."""
        from openpyxl.utils import get_column_letter

        width = max((len(row) for row in self.rows), default=1) or 1
        size = f"A1:{get_column_letter(width)}{max(len(self.rows), 1)}"
        # openpyxl writes the size of a sheet that can tell it (its writer asks for
        # ``calculate_dimension``, which a write-only sheet lacks)
        self.ws.calculate_dimension = lambda: size
        for row in self.rows:
            self.ws.append(row)
        self.rows = []


def write_workbook(
    tables: Sequence[SheetTable],
    path: Path,
    labels: Labels,
    *,
    lang: str = "en",
    title: str = "",
    mark: str | None = None,
    words: dict[str, str] | None = None,
) -> None:
    """Write ``tables`` as the workbook ``path`` in ``lang`` (see the module docstring).

    ``words`` gives the README's and the variables sheet's headers in ``lang`` (keys
    ``sheet``, ``table``, ``where``, ``identifier``, ``label``, ``column``, ``row``); English
    by default.

    The workbook is written in openpyxl's write-only mode: each sheet's cells are prepared
    once, a table laid out as :meth:`pandas.DataFrame.to_excel` lays it out (:func:`_grid`),
    and streamed to the file row by row.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    w = {
        "sheet": "Sheet",
        "table": "Table",
        "where": "Where",
        "identifier": "Identifier",
        "label": "Label",
        "column": "column",
        "row": "row",
        "variables": "Labels and the identifiers of the CSV files",
    } | (words or {})
    book = Workbook(write_only=True)

    def sheet(name: str, widths: dict[str, float], *, first_row: bool = True) -> _Sheet:
        """A new sheet; with a data mark, the mark in its printed header and footer and (with
        ``first_row``) in its first row, its table starting on the third."""
        out = _Sheet(book.create_sheet(name))
        for letter, width in widths.items():
            out.ws.column_dimensions[letter].width = width
        if mark:
            out.ws.oddHeader.center.text = mark
            if first_row:
                out.ws.oddFooter.center.text = mark
                out.add([out.cell(mark, font=Font(italic=True, color="C00000"))])
                out.add([])
        return out

    used: set[str] = {"README"}
    names = [_sheet_name(t.key, used) for t in tables]
    variables = _sheet_name(VARIABLES_SHEET, used)
    readme = sheet("README", {"A": 34, "B": 90}, first_row=False)
    readme.add([readme.cell(title or "spatialpanel results", font=Font(bold=True)), ""])
    if mark:
        readme.add([readme.cell(mark, font=Font(bold=True, color="C00000")), ""])
    readme.add(("", ""))
    readme.add((w["sheet"], w["table"]))
    for name, table in zip(names, tables, strict=True):
        readme.add((name, table.title))
    readme.add((variables, w["variables"]))
    readme.write()

    start = 2 if mark else 0
    mapping: list[tuple[str, ...]] = []
    for table, name in zip(tables, names, strict=True):
        shown = localise_frame(table.frame, lang, labels, list(table.cells))
        mapping += _mapping(name, table.frame, shown)
        widths: dict[str, float] = {}
        for k in range(shown.index.nlevels):  # row labels whole (CJK counts double)
            longest = max((_width(v) for v in shown.index.get_level_values(k)), default=8)
            widths[get_column_letter(k + 1)] = min(max(longest + 2, 10), 60)
        grid = _grid(shown)
        numbers = [0] * (len(grid.rows[0]) - grid.body_col if grid.rows else 0)
        formats = _number_formats(table, grid, numbers)
        for j, chars in enumerate(numbers):
            if chars + 2 > _DEFAULT_WIDTH:  # wide enough for its numbers (Excel shows ### else)
                widths[get_column_letter(grid.body_col + j + 1)] = min(chars + 2, 60)
        ws = sheet(name, widths)
        for row in grid.rows[: grid.body_row]:
            ws.add(row)
        body = grid.rows[grid.body_row :]
        for row, line in zip(body, formats, strict=True):
            ws.add(row, line)
        for r1, c1, r2, c2 in grid.merged:
            first = f"{get_column_letter(c1 + 1)}{start + r1 + 1}"
            ws.ws.merged_cells.add(f"{first}:{get_column_letter(c2 + 1)}{start + r2 + 1}")
        ws.write()
    ws = sheet(variables, {"A": 24, "B": 10, "C": 40, "D": 60})
    ws.add((w["sheet"], w["where"], w["identifier"], w["label"]))
    for sheet_name, where, ident, label in mapping:
        ws.add((sheet_name, w[where], ident, label))
    ws.write()
    fixed = dt.datetime(2000, 1, 1)
    book.properties.created = fixed
    book.properties.modified = fixed
    book.properties.creator = "spatialpanel"
    book.save(path)
    normalise_zip(path)
