"""Files users have (issue 19 item 1, issue 15 items 3 and 9): .xls, .ods, .dta, .sav, .parquet.

The fixtures in ``tests/data/formats`` were written by each format's own tool or reference library
(LibreOffice Calc for .xls/.ods, GNU PSPP for .sav, pandas' Stata writer, pyarrow); see
``tests/data/formats/make_formats.py``. Every one holds the panel of ``panel_long.csv``; each must
read to the same frame, exactly, with the same audit of its data (regions mapped, cells converted)
as the CSV. The cell-level checks (percent formats, hidden sheets, formulas without saved values)
use small workbooks.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from spatialpanel.cli import app
from spatialpanel.data.readers import read_panel
from spatialpanel.errors import ConfigError, DataError

FORMATS = Path(__file__).parent / "data" / "formats"
SAME_DATA = ["nbs_panel.xls", "nbs_panel.xlsx", "panel.dta", "panel.sav", "panel.parquet"]
LABELS = {
    "urbanization_rate": "Urbanization rate (%)",
    "gdp_per_capita": "GDP per capita (yuan)",
    "openness": "Trade openness (share of GDP)",
}


def _data_rows(audit: pd.DataFrame) -> list[tuple[object, ...]]:
    """The audit rows about data (not about titles, notes or headers), without locations."""
    rows = audit[audit["step"].isin(["convert", "missing", "drop", "fill"])]
    return [tuple(r) for r in rows[["step", "entity", "time", "variable", "old", "new"]].values]


@pytest.fixture(scope="module")
def csv_panel() -> object:
    return read_panel(FORMATS / "panel_long.csv")


@pytest.mark.parametrize("name", SAME_DATA)
def test_every_format_reads_the_csv_panel(name: str, csv_panel: object) -> None:
    panel = read_panel(FORMATS / name)
    expected = csv_panel.frame  # type: ignore[attr-defined]
    pd.testing.assert_frame_equal(panel.frame, expected, check_exact=True)
    assert int(panel.frame.isna().sum().sum()) == 21  # the demo's gaps and Hebei 2016
    assert _data_rows(panel.audit) == _data_rows(csv_panel.audit)  # type: ignore[attr-defined]
    filled = panel.filled()
    pd.testing.assert_frame_equal(filled.frame, csv_panel.filled().frame, check_exact=True)  # type: ignore[attr-defined]
    assert _data_rows(filled.audit) == _data_rows(csv_panel.filled().audit)  # type: ignore[attr-defined]


def test_the_nbs_portal_xls() -> None:
    panel = read_panel(FORMATS / "nbs_panel.xls")
    assert panel.source.file_type == "excel"
    assert panel.source.layout == "wide"
    assert panel.source.sheets == ("urbanization_rate", "gdp_per_capita", "openness")
    ignored = panel.audit[panel.audit["step"] == "ignore"]
    # per sheet: the three portal lines above the table and the two notes lines under it
    assert len(ignored) == 15
    assert "title row above the table" in ignored["detail"].iloc[0]
    assert list(ignored["old"].iloc[3:5]) == [
        "注：2023年数据为初步核算数。",
        "数据来源：国家统计局",
    ]
    assert ignored["detail"].iloc[4].endswith("sheet 'urbanization_rate', row 37")
    region = panel.audit[panel.audit["step"] == "region"]
    assert list(region["old"].iloc[:2]) == ["北京市", "天津市"]


@pytest.mark.parametrize("name", ["panel.dta", "panel.sav"])
def test_variable_labels_become_labels(name: str) -> None:
    panel = read_panel(FORMATS / name)
    assert dict(panel.labels) == LABELS
    assert panel.label("openness") == "Trade openness (share of GDP)"
    assert panel.source.file_type == ("stata" if name.endswith("dta") else "spss")
    # labels survive filling; CSV files have none
    assert dict(panel.filled().labels) == LABELS
    assert dict(read_panel(FORMATS / "panel_long.csv").labels) == {}
    assert read_panel(FORMATS / "panel_long.csv").label("openness") == "openness"


def test_stata_value_labels_of_the_region_column_are_audited() -> None:
    panel = read_panel(FORMATS / "panel.dta")
    row = panel.audit[panel.audit["step"] == "header"].iloc[0]
    assert row["old"] == "province"
    assert "holds codes with value labels" in row["detail"]


def test_typed_files_name_the_observation(tmp_path: Path) -> None:
    frame = pd.read_parquet(FORMATS / "panel.parquet")
    cells = [None if pd.isna(v) else repr(float(v)) for v in frame["openness"]]
    cells[4] = "0.5a"
    frame["openness"] = pd.Series(cells, dtype="string")
    frame.to_parquet(tmp_path / "bad.parquet")
    with pytest.raises(
        DataError,
        match=r"file '.*bad\.parquet', observation 5, column 'openness', region 110000, year "
        r"2018: the cell text '0\.5a' is not a number",
    ):
        read_panel(tmp_path / "bad.parquet")


def test_typed_files_did_you_mean_and_options(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"Did you mean 'openness'\?"):
        read_panel(FORMATS / "panel.sav", variables=["openess"])
    with pytest.raises(ConfigError, match=r"sheet='x' applies to spreadsheet files"):
        read_panel(FORMATS / "panel.dta", sheet="x")
    frame = pd.read_parquet(FORMATS / "panel.parquet").rename(columns={"province": "provnce"})
    frame.to_parquet(tmp_path / "p.parquet")
    with pytest.raises(
        DataError,
        match=r"file '.*p\.parquet' has no region column 'province'.*Did you mean 'provnce'",
    ):
        read_panel(tmp_path / "p.parquet")


@pytest.mark.parametrize("name", ["panel.dta", "panel.sav", "panel.parquet", "cells.ods"])
def test_damaged_files_are_refused_by_name(name: str, tmp_path: Path) -> None:
    data = (FORMATS / name).read_bytes()
    bad = tmp_path / name
    bad.write_bytes(data[: len(data) // 3])
    with pytest.raises(DataError, match=rf"file '.*{name}' could not be (read|opened) as"):
        read_panel(bad)


@pytest.mark.parametrize("name", ["cells.xlsx", "cells.xls", "cells.ods"])
def test_percent_format_merged_title_and_hidden_sheet(name: str) -> None:
    panel = read_panel(FORMATS / name)
    assert panel.frame["urbanization_rate"].tolist() == [86.35, 86.5, 82.27, 53.21]
    assert panel.units == {"urbanization_rate": "%"}
    assert list(panel.frame.columns) == ["urbanization_rate"]  # the hidden sheet is not read
    steps = panel.audit[["step", "detail"]].values.tolist()
    assert steps[0][0] == "ignore" and "'extra'" in steps[0][1] and "hidden" in steps[0][1]
    assert steps[1][1].startswith("title row above the table")
    assert steps[-1][1].startswith("Excel percent format: stored 0.5321 read as 53.21")
    named = read_panel(FORMATS / name, sheet="extra")
    assert list(named.frame.columns) == ["secret"]
    first = named.audit.iloc[0]
    assert (
        first["step"] == "header" and "is hidden in the workbook; read because" in first["detail"]
    )


def test_formula_cells_without_saved_values_are_refused_xlsx(tmp_path: Path) -> None:
    book = openpyxl.Workbook()  # openpyxl writes formulas and never calculates them
    ws = book.active
    ws.append(["province", "year", "x"])
    ws.append(["北京", 2014, 1.5])
    ws.append(["北京", 2015, "=C2*2"])
    ws.append(["天津", 2014, "=SUM(C2:C3)"])
    ws.append(["天津", 2015, 2.0])
    book.save(tmp_path / "script.xlsx")
    with pytest.raises(
        DataError,
        match=r"sheet 'Sheet': 2 formula cell\(s\) have no saved value: C3 \(=C2\*2\), C4 "
        r"\(=SUM\(C2:C3\)\)\..*not read as empty",
    ):
        read_panel(tmp_path / "script.xlsx")


def test_formula_cells_with_saved_values_are_read(tmp_path: Path) -> None:
    # LibreOffice calculates and saves the values when it converts
    panel = read_panel(FORMATS / "cells.xls")
    assert panel.frame.notna().all().all()
    book = openpyxl.load_workbook(FORMATS / "nbs_panel.xlsx")
    book["openness"]["B5"] = "=0.5+0.25"  # a formula in a file with no saved values
    book.save(tmp_path / "f.xlsx")
    with pytest.raises(DataError, match=r"sheet 'openness': 1 formula cell\(s\).*B5 \(=0\.5"):
        read_panel(tmp_path / "f.xlsx")
    # only the sheets read are checked
    panel = read_panel(tmp_path / "f.xlsx", sheet="gdp_per_capita")
    assert list(panel.frame.columns) == ["gdp_per_capita"]


def test_formula_cells_without_saved_values_are_refused_ods(tmp_path: Path) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()  # odfpy, the ODF reference library, writes no values
    table = Table(name="data")
    rows: list[list[object]] = [
        ["province", "year", "x"],
        ["北京", 2014, 1.5],
        ["北京", 2015, "of:=[.C2]*2"],
        ["天津", 2014, 3.0],
        ["天津", 2015, 2.0],
    ]
    for values in rows:
        tr = TableRow()
        for v in values:
            if isinstance(v, str) and v.startswith("of:="):
                cell = TableCell(formula=v)
            elif isinstance(v, str):
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=v))
            else:
                cell = TableCell(valuetype="float", value=v)
            tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    doc.save(str(tmp_path / "script.ods"))
    with pytest.raises(
        DataError, match=r"sheet 'data': 1 formula cell\(s\).*C3 \(of:=\[\.C2\]\*2\)"
    ):
        read_panel(tmp_path / "script.ods")


def test_only_hidden_sheets(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["province", "year", "x"])
    book.create_sheet("b").append(["province", "year", "x"])
    for ws in book.worksheets:
        ws.sheet_state = "hidden"
    book.active.sheet_state = "visible"
    book["b"].sheet_state = "hidden"
    book.save(tmp_path / "h.xlsx")
    with pytest.raises(DataError, match=r"table has a header but no data rows"):
        read_panel(tmp_path / "h.xlsx")


STUDY = """[study]
title = "formats"
seed = 1

[data]
file = "{file}"
years = [2014, 2023]

[weights.contiguity]
kind = "contiguity"

[model]
y = "urbanization_rate"
core = "gdp_per_capita"
controls = ["openness"]
weights = "contiguity"
draws = 100

[outputs]
figure_formats = ["png"]
dpi = 72
"""


def _run(tmp_path: Path, name: str) -> tuple[pd.DataFrame, str]:
    folder = tmp_path / name.replace(".", "_")
    folder.mkdir()
    shutil.copy(FORMATS / name, folder / name)
    (folder / "study.toml").write_text(STUDY.format(file=name), encoding="utf-8")
    runner = CliRunner()
    checked = runner.invoke(app, ["validate", str(folder / "study.toml")])
    assert checked.exit_code == 0, checked.output
    result = runner.invoke(
        app,
        [
            "run",
            str(folder / "study.toml"),
            "--out",
            str(tmp_path / f"out_{folder.name}"),
            "--no-report",
        ],
    )
    assert result.exit_code == 0, result.output
    audit = pd.read_csv(
        tmp_path / f"out_{folder.name}" / "tables" / "audit.csv", encoding="utf-8-sig"
    )
    return audit, checked.output


@pytest.mark.slow
def test_validate_and_run_give_the_csv_audit(tmp_path: Path) -> None:
    """The acceptance of issue 19: the NBS-style .xls, the .dta and the .sav run through
    `validate` and `run` with the same audit of the data as the CSV of the same data."""
    base, said = _run(tmp_path, "panel_long.csv")
    fills = base[base["step"] == "fill"][["entity", "time", "variable", "old", "new", "detail"]]
    assert len(fills) == 21
    for name in ["nbs_panel.xls", "panel.dta", "panel.sav"]:
        audit, output = _run(tmp_path, name)
        other = audit[audit["step"] == "fill"][
            ["entity", "time", "variable", "old", "new", "detail"]
        ]
        pd.testing.assert_frame_equal(
            other.reset_index(drop=True),
            fills.reset_index(drop=True),
            check_exact=True,
            check_dtype=False,  # other audit rows (titles, notes) leave NaN in 'entity'
        )
        assert output.splitlines()[0] == said.splitlines()[0]  # the same data sentence
