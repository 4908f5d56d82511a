"""The SYNTHETIC demo panel (issue 2 §3): shape, units, missing cells, geography, trends, truth.

References used here, all independent of the generator's own tables:

- column names: the bundled study ``src/spatialpanel/study/demo_study.toml`` (read with tomllib);
- plausible ranges: ``BOUNDS`` below, the table of ``docs/demo-data.md`` (public knowledge of
  China's provinces 2014-2023, rounded generously; e.g. urbanisation 22-90 %, per-capita GDP
  25,000-200,000 yuan, forest coverage 5-67 %, urban/rural income ratio 1.7-3.5);
- Moran's I: computed here with numpy from the bundled contiguity and cross-checked against
  ``esda.Moran`` (PySAL) on the same vector;
- the spatial Durbin recovery: ``spreg.ML_Lag`` (PySAL) on two-way demeaned data with the
  block-diagonal ``I_T ⊗ W`` (the "direct approach" of Elhorst 2014, §3.3), not our engine.
"""

from __future__ import annotations

import hashlib
import io
import json
import tomllib
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from spatialpanel.data.china import adjacency_pairs, provinces
from spatialpanel.data.demo import (
    DEMO_SEED,
    TRUE_PARAMETERS,
    VARIABLES,
    DemoParameters,
    demo_truth,
    format_demo_csv,
    generate_demo_panel,
    load_demo,
    read_demo_csv,
    variable_table,
    write_demo,
)
from spatialpanel.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
STUDY = tomllib.loads(
    resources.files("spatialpanel.study").joinpath("demo_study.toml").read_text("utf-8")
)
URI = STUDY["indices"]["uri"]["indicators"]
CP = STUDY["indices"]["cp"]["indicators"]
CONTROLS = STUDY["model"]["controls"]
YEARS = list(range(2014, 2024))

#: Plausible range of each variable over 31 provinces x 2014-2023 (docs/demo-data.md).
BOUNDS: dict[str, tuple[float, float]] = {
    "ur_wage_income_ratio": (1.3, 9.0),
    "ur_consumption_ratio": (1.2, 4.0),
    "ur_culture_consumption_ratio": (1.0, 6.0),
    "ur_engel_ratio": (0.6, 1.2),
    "unemployment_insurance_share": (2.0, 75.0),
    "nonagri_value_added_share": (70.0, 100.0),
    "nonagri_agri_employment_ratio": (0.4, 60.0),
    "private_cars_per_capita": (0.02, 0.40),
    "agri_machinery_per_sown_area": (1.5, 35.0),
    "park_green_area_per_capita": (5.0, 25.0),
    "forest_coverage": (3.0, 70.0),
    "env_protection_expenditure_share": (1.0, 8.0),
    "waste_harmless_treatment_rate": (40.0, 100.0),
    "urbanization_rate": (20.0, 92.0),
    "urban_unemployment_rate": (1.0, 5.0),
    "social_security_expenditure_per_capita": (500.0, 10000.0),
    "urban_road_area_per_capita": (3.0, 30.0),
    "public_transport_vehicles_per_10k": (5.0, 30.0),
    "hospital_beds_per_1k": (3.0, 10.0),
    "health_technicians_per_1k": (3.0, 15.0),
    "public_toilets_per_10k": (1.0, 10.0),
    "gdp_per_capita": (18000.0, 220000.0),
    "disposable_income_per_capita": (10000.0, 90000.0),
    "education_expenditure_share": (9.0, 23.0),
    "library_books_per_capita": (0.2, 4.5),
    "gov_intervention": (0.08, 1.6),
    "openness": (0.005, 1.5),
    "human_capital": (5.0, 14.0),
    "industrial_structure": (0.5, 6.0),
    "tech_innovation": (0.1, 7.5),
}


@pytest.fixture(scope="module")
def demo() -> pd.DataFrame:
    return load_demo()


@pytest.fixture(scope="module")
def panel():  # type: ignore[no-untyped-def]
    return generate_demo_panel()


def _wide(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    return frame.pivot(index="province", columns="year", values=column)


def _contiguity() -> np.ndarray:
    codes = list(provinces().index)
    w = np.zeros((31, 31))
    for a, b in adjacency_pairs():
        w[codes.index(a), codes.index(b)] = w[codes.index(b), codes.index(a)] = 1.0
    return w / w.sum(axis=1, keepdims=True)


def _moran(x: np.ndarray, w: np.ndarray) -> float:
    z = x - x.mean()
    return float(len(x) / w.sum() * (z @ w @ z) / (z @ z))


# ------------------------------------------------------------------------------------------
# shape, names, labels
# ------------------------------------------------------------------------------------------


def test_shape_columns_and_keys(demo: pd.DataFrame) -> None:
    assert demo.shape == (310, 32)
    assert list(demo.columns[:2]) == ["province", "year"]
    assert set(demo.columns[2:]) == set(URI) | set(CP) | set(CONTROLS)
    assert len(URI) == 13 and len(CP) == 12 and len(CONTROLS) == 5
    assert sorted(demo["province"].unique()) == sorted(provinces().index)
    assert sorted(demo["year"].unique()) == YEARS
    assert not demo.duplicated(["province", "year"]).any()
    assert demo["province"].dtype == np.int64 and demo["year"].dtype == np.int64
    assert all(demo[c].dtype == np.float64 for c in demo.columns[2:])


def test_labelled_synthetic(demo: pd.DataFrame) -> None:
    assert demo.attrs["synthetic"] is True
    assert "synthetic" in demo.attrs["source"] and str(DEMO_SEED) in demo.attrs["source"]
    meta = json.loads(
        resources.files("spatialpanel.data.datasets")
        .joinpath("demo_panel.meta.json")
        .read_text("utf-8")
    )
    assert meta["synthetic"] is True and "not the China Statistical Yearbook" in meta["note"]
    title = (ROOT / "docs" / "demo-data.md").read_text("utf-8").splitlines()[0]
    assert title.startswith("# ") and "synthetic" in title.lower()


def test_load_demo_returns_a_fresh_copy() -> None:
    first = load_demo()
    first.iloc[0, 2] = -999.0
    first.attrs["synthetic"] = False
    second = load_demo()
    assert second.iloc[0, 2] != -999.0 and second.attrs["synthetic"] is True


# ------------------------------------------------------------------------------------------
# units and magnitudes
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(BOUNDS))
def test_values_inside_documented_bounds(demo: pd.DataFrame, name: str) -> None:
    lo, hi = BOUNDS[name]
    values = demo[name].dropna()
    assert values.min() >= lo and values.max() <= hi, (name, values.min(), values.max())


def test_variable_table_matches_documented_bounds() -> None:
    table = variable_table().set_index("variable")
    assert len(table) == 30
    for name, (lo, hi) in BOUNDS.items():
        assert (table.loc[name, "plausible_min"], table.loc[name, "plausible_max"]) == (lo, hi)
        assert table.loc[name, "unit"]
    docs = (ROOT / "docs" / "demo-data.md").read_text("utf-8")
    rows = {
        cells[1].strip("` "): cells
        for line in docs.splitlines()
        if line.startswith("| `") and len(cells := line.split("|")) == 9
    }
    for name, (lo, hi) in BOUNDS.items():
        cells = rows[name]
        low, high = (float(v.replace(",", "")) for v in cells[5].split("–"))
        assert (low, high) == (lo, hi), name
        assert int(cells[6]) == table.loc[name, "decimals"], name
    for name, spec in (URI | CP).items():
        assert table.loc[name, "direction"] == spec["direction"], name


def test_other_seeds_stay_inside_bounds() -> None:
    for seed in (1, 2, 3):
        data = generate_demo_panel(seed=seed).complete
        for name, (lo, hi) in BOUNDS.items():
            assert lo <= data[name].min() and data[name].max() <= hi, (seed, name)


def test_magnitudes_of_a_typical_province(demo: pd.DataFrame) -> None:
    """Medians over provinces, public knowledge: GDP per capita ~40-50k yuan in 2014, ~80-100k
    in 2023; urbanisation ~50-55 % -> ~60-70 %; disposable income ~18-20k -> ~35-40k yuan."""
    med = demo.groupby("year").median(numeric_only=True)
    assert 35_000 <= med.loc[2014, "gdp_per_capita"] <= 55_000
    assert 70_000 <= med.loc[2023, "gdp_per_capita"] <= 110_000
    assert 45 <= med.loc[2014, "urbanization_rate"] <= 60
    assert 58 <= med.loc[2023, "urbanization_rate"] <= 75
    assert 15_000 <= med.loc[2014, "disposable_income_per_capita"] <= 22_000
    assert 30_000 <= med.loc[2023, "disposable_income_per_capita"] <= 45_000
    assert 2.5 <= med.loc[2014, "ur_wage_income_ratio"] <= 5.0


def test_east_high_west_low(demo: pd.DataFrame) -> None:
    gdp = demo.groupby("province")["gdp_per_capita"].mean()
    high = gdp[[110000, 310000, 320000, 330000]]  # Beijing, Shanghai, Jiangsu, Zhejiang
    low = gdp[[620000, 520000, 540000, 530000]]  # Gansu, Guizhou, Tibet, Yunnan
    assert high.min() > gdp.median() > low.max()
    region = provinces()["region_4"]
    by_region = gdp.groupby(region).mean()
    assert by_region["east"] > by_region["central"] > by_region["west"]


# ------------------------------------------------------------------------------------------
# missing cells
# ------------------------------------------------------------------------------------------


def test_missing_share_and_pattern(demo: pd.DataFrame) -> None:
    values = demo.iloc[:, 2:]
    share = values.isna().to_numpy().mean()
    assert 0.015 <= share <= 0.025
    assert values.isna().any().sum() >= 20  # spread over many variables
    for name in values.columns:
        wide = _wide(demo, name)
        for code, series in wide.iterrows():
            miss = series.isna().to_numpy()
            where = f"{name} / {code}"
            assert miss.sum() <= 2 and not miss.all(), where
            assert not (miss[0] and miss[-1]), where
            assert not np.any(miss[1:] & miss[:-1]), where  # no two adjacent years
            if miss[0]:
                assert not miss[1] and not miss[2], where  # two years to extrapolate from
            if miss[-1]:
                assert not miss[-2] and not miss[-3], where


def test_linear_fill_recovers_the_complete_panel_roughly(panel) -> None:  # type: ignore[no-untyped-def]
    """Filling by linear interpolation / two-point extrapolation (the paper's method, written
    here independently) lands close to the generator's complete values."""
    rel = []
    for name in BOUNDS:
        wide = _wide(panel.data, name).to_numpy()
        full = _wide(panel.complete, name).to_numpy()
        t = np.arange(10.0)
        for i in range(31):
            y, m = wide[i], ~np.isnan(wide[i])
            if m.all():
                np.testing.assert_array_equal(y, full[i])
                continue
            k = np.flatnonzero(m)
            a, b = (k[0], k[1]) if not m[0] else (k[-2], k[-1])
            line = y[a] + (t - a) * (y[b] - y[a]) / (b - a)
            filled = np.where(m, y, np.interp(t, t[m], y[m]))
            filled = np.where(~m & ((t < k[0]) | (t > k[-1])), line, filled)
            rel.extend(np.abs(filled[~m] / full[i][~m] - 1.0))
    assert len(rel) == 186
    assert np.median(rel) < 0.05 and max(rel) < 0.35


# ------------------------------------------------------------------------------------------
# geography and time
# ------------------------------------------------------------------------------------------


def test_spatial_clustering_of_gdp(demo: pd.DataFrame) -> None:
    w = _contiguity()
    gdp = _wide(demo, "gdp_per_capita")
    for year in (2014, 2018, 2023):
        x = gdp[year].dropna()
        keep = [list(gdp.index).index(c) for c in x.index]
        assert _moran(x.to_numpy(), w[np.ix_(keep, keep)] / 1.0) > 0.2, year


def test_moran_matches_esda() -> None:
    import esda
    import libpysal

    complete = generate_demo_panel().complete
    x = _wide(complete, "gdp_per_capita")[2020].to_numpy()
    w = _contiguity()
    ours = _moran(x, w)
    lw = libpysal.weights.full2W((w > 0).astype(float))
    lw.transform = "r"
    ref = esda.Moran(x, lw, permutations=0).I
    assert ours == pytest.approx(ref, rel=1e-12)
    assert ours > 0.3


def test_trends(panel) -> None:  # type: ignore[no-untyped-def]
    data = panel.complete
    up = ["gdp_per_capita", "disposable_income_per_capita", "urbanization_rate",
          "private_cars_per_capita", "hospital_beds_per_1k", "waste_harmless_treatment_rate",
          "unemployment_insurance_share", "nonagri_value_added_share"]  # fmt: skip
    down = ["ur_wage_income_ratio", "ur_consumption_ratio", "ur_culture_consumption_ratio"]
    mean = data.groupby("year").mean(numeric_only=True)
    for name in up:
        assert mean.loc[2023, name] > mean.loc[2014, name], name
        change = _wide(data, name)[2023] - _wide(data, name)[2014]
        assert (change > 0).mean() >= 0.8, name
    for name in down:
        assert mean.loc[2023, name] < mean.loc[2014, name], name
    latent = panel.truth.latent.groupby("year")[["U", "P"]].mean()
    assert (latent.diff().dropna() > 0).all().all()  # steady annual increase
    u = latent["U"]
    assert (u[2020] - u[2017]) / 3 > 1.5 * (u[2023] - u[2020]) / 3  # slowdown 2020-2023


def test_directions_follow_the_latent(panel) -> None:  # type: ignore[no-untyped-def]
    latent = panel.truth.latent
    for index, level in ((URI, "U"), (CP, "P")):
        for name, spec in index.items():
            rho = pd.Series(panel.complete[name]).corr(latent[level], method="spearman")
            if spec["direction"] == "negative":
                assert rho < -0.3, (name, rho)
            elif name in ("gdp_per_capita", "urbanization_rate", "nonagri_agri_employment_ratio"):
                assert rho > 0.7, (name, rho)


# ------------------------------------------------------------------------------------------
# reproducibility
# ------------------------------------------------------------------------------------------


def test_regeneration_reproduces_the_shipped_files(tmp_path: Path) -> None:
    root = resources.files("spatialpanel.data.datasets")
    shipped_csv = root.joinpath("demo_panel.csv").read_bytes()
    shipped_meta = root.joinpath("demo_panel.meta.json").read_bytes()
    text = format_demo_csv(generate_demo_panel(seed=DEMO_SEED).data)
    regenerated = read_demo_csv(io.StringIO(text))
    pd.testing.assert_frame_equal(regenerated, load_demo(), check_exact=True)
    assert text.encode("utf-8") == shipped_csv
    csv_path, meta_path = write_demo(tmp_path)
    assert csv_path.read_bytes() == shipped_csv and meta_path.read_bytes() == shipped_meta
    meta = json.loads(shipped_meta)
    assert meta["sha256"] == hashlib.sha256(shipped_csv).hexdigest()
    assert meta["seed"] == DEMO_SEED and meta["missing_cells"] == 186
    assert meta["true_parameters"] == TRUE_PARAMETERS.as_dict()


def test_script_writes_the_same_files(tmp_path: Path) -> None:
    import runpy

    module = runpy.run_path(str(ROOT / "scripts" / "make_demo_data.py"))
    assert module["main"]([str(tmp_path)]) == 0
    root = resources.files("spatialpanel.data.datasets")
    assert (tmp_path / "demo_panel.csv").read_bytes() == root.joinpath(
        "demo_panel.csv"
    ).read_bytes()


def test_published_values_equal_the_complete_values(panel) -> None:  # type: ignore[no-untyped-def]
    data, complete = panel.data.iloc[:, 2:], panel.complete.iloc[:, 2:]
    observed = data.notna().to_numpy()
    np.testing.assert_array_equal(data.to_numpy()[observed], complete.to_numpy()[observed])
    assert not complete.isna().any().any()


def test_seed_changes_the_data() -> None:
    a = generate_demo_panel(seed=1).complete
    b = generate_demo_panel(seed=2).complete
    assert not a.equals(b)
    pd.testing.assert_frame_equal(a, generate_demo_panel(seed=1).complete, check_exact=True)


# ------------------------------------------------------------------------------------------
# bad options
# ------------------------------------------------------------------------------------------


def test_bad_options_raise_named_errors() -> None:
    with pytest.raises(ConfigError, match=r"missing_share=0\.5"):
        generate_demo_panel(missing_share=0.5)
    with pytest.raises(ConfigError, match=r"rho=1\.2"):
        generate_demo_panel(parameters=DemoParameters(rho=1.2))
    with pytest.raises(ConfigError, match="each control"):
        generate_demo_panel(parameters=DemoParameters(gamma={"openness": -0.03}))
    with pytest.raises(ConfigError, match="sigma_eps"):
        generate_demo_panel(parameters=DemoParameters(sigma_eps=-1.0))


def test_truth_is_consistent() -> None:
    truth = demo_truth()
    assert truth.parameters == TRUE_PARAMETERS
    assert truth.latent.shape == (310, 5)
    w = truth.weights.to_numpy()
    np.testing.assert_allclose(w.sum(axis=1), 1.0, rtol=0, atol=1e-15)
    np.testing.assert_array_equal(w > 0, _contiguity() > 0)
    assert [v.name for v in VARIABLES][:13] == list(URI)
