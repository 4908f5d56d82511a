"""The dynamic spatial Durbin (and dynamic SAR) panel with fixed effects, by quasi-ML.

Model (periods t = 2..T; the first period only supplies y_{t-1} and is lost)::

    y_t = τ y_{t-1} + η W y_{t-1} + ρ W y_t + X_t β + W X_t θ + μ + α_t + ε_t

with entity (μ), time (α_t) or two-way fixed effects; either lag term may be left out.

Estimation follows Yu, de Jong & Lee (2008, J. Econometrics 146) for individual effects and
Lee & Yu (2010, Econometric Theory 26) for two-way effects, as R SDPDmod (``SDPDm(...,
dynamic = TRUE, LYtrans = TRUE)``) implements them, with an exact log-determinant:

1. the regressors ``y_{t-1}`` and ``W y_{t-1}`` (and ``W X_t``) are formed from the raw data;
2. time effects are removed by the orthonormal transformation ``F_N'`` (F_N the N x (N-1)
   Helmert basis of the orthogonal complement of ι: N-1 effective cross-sections, the spatial
   matrix becomes ``F_N' W F_N`` with ``ln|I - ρF_N'WF_N| = ln|I - ρW| - ln(1 - ρ)`` for a
   row-standardised W), individual effects by demeaning over the T-1 remaining periods;
3. the likelihood is concentrated in ρ and maximised exactly; σ² = e'e/(n(T-1)) with n = N-1
   (time or two-way effects) or N (entity effects);
4. ``bias_correction="lee-yu"``: θ_c = θ̂ + Σ̂⁻¹ b̂/(T-1) with Σ̂ the information matrix of the
   transformed likelihood divided by n(T-1) and b̂ the leading bias of YDL (2008, Theorem 3)::

       b_τ = tr((I-A)⁻¹S⁻¹)/n          b_η = tr(W(I-A)⁻¹S⁻¹)/n        b_β = 0
       b_ρ = [τ tr(G(I-A)⁻¹S⁻¹) + η tr(GW(I-A)⁻¹S⁻¹) + tr(G)]/n      b_σ² = 1/(2σ²)

   (S = I - ρW, G = WS⁻¹, A = S⁻¹(τI + ηW), all in the transformed n-dimensional space). With
   time effects only there is no incidental-parameter bias left after the transformation, so
   ``"lee-yu"`` leaves the estimates unchanged (as SDPDmod does);
5. ``bias_correction="lee-yu-sdpdmod"`` (replication switch): as ``"lee-yu"``, but Σ̂ is first
   replaced by its nearest positive-definite matrix with R ``Matrix::nearPD``'s defaults
   (:func:`spatialpanel.linalg.nearpd.near_pd`), as SDPDmod 0.0.5 does (``SDPDm``: ``SIG <-
   SIG/(n*t)``; ``SIGi <- solve(Matrix::nearPD(SIG)$mat)``; ``bias <- -SIGi %*% bias1/t``).
   nearPD's tolerances are relative to the largest eigenvalue of Σ̂, so a genuine small
   eigenvalue is replaced and the corrected estimates then depend on the units of y (see
   docs/conventions.md); the default ``"lee-yu"`` solves with Σ̂ as it is and is equivariant.
   SDPDmod's standard errors at the corrected estimates invert Σ̂ without nearPD, as here. Not
   replicated: SDPDmod's adjustment of the bias for eigenvalues of (I - ρW)⁻¹(τI + ηW) above
   1 - 1/n (spatial cointegration), where this module warns instead.

Covariance: (Σ̂⁻¹ + Σ̂⁻¹Ω̂Σ̂⁻¹)/(n(T-1)) at the reported estimates (YDL 2008, Theorem 2): Σ̂ the
information matrix of the transformed likelihood (y_{t-1} and W y_{t-1} treated as regressors),
Ω̂ its non-normality term, written with the basis-free quadratic forms V'JGJV (J = I - ιι'/N
when time effects are removed) and μ₄ the fourth moment of the innovations in the N regions.

Large N: above :data:`DENSE_LIMIT` regions the same quantities are computed in the N regions with
the cross-sectional demeaning and sparse W, without any dense N x N matrix, with exact traces up to
:data:`~spatialpanel.models.dynamic_sparse.EXACT_TRACE_LIMIT` and seeded Hutchinson estimates
(and their Monte Carlo error on the corrected estimates) above
(:mod:`spatialpanel.models.dynamic_sparse`; equal to the dense path to 1e-8 with exact traces).
"""

from __future__ import annotations

import warnings
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from spatialpanel.errors import ConfigError, DataError, EstimationError, NumericalWarning
from spatialpanel.linalg.logdet import LogDet, eigenvalues, symmetric_scale
from spatialpanel.linalg.nearpd import near_pd
from spatialpanel.linalg.within import demean, spatial_lag
from spatialpanel.models.design import PanelArrays, check_design, to_series
from spatialpanel.models.dynamic_dense import (
    Space,
    bias_vector,
    eig_without_unit,
    helmert_basis,
    information_dense,
)
from spatialpanel.models.dynamic_results import DynamicPanelResults, StabilityCheck
from spatialpanel.models.dynamic_sparse import (
    EXACT_TRACE_LIMIT,
    PROBES,
    GProbes,
    bias_traces,
    information_sparse,
    omega_sums,
    real_extremes,
    reduced_form,
)
from spatialpanel.models.engine import Dimensions, FEData, fit_fe
from spatialpanel.models.information import covariance_from_information, information_matrix
from spatialpanel.models.spec import ModelSpec

__all__ = [
    "DENSE_LIMIT",
    "DYNAMIC_BIAS_CORRECTIONS",
    "DYNAMIC_LAGS",
    "DynamicBiasCorrection",
    "DynamicLag",
    "fit_dynamic",
    "helmert_basis",
    "lag_names",
    "stability_check",
]

DynamicLag = Literal["time", "spacetime"]
DynamicBiasCorrection = Literal["lee-yu", "lee-yu-sdpdmod", "none"]
DYNAMIC_LAGS: tuple[str, ...] = ("time", "spacetime")
DYNAMIC_BIAS_CORRECTIONS: tuple[str, ...] = ("lee-yu", "lee-yu-sdpdmod", "none")
DENSE_LIMIT = 1000
"""Up to this N: the Helmert basis and dense F'WF (the exact reference); above, the N-region
space with sparse W (:mod:`spatialpanel.models.dynamic_sparse`)."""


def lag_names(y: str, lags: tuple[str, ...]) -> tuple[str, ...]:
    """Parameter names of the lag terms: ``"y(t-1)"`` (time) and ``"W*y(t-1)"`` (spacetime)."""
    out = []
    if "time" in lags:
        out.append(f"{y}(t-1)")
    if "spacetime" in lags:
        out.append(f"W*{y}(t-1)")
    return tuple(out)


def stability_check(
    tau: float, eta: float, rho: float, eig: NDArray[np.complex128]
) -> StabilityCheck:
    """τ + ρ + η < 1 and the spectral radius of (I - ρW)⁻¹(τI + ηW) (exact, from the
    eigenvalues ω of W: max ``|(τ + ηω)/(1 - ρω)|``) below one."""
    radius = float(np.max(np.abs((tau + eta * eig) / (1.0 - rho * eig))))
    total = tau + rho + eta
    return StabilityCheck(
        tau=tau, eta=eta, rho=rho, sum=total, spectral_radius=radius,
        stable=bool(total < 1.0 and radius < 1.0),
    )  # fmt: skip


def _omega(
    sums: tuple[float, float, float], *, sigma2: float, mu4: float, k: int, n: int
) -> NDArray[np.float64]:
    """The non-normality term Ω of YDL (2008) for (coef, ρ, σ²), free of the choice of basis.

    The scores of ρ and σ² are quadratic forms V_t'A V_t in the original innovations, with
    A = J G J and J (J = I - ιι'/N when time effects are removed by F_N, since
    F_N G_f F_N' = J G J; else J = I). Their fourth-moment part is (μ₄ - 3σ⁴) Σ_i A_ii B_ii,
    whatever orthonormal basis is used. ``sums`` = (Σ A_ii², Σ A_ii J_ii, Σ J_ii²)
    (:func:`~spatialpanel.models.dynamic_sparse.omega_sums`). Normalised by n(T-1) like Σ̂.
    """
    out = np.zeros((k + 2, k + 2))
    out[k, k] = sums[0] / n
    out[k, k + 1] = out[k + 1, k] = sums[1] / (2.0 * sigma2 * n)
    out[k + 1, k + 1] = sums[2] / (4.0 * sigma2**2 * n)
    return (mu4 - 3.0 * sigma2**2) / sigma2**2 * out


def fit_dynamic(
    arrays: PanelArrays,
    spec: ModelSpec,
    ld: LogDet,
    *,
    lags: tuple[str, ...],
    bias_correction: str,
    index: pd.Index,
    seed: int = 0,
) -> DynamicPanelResults:
    """Estimate the dynamic model (see the module docstring).

    ``arrays`` are the full panel's arrays (``z`` holds x and W·x of all T periods); ``spec`` is
    the static specification with ``bias_correction`` set; ``ld`` the log-determinant of W;
    ``seed`` seeds the probes of the stochastic traces (N > ``EXACT_TRACE_LIMIT`` only).
    """
    eff = spec.effects
    if eff not in ("entity", "time", "twoway"):
        raise ConfigError(
            f"dynamic=True needs fixed effects; effects={eff!r}. Use effects='entity', 'time' or "
            "'twoway'."
        )
    n_full, t_full = arrays.n, arrays.t
    if t_full < 3:
        raise DataError(
            f"dynamic=True needs at least three periods (one is lost to y(t-1)); got T = {t_full}."
        )
    time_fx = eff in ("time", "twoway")
    entity_fx = eff in ("entity", "twoway")
    rowstd = bool(np.allclose(arrays.w.row_sums, 1.0))
    if time_fx and not rowstd:
        raise ConfigError(
            f"dynamic=True with effects={eff!r} removes the time effects by the orthonormal "
            "transformation, which needs a row-standardised W; use w.transformed('row') or "
            "effects='entity'."
        )
    wmat = arrays.wmat
    y_all = arrays.y
    names = lag_names(spec.y, lags)
    lag_cols = []
    if "time" in lags:
        lag_cols.append(y_all[:-1])
    if "spacetime" in lags:
        lag_cols.append(spatial_lag(wmat, y_all[:-1]))
    y = y_all[1:]
    z = np.concatenate([np.stack(lag_cols, axis=2), arrays.z[1:]], axis=2)
    t_eff = t_full - 1
    coef_names = (*names, *spec.coef_names)
    k = z.shape[2]
    zw = demean(z, eff)  # type: ignore[arg-type]
    check_design(z.reshape(-1, k), zw.reshape(-1, k), coef_names, eff)
    n = n_full - 1 if time_fx else n_full
    if n_full <= DENSE_LIMIT:
        f = helmert_basis(n_full) if time_fx else None
        wd = wmat.toarray()
        space = Space(n, f, f.T @ wd @ f if f is not None else wd, entity_fx, time_fx)
    else:
        space = Space(n, None, None, entity_fx, time_fx)
    exact = n_full <= EXACT_TRACE_LIMIT
    eig_w = eigenvalues(wmat) if exact else None
    wy = spatial_lag(wmat, y)
    ztr = space.transform(z)
    data = FEData(
        y=space.transform(y).ravel(),
        wy=space.transform(wy).ravel(),
        z=ztr,
        wz=np.zeros_like(ztr),
    )
    dims = Dimensions(n * t_eff, t_eff, time_fx)
    est = fit_fe(data, spec, ld, dims, row_standardised=rowstd)
    if est.spatial is None:  # pragma: no cover - a lag model always has ρ
        raise EstimationError("the dynamic model lost its spatial parameter; please report this.")
    pos_tau = 0 if "time" in lags else None
    pos_eta = (1 if "time" in lags else 0) if "spacetime" in lags else None
    symlike = (symmetric_scale(wmat) is not None) if not space.dense else False
    probes: dict[float, GProbes] = {}

    def probes_at(r: float) -> GProbes:
        if r not in probes:
            probes[r] = GProbes(wmat, r, symlike=symlike, probes=PROBES, seed=seed)
        return probes[r]

    def info_at(c: NDArray[np.float64], r: float, s2: float) -> NDArray[np.float64]:
        if space.wf is not None:
            return information_dense(z=data.z, coef=c, rho=r, sigma2=s2, wf=space.wf, t_eff=t_eff)
        if not exact:
            return information_sparse(
                probes_at(r), z=data.z, coef=c, sigma2=s2, t_eff=t_eff, n_eff=n * t_eff,
                time_fx=time_fx,
            )  # fmt: skip
        return information_matrix(
            kind="lag", z=data.z, coef=c, delta=r, sigma2=s2, w=wmat, n_periods=t_eff,
            n_eff=n * t_eff, t_eff=t_eff, time_adjust=time_fx,
        )  # fmt: skip

    def taueta(c: NDArray[np.float64]) -> tuple[float, float]:
        tau = float(c[pos_tau]) if pos_tau is not None else 0.0
        eta = float(c[pos_eta]) if pos_eta is not None else 0.0
        return tau, eta

    def extremes(second: bool, tau: float, eta: float, rho: float) -> NDArray[np.complex128]:
        if ld.method in ("eigen", "lu") and not second:
            # bounds = (1/ω_min, 1/ω_max) (or ∓1/r without a real eigenvalue of that sign: a
            # conservative stand-in). With lazy bounds the left end is -1/r ≤ ... ≤ 1/ω_min:
            # ω ↦ (τ + ηω)/(1 - ρω) is monotone, so |·| at ω_min is at most its value at -r
            # or at ω_max; ω_min is searched only when -r would decide the maximum
            lo, hi = ld.bounds
            ends = np.array([1.0 / lo, 1.0 / hi], dtype=complex)
            if ld.lazy:
                mob = np.abs((tau + eta * ends) / (1.0 - rho * ends))
                if mob[0] > mob[1]:
                    ends[0] = 1.0 / ld.stationarity_interval()[0]
            return ends
        return np.array(real_extremes(wmat, second=second), dtype=complex)

    coef, rho, sigma2 = est.coef, float(est.spatial), est.sigma2
    uncorrected = pd.Series(np.append(coef, rho), index=pd.Index([*coef_names, "rho"]))
    nobs_eff = n * t_eff
    trace_method = (
        ("exact (dense W_f in the Helmert basis)" if space.dense else "exact (eigenvalues of W)")
        if exact
        else f"Hutchinson ({PROBES} Rademacher probes, seed {seed}; control variates I, W, W²) "
        "for the traces of the bias and the information matrix and for diag(G) in Ω"
    )
    mc_se: pd.Series | None = None
    if bias_correction in ("lee-yu", "lee-yu-sdpdmod") and entity_fx:
        tau, eta = taueta(coef)
        if space.wf is not None:
            eig_f = np.asarray(np.linalg.eigvals(space.wf), dtype=complex)
        elif eig_w is not None:
            eig_f = eig_without_unit(eig_w) if time_fx else eig_w
        else:  # the extremes of W (an upper bound); without ω = 1 only when that bound is high
            eig_f = extremes(False, tau, eta, rho)
            if time_fx and stability_check(tau, eta, rho, eig_f).spectral_radius > 1 - 1 / n:
                eig_f = extremes(True, tau, eta, rho)
        radius = stability_check(tau, eta, rho, eig_f).spectral_radius
        if radius > 1.0 - 1.0 / n:
            warnings.warn(
                f"at the uncorrected estimates (I - ρW)⁻¹(τI + ηW) has spectral radius "
                f"{radius:.4f} > 1 - 1/n = {1 - 1 / n:.4f}: the model is close to spatial "
                "cointegration, where the stable-case Lee-Yu correction applied here is not "
                "valid (Yu, de Jong & Lee 2012).",
                NumericalWarning,
                stacklevel=3,
            )
        info = info_at(coef, rho, sigma2)
        sig_bc = info / nobs_eff
        if bias_correction == "lee-yu-sdpdmod":  # replication of SDPDmod 0.0.5 (see docstring)
            sig_bc = near_pd(sig_bc)
        theta = np.concatenate([coef, [rho, sigma2]])
        if space.wf is not None:
            b = bias_vector(
                wf=space.wf, rho=rho, tau=tau, eta=eta, sigma2=sigma2, pos_tau=pos_tau,
                pos_eta=pos_eta, k=k,
            )  # fmt: skip
            theta_c = theta + np.linalg.solve(sig_bc, b) / t_eff
        else:
            gp = None if exact else probes_at(rho)
            tr = bias_traces(wmat, rho=rho, tau=tau, eta=eta, time_fx=time_fx, eig=eig_w, gp=gp)
            per = tr.values[:, None] if tr.per_probe is None else tr.per_probe
            bm = np.zeros((k + 2, per.shape[1]))
            if pos_tau is not None:
                bm[pos_tau] = per[0] / n
            if pos_eta is not None:
                bm[pos_eta] = per[1] / n
            bm[k] = (tau * per[2] + eta * per[3] + per[4]) / n
            bm[k + 1] = 1.0 / (2.0 * sigma2)
            steps = np.linalg.solve(sig_bc, bm) / t_eff
            theta_c = theta + steps.mean(axis=1)
            if tr.per_probe is not None:
                mc = steps[: k + 1].std(axis=1, ddof=1) / np.sqrt(steps.shape[1])
                mc_se = pd.Series(mc, index=pd.Index([*coef_names, "rho"]), name="mc_se")
        coef, rho, sigma2 = theta_c[:k], float(theta_c[k]), float(theta_c[k + 1])
        probes.clear()  # the probes at the uncorrected ρ are not needed again (memory at large N)
        lo, hi = ld.bounds if rho > ld.bounds[0] else ld.stationarity_interval()
        if not lo < rho < hi or sigma2 <= 0:
            raise EstimationError(
                f"the Lee-Yu bias correction moved ρ to {rho:.4g} (interval ({lo:.4g}, {hi:.4g})) "
                f"or σ² to {sigma2:.4g}; the correction is unreliable here. Use "
                "bias_correction='none' and check the stability of the model."
            )
    e = data.y - rho * data.wy - data.z @ coef
    ee = float(e @ e)
    ldv = ld(rho) - (np.log1p(-rho) if time_fx else 0.0)
    loglik = float(
        -0.5 * nobs_eff * np.log(2.0 * np.pi * sigma2) + t_eff * ldv - ee / (2.0 * sigma2)
    )
    info = info_at(coef, rho, sigma2)
    # μ₄ from the innovations in the data's N regions (Q_N ε, basis-free)
    e_regions = space.to_regions(e.reshape(t_eff, -1))
    mu4 = float(np.mean(e_regions**4))
    sig = info / nobs_eff
    full_names = (*coef_names, "rho", "sigma2")
    sig_inv = covariance_from_information(sig, full_names)
    sums = omega_sums(wmat, rho=rho, time_fx=time_fx, gp=None if exact else probes_at(rho))
    omega = _omega(sums, sigma2=sigma2, mu4=mu4, k=k, n=n)
    cov_full = (sig_inv + sig_inv @ omega @ sig_inv) / nobs_eff
    tau, eta = taueta(coef)
    stab = stability_check(
        tau, eta, rho, eig_w if eig_w is not None else extremes(False, tau, eta, rho)
    )
    if not stab.stable:
        warnings.warn(
            f"the estimated dynamic model is not stable: τ + ρ + η = {stab.sum:.4f} and the "
            f"spectral radius of (I - ρW)⁻¹(τI + ηW) is {stab.spectral_radius:.4f} (both must "
            "be below 1); long-run effects do not exist and the estimates are unreliable.",
            NumericalWarning,
            stacklevel=3,
        )
    # the fitted reduced form (I - ρW)⁻¹Z*β in the transformed space
    zb = (data.z @ coef).reshape(t_eff, -1)
    if space.wf is not None:
        pred = np.asarray(np.linalg.solve(np.eye(n) - rho * space.wf, zb.T).T, dtype=float)
    else:
        pred = reduced_form(probes_at(rho), zb, time_fx=time_fx)
    return _results(
        arrays, spec, index=index, lags=lags, coef_names=coef_names, coef=coef, rho=rho,
        sigma2=sigma2, loglik=loglik, info=info, cov_full=cov_full, e=e, space=space, y=y, z=z,
        ytr=data.y, pred=pred.ravel(), ld=ld, stab=stab, uncorrected=uncorrected,
        trace_method=trace_method, mc_se=mc_se,
    )  # fmt: skip


def _results(
    arrays: PanelArrays,
    spec: ModelSpec,
    *,
    index: pd.Index,
    lags: tuple[str, ...],
    coef_names: tuple[str, ...],
    coef: NDArray[np.float64],
    rho: float,
    sigma2: float,
    loglik: float,
    info: NDArray[np.float64],
    cov_full: NDArray[np.float64],
    e: NDArray[np.float64],
    space: Space,
    y: NDArray[np.float64],
    z: NDArray[np.float64],
    ytr: NDArray[np.float64],
    pred: NDArray[np.float64],
    ld: LogDet,
    stab: StabilityCheck,
    uncorrected: pd.Series,
    trace_method: str,
    mc_se: pd.Series | None,
) -> DynamicPanelResults:
    n_full, t_eff = arrays.n, y.shape[0]
    p = len(coef_names) + 1
    pnames = pd.Index([*coef_names, "rho"])
    params = pd.Series(np.append(coef, rho), index=pnames, name="params")
    cov = pd.DataFrame(cov_full[:p, :p], index=pnames, columns=pnames)
    full = (*coef_names, "rho", "sigma2")
    information = pd.DataFrame(info, index=full, columns=full)
    # innovations in the data's N regions: Q_N ε with Q_N = F F' (= the cross-sectional
    # demeaning when time effects are removed); same sum of squares as the transformed ones
    e_n = space.to_regions(e.reshape(t_eff, -1))
    # R² within: squared (uncentred) correlation of the transformed y and (I - ρW)⁻¹Z*β, both
    # of mean zero in the N regions; inner products do not depend on the basis
    denom = float(ytr @ ytr) * float(pred @ pred)
    r2w = float((ytr @ pred) ** 2 / denom) if denom > 0 else 0.0
    tss = float(np.sum((y - y.mean()) ** 2))
    r2 = 1.0 - float(e @ e) / tss
    later = arrays.periods[1:]
    sub = PanelArrays(
        y=y, z=z, w=arrays.w, entities=arrays.entities, periods=later,
        index=pd.MultiIndex.from_arrays(
            [np.tile(arrays.entities.to_numpy(), t_eff), np.repeat(later.to_numpy(), n_full)],
            names=arrays.index.names,
        ),
    )  # fmt: skip
    keep = index[index.get_level_values(1).isin(later)] if len(index) else index
    return DynamicPanelResults(
        spec=spec,
        params=params,
        cov=cov,
        information=information,
        sigma2=float(sigma2),
        loglik=loglik,
        nobs=n_full * t_eff,
        n_entities=n_full,
        n_periods=t_eff,
        w=arrays.w,
        resid=to_series(e_n, sub, keep, "resid"),
        fitted=to_series(y - e_n, sub, keep, "fitted"),
        r2=r2,
        r2_within=r2w,
        df_model=p,
        bias_correction=spec.bias_correction,
        logdet_method=ld.method,
        spatial_bounds=ld.interval,
        lags=lags,
        lag_params=lag_names(spec.y, lags),
        dropped_period=arrays.periods[0],
        stability=stab,
        params_uncorrected=uncorrected.rename("params_uncorrected"),
        n_effective=space.n,
        trace_method=trace_method,
        correction_mc_se=mc_se,
    )
