"""Immutable results of a spatial panel fit."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from spatialpanel.inference.distributions import norm_sf
from spatialpanel.models.spec import ModelSpec
from spatialpanel.weights.core import SpatialWeights

if TYPE_CHECKING:  # pragma: no cover
    from spatialpanel.models.summary import Summary

__all__ = ["FitSurface", "SpatialPanelResults"]


class FitSurface:
    """The inference and output surface shared by the in-memory and the chunked results:
    standard errors, z and p, AIC/BIC, the trace method, the coefficient table, fit statistics
    and the summary. Subclasses are frozen dataclasses with the attributes declared here."""

    spec: ModelSpec
    params: pd.Series
    cov: pd.DataFrame
    sigma2: float
    loglik: float
    nobs: int
    n_entities: int
    n_periods: int
    w: SpatialWeights
    r2: float
    r2_within: float
    df_model: int
    bias_correction: str
    logdet_method: str
    phi: float | None

    # ------------------------------------------------------------------ inference
    @cached_property
    def std_errors(self) -> pd.Series:
        """Standard errors: square roots of the diagonal of ``cov``."""
        return pd.Series(
            np.sqrt(np.diag(self.cov.to_numpy())), index=self.params.index, name="std_error"
        )

    @cached_property
    def zvalues(self) -> pd.Series:
        """params / std_errors (asymptotically standard normal)."""
        return (self.params / self.std_errors).rename("z")

    @cached_property
    def pvalues(self) -> pd.Series:
        """Two-sided p-values from the standard normal distribution."""
        return pd.Series(
            2.0 * norm_sf(np.abs(self.zvalues.to_numpy())), index=self.params.index, name="p"
        )

    @property
    def spatial_param(self) -> float | None:
        """ρ or λ, or ``None`` for SLX."""
        name = self.spec.spatial_name
        return float(self.params[name]) if name else None

    @property
    def n_params(self) -> int:
        """Parameters counted in AIC/BIC: ``params`` plus σ² (plus θ for random effects)."""
        return self.df_model + 1 + (1 if self.phi is not None else 0)

    @property
    def aic(self) -> float:
        """-2 logL + 2 k (k = ``n_params``; fixed effects not counted)."""
        return float(-2.0 * self.loglik + 2.0 * self.n_params)

    @property
    def bic(self) -> float:
        """-2 logL + k ln(NT)."""
        return float(-2.0 * self.loglik + self.n_params * np.log(self.nobs))

    @cached_property
    def trace_method(self) -> str:
        """How ``tr G``, ``tr G²``, ``tr G'G`` (G = W(I − δW)⁻¹) of the information matrix
        were obtained: ``"exact (selected inversion)"``, ``"exact (dense inverse)"`` or
        ``"stochastic (...)"`` (:func:`spatialpanel.models.information.trace_method`);
        ``"none"`` without a spatial parameter; for the random-effects error models, whose
        observed information is a central-difference Hessian, ``"none (numerical Hessian)"``."""
        if self.spec.spatial is None:
            return "none"
        if self.spec.effects == "random" and self.spec.spatial == "error":
            return "none (numerical Hessian)"
        from spatialpanel.models.information import trace_method

        return trace_method(self.w.sparse)

    # ------------------------------------------------------------------ output
    def to_frame(self) -> pd.DataFrame:
        """The coefficient table: ``coef``, ``std_error``, ``z``, ``p`` indexed by parameter."""
        return pd.DataFrame(
            {
                "coef": self.params,
                "std_error": self.std_errors,
                "z": self.zvalues,
                "p": self.pvalues,
            }
        )

    def fit_stats(self) -> dict[str, float | int | str | None]:
        """Plain, serialisable fit statistics and conventions (for reports and manifests)."""
        return {
            "model": self.spec.model,
            "effects": self.spec.effects,
            "bias_correction": self.bias_correction,
            "lag_convention": self.spec.lag_convention,
            "logdet_method": self.logdet_method,
            "trace_method": self.trace_method,
            "sigma2": self.sigma2,
            "loglik": self.loglik,
            "r2": self.r2,
            "r2_within": self.r2_within,
            "aic": self.aic,
            "bic": self.bic,
            "nobs": self.nobs,
            "n_entities": self.n_entities,
            "n_periods": self.n_periods,
            "df_model": self.df_model,
            "phi": self.phi,
        }

    def _repr_html_(self) -> str:
        """The summary table as HTML (Jupyter shows it when the results are a cell's value)."""
        return self.summary().as_html()

    def summary(self, *, title: str | None = None) -> Summary:
        """Regression table (coef, se, z, p, stars; Main and W·x blocks) and fit statistics;
        ``str()`` of it is text, ``.as_html()`` HTML, ``.as_latex()`` a LaTeX tabular."""
        from spatialpanel.models.summary import Summary

        return Summary.from_results(self, title=title)  # type: ignore[arg-type]


@dataclass(frozen=True, eq=False)
class SpatialPanelResults(FitSurface):
    """Results of :meth:`spatialpanel.models.model.SpatialPanelModel.fit`.

    Attributes
    ----------
    spec
        What was estimated (model, effects, y, x, durbin, bias_correction, lag_convention).
    params
        Coefficients (``const`` for pooled/random effects, x, ``W*x``) and ``rho`` or ``lambda``.
    cov
        Covariance of ``params``: the inverse of the full analytic information matrix (including
        σ² and the ρ–β block), restricted to the ``params`` index. Random effects: the analytic
        information of (β, ρ, θ, σ²) for SAR/SDM/SLX; for SEM/SDEM the observed information of
        (β, λ, φ, σ²) (central-difference Hessian of the exact log-likelihood).
    information
        The full information matrix (``params`` plus ``sigma2`` and, for random effects, ``theta``
        (SAR/SDM/SLX) or ``phi`` (SEM/SDEM)).
    sigma2
        σ² = e'e/NT (direct approach; bias-corrected under ``"elhorst"``) or e'e/n_eff under
        ``"transformation"``.
    loglik
        The maximised log-likelihood (for ``"elhorst"``: the maximum before the correction, as
        Elhorst reports; for ``"transformation"``: the maximised transformed likelihood).
    nobs
        Number of observations N·T.
    n_entities, n_periods
        N and T.
    w
        The weights, in the data's region order.
    resid
        Innovations ε̂ (within-transformed for fixed effects; spatially filtered for SEM/SDEM),
        with the data's MultiIndex.
    fitted
        ``y - resid``.
    r2
        1 - e'e / Σ(y - ȳ)² (fit including the effects, Elhorst's ``rsqr``).
    r2_within
        Squared correlation between the within-transformed y and its prediction from the
        regressors (Elhorst's ``corr2``; for SAR/SDM the reduced form (I-ρW)⁻¹Z*β).
    df_model
        Number of estimated coefficients in ``params`` (fixed effects and σ² not counted).
    bias_correction
        ``"none"``, ``"elhorst"`` or ``"transformation"``.
    logdet_method
        Log-determinant method used (``"eigen"``, ``"lu"``, ``"chebyshev"``, ``"mc"``).
    spatial_bounds
        Stationarity interval searched for ρ/λ.
    phi
        Random effects only: σ²_μ/σ² (else ``None``); ``theta`` is Elhorst's θ with
        θ² = 1/(1 + Tφ).
    """

    spec: ModelSpec
    params: pd.Series
    cov: pd.DataFrame
    information: pd.DataFrame
    sigma2: float
    loglik: float
    nobs: int
    n_entities: int
    n_periods: int
    w: SpatialWeights
    resid: pd.Series
    fitted: pd.Series
    r2: float
    r2_within: float
    df_model: int
    bias_correction: str
    logdet_method: str
    spatial_bounds: tuple[float, float] | None = None
    phi: float | None = None
    theta: float | None = None

    @property
    def tvalues(self) -> pd.Series:
        """Alias of ``zvalues``."""
        return self.zvalues

    @property
    def constant(self) -> float | None:
        """The intercept (pooled and random effects), else ``None``."""
        return float(self.params["const"]) if "const" in self.params.index else None

    def impacts(
        self,
        *,
        method: Literal["delta", "simulation"] | str = "delta",
        draws: int = 1000,
        seed: int = 0,
        horizon: Literal["short", "long"] | str = "short",
        traces: Literal["auto", "exact", "stochastic"] | str = "auto",
        probes: int = 100,
    ) -> Any:
        """Direct, indirect and total effects (see ``spatialpanel.inference.effects.impacts``;
        ``traces="auto"`` is exact up to N = 3000 and stochastic, with stated error, above)."""
        import importlib

        impacts = importlib.import_module("spatialpanel.inference.effects").impacts
        return impacts(
            self,
            method=method,
            draws=draws,
            seed=seed,
            horizon=horizon,
            traces=traces,
            probes=probes,
        )

    def __repr__(self) -> str:
        sp = self.spec
        return (
            f"SpatialPanelResults(model={sp.model!r}, effects={sp.effects!r}, "
            f"bias_correction={self.bias_correction!r}, N={self.n_entities}, "
            f"T={self.n_periods}, loglik={self.loglik:.4f})"
        )
