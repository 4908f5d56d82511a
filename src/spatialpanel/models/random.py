"""Random-effects spatial lag panels (SAR, SDM; and SLX) by exact maximum likelihood.

Model: y_t = ρWy_t + Z_tβ + μ + ε_t with μ ~ (0, σ²_μ I_N), ε_t ~ (0, σ² I_N). With
θ² = σ²/(Tσ²_μ + σ²) = 1/(1 + Tφ), φ = σ²_μ/σ², the transformation P = I - (1-θ)(J̄_T ⊗ I_N)
(subtracting (1-θ) times each region's time mean) whitens the composite error, and

    ln L = -NT/2 ln(2πσ²) + T ln|I - ρW| + N ln θ - e'e/(2σ²),   e = P(y - ρWy - Zβ),

as in Elhorst (2014, §3.4; his ``sar_panel_RE``). β and σ² are concentrated out; θ ∈ (0, 1]
(θ = 1: no random effect) is profiled inside the engine's verified search over ρ, by bounded
Brent on cross products that are affine in θ² and a root search on the exact score; ρ is polished
on the exact derivative when the log-determinant has one (eigenvalues). Unlike Elhorst's code,
which alternates between θ and (β, ρ) with TolX = 0.005, both searches use xatol = 1e-10. Only
``ln|I − ρW|`` touches W (once per ρ, sparse LU at large N): no N x N matrix in the estimation.

The analytic information matrix for (β, ρ, θ, σ²) (derived as Elhorst's FE blocks with the
transformed regressors Z• = PZ, plus I_θθ = 2N/θ², I_θρ = -2 tr(G)/θ, I_θσ² = -N/(θσ²),
I_θβ = 0) gives the covariance.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import brentq, minimize_scalar

from spatialpanel.errors import EstimationError, NumericalWarning
from spatialpanel.linalg.logdet import LogDet
from spatialpanel.linalg.within import spatial_lag
from spatialpanel.models.design import PanelArrays, check_design
from spatialpanel.models.engine import concentrated_max
from spatialpanel.models.information import GOperator
from spatialpanel.models.spec import ModelSpec

__all__ = ["REEstimate", "fit_random", "random_information"]


@dataclass(frozen=True, eq=False)
class REEstimate:
    """Point estimates of a random-effects fit (``z``, ``wy``, ``y`` are θ-transformed, flat)."""

    coef: NDArray[np.float64]
    rho: float | None
    theta: float
    sigma2: float
    loglik: float
    resid: NDArray[np.float64]
    z: NDArray[np.float64]


def _transform(a: NDArray[np.float64], theta: float) -> NDArray[np.float64]:
    return np.asarray(a - (1.0 - theta) * a.mean(axis=0, keepdims=True), dtype=float)


class _Moments:
    """Cross products of the θ-transformed ``[y, (Wy,) Z]`` as an affine function of θ².

    With ``P_θ a = a − (1−θ)ā`` (ā the regions' time means, repeated over t),
    ``Σ_t (P_θ a)_t'(P_θ b)_t = a'b − (1 − θ²)·T ā'b̄``: two ``(m, m)`` matrices computed once
    make every evaluation of the profile likelihood O(m³), free of N (no LU, no data pass).
    """

    def __init__(self, cols: NDArray[np.float64]) -> None:
        t = cols.shape[0]
        m = cols.shape[2]
        flat = cols.reshape(-1, m)
        bar = cols.mean(axis=0)
        self.full = flat.T @ flat
        self.bar = t * (bar.T @ bar)

    def at(self, theta: float) -> NDArray[np.float64]:
        """The cross products of the transformed columns."""
        return np.asarray(self.full - (1.0 - theta * theta) * self.bar, dtype=float)


def _ssr(
    s: NDArray[np.float64], rho: float, lag: bool
) -> tuple[float, NDArray[np.float64], NDArray[np.float64]]:
    """Minimum over β of ``‖u − Zβ‖²`` (u = y − ρWy) from the cross products ``s`` of
    ``[y, (Wy,) Z]``; returns (SSR, β, v) with ``v`` the combination (1, −ρ, −β)."""
    if lag:
        c = np.array([1.0, -rho])
        suu = float(c @ s[:2, :2] @ c)
        suz = c @ s[:2, 2:]
        szz = s[2:, 2:]
    else:
        c = np.array([1.0])
        suu, suz, szz = float(s[0, 0]), s[0, 1:], s[1:, 1:]
    beta = np.asarray(np.linalg.solve(szz, suz), dtype=float)
    return max(suu - float(suz @ beta), 1e-300), beta, np.concatenate([c, -beta])


def fit_random(arrays: PanelArrays, spec: ModelSpec, ld: LogDet | None) -> REEstimate:
    """Maximum likelihood of the random-effects model (lag or no spatial parameter).

    The likelihood is profiled in θ inside the search over ρ (the same joint maximum as
    profiling ρ inside θ): θ is found by bounded Brent (xatol 1e-10) on cross products that
    are affine in θ² (``_Moments``) and polished by a root search on the exact score;
    ρ by the engine's verified search (:func:`~spatialpanel.models.engine.concentrated_max`, with
    the exact derivative
    and the secant bound of the exact LU log-determinants). Only ``ρ ↦ ln|I − ρW|`` touches
    W, once per ρ: no N x N matrix, memory linear in N·T. β and σ² come from least squares
    on the transformed data at (θ̂, ρ̂).
    """
    t, n, k = arrays.z.shape
    nt = n * t
    y, z = arrays.y, arrays.z
    wy = spatial_lag(arrays.wmat, y)
    check_design(z.reshape(-1, k), z.reshape(-1, k), spec.coef_names, "random")
    c0 = -0.5 * nt * (np.log(2.0 * np.pi) + 1.0)
    lag = spec.spatial == "lag"
    parts = [y[:, :, None], wy[:, :, None], z] if lag else [y[:, :, None], z]
    mom = _Moments(np.concatenate(parts, axis=2))

    def g(theta: float, rho: float) -> float:
        """The log-likelihood without ``T ln|I − ρW|``, β and σ² concentrated out."""
        ssr = _ssr(mom.at(theta), rho, lag)[0]
        return float(c0 - 0.5 * nt * np.log(ssr / nt) + n * np.log(theta))

    def dg_dtheta(theta: float, rho: float) -> float:
        ssr, _, v = _ssr(mom.at(theta), rho, lag)
        return float(-0.5 * nt * (2.0 * theta * float(v @ mom.bar @ v)) / ssr + n / theta)

    cache: dict[float, tuple[float, float]] = {}

    def best_theta(rho: float) -> tuple[float, float]:
        """(θ̂(ρ), max_θ g): each ρ profiled once."""
        if rho not in cache:
            cache[rho] = _best_theta(rho)
        return cache[rho]

    def _best_theta(rho: float) -> tuple[float, float]:
        res = minimize_scalar(
            lambda th: -g(th, rho), bounds=(1e-8, 1.0), method="bounded", options={"xatol": 1e-10}
        )
        if not res.success:
            raise EstimationError(
                f"the random-effects likelihood in theta did not converge: {res.message}"
            )
        th, val = float(res.x), float(-res.fun)
        lo, hi = max(th - 1e-6, 1e-8), min(th + 1e-6, 1.0)
        d_lo, d_hi = dg_dtheta(lo, rho), dg_dtheta(hi, rho)
        if d_lo > 0 > d_hi:  # an interior maximum: polish on the exact score
            root = float(brentq(lambda v: dg_dtheta(v, rho), lo, hi, xtol=1e-15))
            v = g(root, rho)
            if v >= val - 1e-9 * max(1.0, abs(val)):
                th, val = root, v
        return th, val

    rho = 0.0
    if lag:
        if ld is None:
            raise EstimationError("a log-determinant is needed for a model with a spatial lag")

        def conc(r: float) -> float:
            return best_theta(r)[1] + t * ld(r)

        def dconc(r: float) -> float | None:
            dld = ld.derivative(r)
            if dld is None:
                return None
            th = best_theta(r)[0]
            ssr, _, v = _ssr(mom.at(th), r, lag)
            # envelope theorem: d/dρ of the profile = ∂/∂ρ at θ̂(ρ); v = (1, -ρ, -β), so
            # ∂SSR/∂ρ = 2 v'S ∂v/∂ρ = -2 v'S[:, Wy]
            ds = -2.0 * float(v @ mom.at(th)[:, 1])
            return float(-0.5 * nt * ds / ssr + t * dld)

        def upper(r: float) -> float:
            ub = ld.upper_bound(r)
            return best_theta(r)[1] + t * ub if np.isfinite(ub) else np.inf

        rho, _ = concentrated_max(
            conc, ld.bounds, what="rho", deriv=dconc, upper=upper, extend=ld.extension()
        )
    theta = best_theta(rho)[0]
    if theta > 1.0 - 1e-6:
        warnings.warn(
            "the random-effects variance σ²_μ is estimated at zero (θ = 1): the model reduces to "
            "the pooled model; use effects='pooled'.",
            NumericalWarning,
            stacklevel=3,
        )
    ys = _transform(y, theta).ravel()
    zs = _transform(z, theta).reshape(-1, k)
    us = ys - rho * _transform(wy, theta).ravel() if lag else ys
    coef = np.asarray(np.linalg.lstsq(zs, us, rcond=None)[0], dtype=float)
    e = us - zs @ coef
    sigma2 = float(e @ e) / nt
    val = c0 - 0.5 * nt * np.log(sigma2) + n * np.log(theta)
    if lag and ld is not None:
        val += t * ld(rho)
    if not np.isfinite(val):
        raise EstimationError("the random-effects log-likelihood is not finite at the optimum.")
    return REEstimate(coef, rho if lag else None, theta, sigma2, float(val), e, zs)


def random_information(est: REEstimate, arrays: PanelArrays, *, lag: bool) -> NDArray[np.float64]:
    """Information matrix in the order (β, [ρ], θ, σ²)."""
    t, n, k = arrays.z.shape
    th, s2, z = est.theta, est.sigma2, est.z
    m = k + (3 if lag else 2)
    out = np.zeros((m, m))
    out[:k, :k] = z.T @ z / s2
    ith, isg = m - 2, m - 1
    out[ith, ith] = 2.0 * n / th**2
    out[ith, isg] = out[isg, ith] = -n / (th * s2)
    out[isg, isg] = n * t / (2.0 * s2**2)
    if lag:
        assert est.rho is not None
        g = GOperator.at(arrays.wmat, est.rho)
        zb = (z @ est.coef).reshape(t, n)
        gzb = g.apply(zb.T).T
        cross = np.einsum("tik,ti->k", z.reshape(t, n, k), gzb)
        tr_g, tr_gg, tr_gtg = g.traces()
        out[:k, k] = out[k, :k] = cross / s2
        out[k, k] = t * (tr_gg + tr_gtg) + float(np.sum(gzb * gzb)) / s2
        out[k, ith] = out[ith, k] = -2.0 * tr_g / th
        out[k, isg] = out[isg, k] = t * tr_g / s2
    return out
