"""Direct, indirect and total effects with delta-method and simulated inference.

References
----------
- Cigarette two-way FE SDM without bias correction (``/work/shared/reference/benchmarks.md``,
  R 4.2.2 / Octave 7.3.0 with Elhorst's routines, exact log-determinant): logp direct −1.0133,
  indirect −0.2140, total −1.2273 (delta-method SEs with the full information matrix 0.0400,
  0.0883, 0.0984); logy 0.5908, −0.1943, 0.3965.
- Non-row-standardised and defective W: brute force in this file, ``S_k = (I − ρW)⁻¹(β_k I +
  θ_k W)`` built densely, direct = mean of its diagonal, total = mean row sum (LeSage & Pace 2009,
  §2.7), independent of the eigenvalue algebra of the library.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytest

import spatialpanel as sp
from spatialpanel.errors import ConfigError
from spatialpanel.inference.effects import WeightsSpectrum, effects_at, impacts
from spatialpanel.linalg.within import demean
from spatialpanel.weights.core import SpatialWeights
from tests.cigar import cigar_data, cigar_weights

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

SDM_PARAMS = {  # benchmarks.md, two-way FE SDM, exact ML, no bias correction
    "logp": -1.002451,
    "logy": 0.600653,
    "W*logp": 0.056462,
    "W*logy": -0.294995,
    "rho": 0.229200,
}
SIGMA2 = 0.0049754
EFFECTS_REF = {
    "logp": (-1.0133, -0.2140, -1.2273),
    "logy": (0.5908, -0.1943, 0.3965),
}
SE_REF = {"logp": (0.0400, 0.0883, 0.0984)}


@dataclass(frozen=True)
class _Spec:
    model: str
    x: tuple[str, ...]


@dataclass(frozen=True)
class _Fit:
    """A hand-made results object: what ``impacts`` reads."""

    params: pd.Series
    cov: pd.DataFrame
    spec: Any
    w: SpatialWeights
    loglik: float = 0.0


def _make(model: str, params: dict[str, float], w: SpatialWeights, cov: Any = None) -> _Fit:
    s = pd.Series(params, dtype=float)
    c = np.eye(len(s)) * 1e-4 if cov is None else cov
    cf = pd.DataFrame(c, index=s.index, columns=s.index)
    x = tuple(n for n in s.index if not n.startswith("W*") and n not in ("rho", "lambda"))
    return _Fit(s, cf, _Spec(model, x), w)


def _brute(params: dict[str, float], wd: np.ndarray, x: list[str]) -> np.ndarray:
    n = wd.shape[0]
    rho = params.get("rho", 0.0)
    a = np.linalg.inv(np.eye(n) - rho * wd)
    out = np.empty((3, len(x)))
    for j, name in enumerate(x):
        s = a @ (params[name] * np.eye(n) + params.get(f"W*{name}", 0.0) * wd)
        direct, total = np.trace(s) / n, s.sum() / n
        out[:, j] = (direct, total - direct, total)
    return out


@pytest.fixture(scope="module")
def hessian_fit() -> _Fit:
    """The reference SDM with a covariance from the numerical Hessian of its log-likelihood.

    The two-way FE likelihood is written out here (Q·(Wy) convention of benchmarks.md), so this
    fixture does not depend on the estimation engine.
    """
    data, w = cigar_data(), cigar_weights()
    wd = w.dense
    y = data["logc"].unstack(0)[w.ids].to_numpy()  # (T, N)
    xs = np.stack([data[c].unstack(0)[w.ids].to_numpy() for c in ("logp", "logy")], axis=2)
    z = np.concatenate([xs, np.einsum("ij,tjk->tik", wd, xs)], axis=2)
    wy = y @ wd.T
    ev = np.linalg.eigvals(wd).real
    t, n = y.shape

    def ll(th: np.ndarray) -> float:
        e = demean(y - th[4] * wy - z @ th[:4], "twoway").ravel()
        return float(
            -n * t / 2 * np.log(2 * np.pi * th[5])
            + t * np.sum(np.log(1 - th[4] * ev))
            - e @ e / (2 * th[5])
        )

    th = np.array([*SDM_PARAMS.values(), SIGMA2])
    h = np.array([1e-4] * 5 + [1e-7])
    k = th.size
    hess = np.empty((k, k))
    for i in range(k):
        for j in range(k):

            def f(di: float, dj: float, i: int = i, j: int = j) -> float:
                v = th.copy()
                v[i] += di
                v[j] += dj
                return ll(v)

            hess[i, j] = (f(h[i], h[j]) - f(h[i], -h[j]) - f(-h[i], h[j]) + f(-h[i], -h[j])) / (
                4 * h[i] * h[j]
            )
    cov = np.linalg.inv(-hess)[:5, :5]
    return _make("sdm", SDM_PARAMS, w, cov)


def test_effects_match_reference_engine_free(hessian_fit: _Fit) -> None:
    out = impacts(hessian_fit, method="delta")
    for name, ref in EFFECTS_REF.items():
        got = [out.loc[name, (k, "estimate")] for k in ("direct", "indirect", "total")]
        np.testing.assert_allclose(got, ref, atol=1e-4)
    se = [out.loc["logp", (k, "se")] for k in ("direct", "indirect", "total")]
    np.testing.assert_allclose(se, SE_REF["logp"], atol=1e-3)


def test_effects_from_engine_fit_match_reference() -> None:
    res = sp.SpatialPanelModel(
        cigar_data(), y="logc", x=["logp", "logy"], w=cigar_weights(), model="sdm", effects="twoway"
    ).fit(bias_correction="none")
    out = res.impacts(method="delta")
    assert list(out.index) == ["logp", "logy"]
    assert list(out.columns) == [
        (k, s) for k in ("direct", "indirect", "total") for s in ("estimate", "se", "z", "p")
    ]
    for name, ref in EFFECTS_REF.items():
        got = [out.loc[name, (k, "estimate")] for k in ("direct", "indirect", "total")]
        np.testing.assert_allclose(got, ref, atol=1e-4)
    se = [out.loc["logp", (k, "se")] for k in ("direct", "indirect", "total")]
    np.testing.assert_allclose(se, SE_REF["logp"], atol=1e-3)
    sim = res.impacts(method="simulation", draws=1000, seed=0)
    for k in ("direct", "indirect", "total"):
        np.testing.assert_allclose(sim[(k, "estimate")], out[(k, "estimate")], rtol=1e-12)
        np.testing.assert_allclose(sim[(k, "se")], out[(k, "se")], rtol=0.15)


def test_simulated_draws_center_on_analytic(hessian_fit: _Fit) -> None:
    rng = np.random.default_rng(0)
    p = hessian_fit.params.to_numpy()
    draws = rng.multivariate_normal(p, hessian_fit.cov.to_numpy(), size=1000)
    spec = WeightsSpectrum.of(hessian_fit.w.sparse)
    eff = effects_at(draws[:, :2], draws[:, 2:4], draws[:, 4], spec).mean(axis=0)
    analytic = impacts(hessian_fit)
    for j, name in enumerate(("logp", "logy")):
        for i, k in enumerate(("direct", "indirect", "total")):
            assert abs(eff[i, j] - analytic.loc[name, (k, "estimate")]) < 0.01


def test_simulation_is_seeded_and_reports_interval(hessian_fit: _Fit) -> None:
    a = impacts(hessian_fit, method="simulation", draws=500, seed=7)
    b = impacts(hessian_fit, method="simulation", draws=500, seed=7)
    c = impacts(hessian_fit, method="simulation", draws=500, seed=8)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a[("direct", "se")], c[("direct", "se")])
    lo, hi = a[("total", "ci_lower")], a[("total", "ci_upper")]
    assert ((lo < a[("total", "estimate")]) & (a[("total", "estimate")] < hi)).all()


def test_delta_gradient_matches_finite_differences(hessian_fit: _Fit) -> None:
    spec = WeightsSpectrum.of(hessian_fit.w.sparse)
    p = hessian_fit.params.to_numpy()

    def f(v: np.ndarray) -> np.ndarray:
        return effects_at(v[None, :2], v[None, 2:4], v[None, 4], spec)[0].ravel()

    jac = np.empty((6, 5))
    for j in range(5):
        e = np.zeros(5)
        e[j] = 1e-6
        jac[:, j] = (f(p + e) - f(p - e)) / 2e-6
    se_fd = np.sqrt(np.diag(jac @ hessian_fit.cov.to_numpy() @ jac.T)).reshape(3, 2)
    out = impacts(hessian_fit)
    for j, name in enumerate(("logp", "logy")):
        got = [out.loc[name, (k, "se")] for k in ("direct", "indirect", "total")]
        np.testing.assert_allclose(got, se_fd[:, j], rtol=1e-5)


@pytest.mark.parametrize("symmetric", [True, False])
@pytest.mark.parametrize("model", ["sdm", "sar", "slx", "sdem", "sem"])
def test_effects_non_row_standardised_w(model: str, symmetric: bool) -> None:
    rng = np.random.default_rng(5)
    n = 12
    base = (rng.uniform(size=(n, n)) < 0.35) * rng.uniform(0.2, 1.5, size=(n, n))
    np.fill_diagonal(base, 0.0)
    base[0, 1] = base[1, 0] = 1.0  # no islands
    if symmetric:
        base = base + base.T
    base += np.roll(np.eye(n), 1, axis=1) * 0.5  # every region has a neighbour
    w = SpatialWeights.from_array(base, transform="spectral")
    params = {"a": 0.8, "b": -0.4}
    if model in ("sdm", "slx", "sdem"):
        params |= {"W*a": 0.3, "W*b": 0.25}
    if model in ("sdm", "sar"):
        params["rho"] = 0.45
    if model in ("sem", "sdem"):
        params["lambda"] = 0.3
    fit = _make(model, params, w)
    out = impacts(fit)
    ref = _brute({k: v for k, v in params.items() if k != "lambda"}, w.dense, ["a", "b"])
    for j, name in enumerate(("a", "b")):
        got = [out.loc[name, (k, "estimate")] for k in ("direct", "indirect", "total")]
        np.testing.assert_allclose(got, ref[:, j], rtol=1e-10, atol=1e-12)
    if model == "sem":
        assert (out[("indirect", "estimate")] == 0).all()


def test_defective_w_uses_dense_fallback() -> None:
    # a weighted path 0 -> 1 -> 2 -> 3 (nilpotent, one Jordan block): not diagonalisable
    wd = np.diag([1.0, 0.7, 0.4], k=1)
    spec = WeightsSpectrum.of(wd)
    assert spec.eigvals is None
    w = SpatialWeights.from_array(wd, transform="none", islands="allow")
    params = {"a": 1.2, "W*a": 0.5, "rho": 0.6}
    out = impacts(_make("sdm", params, w))
    ref = _brute(params, wd, ["a"])
    np.testing.assert_allclose(
        [out.loc["a", (k, "estimate")] for k in ("direct", "indirect", "total")],
        ref[:, 0],
        rtol=1e-12,
    )
    # and the derivative terms agree with central differences
    _, der = spec.terms(np.array([0.6]))
    vp, _ = spec.terms(np.array([0.6 + 1e-6]))
    vm, _ = spec.terms(np.array([0.6 - 1e-6]))
    np.testing.assert_allclose(der[0], (vp[0] - vm[0]) / 2e-6, rtol=1e-6)


def test_impacts_option_errors(hessian_fit: _Fit) -> None:
    with pytest.raises(ConfigError, match="dynamic model"):
        impacts(hessian_fit, horizon="long")
    with pytest.raises(ConfigError, match="Did you mean 'simulation'"):
        impacts(hessian_fit, method="simulations")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="draws"):
        impacts(hessian_fit, method="simulation", draws=1)


def test_rho_zero_terms_agree_with_eigen_path() -> None:
    w = cigar_weights().transformed("binary")
    spec = WeightsSpectrum.of(w.sparse)
    v0, d0 = spec.terms(np.array([0.0]))
    v1, d1 = spec.terms(np.array([1e-9]))
    np.testing.assert_allclose(v0, v1, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(d0, d1, rtol=1e-6, atol=1e-6)


def test_simulation_discards_unstable_rho_draws() -> None:
    w = cigar_weights()
    spec = WeightsSpectrum.of(w.sparse)
    lo, hi = spec.stable_interval
    assert hi == pytest.approx(1.0, abs=1e-10)  # row-standardised: largest eigenvalue 1
    assert lo == pytest.approx(1.0 / np.linalg.eigvals(w.dense).real.min(), rel=1e-10)
    fit = _make("sar", {"a": 1.0, "rho": 0.97}, w, cov=np.diag([0.01, 0.02**2]))
    with pytest.warns(sp.NumericalWarning, match="discarded"):
        out = impacts(fit, method="simulation", draws=400, seed=1)
    assert np.isfinite(out.to_numpy()).all()
