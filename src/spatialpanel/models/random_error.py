"""Random-effects spatial error panels (SEM, SDEM) by exact maximum likelihood.

Model (Baltagi, Song & Koh 2003; Elhorst 2003, his ``sem_panel_RE``): y_t = Z_tβ + μ + u_t with
u_t = λWu_t + ε_t, μ ~ (0, σ²_μ I_N), ε_t ~ (0, σ² I_N). With B = I - λW, φ = σ²_μ/σ² and the
eigen-decomposition B'B = V diag(m) V', the covariance σ²[J_T ⊗ φI + I_T ⊗ (B'B)⁻¹] gives

    ln L = -NT/2 ln(2πσ²) + T ln|B| - ½ Σ_i ln(1 + Tφ m_i) - SSR/(2σ²),
    SSR = Σ_t ‖B(u_t - ū)‖² + T ‖diag(√(m/(1 + Tφm))) V'ū‖²,     u_t = y_t - Z_tβ,

ū the regions' time means. β and σ² = SSR/NT are concentrated out (GLS on the stacked within and
between parts); s = 1/(1 + Tφ) ∈ (0, 1] is profiled out by bounded Brent at each λ (one
eigen-decomposition of B'B per λ), and λ is found by the engine's verified bounded search, both to
xatol = 1e-10. The covariance is the inverse of the observed information (a central-difference
Hessian of the exact log-likelihood in (β, λ, φ, σ²)).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize_scalar

from spatialpanel.errors import EstimationError, NumericalWarning
from spatialpanel.linalg.logdet import LogDet
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


class _Likelihood:
    """The exact log-likelihood and its GLS transformation for given (λ, φ)."""

    def __init__(self, arrays: PanelArrays, ld: LogDet) -> None:
        self.y = arrays.y
        self.z = arrays.z
        self.t, self.n, self.k = arrays.z.shape
        self.w = arrays.w.dense
        self.ld = ld
        self._cache: dict[float, tuple[NDArray[np.float64], NDArray[np.float64]]] = {}
        # cross products of the within part, quadratic in λ: A'(I ⊗ B'B)A
        a = np.concatenate([self.y[:, :, None], self.z], axis=2)
        self.abar = a.mean(axis=0)  # (N, k+1)
        dev = (a - self.abar).reshape(-1, self.k + 1)
        wdev = np.einsum("ij,tjk->tik", self.w, a - self.abar).reshape(-1, self.k + 1)
        self.aa, self.aw, self.ww = dev.T @ dev, dev.T @ wdev, wdev.T @ wdev

    def _eig(self, lam: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        hit = self._cache.get(lam)
        if hit is None:
            b = np.eye(self.n) - lam * self.w
            m, v = np.linalg.eigh(b.T @ b)
            hit = (np.maximum(m, 0.0), v)
            if len(self._cache) > 256:
                self._cache.clear()
            self._cache[lam] = hit
        return hit

    def transformed(
        self, lam: float, phi: float
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], float]:
        """Stacked GLS-transformed (y, Z) — within rows then between rows — and Σ ln(1 + Tφm)."""
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

    def concentrated(self, lam: float, phi: float) -> tuple[float, NDArray[np.float64], float]:
        """(ln L, β, σ²) with β and σ² concentrated out (from (k+1)² cross products)."""
        t = self.t
        m, v = self._eig(lam)
        vb = v.T @ self.abar
        cross = self.aa - lam * (self.aw + self.aw.T) + lam * lam * self.ww
        cross = cross + vb.T @ ((t * m / (1.0 + t * phi * m))[:, None] * vb)
        beta = np.linalg.solve(cross[1:, 1:], cross[1:, 0])
        ssr = max(float(cross[0, 0] - cross[1:, 0] @ beta), 1e-300)
        logs = float(np.sum(np.log1p(t * phi * m)))
        nt = self.n * t
        s2 = ssr / nt
        val = -0.5 * nt * (np.log(2 * np.pi * s2) + 1.0) + self.t * self.ld(lam) - 0.5 * logs
        return float(val), np.asarray(beta, dtype=float), s2

    def full(self, p: NDArray[np.float64]) -> float:
        """ln L at (β, λ, φ, σ²)."""
        k = self.k
        beta, lam, phi, s2 = p[:k], float(p[k]), float(p[k + 1]), float(p[k + 2])
        ys, zs, logs = self.transformed(lam, phi)
        e = ys - zs @ beta
        nt = self.n * self.t
        return float(
            -0.5 * nt * np.log(2 * np.pi * s2)
            + self.t * self.ld(lam)
            - 0.5 * logs
            - float(e @ e) / (2.0 * s2)
        )


def fit_random_error(arrays: PanelArrays, spec: ModelSpec, ld: LogDet) -> REErrorEstimate:
    """Maximum likelihood of the random-effects SEM/SDEM."""
    t, n, k = arrays.z.shape
    check_design(arrays.z.reshape(-1, k), arrays.z.reshape(-1, k), spec.coef_names, "random")
    lik = _Likelihood(arrays, ld)

    def phi_of(s: float) -> float:
        return (1.0 / s - 1.0) / t

    def best_s(lam: float) -> tuple[float, float]:
        """max over s = 1/(1 + Tφ) ∈ (0, 1] at fixed λ (one eigen-decomposition, cached)."""
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
        return float(res.x), float(-res.fun)

    lam, _ = concentrated_max(lambda r: best_s(r)[1], ld.bounds, what="lambda")
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
    ys, zs, _ = lik.transformed(lam, phi)
    e = ys - zs @ beta
    # within rows sum to zero over t, so adding the between part (back in region space, V
    # orthonormal) divided by √T to every period keeps Σ resid² = SSR
    v = lik._eig(lam)[1]
    resid = e[: n * t].reshape(t, n) + (v @ e[n * t :])[None, :] / np.sqrt(t)
    return REErrorEstimate(beta, lam, phi, s2, val, np.asarray(resid, dtype=float))


def random_error_information(
    est: REErrorEstimate, arrays: PanelArrays, ld: LogDet
) -> NDArray[np.float64]:
    """Observed information in the order (β, λ, φ, σ²): minus a central-difference Hessian."""
    lik = _Likelihood(arrays, ld)
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
