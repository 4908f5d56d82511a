"""Immutable results of a dynamic spatial panel fit: τ, η, the lost first period, stability."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from spatialpanel.models.results import SpatialPanelResults

if TYPE_CHECKING:  # pragma: no cover
    from spatialpanel.models.summary import Summary

__all__ = ["DynamicPanelResults", "StabilityCheck"]

_BC_TEXT = {
    "lee-yu": "Lee-Yu (Yu, de Jong & Lee 2008; Lee & Yu 2010), transformation approach",
    "lee-yu-sdpdmod": (
        "Lee-Yu, transformation approach, information matrix through Matrix::nearPD before "
        "solving (replication of R SDPDmod 0.0.5; depends on the units of y)"
    ),
    "none": "none (QML of the transformed likelihood)",
}
_EFFECTS_TEXT = {
    "entity": "entity fixed (demeaned)",
    "time": "time fixed (orthonormal transformation, N-1 cross-sections)",
    "twoway": "entity (demeaned) and time (orthonormal transformation, N-1 cross-sections) fixed",
}


@dataclass(frozen=True)
class StabilityCheck:
    """Stability of the dynamic model at the estimates.

    Attributes
    ----------
    tau, eta, rho
        The estimates used (0 for an omitted lag).
    sum
        τ + ρ + η (must be below 1 for a row-standardised W).
    spectral_radius
        Largest modulus of the eigenvalues of (I - ρW)⁻¹(τI + ηW) (must be below 1).
    stable
        Both conditions hold.
    """

    tau: float
    eta: float
    rho: float
    sum: float
    spectral_radius: float
    stable: bool

    def text(self) -> str:
        """One line for tables and reports."""
        verdict = "stable" if self.stable else "NOT stable"
        return (
            f"τ + ρ + η = {self.sum:.4f}; spectral radius of (I - ρW)⁻¹(τI + ηW) = "
            f"{self.spectral_radius:.4f} ({verdict})"
        )


@dataclass(frozen=True, eq=False)
class DynamicPanelResults(SpatialPanelResults):
    """Results of ``SpatialPanelModel(..., dynamic=True).fit()``.

    Everything of :class:`~spatialpanel.models.results.SpatialPanelResults`, with ``params`` holding
    ``"<y>(t-1)"`` (τ) and/or
    ``"W*<y>(t-1)"`` (η) first, then the regressors, ``W*x`` and ``rho``. ``nobs`` and
    ``n_periods`` count the periods used (the first period is lost to the time lag); ``resid`` and
    ``fitted`` cover those periods only. ``cov`` is (Σ̂⁻¹ + Σ̂⁻¹Ω̂Σ̂⁻¹)/(n(T-1)) at the reported
    estimates (Yu, de Jong & Lee 2008); ``information`` is the information matrix of the
    transformed likelihood (including σ²) at the reported estimates; ``loglik`` is the transformed
    likelihood evaluated there (for ``"lee-yu"``: at the corrected estimates, as SDPDmod's
    ``likl1``). ``sigma2`` is e'e/(n(T-1)) (``"none"``) or the corrected σ² (``"lee-yu"``,
    ``"lee-yu-sdpdmod"``). ``bias_correction`` says which correction was applied (also printed by
    :meth:`summary`): ``"none"``, ``"lee-yu"`` or the SDPDmod replication ``"lee-yu-sdpdmod"``.

    Attributes
    ----------
    lags
        The lag terms included: ``"time"`` (y_{t-1}) and/or ``"spacetime"`` (W y_{t-1}).
    lag_params
        Their names in ``params``.
    dropped_period
        The first period, used only as y_{t-1}.
    stability
        The stability check at the reported estimates.
    params_uncorrected
        The QML estimates before the bias correction (equal to ``params`` when none was applied).
    n_effective
        Effective cross-sections of the likelihood: N - 1 with time effects, else N.
    trace_method
        How the traces of the bias and the information matrix (and the diagonal of G in Ω) were
        computed: exactly (dense matrices in the Helmert basis, or the eigenvalues of W; N ≤ 1000)
        or by seeded Hutchinson estimates (larger N). Printed in the summary when not exact.
    correction_mc_se
        Monte Carlo standard error of the bias-corrected estimates due to the stochastic traces
        (None when they are exact or no correction was applied).
    """

    lags: tuple[str, ...] = ()
    lag_params: tuple[str, ...] = ()
    dropped_period: object = None
    stability: StabilityCheck | None = None
    params_uncorrected: pd.Series | None = None
    n_effective: int = 0
    trace_method: str = "exact"
    correction_mc_se: pd.Series | None = None

    @property
    def tau(self) -> float:
        """τ, the coefficient of y_{t-1} (0 when omitted)."""
        name = f"{self.spec.y}(t-1)"
        return float(self.params[name]) if name in self.params.index else 0.0

    @property
    def eta(self) -> float:
        """η, the coefficient of W y_{t-1} (0 when omitted)."""
        name = f"W*{self.spec.y}(t-1)"
        return float(self.params[name]) if name in self.params.index else 0.0

    @property
    def note(self) -> str:
        """The sample note: which period was lost to the time lag."""
        return (
            f"The first period ({self.dropped_period}) is lost to the time lag: "
            f"{self.n_periods} periods, {self.nobs} observations."
        )

    def summary(self, *, title: str | None = None) -> Summary:
        """Regression table: lags, Main and W·x blocks, ρ; conventions, stability, the lost
        first period."""
        from spatialpanel.models.summary import Summary, coefficient_table

        sp = self.spec

        def block(name: str) -> str:
            if name in self.lag_params:
                return "Main" if not name.startswith("W*") else "W·x"
            if name.startswith("W*"):
                return "W·x"
            return "Spatial" if name == "rho" else "Main"

        table = coefficient_table(self, block)
        info: list[tuple[str, str]] = [
            ("Dependent variable", sp.y),
            ("Effects", _EFFECTS_TEXT.get(sp.effects, sp.effects)),
            ("Bias correction", _BC_TEXT.get(self.bias_correction, self.bias_correction)),
            ("Standard errors", "information matrix of the transformed likelihood + Ω (YDL 2008)"),
            ("Log-determinant", self.logdet_method),
            ("σ²", f"{self.sigma2:.6g} (e'e/({self.n_effective}·{self.n_periods}))"),
            ("Log-likelihood", f"{self.loglik:.4f}"),
            ("R²", f"{self.r2:.4f}"),
            ("R² within (squared corr.)", f"{self.r2_within:.4f}"),
            ("N regions / T periods / obs.", f"{self.n_entities} / {self.n_periods} / {self.nobs}"),
            ("Sample", self.note),
        ]
        if not self.trace_method.startswith("exact"):
            traces = self.trace_method
            if self.correction_mc_se is not None:
                traces += (
                    f"; Monte Carlo error of the correction ≤ {self.correction_mc_se.max():.2g}"
                )
            info.append(("Traces", traces))
        if self.stability is not None:
            info.append(("Stability", self.stability.text()))
        model = {"sar": "SAR", "sdm": "SDM"}.get(sp.model, sp.model.upper())
        default = f"Dynamic {model} panel, {sp.effects} fixed effects, quasi-maximum likelihood"
        return Summary(title=title or default, table=table, info=tuple(info))

    def __repr__(self) -> str:
        sp = self.spec
        return (
            f"DynamicPanelResults(model={sp.model!r}, effects={sp.effects!r}, "
            f"lags={self.lags!r}, bias_correction={self.bias_correction!r}, "
            f"N={self.n_entities}, T={self.n_periods}, loglik={self.loglik:.4f})"
        )
