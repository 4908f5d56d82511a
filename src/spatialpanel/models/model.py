"""`SpatialPanelModel`: SAR, SEM, SDM, SDEM and SLX panels with fixed or random effects, by ML.

The constructor validates and stores (the data are checked and turned into arrays once);
:meth:`SpatialPanelModel.fit` computes and returns an immutable
:class:`~spatialpanel.models.results.SpatialPanelResults`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from spatialpanel.errors import (
    ConfigError,
    EstimationError,
    check_option,
)
from spatialpanel.linalg.logdet import LogDet, LogDetMethod, logdet
from spatialpanel.linalg.within import spatial_lag
from spatialpanel.models.bias import elhorst_correction
from spatialpanel.models.design import (
    PanelArrays,
    check_identified,
    check_residual_variance,
    panel_arrays,
    to_series,
)
from spatialpanel.models.dynamic import DYNAMIC_BIAS_CORRECTIONS, DYNAMIC_LAGS, fit_dynamic
from spatialpanel.models.engine import FEData, dimensions, fe_data, fit_fe
from spatialpanel.models.information import (
    GOperator,
    covariance_from_information,
    information_matrix,
)
from spatialpanel.models.random import fit_random, random_information
from spatialpanel.models.random_error import fit_random_error, random_error_information
from spatialpanel.models.results import SpatialPanelResults
from spatialpanel.models.spec import (
    BIAS_CORRECTIONS,
    EFFECTS,
    LAG_CONVENTIONS,
    MODELS,
    BiasCorrection,
    EffectsKind,
    LagConvention,
    ModelKind,
    ModelSpec,
    check_consecutive_periods,
    check_degrees_of_freedom,
    regressors,
    require_weights,
)
from spatialpanel.threads import single_blas
from spatialpanel.weights.core import SpatialWeights

__all__ = ["SpatialPanelModel"]

_LOGDETS: tuple[str, ...] = ("auto", "eigen", "lu", "chebyshev", "mc")


def _choice(value: object, options: tuple[str, ...], arg: str) -> str:
    check_option(arg, value, options)
    return str(value)


def _check_identified(fd: FEData, spec: ModelSpec) -> None:
    """ρ/λ must not fit the transformed data exactly (see :func:`check_identified`)."""
    if spec.spatial is None:
        return
    lag = fd.wy[:, None] if spec.spatial == "lag" else np.column_stack([fd.wy, fd.wz])
    basis = np.column_stack([fd.y, fd.z])
    param = "rho" if spec.spatial == "lag" else "lambda"
    check_identified(lag, basis, param=param, y=spec.y, effects=spec.effects)


class SpatialPanelModel:
    """A static spatial panel model, estimated by maximum likelihood.

    Parameters
    ----------
    data
        DataFrame with an (entity, time) MultiIndex, balanced, no missing values; its regions must
        be the ids of ``w`` (in any order).
    y
        Name of the dependent variable.
    x
        Names of the regressors.
    w
        Spatial weights; reordered to the data's region order (never mutated).
    model
        ``"sar"`` (ρWy), ``"sem"`` (λWu), ``"sdm"`` (ρWy and W·x), ``"sdem"`` (λWu and W·x) or
        ``"slx"`` (W·x only).
    effects
        ``"pooled"`` (with intercept), ``"entity"``, ``"time"``, ``"twoway"`` fixed effects, or
        ``"random"`` entity effects.
    durbin
        Regressors entering as W·x (SDM, SDEM, SLX; default all of ``x``).
    dynamic
        Add the time lags of y (the dynamic spatial panel of
        :mod:`spatialpanel.models.dynamic`; ``model='sar'`` or ``'sdm'`` with entity, time or
        two-way fixed effects). The first period is lost to y(t-1).
    lags
        With ``dynamic=True``: ``"time"`` (τ·y_{t-1}) and/or ``"spacetime"`` (η·W·y_{t-1}).
    lag_convention
        ``"raw"`` (default; W applied to the raw variables, then the within transformation, the
        exact ML of Elhorst and Lee & Yu) or ``"demeaned"`` (R splm's W·(Qy), for comparison).
    logdet
        Log-determinant method: ``"auto"`` (exact eigenvalues for N ≤ 1000, sparse LU above),
        ``"eigen"``, ``"lu"``, ``"chebyshev"`` or ``"mc"``.

    Examples
    --------
    >>> model = SpatialPanelModel(data, y="logc", x=["logp", "logy"], w=w,
    ...                           model="sdm", effects="twoway")  # doctest: +SKIP
    >>> res = model.fit(bias_correction="none")  # doctest: +SKIP
    """

    def __init__(
        self,
        data: pd.DataFrame,
        *,
        y: str,
        x: Sequence[str],
        w: SpatialWeights,
        model: ModelKind = "sdm",
        effects: EffectsKind = "twoway",
        durbin: Sequence[str] | None = None,
        dynamic: bool = False,
        lags: Sequence[str] = ("time", "spacetime"),
        lag_convention: LagConvention = "raw",
        logdet: LogDetMethod = "auto",
    ) -> None:
        kind = _choice(model, MODELS, "model")
        eff = _choice(effects, EFFECTS, "effects")
        conv = _choice(lag_convention, LAG_CONVENTIONS, "lag_convention")
        ldm = _choice(logdet, _LOGDETS, "logdet")
        if isinstance(lags, str):
            lags = [lags]
        lag_set = tuple(_choice(v, DYNAMIC_LAGS, "lags") for v in lags)
        if dynamic:
            if kind not in ("sar", "sdm"):
                raise ConfigError(
                    f"dynamic=True is implemented for model='sar' and 'sdm', not {kind!r}."
                )
            if eff not in ("entity", "time", "twoway"):
                raise ConfigError(
                    f"dynamic=True needs fixed effects; effects={eff!r}. Use effects='entity', "
                    "'time' or 'twoway'."
                )
            if not lag_set or len(set(lag_set)) != len(lag_set):
                raise ConfigError(
                    f"lags={list(lags)} must list 'time' and/or 'spacetime', each once."
                )
        self._formula: str | None = None
        self._dynamic = bool(dynamic)
        self._lags = tuple(v for v in DYNAMIC_LAGS if v in lag_set)
        require_weights(w)
        xs, dur = regressors(y=y, x=x, durbin=durbin, model=kind)
        self._spec = ModelSpec(
            model=kind, effects=eff, y=str(y), x=xs, durbin=dur, lag_convention=conv, logdet=ldm
        )
        self._index = data.index if isinstance(data, pd.DataFrame) else pd.Index([])
        self._arrays: PanelArrays = panel_arrays(data, w, self._spec)
        n_lags = len(self._lags) if self._dynamic else 0
        check_degrees_of_freedom(self._spec, n=self._arrays.n, t=self._arrays.t, n_lags=n_lags)
        if self._dynamic:
            check_consecutive_periods(list(self._arrays.periods))

    @classmethod
    def from_formula(
        cls,
        formula: str,
        data: pd.DataFrame,
        *,
        w: SpatialWeights,
        model: ModelKind = "sdm",
        effects: EffectsKind | None = None,
        durbin: Sequence[str] | None = None,
        dynamic: bool = False,
        lags: Sequence[str] = ("time", "spacetime"),
        lag_convention: LagConvention = "raw",
        logdet: LogDetMethod = "auto",
    ) -> SpatialPanelModel:
        """The model of a formula: ``"cp ~ uri + log(gov) + C(group) | province + year"``.

        The right-hand side is expanded by formulaic (transformations, categorical controls,
        interactions; see :mod:`spatialpanel.models.formula`); the regressors keep the names the
        formula writes, in its order, so that a formula of plain names gives exactly the model of
        ``SpatialPanelModel(data, y=..., x=[...])``.

        Parameters
        ----------
        formula
            ``"y ~ x1 + x2"``, optionally ``"| entity + year"`` naming the fixed effects by the
            data's index levels (both: two-way; one: entity or time effects).
        data
            DataFrame with an (entity, time) MultiIndex holding the formula's variables.
        w, model, durbin, dynamic, lags, lag_convention, logdet
            As for the constructor; ``durbin`` names regressors as the formula writes them.
        effects
            As for the constructor; default ``"twoway"``, or what the ``|`` part says (giving
            both, they must agree).

        Raises
        ------
        ConfigError
            For a malformed formula, an unknown variable (with the closest names), fixed
            effects other than the index levels, or ``effects=`` contradicting the ``|`` part.

        Examples
        --------
        >>> model = SpatialPanelModel.from_formula(
        ...     "logc ~ logp + logy | state + year", data, w=w, model="sdm"
        ... )  # doctest: +SKIP
        """
        from spatialpanel.models.formula import formula_design

        design = formula_design(formula, data)
        if design.effects is not None and effects is not None and design.effects != effects:
            raise ConfigError(
                f"formula={formula!r} names {design.effects!r} fixed effects after '|' but "
                f"effects={effects!r} was passed; give the effects in one place."
            )
        eff = effects if effects is not None else (design.effects or "twoway")
        built = cls(
            design.frame,
            y=design.y,
            x=list(design.x),
            w=w,
            model=model,
            effects=eff,  # type: ignore[arg-type]
            durbin=durbin,
            dynamic=dynamic,
            lags=lags,
            lag_convention=lag_convention,
            logdet=logdet,
        )
        built._formula = formula
        return built

    @property
    def formula(self) -> str | None:
        """The formula the model was built from (:meth:`from_formula`), else None."""
        return self._formula

    @property
    def spec(self) -> ModelSpec:
        """The specification (bias_correction is set by :meth:`fit`)."""
        return self._spec

    @property
    def w(self) -> SpatialWeights:
        """The weights in the data's region order."""
        return self._arrays.w

    @single_blas
    def fit(
        self,
        *,
        bias_correction: BiasCorrection | Literal["lee-yu", "lee-yu-sdpdmod"] = "none",
        logdet_order: int | None = None,
        seed: int = 0,
    ) -> SpatialPanelResults:
        """Estimate by maximum likelihood.

        Parameters
        ----------
        bias_correction
            ``"none"`` (default: the exact ML estimate), ``"elhorst"`` (Elhorst's implementation of
            the Lee & Yu correction for the direct approach) or ``"transformation"`` (the Lee & Yu
            transformation approach). Fixed effects only; printed in every output. Dynamic
            models: ``"lee-yu"`` (Yu, de Jong & Lee 2008; Lee & Yu 2010), ``"lee-yu-sdpdmod"``
            (the same with R SDPDmod's ``Matrix::nearPD`` step, to replicate its numbers) or
            ``"none"``.
        logdet_order
            Order of the Chebyshev / Monte Carlo log-determinant approximations.
        seed
            Seed of the random probes of the ``"mc"`` (and large-N Chebyshev) log-determinant.
        """
        if self._dynamic:
            bcd = _choice(bias_correction, DYNAMIC_BIAS_CORRECTIONS, "bias_correction")
            dspec = self._spec.replace(bias_correction=bcd)
            dld = logdet(self._arrays.wmat, method=dspec.logdet, order=logdet_order, seed=seed)  # type: ignore[arg-type]
            return fit_dynamic(
                self._arrays,
                dspec,
                dld,
                lags=self._lags,
                bias_correction=bcd,
                index=self._index,
                seed=seed,
            )
        if bias_correction in ("lee-yu", "lee-yu-sdpdmod"):
            raise ConfigError(
                f"bias_correction={bias_correction!r} is a correction of the dynamic model "
                "(dynamic=True); for a static model use 'transformation' or 'elhorst'."
            )
        bc = _choice(bias_correction, BIAS_CORRECTIONS, "bias_correction")
        spec = self._spec.replace(bias_correction=bc)
        arr = self._arrays
        n, t = arr.n, arr.t
        if bc != "none" and spec.effects not in ("entity", "time", "twoway"):
            raise ConfigError(
                f"bias_correction={bc!r} applies to fixed effects; effects={spec.effects!r}. "
                "Use bias_correction='none'."
            )
        if bc != "none" and spec.spatial is None:
            raise ConfigError(
                f"bias_correction={bc!r} corrects the spatial parameter; model='slx' has none. "
                "Use bias_correction='none'."
            )
        ld = None
        if spec.spatial is not None:
            ld = logdet(arr.wmat, method=spec.logdet, order=logdet_order, seed=seed)  # type: ignore[arg-type]
        if spec.effects == "random":
            return self._fit_random(spec, ld)
        fd = fe_data(arr, spec)
        _check_identified(fd, spec)
        dims = dimensions(n, t, spec.effects, bc == "transformation")
        rowstd = bool(np.allclose(arr.w.row_sums, 1.0))
        est = fit_fe(fd, spec, ld, dims, row_standardised=rowstd)
        coef, delta, sigma2 = est.coef, est.spatial, est.sigma2

        def info_at(c: np.ndarray, d: float | None, s2: float) -> np.ndarray:
            return information_matrix(
                kind=spec.spatial,
                z=fd.z,
                coef=c,
                delta=d,
                sigma2=s2,
                w=arr.wmat,
                n_periods=t,
                n_eff=dims.n_eff,
                t_eff=dims.t_eff,
                time_adjust=dims.time_adjust,
                wz=fd.wz,
            )

        info = info_at(coef, delta, sigma2)
        resid = est.resid
        if bc == "elhorst":
            assert delta is not None
            coef, delta, sigma2 = elhorst_correction(
                effects=spec.effects, coef=coef, delta=delta, sigma2=sigma2, info=info, n=n, t=t
            )
            info = info_at(coef, delta, sigma2)
            if spec.spatial == "lag":
                resid = fd.y - delta * fd.wy - fd.z @ coef
            else:
                resid = (fd.y - delta * fd.wy) - (fd.z - delta * fd.wz) @ coef
        if spec.spatial == "lag":
            assert delta is not None
            # (I - δW)⁻¹ Z*β through the information matrix's factorisation at δ (no dense
            # N x N inverse for T right-hand sides)
            pred = GOperator.at(arr.wmat, delta).solve((fd.z @ coef).reshape(t, n).T).T.ravel()
        else:
            pred = fd.z @ coef
        return self._results(
            spec,
            coef=coef,
            delta=delta,
            sigma2=sigma2,
            loglik=est.loglik,
            info=info,
            resid=resid,
            ytrans=fd.y,
            pred=pred,
            logdet_method=ld.method if ld is not None else "none",
            bounds=est.bounds,
        )

    def _fit_random(self, spec: ModelSpec, ld: LogDet | None) -> SpatialPanelResults:
        arr = self._arrays
        if spec.spatial is not None:
            k = arr.z.shape[2]
            wy = spatial_lag(arr.wmat, arr.y).reshape(-1, 1)
            wz = spatial_lag(arr.wmat, arr.z).reshape(-1, k)
            fd = FEData(y=arr.y.reshape(-1), wy=wy[:, 0], z=arr.z.reshape(-1, k), wz=wz)
            _check_identified(fd, spec)
        if spec.spatial == "error":
            assert ld is not None
            ere = fit_random_error(arr, spec, ld)
            return self._results(
                spec,
                coef=ere.coef,
                delta=ere.lam,
                sigma2=ere.sigma2,
                loglik=ere.loglik,
                info=random_error_information(ere, arr, ld),
                resid=ere.resid.ravel(),
                ytrans=arr.y.ravel(),
                pred=arr.z.reshape(-1, arr.z.shape[2]) @ ere.coef,
                logdet_method=ld.method,
                bounds=ld.interval,
                extra=("phi",),
                phi=ere.phi,
                theta=None,
            )
        est = fit_random(arr, spec, ld)
        lag = spec.spatial == "lag"
        info = random_information(est, arr, lag=lag)
        t, n = arr.t, arr.n
        zb = (arr.z.reshape(-1, arr.z.shape[2]) @ est.coef).reshape(t, n)
        if lag:
            assert est.rho is not None
            pred = GOperator.at(arr.wmat, est.rho).solve(zb.T).T.ravel()
        else:
            pred = zb.ravel()
        phi = (1.0 / est.theta**2 - 1.0) / t
        return self._results(
            spec,
            coef=est.coef,
            delta=est.rho,
            sigma2=est.sigma2,
            loglik=est.loglik,
            info=info,
            resid=est.resid,
            ytrans=arr.y.ravel(),
            pred=pred,
            logdet_method=ld.method if ld is not None else "none",
            bounds=ld.interval if ld is not None else None,
            extra=("theta",),
            phi=phi,
            theta=est.theta,
        )

    def _results(
        self,
        spec: ModelSpec,
        *,
        coef: np.ndarray,
        delta: float | None,
        sigma2: float,
        loglik: float,
        info: np.ndarray,
        resid: np.ndarray,
        ytrans: np.ndarray,
        pred: np.ndarray,
        logdet_method: str,
        bounds: tuple[float, float] | None,
        extra: tuple[str, ...] = (),
        phi: float | None = None,
        theta: float | None = None,
    ) -> SpatialPanelResults:
        arr = self._arrays
        names = spec.param_names
        full_names = (*names, *extra, "sigma2")
        cov_full = covariance_from_information(info, full_names)
        p = len(names)
        values = np.concatenate([coef, [delta] if delta is not None else []])
        params = pd.Series(values, index=pd.Index(names), name="params")
        cov = pd.DataFrame(cov_full[:p, :p], index=params.index, columns=params.index)
        information = pd.DataFrame(info, index=full_names, columns=full_names)
        checks = {
            "params": params.to_numpy(),
            "covariance": cov.to_numpy(),
            "sigma2": np.array([sigma2]),
            "log-likelihood": np.array([loglik]),
        }
        for what, vals in checks.items():
            if not np.all(np.isfinite(vals)):
                raise EstimationError(
                    f"the {what} of the {spec.model} fit is not finite (σ² = {sigma2:.3g}, "
                    f"logL = {loglik:.6g}); a perfect fit, a degenerate W or extreme scaling "
                    "of the data is the usual cause. Check the data and the specification."
                )
        t, n = arr.t, arr.n
        res2 = resid.reshape(t, n)
        ys = arr.y
        tss = float(np.sum((ys - ys.mean()) ** 2))
        check_residual_variance(resid, ytrans, model=f"{spec.model.upper()} fit", name=spec.y)
        r2 = 1.0 - float(resid @ resid) / tss
        yc = ytrans - ytrans.mean()
        pc = pred - ytrans.mean()
        denom = float(yc @ yc) * float(pc @ pc)
        r2w = float((yc @ pc) ** 2 / denom) if denom > 0 else 0.0
        resid_s = to_series(res2, arr, self._index, "resid")
        fitted_s = to_series(ys - res2, arr, self._index, "fitted")
        return SpatialPanelResults(
            spec=spec,
            params=params,
            cov=cov,
            information=information,
            sigma2=float(sigma2),
            loglik=float(loglik),
            nobs=n * t,
            n_entities=n,
            n_periods=t,
            w=arr.w,
            resid=resid_s,
            fitted=fitted_s,
            r2=r2,
            r2_within=r2w,
            df_model=p,
            bias_correction=spec.bias_correction,
            logdet_method=logdet_method,
            spatial_bounds=bounds,
            phi=phi,
            theta=theta,
        )
