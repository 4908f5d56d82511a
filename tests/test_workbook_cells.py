"""The workbook writer (issue 18): ``tables.xlsx`` is written in openpyxl's write-only mode, each
cell prepared once, instead of ``DataFrame.to_excel`` followed by passes over every cell. Its
sheets must hold what the straightforward way gives: here a reference sheet is built as the
writer of issue 14 built it (``DataFrame.to_excel`` of the localised table, then each number's
report format and the text rules cell by cell) and compared with the fast writer's sheet cell by
cell (value, type, number format, quote prefix, font), with the merged ranges and the sheet size,
for tables of every shape the study writes and the awkward values."""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest

from spatialpanel.report.formatting import cell_formats, column_formats
from spatialpanel.report.localise import localise_frame
from spatialpanel.report.workbook import SheetTable, write_workbook
from spatialpanel.spreadsheet_cells import TRIGGERS
from spatialpanel.text import Labels

LABELS = Labels({"variable": {"gdp": {"en": "GDP per capita", "zh": "人均地区生产总值"}}})


def _reference(frame: pd.DataFrame, key: str, path: Path, *, lang: str, startrow: int) -> None:
    """The table's sheet as the writer of issue 14 made it (the reference)."""
    shown = localise_frame(frame, lang, LABELS)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        shown.to_excel(writer, sheet_name=key, startrow=startrow)
        ws = writer.book[key]
        p_cols, counts, probs = column_formats(frame, key=key)
        plan = cell_formats(
            frame, key=key, p_columns=p_cols, count_columns=counts, probability_columns=probs
        )
        first_row, first_col = ws.max_row - len(shown) + 1, shown.index.nlevels + 1
        for i, row in enumerate(plan):
            for j, fmt in enumerate(row):
                cell = ws.cell(row=first_row + i, column=first_col + j)
                if isinstance(cell.value, bool) or not isinstance(cell.value, int | float):
                    continue
                text_int = fmt.kind == "text" and isinstance(cell.value, int)
                cell.number_format = "#,##0" if text_int else fmt.excel()
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
                if isinstance(cell.value, str) and cell.value[:1] in TRIGGERS:
                    cell.quotePrefix = True


def _cells(ws: Any) -> dict[str, tuple[Any, ...]]:
    out = {}
    for row in ws.iter_rows():
        for c in row:
            font = (c.font.b, c.font.i, c.font.color.rgb if c.font.color is not None else None)
            value = "NaN" if isinstance(c.value, float) and math.isnan(c.value) else c.value
            out[c.coordinate] = (value, type(value), c.data_type, c.number_format)
            out[c.coordinate] += (c.quotePrefix, font, c.alignment.horizontal, c.border.left.style)
    return out


def _size(path: Path, sheet: str) -> str:
    """The ``<dimension>`` a sheet states (readers in read-only mode size the sheet by it)."""
    with zipfile.ZipFile(path) as z:
        names = openpyxl.load_workbook(path, read_only=True).sheetnames
        xml = z.read(f"xl/worksheets/sheet{names.index(sheet) + 1}.xml").decode()
    found = re.search(r'<dimension ref="([^"]+)"', xml)
    return found.group(1) if found else "missing"


def _same_sheet(frame: pd.DataFrame, tmp_path: Path, *, key: str = "t", lang: str = "en") -> None:
    for mark in (None, "A data mark"):
        fast, ref = tmp_path / "fast.xlsx", tmp_path / "ref.xlsx"
        table = SheetTable(key, "A table", frame)
        write_workbook([table], fast, LABELS, lang=lang, mark=mark)
        _reference(frame, key, ref, lang=lang, startrow=2 if mark else 0)
        a, b = openpyxl.load_workbook(fast)[key], openpyxl.load_workbook(ref)[key]
        if mark:  # the reference has no mark: the fast sheet's first row says it
            assert a["A1"].value == mark and a["A1"].font.i and a["A1"].font.color.rgb == "00C00000"
            assert a.oddHeader.center.text == a.oddFooter.center.text == mark
            a.delete_rows(1)
            b.delete_rows(1)
        fast_cells, ref_cells = _cells(a), _cells(b)
        keys = fast_cells.keys() | ref_cells.keys()
        diff = sorted(k for k in keys if fast_cells.get(k) != ref_cells.get(k))
        assert not diff, [(k, fast_cells.get(k), ref_cells.get(k)) for k in diff[:5]]
        merged = sorted(str(r) for r in a.merged_cells.ranges)
        assert merged == sorted(str(r) for r in b.merged_cells.ranges)
        assert _size(fast, key) == _size(ref, key)


def test_single_index_with_awkward_values(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "coef": [0.5, -1.25, np.nan, np.inf, -np.inf],
            "p": [0.01234, 0.5, 1e-9, np.nan, 0.2],
            "n": [310, 31, 0, 7, 1],
            "note": ["=1+2", "-x", "@SUM(A1)", "\tx", "plain"],
            "mixed": [np.float64(2.5), None, "text", 4, True],
            "flag": [True, False, True, False, True],
            "when": [
                pd.Timestamp("2020-01-02"),
                None,
                dt.datetime(2021, 3, 4),
                dt.date(2022, 5, 6),
                None,
            ],
            "exact": [Decimal("1.5"), Decimal("NaN"), None, Decimal("-2"), None],
            "span": [dt.timedelta(days=2), pd.NaT, None, None, None],
        },
        index=pd.Index(["gdp", "=hostile", "b", "c", "d"], name="variable"),
    )
    _same_sheet(frame, tmp_path)


def test_unnamed_and_numeric_indexes(tmp_path: Path) -> None:
    _same_sheet(pd.DataFrame({"a": [1.5, 2.5], "b": ["x", "y"]}), tmp_path)
    _same_sheet(pd.DataFrame({"a": [1.5, 2.5]}, index=pd.Index([2014, 2015], name="")), tmp_path)
    _same_sheet(pd.DataFrame({0: [1.0], 1: [2.0]}, index=pd.Index([0.5], name=0)), tmp_path)


def test_magnitude_tables(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {"n": [310, 310], "mean": [76994.8516, 0.26731], "sd": [35717.19, 0.0432]},
        index=pd.Index(["gdp", "share"], name="variable"),
    )
    _same_sheet(frame, tmp_path, key="descriptives")
    _same_sheet(frame, tmp_path, key="descriptives", lang="zh")


def test_hierarchical_rows_merge_as_pandas_merges_them(tmp_path: Path) -> None:
    """Repeated outer labels merge; the innermost never; an empty label ("") continues the cell
    above unless an outer level starts anew there; NaN labels print alike."""
    rows = [
        ("a", "x", 1),
        ("a", "x", 2),
        ("a", "y", 2),
        ("", "y", 3),
        ("", "", 3),
        ("b", "", 4),
        ("b", "", 4),
        (np.nan, "z", 5),
        (np.nan, "z", 5),
        ("c", np.nan, np.nan),
    ]
    index = pd.MultiIndex.from_tuples(rows, names=["part", "term", None])
    frame = pd.DataFrame({"coef": np.arange(10.0), "p": np.linspace(0, 1, 10)}, index=index)
    _same_sheet(frame, tmp_path)
    _same_sheet(frame.rename_axis(index=[None, None, None]), tmp_path)


def test_hierarchical_columns(tmp_path: Path) -> None:
    columns = pd.MultiIndex.from_tuples(
        [("(1)", "coef"), ("(1)", "se"), ("(2)", "coef"), ("", "se"), ("(3)", "")],
        names=["model", None],
    )
    tuples = [("Main", "x"), ("Main", "y"), ("W", "x")]
    rows = pd.MultiIndex.from_tuples(tuples, names=["part", "term"])
    values = np.arange(15.0).reshape(3, 5)
    _same_sheet(pd.DataFrame(values, index=rows, columns=columns), tmp_path)
    single = pd.Index(["x", "y", "z"], name="term")
    _same_sheet(pd.DataFrame(values, index=single, columns=columns), tmp_path)
    _same_sheet(pd.DataFrame(values, columns=columns), tmp_path)


def test_empty_tables(tmp_path: Path) -> None:
    _same_sheet(pd.DataFrame({"a": pd.Series([], dtype=float)}), tmp_path)
    named = pd.Index(["gdp", "b"], name="variable")
    _same_sheet(pd.DataFrame(index=named), tmp_path)  # pandas writes the name a row lower
    _same_sheet(pd.DataFrame(index=pd.Index(["gdp", "b"])), tmp_path)


@pytest.mark.parametrize("mark", [None, "Synthetic data"])
def test_readme_and_variables_sheets(tmp_path: Path, mark: str | None) -> None:
    """The sheets around the tables: README (title bold, the mark bold red, the sheet list,
    widths) and variables (labels to identifiers), a hostile title stored as text."""
    frame = pd.DataFrame({"mean": [1.5]}, index=pd.Index(["gdp"], name="variable"))
    path = tmp_path / "w.xlsx"
    table = SheetTable("descriptives", "-A table", frame)
    write_workbook([table], path, LABELS, title="=T", mark=mark)
    book = openpyxl.load_workbook(path)
    readme = book["README"]
    start = [("=T", None), (mark, None)] if mark else [("=T", None)]
    rows = [*start, (None, None), ("Sheet", "Table"), ("descriptives", "-A table")]
    rows.append(("variables", "Labels and the identifiers of the CSV files"))
    assert list(readme.iter_rows(values_only=True)) == rows
    assert readme["A1"].font.b and readme["A1"].data_type == "s" and readme["A1"].quotePrefix
    assert readme["B5" if mark else "B4"].quotePrefix
    if mark:
        assert readme["A2"].font.b and readme["A2"].font.color.rgb == "00C00000"
    assert (readme.column_dimensions["A"].width, readme.column_dimensions["B"].width) == (34, 90)
    assert readme.oddHeader.center.text == mark and readme.oddFooter.center.text is None
    variables = book["variables"]
    assert [c.width for k, c in sorted(variables.column_dimensions.items())] == [24, 10, 40, 60]
    first = 3 if mark else 1
    found = list(variables.iter_rows(min_row=first, values_only=True))
    assert found == [
        ("Sheet", "Where", "Identifier", "Label"),
        ("descriptives", "column", "mean", "Mean"),
        ("descriptives", "column", "variable", "Variable"),
        ("descriptives", "row", "gdp", "GDP per capita"),
    ]
    assert _size(path, "variables") == f"A1:D{first + 3}"
    assert book["descriptives"].column_dimensions["A"].width == 16
    assert book["descriptives"].oddFooter.center.text == mark
