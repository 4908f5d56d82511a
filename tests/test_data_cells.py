"""Cell values as typed into yearbook tables (issue 10 §3). Expected values worked by hand."""

from __future__ import annotations

import math

import pytest

from spatialpanel.data.cells import Location, parse_cell, parse_year
from spatialpanel.errors import DataError

HERE = Location(file="x.csv", sheet=None, row=5, column="gdp", letter="C", region="北京", year=2015)


@pytest.mark.parametrize(
    ("text", "value", "note"),
    [
        ("1234.5", 1234.5, None),
        (" -3 ", -3.0, None),
        ("1e3", 1000.0, None),
        (".5", 0.5, None),
        ("1,234.5", 1234.5, "thousands separators removed"),
        ("12,345,678", 12345678.0, "thousands separators removed"),
        ("１２３．４", 123.4, "full-width"),
        ("－５", -5.0, "full-width"),
        ("\u22125", -5.0, "minus sign"),
        ("１，２３４", 1234.0, "thousands separators removed"),
        ("123.4①", 123.4, "footnote mark '①' removed"),
        ("123.4⑵", 123.4, "footnote mark"),
        ("56*", 56.0, "footnote mark '*' removed"),
        ("56**", 56.0, "footnote mark '**' removed"),
        ("7.5†", 7.5, "footnote mark '†' removed"),
        ("7.5¹", 7.5, "footnote mark '¹' removed"),
        ("7.5[2]", 7.5, "footnote mark '[2]' removed"),
        ("12.5%", 12.5, "percent sign removed; value kept in percent units"),
        ("12.5 ％", 12.5, "percent sign removed"),
        ("1,234.5①", 1234.5, "thousands separators removed"),
    ],
)
def test_accepted_texts(text: str, value: float, note: str | None) -> None:
    parsed = parse_cell(text, where=HERE)
    assert parsed.value == value
    if note is None:
        assert parsed.note is None
    else:
        assert parsed.note is not None and note in parsed.note


def test_footnote_digit_is_not_glued_to_the_number() -> None:
    # NFKC would turn "①" into "1" (123.41): the mark is removed before normalisation
    assert parse_cell("123.4①", where=HERE).value == 123.4
    assert parse_cell("123.4¹", where=HERE).value == 123.4


@pytest.mark.parametrize(
    "text",
    [
        "—",
        "——",
        "-",
        "--",
        "–",
        "…",
        "……",
        "...",
        "..",
        "/",
        "NA",
        "n/a",
        "N.A.",
        "－",
        "NaN",
        "null",
    ],
)
def test_missing_markers(text: str) -> None:
    parsed = parse_cell(text, where=HERE)
    assert math.isnan(parsed.value)
    assert parsed.missing_marker
    assert parsed.note is not None and "read as missing" in parsed.note


@pytest.mark.parametrize("value", [None, float("nan"), "", "  "])
def test_empty_cells_are_missing_without_note(value: object) -> None:
    parsed = parse_cell(value, where=HERE)
    assert math.isnan(parsed.value)
    assert parsed.note is None


@pytest.mark.parametrize("value", [3, 2.5, -1e-3])
def test_numeric_cells_pass_through(value: float) -> None:
    parsed = parse_cell(value, where=HERE)
    assert parsed.value == float(value)
    assert parsed.note is None


@pytest.mark.parametrize(
    "text", ["12.3a", "abc", "1,23", "(123)", "#DIV/0!", "inf", "nan5", "1.2.3", "*", "12 34", "①"]
)
def test_refused_texts_name_the_cell(text: str) -> None:
    with pytest.raises(DataError) as info:
        parse_cell(text, where=HERE)
    message = str(info.value)
    assert message.startswith(
        "file 'x.csv', row 5, column 'gdp' (C), region '北京', year 2015: the cell text"
    )
    assert repr(text) in message


@pytest.mark.parametrize("value", [True, float("inf"), object()])
def test_refused_values(value: object) -> None:
    with pytest.raises(DataError, match=r"file 'x\.csv', row 5"):
        parse_cell(value, where=HERE)


@pytest.mark.parametrize(
    ("value", "year"),
    [
        (2014, 2014),
        (2014.0, 2014),
        ("2014", 2014),
        ("2014年", 2014),
        ("２０１４年", 2014),
        (" 2015 ", 2015),
        ("2016年度", 2016),
    ],
)
def test_years(value: object, year: int) -> None:
    assert parse_year(value, where=HERE) == year


@pytest.mark.parametrize("value", ["2014-01-01", 2014.5, "FY2014", None, 1850])
def test_bad_years(value: object) -> None:
    with pytest.raises(DataError, match="is not a year between 1900 and 2099"):
        parse_year(value, where=HERE)
