"""Immutable results of a fit accumulated chunk by chunk (:mod:`spatialpanel.models.chunked`).

The same inference surface as :class:`spatialpanel.models.results.SpatialPanelResults` (params,
cov, std_errors, zvalues, pvalues, sigma2, loglik, r2, AIC/BIC, ``impacts``, ``summary``), but
without the N·T residual and fitted series, which the chunked estimator never holds in memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
from scipy import stats

from spatialpanel.models.spec import ModelSpec
from spatialpanel.weights.core import SpatialWeights

if TYPE_CHECKING:  # pragma: no cover
    from spatialpanel.models.summary import Summary

__all__ = ["ChunkedPanelResults", "ReadInfo"]


@dataclass(frozen=True)
class ReadInfo:
    """How the Parquet source was read.

    Attributes
    ----------
    source
        The path that was read.
    batch_rows
        The largest record batch requested.
    contiguous
        Whether every period's rows were contiguous in the file (then the period passes stream
        the file once; otherwise each period is read with a filter on the time column).
    scans
        Number of dataset scans over all passes.
    batches
        Number of record batches decoded over all passes.
    max_batch_rows
        The largest record batch decoded.
    max_period_rows
        The largest number of rows held for one period (N for a valid panel).
    """

    source: str
    batch_rows: int
    contiguous: bool
    scans: int
    batches: int
    max_batch_rows: int
    max_period_rows: int


@dataclass(frozen=True, eq=False)
class ChunkedPanelResults:
    """Results of :meth:`spatialpanel.models.chunked.ChunkedPanelModel.fit`.

    Attributes
    ----------
    spec
        What was estimated (model, effects, y, x, durbin, bias_correction, lag_convention).
    params
        Coefficients (``const`` for pooled fits, x, ``W*x``) and ``rho`` or ``lambda``.
    cov
        Covariance of ``params``: the inverse of the full analytic information matrix (including
        σ² and the ρ–β block), restricted to the ``params`` index.
    information
        The full information matrix (``params`` plus ``sigma2``).
    sigma2
        σ² = e'e/NT (direct approach; bias-corrected under ``"elhorst"``) or e'e/n_eff under
        ``"transformation"``.
    loglik
        The maximised log-likelihood (as in the in-memory results).
    nobs, n_entities, n_periods
        N·T, N and T.
    w
        The weights (in the order of their ids, which is the order of every array here).
    r2
        1 - e'e / Σ(y - ȳ)².
    r2_within
        Squared correlation between the transformed y and its prediction from the regressors
        (for SAR/SDM the reduced form (I-ρW)⁻¹Z*β).
    df_model
        Number of estimated coefficients in ``params``.
    bias_correction
        ``"none"``, ``"elhorst"`` or ``"transformation"``.
    logdet_method
        Log-determinant method used (``"eigen"``, ``"lu"``, ``"chebyshev"``, ``"mc"``), or
        ``"none"`` for SLX.
    spatial_bounds
        Stationarity interval searched for ρ/λ.
    reads
        How the file was read (:class:`ReadInfo`).
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
    r2: float
    r2_within: float
    df_model: int
    bias_correction: str
    logdet_method: str
    spatial_bounds: tuple[float, float] | None
    reads: ReadInfo

    phi: None = None
    """No random effects in the chunked estimator (kept for the regression tables)."""

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
            2.0 * stats.norm.sf(np.abs(self.zvalues.to_numpy())), index=self.params.index, name="p"
        )

    @property
    def spatial_param(self) -> float | None:
        """ρ or λ, or ``None`` for SLX."""
        name = self.spec.spatial_name
        return float(self.params[name]) if name else None

    @property
    def n_params(self) -> int:
        """Parameters counted in AIC/BIC: ``params`` plus σ²."""
        return self.df_model + 1

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
        """How ``tr G``, ``tr G²``, ``tr G'G`` of the information matrix were obtained, as for
        the in-memory results (:func:`spatialpanel.models.information.trace_method`); ``"none"``
        without a spatial parameter."""
        if self.spec.spatial is None:
            return "none"
        from spatialpanel.models.information import trace_method

        return trace_method(self.w.sparse)

    def fit_stats(self) -> dict[str, float | int | str | None]:
        """Plain, serialisable fit statistics and conventions (the in-memory results' keys)."""
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

    def summary(self, *, title: str | None = None) -> Summary:
        """Regression table (coef, se, z, p, stars) and fit statistics."""
        from spatialpanel.models.summary import Summary

        return Summary.from_results(self, title=title)  # type: ignore[arg-type]

    def impacts(
        self,
        *,
        method: Literal["delta", "simulation"] = "delta",
        draws: int = 1000,
        seed: int = 0,
        traces: Literal["auto", "exact", "stochastic"] = "auto",
        probes: int = 100,
    ) -> pd.DataFrame:
        """Direct, indirect and total effects, exactly as the in-memory results compute them
        (:func:`spatialpanel.inference.effects.impacts`)."""
        from spatialpanel.inference.effects import impacts

        return impacts(self, method=method, draws=draws, seed=seed, traces=traces, probes=probes)

    def __repr__(self) -> str:
        sp = self.spec
        return (
            f"ChunkedPanelResults(model={sp.model!r}, effects={sp.effects!r}, "
            f"bias_correction={self.bias_correction!r}, N={self.n_entities}, "
            f"T={self.n_periods}, loglik={self.loglik:.4f})"
        )
