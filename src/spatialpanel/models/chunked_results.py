"""Immutable results of a fit accumulated chunk by chunk (:mod:`spatialpanel.models.chunked`).

The same inference surface as :class:`spatialpanel.models.results.SpatialPanelResults` (params,
cov, std_errors, zvalues, pvalues, sigma2, loglik, r2, AIC/BIC, ``impacts``, ``summary``), but
without the N·T residual and fitted series, which the chunked estimator never holds in memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

from spatialpanel.models.results import FitSurface
from spatialpanel.models.spec import ModelSpec
from spatialpanel.weights.core import SpatialWeights

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
class ChunkedPanelResults(FitSurface):
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
