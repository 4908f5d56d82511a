"""read_panel / write_panel: options, in-memory frames, generic ids, errors not tied to a file
of the corpus. Expected panels are typed in by hand."""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import spatialpanel as sp
from spatialpanel.data.readers import PanelData, read_panel, write_panel
from spatialpanel.errors import ConfigError, DataError


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_lazy_exports() -> None:
    assert sp.read_panel is read_panel
    assert sp.write_panel is write_panel
    assert sp.PanelData is PanelData
    assert sp.fill_missing.__module__ == "spatialpanel.data.fill"


def test_missing_and_unsupported_files(tmp_path: Path) -> None:
    (tmp_path / "panel.csv").write_text("province,year,x\n北京,2014,1\n")
    with pytest.raises(
        DataError,
        match=r"data file '.*panell\.csv' was not found\. Did you "
        r"mean 'panel\.csv'\? Check the path\.",
    ):
        read_panel(tmp_path / "panell.csv")
    with pytest.raises(DataError, match=r"has the extension '\.json'; spatialpanel reads CSV"):
        read_panel(tmp_path / "panel.json")
    with pytest.raises(ConfigError, match=r"sheet='a' applies to spreadsheet files .* only"):
        read_panel(tmp_path / "panel.csv", sheet="a")


def test_bad_options(tmp_path: Path) -> None:
    path = _write(tmp_path / "p.csv", "province,year,x\n北京,2014,1\n")
    with pytest.raises(ConfigError, match=r"layout='wiide' is not known.*Did you mean 'wide'"):
        read_panel(path, layout="wiide")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match=r"entity_kind='usa' is not known"):
        read_panel(path, entity_kind="usa")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match=r"encoding='klingon' is not a known text encoding"):
        read_panel(path, encoding="klingon")
    with pytest.raises(ConfigError, match=r"years=\(2016, 2014\) has first > last"):
        read_panel(path, years=(2016, 2014))
    with pytest.raises(ConfigError, match=r"bounds\['x'\] = \(5, 1\) has low > high"):
        read_panel(path, bounds={"x": (5, 1)})


def test_dataframe_input_long_and_multiindex() -> None:
    frame = pd.DataFrame(
        {
            "province": ["北京", "北京", "Tianjin", "Tianjin"],
            "year": [2014, 2015, 2014, 2015],
            "x": [1.0, np.nan, 3.0, 4.0],
        }
    )
    before = frame.copy()
    panel = read_panel(frame)
    pd.testing.assert_frame_equal(frame, before)
    expected = pd.DataFrame(
        {"x": [1.0, np.nan, 3.0, 4.0]},
        index=pd.MultiIndex.from_tuples(
            [(110000, 2014), (110000, 2015), (120000, 2014), (120000, 2015)],
            names=["province", "year"],
        ),
    )
    pd.testing.assert_frame_equal(panel.frame, expected)
    assert panel.source.file_type == "dataframe" and panel.source.path is None
    indexed = read_panel(expected)
    pd.testing.assert_frame_equal(indexed.frame, expected)
    bad = frame.astype({"x": object})
    bad.loc[1, "x"] = "abc"
    with pytest.raises(
        DataError,
        match=r"the DataFrame, row position 1, column 'x', region "
        r"'北京', year 2015: the cell text 'abc' is not a number",
    ):
        read_panel(bad)


def test_generic_ids_and_the_paper_style_errors(tmp_path: Path) -> None:
    path = _write(tmp_path / "g.csv", "state,t,v\nAL,1990,1\nAL,1991,2\nAK,1990,3\nAK,1991,4\n")
    panel = read_panel(path, entity="state", time="t", entity_kind="generic")
    assert panel.frame.index.tolist() == [("AK", 1990), ("AK", 1991), ("AL", 1990), ("AL", 1991)]
    assert panel.frame.index.names == ["state", "t"]
    codes = _write(tmp_path / "n.csv", "id,year,v\n7,1990,1\n7,1991,2\n12,1990,3\n12,1991,4\n")
    panel = read_panel(codes, entity_kind="generic")
    assert panel.frame.index.get_level_values(0).tolist() == [7, 7, 12, 12]
    mixed = _write(tmp_path / "m.csv", "id,year,v\n7,1990,1\nA,1990,2\n")
    with pytest.raises(DataError, match="mix numbers and text"):
        read_panel(mixed, entity_kind="generic")


def test_header_search_and_messages(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.csv", "a,b\n1,2\n")
    with pytest.raises(
        DataError,
        match=r"no header row with the region column 'province' .* "
        r"Pass entity='<your region column>'",
    ):
        read_panel(path)
    path = _write(tmp_path / "u.csv", "province,when,x\n北京,2014,1\n")
    with pytest.raises(
        DataError,
        match=r"no time column 'year' \(or year, 年份\) and no year "
        r"columns were found; the headers are \['when', 'x'\]",
    ):
        read_panel(path)
    path = _write(tmp_path / "v.csv", "province,year,,x\n北京,2014,5,1\n")
    with pytest.raises(
        DataError,
        match=r"row 1, column C: the column has values but no "
        "header",
    ):
        read_panel(path)
    path = _write(tmp_path / "w.csv", "province,year,x\n北京,2014,1\n,2015,2\n")
    with pytest.raises(DataError, match=r"row 3: the row has values but no region"):
        read_panel(path)
    path = _write(tmp_path / "x.csv", "province,year,x\n北京,2014,1\n北京,2015,2,9\n")
    with pytest.raises(
        DataError,
        match=r"row 3, column D: the row has a value \('9'\) beyond the last headed column",
    ):
        read_panel(path)
    path = _write(tmp_path / "y.csv", "province,year,x\n北京,2014年,1\n北京,14,2\n")
    with pytest.raises(
        DataError,
        match=r"row 3, region '北京': the time cell "
        r"'14' is not a year",
    ):
        read_panel(path)
    path = _write(
        tmp_path / "z.csv",
        "province,year,x\n北京,2014,1\n北京,2016,2\n天津,2014,1\n天津,2015,1\n天津,2016,1\n",
    )
    with pytest.raises(
        DataError,
        match=r"unbalanced: 1 region-year\(s\) have no row: 北京市 "
        r"\(Beijing, 110000\) 2015",
    ):
        read_panel(path)


def test_wide_with_plain_column_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "w.csv", "地区,2014,2015,备注\n北京,1,2,x\n")
    with pytest.raises(DataError, match=r"column '备注' \(D\): in a wide table every column"):
        read_panel(path)


def test_wide_single_variable_named_by_file_or_variables(tmp_path: Path) -> None:
    path = _write(tmp_path / "gdp.csv", "地区,2014年,2015年\n北京,1,2\n天津,3,4\n", "gbk")
    panel = read_panel(path)
    assert panel.frame.columns.tolist() == ["gdp"]
    assert panel.frame["gdp"].tolist() == [1.0, 2.0, 3.0, 4.0]
    named = read_panel(path, variables=["地区生产总值"])
    assert named.frame.columns.tolist() == ["地区生产总值"]


def test_region_mapping_is_audited_once_per_label(tmp_path: Path) -> None:
    path = _write(tmp_path / "r.csv", "省份,年份,x\n北京,2014,1\n北京,2015,1\n110000,2016,1\n")
    panel = read_panel(path)
    regions = panel.audit[panel.audit["step"] == "region"]
    assert regions["old"].tolist() == ["北京"]
    assert regions["detail"].tolist() == ["region label '北京' read as 北京市 (Beijing, 110000)"]


def test_panel_data_is_frozen_and_filled_appends_the_audit(tmp_path: Path) -> None:
    path = _write(tmp_path / "f.csv", "province,year,x\n北京,2014,1\n北京,2015,—\n北京,2016,3\n")
    panel = read_panel(path)
    with pytest.raises(dataclasses.FrozenInstanceError):
        panel.frame = panel.frame  # type: ignore[misc]
    done = panel.filled()
    assert isinstance(done, PanelData)
    assert done.frame["x"].tolist() == [1.0, 2.0, 3.0]
    assert done.audit["step"].tolist() == ["region", "missing", "fill"]
    assert panel.frame["x"].isna().sum() == 1  # the original is unchanged


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_write_then_read_round_trips(tmp_path: Path, suffix: str) -> None:
    panel = read_panel(Path(__file__).parent / "data" / "corpus" / "yearbook_two_row.xlsx")
    target = write_panel(panel, tmp_path / f"out{suffix}")
    again = read_panel(target)
    pd.testing.assert_frame_equal(again.frame, panel.frame, check_exact=True)
    with pytest.raises(DataError, match=r"writes \.csv or \.xlsx files, not '\.txt'"):
        write_panel(panel, tmp_path / "out.txt")


def test_dataframe_hash_follows_the_content() -> None:
    frame = pd.DataFrame({"province": [11, 11], "year": [2014, 2015], "x": [1.0, 2.0]})
    first = read_panel(frame).source.sha256
    assert first == read_panel(frame.copy()).source.sha256
    changed = frame.assign(x=[1.0, 2.5])
    assert read_panel(changed).source.sha256 != first


def test_wide_yearbook_variants(tmp_path: Path) -> None:
    # blank top-left header cell; the regions are in the first column
    path = _write(tmp_path / "gdp.csv", ",2014,2015\n北京,1,2\n天津,3,4\n")
    assert read_panel(path).frame["gdp"].tolist() == [1.0, 2.0, 3.0, 4.0]
    # years on the first header row (merged over the variables), variables on the second
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["地区", 2014, None, 2015, None])
    ws.append([None, "x", "y", "x", "y"])
    ws.append(["北京", 1, 10, 2, 20])
    ws.merge_cells("B1:C1")
    ws.merge_cells("D1:E1")
    book.save(tmp_path / "t.xlsx")
    frame = read_panel(tmp_path / "t.xlsx").frame
    assert frame.loc[110000].to_dict("list") == {"x": [1.0, 2.0], "y": [10.0, 20.0]}


def test_excel_date_in_the_year_column_is_refused(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["province", "year", "x"])
    ws.append(["北京", datetime.datetime(2014, 1, 1), 1])
    book.save(tmp_path / "d.xlsx")
    with pytest.raises(
        DataError,
        match=r"sheet 'Sheet', row 2, region '北京': the time cell "
        r"datetime\.datetime\(2014, 1, 1, 0, 0\) is not a year",
    ):
        read_panel(tmp_path / "d.xlsx")


def test_the_data_entry_template_of_spatialpanel_init(tmp_path: Path) -> None:
    from spatialpanel.study.template import write_template

    write_template(tmp_path)
    panel = read_panel(tmp_path / "data.xlsx", years=(2014, 2023))
    assert panel.frame.shape[0] == 310
    assert panel.frame.isna().all().all()  # an empty template: every cell still to be typed in
    assert panel.source.sheets == ("data",)
    ignored = panel.audit.loc[panel.audit["step"] == "ignore", "detail"].tolist()
    assert any(str(d).startswith("sheet 'definitions'") for d in ignored)


def test_title_row_with_a_unit_note_and_variables_above_the_years(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["表1 地区生产总值", None, None, "单位：亿元"])  # a title, not a header row
    ws.append(["地区", 2014, 2015, 2016])
    ws.append(["北京", 1, 2, 3])
    book.save(tmp_path / "gdp.xlsx")
    panel = read_panel(tmp_path / "gdp.xlsx", variables=["gdp"])
    assert panel.frame["gdp"].tolist() == [1.0, 2.0, 3.0]
    titles = panel.audit[panel.audit["step"] == "ignore"]
    assert titles["detail"].iloc[0].startswith("title row above the table")
    # the variables on the row above a header whose years repeat
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append([None, "gdp", None, "pop", None])
    ws.append(["地区", 2014, 2015, 2014, 2015])
    ws.append(["北京", 1, 2, 3, 4])
    book.save(tmp_path / "top.xlsx")
    frame = read_panel(tmp_path / "top.xlsx").frame
    assert frame.loc[110000].to_dict("list") == {"gdp": [1.0, 2.0], "pop": [3.0, 4.0]}


def test_a_study_year_missing_for_every_region(tmp_path: Path) -> None:
    path = _write(tmp_path / "y.csv", "province,year,x\n北京,2014,1\n天津,2014,2\n")
    with pytest.raises(
        DataError,
        match=r"no region has data for the year\(s\) \[2015\], "
        r"inside the panel's years 2014-2015; the file has \[2014\]",
    ):
        read_panel(path, years=(2014, 2015))


@pytest.mark.parametrize(
    ("codec", "found"), [("utf-16-le", "utf-16-le"), ("utf-16-be", "utf-16-be")]
)
def test_utf16_without_bom_and_semicolons(tmp_path: Path, codec: str, found: str) -> None:
    path = _write(tmp_path / "s.csv", "省份;年份;x\n北京;2014;1,5\n北京;2015;2\n", codec)
    with pytest.raises(
        DataError,
        match=r"column 'x' \(C\), region '北京', year 2014: the cell "
        r"text '1,5' is not a number",
    ):
        read_panel(path)  # a decimal comma is refused, not read as 15
    path = _write(tmp_path / "t.csv", "省份;年份;x\n北京;2014;1.5\n北京;2015;2\n", codec)
    panel = read_panel(path)
    assert panel.source.encoding == found
    assert panel.frame["x"].tolist() == [1.5, 2.0]


def test_dataframe_without_the_region_column() -> None:
    frame = pd.DataFrame({"provnce": [11], "year": [2014], "x": [1.0]})
    with pytest.raises(
        DataError,
        match=r"the DataFrame has no region column 'province' .*its "
        r"columns are \['provnce', 'year', 'x'\]\. Did you mean 'provnce'\?",
    ):
        read_panel(frame)


def test_excel_percent_format_reads_as_displayed(tmp_path: Path) -> None:
    # a cell stored as 0.1234 and shown as 12.34% gives 12.34, like the text "12.34%" of a CSV
    # export of the same sheet (hand-worked: 0.1234 x 100 = 12.34, exactly as displayed)
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["province", "year", "rate"])
    ws.append(["北京", 2014, 0.1234])
    ws.append(["北京", 2015, "12.5%"])
    ws["C2"].number_format = "0.00%"
    book.save(tmp_path / "p.xlsx")
    panel = read_panel(tmp_path / "p.xlsx")
    assert panel.frame["rate"].tolist() == [12.34, 12.5]
    assert panel.units == {"rate": "%"}
    notes = panel.audit.loc[panel.audit["step"] == "convert", "detail"].tolist()
    assert notes[0].startswith(
        "Excel percent format: stored 0.1234 read as 12.34; value kept in percent units"
    )


def test_years_as_a_list(tmp_path: Path) -> None:
    path = _write(tmp_path / "y.csv", "province,year,x\n北京,2014,1\n北京,2016,2\n北京,2018,3\n")
    panel = read_panel(path, years=[2014, 2016, 2018])  # an explicit list of study years
    assert panel.frame.index.get_level_values("year").tolist() == [2014, 2016, 2018]
    with pytest.raises(ConfigError, match=r"must be \(first, last\) or distinct years"):
        read_panel(path, years=[2014, 2014, 2016])
