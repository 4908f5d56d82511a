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
from spatialpanel.models.search import LagProfile, LagShape, interpolated_max, lag_shape  # noqa: F401
from spatialpanel.models.spec import ModelSpec

__all__ = ["Dimensions", "FEData", "FEEstimate", "concentrated_max", "fe_data", "fit_fe"]

EXTEND_MARGIN = 0.25
"""An optimum in the left quarter of the known range ``(-1/r, 1/r)`` (ρ̂ < -0.5/r) is re-searched
on the full stationarity interval (see :func:`concentrated_max`)."""


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
    extend: Callable[[], tuple[float, float]] | None = None,
    extend_margin: float = EXTEND_MARGIN,
    concave: bool = False,
    model: Callable[[tuple[float, float]], tuple[float, float] | None] | None = None,
) -> tuple[float, float]:
    """Maximise a scalar function on an open interval: bounded Brent (``_brent``), then verify.

    The function is evaluated on a grid; if a grid point beats the Brent optimum, Brent restarts in
    the bracket around it. When the exact derivative ``deriv`` is available, the optimum is then
    polished by a root search on it (function values alone locate a maximum only to about
    √ε ≈ 1e-8). A maximum within 1e-6 of a bound raises a
    :class:`~spatialpanel.errors.NumericalWarning`.

    ``upper``, when given, is a cheap upper bound of ``f``: grid points whose bound cannot beat
    the Brent optimum are not evaluated (they could not change the answer), which saves the
    exact sparse-LU log-determinants at large N. ``concave=True`` states that ``f`` is concave
    on ``bounds`` (proved by the caller), so Brent's optimum is the global one and the grid is
    skipped.

    ``extend``, when given, returns the full interval of which ``bounds`` is the known right
    part (:meth:`spatialpanel.linalg.logdet.LogDet.stationarity_interval`): if the optimum lies
    in the left ``extend_margin`` fraction of ``bounds``, the full interval is computed and the
    search is redone on it, exactly as with eagerly computed bounds. Callers that have proved
    ``f`` increasing left of ``bounds`` pass a margin of 1e-6 (only an optimum at the end
    triggers it).

    ``model``, when given, is a cheaper search certified locally
    (:func:`spatialpanel.models.search.interpolated_max`): called with the interval, it returns
    the local maximiser and its certified error, or None, in which case Brent runs as before.
    Either way the grid then verifies (unless ``concave``) that no other local maximum is
    higher.
    """
    fun = f
    lo, hi = bounds
    width = hi - lo
    a, b = lo + 1e-9 * width, hi - 1e-9 * width

    def neg(r: float) -> float:
        v = fun(r)
        return -v if np.isfinite(v) else np.inf

    found = model(bounds) if model is not None else None
    if found is not None:
        best_x, best_v = found[0], -neg(found[0])
    else:
        best_x, best_v = _brent(neg, a, b, what)
    if concave:
        grid = 0
    pts = np.linspace(a, b, grid)
    thresh = best_v + 1e-9 * max(1.0, abs(best_v))

    def grid_value(p: float) -> float:
        if upper is not None:
            ub = upper(p)
            if np.isfinite(ub) and ub <= thresh:
                return -np.inf  # cannot beat the optimum: skip the exact evaluation
        return -neg(p)

    vals = np.array([grid_value(p) for p in pts])
    j = int(np.argmax(vals)) if grid else 0
    if grid and vals[j] > thresh:
        lo2, hi2 = pts[max(j - 1, 0)], pts[min(j + 1, grid - 1)]
        best_x, best_v = _brent(neg, float(lo2), float(hi2), what)
    if not np.isfinite(best_v):
        raise EstimationError(f"the likelihood is not finite at the optimum of {what}.")
    if extend is not None and best_x - lo < extend_margin * width:
        full = extend()
        if full[0] < lo:
            return concentrated_max(
                f, full, what=what, grid=grid, deriv=deriv, upper=upper, model=model
            )
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


class _LocatedError(Exception):
    """Raised inside Brent's search once the maximum is located to the data's resolution."""


def _brent(neg: Callable[[float], float], a: float, b: float, what: str) -> tuple[float, float]:
    """Minimise ``neg`` on ``[a, b]`` by bounded Brent (xatol 1e-10), stopped at resolution.

    Brent's method stops only when its bracket has shrunk around the optimum, and near the end
    its parabolic steps land next to the best point while golden-section steps shrink the far
    side of the bracket: about ten evaluations (sparse-LU log-determinants at large N) that do
    not move the answer. Here the search stops as soon as a new point falls within δ of the
    best one, where δ is the resolution of function values at the likelihood's curvature,
    ``δ = max(2e-9·max(1, |x|), √(ε |f| / |f''|))`` (f'' from the parabola through the three
    best points; a maximum cannot be located more finely from values whose rounding is ε|f|);
    it is then confirmed by evaluating ``x ± δ`` (both must be worse: for a unimodal function
    the maximum lies within δ of x), else the full Brent search runs as before.
    """
    seen: dict[float, float] = {}

    def resolution() -> float:
        xs = sorted(seen, key=seen.__getitem__)[:3]
        best = xs[0]
        floor = 2e-9 * max(1.0, abs(best))
        if len(xs) < 3:
            return floor
        x0, x1, x2 = xs
        y0, y1, y2 = seen[x0], seen[x1], seen[x2]
        d01 = (y1 - y0) / (x1 - x0) if x1 != x0 else np.nan
        d12 = (y2 - y1) / (x2 - x1) if x2 != x1 else np.nan
        curv = 2.0 * (d12 - d01) / (x2 - x0) if x2 != x0 else np.nan
        if not np.isfinite(curv) or curv <= 0:
            return floor
        return max(floor, float(np.sqrt(np.finfo(float).eps * max(abs(y0), 1.0) / curv)))

    def tracked(x: float) -> float:
        v = neg(x)
        seen[float(x)] = v
        if len(seen) >= 5 and np.isfinite(v):
            best = min(seen, key=seen.__getitem__)
            if x != best and abs(x - best) <= resolution():
                raise _LocatedError
        return v

    try:
        res = minimize_scalar(tracked, bounds=(a, b), method="bounded", options={"xatol": 1e-10})
    except _LocatedError:
        best = min(seen, key=seen.__getitem__)
        delta = resolution()
        sides = [min(max(best - delta, a), b), min(max(best + delta, a), b)]
        if all(neg(p) > seen[best] for p in sides if p != best):
            return best, -seen[best]
        res = minimize_scalar(neg, bounds=(a, b), method="bounded", options={"xatol": 1e-10})
    if not res.success:
        raise EstimationError(
            f"the concentrated likelihood in {what} did not converge ({res.message}); check the "
            "data scaling and W."
        )
    return float(res.x), float(-res.fun)


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

        sums = (s00, s0d, sdd)
        shape = lag_shape(ld, n=n, t_eff=dims.t_eff, time_adjust=dims.time_adjust, ssr=sums)
        prof = LagProfile(n, dims.t_eff, dims.time_adjust, sums)

        def model(bounds: tuple[float, float]) -> tuple[float, float] | None:
            return interpolated_max(prof, ld, bounds)

        rho, _ = concentrated_max(
            conc,
            ld.bounds,
            what="rho",
            deriv=dconc,
            upper=conc_upper,
            extend=ld.extension(),
            extend_margin=1e-6 if shape.increasing_left else EXTEND_MARGIN,
            concave=shape.concave,
            model=model,
        )
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

        rho, _ = concentrated_max(
            conc, ld.bounds, what="lambda", deriv=dconc, upper=conc_upper, extend=ld.extension()
        )
        zf = data.z - rho * data.wz
        yf = data.y - rho * data.wy
        coef = _ols(zf, yf)
        e = yf - zf @ coef
    s = float(e @ e)
    return FEEstimate(coef, rho, s / n, ll(s, ld(rho), rho), e, dims, ld.interval)
