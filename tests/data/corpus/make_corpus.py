"""Write the data-layer test corpus: small hand-made files in the formats researchers use.

Run from anywhere: ``python tests/data/corpus/make_corpus.py``. It rewrites every file in this
folder (the same bytes on every run: the workbooks' timestamps are fixed). The
tests in ``tests/test_data_corpus.py`` state, independently of this script, the panel each good
file must give and the message each bad file must raise.

The numbers are illustrative values of yearbook magnitude, not quotations of any yearbook: three
provinces (Beijing 110000, Inner Mongolia 150000, Shaanxi 610000) x 2014-2016 x two variables,
``gdp`` (100 million yuan) and ``urban_rate`` (percent).
"""

from __future__ import annotations

import codecs
import datetime
import io
import re
import zipfile
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
YEARS = (2014, 2015, 2016)
GDP = {
    "北京市": (21330.8, 23014.6, 25669.1),
    "内蒙古自治区": (17770.2, 17831.5, 18128.1),
    "陕西省": (17689.9, 18021.9, 19399.6),
}
URBAN = {
    "北京市": (86.35, 86.5, 86.5),
    "内蒙古自治区": (59.51, 60.3, 61.19),
    "陕西省": (52.57, 53.92, 55.34),
}
FULL = list(GDP)
SHORT = {"北京市": "北京", "内蒙古自治区": "内蒙古", "陕西省": "陕西"}
ENGLISH = {"北京市": "Beijing", "内蒙古自治区": "Inner Mongolia", "陕西省": "Shaanxi"}
CODES = {"北京市": 110000, "内蒙古自治区": 150000, "陕西省": 610000}


def _long_rows(names: dict[str, str] | None = None) -> list[list[object]]:
    rows: list[list[object]] = []
    for prov in FULL:
        for k, year in enumerate(YEARS):
            label = names[prov] if names else prov
            rows.append([label, year, GDP[prov][k], URBAN[prov][k]])
    return rows


def _csv(rows: list[list[object]], *, sep: str = ",") -> str:
    def cell(v: object) -> str:
        text = "" if v is None else str(v)
        return f'"{text}"' if sep in text or '"' in text else text

    return "".join(sep.join(cell(v) for v in row) + "\r\n" for row in rows)


def _write(name: str, data: bytes) -> None:
    (HERE / name).write_bytes(data)


def _save(book: openpyxl.Workbook, name: str) -> None:
    _write(name, _fixed_bytes(book))


def _fixed_bytes(book: openpyxl.Workbook) -> bytes:
    """The workbook's bytes with fixed timestamps, so that every run writes the same file."""
    stamp = datetime.datetime(2025, 1, 1)
    book.properties.created = stamp
    book.properties.modified = stamp
    raw = io.BytesIO()
    book.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2025-01-01T00:00:00Z", body
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=(2025, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, body)
    return out.getvalue()


def good_files() -> None:
    header = ["省份", "年份", "gdp", "urban_rate"]
    _write("long_utf8.csv", _csv([header, *_long_rows()]).encode("utf-8"))
    rows = [["province", "year", "gdp", "urban_rate"], *_long_rows(ENGLISH)]
    _write("long_utf8_bom.csv", codecs.BOM_UTF8 + _csv(rows).encode("utf-8"))
    notes = [["注：地区生产总值按当年价格计算。"], ["资料来源：各省统计年鉴。"]]
    text = _csv([["地区", "年份", "gdp", "urban_rate"], *_long_rows(SHORT), [], *notes])
    _write("long_gbk_notes.csv", text.encode("gbk"))
    # U+20000 is outside GBK: the file is GB18030 proper
    note = [["说明：\U00020000 为示例字符。"]]
    text = _csv([header, *_long_rows(), *note])
    _write("long_gb18030.csv", text.encode("gb18030"))
    rows = [["Province", "Year", "gdp", "urban_rate"], *_long_rows(ENGLISH)]
    _write("long_utf16.txt", _csv(rows, sep="\t").encode("utf-16"))

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "data"
    ws.append(["code", "year", "gdp", "urban_rate"])
    for row in _long_rows({p: CODES[p] for p in FULL}):  # type: ignore[misc]
        ws.append(row)
    _save(book, "long_codes.xlsx")

    # wide: years as columns, one variable per sheet
    book = openpyxl.Workbook()
    first = True
    for var, table in (("gdp", GDP), ("urban_rate", URBAN)):
        ws = book.active if first else book.create_sheet()
        first = False
        ws.title = var
        ws.append(["地区", *(f"{y}年" for y in YEARS)])
        for prov in FULL:
            ws.append([prov, *table[prov]])
    _save(book, "wide_sheets.xlsx")

    # wide: variable-year column blocks in one CSV
    head = ["province", *(f"gdp_{y}" for y in YEARS), *(f"urban_rate {y}" for y in YEARS)]
    rows = [[ENGLISH[p], *GDP[p], *URBAN[p]] for p in FULL]
    _write("wide_blocks.csv", _csv([head, *rows]).encode("utf-8"))

    # years as sheets, plus an instructions sheet that is ignored
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["本表为示例。"])
    for k, year in enumerate(YEARS):
        ws = book.create_sheet(f"{year}年")
        ws.append(["省份", "gdp", "urban_rate"])
        for prov in FULL:
            ws.append([SHORT[prov], GDP[prov][k], URBAN[prov][k]])
    _save(book, "year_sheets.xlsx")

    # yearbook: title row, two-row merged header (variable over years), decorated cells, notes
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "表2-1"
    ws.append(["表2-1 各地区主要指标"])
    ws.append(["地区", "gdp", None, None, "urban_rate", None, None])
    ws.append([None, *YEARS, *YEARS])
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:D2")
    ws.merge_cells("E2:G2")
    decorated = {
        "北京市": (["21,330.8", "23,014.6①", "25,669.1"], ["86.35%", "86.5%", "86.5%"]),
        "内蒙古自治区": (
            ["17,770.2", "１７８３１.５", "18,128.1*"],
            ["59.51%", "60.3%", "61.19%"],
        ),
        "陕西省": (["17,689.9", "18,021.9", "19,399.6"], ["52.57%", "—", "55.34%"]),
    }
    for prov in FULL:
        ws.append([f"  {prov} ", *decorated[prov][0], *decorated[prov][1]])
    ws.append([])
    ws.append(["注：①北京市数据为修订数。*为初步核算数。"])
    ws.append(["资料来源：示例。"])
    _save(book, "yearbook_two_row.xlsx")

    # yearbook long layout with a unit row under the header
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "data"
    ws.append(["地区", "年份", "gdp", "urban_rate"])
    ws.append([None, None, "亿元", "%"])
    for row in _long_rows():
        ws.append(row)
    _save(book, "yearbook_units.xlsx")

    # names in every spelling, GB18030-safe characters, full-width spaces and letters
    spellings = {
        "北京市": ("110000", "Ｂｅｉｊｉｎｇ", "  北京市　"),
        "内蒙古自治区": ("15", "Nei Mongol", "内蒙古自治区"),
        "陕西省": ("SHAANXI", "陕西", "610000"),
    }
    rows = [["region", "year", "gdp", "urban_rate"]]
    for prov in FULL:
        for k, year in enumerate(YEARS):
            rows.append([spellings[prov][k], year, GDP[prov][k], URBAN[prov][k]])
    _write("names_variants.csv", _csv(rows).encode("utf-8"))

    # a code column and a name column side by side (the name column is checked, not read)
    rows = [["地区代码", "地区", "年份", "gdp", "urban_rate"]]
    for prov in FULL:
        for k, year in enumerate(YEARS):
            rows.append([CODES[prov], SHORT[prov], year, GDP[prov][k], URBAN[prov][k]])
    _write("long_code_and_name.csv", _csv(rows).encode("utf-8"))


def bad_files() -> None:
    header = ["province", "year", "gdp", "urban_rate"]
    rows = _long_rows(ENGLISH)

    def variant(name: str, change: int, cells: list[object]) -> None:
        body = [list(r) for r in rows]
        body[change] = cells
        _write(name, _csv([header, *body]).encode("utf-8"))

    variant("bad_unknown_region.csv", 0, ["Beijng", 2014, 1.0, 2.0])
    variant("bad_ambiguous_region.csv", 0, ["Jiang", 2014, 1.0, 2.0])
    variant("bad_hong_kong.csv", 0, ["香港", 2014, 1.0, 2.0])
    variant("bad_duplicate.csv", 1, ["北京", 2014, 1.0, 2.0])
    variant("bad_non_numeric.csv", 4, ["Inner Mongolia", 2015, "12.3a", 60.3])
    variant("bad_negative_rate.csv", 8, ["Shaanxi", 2016, 19399.6, -5.0])
    variant("bad_year_outside.csv", 2, ["Beijing", 2013, 25669.1, 86.5])
    _write("bad_unbalanced.csv", _csv([header, *rows[:-1]]).encode("utf-8"))
    pairs = [["code", "province_zh", "year", "gdp", "urban_rate"]]
    pairs += [[CODES[FULL[i // 3]], FULL[i // 3], *r[1:]] for i, r in enumerate(rows)]
    pairs[5][1] = "陕西省"
    _write("bad_region_columns.csv", _csv(pairs).encode("utf-8"))
    sparse = [list(r) for r in rows]
    for k in (1, 2):
        sparse[k][3] = "—"
    _write("bad_one_year.csv", _csv([header, *sparse]).encode("utf-8"))
    _write(
        "bad_duplicated_header.csv",
        _csv([[*header, "gdp"], *[[*r, 1.0] for r in rows]]).encode("utf-8"),
    )
    noted = [list(r) for r in rows]
    noted.insert(3, ["注：以下为初步数。"])
    _write("bad_note_in_middle.csv", _csv([header, *noted]).encode("utf-8"))
    _write("bad_undecodable.csv", b"province,year,gdp\n\xff\xfe\x80\x81Beijing,2014,1\n\x80")
    book = openpyxl.Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    data = _fixed_bytes(book)
    _write("bad_truncated.xlsx", data[: len(data) // 2])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None  # the full workbook is valid; only the half is broken
    _write("bad_legacy.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))


TRADITIONAL = {"北京市": "北京市", "内蒙古自治区": "內蒙古自治區", "陕西省": "陝西"}
NATIONAL = {"gdp": (643563.1, 688858.2, 746395.1), "urban_rate": (55.75, 57.33, 58.84)}


def realworld_files() -> None:
    """National totals, units in header brackets, tidy tables, traditional characters."""
    # long, code and name columns, national totals on top of the table (100000/全国, Total)
    rows: list[list[object]] = [["地区代码", "地区", "年份", "gdp", "urban_rate"]]
    for k, year in enumerate(YEARS):
        rows.append([100000, "全国", year, NATIONAL["gdp"][k], NATIONAL["urban_rate"][k]])
    for prov in FULL:
        for k, year in enumerate(YEARS):
            rows.append([CODES[prov], SHORT[prov], year, GDP[prov][k], URBAN[prov][k]])
    _write("totals_long.csv", _csv(rows).encode("utf-8"))

    # yearbook two-row header with the national total as the first data row; units in brackets
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "表1"
    ws.append(["地区", "gdp(亿元)", None, None, "urban_rate（%）", None, None])
    ws.append([None, *YEARS, *YEARS])
    ws.merge_cells("B1:D1")
    ws.merge_cells("E1:G1")
    ws.append(["全国合计", *NATIONAL["gdp"], *NATIONAL["urban_rate"]])
    for prov in FULL:
        ws.append([prov, *GDP[prov], *URBAN[prov]])
    _save(book, "totals_yearbook.xlsx")

    # long, units in half- and full-width brackets, a national total written "Total"
    rows = [["province", "year", "gdp (亿元)", "urban_rate（%）"]]
    rows += [
        ["Total", year, NATIONAL["gdp"][k], NATIONAL["urban_rate"][k]]
        for k, year in enumerate(YEARS)
    ]
    rows += _long_rows(ENGLISH)
    _write("units_header.csv", _csv(rows).encode("gbk"))

    # tidy: region, year, indicator, value, unit, with a label column and national totals
    rows = [["code", "province_zh", "year", "indicator", "item_zh", "value", "unit"]]
    for prov, code, name in [(None, 100000, "全国"), *[(p, CODES[p], SHORT[p]) for p in FULL]]:
        for k, year in enumerate(YEARS):
            gdp = NATIONAL["gdp"][k] if prov is None else GDP[prov][k]
            rate = NATIONAL["urban_rate"][k] if prov is None else URBAN[prov][k]
            rows.append([code, name, year, "gdp", "地区生产总值", gdp, "亿元"])
            rows.append([code, name, year, "urban_rate", "城镇化率", rate, "%"])
    _write("tidy_long.csv", _csv(rows).encode("utf-8"))
    bad = [list(r) for r in rows]
    bad[8][6] = "万元"  # file row 9: urban_rate of Beijing 2014 in another unit
    _write("bad_tidy_two_units.csv", _csv(bad).encode("utf-8"))
    bad = [list(r) for r in rows]
    bad[9][4] = "人口"  # file row 10: gdp of Beijing 2015 labelled as another series
    _write("bad_tidy_label.csv", _csv(bad).encode("utf-8"))

    # traditional characters (GB18030 holds them; Big5-era exports often come re-encoded so)
    rows = [["省份", "年份", "gdp", "urban_rate"], *_long_rows(TRADITIONAL)]
    _write("names_traditional.csv", _csv(rows).encode("gb18030"))


if __name__ == "__main__":
    good_files()
    bad_files()
    realworld_files()
    print(f"corpus written to {HERE}")
