"""Build the bundled REAL dataset ``china-provinces-nbs`` from the project's shared reference files.

Input (not shipped; official statistics recovered from public compilations, with provenance per
row): ``reference/china/realdata-nbs/raw_indicators_long.csv`` and
``reference/china/realdata/techme_RDIntense.csv`` under the shared folder (``SOURCE``).

Output, in ``src/spatialpanel/data/datasets``:

``china_provinces_nbs.csv``
    tidy ``region,year,variable,value`` for the 31 provinces (GB/T 2260 codes) and, where a
    source has it, the national total (region 100000), 2014-2023. Published values are written
    in their shortest exact form; derived values (ratios, per-head figures) are computed here
    from the published ones shipped in the same file and rounded to fixed decimals.
``china_provinces_nbs.meta.json``
    the dataset's record (title, mark ``"real-reduced"``, licence note, SHA-256 of the CSV) and
    one record per variable: labels (en/zh), unit, definition, official source, the compilation
    it was taken from (repository, path, commit, licence), how it is derived, coverage.

Nothing is interpolated, extrapolated or synthetic: a cell the sources lack is absent. Run from
the repository root::

    python scripts/make_nbs_dataset.py [--source /work/shared] [--out DIR]

The run is deterministic; ``tests/test_nbs_data.py`` rebuilds both files and compares bytes.
``docs/data-china-nbs.md`` is the data card.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from spatialpanel.data.bundled import NATIONAL, format_tidy_csv, sha256_text

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "src" / "spatialpanel" / "data" / "datasets"
DEFAULT_SOURCE = Path("/work/shared")
NAME = "china-provinces-nbs"
STEM = "china_provinces_nbs"
YEARS = (2014, 2023)
TECHME = {
    "repo": "huhuaping/techme",
    "path": "data (RDIntense), exported as techme_RDIntense.csv",
    "commit": None,
    "licence": "MIT (LICENSE: Hu Huaping 2021); underlying figures: NBS",
}

Frame = pd.DataFrame  # wide: (region, year) x variable


@dataclass(frozen=True)
class Var:
    """One variable of the dataset: where it comes from and what it means."""

    name: str
    label: str
    label_zh: str
    unit: str
    definition: str
    official: str
    raw: str | None = None  # indicator in raw_indicators_long.csv (published value)
    formula: str | None = None  # derived: how, in words
    compute: Callable[[Frame], pd.Series] | None = None
    decimals: int | None = None  # derived values only
    notes: tuple[str, ...] = ()
    inputs: tuple[str, ...] = field(default_factory=tuple)


def _ratio(num: str, den: str, scale: float) -> Callable[[Frame], pd.Series]:
    return lambda w: w[num] * scale / w[den]


VARIABLES: tuple[Var, ...] = (
    # ---------------------------------------------------------------- common prosperity (Table 2)
    Var(
        "urbanization_rate",
        "Urbanisation rate",
        "城镇化率",
        "%",
        "Urban resident population as a share of the year-end resident population.",
        "NBS, 分省年度数据 / China Statistical Yearbook: 城镇人口比重 (年末)",
        raw="urbanization_rate",
        notes=(
            "2020 onwards on the 7th population census; earlier years as published, not "
            "back-revised to the census.",
        ),
    ),
    Var(
        "gdp_per_capita",
        "GDP per head",
        "人均地区生产总值",
        "yuan per person",
        "GDP (2025 revision) divided by the year-end resident population.",
        "derived from NBS 地区生产总值 and 年末常住人口",
        formula="gdp × 10,000 / population",
        compute=_ratio("gdp", "population", 10000.0),
        decimals=2,
        inputs=("gdp", "population"),
        notes=(
            "NBS's own per-head GDP divides by the average population of the year; the two "
            "differ by about 0.5 %.",
        ),
    ),
    Var(
        "disposable_income_per_capita",
        "Disposable income per head, all residents",
        "居民人均可支配收入",
        "yuan",
        "Per-head disposable income of all residents (urban and rural), NBS integrated household "
        "survey.",
        "NBS, 分省年度数据: 居民人均可支配收入 (integrated household survey since 2013)",
        raw="disposable_income_pc_all",
        notes=(
            "The integrated urban-rural household survey started in 2013; 2014-2023 are on "
            "one definition.",
        ),
    ),
    Var(
        "hospital_beds_per_1k",
        "Hospital beds per 1,000 residents",
        "每千人口医疗卫生机构床位数",
        "beds per 1,000 residents",
        "Beds of medical and health institutions per 1,000 year-end residents.",
        "derived from NBS 医疗卫生机构床位数 (万张) and 年末常住人口",
        formula="hospital_beds × 1,000 / population",
        compute=_ratio("hospital_beds", "population", 1000.0),
        decimals=4,
        inputs=("hospital_beds", "population"),
        notes=("Rounded to two decimals it gives the published figure (e.g. Beijing 2022: 6.13).",),
    ),
    Var(
        "health_technicians_per_1k",
        "Health technicians per 1,000 residents",
        "每千人口卫生技术人员数",
        "persons per 1,000 residents",
        "Health technicians per 1,000 residents (the published per-10,000 figure / 10).",
        "derived from NBS 每万人拥有卫生技术人员数",
        formula="health_technicians_per_10k / 10",
        compute=lambda w: w["health_technicians_per_10k"] / 10.0,
        decimals=2,
        inputs=("health_technicians_per_10k",),
    ),
    Var(
        "public_toilets_per_10k",
        "Public toilets per 10,000 urban residents",
        "每万人拥有公厕",
        "toilets per 10,000 urban residents",
        "Public toilets per 10,000 urban residents (urban construction statistics).",
        "NBS, 分省年度数据 (from the China Urban-Rural Construction Statistical Yearbook): "
        "每万人拥有公厕 (座)",
        raw="public_toilets_per_10k",
        notes=(
            "Province-level jumps (e.g. Tianjin 2019-2020 1.16 → 3.63) look like changes of "
            "coverage or definition.",
        ),
    ),
    Var(
        "public_transport_vehicles_per_10k",
        "Public transport vehicles per 10,000 urban residents",
        "每万人拥有公共交通车辆",
        "standard vehicles per 10,000 urban residents",
        "Public transport vehicles (standard units) per 10,000 urban residents.",
        "NBS, 分省年度数据 (urban construction statistics): 每万人拥有公共交通车辆 (标台)",
        raw="public_transport_vehicles_per_10k",
        notes=(
            "2023 is not in the source. Breaks: 2018 (Beijing 26.55 → 18.24, Shanghai "
            "13.94 → 9.04) and 2022 (median change +34 %).",
        ),
    ),
    Var(
        "education_expenditure_share",
        "Education share of general budget expenditure",
        "教育支出占一般公共预算支出比重",
        "% of general budget expenditure",
        "Local general public budget expenditure on education as a share of all local general "
        "public budget expenditure.",
        "derived from NBS 地方一般公共预算支出 and its 教育支出",
        formula="education_expenditure / general_budget_expenditure × 100",
        compute=_ratio("education_expenditure", "general_budget_expenditure", 100.0),
        decimals=4,
        inputs=("education_expenditure", "general_budget_expenditure"),
    ),
    # ---------------------------------------------------------- urban-rural integration (Table 1)
    Var(
        "urban_disposable_income_per_capita",
        "Disposable income per head, urban residents",
        "城镇居民人均可支配收入",
        "yuan",
        "Per-head disposable income of urban residents.",
        "NBS, 分省年度数据: 城镇居民人均可支配收入",
        raw="disposable_income_pc_urban",
        notes=("2014-2020 only in the source (2021-2023 are absent).",),
    ),
    Var(
        "rural_disposable_income_per_capita",
        "Disposable income per head, rural residents",
        "农村居民人均可支配收入",
        "yuan",
        "Per-head disposable income of rural residents.",
        "NBS, 分省年度数据: 农村居民人均可支配收入",
        raw="disposable_income_pc_rural",
        notes=("2014-2020 only in the source (2021-2023 are absent).",),
    ),
    Var(
        "urban_rural_income_ratio",
        "Urban/rural disposable income ratio",
        "城乡居民人均可支配收入比",
        "ratio",
        "Per-head disposable income of urban residents divided by that of rural residents.",
        "derived from NBS 城镇 / 农村居民人均可支配收入",
        formula="urban_disposable_income_per_capita / rural_disposable_income_per_capita",
        compute=_ratio(
            "urban_disposable_income_per_capita", "rural_disposable_income_per_capita", 1.0
        ),
        decimals=4,
        inputs=("urban_disposable_income_per_capita", "rural_disposable_income_per_capita"),
        notes=("All income, not the wage-income ratio of the seed paper's Table 1.",),
    ),
    Var(
        "agri_machinery_power_per_rural_resident",
        "Agricultural machinery power per rural resident",
        "农村居民人均农业机械总动力",
        "kW per rural resident",
        "Total power of agricultural machinery per rural resident (rural residents = "
        "population × (1 − urbanisation rate)).",
        "derived from China Rural Statistical Yearbook 农业机械总动力, NBS 年末常住人口 and "
        "城镇人口比重",
        formula="agri_machinery_power / (population × (1 − urbanization_rate / 100))",
        compute=lambda w: (
            w["agri_machinery_power"] / (w["population"] * (1.0 - w["urbanization_rate"] / 100.0))
        ),
        decimals=4,
        inputs=("agri_machinery_power", "population", "urbanization_rate"),
        notes=("The seed paper divides by the crop sown area, which the sources lack.",),
    ),
    Var(
        "park_green_area_per_capita",
        "Park green area per urban resident",
        "人均公园绿地面积",
        "m² per person",
        "Urban park green area per urban resident.",
        "NBS, 分省年度数据 (urban construction statistics): 人均公园绿地面积",
        raw="park_green_area_pc",
        notes=("Tibet 2016-2018 and Tianjin 2017-2018 jump by a third and back.",),
    ),
    # ------------------------------------------------------------------------------ controls
    Var(
        "budget_expenditure_to_gdp",
        "General budget expenditure / GDP",
        "一般公共预算支出占地区生产总值比重",
        "% of GDP",
        "Local general public budget expenditure as a share of GDP (2025 revision): the usual "
        "measure of government intervention.",
        "derived from NBS 地方一般公共预算支出 and 地区生产总值",
        formula="general_budget_expenditure / gdp × 100",
        compute=_ratio("general_budget_expenditure", "gdp", 100.0),
        decimals=4,
        inputs=("general_budget_expenditure", "gdp"),
    ),
    Var(
        "secondary_industry_share",
        "Secondary industry share of GDP",
        "第二产业增加值占地区生产总值比重",
        "% of GDP",
        "Value added of the secondary industry as a share of GDP.",
        "NBS, 分省年度数据: 第二产业增加值比重",
        raw="secondary_industry_share",
    ),
    Var(
        "rd_intensity",
        "R&D intensity",
        "研究与试验发展(R&D)经费投入强度",
        "% of GDP",
        "Expenditure on research and experimental development as a share of GDP (as published).",
        "NBS / China Statistical Yearbook on Science and Technology: R&D经费投入强度",
        raw="rd_intensity",
    ),
    Var(
        "trade_to_gdp",
        "Imports and exports of goods / GDP",
        "货物进出口总额占地区生产总值比重",
        "% of GDP",
        "Total imports and exports of goods (yuan) as a share of GDP (2025 revision): openness.",
        "derived from NBS 货物进出口总额 and 地区生产总值",
        formula="trade_total / gdp × 100",
        compute=_ratio("trade_total", "gdp", 100.0),
        decimals=4,
        inputs=("trade_total", "gdp"),
        notes=("2016-2023 only (trade in yuan is absent before 2016 in the source).",),
    ),
    Var(
        "patents_per_10k",
        "Patent applications per 10,000 residents",
        "每万人专利申请受理数",
        "applications per 10,000 residents",
        "Domestic patent applications accepted per 10,000 year-end residents.",
        "derived from NBS 专利申请受理数 and 年末常住人口",
        formula="patent_applications / population",
        compute=_ratio("patent_applications", "population", 1.0),
        decimals=4,
        inputs=("patent_applications", "population"),
    ),
    # ------------------------------------------------------------------ published base series
    Var(
        "population",
        "Year-end resident population",
        "年末常住人口",
        "10,000 persons",
        "Resident population at the end of the year.",
        "NBS, 分省年度数据: 年末常住人口",
        raw="population_resident_yearend",
        notes=(
            "2020 on the 7th population census (province changes from −3.1 % to +1.7 % in "
            "2020); earlier years not back-revised.",
        ),
    ),
    Var(
        "gdp",
        "Gross regional product (2025 revision)",
        "地区生产总值（2025年修订）",
        "100 million yuan",
        "Gross regional product at current prices, as revised by NBS in 2025 after the 5th "
        "national economic census: one consistent series over 2014-2023.",
        "NBS, 分省年度数据: 地区生产总值 (revised 2025)",
        raw="gdp_revised",
    ),
    Var(
        "gdp_first_published",
        "Gross regional product as first published",
        "地区生产总值（初次公布）",
        "100 million yuan",
        "Gross regional product at current prices as printed by the yearbook of the following "
        "year (before later census revisions).",
        "China Statistical Yearbook, editions 2015-2024",
        raw="gdp_as_first_published",
        notes=(
            "Not one series: later census revisions are not in it (for 2018 the 2025 revision "
            "differs from the first-published figure by −29 % to +20 % across provinces).",
        ),
    ),
    Var(
        "general_budget_expenditure",
        "Local general public budget expenditure",
        "地方一般公共预算支出",
        "100 million yuan",
        "Local general public budget expenditure.",
        "NBS, 分省年度数据: 地方一般公共预算支出",
        raw="fiscal_exp_general_budget",
    ),
    Var(
        "education_expenditure",
        "Local general public budget expenditure on education",
        "地方一般公共预算教育支出",
        "100 million yuan",
        "Local general public budget expenditure on education.",
        "NBS, 分省年度数据: 地方财政教育支出",
        raw="fiscal_exp_education",
    ),
    Var(
        "hospital_beds",
        "Beds of medical and health institutions",
        "医疗卫生机构床位数",
        "10,000 beds",
        "Beds of medical and health institutions at year end.",
        "NBS, 分省年度数据: 医疗卫生机构床位数 (万张)",
        raw="hospital_beds_total",
        notes=(
            "The compilation's file is named 'beds per 10k persons' but holds total beds in "
            "10,000s.",
        ),
    ),
    Var(
        "health_technicians_per_10k",
        "Health technicians per 10,000 residents",
        "每万人拥有卫生技术人员数",
        "persons per 10,000 residents",
        "Health technicians per 10,000 residents.",
        "NBS, 分省年度数据: 每万人拥有卫生技术人员数",
        raw="health_technicians_per_10k",
    ),
    Var(
        "agri_machinery_power",
        "Total power of agricultural machinery",
        "农业机械总动力",
        "10,000 kW",
        "Total power of agricultural machinery at year end.",
        "China Rural Statistical Yearbook: 农业机械总动力",
        raw="agri_machinery_total_power",
        notes=(
            "Statistical revision in 2016: the national total falls from 111,728 (2015) to "
            "97,246 (2016); 20 of 31 provinces fall.",
        ),
    ),
    Var(
        "patent_applications",
        "Domestic patent applications accepted",
        "国内专利申请受理数",
        "applications",
        "Domestic patent applications accepted.",
        "NBS, 分省年度数据: 专利申请受理数",
        raw="patent_applications",
    ),
    Var(
        "trade_total",
        "Total imports and exports of goods",
        "货物进出口总额",
        "100 million yuan",
        "Total imports and exports of goods, in yuan.",
        "NBS, 分省年度数据: 货物进出口总额",
        raw="trade_total_cny",
        notes=("2016-2023 only in the source.",),
    ),
)


# ------------------------------------------------------------------------------------ build
def read_sources(source: Path) -> tuple[pd.DataFrame, dict[str, dict[str, Any]]]:
    """The published values (long: region, year, variable, value) and their provenance."""
    raw_path = source / "reference" / "china" / "realdata-nbs" / "raw_indicators_long.csv"
    rd_path = source / "reference" / "china" / "realdata" / "techme_RDIntense.csv"
    raw = pd.read_csv(raw_path, dtype=str, keep_default_na=False)
    rd = pd.read_csv(rd_path, dtype=str, keep_default_na=False)
    rows: list[pd.DataFrame] = []
    provenance: dict[str, dict[str, Any]] = {}
    for var in VARIABLES:
        if var.raw is None:
            continue
        if var.raw == "rd_intensity":
            sel = rd[rd["variable"] == "v4_ztr_qd_RD"]
            provenance[var.name] = {**TECHME, "unit_in_source": "%"}
        else:
            sel = raw[raw["indicator"] == var.raw]
            first = sel.iloc[0]
            for col in ("source_repo", "source_path", "source_commit", "license", "unit"):
                if sel[col].nunique() != 1:  # pragma: no cover - a check on the sources
                    raise SystemExit(f"{var.raw}: more than one {col} in the source")
            provenance[var.name] = {
                "repo": first["source_repo"],
                "path": first["source_path"],
                "commit": first["source_commit"],
                "licence": first["license"],
                "unit_in_source": first["unit"],
                "note_in_source": first["note"] or None,
            }
        years = sel["year"].astype(int)
        sel = sel[(years >= YEARS[0]) & (years <= YEARS[1])]
        rows.append(
            pd.DataFrame(
                {
                    "region": sel["code"].astype("int64").to_numpy(),
                    "year": sel["year"].astype("int64").to_numpy(),
                    "variable": var.name,
                    "value": np.array([float(v) for v in sel["value"]], dtype=np.float64),
                }
            )
        )
    published = pd.concat(rows, ignore_index=True)
    if published.duplicated(["region", "year", "variable"]).any():  # pragma: no cover
        raise SystemExit("duplicate region-year-variable rows in the sources")
    return published, provenance


def derive(published: pd.DataFrame) -> pd.DataFrame:
    """Published + derived values, long, rounded as written (derived to fixed decimals)."""
    wide = published.pivot(index=["region", "year"], columns="variable", values="value")
    parts = [published]
    for var in VARIABLES:
        if var.compute is None:
            continue
        missing = [c for c in var.inputs if c not in wide.columns]
        if missing:  # pragma: no cover - a check on the definitions
            raise SystemExit(f"{var.name}: inputs {missing} are not published variables")
        value = var.compute(wide).dropna()
        assert var.decimals is not None
        rounded = [float(f"{v:.{var.decimals}f}") for v in value.to_numpy()]
        parts.append(
            pd.DataFrame(
                {
                    "region": value.index.get_level_values(0).to_numpy(),
                    "year": value.index.get_level_values(1).to_numpy(),
                    "variable": var.name,
                    "value": np.array(rounded, dtype=np.float64),
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    order = {v.name: k for k, v in enumerate(VARIABLES)}
    out["_k"] = out["variable"].map(order)
    out = out.sort_values(["_k", "region", "year"], kind="mergesort").drop(columns="_k")
    return out.reset_index(drop=True)


def coverage(tidy: pd.DataFrame, name: str) -> dict[str, Any]:
    """Years, province cells and national figures of one variable."""
    sel = tidy[tidy["variable"] == name]
    prov = sel[sel["region"] != NATIONAL]
    years = sorted(int(y) for y in prov["year"].unique())
    complete = [int(y) for y, n in prov.groupby("year").size().items() if n == 31]
    return {
        "years": [years[0], years[-1]],
        "province_cells": len(prov),
        "of": 31 * (YEARS[1] - YEARS[0] + 1),
        "years_complete": complete,
        "national": bool((sel["region"] == NATIONAL).any()),
    }


def build(source: Path) -> tuple[str, str]:
    """The CSV text and the metadata JSON text."""
    published, provenance = read_sources(source)
    tidy = derive(published)
    decimals = {v.name: v.decimals for v in VARIABLES}
    csv_text = format_tidy_csv(tidy, decimals)
    variables: dict[str, Any] = {}
    for var in VARIABLES:
        record: dict[str, Any] = {
            "label": var.label,
            "label_zh": var.label_zh,
            "unit": var.unit,
            "definition": var.definition,
            "official_source": var.official,
            "kind": "published" if var.raw else "derived",
        }
        if var.raw:
            record["compiled_from"] = provenance[var.name]
        else:
            record["derived"] = var.formula
            record["inputs"] = list(var.inputs)
            record["decimals"] = var.decimals
        record["coverage"] = coverage(tidy, var.name)
        record["notes"] = list(var.notes)
        variables[var.name] = record
    meta = {
        "name": NAME,
        "title": "Published NBS statistics, China's 31 provinces, 2014-2023",
        "mark": "real-reduced",
        "synthetic": False,
        "note": (
            "REAL official statistics of the National Bureau of Statistics of China (China "
            "Statistical Yearbook, 分省年度数据, China Rural Statistical Yearbook, China "
            "Statistical Yearbook on Science and Technology). They cover the seed paper's "
            "indicator systems only in part: a study on them is a reduced indicator system."
        ),
        "licence": (
            "Official statistics are facts; cite the NBS tables named per variable. The figures "
            "were taken from public compilations named per variable (repository, path, commit, "
            "licence); spatialpanel redistributes the figures, not those files."
        ),
        "layout": "tidy: region, year, variable, value; region 100000 = national total",
        "regions": "31 provinces by GB/T 2260 code; 100000 national where published",
        "years": list(YEARS),
        "interpolated_cells": 0,
        "script": "scripts/make_nbs_dataset.py",
        "card": "docs/data-china-nbs.md",
        "rows": len(tidy),
        "sha256": sha256_text(csv_text),
        "variables": variables,
    }
    return csv_text, json.dumps(meta, ensure_ascii=False, indent=2) + "\n"


def write(source: Path, out: Path) -> tuple[Path, Path]:
    """Build and write the two files; return their paths."""
    csv_text, meta_text = build(source)
    out.mkdir(parents=True, exist_ok=True)
    csv_path, meta_path = out / f"{STEM}.csv", out / f"{STEM}.meta.json"
    csv_path.write_bytes(csv_text.encode("utf-8"))
    meta_path.write_bytes(meta_text.encode("utf-8"))
    return csv_path, meta_path


def main(argv: list[str]) -> int:
    """Command line: ``--source`` (shared folder), ``--out`` (datasets folder)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    for path in write(args.source, args.out):
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
