"""Dagum Gini decomposition against the fixture of shared/reference/genre.md.

Reference numbers (genre.md): R ``dineq::gini_decomp`` and ``IC2::decompSGini(param = 2,
decomp = "BM")`` on the 31 fixture values grouped by ``region_4``; both agree to 12 digits. The
values below are those printed there (10 decimals).
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spatialpanel.data.china import region_of
from spatialpanel.disparity.dagum import dagum_gini, dagum_gini_panel
from spatialpanel.errors import ConfigError, DataError

FIXTURE = [
    0.612, 0.455, 0.268, 0.231, 0.247, 0.298, 0.236, 0.219, 0.588, 0.497, 0.521, 0.281, 0.372,
    0.262, 0.365, 0.274, 0.318, 0.289, 0.503, 0.228, 0.259, 0.301, 0.297, 0.214, 0.209, 0.158,
    0.276, 0.205, 0.177, 0.196, 0.221,
]  # fmt: skip

# genre.md, R dineq / IC2
G, GW, GNB, GT = 0.2032288379, 0.0363774770, 0.1571372273, 0.0097141337
SHARES = {"within": 17.8998, "net_between": 77.3203, "transvariation": 4.7799}
WITHIN = {"east": 0.1493693694, "central": 0.0526686808, "west": 0.1064797850,
          "northeast": 0.0699424524}  # fmt: skip
# (high, low): (G_jh, D_jh)
BETWEEN = {
    ("northeast", "west"): (0.0999245195, 0.4933178385),
    ("central", "west"): (0.1179003146, 0.8160112360),
    ("central", "northeast"): (0.0804597701, 0.5858453473),
    ("east", "west"): (0.3267221050, 0.9873119587),
    ("east", "northeast"): (0.2843165468, 0.9767206478),
    ("east", "central"): (0.2437601297, 0.9583966565),
}
MEANS = {"west": 0.227417, "northeast": 0.251, "central": 0.275833, "east": 0.444}


@pytest.fixture(scope="module")
def values() -> pd.Series:
    codes = region_of().index  # GB/T 2260 order, 110000 ... 650000
    return pd.Series(FIXTURE, index=codes)


def test_fixture_overall(values: pd.Series) -> None:
    res = dagum_gini(values)
    assert res.gini == pytest.approx(G, abs=1e-9)
    assert res.within == pytest.approx(GW, abs=1e-9)
    assert res.net_between == pytest.approx(GNB, abs=1e-9)
    assert res.transvariation == pytest.approx(GT, abs=1e-9)
    for key, share in SHARES.items():
        assert res.shares[key] == pytest.approx(share, abs=5e-5)
    assert res.within + res.net_between + res.transvariation == pytest.approx(res.gini, abs=1e-12)
    assert not res.weighted


def test_fixture_groups_and_pairs(values: pd.Series) -> None:
    res = dagum_gini(values)
    for g, m in MEANS.items():
        assert res.groups.loc[g, "mean"] == pytest.approx(m, abs=5e-7)
        assert res.groups.loc[g, "gini"] == pytest.approx(WITHIN[g], abs=1e-9)
        assert res.between.loc[g, g] == pytest.approx(WITHIN[g], abs=1e-9)
    assert res.groups["n"].to_dict() == {"central": 6, "east": 10, "northeast": 3, "west": 12}
    assert len(res.pairs) == 6
    for _, row in res.pairs.iterrows():
        g_jh, d_jh = BETWEEN[(row["high"], row["low"])]  # KeyError if the order is wrong
        assert row["gini"] == pytest.approx(g_jh, abs=1e-9)
        assert row["affluence"] == pytest.approx(d_jh, abs=1e-9)
        assert res.between.loc[row["high"], row["low"]] == pytest.approx(g_jh, abs=1e-9)
        assert res.between.loc[row["low"], row["high"]] == pytest.approx(g_jh, abs=1e-9)
        assert res.affluence.loc[row["high"], row["low"]] == pytest.approx(d_jh, abs=1e-9)
        assert res.affluence.loc[row["low"], row["high"]] == pytest.approx(-d_jh, abs=1e-9)
        # D_jh = (d_jh - p_jh)/(d_jh + p_jh) and d_jh - p_jh = mu_j - mu_h (Dagum 1997, eq. 13)
        assert row["d"] - row["p"] == pytest.approx(
            res.groups.loc[row["high"], "mean"] - res.groups.loc[row["low"], "mean"], abs=1e-14
        )
    assert res.pairs["net_between"].sum() == pytest.approx(res.net_between, abs=1e-15)


def test_pair_ordering_pitfall(values: pd.Series) -> None:
    """Taking pairs in list order (genre.md: G_nb 0.1514, G_t 0.0154) keeps the sum only."""
    res = dagum_gini(values)
    listed = ["east", "central", "west", "northeast"]  # NBS order: central before its richer peer
    nb = t = 0.0
    grp = res.groups
    for a, b in itertools.combinations(listed, 2):
        d = res.affluence.loc[a, b]  # sign as in list order (negative when a is poorer)
        weight = grp.loc[a, "p"] * grp.loc[b, "s"] + grp.loc[b, "p"] * grp.loc[a, "s"]
        nb += res.between.loc[a, b] * weight * d
        t += res.between.loc[a, b] * weight * (1 - d)
    assert nb == pytest.approx(0.1514, abs=5e-5)
    assert t == pytest.approx(0.0154, abs=5e-5)
    assert nb + t == pytest.approx(res.net_between + res.transvariation, abs=1e-12)
    assert res.net_between == pytest.approx(GNB, abs=1e-9)  # ours is not fooled


def _brute_force(y: np.ndarray, labels: np.ndarray, w: np.ndarray) -> tuple[float, float, float]:
    """Dagum's formulas written out with explicit loops over region pairs (weights = counts)."""
    groups = sorted(set(labels), key=lambda g: -np.average(y[labels == g], weights=w[labels == g]))
    total = w.sum()
    mu = np.average(y, weights=w)
    gw = gnb = gt = 0.0
    for j, gj in enumerate(groups):
        yj, wj = y[labels == gj], w[labels == gj]
        mj = np.average(yj, weights=wj)
        pj, sj = wj.sum() / total, wj.sum() * mj / (total * mu)
        obs_j = list(zip(yj, wj, strict=True))
        sjj = sum(a * c * abs(x - z) for x, a in obs_j for z, c in obs_j)
        gw += sjj / (2 * wj.sum() ** 2 * mj) * pj * sj
        for gh in groups[j + 1 :]:
            yh, wh = y[labels == gh], w[labels == gh]
            mh = np.average(yh, weights=wh)
            ph, sh = wh.sum() / total, wh.sum() * mh / (total * mu)
            obs_h = list(zip(yh, wh, strict=True))
            pos = sum(a * c * max(x - z, 0) for x, a in obs_j for z, c in obs_h)
            neg = sum(a * c * max(z - x, 0) for x, a in obs_j for z, c in obs_h)
            gjh = (pos + neg) / (wj.sum() * wh.sum() * (mj + mh))
            djh = (pos - neg) / (pos + neg) if pos + neg > 0 else 0.0
            gnb += gjh * (pj * sh + ph * sj) * djh
            gt += gjh * (pj * sh + ph * sj) * (1 - djh)
    return gw, gnb, gt


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(0.01, 10.0), min_size=8, max_size=20),
    st.randoms(use_true_random=False),
)
def test_additivity_and_group_order_invariance(ys: list[float], rnd: object) -> None:
    n = len(ys)
    labels = np.array(["a", "b", "c"] * n)[:n]
    ids = [f"r{i}" for i in range(n)]
    y = pd.Series(ys, index=ids)
    res = dagum_gini(y, groups=pd.Series(labels, index=ids))
    assert res.within + res.net_between + res.transvariation == pytest.approx(res.gini, abs=1e-12)
    mad = np.abs(np.subtract.outer(ys, ys)).sum() / (2 * n * n * np.mean(ys))
    assert res.gini == pytest.approx(mad, abs=1e-12)
    assert (res.pairs["affluence"] >= 0).all()
    gw, gnb, gt = _brute_force(np.array(ys), labels, np.ones(n))
    assert (res.within, res.net_between, res.transvariation) == pytest.approx(
        (gw, gnb, gt), abs=1e-12
    )
    # the same grouping given in another order (rows shuffled, categories reversed)
    perm = np.array(rnd.sample(range(n), n))  # type: ignore[attr-defined]
    cat = pd.Categorical(labels[perm], categories=["c", "b", "a"])
    res2 = dagum_gini(y.iloc[perm], groups=pd.Series(cat, index=y.index[perm]))
    assert (res2.gini, res2.within, res2.net_between, res2.transvariation) == pytest.approx(
        (res.gini, res.within, res.net_between, res.transvariation), abs=1e-14
    )
    assert list(res2.groups.index) == ["c", "b", "a"]
    pd.testing.assert_frame_equal(res2.between.loc[["a", "b", "c"], ["a", "b", "c"]], res.between)


def test_group_order_invariance_fixture(values: pd.Series) -> None:
    base = dagum_gini(values)
    mapping = region_of()
    for order in itertools.permutations(["east", "central", "west", "northeast"]):
        cat = pd.Series(pd.Categorical(mapping, categories=list(order)), index=mapping.index)
        res = dagum_gini(values, groups=cat)
        assert res.net_between == pytest.approx(base.net_between, abs=1e-15)
        assert res.transvariation == pytest.approx(base.transvariation, abs=1e-15)
        assert set(zip(res.pairs["high"], res.pairs["low"], strict=True)) == set(BETWEEN)


def test_population_weights_equal_replication() -> None:
    """Integer weights must give the numbers of the data with each region repeated w_i times."""
    rng = np.random.default_rng(7)
    y = rng.uniform(0.1, 1.0, 12)
    w = rng.integers(1, 5, 12)
    labels = np.array(list("aabbbcccdddd"))
    ids = [f"r{i}" for i in range(12)]
    res = dagum_gini(
        pd.Series(y, index=ids),
        groups=pd.Series(labels, index=ids),
        weights=pd.Series(w.astype(float), index=ids),
    )
    rep_y, rep_l = np.repeat(y, w), np.repeat(labels, w)
    rep_ids = [f"x{i}" for i in range(len(rep_y))]
    rep = dagum_gini(pd.Series(rep_y, index=rep_ids), groups=pd.Series(rep_l, index=rep_ids))
    assert res.weighted
    assert (res.gini, res.within, res.net_between, res.transvariation) == pytest.approx(
        (rep.gini, rep.within, rep.net_between, rep.transvariation), abs=1e-13
    )
    np.testing.assert_allclose(res.between.to_numpy(), rep.between.to_numpy(), atol=1e-13)
    np.testing.assert_allclose(res.groups["p"], rep.groups["p"], atol=1e-15)
    # and the brute-force weighted formulas
    assert (res.within, res.net_between, res.transvariation) == pytest.approx(
        _brute_force(y, labels, w.astype(float)), abs=1e-12
    )


def test_three_belts(values: pd.Series) -> None:
    res = dagum_gini(values, groups="region_3belt")
    assert set(res.groups.index) == {"east", "central", "west"}
    assert res.groups["n"].sum() == 31
    assert res.gini == pytest.approx(dagum_gini(values).gini, abs=1e-15)  # G: no groups in it


def test_panel_per_year(values: pd.Series) -> None:
    other = values * np.linspace(1.0, 1.5, 31)
    panel = pd.concat({2020: values, 2021: other}).swaplevel().sort_index()
    res = dagum_gini_panel(panel)
    assert list(res.table.index) == [2020, 2021]
    assert res.table.loc[2020, "G"] == pytest.approx(G, abs=1e-9)
    assert res.table.loc[2021, "G"] == pytest.approx(dagum_gini(other).gini, abs=1e-15)
    assert res.within_table.loc[2020, "east"] == pytest.approx(WITHIN["east"], abs=1e-9)
    assert res.between_table.loc[2020, "central–east"] == pytest.approx(0.2437601297, abs=1e-9)
    assert len(res.pairs_table) == 12
    pops = pd.Series(np.arange(1.0, 32.0), index=values.index)
    weighted = dagum_gini_panel(panel, weights=pops)
    assert weighted.table.loc[2021, "G"] == pytest.approx(
        dagum_gini(other, weights=pops).gini, abs=1e-15
    )


def test_errors(values: pd.Series) -> None:
    with pytest.raises(ConfigError, match="region_4"):
        dagum_gini(values, groups="region4")
    bad = values.copy()
    bad.iloc[3] = -0.1
    with pytest.raises(DataError, match="140000"):
        dagum_gini(bad)
    with pytest.raises(DataError, match="no group"):
        dagum_gini(values, groups=region_of().iloc[:-1])
    with pytest.raises(DataError, match="weights"):
        dagum_gini(values, weights=pd.Series(0.0, index=values.index))
    panel = pd.concat({2020: values}).swaplevel()
    panel.iloc[0] = np.nan
    with pytest.raises(DataError, match="110000"):
        dagum_gini_panel(panel)
