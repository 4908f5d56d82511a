"""Yearbook files as researchers have them (issue 10 §1-4, second round): national-total rows,
units written in header brackets, tidy variable/value tables, traditional-character names.

The corpus files are written by ``tests/data/corpus/make_corpus.py`` (``realworld_files``); the
panels they must give are typed in here independently (the same illustrative numbers as
``test_data_corpus.py``). One test reads a real file of the techme data package (MIT, Hu Huaping)
from ``/work/shared/reference/china/realdata/``, where it is kept outside the repository, and
checks values against the raw CSV read with the standard library.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any, cast

import pandas as pd
import pytest

from spatialpanel.data.names import is_national_total, resolve_region
from spatialpanel.data.readers import read_panel
from spatialpanel.errors import ConfigError, DataError

CORPUS = Path(__file__).parent / "data" / "corpus"
REAL = Path("/work/shared/reference/china/realdata/techme_RDIntense.csv")

EXPECTED = pd.DataFrame(
    {
        "gdp": [21330.8, 23014.6, 25669.1, 17770.2, 17831.5, 18128.1, 17689.9, 18021.9, 19399.6],
        "urban_rate": [86.35, 86.5, 86.5, 59.51, 60.3, 61.19, 52.57, 53.92, 55.34],
    },
    index=pd.MultiIndex.from_product(
        [[110000, 150000, 610000], [2014, 2015, 2016]], names=["province", "year"]
    ),
)


def _drops(panel_audit: pd.DataFrame) -> pd.DataFrame:
    return panel_audit[panel_audit["step"] == "drop"]


# --- 1. national totals ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "label", "rows", "layout"),
    [
        ("totals_long.csv", 100000, [2, 3, 4], "long"),  # code 100000 beside 全国
        ("totals_yearbook.xlsx", "全国合计", [3], "wide"),  # one row holds all years
        ("units_header.csv", "Total", [2, 3, 4], "long"),
        ("tidy_long.csv", 100000, [2, 3, 4, 5, 6, 7], "tidy"),  # one row per year and variable
    ],
)
def test_national_totals_are_dropped_one_audit_row_each(
    name: str, label: object, rows: list[int], layout: str
) -> None:
    panel = read_panel(CORPUS / name)
    pd.testing.assert_frame_equal(panel.frame, EXPECTED, check_exact=True)
    assert panel.source.layout == layout
    drops = _drops(panel.audit)
    assert len(drops) == len(rows)
    assert [str(v) for v in drops["old"]] == [str(label)] * len(rows)
    for detail, row in zip(drops["detail"], rows, strict=True):
        assert "national total" in detail
        assert detail.endswith(f", row {row}")


def test_national_totals_refused_on_request() -> None:
    with pytest.raises(DataError, match=r"row 2: region '100000' is the national total, not a"):
        read_panel(CORPUS / "totals_long.csv", totals="error")
    with pytest.raises(DataError, match=r"row 3: region '全国合计' is the national total"):
        read_panel(CORPUS / "totals_yearbook.xlsx", totals="error")
    with pytest.raises(ConfigError, match=r"totals='keep' is not known"):
        read_panel(CORPUS / "totals_long.csv", totals=cast(Any, "keep"))


def test_a_total_code_beside_a_province_name_is_refused() -> None:
    frame = pd.DataFrame(
        {"code": [100000, 110000], "name": ["北京", "北京"], "year": [2014, 2015], "x": [1.0, 2.0]}
    )
    with pytest.raises(DataError, match=r"100000 is the national total but '北京' is 北京市"):
        read_panel(frame)


def test_only_totals_is_refused() -> None:
    frame = pd.DataFrame({"province": ["全国", "全国"], "year": [2014, 2015], "x": [1.0, 2.0]})
    with pytest.raises(DataError, match=r"holds only national-total rows"):
        read_panel(frame)


@pytest.mark.parametrize(
    "value",
    ["全国", "合计", "全国合计", "總計", "National", "TOTAL", " Total ", 100000, "000000", 0],
)
def test_national_total_spellings(value: object) -> None:
    assert is_national_total(value)


@pytest.mark.parametrize("value", ["北京", 110000, "Beijing", None, "", 100001, "全"])
def test_not_national_totals(value: object) -> None:
    assert not is_national_total(value)


def test_totals_do_not_apply_to_generic_ids() -> None:
    frame = pd.DataFrame({"province": ["Total", "A"], "year": [2014, 2014], "x": [3.0, 1.0]})
    panel = read_panel(frame, entity_kind="generic")
    assert panel.frame.index.get_level_values(0).tolist() == ["A", "Total"]


# --- 2. units in header brackets --------------------------------------------------------------


def test_units_in_header_brackets_long() -> None:
    panel = read_panel(CORPUS / "units_header.csv")
    assert list(panel.frame.columns) == ["gdp", "urban_rate"]
    assert panel.units == {"gdp": "亿元", "urban_rate": "%"}
    # a percent unit: the values are already in percent and stay as written
    assert panel.frame.loc[(110000, 2014), "urban_rate"] == 86.35
    headers = panel.audit[panel.audit["step"] == "header"]
    assert headers["old"].tolist() == ["gdp (亿元)", "urban_rate(%)"]
    assert headers["new"].tolist() == ["gdp", "urban_rate"]
    assert headers["detail"].iloc[0].startswith("unit '亿元' read from the header 'gdp (亿元)'")


def test_units_in_merged_yearbook_header_audited_once() -> None:
    panel = read_panel(CORPUS / "totals_yearbook.xlsx")
    assert panel.units == {"gdp": "亿元", "urban_rate": "%"}
    units = panel.audit[panel.audit["detail"].str.startswith("unit ")]
    assert units["variable"].tolist() == ["gdp", "urban_rate"]
    assert "column B" in units["detail"].iloc[0]


def test_unit_bracket_forms_and_caller_override() -> None:
    frame = pd.DataFrame(
        {
            "province": ["北京", "天津"],
            "year": [2014, 2014],
            "人均GDP (元)": ["99,995", "105,231"],
            "城镇化率（%）": [86.35, 82.27],
            "x(1)": [1.0, 2.0],  # digits only: a serial number, not a unit
        }
    )
    panel = read_panel(frame, units={"人均GDP": "yuan"})
    assert list(panel.frame.columns) == ["人均GDP", "城镇化率", "x(1)"]
    assert panel.units == {"人均GDP": "yuan", "城镇化率": "%"}
    assert panel.frame["人均GDP"].tolist() == [99995.0, 105231.0]
    picked = read_panel(frame, variables=["城镇化率"])
    assert list(picked.frame.columns) == ["城镇化率"]


def test_percent_unit_with_percent_cells_and_excel_percent() -> None:
    frame = pd.DataFrame(
        {"province": ["北京", "天津"], "year": [2014, 2014], "rate(%)": ["86.35%", 82.27]}
    )
    panel = read_panel(frame)
    assert panel.frame["rate"].tolist() == [86.35, 82.27]  # not divided or multiplied by 100
    assert panel.units == {"rate": "%"}


def test_percent_cell_under_another_unit_refused() -> None:
    frame = pd.DataFrame(
        {"province": ["北京", "天津"], "year": [2014, 2014], "gdp(亿元)": ["12%", 1]}
    )
    with pytest.raises(
        DataError,
        match=r"row position 0, column 'gdp\(亿元\)', region '北京', year 2014: the cell "
        r"'12%' is a percentage but the file states the unit of 'gdp' as '亿元'",
    ):
        read_panel(frame)


def test_two_units_for_one_variable_refused() -> None:
    frame = pd.DataFrame({"province": ["北京"], "gdp(亿元)_2014": [1.0], "gdp(万元)_2015": [2.0]})
    with pytest.raises(DataError, match=r"variable 'gdp' has the unit '亿元' in one header and"):
        read_panel(frame)


# --- 3. tidy variable/value tables ------------------------------------------------------------


def test_tidy_corpus_file() -> None:
    panel = read_panel(CORPUS / "tidy_long.csv")
    pd.testing.assert_frame_equal(panel.frame, EXPECTED, check_exact=True)
    assert panel.units == {"gdp": "亿元", "urban_rate": "%"}
    ignored = panel.audit.loc[panel.audit["step"] == "ignore", "old"].tolist()
    assert ignored == ["province_zh", "item_zh"]  # second region column, label column
    forced = read_panel(CORPUS / "tidy_long.csv", layout="tidy", variables=["gdp"])
    pd.testing.assert_frame_equal(forced.frame, EXPECTED[["gdp"]], check_exact=True)
    assert forced.units == {"gdp": "亿元"}
    skipped = forced.audit[forced.audit["step"] == "ignore"]
    assert skipped["variable"].dropna().tolist() == ["urban_rate"]


def test_tidy_dataframe_with_chinese_headers() -> None:
    frame = pd.DataFrame(
        {
            "地区": ["北京", "北京", "天津", "天津"],
            "年份": [2014, 2014, 2014, 2014],
            "指标": ["gdp", "pop", "gdp", "pop"],
            "数值": ["21,330.8", "—", 15726.9, 1517.0],
        }
    )
    panel = read_panel(frame)
    assert panel.source.layout == "tidy"
    assert panel.frame.loc[(110000, 2014), "gdp"] == 21330.8
    assert panel.frame["pop"].isna().tolist() == [True, False]  # 北京 '—', 天津 1517
    assert panel.frame.loc[(120000, 2014), "pop"] == 1517.0


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "bad_tidy_two_units.csv",
            r"row 9, column 'unit' \(G\): variable 'urban_rate' has unit '万元' here but '%' at "
            r"row 3\. .*convert the values to one unit",
        ),
        (
            "bad_tidy_label.csv",
            r"row 10, column 'item_zh' \(E\): variable 'gdp' has item_zh '人口' here but "
            r"'地区生产总值' at row 2",
        ),
    ],
)
def test_bad_tidy_files(name: str, message: str) -> None:
    with pytest.raises(DataError, match=message):
        read_panel(CORPUS / name)


def test_tidy_refusals() -> None:
    with pytest.raises(DataError, match=r"layout='tidy' was asked for but the header lacks"):
        read_panel(CORPUS / "long_utf8.csv", layout="tidy")
    blank = pd.DataFrame(
        {
            "province": ["北京", "北京"],
            "year": [2014, 2014],
            "variable": ["x", None],
            "value": [1, 2],
        }
    )
    with pytest.raises(DataError, match=r"row position 1, column 'variable': the row has no var"):
        read_panel(blank)
    twice = pd.DataFrame(
        {
            "province": ["北京", "北京"],
            "year": [2014, 2014],
            "variable": ["x", "x"],
            "value": [1, 2],
        }
    )
    with pytest.raises(DataError, match=r"variable 'x' appears twice"):
        read_panel(twice)


def _raw_real() -> dict[tuple[int, int, str], str]:
    with REAL.open(encoding="utf-8", newline="") as fh:
        return {
            (int(r["code"]), int(r["year"]), r["variable"]): r["value"] for r in csv.DictReader(fh)
        }


@pytest.mark.skipif(not REAL.is_file(), reason=f"the real techme file is not at {REAL}")
def test_real_tidy_file_rd_intensity() -> None:
    raw = _raw_real()
    panel = read_panel(REAL)
    assert panel.source.layout == "tidy"
    assert panel.units == {"v4_ztr_jf_RD": "亿元", "v4_ztr_qd_RD": "%"}
    provinces = sorted({c for c, _, _ in raw if c != 100000})
    years = sorted({y for _, y, _ in raw})
    assert len(provinces) == 31
    assert panel.frame.shape == (31 * len(years), 2)
    for code, year, variable in [
        (110000, 2011, "v4_ztr_jf_RD"),
        (110000, 2023, "v4_ztr_qd_RD"),
        (440000, 2018, "v4_ztr_qd_RD"),
        (540000, 2014, "v4_ztr_jf_RD"),
        (650000, 2020, "v4_ztr_qd_RD"),
    ]:
        assert panel.frame.loc[(code, year), variable] == float(raw[(code, year, variable)])
    # every cell equals the raw text read independently
    for (code, year, variable), text in raw.items():
        if code != 100000:
            assert panel.frame.loc[(code, year), variable] == float(text)
    # the national total (code 100000): one audit row per file row, 2 variables x the years
    drops = _drops(panel.audit)
    assert len(drops) == 2 * len(years)
    assert set(drops["old"].astype(str)) == {"100000"}
    assert all(re.search(r"national total.*row \d+$", d) for d in drops["detail"])


# --- 4. traditional characters ----------------------------------------------------------------


def test_traditional_names_corpus_file() -> None:
    panel = read_panel(CORPUS / "names_traditional.csv")
    pd.testing.assert_frame_equal(panel.frame, EXPECTED, check_exact=True)
    mapped = panel.audit.loc[panel.audit["step"] == "region", "old"].tolist()
    assert mapped == ["北京市", "內蒙古自治區", "陝西"]


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("北京市", 110000),
        ("內蒙古", 150000),
        ("內蒙古自治區", 150000),
        ("遼寧", 210000),
        ("遼寧省", 210000),
        ("黑龍江", 230000),
        ("黑龍江省", 230000),
        ("江蘇", 320000),
        ("山東省", 370000),
        ("廣東", 440000),
        ("廣東省", 440000),
        ("廣西", 450000),
        ("廣西壯族自治區", 450000),
        ("重慶", 500000),
        ("貴州", 520000),
        ("雲南", 530000),
        ("雲南省", 530000),
        ("西藏自治區", 540000),
        ("陝西", 610000),
        ("陝西省", 610000),
        ("甘肅", 620000),
        ("寧夏回族自治區", 640000),
        ("新疆維吾爾自治區", 650000),
    ],
)
def test_traditional_names(value: str, code: int) -> None:
    # codes from GB/T 2260 (the simplified names map to the same codes in provinces.csv)
    assert resolve_region(value) == code


@pytest.mark.parametrize("value", ["臺灣", "台灣省", "香港特別行政區", "澳門"])
def test_traditional_names_outside_the_mainland(value: str) -> None:
    with pytest.raises(DataError, match=r"the study covers the 31 mainland provinces"):
        resolve_region(value)


def test_shaanxi_and_shanxi_stay_apart_in_traditional_form() -> None:
    assert resolve_region("陝西") == 610000
    assert resolve_region("山西") == 140000
