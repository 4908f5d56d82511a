"""The exact derivative of the sparse-LU log-determinant and the ρ̂ it locates (1,000 < N ≤ 3,000).

Between N = 1,000 and 3,000 ``logdet="auto"`` takes the sparse LU. Before the derivative existed,
ρ̂ there was located from function values only (to ~1e-8, moving with BLAS rounding: the exact-path
references of ``tests/test_perf_exact.py`` drifted by 2e-8 on numpy 2.4.6 / OpenBLAS 0.3.31). The
derivative ``-tr(S(I − ρS)⁻¹)`` comes from the selected inverse of ``I − ρS``; here it is checked
against the dense eigenvalues of W, and ρ̂ against an independent computation: the concentrated
score written out from the cross products and the dense eigenvalues (``scipy.linalg.eigvalsh``),
its root found by ``scipy.optimize.brentq``.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg as sla
import scipy.sparse as sps
from scipy.optimize import brentq

from spatialpanel.linalg.logdet import DERIVATIVE_LIMIT, logdet, symmetric_scale
from tests.graphs import delaunay, lattice
from tests.test_perf_exact import case_model, fit_case


def _row(a: sps.csr_array) -> sps.csr_array:
    return sps.csr_array(sps.diags_array(1.0 / np.asarray(a.sum(axis=1)).ravel()) @ a)


def _sym_eigenvalues(w: sps.csr_array) -> np.ndarray:
    d = symmetric_scale(w)
    assert d is not None
    sd = np.sqrt(d)
    s = (sd[:, None] * w.toarray()) / sd[None, :]
    return np.asarray(sla.eigvalsh(0.5 * (s + s.T)))


@pytest.mark.parametrize("graph", ["lattice", "delaunay"])
def test_lu_derivative_equals_dense_eigenvalues(graph: str) -> None:
    """The LU method's derivative equals ``-Σ ω/(1 − ρω)`` to 1e-12 relative at N = 1,200."""
    w = _row(lattice(1200) if graph == "lattice" else delaunay(1200))
    ld = logdet(w, method="lu")
    assert ld.method == "lu"
    omega = _sym_eigenvalues(w)
    for rho in (-0.9, -0.3, 0.0, 0.41, 0.97):
        want = float(np.sum(-omega / (1.0 - rho * omega)))
        got = ld.derivative(rho)
        assert got is not None
        assert abs(got - want) <= 1e-12 * max(1.0, abs(want)), (rho, got, want)


def test_lu_derivative_absent_where_not_exact() -> None:
    """None for the approximations and above ``DERIVATIVE_LIMIT`` (values only there)."""
    w = _row(lattice(1200))
    assert logdet(w, method="chebyshev").derivative(0.3) is None
    big = _row(lattice(DERIVATIVE_LIMIT + 1))
    assert logdet(big, method="lu").derivative(0.3) is None


@pytest.mark.parametrize("transformation", [False, True])
def test_rho_hat_at_n1500_is_the_root_of_the_exact_score(transformation: bool) -> None:
    """ρ̂ of ``logdet="auto"`` (sparse LU) at N = 1,500 equals the root of the concentrated score
    computed independently from dense eigenvalues, to 1e-12; so does ``logdet="eigen"``.

    This is what corrected the stored references of the two N = 1,500 cases of
    ``tests/test_perf_exact.py`` (``tests/data/perf/make_baseline.py``: their ρ̂ had been located
    from function values and were 8.0e-9 and 1.52e-8 away from this root).
    """
    from spatialpanel.models.engine import fe_data

    name = "lattice1500_sdm_twoway" + ("_transformation" if transformation else "")
    res = fit_case(name)
    assert res.logdet_method == "lu"
    rho_lu = float(res.params["rho"])
    rho_eigen = float(fit_case(name, logdet="eigen").params["rho"])

    # independent: cross products of the within-transformed data and the dense spectrum
    model = case_model(name)
    arrays = model._arrays
    n, t = arrays.n, arrays.t
    omega = _sym_eigenvalues(sps.csr_array(arrays.wmat))
    fd = fe_data(arrays, model.spec)
    q0, *_ = np.linalg.lstsq(fd.z, fd.y, rcond=None)
    qd, *_ = np.linalg.lstsq(fd.z, fd.wy, rcond=None)
    e0, ed = fd.y - fd.z @ q0, fd.wy - fd.z @ qd
    s00, s0d, sdd = e0 @ e0, e0 @ ed, ed @ ed
    if transformation:  # Lee & Yu: (N-1)(T-1) observations, T-1 periods, ln(1-ρ) removed
        n_eff, t_eff, adjust = (n - 1) * (t - 1), t - 1, True
    else:
        n_eff, t_eff, adjust = n * t, t, False

    def score(r: float) -> float:
        ssr = s00 - 2 * r * s0d + r * r * sdd
        dld = float(np.sum(-omega / (1.0 - r * omega))) + (1.0 / (1.0 - r) if adjust else 0.0)
        return -0.5 * n_eff * (-2 * s0d + 2 * r * sdd) / ssr + t_eff * dld

    root = brentq(score, 0.3, 0.7, xtol=1e-15)
    assert abs(rho_lu - root) < 1e-12, (rho_lu, root)
    assert abs(rho_eigen - root) < 1e-12, (rho_eigen, root)
