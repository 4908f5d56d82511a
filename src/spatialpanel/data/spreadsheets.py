"""Spreadsheet files as grids of cells: ``.xlsx``/``.xlsm`` (openpyxl), ``.xls`` (xlrd), ``.ods``
(python-calamine), each sheet with its visibility.

Every reader keeps what the cell *shows* where the value alone would mislead:

- a number displayed with a percent format (stored 0.1234, shown 12.34%) comes back as
  :class:`~spatialpanel.data.cells.ExcelPercent`, read in percent units and audited, in all three
  formats (openpyxl's number format, the ``.xls`` XF format record via xlrd, the ODF
  ``office:value-type="percentage"``);
- a formula cell without a saved value (a workbook written by a script that does not calculate)
  is refused with its cell address, instead of being read as an empty cell;
- merged cells give their value in the top-left cell and empty cells elsewhere, as Excel shows them;
- hidden sheets are reported as hidden, so that the reader reads them only when named.

Whole numbers are returned as ``int`` (as openpyxl does for ``.xlsx``), so that a year or a region
code reads the same from every format.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast
from xml.etree import ElementTree

from spatialpanel.data.cells import ExcelPercent
from spatialpanel.data.grid import letter
from spatialpanel.errors import DataError

__all__ = ["EXCEL_SUFFIXES", "Sheet", "read_workbook"]

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_REPEAT_CAP = 10_000  # repeated ODF rows/columns beyond this are formatting, not cells


@dataclass
class Sheet:
    """One sheet: its cells row by row (trailing empty rows removed) and whether it is hidden."""

    grid: list[list[object]]
    hidden: bool = False
    # formula cells without a saved value: (address, formula)
    unsaved: list[tuple[str, str]] = field(default_factory=list)


def read_workbook(data: bytes, *, file: str, suffix: str) -> dict[str, Sheet]:
    """The sheets of a workbook, in workbook order.

    Raises
    ------
    DataError
        If the file cannot be opened as a workbook of its extension (damaged, encrypted, or
        another format under this name).
    """
    kind = {".xls": "an Excel 97-2003 (.xls)", ".ods": "an OpenDocument (.ods)"}.get(
        suffix, "an Excel"
    )
    _check_library(suffix)
    try:
        if suffix == ".xls":
            return _xls(data)
        if suffix == ".ods":
            return _ods(data)
        return _xlsx(data)
    except DataError:
        raise
    except Exception as exc:  # any failure of the library on a bad file
        raise DataError(
            f"file {file!r} could not be opened as {kind} workbook ({type(exc).__name__}: "
            f"{exc}). It may be truncated, password-protected or saved in another format under "
            f"this extension: open it in Excel or LibreOffice and save it again as {suffix}."
        ) from exc


def _check_library(suffix: str) -> None:
    """Import the reader now, so that a missing library is not mistaken for a bad file."""
    module = {".xls": "xlrd", ".ods": "python_calamine"}.get(suffix, "openpyxl")
    __import__(module)


def unsaved_formulas_error(file: str, sheet: str, cells: Sequence[tuple[str, str]]) -> DataError:
    """The refusal of formula cells that have no saved value, naming their addresses."""
    shown = ", ".join(f"{a} ({f})" for a, f in cells[:10])
    more = f" and {len(cells) - 10} more" if len(cells) > 10 else ""
    return DataError(
        f"file {file!r}, sheet {sheet!r}: {len(cells)} formula cell(s) have no saved value: "
        f"{shown}{more}. The workbook was written by a program that does not calculate formulas, "
        "so their values are unknown (they are not read as empty). Open the file in Excel or "
        "LibreOffice and save it (which stores the values), or replace the formulas by values."
    )


def _trim(grid: list[list[object]]) -> list[list[object]]:
    while grid and all(c is None or (isinstance(c, str) and not c.strip()) for c in grid[-1]):
        grid.pop()
    return grid


def _whole(value: object) -> object:
    """``2023.0`` -> ``2023`` (openpyxl's reading of whole numbers); other values unchanged."""
    if type(value) is float and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


# --- .xlsx / .xlsm ---------------------------------------------------------------------------


def _xlsx(data: bytes) -> dict[str, Sheet]:
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # styles and extensions; values unaffected
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
        sheets = {
            ws.title: Sheet(
                _trim([[_xlsx_value(c) for c in row] for row in ws.iter_rows()]),
                hidden=ws.sheet_state != "visible",
            )
            for ws in book.worksheets
        }
        if _has_formulas(data):
            formulas = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
            for ws in formulas.worksheets:
                values = book[ws.title]
                for row in ws.iter_rows():
                    for cell in row:
                        if cell.data_type != "f" or values[cell.coordinate].value is not None:
                            continue
                        text = getattr(cell.value, "text", cell.value)
                        sheets[ws.title].unsaved.append((cell.coordinate, str(text)))
    return sheets


def _has_formulas(data: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            sheet_xml = name.startswith("xl/worksheets/") and name.endswith(".xml")
            if sheet_xml and _FORMULA_TAG.search(archive.read(name)):
                return True
    return False


def _xlsx_value(cell: Any) -> object:
    value = cell.value
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and "%" in str(getattr(cell, "number_format", ""))
    ):
        return ExcelPercent(float(value))
    return value


# --- .xls --------------------------------------------------------------------------------------


def _xls(data: bytes) -> dict[str, Sheet]:
    import xlrd

    book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=False)
    formats = {
        i: "%" in book.format_map[xf.format_key].format_str
        for i, xf in enumerate(book.xf_list)
        if xf.format_key in book.format_map
    }
    sheets: dict[str, Sheet] = {}
    for ws in book.sheets():
        grid: list[list[object]] = []
        for r in range(ws.nrows):
            row: list[object] = []
            for c in range(ws.ncols):
                cell = ws.cell(r, c)
                row.append(_xls_value(cell, formats, book.datemode))
            grid.append(row)
        sheets[ws.name] = Sheet(_trim(grid), hidden=ws.visibility != 0)
    return sheets


def _xls_value(cell: Any, percent: dict[int, bool], datemode: int) -> object:
    import xlrd

    kind = cell.ctype
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if kind == xlrd.XL_CELL_NUMBER:
        if percent.get(cell.xf_index, False):
            return ExcelPercent(float(cell.value))
        return _whole(float(cell.value))
    if kind == xlrd.XL_CELL_DATE:
        return xlrd.xldate.xldate_as_datetime(cell.value, datemode)
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, f"#ERROR{cell.value}")
    return cell.value


# --- .ods --------------------------------------------------------------------------------------


def _ods(data: bytes) -> dict[str, Sheet]:
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    percent, unsaved = _ods_cell_types(data)
    hidden = {
        m.name: m.visible != python_calamine.SheetVisibleEnum.Visible for m in book.sheets_metadata
    }
    sheets: dict[str, Sheet] = {}
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        marks = percent.get(name, set())
        grid = [
            [
                ExcelPercent(float(cast(float, v)))
                if (r, c) in marks and _is_number(v)
                else _ods_value(v)
                for c, v in enumerate(row)
            ]
            for r, row in enumerate(rows)
        ]
        sheets[name] = Sheet(
            _trim(grid), hidden=hidden.get(name, False), unsaved=unsaved.get(name, [])
        )
    return sheets


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _ods_value(value: object) -> object:
    if isinstance(value, str) and value == "":
        return None
    return _whole(value)


def _ods_cell_types(
    data: bytes,
) -> tuple[dict[str, set[tuple[int, int]]], dict[str, list[tuple[str, str]]]]:
    """Per sheet: the (row, column) of cells typed ``percentage``, and the formula cells without
    a value type (no saved value), read from ``content.xml``'s cell attributes (the values
    themselves come from calamine)."""
    percent: dict[str, set[tuple[int, int]]] = {}
    unsaved: dict[str, list[tuple[str, str]]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open("content.xml") as content:
        sheet, row, col, depth = "", 0, 0, 0
        row_repeat = 1
        for event, elem in ElementTree.iterparse(content, events=("start", "end")):
            tag = elem.tag
            if tag == f"{_TABLE}table":
                depth += 1 if event == "start" else -1
                if event == "start" and depth == 1:
                    sheet, row = elem.get(f"{_TABLE}name", ""), 0
                continue
            if depth != 1:
                continue
            if tag == f"{_TABLE}table-row":
                if event == "start":
                    col = 0
                    row_repeat = min(
                        int(elem.get(f"{_TABLE}number-rows-repeated", "1")), _REPEAT_CAP
                    )
                else:
                    row += row_repeat
                    elem.clear()
            elif tag in (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell") and event == "end":
                repeat = min(int(elem.get(f"{_TABLE}number-columns-repeated", "1")), _REPEAT_CAP)
                kind = elem.get(f"{_OFFICE}value-type")
                formula = elem.get(f"{_TABLE}formula")
                if kind == "percentage" or (formula is not None and kind is None):
                    cells = [
                        (r, c)
                        for r in range(row, row + row_repeat)
                        for c in range(col, col + repeat)
                    ]
                    if kind == "percentage":
                        percent.setdefault(sheet, set()).update(cells)
                    else:
                        unsaved.setdefault(sheet, []).extend(
                            (f"{letter(c)}{r + 1}", str(formula)) for r, c in cells
                        )
                col += repeat
    return percent, unsaved


def visible_names(sheets: dict[str, Sheet]) -> Iterable[str]:
    """The names of the sheets that are not hidden."""
    return (n for n, s in sheets.items() if not s.hidden)
