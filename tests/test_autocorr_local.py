"""Local Moran's I, conditional-permutation p-values, quadrants, FDR and membership tables.

References
----------
- esda 2.8.2 ``Moran_Local`` (local I, quadrants ``q``) and its numba kernel
  ``esda.crand.compute_chunk`` fed with *our* permutation draws, run inside the tests.
- scipy ``stats.false_discovery_control`` (Benjamini-Hochberg) and a hand-worked example.
- A hand-worked 4-region chain (numbers in the comments).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import spatialpanel as sp
from spatialpanel.autocorr.local import (
    benjamini_hochberg,
    conditional_p,
    permuted_ids,
    quadrant_counts,
    quadrant_membership,
)
from spatialpanel.errors import ConfigError
from tests.cigar import cigar_data, cigar_weights

RD_PATH = Path("/work/shared/reference/china/realdata/techme_RDIntense.csv")
CHAIN = np.array([[0, 1, 0, 0], [1, 0, 1, 0], [0, 1, 0, 1], [0, 0, 1, 0]], dtype=float)


def chain_series(values: list[float], year: int = 2000) -> pd.Series:
    idx = pd.MultiIndex.from_product([list("abcd"), [year]], names=["region", "year"])
    return pd.Series(values, index=idx)


def test_hand_worked_chain() -> None:
    w = sp.SpatialWeights.from_array(CHAIN, ids=list("abcd"))
    res = local_res = sp.local_moran(chain_series([1.0, 2.0, 4.0, 3.0]), w, permutations=0)
    # x = 1, 2, 4, 3: deviations d = -1.5, -0.5, 1.5, 0.5, Σd² = 5; row-standardised lags of d:
    # a: -0.5, b: (-1.5 + 1.5)/2 = 0, c: (-0.5 + 0.5)/2 = 0, d: 1.5
    # I_i = (n - 1) d_i lag_i / Σd²:
    # a: 3(-1.5)(-0.5)/5 = 0.45, b: 0, c: 0, d: 3(0.5)(1.5)/5 = 0.45
    np.testing.assert_allclose(res["Ii"], [0.45, 0.0, 0.0, 0.45], atol=1e-15)
    # quadrants: a LL, b LL (lag exactly 0 counts as low), c HL, d HH
    assert list(res["quadrant"]) == [3, 3, 4, 1]
    assert list(res["label"]) == ["LL", "LL", "HL", "HH"]
    assert not res["significant"].any() and res["p"].isna().all()
    assert list(res.columns[:2]) == ["region", "year"]
    # ddof=0 (spdep localmoran / GeoDa) scales by n / (n - 1) = 4/3
    geoda = sp.local_moran(chain_series([1.0, 2.0, 4.0, 3.0]), w, permutations=0, ddof=0)
    np.testing.assert_allclose(geoda["Ii"], [0.6, 0.0, 0.0, 0.6], atol=1e-15)
    assert local_res.attrs["quadrants"].startswith("1 HH, 2 LH, 3 LL, 4 HL")


def test_equals_esda_moran_local_all_years() -> None:
    import esda

    logc = cigar_data()["logc"]
    w = cigar_weights()
    res = sp.local_moran(logc, w, permutations=0)
    lw = w.to_libpysal_w()
    for year, sub in res.groupby("year"):
        y = logc.xs(year, level=1).loc[w.ids].to_numpy()
        m = esda.Moran_Local(y, lw, permutations=0)
        np.testing.assert_allclose(sub["Ii"].to_numpy(), m.Is, atol=1e-10, rtol=1e-10)
        np.testing.assert_array_equal(sub["quadrant"].to_numpy(), m.q)
        counts = quadrant_counts(res).loc[year]
        esda_counts = [int(np.sum(m.q == k)) for k in (1, 2, 3, 4)]
        assert list(counts[["HH", "LH", "LL", "HL"]]) == esda_counts
    # GeoDa codes: esda's geoda_quads numbering (1 HH, 3 LH, 2 LL, 4 HL) on the same data
    m = esda.Moran_Local(
        logc.xs(1992, level=1).loc[w.ids].to_numpy(), lw, permutations=0, geoda_quads=True
    )
    ours = sp.local_moran(logc, w, years=[1992], permutations=0)
    mapping = {1: 1, 2: 3, 3: 2, 4: 4}
    assert [mapping[q] for q in ours["quadrant"]] == list(m.q)


def test_matches_spdep_localmoran() -> None:
    """R 4.2.2, spdep 1.2-7: ``lm <- localmoran(x, mat2listw(m, style = "W"))`` on logc of 1963
    and 1992 (states in ascending code order, binary spat-sym-us.wk1 matrix); Ii of the first five
    states, the sum of Ii, and ``table(attr(lm, "quadr")$mean)``, run 2026-11-28."""
    spdep_ii = {
        1963: [
            0.68879330379837,
            -0.00722903608706,
            0.38610943639440,
            0.71207457364766,
            0.67907139577621,
        ],
        1992: [0.244691868922, 1.427609017755, 0.252096556128, 0.404576520307, 0.270425501421],
    }
    spdep_sum = {1963: 12.0720899895, 1992: 15.7584845074}
    # spdep's "mean" quadrants: x - mean(x) against W·x - mean(W·x) (the lag centred at its own
    # mean), counts (HH, LH, LL, HL)
    spdep_quadr = {1963: (16, 5, 19, 6), 1992: (17, 6, 19, 4)}
    logc = cigar_data()["logc"]
    w = cigar_weights()
    res = sp.local_moran(logc, w, years=[1963, 1992], permutations=0, ddof=0)
    for year, sub in res.groupby("year"):
        np.testing.assert_allclose(sub["Ii"].to_numpy()[:5], spdep_ii[year], rtol=1e-10)
        assert sub["Ii"].sum() == pytest.approx(spdep_sum[year], rel=1e-10)
        x = sub["value"].to_numpy()
        lag = w.dense @ x
        hi, hi_lag = x > x.mean(), lag > lag.mean()
        counts = (
            int(np.sum(hi & hi_lag)),
            int(np.sum(~hi & hi_lag)),
            int(np.sum(~hi & ~hi_lag)),
            int(np.sum(hi & ~hi_lag)),
        )
        assert counts == spdep_quadr[year]
    # our quadrants (esda/GeoDa: the lag of the deviations, W·(x - mean x)) agree with spdep's in
    # 1963 and differ in 1992, where two low states have a lag between mean(x) and mean(W·x)
    ours = quadrant_counts(res)
    assert tuple(ours.loc[1963]) == spdep_quadr[1963]
    assert tuple(ours.loc[1992]) == (17, 8, 17, 4)


@pytest.mark.parametrize(
    ("ours", "theirs"), [("directed", "directed"), ("greater", "greater"), ("less", "lesser")]
)
def test_conditional_p_equals_esda_kernel_on_same_draws(
    ours: str, theirs: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import esda.crand as crand
    import esda.moran as emoran

    # esda's kernels run as plain Python (their ``py_func``): the same code without the
    # minute-long numba compilation; three numba-only globals are swapped for their equivalents
    monkeypatch.setattr(crand, "boolean", np.bool_)
    monkeypatch.setattr(emoran, "_prepare_univariate", crand._prepare_univariate.py_func)
    monkeypatch.setattr(crand, "_permutation_significance", crand._permutation_significance.py_func)
    w = cigar_weights()
    y = cigar_data()["logc"].xs(1975, level=1).loc[w.ids].to_numpy()
    z = (y - y.mean()) / y.std()
    n = z.size
    scaling = (n - 1) / float(z @ z)
    mat = w.sparse
    observed = scaling * z * (mat @ z)
    card = np.diff(mat.indptr)
    ids = permuted_ids(np.random.default_rng(9), n=n, k_max=int(card.max()), permutations=999)
    assert all(len(set(row)) == row.size for row in ids) and ids.max() <= n - 2
    p_esda, sims = crand.compute_chunk.py_func(
        0,
        z,
        z,
        observed,
        card.astype(np.int64),
        np.zeros(n),
        mat.data.astype(float),
        ids.astype(np.int64),
        scaling,
        True,
        emoran._moran_local_crand.py_func,
        0,
        alternative=theirs,
    )
    p_ours = conditional_p(z, mat, observed, ids, scaling=scaling, alternative=ours)
    # esda stores p in float32 and compares without tolerance; we count a simulated value equal
    # to the observed one (up to rounding; it occurs when a draw hits the true neighbours) as a
    # tie. The counts behind both p-values are equal except, by one, where such a tie exists.
    ours_count = np.rint(p_ours * 1000)
    esda_count = np.rint(np.asarray(p_esda, dtype=float) * 1000)
    differ = np.flatnonzero(ours_count != esda_count)
    assert np.all(np.abs(ours_count - esda_count) <= 1)
    for i in differ:
        assert np.any(np.isclose(sims[i], observed[i], rtol=1e-12, atol=0)), i
    assert differ.size <= 3
    same = np.setdiff1d(np.arange(n), differ)
    np.testing.assert_allclose(p_ours[same], np.asarray(p_esda)[same], atol=1e-6)
    assert 0.001 <= p_ours.min() < 0.05 < p_ours.max()  # a spread of p-values, not a constant


def test_benjamini_hochberg() -> None:
    p = np.array([0.01, 0.04, 0.03, 0.2])
    # sorted 0.01, 0.03, 0.04, 0.2 -> ×4/k: 0.04, 0.06, 0.0533, 0.2 -> running min from the top:
    # 0.04, 0.0533, 0.0533, 0.2
    np.testing.assert_allclose(benjamini_hochberg(p), [0.04, 0.16 / 3, 0.16 / 3, 0.2])
    rng = np.random.default_rng(1)
    q = rng.uniform(0, 0.2, 50)
    np.testing.assert_allclose(benjamini_hochberg(q), stats.false_discovery_control(q))
    with_nan = benjamini_hochberg([0.01, np.nan, 0.02])
    assert np.isnan(with_nan[1])
    np.testing.assert_allclose(with_nan[[0, 2]], [0.02, 0.02])


def test_significance_fdr_and_seed() -> None:
    logc = cigar_data()["logc"]
    w = cigar_weights()
    raw = sp.local_moran(logc, w, years=[1963, 1992], permutations=999, seed=2)
    again = sp.local_moran(logc, w, years=[1992], permutations=999, seed=2)
    np.testing.assert_array_equal(raw.loc[raw["year"] == 1992, "p"], again["p"])
    fdr = sp.local_moran(logc, w, years=[1963, 1992], permutations=999, seed=2, fdr=True)
    np.testing.assert_array_equal(raw["p"], fdr["p"])
    assert (raw["significant"] == (raw["p"] <= 0.05)).all()
    assert (fdr["significant"] == (fdr["p_fdr"] <= 0.05)).all()
    assert fdr["significant"].sum() <= raw["significant"].sum()
    assert (raw["p"].between(1 / 1000, 0.5)).all()  # directed p is at most (P/2 + 1)/(P + 1)
    sig = raw[raw["significant"]]
    assert (sig["cluster"] == sig["label"]).all()
    assert set(raw.loc[~raw["significant"], "cluster"]) <= {"ns"}
    assert set(sig["geoda"]) <= {1, 2, 3, 4} and set(raw.loc[~raw["significant"], "geoda"]) == {0}
    with pytest.raises(ConfigError, match="alpha"):
        sp.local_moran(logc, w, alpha=5)
    with pytest.raises(ConfigError, match="directed"):
        sp.local_moran(logc, w, alternative="folded")  # type: ignore[arg-type]


def test_island_gets_quadrant_zero_and_geoda_isolated() -> None:
    m = np.array([[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]], dtype=float)
    m[3, 0] = m[0, 3] = 1.0
    w = sp.SpatialWeights.from_array(m, ids=list("abcd"), islands="allow")
    res = sp.local_moran(chain_series([1.0, 2.0, 4.0, 3.0]), w, permutations=99)
    c = res.set_index("region").loc["c"]
    assert c["quadrant"] == 0 and c["label"] == "--" and c["geoda"] == 6
    assert np.isnan(c["p"]) and not c["significant"] and c["Ii"] == 0.0
    assert list(quadrant_counts(res).columns) == ["HH", "LH", "LL", "HL", "--"]


def test_membership_table() -> None:
    idx = pd.MultiIndex.from_product([list("abcd"), [2000, 2001]], names=["region", "year"])
    series = pd.Series([1.0, 4.0, 2.0, 3.0, 4.0, 1.0, 3.0, 2.0], index=idx)
    w = sp.SpatialWeights.from_array(CHAIN, ids=list("abcd"))
    res = sp.local_moran(series, w, permutations=0)
    # 2000: x = 1, 2, 4, 3 -> a LL, b LL, c HL, d HH (see test_hand_worked_chain)
    table = quadrant_membership(res, labels={"a": "Anhui", "b": "Beijing"})
    assert table.loc[2000, "LL"] == "Anhui, Beijing"
    assert table.loc[2000, "HH"] == "d" and table.loc[2000, "HL"] == "c"
    assert table.loc[2000, "LH"] == ""
    # 2001: x = 4, 3, 1, 2: d = 1.5, .5, -1.5, -.5; lags -> a .5, b 0, c 0, d -1.5
    # a HH, b HL (lag 0 is low), c LL, d LL
    assert table.loc[2001, "HH"] == "Anhui" and table.loc[2001, "HL"] == "Beijing"
    assert table.loc[2001, "LL"] == "c, d"
    counts = quadrant_counts(res)
    assert counts.loc[2001].tolist() == [1, 0, 2, 1]
    assert quadrant_membership(res, significant_only=True).loc[2000].tolist() == [""] * 4


@pytest.mark.skipif(not RD_PATH.exists(), reason=f"real data not available at {RD_PATH}")
def test_real_data_local_moran_equals_esda() -> None:
    import esda

    raw = pd.read_csv(RD_PATH)
    rd = raw[(raw["variable"] == "v4_ztr_qd_RD") & (raw["code"] != 100000)]
    series = rd.set_index(["code", "year"])["value"].astype(float)
    w = sp.SpatialWeights.china_contiguity()
    res = sp.local_moran(series, w, years=[2011, 2023], permutations=0)
    for year, sub in res.groupby("year"):
        y = series.xs(year, level=1).loc[w.ids].to_numpy()
        m = esda.Moran_Local(y, w.to_libpysal_w(), permutations=0)
        np.testing.assert_allclose(sub["Ii"].to_numpy(), m.Is, atol=1e-10)
        np.testing.assert_array_equal(sub["quadrant"].to_numpy(), m.q)
    # Beijing, with the highest R&D intensity and high-intensity Tianjin next door, is HH
    assert set(res.loc[res["code"] == 110000, "label"]) == {"HH"}
