"""Global Moran's I and Geary's C against R spdep (benchmarks.md), esda and hand/exact results.

References
----------
- R 4.2.2, spdep 1.2-7, ``moran.test(logc_1963, nb2listw(usa46, style = "W"),
  randomisation = TRUE)`` (and ``randomisation = FALSE`` for the normality figures), on the
  cigarette panel of ``tests/cigar.py``; numbers copied from
  ``/work/shared/reference/benchmarks.md`` ("Moran's I of logc").
- esda 2.8.2 ``Moran`` / ``Geary`` (libpysal 4.14.1), run inside the tests on the same data and W.
- Exact permutation distributions enumerated in the test (all n! orderings) for n = 6.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sps
from hypothesis import given, settings
from hypothesis import strategies as st

import spatialpanel as sp
from spatialpanel.autocorr.moran import moran_table, significance_stars
from spatialpanel.errors import ConfigError, DataError, WeightsError
from tests.cigar import cigar_data, cigar_weights

RD_PATH = Path("/work/shared/reference/china/realdata/techme_RDIntense.csv")


@pytest.fixture(scope="module")
def logc() -> pd.Series:
    return cigar_data()["logc"]


@pytest.fixture(scope="module")
def w46() -> sp.SpatialWeights:
    return cigar_weights()


def test_matches_spdep_moran_test(logc: pd.Series, w46: sp.SpatialWeights) -> None:
    res = sp.moran(logc, w46, years=[1963, 1992], permutations=0)
    y63 = res.loc[1963]
    # spdep prints 6 decimals for I, E[I], var and 4 for z: compare to half a unit of the last digit
    assert y63["I"] == pytest.approx(0.262437, abs=5e-7)
    assert y63["EI"] == pytest.approx(-0.022222, abs=5e-7)
    assert y63["var"] == pytest.approx(0.010689, abs=5e-7)
    assert y63["z"] == pytest.approx(2.7533, abs=5e-5)
    assert y63["var_norm"] == pytest.approx(0.0111186, abs=5e-8)
    assert y63["z_norm"] == pytest.approx(2.6996, abs=5e-5)
    assert res.loc[1992, "I"] == pytest.approx(0.342576, abs=5e-7)
    assert res.loc[1992, "z"] == pytest.approx(3.4858, abs=5e-5)
    assert list(res.columns[:7]) == ["n", "I", "EI", "var", "sd", "z", "p"]


# R 4.2.2 Patched (2022-11-10), spdep 1.2-7 (Debian r-cran-spdep), full precision, run on
# 2026-11-28 on the same data written to CSV (logc of 1963 and 1992 in ascending state order, the
# binary spat-sym-us.wk1 matrix; R&D intensity 2020 with the bundled China contiguity):
#   lw <- mat2listw(m, style = "W")
#   moran.test(x, lw, randomisation = TRUE / FALSE, alternative = "two.sided" / "greater")
#   geary.test(x, lw, randomisation = TRUE / FALSE)      # alternative "greater" (default)
# columns: I, E[I], var(rand), z(rand), p two-sided(rand), var(norm), z(norm), p two-sided(norm),
#          C, var_C(rand), z_C(rand) as spdep prints it = (1 - C)/sd, p one-sided, var_C(norm)
SPDEP = {
    "cigar1963": (
        0.26243673890127,
        -0.02222222222222,
        0.01068903065500,
        2.75331371907122,
        0.00589953332294,
        0.01111855536747,
        2.69960782623392,
        0.00694212556931,
        0.69647921415304,
        0.01351183344275,
        2.61114684593362,
        0.00451195681093,
        0.01240972211392,
    ),
    "cigar1992": (
        0.342575750160936,
        -0.022222222222222,
        0.010952386222168,
        3.485764484239572,
        0.000490732844465,
        0.011118555367465,
        3.459618686701405,
        0.000540940823455,
        0.66512405627157,
        0.01283609315200,
        2.95574878992958,
        0.00155955512125,
        0.01240972211392,
    ),
    "rd2020": (
        0.32168237466593,
        -0.03333333333333,
        0.01198816240481,
        3.24243486323923,
        0.00118513035716,
        0.01404317743002,
        2.99581421900521,
        0.00273713137383,
        0.54517582198601,
        0.02286104330738,
        3.00812251408081,
        0.00131433571668,
        0.016837977630568,
    ),
}


def _check_spdep(mo: pd.Series, ge: pd.Series, ref: tuple[float, ...]) -> None:
    i, ei, var, z, p, var_n, z_n, p_n, c, var_c, z_c, p_c, var_cn = ref
    tol = {"rel": 1e-9, "abs": 1e-12}  # R printed 12-15 significant digits
    assert mo["I"] == pytest.approx(i, **tol) and mo["EI"] == pytest.approx(ei, **tol)
    assert mo["var"] == pytest.approx(var, **tol) and mo["z"] == pytest.approx(z, **tol)
    assert mo["p"] == pytest.approx(p, **tol)
    assert mo["var_norm"] == pytest.approx(var_n, **tol)
    assert mo["z_norm"] == pytest.approx(z_n, **tol) and mo["p_norm"] == pytest.approx(p_n, **tol)
    assert ge["C"] == pytest.approx(c, **tol) and ge["var"] == pytest.approx(var_c, **tol)
    assert ge["var_norm"] == pytest.approx(var_cn, **tol)
    # our z is (C - E[C])/sd like esda; spdep prints (E[C] - C)/sd
    assert ge["z"] == pytest.approx(-z_c, **tol)
    assert ge["p"] == pytest.approx(2 * p_c, **tol)  # two-sided vs spdep's one-sided (C < 1)


def test_matches_spdep_full_precision(logc: pd.Series, w46: sp.SpatialWeights) -> None:
    mo = sp.moran(logc, w46, years=[1963, 1992], permutations=0)
    ge = sp.geary(logc, w46, years=[1963, 1992], permutations=0)
    gl = sp.geary(logc, w46, years=[1963, 1992], permutations=0, alternative="less")
    for year in (1963, 1992):
        _check_spdep(mo.loc[year], ge.loc[year], SPDEP[f"cigar{year}"])
        # spdep's one-sided Geary p (positive autocorrelation) is our alternative="less"
        assert gl.loc[year, "p"] == pytest.approx(SPDEP[f"cigar{year}"][11], rel=1e-9)
    greater = sp.moran(logc, w46, years=[1963], permutations=0, alternative="greater")
    assert greater.loc[1963, "p"] == pytest.approx(0.00294976666147, rel=1e-9)
    assert greater.loc[1963, "p_norm"] == pytest.approx(0.00347106278465, rel=1e-9)


@pytest.mark.skipif(not RD_PATH.exists(), reason=f"real data not available at {RD_PATH}")
def test_real_data_matches_spdep() -> None:
    raw = pd.read_csv(RD_PATH)
    rd = raw[(raw["variable"] == "v4_ztr_qd_RD") & (raw["code"] != 100000)]
    series = rd.set_index(["code", "year"])["value"].astype(float)
    w = sp.SpatialWeights.china_contiguity()
    mo = sp.moran(series, w, years=[2020], permutations=0).loc[2020]
    ge = sp.geary(series, w, years=[2020], permutations=0).loc[2020]
    _check_spdep(mo, ge, SPDEP["rd2020"])


def _esda_moran(y: np.ndarray, w: sp.SpatialWeights, **kw: object) -> object:
    import esda

    return esda.Moran(y, w.to_libpysal_w(), permutations=0, **kw)


def test_equals_esda_every_year(logc: pd.Series, w46: sp.SpatialWeights) -> None:
    res = sp.moran(logc, w46, permutations=0)
    assert len(res) == 30
    for year, row in res.iterrows():
        y = logc.xs(year, level=1).loc[w46.ids].to_numpy()
        m = _esda_moran(y, w46)
        for ours, theirs in [
            ("I", "I"),
            ("EI", "EI"),
            ("var", "VI_rand"),
            ("var_norm", "VI_norm"),
            ("sd", "seI_rand"),
            ("z", "z_rand"),
            ("z_norm", "z_norm"),
            ("p", "p_rand"),
            ("p_norm", "p_norm"),
        ]:
            assert row[ours] == pytest.approx(getattr(m, theirs), abs=1e-10, rel=1e-10), ours
    # one-sided (greater) equals esda's two_tailed=False when I is above E[I]
    one = sp.moran(logc, w46, years=[1963], permutations=0, alternative="greater").loc[1963]
    m = _esda_moran(logc.xs(1963, level=1).loc[w46.ids].to_numpy(), w46, two_tailed=False)
    assert one["p"] == pytest.approx(m.p_rand, rel=1e-10)
    assert one["p_norm"] == pytest.approx(m.p_norm, rel=1e-10)


def test_weights_never_modified(logc: pd.Series) -> None:
    w = sp.SpatialWeights.from_array(
        cigar_weights().original.toarray(), ids=cigar_weights().ids, transform="binary"
    )
    before = w.sparse.toarray().copy()
    res = sp.moran(logc, w, years=[1970], permutations=9)
    assert w.transform == "binary"
    np.testing.assert_array_equal(w.sparse.toarray(), before)
    # binary weights are used as given: esda with transformation "B" agrees
    import esda

    y = logc.xs(1970, level=1).loc[w.ids].to_numpy()
    m = esda.Moran(y, w.to_libpysal_w(), transformation="B", permutations=0)
    assert res.loc[1970, "I"] == pytest.approx(m.I, rel=1e-10)
    assert res.loc[1970, "var"] == pytest.approx(m.VI_rand, rel=1e-10)


def test_order_of_rows_does_not_matter(logc: pd.Series, w46: sp.SpatialWeights) -> None:
    shuffled = logc.sample(frac=1.0, random_state=3)
    a = sp.moran(logc, w46, years=[1980], permutations=0)
    b = sp.moran(shuffled, w46.reordered(list(reversed(w46.ids))), years=[1980], permutations=0)
    assert a.loc[1980, "I"] == pytest.approx(b.loc[1980, "I"], rel=1e-12)


def test_pooled_equals_esda_on_block_diagonal(logc: pd.Series, w46: sp.SpatialWeights) -> None:
    years = [1963, 1964, 1965]
    res = sp.moran(logc, w46, years=years, pooled=True, permutations=0)
    assert list(res.index) == [*years, "pooled"]
    big = sp.SpatialWeights.from_sparse(
        sps.kron(sps.identity(3), w46.sparse), ids=range(46 * 3), transform="none"
    )
    y = np.concatenate([logc.xs(t, level=1).loc[w46.ids].to_numpy() for t in years])
    m = _esda_moran(y, big)
    assert res.loc["pooled", "I"] == pytest.approx(m.I, rel=1e-10)
    assert res.loc["pooled", "var"] == pytest.approx(m.VI_rand, rel=1e-10)
    assert res.loc["pooled", "EI"] == pytest.approx(-1 / (3 * 46 - 1), rel=1e-12)


def test_geary_equals_esda(logc: pd.Series, w46: sp.SpatialWeights) -> None:
    import esda

    res = sp.geary(logc, w46, years=[1963, 1992], permutations=0)
    for year in (1963, 1992):
        y = logc.xs(year, level=1).loc[w46.ids].to_numpy()
        g = esda.Geary(y, w46.to_libpysal_w(), permutations=0)
        row = res.loc[year]
        assert row["C"] == pytest.approx(g.C, rel=1e-10)
        assert row["var"] == pytest.approx(g.VC_rand, rel=1e-10)
        assert row["var_norm"] == pytest.approx(g.VC_norm, rel=1e-10)
        assert row["z"] == pytest.approx(g.z_rand, rel=1e-10)
        assert row["z_norm"] == pytest.approx(g.z_norm, rel=1e-10)
        # esda's Geary p is one-sided in the direction of C - 1; ours is two-sided by default
        assert row["p"] == pytest.approx(2 * g.p_rand, rel=1e-10)
        assert row["p_norm"] == pytest.approx(2 * g.p_norm, rel=1e-10)
    assert res.attrs["p_sidedness"]["p"].startswith("two-sided")


def _exact_perm_p(x: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """P(I_perm >= I_obs) and P(I_perm <= I_obs) over all n! orderings (the exact null)."""

    def stat(v: np.ndarray) -> float:
        z = v - v.mean()
        return float(len(v) / w.sum() * z @ w @ z / (z @ z))

    obs = stat(x)
    sims = np.array([stat(x[list(p)]) for p in itertools.permutations(range(len(x)))])
    return float(np.mean(sims >= obs - 1e-12)), float(np.mean(sims <= obs + 1e-12))


def test_permutation_p_approaches_exact_enumeration() -> None:
    chain = np.diag(np.ones(5), 1) + np.diag(np.ones(5), -1)  # 6-region chain
    w = sp.SpatialWeights.from_array(chain, ids=list("abcdef"))
    x = np.array([1.0, 2.0, 2.5, 6.0, 7.0, 9.0])
    series = pd.Series(x, index=pd.MultiIndex.from_product([list("abcdef"), [2000]]))
    greater, less = _exact_perm_p(x, w.dense)
    res = sp.moran(series, w, permutations=20000, seed=11, alternative="greater")
    # Monte Carlo standard error sqrt(p(1-p)/P) < 0.0036: allow 4 of them
    assert res.loc[2000, "p_perm"] == pytest.approx(greater, abs=0.0145)
    two = sp.moran(series, w, permutations=20000, seed=11).loc[2000, "p_perm"]
    assert two == pytest.approx(min(1.0, 2 * min(greater, less)), abs=0.03)


def test_permutations_seeded_by_text_time_labels() -> None:
    w = sp.SpatialWeights.china_contiguity()
    rng = np.random.default_rng(0)
    idx = pd.MultiIndex.from_product([list(w.ids), ["early", "late"]])
    series = pd.Series(rng.normal(size=len(idx)), index=idx)
    both = sp.moran(series, w, permutations=99, seed=1)
    late = sp.moran(series, w, years=["late"], permutations=99, seed=1)
    assert both.loc["late", "I_perm_mean"] == late.loc["late", "I_perm_mean"]


def test_permutations_are_seeded_per_year(logc: pd.Series, w46: sp.SpatialWeights) -> None:
    a = sp.moran(logc, w46, years=[1963, 1990], permutations=199, seed=4)
    b = sp.moran(logc, w46, years=[1990], permutations=199, seed=4)
    c = sp.moran(logc, w46, years=[1963, 1990], permutations=199, seed=5)
    assert a.loc[1990, "p_perm"] == b.loc[1990, "p_perm"]
    assert a.loc[1990, "I_perm_mean"] == b.loc[1990, "I_perm_mean"]
    assert a.loc[1990, "I_perm_mean"] != c.loc[1990, "I_perm_mean"]
    assert ((a["p_perm"] >= 1 / 200) & (a["p_perm"] <= 1)).all()
    assert a.attrs["permutations"] == 199 and a.attrs["seed"] == 4
    assert set(a.attrs["p_sidedness"]) == {"p", "p_norm", "p_perm"}


def test_table3_form(logc: pd.Series, w46: sp.SpatialWeights) -> None:
    tab = moran_table(logc, w46, years=[1963, 1992])
    assert list(tab.columns) == ["year", "I", "I_stars", "EI", "sd", "z", "p"]
    # p = 0.0059 (1963) and 0.00049 (1992), both < 0.01
    assert list(tab["I_stars"]) == ["0.262***", "0.343***"]
    assert significance_stars(0.03) == "**" and significance_stars(0.07) == "*"
    assert significance_stars(0.5) == "" and significance_stars(float("nan")) == ""
    both = moran_table(logc, {"contiguity": w46, "binary": w46.transformed("binary")}, years=[1963])
    assert list(both["weights"]) == ["contiguity", "binary"]
    assert both.loc[0, "I"] == tab.loc[0, "I"]
    assert both.loc[1, "I"] != both.loc[0, "I"]  # binary weights: a different statistic


@settings(max_examples=25, deadline=None)
@given(
    shift=st.floats(-1e3, 1e3),
    scale=st.floats(1e-2, 1e2),
    seed=st.integers(0, 10_000),
)
def test_property_affine_invariance_and_bounds(shift: float, scale: float, seed: int) -> None:
    """I, z and p do not change when x becomes a + b·x (b > 0); I is within the bounds of W."""
    w = sp.SpatialWeights.china_contiguity()
    rng = np.random.default_rng(seed)
    x = rng.normal(size=w.n)
    idx = pd.MultiIndex.from_product([list(w.ids), [2000]])
    a = sp.moran(pd.Series(x, index=idx), w, permutations=0).loc[2000]
    b = sp.moran(pd.Series(shift + scale * x, index=idx), w, permutations=0).loc[2000]
    for col in ("I", "z", "p", "z_norm"):
        assert b[col] == pytest.approx(a[col], rel=1e-7, abs=1e-9)
    # de Jong et al. (1984): I lies within the extreme eigenvalues of (n/S0)·M·(W + W')/2·M
    m = np.eye(w.n) - 1.0 / w.n
    eig = np.linalg.eigvalsh(m @ ((w.dense + w.dense.T) / 2) @ m)
    assert eig.min() - 1e-12 <= a["I"] <= eig.max() + 1e-12


def test_input_errors_name_region_and_year(logc: pd.Series, w46: sp.SpatialWeights) -> None:
    with pytest.raises(DataError, match="DataFrame"):
        sp.moran(cigar_data(), w46)  # type: ignore[arg-type]
    holed = logc.copy()
    holed.loc[(5, 1970)] = np.nan
    with pytest.raises(DataError, match=r"1970.*\[5\]"):
        sp.moran(holed, w46)
    short = logc.drop(index=(7, 1975))
    with pytest.raises(WeightsError, match=r"1975.*\[7\]"):
        sp.moran(short, w46)
    with pytest.raises(DataError, match="2050"):
        sp.moran(logc, w46, years=[2050])
    with pytest.raises(ConfigError, match="two-sided"):
        sp.moran(logc, w46, alternative="two_sided")  # type: ignore[arg-type]
    flat = logc.copy()
    flat.loc[flat.index.get_level_values(1) == 1980] = 1.0
    with pytest.raises(DataError, match="constant in year 1980"):
        sp.moran(flat, w46)
    with pytest.raises(DataError, match="constant in year 1980"):
        sp.local_moran(flat, w46)
    with pytest.raises(DataError, match="MultiIndex"):
        sp.moran(logc.reset_index(drop=True), w46)


@pytest.mark.skipif(not RD_PATH.exists(), reason=f"real data not available at {RD_PATH}")
def test_real_data_rd_intensity_china_contiguity() -> None:
    import esda

    raw = pd.read_csv(RD_PATH)
    rd = raw[(raw["variable"] == "v4_ztr_qd_RD") & (raw["code"] != 100000)]
    series = rd.set_index(["code", "year"])["value"].astype(float)
    w = sp.SpatialWeights.china_contiguity()
    res = sp.moran(series, w, permutations=0)
    assert len(res) == series.index.get_level_values(1).nunique()
    for year, row in res.iterrows():
        y = series.xs(year, level=1).loc[w.ids].to_numpy()
        m = esda.Moran(y, w.to_libpysal_w(), permutations=0)
        assert row["I"] == pytest.approx(m.I, abs=1e-10)
        assert row["var"] == pytest.approx(m.VI_rand, abs=1e-10)
        assert row["z"] == pytest.approx(m.z_rand, abs=1e-10)
        assert row["p"] == pytest.approx(m.p_rand, abs=1e-10)
        assert row["p_norm"] == pytest.approx(m.p_norm, abs=1e-10)
