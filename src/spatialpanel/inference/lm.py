"""Lagrange multiplier tests for spatial dependence in panel OLS residuals.

Implemented (all on the residuals of OLS fitted to the demeaned data):

- ``lm_tests``: LM-lag, LM-error and their robust forms (Anselin 1988; Anselin, Bera, Florax &
  Yoon 1996) in Elhorst's panel form (his ``LMsarsem_panel``): ``σ² = e'e/NT``,
  ``T_W = T·tr(W'W + WW)``, ``J = [(W·Xb)'M(W·Xb) + T_W σ²]/σ²``;
- ``residual_moran``: Moran's I of the residuals with its exact mean and variance under normal
  errors (Cliff & Ord), using the rank of the residual-maker (fixed effects included);
- ``bsk_tests``: Baltagi, Song & Koh (2003) marginal and joint LM tests for random entity
  effects and spatial error autocorrelation on the pooled model.

Conventions: ``W`` is applied to the demeaned variables (``W·(Qy)``), as in Elhorst's
``LMsarsem_panel`` and R's ``splm::slmtest``; pooled demeaning adds an intercept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sps
from numpy.typing import NDArray

from spatialpanel.errors import DataError, EstimationError, check_option
from spatialpanel.inference._panel import panel_arrays
from spatialpanel.inference.distributions import chi2_sf, norm_sf
from spatialpanel.linalg.within import demean, spatial_lag
from spatialpanel.models.design import DEGENERATE_TOL, check_identified, check_residual_variance
from spatialpanel.weights.core import SpatialWeights

__all__ = ["OLSFit", "ResidualMoran", "bsk_tests", "lm_tests", "ols_fit", "residual_moran"]

LMEffects = Literal["pooled", "entity", "time", "twoway"]
_EFFECTS: tuple[str, ...] = ("pooled", "entity", "time", "twoway")


@dataclass(frozen=True)
class OLSFit:
    """Non-spatial OLS on the demeaned panel (time-major stacking, regions in ``w`` order).

    ``loglik`` uses ``σ² = e'e/NT`` (Elhorst's convention for the LR tests of the effects).
    """

    effects: LMEffects
    names: tuple[str, ...]
    beta: NDArray[np.float64]
    y: NDArray[np.float64]  # (T, N) demeaned
    x: NDArray[np.float64]  # (T, N, k) demeaned (+ intercept when pooled)
    resid: NDArray[np.float64]  # (T, N)
    sigma2: float
    loglik: float

    @property
    def nobs(self) -> int:
        """N·T."""
        return int(self.y.size)

    @property
    def params(self) -> pd.Series:
        """The OLS coefficients by name."""
        return pd.Series(self.beta, index=list(self.names))


def ols_fit(
    data: pd.DataFrame,
    *,
    y: str,
    x: Sequence[str],
    w: SpatialWeights | None = None,
    effects: LMEffects = "twoway",
) -> OLSFit:
    """OLS of ``y`` on ``x`` after removing the fixed ``effects`` (intercept when pooled)."""
    check_option("effects", effects, _EFFECTS)
    panel = panel_arrays(data, y=y, x=x, w=w)
    if effects in ("entity", "twoway") and panel.y.shape[0] < 2:
        raise DataError(
            f"effects={effects!r} needs at least two periods; data has one "
            f"({panel.times[0]!r}). Use effects='pooled' or 'time', or add periods."
        )
    yd = demean(panel.y, effects)
    xd = demean(panel.x, effects)
    names = list(panel.x_names)
    if effects == "pooled":
        xd = np.concatenate([np.ones((*yd.shape, 1)), xd], axis=2)
        names = ["const", *names]
    k = xd.shape[2]
    xm = xd.reshape(-1, k)
    if np.linalg.matrix_rank(xm) < k:
        raise EstimationError(
            f"the regressors {names} are collinear after {effects!r} demeaning (e.g. a "
            "time-invariant variable with entity effects); drop one of them."
        )
    beta = np.asarray(np.linalg.lstsq(xm, yd.reshape(-1), rcond=None)[0], dtype=np.float64)
    resid = (yd.reshape(-1) - xm @ beta).reshape(yd.shape)
    check_residual_variance(resid.ravel(), yd.ravel(), model=f"{effects} OLS", name=y)
    nt = yd.size
    sigma2 = float(resid.ravel() @ resid.ravel() / nt)
    loglik = -0.5 * nt * (np.log(2 * np.pi * sigma2) + 1.0)
    return OLSFit(effects, tuple(names), beta, yd, xd, resid, sigma2, float(loglik))


def _check_lag_identified(fit: OLSFit, mat: sps.csr_array, y: str) -> None:
    """Refuse LM/Moran tests when W·y (after the effects) is a combination of y and X: then the
    residuals' spatial lag is the residuals scaled, and the statistics measure the design, not
    spatial dependence (two regions, or a complete-graph W, with time effects)."""
    k = fit.x.shape[2]
    wy = _lag(mat, fit.y).reshape(-1, 1)
    basis = np.column_stack([fit.y.reshape(-1), fit.x.reshape(-1, k)])
    check_identified(wy, basis, param="rho tested by the LM tests", y=y, effects=fit.effects)


def _lag(mat: sps.csr_array, a: NDArray[np.float64]) -> NDArray[np.float64]:
    """``(I_T ⊗ W) a`` for a time-major ``(T, N[, k])`` array (sparse products only)."""
    return spatial_lag(mat, a)


def _tr_product(a: sps.csr_array, b: sps.csr_array) -> float:
    """``tr(AB) = Σ_ij A_ij B_ji``, exact from the sparse entries (no N x N product)."""
    return float(a.multiply(b.T).sum())


def lm_tests(
    data: pd.DataFrame,
    *,
    y: str,
    x: Sequence[str],
    w: SpatialWeights,
    effects: LMEffects = "twoway",
) -> pd.DataFrame:
    """LM tests for a spatial lag and a spatial error in the residuals of panel OLS.

    Parameters
    ----------
    data
        Balanced panel, (entity, time) MultiIndex.
    y, x
        Dependent variable and regressors (column names).
    w
        Spatial weights with the data's regions as ids (any transform).
    effects
        Fixed effects removed before OLS: ``"pooled"`` (with an intercept), ``"entity"``,
        ``"time"`` or ``"twoway"``.

    Returns
    -------
    DataFrame
        Index ``LM_lag``, ``LM_error``, ``robust_LM_lag``, ``robust_LM_error``; columns
        ``statistic``, ``df`` (1) and ``pvalue`` (χ²(1), upper tail).

    Notes
    -----
    Elhorst's panel form of Anselin (1988): with ``e`` the OLS residuals, ``σ² = e'e/NT``,
    ``T_W = T·tr(W'W + WW)`` and ``J = [(W X b)' M (W X b) + T_W σ²]/σ²``:
    LM-lag ``= (e'Wy/σ²)²/J``, LM-error ``= (e'We/σ²)²/T_W``,
    robust LM-lag ``= (e'Wy/σ² − e'We/σ²)²/(J − T_W)``,
    robust LM-error ``= (e'We/σ² − (T_W/J)·e'Wy/σ²)²/(T_W(1 − T_W/J))``.
    The trace term is ``T·tr(·)``, not ``tr(W²)`` of the stacked matrix as in spreg 1.9.
    """
    fit = ols_fit(data, y=y, x=x, w=w, effects=effects)
    mat = sps.csr_array(w.sparse)
    _check_lag_identified(fit, mat, y)
    t = fit.y.shape[0]
    k = fit.x.shape[2]
    e = fit.resid.ravel()
    s2 = fit.sigma2
    wy = _lag(mat, fit.y).ravel()
    we = _lag(mat, fit.resid).ravel()
    xm = fit.x.reshape(-1, k)
    wxb = _lag(mat, (xm @ fit.beta).reshape(fit.y.shape)).ravel()
    # M (W X b): residual of W X b regressed on X
    coef, *_ = np.linalg.lstsq(xm, wxb, rcond=None)
    m_wxb = wxb - xm @ coef
    tw = t * (_tr_product(mat.T, mat) + _tr_product(mat, mat))  # T·tr(W'W + WW), exact
    j = (m_wxb @ m_wxb + tw * s2) / s2
    if not float(m_wxb @ m_wxb) > DEGENERATE_TOL**2 * float(wxb @ wxb) or tw <= 0.0:
        raise EstimationError(
            "the robust LM tests are not defined here: W·Xβ̂ lies in the span of the regressors "
            f"after the {effects} effects (J = T_W), so the robust statistics divide by zero. "
            "Add a regressor that varies across neighbours, or use the non-robust LM tests."
        )
    lag_score = float(e @ wy) / s2
    err_score = float(e @ we) / s2
    stats_ = {
        "LM_lag": lag_score**2 / j,
        "LM_error": err_score**2 / tw,
        "robust_LM_lag": (lag_score - err_score) ** 2 / (j - tw),
        "robust_LM_error": (err_score - tw / j * lag_score) ** 2 / (tw * (1.0 - tw / j)),
    }
    out = pd.DataFrame(
        {
            "statistic": pd.Series(stats_, dtype=float),
            "df": 1,
            "pvalue": {k_: float(chi2_sf(v, 1)) for k_, v in stats_.items()},
        }
    )
    out.index.name = "test"
    return out


@dataclass(frozen=True)
class ResidualMoran:
    """Moran's I of panel OLS residuals with its exact moments under normal errors."""

    statistic: float
    expected: float
    variance: float
    z: float
    pvalue: float  # one-sided, H1: positive autocorrelation
    pvalue_two_sided: float


def _q_traces(effects: str, t: int, mat: sps.csr_array) -> tuple[float, float, float, float]:
    """``Q = A ⊗ B``: ``tr(A)`` and the exact traces ``tr(BW)``, ``tr(BWBW')``, ``tr(BWBW)``.

    ``B`` is ``I_N`` or, with time effects, ``I_N − J_N/N``; with ``r = W1``, ``c = W'1``,
    ``s = 1'W1``: ``tr(BW) = tr W − s/N``, ``tr(BWBW') = tr(WW') − (r'r + c'c)/N + s²/N²``,
    ``tr(BWBW) = tr(W²) − 2·1'W²1/N + s²/N²`` — sparse products and vectors only.
    """
    n = mat.shape[0]
    tr_a = float(t - 1) if effects in ("entity", "twoway") else float(t)
    tr_w = float(mat.diagonal().sum())
    tr_wwt = float(mat.multiply(mat).sum())
    tr_ww = _tr_product(mat, mat)
    if effects in ("time", "twoway"):
        ones = np.ones(n)
        r, c = mat @ ones, mat.T @ ones
        s = float(r.sum())
        tr_w -= s / n
        tr_wwt += -(float(r @ r) + float(c @ c)) / n + s * s / (n * n)
        tr_ww += -2.0 * float(c @ r) / n + s * s / (n * n)
    return tr_a, tr_w, tr_wwt, tr_ww


def residual_moran(
    data: pd.DataFrame,
    *,
    y: str,
    x: Sequence[str],
    w: SpatialWeights,
    effects: LMEffects = "twoway",
) -> ResidualMoran:
    """Moran's I of the OLS residuals, ``I = (N/S0)·e'(I_T⊗W)e / e'e``.

    The mean and variance are exact under normal errors: with ``M`` the residual maker of the
    demeaned regression (rank ``m = NT − k − #effects``),
    ``E[I] = c·tr(MW)/m`` and
    ``Var[I] = c²·[tr(MWMW') + tr((MW)²) + tr(MW)²]/(m(m+2)) − E[I]²``, ``c = N/S0``
    (Cliff & Ord 1981, applied to ``I_T ⊗ W``). ``pvalue`` is one-sided (positive
    autocorrelation), ``pvalue_two_sided`` two-sided.
    """
    fit = ols_fit(data, y=y, x=x, w=w, effects=effects)
    mat = sps.csr_array(w.sparse)
    _check_lag_identified(fit, mat, y)
    t, n = fit.y.shape
    k = fit.x.shape[2]
    c = n / float(mat.sum())
    e = fit.resid.ravel()
    stat = c * float(e @ _lag(mat, fit.resid).ravel()) / float(e @ e)
    # Q = A ⊗ B; M = Q - H, H = Z G Z', Z = demeaned regressors (already in the range of Q)
    tr_a, tr_bw, tr_bwbwt, tr_bwbw = _q_traces(fit.effects, t, mat)
    z = fit.x.reshape(-1, k)
    g = np.linalg.inv(z.T @ z)
    m = tr_a * (n - 1 if fit.effects in ("time", "twoway") else n) - k
    zz = fit.x
    wz = _lag(mat, zz).reshape(-1, k)
    wtz = _lag(sps.csr_array(mat.T), zz).reshape(-1, k)
    a_wz = g @ (z.T @ wz)  # G Z'WZ
    a_wtz = g @ (z.T @ wtz)  # G Z'W'Z

    def q_apply(v: NDArray[np.float64]) -> NDArray[np.float64]:
        return demean(v.reshape(t, n, -1), fit.effects).reshape(-1, v.shape[1])

    tr_mw = tr_a * tr_bw - np.trace(a_wz)
    # tr(MWMW') = tr(QWQW') - tr(G Z'W'QWZ) - tr(G Z'WQW'Z) + tr(G Z'WZ G Z'W'Z)
    tr_mwmwt = (
        tr_a * tr_bwbwt
        - np.trace(g @ (wz.T @ q_apply(wz)))
        - np.trace(g @ (wtz.T @ q_apply(wtz)))
        + np.trace(a_wz @ a_wtz)
    )
    # tr(MWMW) = tr(QWQW) - 2 tr(G Z'WQWZ) + tr((G Z'WZ)^2)
    tr_mwmw = tr_a * tr_bwbw - 2.0 * np.trace(g @ (wtz.T @ q_apply(wz))) + np.trace(a_wz @ a_wz)
    expected = c * tr_mw / m
    variance = c**2 * (tr_mwmwt + tr_mwmw + tr_mw**2) / (m * (m + 2.0)) - expected**2
    zval = (stat - expected) / np.sqrt(variance)
    return ResidualMoran(
        statistic=stat,
        expected=float(expected),
        variance=float(variance),
        z=float(zval),
        pvalue=float(norm_sf(zval)),
        pvalue_two_sided=float(2 * norm_sf(abs(zval))),
    )


def bsk_tests(data: pd.DataFrame, *, y: str, x: Sequence[str], w: SpatialWeights) -> pd.DataFrame:
    """Baltagi, Song & Koh (2003) LM tests on the pooled OLS residuals (with intercept).

    Rows: ``LM_joint`` (H0: no random entity effects and no spatial error, χ²(2)),
    ``LM_mu`` (H0: σ²_μ = 0, one-sided standard normal, the Breusch–Pagan/Honda form) and
    ``LM_lambda`` (H0: λ = 0, two-sided standard normal; its square equals the pooled
    ``LM_error`` of :func:`lm_tests`). Columns: ``statistic``, ``df``, ``pvalue``, ``distribution``.

    With ``G = e'(J_T ⊗ I_N)e/e'e − 1``, ``H = e'(I_T ⊗ (W + W')/2)e/e'e`` and
    ``b = tr((W + W')²)/2``: ``LM_joint = NT/(2(T−1))·G² + N²T/b·H²``,
    ``LM_mu = √(NT/(2(T−1)))·G``, ``LM_lambda = √(N²T/b)·H``. The conditional tests
    (LM_λ|μ, LM_μ|λ), which need ML under the null, are not implemented.
    """
    fit = ols_fit(data, y=y, x=x, w=w, effects="pooled")
    mat = sps.csr_array(w.sparse)
    t, n = fit.y.shape
    if t < 2:
        raise DataError(
            "the Baltagi-Song-Koh tests need at least two periods (LM_mu tests for random "
            "entity effects across periods); data has one. Use lm_tests(..., effects='pooled')."
        )
    e = fit.resid
    ee = float(np.sum(e * e))
    g_ = float(np.sum(e.sum(axis=0) ** 2)) / ee - 1.0
    ws = sps.csr_array(mat + mat.T)
    h_ = 0.5 * float(np.sum(e * _lag(ws, e))) / ee
    b_ = float(ws.multiply(ws).sum()) / 2.0  # tr((W + W')²)/2, W + W' symmetric
    lm_mu = np.sqrt(n * t / (2.0 * (t - 1))) * g_
    lm_lam = np.sqrt(n * n * t / b_) * h_
    joint = lm_mu**2 + lm_lam**2
    out = pd.DataFrame(
        {
            "statistic": [joint, lm_mu, lm_lam],
            "df": [2, 1, 1],
            "pvalue": [
                float(chi2_sf(joint, 2)),
                float(norm_sf(lm_mu)),
                float(2 * norm_sf(abs(lm_lam))),
            ],
            "distribution": ["chi2(2)", "N(0,1), one-sided", "N(0,1), two-sided"],
        },
        index=pd.Index(["LM_joint", "LM_mu", "LM_lambda"], name="test"),
    )
    return out
