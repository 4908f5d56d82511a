"""Selected inversion and the exact traces built on it (``spatialpanel.linalg.selinv``).

References are computed in the tests by dense numpy linear algebra on the same matrices
(``np.linalg.inv``, ``np.linalg.cholesky``, ``np.linalg.eigvalsh``): the exact paths must agree
to 1e-10 (relative to the size of the quantity).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sps
import scipy.sparse.linalg as spla
from numpy.typing import NDArray

from spatialpanel.inference.effects import WeightsSpectrum
from spatialpanel.linalg import selinv
from spatialpanel.linalg.logdet import symmetric_scale
from spatialpanel.linalg.selinv import ExactTraces, PointTerms, selected_inverse
from spatialpanel.models.information import GOperator, trace_method
from tests.test_perf_exact import delaunay, inverse_distance, knn, lattice


def _rowstd(a: sps.csr_array) -> sps.csr_array:
    rs = np.asarray(a.sum(axis=1)).ravel()
    return sps.csr_array(sps.diags_array(1.0 / rs) @ a)


W_CASES = {
    "lattice_row": lambda: _rowstd(lattice(225)),
    "delaunay_row": lambda: _rowstd(delaunay(200)),
    "invdist_row": lambda: _rowstd(inverse_distance(180)),
    "binary_scaled": lambda: sps.csr_array(lattice(196) / 4.0),  # symmetric, not row-std
}


def _dense_traces(w: NDArray[np.float64], delta: float) -> list[float]:
    n = w.shape[0]
    a = np.linalg.inv(np.eye(n) - delta * w)
    g = w @ a
    return [np.trace(a), np.trace(g), np.trace(g @ g), np.sum(g * g), np.trace(a @ w @ a)]


@pytest.mark.parametrize("case", list(W_CASES))
@pytest.mark.parametrize("delta", [-0.8, -0.3, 0.0, 0.4, 0.93])
def test_exact_traces_match_dense_inverse(case: str, delta: float) -> None:
    w = W_CASES[case]()
    tr = ExactTraces.at(w, delta, symmetric_scale(w))
    assert tr is not None
    got = [tr.tr_a, tr.tr_g, tr.tr_gg, tr.tr_gtg, tr.tr_awa]
    ref = _dense_traces(w.toarray(), delta)
    np.testing.assert_allclose(got, ref, rtol=1e-10, atol=1e-10)


def test_selected_inverse_equals_the_dense_inverse_on_the_factor_pattern() -> None:
    rng = np.random.default_rng(1)
    a = delaunay(150)
    vals = sps.csr_array(a.multiply(rng.random(a.shape)))
    y = sps.csr_array(sps.eye_array(150) * 7.0 + vals + vals.T)  # SPD (diagonally dominant)
    sel = selected_inverse(y)
    assert sel is not None
    ref = np.linalg.inv(y.toarray())
    pat = sps.coo_array(sel.pattern)
    pos = np.empty(150, dtype=np.int64)
    pos[sel.position] = np.arange(150)  # permuted index -> original index
    np.testing.assert_allclose(
        sel.z[pat.row, pat.col], ref[pos[pat.row], pos[pat.col]], rtol=1e-12, atol=1e-14
    )
    # the pattern holds Y's and is that of the dense Cholesky factor of PYP' (generic values)
    perm = pos
    chol = np.linalg.cholesky(y.toarray()[np.ix_(perm, perm)])
    dense_pat = np.abs(chol) > 0
    sym_pat = sel.pattern.toarray() > 0
    np.testing.assert_array_equal(np.tril(sym_pat), dense_pat)
    x = sps.csr_array(y @ y)  # reaches outside the factor's pattern
    with pytest.raises(ValueError, match="outside the pattern"):
        sel.inner(x)


def test_factor_entries_that_are_exactly_zero_are_restored() -> None:
    """SuperLU's L omits entries that are exactly zero; the symbolic pattern keeps them, so
    the recursion and tr(X Y⁻¹) still work (here Y = I stored on the pattern of I + A)."""
    a = delaunay(120)
    y = selinv._combine([(1.0, sps.eye_array(120, format="csr")), (0.0, a)])
    assert y.nnz == 120 + a.nnz  # explicit zeros kept
    lu = spla.splu(sps.csc_array(y))
    assert lu.L.nnz == 120  # the numeric factor has only the unit diagonal
    sel = selected_inverse(y)
    assert sel is not None
    assert sel.inner(a) == 0.0
    assert sel.inner(sps.eye_array(120)) == pytest.approx(120.0, abs=1e-12)


@pytest.mark.parametrize("case", ["delaunay_row", "invdist_row"])
def test_point_terms_match_the_eigenvalue_spectrum(case: str) -> None:
    w = W_CASES[case]()
    point = PointTerms(w, symmetric_scale(w))
    spec = WeightsSpectrum.of(w)
    rho = np.array([-0.5, 0.0, 0.37, 0.9])
    v1, d1 = point.terms(rho)
    v2, d2 = spec.terms(rho)
    np.testing.assert_allclose(v1, v2, rtol=1e-10, atol=1e-10)  # tr W = 0 at ρ = 0
    np.testing.assert_allclose(d1, d2, rtol=1e-10, atol=1e-10)


def test_goperator_traces_and_method_per_path() -> None:
    w = _rowstd(delaunay(200))
    dense = np.linalg.solve(np.eye(200) - 0.45 * w.toarray(), w.toarray())
    g = GOperator(w, 0.45)
    assert g.method == trace_method(w) == "exact (selected inversion)"
    assert g._dense is None
    ref = (np.trace(dense), np.sum(dense * dense.T), np.sum(dense * dense))
    np.testing.assert_allclose(g.traces(), ref, rtol=1e-10)
    v = np.random.default_rng(3).standard_normal((200, 2))
    np.testing.assert_allclose(g.apply(v), dense @ v, atol=1e-12)
    np.testing.assert_allclose(g.apply_t(v), dense.T @ v, atol=1e-12)
    np.testing.assert_allclose(g.solve(v), v + 0.45 * dense @ v, atol=1e-12)
    wk = _rowstd(knn(150))  # not similar to a symmetric matrix: the dense inverse
    gk = GOperator(wk, 0.3)
    assert gk.method == "exact (dense inverse)" and gk._dense is not None


def test_results_and_effects_name_the_trace_method() -> None:
    from tests.test_perf_exact import fit_case

    res = fit_case("delaunay600_sar_entity")
    assert res.trace_method == "exact (selected inversion)"
    assert res.fit_stats()["trace_method"] == "exact (selected inversion)"
    assert dict(res.summary().info)["Traces (information matrix)"] == res.trace_method
    delta = res.impacts(method="delta")
    sim = res.impacts(method="simulation", draws=50, seed=1)
    assert delta.attrs["traces"] == "exact (selected inversion)"
    assert sim.attrs["traces"] == "exact (eigenvalues)"
    exact = res.impacts(method="delta", traces="exact")
    pd.testing.assert_frame_equal(exact, delta)
