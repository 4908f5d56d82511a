"""Write the fixture files of ``tests/test_data_formats.py`` (run by hand; the files are committed).

    cd tests/data/formats && /work/venv/bin/python make_formats.py

Every file holds the same panel: 31 provinces x 2014-2023, three variables rounded as a yearbook
prints them (``urbanization_rate`` 2 decimals, ``gdp_per_capita`` 0 decimals, ``openness`` 4
decimals), taken from spatialpanel's SYNTHETIC demo panel, with its missing cells and one more
(Hebei 2016, ``openness``): 21 in all. Each file is written by the format's own tool where one
is installed here, otherwise by the reference library:

- ``panel_long.csv``: Python's csv module (the CSV of the same data);
- ``nbs_panel.xlsx``: openpyxl, laid out as the NBS data portal (data.stats.gov.cn) exports a
  province-by-year query: one sheet per indicator (named by the variable), the lines
  ``数据库：分省年度数据`` / ``指标：…`` / ``时间：最近10年`` above the table, a ``地区``
  column, years as ``2023年`` … ``2014年`` columns (newest first), missing cells empty, and
  ``注：`` and ``数据来源：国家统计局`` lines under the table;
- ``nbs_panel.xls``: LibreOffice 7.4 Calc, ``soffice --headless --convert-to xls nbs_panel.xlsx``
  (a real BIFF8 workbook; xlwt, the old Python writer, is unmaintained);
- ``cells.xlsx`` / ``cells.xls`` / ``cells.ods``: openpyxl, then ``soffice --convert-to xls`` and
  ``--convert-to ods``: a long table with a number shown in percent format (stored 0.5321, shown
  53.21%), a merged title over the header, and a hidden sheet ``extra`` holding another variable;
- ``panel.dta``: pandas ``DataFrame.to_stata(version=118, variable_labels=...)`` with the
  province as a labelled integer (a Categorical, which pandas writes as codes with value labels,
  as Stata's ``encode`` does) and a variable label for each variable;
- ``panel.sav``: GNU PSPP 1.6.2, ``pspp panel_sav.sps`` (reads ``panel_long.csv``, sets the
  variable labels, saves a system file);
- ``panel.parquet``: pyarrow, ``DataFrame.to_parquet``.
"""

from __future__ import annotations

import csv
import os
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd

import spatialpanel as sp

HERE = Path(__file__).parent
YEARS = list(range(2014, 2024))
DIGITS = {"urbanization_rate": 2, "gdp_per_capita": 0, "openness": 4}
TITLES = {
    "urbanization_rate": "城镇人口比重(%)",
    "gdp_per_capita": "人均地区生产总值(元)",
    "openness": "进出口总额占地区生产总值比重",
}
LABELS = {
    "urbanization_rate": "Urbanization rate (%)",
    "gdp_per_capita": "GDP per capita (yuan)",
    "openness": "Trade openness (share of GDP)",
}
GAP = (130000, 2016, "openness")


def panel() -> pd.DataFrame:
    """The panel: (code, year) rows, rounded columns, one NaN."""
    demo = sp.load_demo().set_index(["province", "year"]).sort_index()
    frame = demo[list(DIGITS)].copy()
    for col, digits in DIGITS.items():
        frame[col] = frame[col].round(digits)
    frame.loc[(GAP[0], GAP[1]), GAP[2]] = float("nan")
    return frame


def names() -> dict[int, str]:
    table = sp.provinces()
    return {int(c): str(n) for c, n in zip(table["code"], table["name_zh"], strict=True)}


def write_csv(frame: pd.DataFrame) -> None:
    zh = names()
    with (HERE / "panel_long.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["province", "year", *DIGITS])
        for (code, year), row in frame.iterrows():
            cells = ["" if pd.isna(v) else repr(float(v)) for v in row]
            writer.writerow([zh[int(code)], int(year), *cells])


def write_nbs(frame: pd.DataFrame) -> None:
    zh = names()
    book = openpyxl.Workbook()
    book.remove(book.active)
    for var in DIGITS:
        ws = book.create_sheet(var)
        ws.append(["数据库：分省年度数据"])
        ws.append([f"指标：{TITLES[var]}"])
        ws.append(["时间：最近10年"])
        ws.append(["地区", *[f"{y}年" for y in reversed(YEARS)]])
        for code in frame.index.get_level_values(0).unique():
            values = [frame.loc[(code, y), var] for y in reversed(YEARS)]
            ws.append([zh[int(code)], *[None if pd.isna(v) else float(v) for v in values]])
        ws.append(["注：2023年数据为初步核算数。"])
        ws.append(["数据来源：国家统计局"])
    book.save(HERE / "nbs_panel.xlsx")


def write_cells() -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "data"
    ws.append(["城镇化率 (示例)"])
    ws.merge_cells("A1:C1")
    ws.append(["province", "year", "urbanization_rate"])
    rows = [
        ("北京", 2014, 86.35),
        ("北京", 2015, 86.5),
        ("天津", 2014, 82.27),
        ("天津", 2015, 0.5321),
    ]
    for row in rows:
        ws.append(list(row))
    ws["C6"].number_format = "0.00%"
    extra = book.create_sheet("extra")
    extra.append(["province", "year", "secret"])
    for p, y, _ in rows:
        extra.append([p, y, 1.0])
    extra.sheet_state = "hidden"
    book.save(HERE / "cells.xlsx")


def soffice(target: str, source: str) -> None:
    env = {**os.environ, "HOME": "/tmp/spatialpanel-soffice"}
    subprocess.run(
        ["soffice", "--headless", "--convert-to", target, "--outdir", str(HERE), source],
        cwd=HERE,
        check=True,
        env=env,
        capture_output=True,
    )


def write_dta(frame: pd.DataFrame) -> None:
    zh = names()
    flat = frame.reset_index()
    flat["province"] = pd.Categorical(
        [zh[int(c)] for c in flat["province"]], categories=[zh[c] for c in sorted(zh)]
    )
    flat["year"] = flat["year"].astype("int16")
    flat.to_stata(
        HERE / "panel.dta",
        write_index=False,
        version=118,
        variable_labels={**LABELS, "province": "Province", "year": "Year"},
    )


SPS = """* Written by make_formats.py; run with: pspp panel_sav.sps
SET LOCALE='UTF-8'.
GET DATA /TYPE=TXT /FILE='panel_long.csv' /ENCODING='UTF-8' /ARRANGEMENT=DELIMITED
  /DELCASE=LINE /FIRSTCASE=2 /DELIMITERS=',' /QUALIFIER='"'
  /VARIABLES=province A24 year F4.0 urbanization_rate F8.2 gdp_per_capita F10.0
  openness F8.4.
VARIABLE LABELS urbanization_rate '{urbanization_rate}'
  /gdp_per_capita '{gdp_per_capita}'
  /openness '{openness}'.
SAVE OUTFILE='panel.sav'.
"""


def write_sav() -> None:
    (HERE / "panel_sav.sps").write_text(SPS.format(**LABELS), encoding="utf-8")
    subprocess.run(["pspp", "panel_sav.sps"], cwd=HERE, check=True, capture_output=True)


def main() -> None:
    frame = panel()
    write_csv(frame)
    write_nbs(frame)
    soffice("xls", "nbs_panel.xlsx")
    write_cells()
    soffice("xls", "cells.xlsx")
    soffice("ods", "cells.xlsx")
    write_dta(frame)
    write_sav()
    frame.reset_index().to_parquet(HERE / "panel.parquet", index=False)


if __name__ == "__main__":
    main()
