"""The committed corpus of hand-made files (tests/data/corpus, written by make_corpus.py).

Each good file must give the panel stated here (typed in independently of the generator); each
bad file must be refused with the message stated here (issue 10 §1-4, issue 2 §4).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from spatialpanel.data.fill import fill_missing
from spatialpanel.data.readers import read_panel
from spatialpanel.errors import DataError

CORPUS = Path(__file__).parent / "data" / "corpus"

# the panel every good file holds: Beijing, Inner Mongolia, Shaanxi x 2014-2016
EXPECTED = pd.DataFrame(
    {
        "gdp": [21330.8, 23014.6, 25669.1, 17770.2, 17831.5, 18128.1, 17689.9, 18021.9, 19399.6],
        "urban_rate": [86.35, 86.5, 86.5, 59.51, 60.3, 61.19, 52.57, 53.92, 55.34],
    },
    index=pd.MultiIndex.from_product(
        [[110000, 150000, 610000], [2014, 2015, 2016]], names=["province", "year"]
    ),
)


def _expected(*, missing: tuple[int, int, str] | None = None) -> pd.DataFrame:
    frame = EXPECTED.copy()
    if missing is not None:
        frame.loc[missing[:2], missing[2]] = np.nan
    return frame


@pytest.mark.parametrize(
    ("name", "encoding", "layout"),
    [
        ("long_utf8.csv", "utf-8", "long"),
        ("long_utf8_bom.csv", "utf-8-sig", "long"),
        ("long_gbk_notes.csv", "gbk", "long"),
        ("long_gb18030.csv", "gb18030", "long"),
        ("long_utf16.txt", "utf-16", "long"),
        ("names_variants.csv", "utf-8", "long"),
        ("long_code_and_name.csv", "utf-8", "long"),
        ("wide_blocks.csv", "utf-8", "wide"),
        ("long_codes.xlsx", None, "long"),
        ("wide_sheets.xlsx", None, "wide"),
        ("year_sheets.xlsx", None, "year-sheet"),
        ("yearbook_units.xlsx", None, "long"),
    ],
)
def test_good_files_give_the_panel(name: str, encoding: str | None, layout: str) -> None:
    panel = read_panel(CORPUS / name, years=(2014, 2016))
    pd.testing.assert_frame_equal(panel.frame, _expected(), check_exact=True)
    assert panel.source.encoding == encoding
    assert panel.source.layout == layout
    assert len(panel.source.sha256 or "") == 64


def test_yearbook_two_row_header_with_decorated_cells() -> None:
    panel = read_panel(CORPUS / "yearbook_two_row.xlsx")
    expected = _expected(missing=(610000, 2015, "urban_rate"))
    pd.testing.assert_frame_equal(panel.frame, expected, check_exact=True)
    assert panel.source.layout == "wide"
    assert panel.units == {"urban_rate": "%"}
    audit = panel.audit
    ignored = audit.loc[audit["step"] == "ignore", "detail"].tolist()
    assert any(d.startswith("title row above the table") and "row 1" in d for d in ignored)
    notes = audit.loc[audit["step"] == "ignore", "old"].tolist()
    assert "注：①北京市数据为修订数。*为初步核算数。" in notes
    assert "资料来源：示例。" in notes
    converted = audit[audit["step"] == "convert"].set_index(["entity", "time", "variable"])
    assert "footnote mark '①' removed" in converted.loc[(110000, 2015, "gdp"), "detail"]
    assert "thousands separators removed" in converted.loc[(110000, 2015, "gdp"), "detail"]
    assert "full-width" in converted.loc[(150000, 2015, "gdp"), "detail"]
    assert "footnote mark '*' removed" in converted.loc[(150000, 2016, "gdp"), "detail"]
    assert "percent units" in converted.loc[(110000, 2014, "urban_rate"), "detail"]
    # 9 gdp cells with separators or marks, 8 urban_rate cells with a percent sign
    assert len(converted) == 17
    marker = audit[audit["step"] == "missing"]
    assert marker[["entity", "time", "variable", "old"]].values.tolist() == [
        [610000, 2015, "urban_rate", "—"]
    ]
    # every region label written with spaces is mapped once, audited
    regions = audit[audit["step"] == "region"]
    assert sorted(regions["new"]) == [110000, 150000, 610000]


def test_filling_the_yearbook_gap_by_hand() -> None:
    panel = read_panel(CORPUS / "yearbook_two_row.xlsx")
    filled, audit = fill_missing(panel.frame)
    # linear interpolation between 2014 (52.57) and 2016 (55.34): (52.57 + 55.34) / 2
    assert filled.loc[(610000, 2015), "urban_rate"] == pytest.approx(53.955, abs=1e-12)
    assert audit[["step", "entity", "time", "variable"]].values.tolist() == [
        ["fill", 610000, 2015, "urban_rate"]
    ]
    assert "linear interpolation between 2014 (52.57) and 2016 (55.34)" in str(audit["detail"][0])


def test_notes_and_ignored_sheets_are_audited() -> None:
    gbk = read_panel(CORPUS / "long_gbk_notes.csv")
    notes = gbk.audit[gbk.audit["step"] == "ignore"]
    assert notes["old"].tolist() == ["注：地区生产总值按当年价格计算。", "资料来源：各省统计年鉴。"]
    sheets = read_panel(CORPUS / "year_sheets.xlsx")
    ignored = sheets.audit.loc[sheets.audit["step"] == "ignore", "detail"].tolist()
    assert ignored == [f"sheet '说明' of '{CORPUS / 'year_sheets.xlsx'}': not named by a year"]
    assert sheets.source.sheets == ("2014年", "2015年", "2016年")


def test_units_from_a_unit_row_and_from_the_caller() -> None:
    panel = read_panel(CORPUS / "yearbook_units.xlsx", units={"gdp": "100 million yuan"})
    assert panel.units == {"gdp": "100 million yuan", "urban_rate": "%"}


def test_one_sheet_and_variables() -> None:
    panel = read_panel(CORPUS / "wide_sheets.xlsx", sheet="gdp")
    pd.testing.assert_frame_equal(panel.frame, _expected()[["gdp"]], check_exact=True)
    picked = read_panel(CORPUS / "long_utf8.csv", variables=["urban_rate"])
    pd.testing.assert_frame_equal(picked.frame, _expected()[["urban_rate"]], check_exact=True)
    skipped = picked.audit[picked.audit["step"] == "ignore"]
    assert skipped["variable"].tolist() == ["gdp"]


def test_encoding_override() -> None:
    panel = read_panel(CORPUS / "long_gbk_notes.csv", encoding="gbk")
    assert panel.source.encoding == "gbk"
    with pytest.raises(DataError, match=r"could not be decoded as text; tried utf-8 at byte \d+"):
        read_panel(CORPUS / "long_gbk_notes.csv", encoding="utf-8")


BAD = [
    (
        "bad_unknown_region.csv",
        {},
        r"row 2: region 'Beijng' is not one of the 31 provinces\. "
        r"Closest: 北京市 \(Beijing, 110000\)",
    ),
    (
        "bad_ambiguous_region.csv",
        {},
        r"row 2: region 'Jiang' is ambiguous: it could be 江苏省 "
        r"\(Jiangsu, 320000\), 江西省 \(Jiangxi, 360000\)",
    ),
    (
        "bad_hong_kong.csv",
        {},
        r"row 2: region '香港' is Hong Kong \(810000\); the study covers "
        "the 31 mainland provinces",
    ),
    (
        "bad_duplicate.csv",
        {},
        r"region 北京市 \(Beijing, 110000\), year 2014, variable 'gdp' "
        r"appears twice: at file '.*bad_duplicate\.csv', row 2, region 'Beijing' and at file "
        r"'.*', row 3, region '北京'",
    ),
    (
        "bad_non_numeric.csv",
        {},
        r"file '.*bad_non_numeric\.csv', row 6, column 'gdp' \(C\), "
        r"region 'Inner Mongolia', year 2015: the cell text '12\.3a' is not a number",
    ),
    (
        "bad_negative_rate.csv",
        {"nonnegative": ["urban_rate"]},
        r"file '.*', row 10, column "
        r"'urban_rate' \(D\), region 'Shaanxi', year 2016: the value -5 in column 'urban_rate' is "
        r"below 0",
    ),
    ("bad_negative_rate.csv", {"bounds": {"urban_rate": (0, 100)}}, r"row 10, .*below 0"),
    (
        "bad_year_outside.csv",
        {"years": (2014, 2016)},
        r"row 4, column 'gdp' \(C\), region "
        r"'Beijing', year 2013: year 2013 is outside the study's years 2014-2016",
    ),
    (
        "bad_unbalanced.csv",
        {},
        r"the panel is unbalanced: 1 region-year\(s\) have no row: "
        r"陕西省 \(Shaanxi, 610000\) 2016",
    ),
    (
        "bad_region_columns.csv",
        {},
        r"row 6, column 'province_zh' \(B\): the row's region "
        r"columns disagree: '150000' is 内蒙古自治区 \(Inner Mongolia, 150000\) but '陕西省' is "
        r"陕西省 \(Shaanxi, 610000\)",
    ),
    ("bad_duplicated_header.csv", {}, r"row 1: duplicated header 'gdp' in columns C and E"),
    (
        "bad_note_in_middle.csv",
        {},
        r"row 5: the row looks like a note \('注：以下为初步数。'\) "
        "but data rows follow it",
    ),
    (
        "bad_undecodable.csv",
        {},
        r"could not be decoded as text; tried utf-8 at byte 18 \(0xff\), "
        r"gbk at byte 18 \(0xff\), gb18030 at byte 18 \(0xff\)",
    ),
    (
        "bad_truncated.xlsx",
        {},
        r"bad_truncated\.xlsx' could not be opened as an Excel workbook "
        r"\(BadZipFile: ",
    ),
    # an OLE header and nothing else: a damaged .xls (real .xls files are read, test_data_formats)
    ("bad_legacy.xls", {}, r"could not be opened as an Excel 97-2003 \(\.xls\) workbook"),
    (
        "long_codes.xlsx",
        {"sheet": "Data"},
        r"has no sheet 'Data'; its sheets are \['data'\]\. "
        r"Did you mean 'data'\?",
    ),
    ("wide_sheets.xlsx", {"layout": "long"}, r"layout='long' was asked for but no time column"),
    ("long_utf8.csv", {"layout": "wide"}, r"layout='wide' was asked for but the sheet has a time"),
    (
        "long_utf8.csv",
        {"variables": ["GDP"]},
        r"the variables \['GDP'\] asked for in variables= "
        r"are not in the file; it has \['gdp', 'urban_rate'\]\. Did you mean 'gdp'\?",
    ),
]


@pytest.mark.parametrize(("name", "options", "message"), BAD)
def test_bad_files_are_refused(name: str, options: dict[str, object], message: str) -> None:
    with pytest.raises(DataError, match=message):
        read_panel(CORPUS / name, **options)  # type: ignore[arg-type]


def test_fewer_than_two_observed_years() -> None:
    panel = read_panel(CORPUS / "bad_one_year.csv")
    assert math.isnan(panel.frame.loc[(110000, 2015), "urban_rate"])
    with pytest.raises(
        DataError,
        match=re.escape(
            "variable 'urban_rate' has 1 observed year(s) for region 北京市 (Beijing, 110000)"
        ),
    ):
        fill_missing(panel.frame)


def test_extra_years_dropped_on_request() -> None:
    panel = read_panel(CORPUS / "bad_year_outside.csv", years=(2014, 2015), extra_years="drop")
    # the 2013 row and the 2016 rows of the other two regions are dropped, each audited
    assert panel.frame.index.get_level_values("year").unique().tolist() == [2014, 2015]
    drops = panel.audit[panel.audit["step"] == "drop"]
    assert sorted(drops["time"]) == [2013, 2016, 2016]


def test_usual_headers_and_a_second_region_column_are_audited() -> None:
    panel = read_panel(CORPUS / "long_code_and_name.csv")
    audit = panel.audit
    headers = audit.loc[audit["step"] == "header", "detail"].tolist()
    assert headers[0].startswith(
        "column '地区代码' read as the region column (no column named 'province')"
    )
    assert headers[1].startswith("column '年份' read as the time column (no column named 'year')")
    ignored = audit.loc[audit["step"] == "ignore", "detail"].tolist()
    assert ignored[0].startswith(
        "second region column '地区' not read as data; each row's "
        "label is checked against column '地区代码'"
    )
    # codes given as codes need no region row in the audit
    assert not (audit["step"] == "region").any()
