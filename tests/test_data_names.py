"""Region names -> GB/T 2260 codes (issue 10 §2).

Reference: the codes and names of ``shared/reference/china/provinces.csv`` (GB/T 2260), and the
usual English / pinyin spellings of the provinces' official English names.
"""

from __future__ import annotations

import pytest

from spatialpanel.data.china import provinces
from spatialpanel.data.names import resolve_region
from spatialpanel.errors import DataError


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (110000, 110000),
        ("110000", 110000),
        (11, 110000),
        ("11", 110000),
        (110000.0, 110000),
        ("北京市", 110000),
        ("北京", 110000),
        (" 北京 ", 110000),
        ("  北京市　", 110000),  # ideographic space
        ("Ｂｅｉｊｉｎｇ", 110000),  # full-width letters
        ("beijing", 110000),
        ("Beijing Municipality", 110000),
        ("内蒙古自治区", 150000),
        ("内蒙古", 150000),
        ("Inner Mongolia", 150000),
        ("Nei Mongol", 150000),
        ("Neimenggu", 150000),
        ("Inner Mongolia Autonomous Region", 150000),
        ("广西壮族自治区", 450000),
        ("广西", 450000),
        ("Guangxi", 450000),
        ("Guangxi Zhuang Autonomous Region", 450000),
        ("宁夏回族自治区", 640000),
        ("Ningxia Hui Autonomous Region", 640000),
        ("新疆维吾尔自治区", 650000),
        ("新疆", 650000),
        ("Xinjiang Uygur Autonomous Region", 650000),
        ("Xinjiang Uyghur Autonomous Region", 650000),
        ("西藏", 540000),
        ("Tibet", 540000),
        ("Xizang", 540000),
        ("Shanxi", 140000),
        ("山西省", 140000),
        ("Shaanxi", 610000),
        ("SHAANXI", 610000),
        ("陕西", 610000),
        ("Hebei Province", 130000),
        ("Chongqing Municipality", 500000),
        ("黑龙江", 230000),
    ],
)
def test_spellings_map_to_the_code(value: object, code: int) -> None:
    assert resolve_region(value) == code


def test_every_province_by_each_column() -> None:
    table = provinces()
    for row in table.itertuples(index=False):
        for value in (
            row.code,
            str(row.code),
            row.code // 10000,
            row.name_zh,
            row.name_en,
            row.pinyin,
        ):
            assert resolve_region(value) == row.code, value


def test_shanxi_and_shaanxi_are_never_confused() -> None:
    assert resolve_region("Shanxi") != resolve_region("Shaanxi")
    with pytest.raises(DataError, match="not one of the 31 provinces") as info:
        resolve_region("Shanxii")
    # a suggestion, never an automatic match
    assert "Shanxi" in str(info.value)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("香港", "Hong Kong \\(810000\\); the study covers the 31 mainland provinces"),
        ("Hong Kong", "Hong Kong \\(810000\\)"),
        ("Macau", "Macao \\(820000\\)"),
        ("澳门特别行政区", "Macao \\(820000\\)"),
        ("台湾省", "Taiwan \\(710000\\)"),
        ("Taiwan", "Taiwan \\(710000\\)"),
        ("全国", "national total"),
        (100000, "national total"),
    ],
)
def test_outside_the_mainland_and_totals_refused(value: object, fragment: str) -> None:
    with pytest.raises(DataError, match=fragment):
        resolve_region(value, where="file 'x.csv', row 3")


def test_ambiguous_lists_candidates() -> None:
    with pytest.raises(DataError, match="ambiguous") as info:
        resolve_region("广", where="row 2")
    assert "广东省 (Guangdong, 440000)" in str(info.value)
    assert "广西壮族自治区 (Guangxi, 450000)" in str(info.value)
    assert str(info.value).startswith("row 2: ")


def test_unknown_lists_closest() -> None:
    with pytest.raises(DataError, match=r"'Beijng' is not one of .*Closest: 北京市"):
        resolve_region("Beijng")
    with pytest.raises(DataError, match="not one of the 31 provinces"):
        resolve_region(110100)  # a city code


@pytest.mark.parametrize("value", [None, float("nan"), "", "   "])
def test_empty_region_cell(value: object) -> None:
    with pytest.raises(DataError, match="region cell is empty"):
        resolve_region(value)
