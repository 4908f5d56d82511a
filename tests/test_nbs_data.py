"""The bundled REAL dataset ``china-provinces-nbs`` (issue 16): facts, derivations, rebuild.

References, all independent of the dataset's own code:

- published figures (NBS; quoted and checked in the project's shared
  ``reference/china/realdata-nbs/README.md``): urbanisation 2020 Shanghai 89.30, Guangdong 74.15,
  Tibet 35.73; urban/rural disposable income per head 2020 national 43,834 / 17,131 (NBS
  Statistical Communiqué 2020), Shanghai 76,437 / 34,911; all-resident disposable income 2023
  Shanghai 84,834, Beijing 81,752; Guangdong GDP 2022 as first published 129,118.6 (100 million
  yuan); hospital beds per 1,000 Beijing 2022 6.13;
- derived variables: recomputed here from the published columns with the formula written in the
  metadata, then rounded to the stated decimals;
- the rebuild: ``scripts/make_nbs_dataset.py`` run on the shared source files must give the
  shipped bytes (skipped where the shared folder is absent; set ``SPATIALPANEL_SHARED``).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
from importlib import resources
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest

import spatialpanel as sp
from spatialpanel.data.bundled import dataset_meta, load_dataset, read_tidy_csv
from spatialpanel.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SPATIALPANEL_SHARED", "/work/shared"))
NAME = "china-provinces-nbs"
FILES = resources.files("spatialpanel.data.datasets")


@pytest.fixture(scope="module")
def panel() -> pd.DataFrame:
    return sp.load_example(NAME)


@pytest.fixture(scope="module")
def national() -> pd.DataFrame:
    return sp.load_example(NAME, national=True)


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_nbs", ROOT / "scripts/make_nbs_dataset.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


# ------------------------------------------------------------------------------ the contract
def test_contract_index_and_columns(panel: pd.DataFrame) -> None:
    assert list(panel.index.names) == ["region", "year"]
    regions = panel.index.get_level_values("region")
    assert regions.dtype == np.int64 and panel.index.get_level_values("year").dtype == np.int64
    assert sorted(set(regions)) == sorted(sp.provinces().index)  # the 31 GB/T 2260 codes
    assert sorted(set(panel.index.get_level_values("year"))) == list(range(2014, 2024))
    assert len(panel) == 310 and panel.index.is_monotonic_increasing
    for col in ("urbanization_rate", "disposable_income_per_capita"):
        assert panel[col].notna().all()
    assert panel.attrs["units"]["urbanization_rate"] == "%"
    assert panel.attrs["units"]["disposable_income_per_capita"] == "yuan"
    assert panel.attrs["mark"] == "real-reduced" and panel.attrs["synthetic"] is False


def test_fresh_copy_each_call(panel: pd.DataFrame) -> None:
    first = sp.load_example(NAME)
    first.iloc[0, 0] = -1.0
    assert sp.load_example(NAME).iloc[0, 0] == panel.iloc[0, 0] != -1.0


# ------------------------------------------------------------------------ published figures
@pytest.mark.parametrize(
    ("region", "year", "column", "published", "decimals"),
    [
        (310000, 2020, "urbanization_rate", 89.30, 2),
        (440000, 2020, "urbanization_rate", 74.15, 2),
        (540000, 2020, "urbanization_rate", 35.73, 2),
        (310000, 2020, "urban_disposable_income_per_capita", 76437, 0),
        (310000, 2020, "rural_disposable_income_per_capita", 34911, 0),
        (310000, 2023, "disposable_income_per_capita", 84834, 0),
        (110000, 2023, "disposable_income_per_capita", 81752, 0),
        (440000, 2022, "gdp_first_published", 129118.6, 1),
        (110000, 2022, "hospital_beds_per_1k", 6.13, 2),
    ],
)
def test_published_province_figures(
    panel: pd.DataFrame, region: int, year: int, column: str, published: float, decimals: int
) -> None:
    assert round(float(panel.loc[(region, year), column]), decimals) == published


def test_published_national_figures(national: pd.DataFrame) -> None:
    row = national.loc[(100000, 2020)]
    assert round(row["urban_disposable_income_per_capita"]) == 43834
    assert round(row["rural_disposable_income_per_capita"]) == 17131
    assert round(43834 / 17131, 2) == round(row["urban_rural_income_ratio"], 2) == 2.56
    assert 100000 not in sp.load_example(NAME).index.get_level_values("region")


def test_magnitudes_and_orderings(panel: pd.DataFrame) -> None:
    """Facts a reader can check: Shanghai and Beijing lead income; Tibet trails urbanisation."""
    income = panel["disposable_income_per_capita"].xs(2023, level="year")
    assert list(income.nlargest(2).index) == [310000, 110000]
    urban = panel["urbanization_rate"].xs(2023, level="year")
    assert urban.idxmin() == 540000 and urban.idxmax() == 310000
    ratio = panel["urban_rural_income_ratio"].xs(2020, level="year")
    assert ratio.min() > 1.5 and ratio.max() < 3.6  # Tianjin lowest, Gansu highest in 2020
    assert ratio.idxmin() == 120000 and ratio.idxmax() == 620000


# ------------------------------------------------------------------------ derived and gaps
def test_derived_variables_recomputed_from_their_inputs(national: pd.DataFrame) -> None:
    meta = dataset_meta(NAME)["variables"]
    w = national
    formulas = {
        "gdp_per_capita": w["gdp"] * 1e4 / w["population"],
        "hospital_beds_per_1k": w["hospital_beds"] * 1000 / w["population"],
        "health_technicians_per_1k": w["health_technicians_per_10k"] / 10,
        "education_expenditure_share": w["education_expenditure"]
        / w["general_budget_expenditure"]
        * 100,
        "urban_rural_income_ratio": w["urban_disposable_income_per_capita"]
        / w["rural_disposable_income_per_capita"],
        "agri_machinery_power_per_rural_resident": w["agri_machinery_power"]
        / (w["population"] * (1 - w["urbanization_rate"] / 100)),
        "budget_expenditure_to_gdp": w["general_budget_expenditure"] / w["gdp"] * 100,
        "trade_to_gdp": w["trade_total"] / w["gdp"] * 100,
        "patents_per_10k": w["patent_applications"] / w["population"],
    }
    derived = {k for k, v in meta.items() if v["kind"] == "derived"}
    assert derived == set(formulas)
    for name, value in formulas.items():
        assert set(meta[name]["inputs"]) <= set(meta), name
        d = meta[name]["decimals"]
        expect = value.dropna().map(lambda v, d=d: float(f"{v:.{d}f}"))
        got = w[name].dropna()
        assert got.index.equals(expect.index), name
        np.testing.assert_array_equal(got.to_numpy(), expect.to_numpy(), err_msg=name)


def test_only_documented_gaps(panel: pd.DataFrame) -> None:
    """Nothing interpolated: the absent cells are the sources' gaps, listed in the data card."""
    gaps = {c: sorted(set(panel.index[panel[c].isna()].get_level_values("year"))) for c in panel}
    gaps = {c: y for c, y in gaps.items() if y}
    assert gaps == {
        "public_transport_vehicles_per_10k": [2023],
        "urban_disposable_income_per_capita": [2021, 2022, 2023],
        "rural_disposable_income_per_capita": [2021, 2022, 2023],
        "urban_rural_income_ratio": [2021, 2022, 2023],
        "trade_to_gdp": [2014, 2015],
        "trade_total": [2014, 2015],
    }
    for col, years in gaps.items():  # whole years: never a single province missing
        assert panel[col].isna().sum() == 31 * len(years)


# --------------------------------------------------------------------------------- metadata
def test_metadata_per_variable(panel: pd.DataFrame) -> None:
    meta = dataset_meta(NAME)
    assert meta["mark"] == "real-reduced" and meta["synthetic"] is False
    assert list(meta["variables"]) == list(panel.columns)
    for name, rec in meta["variables"].items():
        for key in ("label", "label_zh", "unit", "definition", "official_source", "coverage"):
            assert rec[key], (name, key)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in rec["label_zh"]), name
        if rec["kind"] == "published":
            src = rec["compiled_from"]
            assert src["repo"] and src["licence"], name
        cov = rec["coverage"]
        assert cov["province_cells"] == int(panel[name].notna().sum()), name


def test_sha256_and_exact_parse() -> None:
    text = FILES.joinpath("china_provinces_nbs.csv").read_bytes()
    assert hashlib.sha256(text).hexdigest() == dataset_meta(NAME)["sha256"]
    assert b"\r" not in text and text.endswith(b"\n")
    with FILES.joinpath("china_provinces_nbs.csv").open("rb") as fh:
        tidy = read_tidy_csv(fh)
    assert not tidy.duplicated(["region", "year", "variable"]).any()
    assert tidy["value"].notna().all()


def test_rebuild_bit_for_bit(tmp_path: Path) -> None:
    if not (SHARED / "reference/china/realdata-nbs/raw_indicators_long.csv").is_file():
        pytest.skip(f"the shared source files are not under {SHARED} (SPATIALPANEL_SHARED)")
    paths = _script().write(SHARED, tmp_path)
    for path in paths:
        assert path.read_bytes() == FILES.joinpath(path.name).read_bytes(), path.name


# --------------------------------------------------------------------------------- examples
def test_examples_registry() -> None:
    names = [e.name for e in sp.examples()]
    assert NAME in names and "china-demo-synthetic" in names
    assert sum(e.default for e in sp.examples()) == 1
    assert sp.examples()[0].default
    marks = {e.name: e.mark for e in sp.examples()}
    assert marks == {
        "china-demo-synthetic": "synthetic",
        NAME: "real-reduced",
        "china-cities-synthetic": "synthetic",
    }
    for e in sp.examples():
        assert resources.files("spatialpanel.study").joinpath(e.study).is_file()


def test_demo_through_the_same_mechanism() -> None:
    demo = sp.load_example("china-demo-synthetic")
    raw = sp.load_demo()
    assert list(demo.index.names) == ["region", "year"]
    assert demo.attrs["mark"] == "synthetic" and demo.attrs["synthetic"] is True
    np.testing.assert_array_equal(demo.to_numpy(), raw.drop(columns=["province", "year"]))


def test_unknown_example_names_the_choices() -> None:
    with pytest.raises(ConfigError, match=r"'china-provinces-nsb'.*china-provinces-nbs"):
        sp.load_example("china-provinces-nsb")
    with pytest.raises(ConfigError, match="not a bundled dataset"):
        load_dataset("nope")


def test_meta_json_is_plain_utf8() -> None:
    text = FILES.joinpath("china_provinces_nbs.meta.json").read_text(encoding="utf-8")
    assert json.loads(text)["name"] == NAME and text.endswith("}\n")
