"""The maximum-likelihood engine for static spatial panels with fixed effects (or none).

One engine for every model kind: the spatial parameter is either ρ on ``Wy`` (``spatial="lag"``),
λ on ``Wu`` (``"error"``) or absent (SLX, OLS in closed form). The likelihood is concentrated in
ρ/λ and maximised by bounded Brent on the stationarity interval to ``xatol = 1e-10``, then
verified on a grid (a better grid point restarts the search there).

Convention (``lag_convention="raw"``): W is applied to the raw variables and the within
transformation afterwards — ``Q·(Wy)``, ``Q·(WX)`` and, for error models, ``Q·(I-λW)y`` — which is
the exact concentrated ML of Elhorst (2014) and of Lee & Yu (2010). ``"demeaned"`` lags the
already-demeaned variables (``W·(Qy)``, R splm) and exists to document the difference.

σ² = e'e / n, with n = NT for the direct approach and n = (N-1)(T-1), N(T-1) or (N-1)T for the
Lee & Yu transformation approach (two-way, entity, time effects).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize_scalar

from spatialpanel.errors import ConfigError, EstimationError, NumericalWarning
from spatialpanel.linalg.logdet import LogDet
from spatialpanel.linalg.within import spatial_lag
from spatialpanel.models.design import PanelArrays, check_design, within
from spatialpanel.models.spec import ModelSpec

__all__ = ["Dimensions", "FEData", "FEEstimate", "concentrated_max", "fe_data", "fit_fe"]


@dataclass(frozen=True)
class Dimensions:
    """Effective sample sizes of the likelihood.

    ``n_eff`` observations, ``t_eff`` periods multiplying ``ln|I-ρW|``, and ``time_adjust`` when the
    time effects are removed by an orthonormal transformation (subtracting ``ln(1-ρ)``; the
    transformed W has the eigenvalue 1 of a row-standardised W removed).
    """

    n_eff: int
    t_eff: int
    time_adjust: bool


def dimensions(n: int, t: int, effects: str, transformation: bool) -> Dimensions:
    """Dimensions of the direct (NT, T) or the transformation approach."""
    if not transformation:
        return Dimensions(n * t, t, False)
    if effects == "entity":
        return Dimensions(n * (t - 1), t - 1, False)
    if effects == "time":
        return Dimensions((n - 1) * t, t, True)
    if effects == "twoway":
        return Dimensions((n - 1) * (t - 1), t - 1, True)
    raise ConfigError(
        f"bias_correction='transformation' needs fixed effects; effects={effects!r}. Use "
        "effects='entity', 'time' or 'twoway', or bias_correction='none'."
    )


@dataclass(frozen=True, eq=False)
class FEData:
    """Transformed data, flattened time-major: ``y``, ``wy`` (n,), ``z``, ``wz`` (n, k)."""

    y: NDArray[np.float64]
    wy: NDArray[np.float64]
    z: NDArray[np.float64]
    wz: NDArray[np.float64]


def fe_data(arrays: PanelArrays, spec: ModelSpec) -> FEData:
    """Apply the spatial lags and the within transformation in the chosen convention."""
    eff = spec.effects
    k = arrays.z.shape[2]
    wmat = arrays.wmat
    if spec.lag_convention == "raw":
        wy = within(spatial_lag(wmat, arrays.y), eff)
        wz = within(spatial_lag(wmat, arrays.z), eff)
    else:
        wy = spatial_lag(wmat, within(arrays.y, eff))
        wz = spatial_lag(wmat, within(arrays.z, eff))
    zt = within(arrays.z, eff)
    check_design(arrays.z.reshape(-1, k), zt.reshape(-1, k), spec.coef_names, eff)
    return FEData(
        y=within(arrays.y, eff).ravel(),
        wy=wy.ravel(),
        z=zt.reshape(-1, k),
        wz=wz.reshape(-1, k),
    )


@dataclass(frozen=True, eq=False)
class FEEstimate:
    """Point estimates of one fixed-effects (or pooled) fit."""

    coef: NDArray[np.float64]
    spatial: float | None
    sigma2: float
    loglik: float
    resid: NDArray[np.float64]
    dims: Dimensions
    bounds: tuple[float, float] | None


def _ols(z: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
    coef, *_ = np.linalg.lstsq(z, y, rcond=None)
    return np.asarray(coef, dtype=float)


def concentrated_max(
    f: Callable[[float], float],
    bounds: tuple[float, float],
    *,
    what: str,
    grid: int = 60,
    deriv: Callable[[float], float | None] | None = None,
    upper: Callable[[float], float] | None = None,
) -> tuple[float, float]:
    """Maximise a scalar function on an open interval: bounded Brent (xatol 1e-10), then verify.

    The function is evaluated on a grid; if a grid point beats the Brent optimum, Brent restarts in
    the bracket around it. When the exact derivative ``deriv`` is available, the optimum is then
    polished by a root search on it (function values alone locate a maximum only to about
    √ε ≈ 1e-8). A maximum within 1e-6 of a bound raises a
    :class:`~spatialpanel.errors.NumericalWarning`.

    ``upper``, when given, is a cheap upper bound of ``f``: grid points whose bound cannot beat
    the Brent optimum are not evaluated (they could not change the answer), which saves the
    exact sparse-LU log-determinants at large N.
    """
    fun = f
    lo, hi = bounds
    width = hi - lo
    a, b = lo + 1e-9 * width, hi - 1e-9 * width

    def neg(r: float) -> float:
        v = fun(r)
        return -v if np.isfinite(v) else np.inf

    res = minimize_scalar(neg, bounds=(a, b), method="bounded", options={"xatol": 1e-10})
    if not res.success:
        raise EstimationError(
            f"the concentrated likelihood in {what} did not converge ({res.message}); check the "
            "data scaling and W."
        )
    best_x, best_v = float(res.x), float(-res.fun)
    pts = np.linspace(a, b, grid)
    thresh = best_v + 1e-9 * max(1.0, abs(best_v))

    def grid_value(p: float) -> float:
        if upper is not None:
            ub = upper(p)
            if np.isfinite(ub) and ub <= thresh:
                return -np.inf  # cannot beat the optimum: skip the exact evaluation
        return -neg(p)

    vals = np.array([grid_value(p) for p in pts])
    j = int(np.argmax(vals))
    if vals[j] > thresh:
        lo2, hi2 = pts[max(j - 1, 0)], pts[min(j + 1, grid - 1)]
        res = minimize_scalar(neg, bounds=(lo2, hi2), method="bounded", options={"xatol": 1e-10})
        best_x, best_v = float(res.x), float(-res.fun)
    if not np.isfinite(best_v):
        raise EstimationError(f"the likelihood is not finite at the optimum of {what}.")
    if deriv is not None:
        root = _polish(deriv, best_x, a, b, width)
        if root is not None:
            v = -neg(root)
            if v >= best_v - 1e-9 * max(1.0, abs(best_v)):
                best_x, best_v = root, v
    if min(best_x - lo, hi - best_x) < 1e-6 * max(width, 1.0):
        warnings.warn(
            f"{what} = {best_x:.6g} lies on the boundary of its stationarity interval "
            f"({lo:.6g}, {hi:.6g}); the estimate and its standard error are unreliable. Check W "
            "and the model specification.",
            NumericalWarning,
            stacklevel=3,
        )
    return best_x, best_v


def _polish(
    deriv: Callable[[float], float | None], x0: float, a: float, b: float, width: float
) -> float | None:
    """The root of the exact score near the search's optimum ``x0`` by secant steps, or None.

    Function values locate a maximum only to about √ε (≈ 1e-8 here); the score's root is
    located to rounding. Starting from ``x0`` and ``x0 + 1e-7·width`` (towards the root), each
    secant step multiplies the error by about the product of the two previous errors, so two or
    three evaluations of the derivative suffice (each costs a selected inversion on the sparse
    path). Returns None (the search's optimum stands) if a derivative is unavailable, the score
    does not decrease through the root (not a maximum), or a step leaves ``[x0 ± 1e-4·width]``.
    """
    scale = max(width, 1.0)
    d0 = deriv(x0)
    if d0 is None:
        return None
    if d0 == 0.0:
        return x0
    x1 = min(max(x0 + float(np.sign(d0)) * 1e-7 * scale, a), b)
    for _ in range(8):
        d1 = deriv(x1)
        if d1 is None:
            return None
        if d1 == 0.0:
            return x1
        slope = (d1 - d0) / (x1 - x0)
        if not slope < 0.0:
            return None
        x2 = x1 - d1 / slope
        if not (a < x2 < b) or abs(x2 - x0) > 1e-4 * scale:
            return None
        x0, d0, x1 = x1, d1, x2
        if abs(x1 - x0) <= 1e-13 * max(1.0, abs(x1)):
            return x1
    return x1


def fit_fe(
    data: FEData, spec: ModelSpec, ld: LogDet | None, dims: Dimensions, *, row_standardised: bool
) -> FEEstimate:
    """Maximum likelihood for a given transformed sample (direct or transformation dimensions)."""
    if dims.time_adjust and not row_standardised:
        raise ConfigError(
            "bias_correction='transformation' with time effects needs a row-standardised W "
            "(rows summing to one); use w.transformed('row') or bias_correction='elhorst'."
        )
    n = dims.n_eff
    c0 = -0.5 * n * (np.log(2.0 * np.pi) + 1.0)

    def ll(s: float, ldet: float, r: float) -> float:
        adj = np.log1p(-r) if dims.time_adjust else 0.0
        return float(c0 - 0.5 * n * np.log(s / n) + dims.t_eff * (ldet - adj))

    def score(ds: float, s: float, r: float) -> float | None:
        """d lnL/dδ of the concentrated likelihood, given ds/dδ and s = e'e."""
        dld = ld.derivative(r) if ld is not None else None
        if dld is None:
            return None
        adj = 1.0 / (1.0 - r) if dims.time_adjust else 0.0
        return float(-0.5 * n * ds / s + dims.t_eff * (dld + adj))

    if spec.spatial is None:
        coef = _ols(data.z, data.y)
        e = data.y - data.z @ coef
        s = float(e @ e)
        return FEEstimate(coef, None, s / n, ll(s, 0.0, 0.0), e, dims, None)
    if ld is None:
        raise EstimationError("a log-determinant is needed for a model with a spatial parameter")

    if spec.spatial == "lag":
        b0 = _ols(data.z, data.y)
        bd = _ols(data.z, data.wy)
        e0 = data.y - data.z @ b0
        ed = data.wy - data.z @ bd
        s00, s0d, sdd = float(e0 @ e0), float(e0 @ ed), float(ed @ ed)

        def conc(r: float) -> float:
            return ll(s00 - 2.0 * r * s0d + r * r * sdd, ld(r), r)

        def dconc(r: float) -> float | None:
            s = s00 - 2.0 * r * s0d + r * r * sdd
            return score(-2.0 * s0d + 2.0 * r * sdd, s, r)

        def conc_upper(r: float) -> float:
            ub = ld.upper_bound(r)
            return ll(s00 - 2.0 * r * s0d + r * r * sdd, ub, r) if np.isfinite(ub) else np.inf

        rho, _ = concentrated_max(conc, ld.bounds, what="rho", deriv=dconc, upper=conc_upper)
        coef = b0 - rho * bd
        e = data.y - rho * data.wy - data.z @ coef
    else:
        a = np.column_stack([data.y, data.z])
        b = np.column_stack([data.wy, data.wz])
        aa, ab, bb = a.T @ a, a.T @ b, b.T @ b

        def ssr(lam: float) -> float:
            m = aa - lam * (ab + ab.T) + lam * lam * bb
            zz, zy = m[1:, 1:], m[1:, 0]
            beta = np.linalg.solve(zz, zy)
            return float(m[0, 0] - zy @ beta)

        def conc(r: float) -> float:
            return ll(max(ssr(r), 1e-300), ld(r), r)

        def dconc(r: float) -> float | None:
            m = aa - r * (ab + ab.T) + r * r * bb
            beta = np.linalg.solve(m[1:, 1:], m[1:, 0])
            v = np.concatenate([[1.0], -beta])
            dm = -(ab + ab.T) + 2.0 * r * bb
            return score(float(v @ dm @ v), float(v @ m @ v), r)

        def conc_upper(r: float) -> float:
            ub = ld.upper_bound(r)
            return ll(max(ssr(r), 1e-300), ub, r) if np.isfinite(ub) else np.inf

        rho, _ = concentrated_max(conc, ld.bounds, what="lambda", deriv=dconc, upper=conc_upper)
        zf = data.z - rho * data.wz
        yf = data.y - rho * data.wy
        coef = _ols(zf, yf)
        e = yf - zf @ coef
    s = float(e @ e)
    return FEEstimate(coef, rho, s / n, ll(s, ld(rho), rho), e, dims, ld.bounds)
