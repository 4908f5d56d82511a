"""The dynamic spatial panel at scale: the N-region path with sparse W against the dense path.

The dense path (Helmert basis F, dense W_f = F'WF; N ≤ ``DENSE_LIMIT``) is the exact reference,
itself checked against SDPDmod and an independent implementation in ``tests/test_dynamic.py``.
The large-N path works in the N regions with the cross-sectional demeaning and sparse W, with
tr h(W_f) = tr h(W) - h(1) and ln|I - ρW_f| = ln|I - ρW| - ln(1 - ρ). What this file establishes:

- with exact traces (eigenvalues of W) the large-N path gives the dense path's results to 1e-8
  (estimates, standard errors, σ², log-likelihood, residuals, R², information matrix), on the
  cigarette panel (N = 46; all effects and corrections) and on a simulated 15 x 16 lattice;
- with the stochastic (Hutchinson) traces the bias-corrected estimates are within four stated
  Monte Carlo standard errors of the exact ones, and the standard errors within 2 %;
- above the thresholds no dense N x N step is taken (no Helmert basis, no full eigenvalue
  decomposition), and the ARPACK extremes of the spectrum agree with dense eigenvalues.

Simulated panels: rook lattices, row-standardised W, the dynamic SDM with τ = 0.5, η = 0.1,
ρ = 0.3, β = 1, θ = 0.5, two-way effects, after a 20-period burn-in (seeded).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sps

import spatialpanel as sp
import spatialpanel.models.dynamic as dyn
from spatialpanel.errors import NumericalWarning
from spatialpanel.models.dynamic_results import DynamicPanelResults
from spatialpanel.models.dynamic_sparse import (
    GProbes,
    bias_traces,
    omega_sums,
    real_extremes,
)
from tests.cigar import cigar_data, cigar_weights
from tests.graphs import rook_grid as _lattice
from tests.graphs import simulate_dynamic as _simulate


def _fit_lattice(
    data: pd.DataFrame, a: sps.csr_array, bc: str, effects: str = "twoway"
) -> DynamicPanelResults:
    w = sp.SpatialWeights.from_sparse(a, ids=list(range(a.shape[0])), transform="row")
    res = sp.SpatialPanelModel(
        data, y="y", x=["x"], w=w, model="sdm", effects=effects, dynamic=True
    ).fit(bias_correction=bc)
    assert isinstance(res, DynamicPanelResults)
    return res


def _fit_cigar(bc: str, effects: str) -> DynamicPanelResults:
    res = sp.SpatialPanelModel(
        cigar_data(), y="logc", x=["logp", "logy"], w=cigar_weights(), model="sdm",
        effects=effects, dynamic=True,
    ).fit(bias_correction=bc)  # fmt: skip
    assert isinstance(res, DynamicPanelResults)
    return res


@pytest.fixture
def sparse_path(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Force the N-region path (exact traces stay on for N ≤ 1000)."""
    monkeypatch.setattr(dyn, "DENSE_LIMIT", 0)
    yield


def _same(a: DynamicPanelResults, b: DynamicPanelResults, tol: float = 1e-8) -> None:
    np.testing.assert_allclose(a.params, b.params, rtol=0, atol=tol)
    np.testing.assert_allclose(a.std_errors, b.std_errors, rtol=0, atol=tol)
    np.testing.assert_allclose(a.sigma2, b.sigma2, rtol=tol)
    np.testing.assert_allclose(a.loglik, b.loglik, rtol=tol)
    np.testing.assert_allclose(a.r2_within, b.r2_within, atol=tol)
    np.testing.assert_allclose(a.r2, b.r2, atol=tol)
    np.testing.assert_allclose(a.resid, b.resid, atol=tol)
    np.testing.assert_allclose(a.information, b.information, rtol=tol)
    assert a.stability is not None and b.stability is not None
    assert a.stability.spectral_radius == pytest.approx(b.stability.spectral_radius, abs=tol)
    assert a.n_effective == b.n_effective and a.nobs == b.nobs


# ---------------------------------------------------------------- exact: identical results
@pytest.mark.parametrize("effects", ["twoway", "entity", "time"])
@pytest.mark.parametrize("bc", ["none", "lee-yu", "lee-yu-sdpdmod"])
def test_cigarette_sparse_path_equals_dense(
    monkeypatch: pytest.MonkeyPatch, effects: str, bc: str
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NumericalWarning)  # entity effects: not stable (known)
        dense = _fit_cigar(bc, effects)
        monkeypatch.setattr(dyn, "DENSE_LIMIT", 0)
        sparse = _fit_cigar(bc, effects)
    _same(dense, sparse)
    assert sparse.trace_method.startswith("exact") and sparse.correction_mc_se is None


@pytest.fixture(scope="module")
def lattice_panel() -> tuple[pd.DataFrame, sps.csr_array]:
    a = _lattice(15, 16)
    return _simulate(a, periods=8, seed=11), a


@pytest.mark.parametrize(("bc", "effects"), [("lee-yu", "twoway"), ("lee-yu", "entity")])
def test_lattice_sparse_path_equals_dense(
    monkeypatch: pytest.MonkeyPatch,
    lattice_panel: tuple[pd.DataFrame, sps.csr_array],
    bc: str,
    effects: str,
) -> None:
    data, a = lattice_panel
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NumericalWarning)
        dense = _fit_lattice(data, a, bc, effects)
        monkeypatch.setattr(dyn, "DENSE_LIMIT", 0)
        sparse = _fit_lattice(data, a, bc, effects)
    _same(dense, sparse)


# ---------------------------------------------------------------- stochastic traces
def test_stochastic_traces_within_stated_error(
    monkeypatch: pytest.MonkeyPatch, lattice_panel: tuple[pd.DataFrame, sps.csr_array]
) -> None:
    data, a = lattice_panel
    exact = _fit_lattice(data, a, "lee-yu")
    monkeypatch.setattr(dyn, "DENSE_LIMIT", 0)
    monkeypatch.setattr(dyn, "EXACT_TRACE_LIMIT", 0)
    approx = _fit_lattice(data, a, "lee-yu")
    mc = approx.correction_mc_se
    assert mc is not None and (mc > 0).all()
    err = (approx.params - exact.params).abs()
    assert (err <= 4.0 * mc + 1e-10).all(), pd.DataFrame({"err": err, "mc_se": mc})
    # the uncorrected QML estimates do not depend on the traces at all
    assert approx.params_uncorrected is not None and exact.params_uncorrected is not None
    np.testing.assert_allclose(
        approx.params_uncorrected.to_numpy(), exact.params_uncorrected.to_numpy(), atol=1e-12
    )
    np.testing.assert_allclose(approx.std_errors, exact.std_errors, rtol=0.02)
    assert "Hutchinson" in approx.trace_method
    info = dict(approx.summary().info)
    assert "Hutchinson" in info["Traces"] and "Monte Carlo error" in info["Traces"]
    assert "Traces" not in dict(exact.summary().info)


def test_bias_traces_and_omega_sums_stochastic_against_exact() -> None:
    a = _lattice(12, 12)
    w = sps.csr_array(a / a.sum(axis=1)[:, None])
    rho, tau, eta = 0.3, 0.5, 0.1
    eig = np.linalg.eigvals(w.toarray()).astype(complex)
    gp = GProbes(w, rho, symlike=True, probes=400, seed=4)
    for time_fx in (False, True):
        ex = bias_traces(w, rho=rho, tau=tau, eta=eta, time_fx=time_fx, eig=eig)
        st = bias_traces(w, rho=rho, tau=tau, eta=eta, time_fx=time_fx, eig=None, gp=gp)
        assert st.per_probe is not None
        se = st.per_probe.std(axis=1, ddof=1) / np.sqrt(st.per_probe.shape[1])
        assert np.all(np.abs(st.values - ex.values) <= 4 * se + 1e-9), (st.values, ex.values, se)
        # dense check of the exact traces: ((1-τ)I - (ρ+η)W)⁻¹ etc., minus the unit term
        n = w.shape[0]
        wd = w.toarray()
        m = np.linalg.inv((1 - tau) * np.eye(n) - (rho + eta) * wd)
        g = wd @ np.linalg.inv(np.eye(n) - rho * wd)
        ref = np.array([np.trace(m), np.trace(wd @ m), np.trace(g @ m), np.trace(g @ wd @ m),
                        np.trace(g)])  # fmt: skip
        if time_fx:  # traces in the Helmert basis
            f = dyn.helmert_basis(n)
            wf = f.T @ wd @ f
            mf = np.linalg.inv((1 - tau) * np.eye(n - 1) - (rho + eta) * wf)
            gf = wf @ np.linalg.inv(np.eye(n - 1) - rho * wf)
            ref = np.array([np.trace(mf), np.trace(wf @ mf), np.trace(gf @ mf),
                            np.trace(gf @ wf @ mf), np.trace(gf)])  # fmt: skip
        np.testing.assert_allclose(ex.values, ref, rtol=1e-10)
        so_ex = omega_sums(w, rho=rho, time_fx=time_fx, gp=None)
        so_st = omega_sums(w, rho=rho, time_fx=time_fx, gp=gp)
        np.testing.assert_allclose(so_st, so_ex, rtol=0.02)


# ---------------------------------------------------------------- no dense step above the limits
def test_large_n_path_takes_no_dense_step(
    monkeypatch: pytest.MonkeyPatch, lattice_panel: tuple[pd.DataFrame, sps.csr_array]
) -> None:
    """Above both limits (lowered here to N = 100 to stay fast; the path is the same at any N),
    with the sparse-LU log-determinant: no Helmert basis, no full eigendecomposition."""
    data, a = lattice_panel
    ref = _fit_lattice(data, a, "lee-yu")
    monkeypatch.setattr(dyn, "DENSE_LIMIT", 100)
    monkeypatch.setattr(dyn, "EXACT_TRACE_LIMIT", 100)

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a dense N x N step was taken")

    monkeypatch.setattr(dyn, "helmert_basis", refuse)
    monkeypatch.setattr(dyn, "eigenvalues", refuse)
    w = sp.SpatialWeights.from_sparse(a, ids=list(range(a.shape[0])), transform="row")
    res = sp.SpatialPanelModel(
        data, y="y", x=["x"], w=w, model="sdm", effects="twoway", dynamic=True, logdet="lu"
    ).fit(bias_correction="lee-yu", seed=7)
    assert isinstance(res, DynamicPanelResults)
    assert res.logdet_method == "lu" and res.n_effective == a.shape[0] - 1
    assert res.correction_mc_se is not None and "seed 7" in res.trace_method
    err = (res.params - ref.params).abs()
    assert (err <= 4.0 * res.correction_mc_se + 1e-8).all()
    # the large-N stability check (extremes of the spectrum) equals the exact one (all
    # eigenvalues) at the same estimates
    assert res.stability is not None
    eig = np.linalg.eigvals(w.dense).astype(complex)
    exact = dyn.stability_check(res.tau, res.eta, float(res.params["rho"]), eig)
    assert res.stability.spectral_radius == pytest.approx(exact.spectral_radius, abs=1e-8)


def test_real_extremes_against_dense_eigenvalues() -> None:
    a = _lattice(12, 13)
    w = sps.csr_array(a / a.sum(axis=1)[:, None])
    vals = np.sort(np.linalg.eigvals(w.toarray()).real)
    lo, hi = real_extremes(w, second=False)
    assert (lo, hi) == pytest.approx((vals[0], vals[-1]), abs=1e-8)
    _, second = real_extremes(w, second=True)
    assert second == pytest.approx(vals[-2], abs=1e-8)
    # a non-symmetric W (nearest neighbours on a line, weights not mutual)
    n = 150
    rng = np.random.default_rng(2)
    pos = np.sort(rng.uniform(size=n))
    rows, cols = [], []
    for i in range(n):
        near = np.argsort(np.abs(pos - pos[i]))[1:4]
        rows += [i] * 3
        cols += list(near)
    knn = sps.csr_array((np.full(len(rows), 1 / 3), (rows, cols)), shape=(n, n))
    ev = np.linalg.eigvals(knn.toarray())
    real = np.sort(ev.real[np.abs(ev.imag) < 1e-10])
    lo, hi = real_extremes(knn, second=False)
    assert lo == pytest.approx(float(np.min(ev.real)), abs=1e-7)
    assert hi == pytest.approx(real[-1], abs=1e-8)
