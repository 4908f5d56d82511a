"""Random-effects spatial error panels (SEM, SDEM) by exact maximum likelihood.

Model (Baltagi, Song & Koh 2003; Elhorst 2003, his ``sem_panel_RE``): y_t = Z_tβ + μ + u_t with
u_t = λWu_t + ε_t, μ ~ (0, σ²_μ I_N), ε_t ~ (0, σ² I_N). With B = I - λW, M = B'B, φ = σ²_μ/σ²
and the eigen-decomposition M = V diag(m) V', the covariance σ²[J_T ⊗ φI + I_T ⊗ M⁻¹] gives

    ln L = -NT/2 ln(2πσ²) + T ln|B| - ½ ln|I + TφM| - SSR/(2σ²),
    SSR = Σ_t ‖B(u_t - ū)‖² + T ū'M(I + TφM)⁻¹ū,     u_t = y_t - Z_tβ,

ū the regions' time means (``ln|I + TφM| = Σ_i ln(1 + Tφ m_i)`` and
``M(I + TφM)⁻¹ = V diag(m/(1 + Tφm)) V'``). β and σ² = SSR/NT are concentrated out (GLS on the
stacked within and between parts, from (k+1)² cross products); s = 1/(1 + Tφ) ∈ (0, 1] is
profiled out by bounded Brent at each λ, and λ is found by the engine's verified bounded search,
both to xatol = 1e-10. The covariance is the inverse of the observed information (a
central-difference Hessian of the exact log-likelihood in (β, λ, φ, σ²)).

Two exact evaluations of the between part (same numbers to rounding):

- N ≤ ``DENSE_LIMIT``: one dense eigen-decomposition of M per λ (then every φ is free);
- N > ``DENSE_LIMIT``: one sparse LU of the symmetric positive definite ``I + TφM`` per (λ, φ)
  (minimum-degree ordering, :func:`~spatialpanel.linalg.logdet.sparse_lu`): ``ln|I + TφM|``
  from its diagonal, ``M(I + TφM)⁻¹Ā`` by k+1 solves. No N x N dense matrix; memory linear in
  N·T plus the LU's fill (about 70 nonzeros per region on a planar lattice). The cost is one LU
  per likelihood evaluation (about 30 per λ for the inner search in φ).

The reported residuals (``Σ resid² = SSR``) carry the between part as
``(M(I + TφM)⁻¹)^{1/2} ū`` added to every period; above ``DENSE_LIMIT`` this matrix square root
times a vector is computed by Lanczos iteration with full reorthogonalisation, to a relative
change below 1e-12 (a :class:`NumericalWarning` states the achieved accuracy otherwise).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sps
from numpy.typing import NDArray
from scipy.optimize import minimize_scalar

from spatialpanel.errors import EstimationError, NumericalWarning
from spatialpanel.linalg.logdet import LogDet, sparse_lu
from spatialpanel.linalg.within import spatial_lag
from spatialpanel.models.design import PanelArrays, check_design
from spatialpanel.models.engine import concentrated_max
from spatialpanel.models.spec import ModelSpec

__all__ = ["REErrorEstimate", "fit_random_error", "random_error_information"]


@dataclass(frozen=True, eq=False)
class REErrorEstimate:
    """Point estimates of a random-effects SEM/SDEM fit; ``resid`` is ``(T, N)`` with
    ``Σ resid² = SSR`` (within part plus the between part spread over the periods)."""

    coef: NDArray[np.float64]
    lam: float
    phi: float
    sigma2: float
    loglik: float
    resid: NDArray[np.float64]


DENSE_LIMIT = 200
"""Above this N the between part uses sparse LU factorisations instead of eigen-decompositions."""


def _lanczos_apply(
    matvec: Callable[[NDArray[np.float64]], NDArray[np.float64]],
    v: NDArray[np.float64],
    f: Callable[[NDArray[np.float64]], NDArray[np.float64]],
    *,
    tol: float = 1e-12,
    maxiter: int = 500,
) -> tuple[NDArray[np.float64], float]:
    """``f(A)v`` for a symmetric positive semi-definite ``A`` given by ``matvec``: Lanczos with
    full reorthogonalisation; returns the vector and the last relative change (≤ ``tol`` when
    converged, 0 at an invariant subspace)."""
    beta0 = float(np.linalg.norm(v))
    if beta0 == 0.0:
        return np.zeros_like(v), 0.0
    n = v.size
    basis = [v / beta0]  # grows with the iterations: memory (steps x N), never N x N
    alpha: list[float] = []
    beta: list[float] = []
    prev: NDArray[np.float64] | None = None
    out = np.zeros_like(v)
    change = np.inf
    for _ in range(min(maxiter, n)):
        q = np.asarray(basis)
        w = matvec(q[-1])
        alpha.append(float(q[-1] @ w))
        for _ in range(2):  # full reorthogonalisation, twice is enough
            w -= q.T @ (q @ w)
        b = float(np.linalg.norm(w))
        vals, vecs = np.linalg.eigh(np.diag(alpha) + np.diag(beta, 1) + np.diag(beta, -1))
        out = q.T @ (beta0 * (vecs @ (f(vals) * vecs[0])))
        if prev is not None:
            change = float(np.linalg.norm(out - prev)) / max(float(np.linalg.norm(out)), 1e-300)
        if b <= 1e-14 * max(1.0, abs(alpha[-1])):
            return out, 0.0
        if change <= tol:
            return out, change
        prev = out
        beta.append(b)
        basis.append(w / b)
    return out, change


class _Likelihood:
    """The exact log-likelihood for given (λ, φ), from (k+1)² cross products.

    Within part (quadratic in λ): ``A'(I_T ⊗ M)A`` with A = [y, Z] minus their time means.
    Between part: ``T Ā'M(I + TφM)⁻¹Ā`` and ``ln|I + TφM|``, by eigenvalues (N ≤
    ``DENSE_LIMIT``) or sparse LU (above); see the module docstring.
    """

    def __init__(self, arrays: PanelArrays, ld: LogDet, *, dense: bool | None = None) -> None:
        self.y = arrays.y
        self.z = arrays.z
        self.t, self.n, self.k = arrays.z.shape
        self.wmat = sps.csr_array(arrays.wmat, dtype=float)
        self.dense = self.n <= DENSE_LIMIT if dense is None else dense
        self.w = arrays.w.dense if self.dense else None
        self.ld = ld
        self._cache: dict[float, tuple[NDArray[np.float64], NDArray[np.float64]]] = {}
        self._between: dict[tuple[float, float], tuple[float, NDArray[np.float64]]] = {}
        self._solves: dict[tuple[float, float], tuple[float, NDArray[np.float64]]] = {}
        a = np.concatenate([self.y[:, :, None], self.z], axis=2)
        self.abar = a.mean(axis=0)  # (N, k+1)
        dev = (a - self.abar).reshape(-1, self.k + 1)
        wdev = spatial_lag(self.wmat, a - self.abar).reshape(-1, self.k + 1)
        self.aa, self.aw, self.ww = dev.T @ dev, dev.T @ wdev, wdev.T @ wdev

    def _b(self, lam: float) -> sps.csr_array:
        return sps.csr_array(sps.eye_array(self.n) - lam * self.wmat)

    def _eig(self, lam: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        hit = self._cache.get(lam)
        if hit is None:
            assert self.w is not None
            b = np.eye(self.n) - lam * self.w
            m, v = np.linalg.eigh(b.T @ b)
            hit = (np.maximum(m, 0.0), v)
            if len(self._cache) > 32:  # N ≤ DENSE_LIMIT: at most 32 x 0.3 MB
                self._cache.clear()
            self._cache[lam] = hit
        return hit

    def between(self, lam: float, phi: float) -> tuple[float, NDArray[np.float64]]:
        """``ln|I + TφM|`` and the between cross products ``T Ā'M(I + TφM)⁻¹Ā``."""
        key = (float(lam), float(phi))
        hit = self._between.get(key)
        if hit is not None:
            return hit
        t = self.t
        if self.dense:
            m, v = self._eig(lam)
            vb = v.T @ self.abar
            cross = vb.T @ ((t * m / (1.0 + t * phi * m))[:, None] * vb)
            logs = float(np.sum(np.log1p(t * phi * m)))
        else:
            b = self._b(lam)
            logs, solved = self._solved(lam, phi)
            self._solves.clear()  # the search visits each (λ, φ) once: keep memory flat
            cross = t * ((b @ self.abar).T @ (b @ solved))
            cross = 0.5 * (cross + cross.T)
        if len(self._between) > 4096:
            self._between.clear()
        self._between[key] = (logs, cross)
        return logs, cross

    def cross(self, lam: float, phi: float) -> tuple[float, NDArray[np.float64]]:
        """``ln|I + TφM|`` and the cross products of the GLS-transformed ``[y, Z]``."""
        logs, between = self.between(lam, phi)
        within = self.aa - lam * (self.aw + self.aw.T) + lam * lam * self.ww
        return logs, within + between

    def within_ssr(self, lam: float) -> float:
        """``min_β Σ_t ‖B(u_t − ū)‖²``: the within part alone (a lower bound of SSR)."""
        cw = self.aa - lam * (self.aw + self.aw.T) + lam * lam * self.ww
        beta = np.linalg.lstsq(cw[1:, 1:], cw[1:, 0], rcond=None)[0]
        return max(float(cw[0, 0] - cw[1:, 0] @ beta), 1e-300)

    def concentrated(self, lam: float, phi: float) -> tuple[float, NDArray[np.float64], float]:
        """(ln L, β, σ²) with β and σ² concentrated out (from (k+1)² cross products)."""
        logs, cross = self.cross(lam, phi)
        beta = np.linalg.solve(cross[1:, 1:], cross[1:, 0])
        ssr = max(float(cross[0, 0] - cross[1:, 0] @ beta), 1e-300)
        nt = self.n * self.t
        s2 = ssr / nt
        val = -0.5 * nt * (np.log(2 * np.pi * s2) + 1.0) + self.t * self.ld(lam) - 0.5 * logs
        return float(val), np.asarray(beta, dtype=float), s2

    def transformed(
        self, lam: float, phi: float
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], float]:
        """Dense path: stacked GLS-transformed (y, Z) — within rows then between rows — and
        ``Σ ln(1 + Tφm)``."""
        assert self.w is not None
        t = self.t
        b = np.eye(self.n) - lam * self.w
        m, v = self._eig(lam)
        scale = np.sqrt(t * m / (1.0 + t * phi * m))
        ybar, zbar = self.y.mean(axis=0), self.z.mean(axis=0)
        yw = ((self.y - ybar) @ b.T).ravel()
        zw = np.einsum("ij,tjk->tik", b, self.z - zbar).reshape(-1, self.k)
        yb = scale * (v.T @ ybar)
        zb = scale[:, None] * (v.T @ zbar)
        return (
            np.concatenate([yw, yb]),
            np.vstack([zw, zb]),
            float(np.sum(np.log1p(t * phi * m))),
        )

    def _solved(self, lam: float, phi: float) -> tuple[float, NDArray[np.float64]]:
        """Sparse path: ``ln|I + TφM|`` and ``(I + TφM)⁻¹Ā`` (cached per (λ, φ))."""
        key = (float(lam), float(phi))
        hit = self._solves.get(key)
        if hit is None:
            b = self._b(lam)
            lu = sparse_lu(
                sps.eye_array(self.n) + (self.t * phi) * sps.csr_array(b.T @ b),
                symmetric_like=True,
            )
            logs = float(np.sum(np.log(np.abs(lu.U.diagonal()))))
            hit = (logs, np.asarray(lu.solve(np.asfortranarray(self.abar)), dtype=float))
            self._solves[key] = hit
        return hit

    def full(self, p: NDArray[np.float64]) -> float:
        """ln L at (β, λ, φ, σ²), from explicit residuals (no cancellation in cross products)."""
        k, t = self.k, self.t
        beta, lam, phi, s2 = p[:k], float(p[k]), float(p[k + 1]), float(p[k + 2])
        if self.dense:
            ys, zs, logs = self.transformed(lam, phi)
            e = ys - zs @ beta
            ssr = float(e @ e)
        else:
            b = self._b(lam)
            u = self.y - self.z @ beta
            ubar = u.mean(axis=0)
            within = spatial_lag(b, u - ubar)
            logs, solved = self._solved(lam, phi)
            c = np.concatenate([[1.0], -beta])
            ssr = float(np.sum(within * within)) + t * float((b @ ubar) @ (b @ (solved @ c)))
        nt = self.n * t
        return float(
            -0.5 * nt * np.log(2 * np.pi * s2) + t * self.ld(lam) - 0.5 * logs - ssr / (2.0 * s2)
        )

    def resid(self, lam: float, phi: float, beta: NDArray[np.float64]) -> NDArray[np.float64]:
        """``(T, N)`` residuals with ``Σ resid² = SSR``: ``B(u_t − ū)`` plus, in every period,
        ``(M(I + TφM)⁻¹)^{1/2} ū`` (the between part spread over the periods)."""
        t = self.t
        u = self.y - self.z @ beta
        ubar = u.mean(axis=0)
        within = spatial_lag(self._b(lam), u - ubar)
        if self.dense:
            m, v = self._eig(lam)
            between = v @ (np.sqrt(m / (1.0 + t * phi * m)) * (v.T @ ubar))
        else:
            b = self._b(lam)
            bt = sps.csr_array(b.T)

            def f(x: NDArray[np.float64]) -> NDArray[np.float64]:
                x = np.maximum(x, 0.0)
                return np.asarray(np.sqrt(x / (1.0 + t * phi * x)), dtype=float)

            between, change = _lanczos_apply(lambda q: bt @ (b @ q), ubar, f)
            if change > 1e-8:
                warnings.warn(
                    f"the between part of the random-effects residuals converged only to a "
                    f"relative change of {change:.2g} (Lanczos, 500 steps); the estimates and "
                    "standard errors are not affected.",
                    NumericalWarning,
                    stacklevel=3,
                )
        return np.asarray(within + between[None, :], dtype=float)


def fit_random_error(
    arrays: PanelArrays, spec: ModelSpec, ld: LogDet, *, dense: bool | None = None
) -> REErrorEstimate:
    """Maximum likelihood of the random-effects SEM/SDEM.

    ``dense`` forces the eigen-decomposition (True) or sparse LU (False) evaluation of the
    between part; default: dense for N ≤ ``DENSE_LIMIT``.
    """
    t, _, k = arrays.z.shape
    check_design(arrays.z.reshape(-1, k), arrays.z.reshape(-1, k), spec.coef_names, "random")
    lik = _Likelihood(arrays, ld, dense=dense)

    def phi_of(s: float) -> float:
        return (1.0 / s - 1.0) / t

    profiles: dict[float, tuple[float, float]] = {}

    def best_s(lam: float) -> tuple[float, float]:
        """max over s = 1/(1 + Tφ) ∈ (0, 1] at fixed λ (computed once per λ)."""
        if lam in profiles:
            return profiles[lam]
        res = minimize_scalar(
            lambda s: -lik.concentrated(lam, phi_of(s))[0],
            bounds=(1e-8, 1.0),
            method="bounded",
            options={"xatol": 1e-10},
        )
        if not res.success:
            raise EstimationError(
                f"the random-effects likelihood in phi did not converge: {res.message}"
            )
        profiles[lam] = (float(res.x), float(-res.fun))
        return profiles[lam]

    def upper(lam: float) -> float:
        """A cheap upper bound of max_φ ln L(λ, φ): the between part of SSR and ln|I + TφM|
        are ≥ 0, so SSR ≥ SSR_within(λ) and ln L ≤ its value at SSR_within with φ = 0.
        Lets the grid check skip λ whose bound cannot beat the optimum (no inner search)."""
        if lik.dense:
            return np.inf  # the inner search is cheap there
        ssr_w = lik.within_ssr(lam) * (1.0 - 1e-10)  # margin for rounding
        ub = ld.upper_bound(lam)
        ldv = ub if np.isfinite(ub) else ld(lam)
        nt = lik.n * t
        return float(-0.5 * nt * (np.log(2 * np.pi * ssr_w / nt) + 1.0) + t * ldv)

    lam, _ = concentrated_max(
        lambda r: best_s(r)[1], ld.bounds, what="lambda", upper=upper, extend=ld.extension()
    )
    s_hat = best_s(lam)[0]
    phi = phi_of(s_hat)
    if s_hat > 1.0 - 1e-6:
        warnings.warn(
            "the random-effects variance σ²_μ is estimated at zero (φ = 0): the model reduces to "
            "the pooled model; use effects='pooled'.",
            NumericalWarning,
            stacklevel=3,
        )
    val, beta, s2 = lik.concentrated(lam, phi)
    if not np.isfinite(val):
        raise EstimationError("the random-effects log-likelihood is not finite at the optimum.")
    resid = lik.resid(lam, phi, beta)
    return REErrorEstimate(beta, lam, phi, s2, val, resid)


def random_error_information(
    est: REErrorEstimate, arrays: PanelArrays, ld: LogDet, *, dense: bool | None = None
) -> NDArray[np.float64]:
    """Observed information in the order (β, λ, φ, σ²): minus a central-difference Hessian."""
    lik = _Likelihood(arrays, ld, dense=dense)
    p = np.concatenate([est.coef, [est.lam, est.phi, est.sigma2]])
    m = p.size
    h = 1e-4 * np.maximum(np.abs(p), 1e-2)
    hess = np.zeros((m, m))
    for i in range(m):
        for j in range(i, m):
            ei, ej = np.eye(m)[i] * h[i], np.eye(m)[j] * h[j]
            val = (
                lik.full(p + ei + ej)
                - lik.full(p + ei - ej)
                - lik.full(p - ei + ej)
                + lik.full(p - ei - ej)
            ) / (4.0 * h[i] * h[j])
            hess[i, j] = hess[j, i] = val
    return np.asarray(-hess, dtype=float)
