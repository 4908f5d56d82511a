"""Fast paths against exact paths (correctness, not timings; timings are in benchmarks/).

References are computed in the tests from dense numpy linear algebra on the same matrices
(``np.linalg.slogdet``, ``np.linalg.inv``, ``np.linalg.eig``): exact paths must agree to 1e-8,
the stochastic traces within 4 of their stated Monte Carlo standard errors.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sps

from spatialpanel.inference.effects import WeightsSpectrum
from spatialpanel.linalg.logdet import logdet, symmetric_scale
from spatialpanel.linalg.traces import SeriesTraces, series_order
from spatialpanel.models.information import DENSE_LIMIT, GOperator
from tests.graphs import delaunay as _delaunay
from tests.graphs import lattice as _lattice


def _rowstd(a: sps.csr_array) -> sps.csr_array:
    rs = np.asarray(a.sum(axis=1)).ravel()
    return sps.csr_array(sps.diags_array(1.0 / rs) @ a)


def _knn_asym(n: int, k: int = 4, seed: int = 5) -> sps.csr_array:
    """Row-standardised k-nearest neighbours: not similar to a symmetric matrix."""
    pts = np.random.default_rng(seed).random((n, 2))
    d = np.linalg.norm(pts[:, None] - pts[None], axis=2)
    np.fill_diagonal(d, np.inf)
    nb = np.argsort(d, axis=1)[:, :k]
    a = sps.coo_array((np.ones(n * k), (np.repeat(np.arange(n), k), nb.ravel())), shape=(n, n))
    return _rowstd(sps.csr_array(a))


W_CASES = {
    "lattice": lambda: _rowstd(_lattice(300)),
    "delaunay": lambda: _rowstd(_delaunay(300)),
    "knn": lambda: _knn_asym(300),
}


@pytest.mark.parametrize("case", list(W_CASES))
def test_lu_logdet_matches_dense_slogdet(case: str) -> None:
    w = W_CASES[case]()
    dense = w.toarray()
    lu = logdet(w, method="lu")
    eig = logdet(w, method="eigen")
    for rho in (-0.7, -0.2, 0.0, 0.35, 0.8, 0.97):
        ref = np.linalg.slogdet(np.eye(w.shape[0]) - rho * dense)[1]
        assert lu(rho) == pytest.approx(ref, abs=1e-8)
        assert eig(rho) == pytest.approx(ref, abs=1e-8)


def test_symmetric_scale_fast_and_tree_paths() -> None:
    # binary: fast path (d = 1/row max); weighted symmetric: breadth-first propagation
    for a in (_delaunay(200), _weighted(200)):
        w = _rowstd(sps.csr_array(a))
        d = symmetric_scale(w)
        assert d is not None
        sd = np.sqrt(d)
        s = (sd[:, None] * w.toarray()) / sd[None, :]
        np.testing.assert_allclose(s, s.T, atol=1e-14)
    assert symmetric_scale(_knn_asym(200)) is None


def _weighted(n: int) -> sps.csr_array:
    a = _delaunay(n)
    up = sps.triu(a, k=1).tocoo()
    vals = np.random.default_rng(9).uniform(0.5, 2.0, up.nnz)
    b = sps.coo_array((vals, (up.row, up.col)), shape=(n, n))
    return sps.csr_array(b + b.T)


def _dense_terms(w: np.ndarray, rho: float) -> tuple[np.ndarray, np.ndarray]:
    """Reference (t0, t1, s0, s1) and derivatives from a dense inverse."""
    n = w.shape[0]
    a = np.linalg.inv(np.eye(n) - rho * w)
    one = np.ones(n)
    aw = a @ w
    awa = aw @ a
    val = np.array([np.trace(a), np.trace(aw), one @ a @ one, one @ aw @ one])
    der = np.array([np.trace(awa), np.trace(awa @ w), one @ awa @ one, one @ awa @ w @ one])
    return val, der


@pytest.mark.parametrize("case", ["lattice", "delaunay"])
def test_eigenvalue_only_spectrum_matches_general_eig_and_dense(case: str) -> None:
    w = W_CASES[case]()
    dense = w.toarray()
    fast = WeightsSpectrum.of(w)
    vals, vec = np.linalg.eig(dense)  # the general path, built by hand
    ones = np.ones(dense.shape[0])
    c = (ones @ vec) * np.linalg.solve(vec, ones.astype(complex))
    general = WeightsSpectrum(dense, vals, c)
    rho = np.array([-0.6, 0.1, 0.45, 0.9])
    v1, d1 = fast.terms(rho)
    v2, d2 = general.terms(rho)
    np.testing.assert_allclose(v1, v2, rtol=1e-10, atol=1e-8)
    np.testing.assert_allclose(d1, d2, rtol=1e-10, atol=1e-8)
    ref_v, ref_d = _dense_terms(dense, 0.45)
    np.testing.assert_allclose(v1[2], ref_v, rtol=1e-10, atol=1e-8)
    np.testing.assert_allclose(d1[2], ref_d, rtol=1e-10, atol=1e-8)
    assert fast.stable_interval == pytest.approx(general.stable_interval, abs=1e-10)


@pytest.mark.parametrize("case", list(W_CASES))
def test_series_traces_within_stated_error(case: str) -> None:
    w = W_CASES[case]()
    dense = w.toarray()
    series = SeriesTraces.of(w, radius=1.0, probes=100, seed=11)
    for rho in (-0.5, 0.3, 0.8):
        val, der = series.terms(np.array([rho]))
        ref_v, ref_d = _dense_terms(dense, rho)
        se0, se1 = series.stderr(rho)
        assert se0 > 0 and se1 > 0
        assert abs(val[0, 0] - ref_v[0]) < 4 * se0
        assert abs(val[0, 1] - ref_v[1]) < 4 * se1
        # 1'A1 and 1'AW1 (and derivatives) carry no sampling error
        np.testing.assert_allclose(val[0, 2:], ref_v[2:], rtol=1e-9)
        np.testing.assert_allclose(der[0, 2:], ref_d[2:], rtol=1e-9)
        # derivatives of the traces: same probes, so of the same relative accuracy
        np.testing.assert_allclose(der[0, :2], ref_d[:2], rtol=2e-2)


def test_series_order_bounds_the_tail() -> None:
    for q in (0.1, 0.5, 0.9, 0.99):
        j = series_order(q, 1.0)
        tail = sum(i * q ** (i - 1) for i in range(j + 1, j + 200000))
        assert tail <= 1e-10
        assert series_order(q, 1.0) >= series_order(q / 2, 1.0)


def test_goperator_sparse_path_matches_dense(monkeypatch: pytest.MonkeyPatch) -> None:
    from spatialpanel.models import information

    assert DENSE_LIMIT == 3000
    monkeypatch.setattr(information, "DENSE_LIMIT", 100)  # the large-N path at a testable N
    n = 400
    w = _rowstd(_lattice(n))
    big = GOperator(w, 0.45)  # sparse LU (symmetric mode), stochastic traces
    assert big._dense is None
    rng = np.random.default_rng(2)
    v = rng.standard_normal((n, 3))
    dense = np.linalg.solve(np.eye(n) - 0.45 * w.toarray(), w.toarray())
    np.testing.assert_allclose(big.apply(v), dense @ v, atol=1e-10)
    np.testing.assert_allclose(big.apply_t(v), dense.T @ v, atol=1e-10)
    np.testing.assert_allclose(big.solve(v), v + 0.45 * dense @ v, atol=1e-10)
    tr = big.traces()
    mats = (dense, dense @ dense, dense.T @ dense)
    for est, m in zip(tr, mats, strict=True):
        # Rademacher Hutchinson: var = 2 Σ_{i≠j} ((M_ij + M_ji)/2)² / probes (Hutchinson 1990)
        sym = 0.5 * (m + m.T)
        sd = np.sqrt(2.0 * (np.sum(sym**2) - np.sum(np.diag(sym) ** 2)) / 200)
        assert abs(est - np.trace(m)) < 4 * sd


def _fit(w: sps.csr_array, seed: int = 1) -> object:
    from spatialpanel.models.model import SpatialPanelModel
    from spatialpanel.weights.core import SpatialWeights

    n, t = w.shape[0], 6
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((t, n, 2))
    lu = np.linalg.inv(np.eye(n) - 0.4 * w.toarray())
    y = np.stack(
        [
            lu @ (x[s] @ [1.0, -0.5] + (w @ x[s]) @ [0.3, 0.2] + rng.standard_normal(n))
            for s in range(t)
        ]
    )
    idx = pd.MultiIndex.from_arrays(
        [np.tile(np.arange(n), t), np.repeat(np.arange(t), n)], names=["region", "year"]
    )
    data = pd.DataFrame(
        {"y": y.ravel(), "x1": x[:, :, 0].ravel(), "x2": x[:, :, 1].ravel()}, index=idx
    )
    ws = SpatialWeights.from_sparse(w, ids=pd.RangeIndex(n), transform="none")
    return SpatialPanelModel(data, y="y", x=["x1", "x2"], w=ws, model="sdm").fit()


@pytest.mark.parametrize("case", ["delaunay", "knn"])
def test_impacts_stochastic_within_stated_error(case: str) -> None:
    res = _fit(W_CASES[case]())
    exact = res.impacts(traces="exact")  # type: ignore[attr-defined]
    sto = res.impacts(traces="stochastic", probes=200, seed=4)  # type: ignore[attr-defined]
    assert exact.attrs["traces"].startswith("exact")
    assert sto.attrs["traces"].startswith("stochastic")
    err = sto.attrs["trace_error"]
    for kind in ("direct", "indirect"):
        diff = (sto[(kind, "estimate")] - exact[(kind, "estimate")]).abs()
        assert (diff <= 4 * err[kind] + 1e-12).all()
        assert (err[kind] > 0).all()
    np.testing.assert_allclose(sto[("total", "estimate")], exact[("total", "estimate")], rtol=1e-9)
    np.testing.assert_allclose(sto[("total", "se")], exact[("total", "se")], rtol=1e-9)
    np.testing.assert_allclose(sto[("direct", "se")], exact[("direct", "se")], rtol=1e-2)
    # the default at this N is the exact path
    auto = res.impacts()  # type: ignore[attr-defined]
    pd.testing.assert_frame_equal(auto, exact)


@pytest.mark.parametrize("model", ["sdm", "sdem"])
def test_lu_fit_with_screened_grid_matches_eigen_fit(
    model: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The screened grid gives bit-identical LU fits; LU and eigen agree to the precision of
    a derivative-free optimum (ρ/λ to ~1e-8: function values locate a maximum to √ε)."""
    from spatialpanel.linalg.logdet import LogDet
    from spatialpanel.models.model import SpatialPanelModel
    from spatialpanel.weights.core import SpatialWeights

    w = _delaunay(250)
    n, t = 250, 5
    rng = np.random.default_rng(8)
    x = rng.standard_normal((t * n, 2))
    idx = pd.MultiIndex.from_arrays(
        [np.tile(np.arange(n), t), np.repeat(np.arange(t), n)], names=["region", "year"]
    )
    data = pd.DataFrame(
        {"y": x @ [1.0, -0.5] + rng.standard_normal(t * n), "x1": x[:, 0], "x2": x[:, 1]},
        index=idx,
    )
    ws = SpatialWeights.from_sparse(w, ids=pd.RangeIndex(n))
    fits = {
        m: SpatialPanelModel(data, y="y", x=["x1", "x2"], w=ws, model=model, logdet=m).fit()  # type: ignore[arg-type]
        for m in ("eigen", "lu")
    }
    monkeypatch.setattr(LogDet, "upper_bound", lambda self, rho: np.inf)  # no screening
    unscreened = SpatialPanelModel(
        data, y="y", x=["x1", "x2"], w=ws, model=model, logdet="lu"
    ).fit()
    a, b = fits["eigen"], fits["lu"]
    assert b.logdet_method == "lu"
    pd.testing.assert_series_equal(b.params, unscreened.params, check_exact=True)
    pd.testing.assert_frame_equal(b.cov, unscreened.cov, check_exact=True)
    np.testing.assert_allclose(a.params, b.params, rtol=0, atol=1e-7)
    np.testing.assert_allclose(a.std_errors, b.std_errors, rtol=0, atol=1e-7)
    assert a.loglik == pytest.approx(b.loglik, abs=1e-8)


def test_screened_grid_still_finds_the_better_mode() -> None:
    from spatialpanel.models.engine import concentrated_max

    def f(r: float) -> float:  # two modes; Brent from the middle finds the lower one
        return float(np.exp(-((r - 0.5) ** 2) / 0.001) + 1.2 * np.exp(-((r + 0.8) ** 2) / 0.001))

    plain = concentrated_max(f, (-1.0, 1.0), what="rho")
    screened = concentrated_max(f, (-1.0, 1.0), what="rho", upper=lambda r: f(r) + 1e-3)
    useless = concentrated_max(f, (-1.0, 1.0), what="rho", upper=lambda r: -np.inf + 0 * r)
    assert plain == screened
    assert plain[0] == pytest.approx(-0.8, abs=1e-6)
    # a bound that excludes every grid point is trusted: the caller must pass a true bound
    assert useless[1] <= plain[1]
