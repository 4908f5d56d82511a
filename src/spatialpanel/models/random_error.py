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
both to xatol = 1e-10; then (λ, φ) is polished by Newton's method on the exact score (function
values carry the rounding of the cross products, so the searches alone stop about 1e-7 from the
maximum in λ; see ``_polish``). The covariance is the inverse of the observed information (a
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
change below 1e-12 (a :class:`~spatialpanel.errors.NumericalWarning` states the achieved accuracy
otherwise).
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

    def score(self, lam: float, phi: float) -> tuple[float, float, float] | None:
        """ln L and its exact derivatives in λ and φ, with β and σ² concentrated out.

        By the envelope theorem ``d ln L/dθ = ∂ln L/∂θ`` at β̂(λ, φ), σ̂²(λ, φ); β̂ from the
        cross products is refined once from explicit residuals, and SSR and its derivatives are
        sums over explicit residuals (no cancellation between large cross products). With
        H = (I + TφM)⁻¹, G = MH and ∂M/∂λ = −(W'B + B'W):

            ∂SSR/∂λ = −2 Σ_t (W ũ_t)'(B ũ_t) + T (Hū)'(∂M/∂λ)(Hū),   ∂SSR/∂φ = −T² ‖Gū‖²,
            ∂ln L/∂λ = −NT/2 ∂SSR/∂λ / SSR − T tr(W B⁻¹) − ½ Tφ tr(H ∂M/∂λ),
            ∂ln L/∂φ = −NT/2 ∂SSR/∂φ / SSR − ½ T tr G.

        The traces come from the eigen-decomposition (N ≤ ``DENSE_LIMIT``) or from selected
        inverses of ``I + TφM`` and ``M`` (:mod:`spatialpanel.linalg.selinv`). Returns None
        when a selected inverse is not available (a factorisation too ill-conditioned for the
        recursion, or N above :data:`spatialpanel.models.information.DENSE_LIMIT`).
        """
        from spatialpanel.models.information import DENSE_LIMIT as SELINV_LIMIT

        t, n = self.t, self.n
        b = self._b(lam)
        if self.dense:
            m, v = self._eig(lam)
            h_abar = v @ ((1.0 / (1.0 + t * phi * m))[:, None] * (v.T @ self.abar))
            logs = float(np.sum(np.log1p(t * phi * m)))
            wd = self.wmat.toarray()
            dm = -(wd.T @ b.toarray() + b.toarray().T @ wd)
            tr_hdm = float(np.sum(v * (dm @ v) / (1.0 + t * phi * m)))
            tr_g = float(np.sum(m / (1.0 + t * phi * m)))
            tr_wbinv = float(np.trace(np.linalg.solve(b.toarray(), wd)))
        else:
            if n > SELINV_LIMIT:
                return None
            from spatialpanel.linalg.selinv import selected_inverse

            mmat = sps.csr_array(b.T @ b)
            zh = selected_inverse(sps.eye_array(n) + (t * phi) * mmat)
            zm = selected_inverse(mmat)
            if zh is None or zm is None:
                return None
            dm = -(sps.csr_array(self.wmat.T @ b) + sps.csr_array(b.T @ self.wmat))
            try:
                tr_hdm, tr_g = zh.inner(dm), zh.inner(mmat)
                tr_wbinv = zm.inner(sps.csr_array(b.T @ self.wmat))
            except ValueError:  # a product reaching outside the factor's pattern
                return None
            logs, h_abar = self._solved(lam, phi)
            self._solves.clear()
        _, beta, _ = self.concentrated(lam, phi)
        cross = self.cross(lam, phi)[1]
        for _ in range(2):  # iterative refinement of β from explicit residuals
            c = np.concatenate([[1.0], -beta])
            u = self.y - self.z @ beta
            ubar = u.mean(axis=0)
            bdev = spatial_lag(b, u - ubar)
            hu = h_abar @ c
            bhu = b @ hu
            zdev = self.z - self.z.mean(axis=0)
            gz = np.einsum("tik,ti->k", spatial_lag(b, zdev), bdev) + t * (
                (b @ self.abar[:, 1:]).T @ bhu
            )
            beta = beta + np.linalg.solve(cross[1:, 1:], gz)
        c = np.concatenate([[1.0], -beta])
        u = self.y - self.z @ beta
        ubar = u.mean(axis=0)
        bdev = spatial_lag(b, u - ubar)
        wdev = spatial_lag(self.wmat, u - ubar)
        hu = h_abar @ c
        bhu = b @ hu
        gu = b.T @ bhu
        ssr = float(np.sum(bdev * bdev)) + t * float((b @ ubar) @ bhu)
        dssr_l = -2.0 * float(np.sum(wdev * bdev)) - 2.0 * t * float((self.wmat @ hu) @ bhu)
        dssr_p = -t * t * float(gu @ gu)
        nt = n * t
        val = -0.5 * nt * (np.log(2 * np.pi * ssr / nt) + 1.0) + t * self.ld(lam) - 0.5 * logs
        g_lam = -0.5 * nt * dssr_l / ssr - t * tr_wbinv - 0.5 * t * phi * tr_hdm
        g_phi = -0.5 * nt * dssr_p / ssr - 0.5 * t * tr_g
        return float(val), float(g_lam), float(g_phi)

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
    lam, phi = _polish(lik, lam, phi, ld.bounds, interior=s_hat <= 1.0 - 1e-6)
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


def _polish(
    lik: _Likelihood, lam: float, phi: float, bounds: tuple[float, float], *, interior: bool
) -> tuple[float, float]:
    """Newton's method on the exact score from the searches' optimum (λ, φ).

    Brent's searches locate a maximum from function values, which carry the rounding of the
    cross products (about 1e-9 in ln L here): they stop about 1e-7 from the root of the score in
    λ. The exact score (:meth:`_Likelihood.score`) is zero at the maximum; a few chord-Newton
    steps (the Hessian by central differences of the score, once) find that root to rounding,
    as :func:`~spatialpanel.models.engine.concentrated_max` polishes the fixed-effects fits. With
    φ on its boundary (``interior=False``) only λ is polished. The polished point is kept only
    if it lies inside the bounds with φ ≥ 0, its score is smaller and ln L is not lower (to
    rounding); otherwise the searches' optimum stands.
    """
    start = lik.score(lam, phi)
    if start is None:
        return lam, phi
    dims = 2 if interior else 1
    x0 = np.array([lam, phi])
    g0 = np.array(start[1:])[:dims]
    steps = np.array([1e-5, 1e-5 * max(1.0, phi)])[:dims]
    hess = np.empty((dims, dims))
    for j in range(dims):
        e = np.zeros(2)
        e[j] = steps[j]
        up, down = lik.score(*(x0 + e)), lik.score(*(x0 - e))
        if up is None or down is None:
            return lam, phi
        hess[:, j] = (np.array(up[1:])[:dims] - np.array(down[1:])[:dims]) / (2.0 * steps[j])
    hess = 0.5 * (hess + hess.T)
    if not np.all(np.isfinite(hess)) or np.any(np.linalg.eigvalsh(hess) >= 0.0):
        return lam, phi  # not a maximum in these coordinates: leave it to the searches
    x, g, best = x0.copy(), g0, start
    for _ in range(6):
        step = np.linalg.solve(hess, g)
        cand = x.copy()
        cand[:dims] -= step
        if not (bounds[0] < cand[0] < bounds[1]) or cand[1] < 0.0:
            break
        got = lik.score(float(cand[0]), float(cand[1]))
        if got is None:
            break
        x, g, best = cand, np.array(got[1:])[:dims], got
        if np.all(np.abs(step) <= 1e-15 * np.maximum(1.0, np.abs(x[:dims]))):
            break
    noise = 1e-9 * max(1.0, abs(start[0]))
    if np.linalg.norm(g) < np.linalg.norm(g0) and best[0] >= start[0] - noise:
        return float(x[0]), float(x[1])
    return lam, phi


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
