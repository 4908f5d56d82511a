"""Sparse (large-N) paths of the random-effects models, the LM tests and Hausman against the
numbers of the dense implementation they replace.

Provenance of ``tests/data/scale/dense_reference.npz``: written by
``tests/data/scale/make_dense_reference.py`` (run as ``/work/venv/bin/python
tests/data/scale/make_dense_reference.py`` from the repository root) with the dense code of
commit be47b68 (``np.linalg.eigh`` of B'B per λ in the random-effects SEM, dense W in the LM
tests and the Mundlak regression), numpy 2.x / scipy 1.x on this machine, BEFORE the sparse
rewrite. The panels: Baltagi's cigarette data (``tests/cigar.py``) and the generated panel of
:func:`medium_panel` (20 x 20 rook lattice, N = 400, T = 5, seeded).
"""

from __future__ import annotations

import warnings
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sps

import spatialpanel as sp
from spatialpanel.inference.hausman import hausman, mundlak_test
from spatialpanel.inference.lm import LMEffects, bsk_tests, lm_tests, residual_moran
from spatialpanel.linalg.logdet import logdet
from spatialpanel.models.design import panel_arrays
from spatialpanel.models.random_error import _Likelihood, fit_random_error
from spatialpanel.weights.core import SpatialWeights
from tests.cigar import cigar_data, cigar_weights


def lattice(side: int, cols: int | None = None) -> sps.csr_array:
    """Binary rook contiguity of a ``side`` x ``cols`` lattice (square by default; row-major)."""
    cols = side if cols is None else cols
    n = side * cols
    idx = np.arange(n).reshape(side, cols)
    src = np.concatenate([idx[:, :-1].ravel(), idx[:-1, :].ravel()])
    dst = np.concatenate([idx[:, 1:].ravel(), idx[1:, :].ravel()])
    a = sps.coo_array((np.ones(src.size), (src, dst)), shape=(n, n))
    return sps.csr_array(a + a.T)


def medium_panel(
    side: int = 20, t: int = 5, seed: int = 20261128, *, cols: int | None = None
) -> tuple[pd.DataFrame, SpatialWeights]:
    """A seeded spatial panel with random entity effects correlated with x1 (for Hausman).

    ``y_lag = (I - 0.4W)⁻¹(1 + x1 - 0.5 x2 + 0.2 W x1 + μ + ε)`` and
    ``y_err = 1 + x1 - 0.5 x2 + μ + (I - 0.5W)⁻¹ε``, μ ~ N(0, 0.5²) + 0.3·mean(x1),
    ε ~ N(0, 1); regions ``r0000``... in lattice order, periods 1..T.
    """
    n = side * (side if cols is None else cols)
    w = SpatialWeights.from_sparse(lattice(side, cols), ids=[f"r{i:04d}" for i in range(n)])
    wm = w.sparse
    rng = np.random.default_rng(seed)
    x1 = rng.standard_normal((t, n)) + rng.standard_normal(n)[None, :]
    x2 = rng.standard_normal((t, n))
    mu = 0.5 * rng.standard_normal(n) + 0.3 * x1.mean(axis=0)
    eps = rng.standard_normal((t, n))
    eye = sps.identity(n, format="csc")
    a_lag = sps.csc_array(eye - 0.4 * wm)
    a_err = sps.csc_array(eye - 0.5 * wm)
    from scipy.sparse.linalg import spsolve

    y_lag = np.empty((t, n))
    y_err = np.empty((t, n))
    for s in range(t):
        y_lag[s] = spsolve(a_lag, 1 + x1[s] - 0.5 * x2[s] + 0.2 * (wm @ x1[s]) + mu + eps[s])
        y_err[s] = 1 + x1[s] - 0.5 * x2[s] + mu + spsolve(a_err, eps[s])
    index = pd.MultiIndex.from_product([range(1, t + 1), w.ids], names=["year", "region"])
    frame = pd.DataFrame(
        {
            "y_lag": y_lag.ravel(),
            "y_err": y_err.ravel(),
            "x1": x1.ravel(),
            "x2": x2.ravel(),
        },
        index=index,
    ).swaplevel(0, 1)
    frame.index = frame.index.set_names(["region", "year"])
    return frame, w


# ----------------------------------------------------------------------------------- the tests
@cache
def ref() -> Any:
    """The stored dense numbers (loaded on first use, so that the script can import this module
    before the file exists)."""
    return np.load(Path(__file__).parent / "data" / "scale" / "dense_reference.npz")


EFFECTS: tuple[LMEffects, ...] = ("pooled", "entity", "time", "twoway")


@cache
def panel(name: str) -> tuple[pd.DataFrame, SpatialWeights, str, str, list[str]]:
    """(data, w, y for lag models, y for error models, x) as in make_dense_reference.py."""
    if name == "cigar":
        return cigar_data(), cigar_weights(), "logc", "logc", ["logp", "logy"]
    med, w = medium_panel()
    return med, w, "y_lag", "y_err", ["x1", "x2"]


@cache
def fit(name: str, kind: str, effects: str = "random") -> Any:
    data, w, ylag, yerr, x = panel(name)
    y = yerr if kind in ("sem", "sdem") else ylag
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # none expected; the reference was written the same way
        return sp.SpatialPanelModel(data, y=y, x=x, w=w, model=kind, effects=effects).fit()


def _check_fit(name: str, kind: str, *, params_atol: float, se_rtol: float) -> tuple[Any, str]:
    """Our random-effects fit against the stored dense numbers; returns (fit, key)."""
    res = fit(name, kind)
    key = f"{name}/re_{kind}"
    np.testing.assert_allclose(
        res.params.to_numpy(), ref()[f"{key}/params"], rtol=0, atol=params_atol
    )
    np.testing.assert_allclose(res.std_errors.to_numpy(), ref()[f"{key}/se"], rtol=se_rtol)
    sigma2, loglik, phi, _ = ref()[f"{key}/scalars"]
    assert res.sigma2 == pytest.approx(sigma2, rel=1e-7)
    assert res.loglik == pytest.approx(loglik, abs=1e-8)
    assert res.phi == pytest.approx(phi, rel=1e-6)
    return res, key


@pytest.mark.parametrize("name", ["cigar", "medium"])
def test_lm_moran_bsk_equal_the_dense_implementation(name: str) -> None:
    """Exact sparse traces (T·tr(W'W + WW), tr(BWBW') ... by sparse products) give the dense
    numbers to rounding."""
    data, w, y, _, x = panel(name)
    for eff in EFFECTS:
        lm = lm_tests(data, y=y, x=x, w=w, effects=eff)
        _assert_stats_and_tails(lm[["statistic", "pvalue"]].to_numpy(), ref()[f"{name}/lm_{eff}"])
        rm = residual_moran(data, y=y, x=x, w=w, effects=eff)
        got = [rm.statistic, rm.expected, rm.variance, rm.z, rm.pvalue, rm.pvalue_two_sided]
        np.testing.assert_allclose(got, ref()[f"{name}/moran_{eff}"], rtol=1e-10)
    bsk = bsk_tests(data, y=y, x=x, w=w)[["statistic", "pvalue"]].to_numpy()
    _assert_stats_and_tails(bsk, ref()[f"{name}/bsk"])


def _assert_stats_and_tails(got: np.ndarray, want: np.ndarray) -> None:
    """Statistics to 1e-10 (relative); p-values to 1e-10 relative on the log scale.

    A χ² tail probability of 1e-33 moves by stat/2 times the statistic's relative rounding, so
    comparing such p-values at rtol 1e-10 would demand the statistic to 1e-12 (beyond rounding
    with another BLAS); -log p carries the same digits as the statistic."""
    np.testing.assert_allclose(got[:, 0], want[:, 0], rtol=1e-10)
    zero = want[:, 1] == 0.0  # underflowed tails stay exactly zero
    np.testing.assert_array_equal(got[zero, 1], 0.0)
    np.testing.assert_allclose(-np.log(got[~zero, 1]), -np.log(want[~zero, 1]), rtol=1e-10)


@pytest.mark.parametrize("name", ["cigar", "medium"])
@pytest.mark.parametrize("kind", ["sar", "sdm", "slx"])
def test_random_effects_lag_models_equal_the_dense_implementation(name: str, kind: str) -> None:
    """RE SAR/SDM/SLX: θ is now profiled on cross products and polished on its exact score, ρ
    polished on the exact derivative. The dense implementation stopped its Brent searches at
    function values (about √ε in θ and ρ): the two optima differ by up to 2e-8 in θ and ρ
    (see test_random_effects_theta_score), hence the tolerances."""
    res, key = _check_fit(name, kind, params_atol=5e-8, se_rtol=1e-6)
    assert res.theta == pytest.approx(ref()[f"{key}/scalars"][3], abs=5e-8)
    np.testing.assert_allclose(res.information.to_numpy(), ref()[f"{key}/information"], rtol=1e-6)
    np.testing.assert_allclose(res.resid.to_numpy(), ref()[f"{key}/resid"], rtol=0, atol=1e-7)


def test_random_effects_theta_score() -> None:
    """At our θ̂ the score of the exact profile likelihood (central differences of a dense
    brute-force profile written here) vanishes; at the dense implementation's θ̂ it was -3.0e-5
    (cigarette SLX, where θ is the only search parameter)."""
    res = fit("cigar", "slx")
    data, w, y, _, x = panel("cigar")
    n, t = 46, 30
    wd = w.dense
    yy = data[y].to_numpy().reshape(t, n)
    xx = data[x].to_numpy().reshape(t, n, 2)
    z = np.concatenate([np.ones((t, n, 1)), xx, np.einsum("ij,tjk->tik", wd, xx)], axis=2)

    def profile(theta: float) -> float:
        tr = lambda a: a - (1 - theta) * a.mean(axis=0, keepdims=True)  # noqa: E731
        ys, zs = tr(yy).ravel(), tr(z).reshape(-1, z.shape[2])
        e = ys - zs @ np.linalg.lstsq(zs, ys, rcond=None)[0]
        return float(-n * t / 2 * np.log(e @ e / (n * t)) + n * np.log(theta))

    h = 1e-5
    score = (profile(res.theta + h) - profile(res.theta - h)) / (2 * h)
    old = ref()["cigar/re_slx/scalars"][3]
    score_old = (profile(old + h) - profile(old - h)) / (2 * h)
    assert abs(score) < 5e-6 < abs(score_old)


@pytest.mark.parametrize(("name", "kind"), [("cigar", "sem"), ("cigar", "sdem"), ("medium", "sem")])
def test_random_effects_error_models_equal_the_dense_implementation(name: str, kind: str) -> None:
    """RE SEM/SDEM: the cigarette panel (N = 46) takes the eigen-decomposition path, the
    generated panel (N = 400 > DENSE_LIMIT) the sparse LU path. We now polish (λ, φ) to the root
    of the exact score; the dense implementation stopped its Brent searches on function values:
    on cigarette SEM its λ lies 2.6e-8 above the root (∂ln L/∂λ = -3.0e-5 there, see
    tests/test_random_score.py), hence params within 1e-7 (measured 3.9e-8 in the constant).
    The covariance is the inverse of a central-difference Hessian, accurate to about 1e-6
    relative."""
    res, key = _check_fit(name, kind, params_atol=1e-7, se_rtol=1e-5)
    np.testing.assert_allclose(res.resid.to_numpy(), ref()[f"{key}/resid"], rtol=0, atol=1e-6)
    np.testing.assert_allclose(res.fitted.to_numpy(), ref()[f"{key}/fitted"], rtol=0, atol=1e-6)


def _knn_weights(n: int, k: int, seed: int) -> SpatialWeights:
    """Row-standardised k-nearest-neighbour weights: not similar to a symmetric matrix."""
    pts = np.random.default_rng(seed).random((n, 2))
    d = np.linalg.norm(pts[:, None] - pts[None, :], axis=2)
    np.fill_diagonal(d, np.inf)
    a = np.zeros((n, n))
    rows = np.repeat(np.arange(n), k)
    a[rows, np.argsort(d, axis=1)[:, :k].ravel()] = 1.0
    return SpatialWeights.from_array(a, ids=[f"k{i}" for i in range(n)])


@pytest.mark.parametrize("weights", ["contiguity", "knn"])
def test_sparse_between_part_equals_eigen_decomposition(weights: str) -> None:
    """The likelihood pieces of the sparse path (LU of I + TφB'B; Lanczos for the residuals'
    square root) against the eigen-decomposition path at several (λ, φ), for a W similar to a
    symmetric matrix (cigarette contiguity) and one that is not (k-nearest neighbours)."""
    data = cigar_data()
    data = data[data.index.get_level_values("year") < 1968]  # T = 5
    w = cigar_weights()
    if weights == "knn":
        w = _knn_weights(46, 4, 3)
        data = data.rename(index=dict(zip(cigar_weights().ids, w.ids, strict=True)), level=0)
    model = sp.SpatialPanelModel(
        data, y="logc", x=["logp", "logy"], w=w, model="sdem", effects="random"
    )
    arr = panel_arrays(data, model.w, model.spec)
    ld = logdet(arr.wmat)
    dense, sparse = _Likelihood(arr, ld, dense=True), _Likelihood(arr, ld, dense=False)
    beta = np.array([4.0, -0.8, 0.5, 0.1, -0.2])
    for lam, phi in [(0.0, 0.0), (0.3, 0.5), (-0.4, 2.0), (0.8, 10.0)]:
        a, b = dense.concentrated(lam, phi), sparse.concentrated(lam, phi)
        assert b[0] == pytest.approx(a[0], abs=1e-9)
        np.testing.assert_allclose(b[1], a[1], rtol=1e-9)
        p = np.concatenate([beta, [lam, phi, 0.01]])
        assert sparse.full(p) == pytest.approx(dense.full(p), rel=1e-12)
        np.testing.assert_allclose(
            sparse.resid(lam, phi, beta), dense.resid(lam, phi, beta), rtol=0, atol=1e-10
        )


def test_forced_sparse_fit_equals_dense_fit() -> None:
    """A whole RE SEM fit through each path (cigarette 1963-1967, N·T = 230). Both polish
    (λ, φ) on the exact score (eigenvalues on one path, selected inverses on the other), so they
    agree to rounding: measured 1.2e-14 in β, 2.5e-15 in λ, 4e-12 in ln L. Before the polish
    they agreed only to the precision of Brent's searches on function values (about 2e-7)."""
    data = cigar_data()
    data = data[data.index.get_level_values("year") < 1968]
    model = sp.SpatialPanelModel(
        data, y="logc", x=["logp", "logy"], w=cigar_weights(), model="sem", effects="random"
    )
    arr = panel_arrays(data, model.w, model.spec)
    ld = logdet(arr.wmat)
    a = fit_random_error(arr, model.spec, ld, dense=True)
    b = fit_random_error(arr, model.spec, ld, dense=False)
    np.testing.assert_allclose(b.coef, a.coef, rtol=0, atol=1e-11)
    assert b.lam == pytest.approx(a.lam, abs=1e-12)
    assert b.phi == pytest.approx(a.phi, rel=1e-11)
    assert b.loglik == pytest.approx(a.loglik, abs=1e-10)
    np.testing.assert_allclose(b.resid, a.resid, rtol=0, atol=1e-11)


def _whitened_hausman(fe: Any, re: Any, names: list[str]) -> float:
    """The unit-free generalised-inverse statistic by whitening with the Cholesky factor of
    V_FE: with V_FE = LL', D̃ = L⁻¹(V_FE − V_RE)L⁻ᵀ = UΛU' and d̃ = L⁻¹d, Σ_{λ>0} (U'd̃)²/λ."""
    d = (fe.params[names] - re.params[names]).to_numpy()
    vfe = fe.cov.loc[names, names].to_numpy()
    diff = vfe - re.cov.loc[names, names].to_numpy()
    linv = np.linalg.inv(np.linalg.cholesky(vfe))
    vals, u = np.linalg.eigh(linv @ ((diff + diff.T) / 2) @ linv.T)
    proj = u.T @ (linv @ d)
    keep = vals > 1e-10
    return float(np.sum(proj[keep] ** 2 / vals[keep]))


@pytest.mark.parametrize(("name", "kind"), [("cigar", "sdm"), ("medium", "sar"), ("medium", "sem")])
def test_hausman_and_mundlak_equal_the_dense_implementation(name: str, kind: str) -> None:
    """Classic statistic, validity, rank and Mundlak test against the stored dense numbers.

    The stored generalised-inverse statistics (cigar SDM 0.11003, medium SAR 105.6648, medium
    SEM 178.2438) used the Moore–Penrose inverse over the ordinary eigenvectors of V_FE − V_RE,
    which changes with the units of the regressors (issue 15 §10). The statistic now uses the
    eigen-directions relative to V_FE (0.10197, 105.6714, 178.5459), so it is checked against
    an independent computation of that
    definition (whitening by the Cholesky factor of V_FE); the rank (df) cannot differ
    (Sylvester's law of inertia) and is still checked against the stored one."""
    data = panel(name)[0]
    fe, re = fit(name, kind, "entity"), fit(name, kind)
    h = hausman(fe, re, data=data)
    classic_stat, classic_p, valid, _, gen_df = ref()[f"{name}/hausman_{kind}"]
    assert h.classic.valid == bool(valid)
    if h.classic.valid:
        assert h.classic.statistic == pytest.approx(classic_stat, rel=1e-5)
        assert h.classic.pvalue == pytest.approx(classic_p, rel=1e-4, abs=1e-12)
    else:
        assert h.generalized is not None and h.generalized.df == gen_df
        want = _whitened_hausman(fe, re, list(h.names))
        assert h.generalized.statistic == pytest.approx(want, rel=1e-9)
    mk = mundlak_test(fe, data)
    np.testing.assert_allclose(
        [mk.statistic, mk.df, mk.pvalue], ref()[f"{name}/mundlak_{kind}"], rtol=1e-9
    )
