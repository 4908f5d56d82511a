"""Random-effects spatial lag panels (SAR, SDM; and SLX) by exact maximum likelihood.

Model: y_t = ρWy_t + Z_tβ + μ + ε_t with μ ~ (0, σ²_μ I_N), ε_t ~ (0, σ² I_N). With
θ² = σ²/(Tσ²_μ + σ²) = 1/(1 + Tφ), φ = σ²_μ/σ², the transformation P = I - (1-θ)(J̄_T ⊗ I_N)
(subtracting (1-θ) times each region's time mean) whitens the composite error, and

    ln L = -NT/2 ln(2πσ²) + T ln|I - ρW| + N ln θ - e'e/(2σ²),   e = P(y - ρWy - Zβ),

as in Elhorst (2014, §3.4; his ``sar_panel_RE``). β and σ² are concentrated out; ρ is profiled
inside a bounded Brent search over θ ∈ (0, 1] (θ = 1: no random effect). Unlike Elhorst's code,
which alternates between θ and (β, ρ) with TolX = 0.005, both searches use xatol = 1e-10.

The analytic information matrix for (β, ρ, θ, σ²) (derived as Elhorst's FE blocks with the
transformed regressors Z• = PZ, plus I_θθ = 2N/θ², I_θρ = -2 tr(G)/θ, I_θσ² = -N/(θσ²),
I_θβ = 0) gives the covariance.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize_scalar

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


def fit_random(arrays: PanelArrays, spec: ModelSpec, ld: LogDet | None) -> REEstimate:
    """Maximum likelihood of the random-effects model (lag or no spatial parameter)."""
    t, n, k = arrays.z.shape
    nt = n * t
    y, z = arrays.y, arrays.z
    wy = spatial_lag(arrays.wmat, y)
    check_design(z.reshape(-1, k), z.reshape(-1, k), spec.coef_names, "random")
    c0 = -0.5 * nt * (np.log(2.0 * np.pi) + 1.0)
    lag = spec.spatial == "lag"

    def pieces(theta: float) -> tuple[NDArray[np.float64], ...]:
        ys = _transform(y, theta).ravel()
        zs = _transform(z, theta).reshape(-1, k)
        ws = _transform(wy, theta).ravel()
        return ys, zs, ws

    def profile(theta: float, *, final: bool = False) -> tuple[float, float, NDArray[np.float64]]:
        ys, zs, ws = pieces(theta)
        b0, *_ = np.linalg.lstsq(zs, ys, rcond=None)
        e0 = ys - zs @ b0
        if not lag:
            s = float(e0 @ e0)
            val0 = float(c0 - 0.5 * nt * np.log(s / nt) + n * np.log(theta))
            return val0, 0.0, np.asarray(b0, dtype=float)
        assert ld is not None
        bd, *_ = np.linalg.lstsq(zs, ws, rcond=None)
        ed = ws - zs @ bd
        s00, s0d, sdd = float(e0 @ e0), float(e0 @ ed), float(ed @ ed)

        def conc(r: float) -> float:
            s = s00 - 2.0 * r * s0d + r * r * sdd
            return float(c0 - 0.5 * nt * np.log(s / nt) + t * ld(r) + n * np.log(theta))

        if final:
            rho, val = concentrated_max(conc, ld.bounds, what="rho")
        else:
            lo, hi = ld.bounds
            wd = hi - lo
            res = minimize_scalar(
                lambda r: -conc(r),
                bounds=(lo + 1e-9 * wd, hi - 1e-9 * wd),
                method="bounded",
                options={"xatol": 1e-10},
            )
            rho, val = float(res.x), float(-res.fun)
        return val, rho, np.asarray(b0 - rho * bd, dtype=float)

    res = minimize_scalar(
        lambda th: -profile(th)[0], bounds=(1e-8, 1.0), method="bounded", options={"xatol": 1e-10}
    )
    if not res.success:
        raise EstimationError(
            f"the random-effects likelihood in theta did not converge: {res.message}"
        )
    theta = float(res.x)
    if theta > 1.0 - 1e-6:
        warnings.warn(
            "the random-effects variance σ²_μ is estimated at zero (θ = 1): the model reduces to "
            "the pooled model; use effects='pooled'.",
            NumericalWarning,
            stacklevel=3,
        )
    val, rho, coef = profile(theta, final=True)
    ys, zs, ws = pieces(theta)
    e = ys - rho * ws - zs @ coef
    sigma2 = float(e @ e) / nt
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
        g = GOperator(arrays.wmat, est.rho)
        zb = (z @ est.coef).reshape(t, n)
        gzb = g.apply(zb.T).T
        cross = np.einsum("tik,ti->k", z.reshape(t, n, k), gzb)
        tr_g, tr_gg, tr_gtg = g.traces()
        out[:k, k] = out[k, :k] = cross / s2
        out[k, k] = t * (tr_gg + tr_gtg) + float(np.sum(gzb * gzb)) / s2
        out[k, ith] = out[ith, k] = -2.0 * tr_g / th
        out[k, isg] = out[isg, k] = t * tr_g / s2
    return out
