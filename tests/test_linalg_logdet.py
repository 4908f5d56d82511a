"""Log-determinants ln|I - ρW| and stationarity intervals against numpy's dense slogdet."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sps
from hypothesis import given, settings
from hypothesis import strategies as st

from spatialpanel.linalg.logdet import _symmetric_scale, eigenvalues, logdet
from tests.cigar import cigar_binary_matrix, cigar_weights


def dense_logdet(w: np.ndarray, rho: float) -> float:
    sign, val = np.linalg.slogdet(np.eye(w.shape[0]) - rho * w)
    assert sign > 0
    return float(val)


def random_asymmetric(n: int, seed: int) -> np.ndarray:
    """Row-standardised k-nearest-neighbour-like matrix: asymmetric, complex eigenvalues."""
    rng = np.random.default_rng(seed)
    pts = rng.uniform(size=(n, 2))
    d = np.linalg.norm(pts[:, None] - pts[None], axis=2)
    np.fill_diagonal(d, np.inf)
    m = np.zeros((n, n))
    for i in range(n):
        m[i, np.argsort(d[i])[:3]] = 1.0
    return m / m.sum(axis=1, keepdims=True)


RHOS = [-0.9, -0.3, 0.0, 0.25, 0.6, 0.95]


@pytest.mark.parametrize("rho", RHOS)
def test_eigen_and_lu_exact_on_cigarette_w(rho: float) -> None:
    w = cigar_weights().dense
    ref = dense_logdet(w, rho)
    for method in ("eigen", "lu"):
        assert logdet(w, method=method)(rho) == pytest.approx(ref, abs=1e-10)


@pytest.mark.parametrize("rho", RHOS)
def test_eigen_and_lu_exact_on_asymmetric_w(rho: float) -> None:
    w = random_asymmetric(60, 1)
    assert np.abs(np.linalg.eigvals(w).imag).max() > 1e-3  # complex spectrum indeed
    ref = dense_logdet(w, rho)
    assert logdet(w, method="eigen")(rho) == pytest.approx(ref, abs=1e-10)
    assert logdet(sps.csr_array(w), method="lu")(rho) == pytest.approx(ref, abs=1e-10)


def test_symmetric_fast_path_detects_row_standardised_symmetric() -> None:
    a = cigar_binary_matrix()
    w = cigar_weights().sparse
    d = _symmetric_scale(w)
    assert d is not None
    rs = a.sum(axis=1)
    np.testing.assert_allclose(d / d[0], rs / rs[0])  # proportional to the raw row sums
    assert _symmetric_scale(sps.csr_array(a)) is not None  # symmetric itself: d = 1
    assert _symmetric_scale(sps.csr_array(random_asymmetric(30, 2))) is None
    np.testing.assert_allclose(
        np.sort(eigenvalues(w).real), np.sort(np.linalg.eigvals(w.toarray()).real), atol=1e-12
    )


def test_bounds_are_inverse_extreme_eigenvalues() -> None:
    w = cigar_weights().dense
    vals = np.linalg.eigvals(w).real
    lo, hi = logdet(w).bounds
    assert lo == pytest.approx(1 / vals.min(), rel=1e-12)
    assert hi == pytest.approx(1 / vals.max(), rel=1e-12)
    # approximations are limited to |ρ| < 1 for a row-standardised W
    assert logdet(w, method="chebyshev").bounds == pytest.approx((-1.0, hi), rel=1e-12)


@pytest.mark.parametrize(("method", "tol"), [("chebyshev", 1e-4), ("mc", 0.05)])
@pytest.mark.parametrize("rho", [-0.8, -0.2, 0.3, 0.7])
def test_approximations(method: str, tol: float, rho: float) -> None:
    """Chebyshev (order 20) to 1e-4; Monte Carlo (50 probes, seed 0) to 5 % of |ln|I-ρW||+1."""
    w = cigar_weights().dense
    ref = dense_logdet(w, rho)
    got = logdet(w, method=method)(rho)
    assert abs(got - ref) <= tol * (abs(ref) + 1.0)


def test_mc_is_seeded() -> None:
    w = cigar_weights().sparse
    assert logdet(w, method="mc", seed=4)(0.5) == logdet(w, method="mc", seed=4)(0.5)
    assert logdet(w, method="mc", seed=4)(0.5) != logdet(w, method="mc", seed=5)(0.5)


def test_auto_uses_lu_for_large_n() -> None:
    n = 1100
    rows = np.arange(n)
    m = sps.csr_array(
        (np.ones(2 * n - 2), (np.r_[rows[:-1], rows[1:]], np.r_[rows[1:], rows[:-1]])), shape=(n, n)
    )
    w = sps.csr_array(sps.diags_array(1 / np.asarray(m.sum(axis=1)).ravel()) @ m)
    ld = logdet(w)
    assert ld.method == "lu"
    # path graph: eigenvalues cos(kπ/(n-1)) in [-1, 1]
    assert ld.bounds[0] == pytest.approx(-1.0, abs=1e-6)
    assert ld.bounds[1] == pytest.approx(1.0, abs=1e-6)
    assert ld(0.4) == pytest.approx(dense_logdet(w.toarray(), 0.4), abs=1e-8)


def test_derivative_matches_finite_difference() -> None:
    w = random_asymmetric(40, 3)
    ld = logdet(w, method="eigen")
    h = 1e-6
    fd = (ld(0.3 + h) - ld(0.3 - h)) / (2 * h)
    assert ld.derivative(0.3) == pytest.approx(fd, rel=1e-6)
    assert logdet(w, method="lu").derivative(0.3) is None


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=0, max_value=10_000), st.floats(min_value=-0.95, max_value=0.95))
def test_property_eigen_equals_slogdet(seed: int, rho: float) -> None:
    w = random_asymmetric(25, seed)
    assert logdet(w, method="eigen")(rho) == pytest.approx(dense_logdet(w, rho), abs=1e-9)


def test_no_negative_real_eigenvalue_gives_finite_interval() -> None:
    """A directed 3-cycle has eigenvalues 1, exp(±2πi/3): no negative real one. The lower bound
    is then -1/r (r = 1, the spectral radius) instead of -inf."""
    w = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
    ld = logdet(w)
    assert ld.bounds == pytest.approx((-1.0, 1.0), rel=1e-12)
    assert ld(-0.7) == pytest.approx(dense_logdet(w, -0.7), abs=1e-12)


def test_symmetric_fast_path_for_weighted_row_standardised_matrix() -> None:
    """Row-standardised inverse-distance weights (symmetric before standardisation, two
    components): found similar to a symmetric matrix; eigenvalues equal numpy's general solver."""
    rng = np.random.default_rng(0)
    pts = np.vstack([rng.uniform(size=(30, 2)), rng.uniform(size=(20, 2)) + 5.0])
    dist = np.linalg.norm(pts[:, None] - pts[None], axis=2)
    a = np.where((dist < 0.45) & (dist > 0), 1.0 / np.maximum(dist, 1e-12), 0.0)
    assert np.all(a.sum(axis=1) > 0)
    w = a / a.sum(axis=1, keepdims=True)
    d = _symmetric_scale(sps.csr_array(w))
    assert d is not None
    np.testing.assert_allclose(
        np.sort(eigenvalues(w).real), np.sort(np.linalg.eigvals(w).real), atol=1e-12
    )
    assert logdet(w)(0.6) == pytest.approx(dense_logdet(w, 0.6), abs=1e-10)


def test_bad_method_and_empty_w() -> None:
    from spatialpanel.errors import ConfigError, WeightsError

    with pytest.raises(ConfigError, match=r"method='eigne'.*Did you mean 'eigen'"):
        logdet(np.ones((3, 3)) - np.eye(3), method="eigne")  # type: ignore[arg-type]
    with pytest.raises(WeightsError, match="no non-zero eigenvalue"):
        logdet(np.zeros((3, 3)))
