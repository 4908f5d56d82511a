"""The dynamic spatial panel without any dense N x N matrix: the quantities of
:mod:`spatialpanel.models.dynamic` in the N-region space, for large N.

With a row-standardised W (Wι = ι) and F the N x (N-1) orthonormal basis of ι⊥ (F'F = I,
FF' = J = I - ιι'/N), the transformed matrix W_f = F'WF satisfies F'W = W_f F'. Hence, for every
rational function h for which h(W) exists,

- F'h(W) = h(W_f)F', so inner products of transformed vectors are those of the cross-sectionally
  demeaned vectors in the N regions ((F'a)'(F'b) = a'Jb): the concentrated likelihood, β(ρ), σ²,
  the information matrix and the residuals can all be computed from demeaned data with W itself;
- tr h(W_f) = tr(h(W)J) = tr h(W) - h(1): the traces of the bias of Yu, de Jong & Lee (2008)
  are those of W minus the unit eigenvalue's term;
- ln|I - ρW_f| = ln|I - ρW| - ln(1 - ρ).

The traces needed by the Lee-Yu bias are tr M, tr WM, tr GM, tr GWM and tr G with
G = W(I - ρW)⁻¹ and M = ((1-τ)I - (ρ+η)W)⁻¹ (= (I - A)⁻¹S⁻¹ with A = S⁻¹(τI + ηW)). They are
exact from the eigenvalues of W for N ≤ :data:`EXACT_TRACE_LIMIT`; above, Hutchinson estimates
with seeded Rademacher probes and the first three Taylor terms (I, W, W², whose traces are exact)
as control variates, so that only the remainder ``h(W) - c₀I - c₁W - c₂W²`` is estimated; the
spread over the probes gives the Monte Carlo standard error, which is carried to the corrected
estimates (it covers the traces of the bias, not those of the information matrix, which are
estimated from the same probes; the tests check the total error against four stated errors).
Products with h(W) use sparse LU factorisations of I - ρW and (1-τ)I - (ρ+η)W. The diagonal
of G (for the non-normality term Ω) is estimated the same way (exact diag of W and W² plus a
probe estimate of the remainder; two independent halves of the probes give an unbiased Σ_i G_ii²).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sps
import scipy.sparse.linalg as spla
from numpy.typing import NDArray

from spatialpanel.errors import ConfigError
from spatialpanel.linalg.logdet import sparse_lu, symmetric_scale

__all__ = [
    "EXACT_TRACE_LIMIT",
    "PROBES",
    "BiasTraces",
    "GProbes",
    "bias_traces",
    "information_sparse",
    "omega_sums",
    "real_extremes",
    "reduced_form",
]

EXACT_TRACE_LIMIT = 1000
"""Up to this N the traces come from the eigenvalues of W (exact); above, Hutchinson estimates."""
PROBES = 200
"""Rademacher probes of the Hutchinson estimates (large N)."""


@dataclass(frozen=True)
class BiasTraces:
    """tr M, tr WM, tr GM, tr GWM, tr G in the transformed n-dimensional space.

    ``values`` has shape (5,); ``per_probe`` (5, probes) holds the probe estimates (None when the
    traces are exact); ``method`` says which was used.
    """

    values: NDArray[np.float64]
    per_probe: NDArray[np.float64] | None
    method: str


def _taylor(rho: float, tau: float, eta: float) -> NDArray[np.float64]:
    """Rows: the first three Taylor coefficients in ω of the five functions of ω."""
    a = 1.0 / (1.0 - tau)
    q = (rho + eta) * a
    return np.array(
        [
            [a, a * q, a * q * q],  # M: 1/((1-τ) - (ρ+η)ω)
            [0.0, a, a * q],  # WM
            [0.0, a, a * (q + rho)],  # GM: ω/(1-ρω) · M
            [0.0, 0.0, a],  # GWM
            [0.0, 1.0, rho],  # G: ω/(1-ρω)
        ]
    )


def _unit_terms(rho: float, tau: float, eta: float) -> NDArray[np.float64]:
    """The five functions at ω = 1 (the term removed by the orthonormal transformation)."""
    m1 = 1.0 / (1.0 - tau - rho - eta)
    g1 = 1.0 / (1.0 - rho)
    return np.array([m1, m1, g1 * m1, g1 * m1, g1])


def _lu(a: sps.csr_array, symlike: bool) -> spla.SuperLU:
    return sparse_lu(a, symmetric_like=symlike)


def _solve(lu: spla.SuperLU, b: NDArray[np.float64], trans: str = "N") -> NDArray[np.float64]:
    """``lu.solve`` in blocks of 8 columns: SuperLU's multi-column solve is several times slower
    than a loop over single columns when given many at once (measured: 200 columns,
    N = 20,000: 3.7 s against 0.55 s), and blocks of 8 are faster again (N = 100,000: 17.7
    against 26 ms per column)."""
    if b.ndim == 1:
        return np.asarray(lu.solve(b, trans=trans), dtype=float)
    out = np.empty_like(b, dtype=float)
    for j in range(0, b.shape[1], 8):
        out[:, j : j + 8] = lu.solve(np.asfortranarray(b[:, j : j + 8]), trans=trans)
    return out


class GProbes:
    """``S = I - ρW`` factorised once (sparse LU), seeded Rademacher probes Z and the products
    that the stochastic traces share: WZ, W²Z and GZ (G = WS⁻¹ = S⁻¹W).

    Parameters
    ----------
    w
        The N x N weights (sparse).
    rho
        The spatial parameter.
    symlike
        Whether W is similar to a symmetric matrix (chooses the LU ordering).
    probes, seed
        Number of probes and the seed of their generator.
    """

    def __init__(
        self, w: sps.csr_array, rho: float, *, symlike: bool, probes: int = PROBES, seed: int = 0
    ) -> None:
        n = int(w.shape[0])
        self.w, self.rho, self.n, self.symlike = w, float(rho), n, symlike
        self.probes, self.seed = probes, seed
        self.lu = _lu(sps.csr_array(sps.eye_array(n, format="csr") - rho * w), symlike)
        self.z = np.random.default_rng(seed).choice([-1.0, 1.0], size=(n, probes))
        self.wz = np.asarray(w @ self.z)
        self.wwz = np.asarray(w @ self.wz)
        self.gz = self.apply(self.z)
        self.tr_w = float(w.diagonal().sum())
        self.tr_ww = float(w.multiply(w.T).sum())

    def apply(self, v: NDArray[np.float64]) -> NDArray[np.float64]:
        """``G v``."""
        return np.asarray(self.w @ _solve(self.lu, v), dtype=float)

    def apply_t(self, v: NDArray[np.float64]) -> NDArray[np.float64]:
        """``G' v = S⁻ᵀW'v``."""
        return _solve(self.lu, np.asarray(self.w.T @ v, dtype=float), trans="T")

    def estimate(
        self, hz: NDArray[np.float64], c: tuple[float, float, float]
    ) -> NDArray[np.float64]:
        """Per-probe estimates of tr H from ``hz = HZ``, with c₀I + c₁W + c₂W² (exact traces) as
        control variates."""
        c0, c1, c2 = c
        rest = hz - c0 * self.z - c1 * self.wz - c2 * self.wwz
        return c0 * self.n + c1 * self.tr_w + c2 * self.tr_ww + np.einsum("ij,ij->j", self.z, rest)


def bias_traces(
    w: sps.csr_array,
    *,
    rho: float,
    tau: float,
    eta: float,
    time_fx: bool,
    eig: NDArray[np.complex128] | None,
    gp: GProbes | None = None,
) -> BiasTraces:
    """The five traces of the Lee-Yu bias (see the module docstring).

    ``eig`` (all eigenvalues of W) gives exact traces; else the probes ``gp`` (at this ρ) give
    Hutchinson estimates. With ``time_fx`` the unit eigenvalue's term is removed (W
    row-standardised).
    """
    unit = _unit_terms(rho, tau, eta) if time_fx else np.zeros(5)
    if eig is not None:
        den_m = (1.0 - tau) - (rho + eta) * eig
        g = eig / (1.0 - rho * eig)
        vals = np.array(
            [
                np.sum(1.0 / den_m).real,
                np.sum(eig / den_m).real,
                np.sum(g / den_m).real,
                np.sum(g * eig / den_m).real,
                np.sum(g).real,
            ]
        )
        return BiasTraces(vals - unit, None, "exact (eigenvalues of W)")
    if gp is None:
        raise ConfigError("bias_traces: pass eig (exact traces) or gp (probes); got neither.")
    n = gp.n
    eye = sps.eye_array(n, format="csr")
    m_lu = _lu(sps.csr_array((1.0 - tau) * eye - (rho + eta) * w), gp.symlike)
    mz = _solve(m_lu, gp.z)
    wmz = np.asarray(w @ mz)
    h = [mz, wmz, gp.apply(mz), gp.apply(wmz), gp.gz]
    coef = _taylor(rho, tau, eta)
    per = np.array(
        [gp.estimate(hz, (coef[i, 0], coef[i, 1], coef[i, 2])) for i, hz in enumerate(h)]
    )
    per -= unit[:, None]
    method = f"Hutchinson ({gp.probes} Rademacher probes, seed {gp.seed})"
    return BiasTraces(per.mean(axis=1), per, method)


def omega_sums(
    w: sps.csr_array, *, rho: float, time_fx: bool, gp: GProbes | None
) -> tuple[float, float, float]:
    """Σ_i A_ii², Σ_i A_ii J_ii and Σ_i J_ii² for A = JGJ, G = W(I - ρW)⁻¹ (J = I - ιι'/N with
    time effects, else I), the sums the non-normality term Ω needs.

    (JGJ)_ii = G_ii - (G'ι)_i/N for a row-standardised W (Gι = ι/(1-ρ)). Without probes ``gp``
    a dense G is used (small N); with them G_ii is estimated as W_ii + ρ(W²)_ii plus a Hutchinson
    estimate of the remainder, and Σ A_ii² from the product of two independent half-sample
    estimates (unbiased).
    """
    n = int(w.shape[0])
    jd = (1.0 - 1.0 / n) if time_fx else 1.0
    if gp is None:
        wd = w.toarray()
        g = np.linalg.solve(np.eye(n) - rho * wd, wd)
        a = np.diag(g) - (g.sum(axis=0) / n if time_fx else 0.0)
        return float(a @ a), float(a.sum() * jd), float(n * jd * jd)
    corr = gp.apply_t(np.ones(n)) / n if time_fx else np.zeros(n)  # (G'ι)_i / N
    base = w.diagonal() + rho * np.asarray(w.multiply(w.T).sum(axis=1)).ravel()
    est = gp.z * (gp.gz - gp.wz - rho * gp.wwz)  # per-probe diag(G - W - ρW²)
    half = gp.probes // 2
    d1 = base - corr + est[:, :half].mean(axis=1)
    d2 = base - corr + est[:, half : 2 * half].mean(axis=1)
    a_sum = float(np.sum(base - corr) + est.mean(axis=1).sum())
    return float(d1 @ d2), a_sum * jd, float(n * jd * jd)


def information_sparse(
    gp: GProbes,
    *,
    z: NDArray[np.float64],
    coef: NDArray[np.float64],
    sigma2: float,
    t_eff: int,
    n_eff: int,
    time_fx: bool,
) -> NDArray[np.float64]:
    """The information matrix of :func:`spatialpanel.models.information.information_matrix`
    (kind ``"lag"``; the transformed space's traces when ``time_fx``) with the traces estimated
    from the probes: tr G and tr G² with the control variates W, W² (and W²), tr G'G = ‖G‖²_F as
    ‖W‖²_F + mean(‖GZ‖² - ‖WZ‖²); the terms in the data (Z'GZβ, ‖GZβ‖²) are exact.
    ``z`` is the demeaned design in the N regions, ``(T'·N, k)``.
    """
    n, k, rho = gp.n, z.shape[1], gp.rho
    tr_g = float(gp.estimate(gp.gz, (0.0, 1.0, rho)).mean())
    tr_gg = float(gp.estimate(gp.apply(gp.gz), (0.0, 0.0, 1.0)).mean())
    fro_w = float(gp.w.multiply(gp.w).sum())
    tr_gtg = fro_w + float(np.mean(np.sum(gp.gz**2, axis=0) - np.sum(gp.wz**2, axis=0)))
    zb = (z @ coef).reshape(t_eff, n)
    gzb = gp.apply(np.ascontiguousarray(zb.T)).T  # row t: G zβ_t
    if time_fx:
        inv = 1.0 / (1.0 - rho)
        col = gp.apply_t(np.ones(n))
        tr_g -= inv
        tr_gg -= inv * inv
        tr_gtg -= float(col @ col) / n
    out = np.zeros((k + 2, k + 2))
    out[:k, :k] = z.T @ z / sigma2
    cross = np.einsum("tik,ti->k", z.reshape(t_eff, n, k), gzb)
    quad = float(np.sum(gzb * gzb))
    if time_fx:
        quad -= float(np.sum(gzb.sum(axis=1) ** 2)) / n
    out[:k, k] = out[k, :k] = cross / sigma2
    out[k, k] = t_eff * (tr_gg + tr_gtg) + quad / sigma2
    out[k, k + 1] = out[k + 1, k] = t_eff * tr_g / sigma2
    out[k + 1, k + 1] = n_eff / (2.0 * sigma2**2)
    return out


def real_extremes(w: sps.csr_array, *, second: bool) -> tuple[float, float]:
    """Smallest real eigenvalue of W and its largest (``second``: the largest after removing
    one unit eigenvalue), by ARPACK (symmetric solver when W is similar to a symmetric matrix)."""
    # a fixed start vector: ARPACK's random default makes the digits vary between runs
    v0 = np.random.default_rng(0).standard_normal(w.shape[0])
    opts = {"return_eigenvectors": False, "maxiter": 20000, "tol": 1e-10, "v0": v0}
    d = symmetric_scale(w)
    k = 2 if second else 1
    if d is not None:
        sd = np.sqrt(d)
        s = sps.csr_array(sps.diags_array(sd) @ w @ sps.diags_array(1.0 / sd))
        s = sps.csr_array(0.5 * (s + s.T))
        lo = float(np.min(spla.eigsh(s, k=1, which="SA", **opts)))
        hi = np.sort(spla.eigsh(s, k=k, which="LA", **opts))
    else:
        lo = float(np.min(spla.eigs(w, k=1, which="SR", **opts).real))
        hi = np.sort(spla.eigs(w, k=k, which="LR", **opts).real)
    return lo, float(hi[0] if second else hi[-1])


def reduced_form(gp: GProbes, zb: NDArray[np.float64], *, time_fx: bool) -> NDArray[np.float64]:
    """``J(I - ρW)⁻¹ zb_t`` for each row t of the ``(T, N)`` array ``zb``."""
    out = _solve(gp.lu, np.ascontiguousarray(zb.T)).T
    if time_fx:
        out = out - out.mean(axis=1, keepdims=True)
    return out
