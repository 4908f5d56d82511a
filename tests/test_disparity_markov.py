"""Markov chains against giddy 2.3.8 on usjoin (the numbers printed in shared/reference/genre.md).

Data: ``usjoin.csv`` (per-capita income of the 48 contiguous US states, 1929-2009) and
``states48.gal`` (rook contiguity), both shipped inside the libpysal wheel (offline). giddy is run
here as a second, independent implementation where its answer is right; where it is not (the
LISA Markov independence test), the difference is documented in docs/conventions.md and tested.
"""

from __future__ import annotations

import contextlib

import libpysal
import numpy as np
import pandas as pd
import pytest
from giddy.ergodic import mfpt as giddy_mfpt
from giddy.markov import LISA_Markov, Markov, Spatial_Markov

from spatialpanel.disparity.lisa_markov import lisa_markov
from spatialpanel.disparity.markov import (
    first_passage_times,
    markov_chain,
    mean_first_passage,
    spatial_markov,
    steady_state,
)
from spatialpanel.errors import ConfigError, DataError, WeightsError
from spatialpanel.weights.core import SpatialWeights

YEARS = list(range(1929, 2010))


@pytest.fixture(scope="module")
def usjoin() -> tuple[np.ndarray, libpysal.weights.W, SpatialWeights]:
    frame = pd.read_csv(libpysal.examples.get_path("usjoin.csv"))
    pci = frame[[str(y) for y in YEARS]].to_numpy(dtype=float)  # 48 x 81, file order
    with contextlib.closing(libpysal.io.open(libpysal.examples.get_path("states48.gal"))) as g:
        gal = g.read()
    gal.transform = "r"
    dense = np.zeros((48, 48))
    for i, nbrs in gal.neighbors.items():
        for j in nbrs:
            dense[int(i), int(j)] = 1.0
    # our weights in reversed id order: the functions must align them to the data
    order = list(range(47, -1, -1))
    w = SpatialWeights.from_array(dense[np.ix_(order, order)], ids=order)
    return pci, gal, w


def panel(a: np.ndarray) -> pd.Series:
    return pd.Series(a.ravel(), index=pd.MultiIndex.from_product([range(a.shape[0]), YEARS]))


def test_classic_per_year_quintiles(usjoin) -> None:  # type: ignore[no-untyped-def]
    pci, _, _ = usjoin
    chain = markov_chain(panel(pci), k=5, classes="per_year")
    p = chain.probabilities.to_numpy()
    # genre.md (giddy): first row of P and the steady state
    np.testing.assert_allclose(p[0], [0.910112, 0.088639, 0.001248, 0, 0], atol=5e-7)
    np.testing.assert_allclose(
        chain.steady_state, [0.207747, 0.187258, 0.207405, 0.188218, 0.209372], atol=5e-7
    )
    # giddy run here, every entry
    import mapclassify as mc

    q5 = np.array([mc.Quantiles(y, k=5).yb for y in pci.T]).T
    ref = Markov(q5, summary=False)
    np.testing.assert_array_equal(chain.transitions.to_numpy(), ref.transitions)
    np.testing.assert_allclose(p, ref.p, atol=1e-15)
    np.testing.assert_allclose(chain.steady_state, ref.steady_state, atol=1e-12)
    np.testing.assert_allclose(chain.mean_first_passage, ref.mfpt, rtol=1e-10)
    assert chain.cutoffs.shape == (81, 4)
    assert list(chain.table().columns) == ["n", "C1", "C2", "C3", "C4", "C5"]


def test_kemeny_snell_land_of_oz() -> None:
    """Kemeny & Snell (1976), Finite Markov Chains, the Land of Oz example."""
    p = np.array([[0.5, 0.25, 0.25], [0.5, 0.0, 0.5], [0.25, 0.25, 0.5]])
    np.testing.assert_allclose(steady_state(p), [0.4, 0.2, 0.4], atol=1e-15)
    m = mean_first_passage(p)
    ref = [[2.5, 4.0, 10 / 3], [8 / 3, 5.0, 8 / 3], [10 / 3, 4.0, 2.5]]
    np.testing.assert_allclose(m, ref, atol=1e-12)
    np.testing.assert_allclose(m, giddy_mfpt(p), atol=1e-12)
    # reducible: two absorbing states -> not unique
    red = np.array([[1.0, 0.0, 0.0], [0.3, 0.4, 0.3], [0.0, 0.0, 1.0]])
    assert np.isnan(steady_state(red)).all()
    assert np.isnan(mean_first_passage(red)).all()
    # a class never left (zero row): giddy makes it absorbing, we do not invent numbers
    empty = np.array([[0.5, 0.5, 0.0], [0.2, 0.8, 0.0], [0.0, 0.0, 0.0]])
    assert np.isnan(steady_state(empty)).all()
    assert np.isnan(mean_first_passage(empty)).all()


def test_first_passage_times_of_any_chain() -> None:
    """Irreducible chains: Kemeny & Snell's formula (:func:`mean_first_passage`). Chains with
    several closed classes: giddy 2.3.8 ``ergodic.mfpt`` (its docstring example; inf between the
    classes). Transient classes, where giddy's recurrence times come out near 5e15 instead of
    inf: values derived by hand - from a class left for good the recurrence time is infinite, and
    the time to a class reached only forwards is a sum of geometric waiting times 1/p_leave."""
    oz = np.array([[0.5, 0.25, 0.25], [0.5, 0.0, 0.5], [0.25, 0.25, 0.5]])
    np.testing.assert_allclose(first_passage_times(oz), mean_first_passage(oz), atol=1e-12)
    two = np.array([[0.5, 0.5, 0.0], [0.2, 0.8, 0.0], [0.0, 0.0, 1.0]])
    with np.errstate(invalid="ignore"):  # giddy multiplies inf by 0 between closed classes
        np.testing.assert_allclose(first_passage_times(two), giddy_mfpt(two), atol=1e-12)
    np.testing.assert_allclose(
        first_passage_times(two), [[3.5, 2.0, np.inf], [5.0, 1.4, np.inf], [np.inf, np.inf, 1.0]]
    )
    # the demo's chain of cp: C1 -> C2 -> C3 <-> C4, never back down to C1 or C2
    p12, p23, p34, p43 = 0.2692308, 0.3055556, 0.2318841, 0.0166667
    p = np.array(
        [
            [1 - p12, p12, 0.0, 0.0],
            [0.0, 1 - p23, p23, 0.0],
            [0.0, 0.0, 1 - p34, p34],
            [0.0, 0.0, p43, 1 - p43],
        ]
    )
    m = first_passage_times(p)
    pi3 = p43 / (p34 + p43)  # stationary distribution of the closed class {C3, C4}
    expected = [
        [np.inf, 1 / p12, 1 / p12 + 1 / p23, 1 / p12 + 1 / p23 + 1 / p34],
        [np.inf, np.inf, 1 / p23, 1 / p23 + 1 / p34],
        [np.inf, np.inf, 1 / pi3, 1 / p34],
        [np.inf, np.inf, 1 / p43, 1 / (1 - pi3)],
    ]
    np.testing.assert_allclose(m, expected, rtol=1e-12)
    finite = np.isfinite(m)
    with np.errstate(invalid="ignore"):
        reference = giddy_mfpt(p)
    np.testing.assert_allclose(m[finite], reference[finite], rtol=1e-10)
    # a row without transitions: nothing is invented
    empty = np.array([[0.5, 0.5, 0.0], [0.2, 0.8, 0.0], [0.0, 0.0, 0.0]])
    assert np.isnan(first_passage_times(empty)).all()


def test_spatial_markov_k5_pooled(usjoin) -> None:  # type: ignore[no-untyped-def]
    pci, gal, w = usjoin
    rpci = pci / pci.mean(axis=0)
    sm = spatial_markov(panel(rpci), w, k=5)
    # genre.md (giddy Spatial_Markov(rpci, w, fixed=True, k=5, m=5))
    np.testing.assert_allclose(
        sm.classic.cutoffs.to_numpy()[0],
        [0.83999133, 0.94707545, 1.03242697, 1.14911154],
        atol=5e-9,
    )
    np.testing.assert_allclose(
        sm.conditional["N1"].probabilities.to_numpy()[0],
        [0.96341463, 0.0304878, 0.00609756, 0, 0],
        atol=5e-9,
    )
    assert sm.lr_test.stat == pytest.approx(170.659, abs=5e-4)
    assert sm.q_test.stat == pytest.approx(200.624, abs=5e-4)
    assert sm.lr_test.df == sm.q_test.df == 60
    ref = Spatial_Markov(rpci, gal, k=5, m=5, fixed=True)
    t = np.array([c.transitions.to_numpy() for c in sm.conditional.values()])
    np.testing.assert_array_equal(t, ref.T)
    np.testing.assert_allclose(sm.lag_cutoffs.to_numpy()[0], ref.lag_cutoffs, rtol=1e-14)
    assert sm.lr_test.stat == pytest.approx(ref.LR, rel=1e-12)
    assert sm.q_test.stat == pytest.approx(ref.Q, rel=1e-12)
    assert sm.q_test.pvalue == pytest.approx(ref.Q_p_value, abs=1e-12)
    for i, chain in enumerate(sm.conditional.values()):
        np.testing.assert_allclose(chain.steady_state, np.asarray(ref.S[i], float), atol=1e-10)
    assert sm.table().shape == (25, 6)


def test_spatial_markov_k4_pooled_and_per_year(usjoin) -> None:  # type: ignore[no-untyped-def]
    pci, gal, w = usjoin
    rpci = pci / pci.mean(axis=0)
    expected = {
        "pooled": [0.916062, 0.834034, 0.849844, 0.936722],
        "per_year": [0.936458, 0.828304, 0.842872, 0.948852],
    }  # genre.md
    for scheme, diag in expected.items():
        sm = spatial_markov(panel(rpci), w, k=4, classes=scheme)  # type: ignore[arg-type]
        np.testing.assert_allclose(np.diag(sm.classic.probabilities), diag, atol=5e-7)
        ref = Spatial_Markov(rpci, gal, k=4, m=4, fixed=scheme == "pooled")
        t = np.array([c.transitions.to_numpy() for c in sm.conditional.values()])
        np.testing.assert_array_equal(t, ref.T)
        assert sm.lr_test.stat == pytest.approx(ref.LR, rel=1e-12)
        assert sm.q_test.df == ref.dof_hom


def test_neighbour_classes_from_variable_cutoffs(usjoin) -> None:  # type: ignore[no-untyped-def]
    pci, gal, w = usjoin
    rpci = pci / pci.mean(axis=0)
    sm = spatial_markov(panel(rpci), w, k=4, neighbour_classes="variable_cutoffs")
    cuts = sm.classic.cutoffs.to_numpy()[0]
    np.testing.assert_array_equal(sm.lag_cutoffs.to_numpy()[0], cuts)
    ref = Spatial_Markov(rpci, gal, k=4, m=4, fixed=True, lag_cutoffs=cuts)
    t = np.array([c.transitions.to_numpy() for c in sm.conditional.values()])
    np.testing.assert_array_equal(t, ref.T)
    assert sm.q_test.stat == pytest.approx(ref.Q, rel=1e-12)
    # per-year classes: the lag of year t is classified by the variable's year-t cut-offs
    sm_y = spatial_markov(
        panel(rpci), w, k=4, classes="per_year", neighbour_classes="variable_cutoffs"
    )
    lag = np.asarray(gal.sparse @ rpci)
    cuts_1929 = np.percentile(rpci[:, 0], [25, 50, 75])
    n1_1929 = np.searchsorted(cuts_1929, lag[:, 0], side="left") == 0
    first = np.searchsorted(cuts_1929, rpci[:, 0], side="left")
    second = np.searchsorted(np.percentile(rpci[:, 1], [25, 50, 75]), rpci[:, 1], side="left")
    counts = np.zeros((4, 4))
    np.add.at(counts, (first[n1_1929], second[n1_1929]), 1)
    # contribution of 1929->1930 is part of N1's counts (a lower bound, entry by entry)
    assert (sm_y.conditional["N1"].transitions.to_numpy() >= counts).all()


def test_lisa_markov(usjoin) -> None:  # type: ignore[no-untyped-def]
    pci, gal, w = usjoin
    lm = lisa_markov(panel(pci), w)
    expected = [[1087, 44, 4, 34], [41, 470, 36, 1], [5, 34, 1422, 39], [30, 1, 40, 552]]
    np.testing.assert_array_equal(lm.chain.transitions.to_numpy(), expected)  # genre.md
    ref = LISA_Markov(pci, gal)
    quads = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}
    np.testing.assert_array_equal(lm.quadrants.to_numpy(), np.vectorize(quads.get)(ref.q))
    np.testing.assert_allclose(lm.chain.probabilities, ref.p, atol=1e-15)
    # giddy's move_types code (q1 - 1) * 4 + q2 -> Rey (2001) type, written out by hand
    rey = {1: "0", 2: "I", 3: "IIIA", 4: "II", 5: "I", 6: "0", 7: "II", 8: "IIIB", 9: "IIIA",
           10: "II", 11: "0", 12: "I", 13: "II", 14: "IIIB", 15: "I", 16: "0"}  # fmt: skip
    np.testing.assert_array_equal(lm.move_types.to_numpy(), np.vectorize(rey.get)(ref.move_types))
    counts = lm.type_counts
    assert counts["n"].sum() == 48 * 80
    assert counts.loc["0", "n"] == int(np.trace(lm.chain.transitions.to_numpy()))
    # giddy's chi_2, reproduced with independence="giddy" (genre.md: 1058.208, 9 df)
    lg = lisa_markov(panel(pci), w, independence="giddy")
    assert lg.independence.stat == pytest.approx(1058.208, abs=5e-4)
    assert lg.independence.stat == pytest.approx(ref.chi_2[0], rel=1e-12)
    assert lg.independence.df == 9
    np.testing.assert_allclose(lg.expected, ref.expected_t, rtol=1e-12)


def test_lisa_independence_by_hand(usjoin) -> None:  # type: ignore[no-untyped-def]
    """Default null: own (above/below the year mean) and lag chains estimated by pandas counts."""
    pci, gal, w = usjoin
    lm = lisa_markov(panel(pci), w)
    z = pci - pci.mean(axis=0)
    own = pd.DataFrame(np.where(z > 0, "H", "L"))
    lagc = pd.DataFrame(np.where(np.asarray(gal.sparse @ z) > 0, "H", "L"))

    def two_state(frame: pd.DataFrame) -> pd.DataFrame:
        moves = pd.DataFrame(
            {"a": frame.iloc[:, :-1].to_numpy().ravel(), "b": frame.iloc[:, 1:].to_numpy().ravel()}
        )
        return pd.crosstab(moves["a"], moves["b"], normalize="index")

    po, pl = two_state(own), two_state(lagc)
    names = ["HH", "LH", "LL", "HL"]
    obs = lm.chain.transitions.to_numpy()
    exp = np.array(
        [
            [obs[i].sum() * po.loc[a[0], b[0]] * pl.loc[a[1], b[1]] for b in names]
            for i, a in enumerate(names)
        ]
    )
    np.testing.assert_allclose(lm.expected.to_numpy(), exp, rtol=1e-12)
    stat = float(np.sum((obs - exp) ** 2 / exp))
    assert lm.independence.stat == pytest.approx(stat, rel=1e-12)
    assert lm.independence.df == 9
    assert 0 <= lm.independence.pvalue < 1e-6


def test_errors(usjoin) -> None:  # type: ignore[no-untyped-def]
    pci, _, w = usjoin
    with pytest.raises(ConfigError, match="per_year"):
        markov_chain(panel(pci), classes="yearly")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="classes"):
        markov_chain(panel(pci), k=1)
    with pytest.raises(ConfigError, match="neighbour_classes"):
        spatial_markov(panel(pci), w, neighbour_classes="own")  # type: ignore[arg-type]
    unbalanced = panel(pci).drop(index=(3, 1950))
    with pytest.raises(DataError, match="balanced"):
        markov_chain(unbalanced)
    small = SpatialWeights.from_array(np.ones((3, 3)) - np.eye(3), ids=[0, 1, 2])
    with pytest.raises(WeightsError, match="regions in the data but not in w"):
        spatial_markov(panel(pci), small)
    ties = pd.Series(1.0, index=pd.MultiIndex.from_product([range(10), [1, 2]]))
    with pytest.raises(ConfigError, match="ties"):
        markov_chain(ties, classes="per_year")


def test_homogeneity_with_an_empty_class() -> None:
    """Q and LR as giddy's ``homogeneity``; df without giddy's +1 for a class never left."""
    from giddy.markov import homogeneity

    from spatialpanel.disparity.markov import MarkovChain, SpatialMarkov

    t = np.array([[[5, 1, 0], [1, 4, 0], [0, 0, 0]], [[3, 2, 0], [2, 6, 0], [0, 0, 0]]], float)
    labels = pd.Index(["C1", "C2", "C3"])
    chains = {f"N{i + 1}": MarkovChain(pd.DataFrame(m, index=labels, columns=labels)) for i, m in
              enumerate(t)}  # fmt: skip
    sm = SpatialMarkov(
        classic=MarkovChain(pd.DataFrame(t.sum(axis=0), index=labels, columns=labels)),
        conditional=chains,
        lag_cutoffs=pd.DataFrame(),
        neighbour_classes="own_quantiles",
    )
    ref = homogeneity(t)
    assert sm.q_test.stat == pytest.approx(ref.Q, rel=1e-14)
    assert sm.lr_test.stat == pytest.approx(ref.LR, rel=1e-14)
    assert ref.dof == 3 and sm.q_test.df == 2  # rows C1, C2: (2 - 1)(2 - 1) each
