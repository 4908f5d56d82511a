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
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from spatialpanel.report.formatting import cell_formats, column_formats
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


def _width(value: object) -> int:
    """Width of a label in Excel's character units (East Asian characters count two)."""
    import unicodedata

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


def _number_formats(ws: Any, table: SheetTable, shown: pd.DataFrame) -> None:
    """Each body cell displays the digits the report prints (full precision stays stored)."""
    p_cols, counts, probs = column_formats(table.frame, key=table.key)
    plan = cell_formats(
        table.frame,
        key=table.key,
        p_columns=p_cols,
        count_columns=counts,
        probability_columns=probs,
    )
    first_row = ws.max_row - len(shown) + 1
    first_col = shown.index.nlevels + 1
    for i, row in enumerate(plan):
        for j, fmt in enumerate(row):
            cell = ws.cell(row=first_row + i, column=first_col + j)
            if isinstance(cell.value, bool) or not isinstance(cell.value, int | float):
                continue
            # a whole number in a column of mixed cells (a regression payload's N) is a count
            text_int = fmt.kind == "text" and isinstance(cell.value, int)
            cell.number_format = "#,##0" if text_int else fmt.excel()


def _cells_as_text(worksheet: Any) -> None:
    """Store every text cell as text: openpyxl turns a string starting with ``=`` into a
    formula (we write none), and Excel evaluates ``+ - @`` on editing; such cells get the
    ``quotePrefix`` style (Excel's leading apostrophe) as well."""
    for row in worksheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
            if isinstance(cell.value, str) and cell.value[:1] in TRIGGERS:
                cell.quotePrefix = True


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
    """
    from openpyxl.styles import Font

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
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        used: set[str] = {"README"}
        names = [_sheet_name(t.key, used) for t in tables]
        variables = _sheet_name(VARIABLES_SHEET, used)
        readme = writer.book.create_sheet("README")
        rows: list[tuple[str, str]] = [(title or "spatialpanel results", "")]
        if mark:
            rows.append((mark, ""))
        rows += [("", ""), (w["sheet"], w["table"])]
        rows += [(name, t.title) for name, t in zip(names, tables, strict=True)]
        rows.append((variables, w["variables"]))
        for row in rows:
            readme.append(list(row))
        readme["A1"].font = Font(bold=True)
        if mark:
            readme["A2"].font = Font(bold=True, color="C00000")
        readme.column_dimensions["A"].width = 34
        readme.column_dimensions["B"].width = 90
        mapping: list[tuple[str, ...]] = []
        for table, sheet in zip(tables, names, strict=True):
            shown = localise_frame(table.frame, lang, labels, list(table.cells))
            mapping += _mapping(sheet, table.frame, shown)
            shown.to_excel(writer, sheet_name=sheet, startrow=2 if mark else 0)
            ws = writer.sheets[sheet]
            _number_formats(ws, table, shown)
            for k in range(shown.index.nlevels):  # row labels whole (CJK counts double)
                longest = max((_width(v) for v in shown.index.get_level_values(k)), default=8)
                letter = ws.cell(row=1, column=k + 1).column_letter
                ws.column_dimensions[letter].width = min(max(longest + 2, 10), 60)
        frame = pd.DataFrame(
            [(s, w[where], ident, label) for s, where, ident, label in mapping],
            columns=[w["sheet"], w["where"], w["identifier"], w["label"]],
        )
        frame.to_excel(writer, sheet_name=variables, index=False, startrow=2 if mark else 0)
        for letter, width in zip("ABCD", (24, 10, 40, 60), strict=True):
            writer.sheets[variables].column_dimensions[letter].width = width
        if mark:
            for sheet in (*names, variables):
                ws = writer.sheets[sheet]
                ws["A1"] = mark
                ws["A1"].font = Font(italic=True, color="C00000")
                ws.oddHeader.center.text = mark
                ws.oddFooter.center.text = mark
            readme.oddHeader.center.text = mark
        for worksheet in writer.book.worksheets:
            _cells_as_text(worksheet)
        fixed = dt.datetime(2000, 1, 1)
        writer.book.properties.created = fixed
        writer.book.properties.modified = fixed
        writer.book.properties.creator = "spatialpanel"
    normalise_zip(path)
