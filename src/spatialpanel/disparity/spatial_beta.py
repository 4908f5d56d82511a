"""Spatial β convergence: the panel β regression with spatial terms, by the SDM engine.

``ln(y_it / y_i,t−1) = ρ W g_t + β ln y_i,t−1 + θ W ln y_i,t−1 (+ γ'x_it + δ W x_it) + μ_i (+ λ_t)
+ e_it`` estimated by maximum likelihood with :class:`~spatialpanel.models.model.SpatialPanelModel`
(any of its
model kinds; SDM by default). Growth is the one-year log growth, so the speed is
``θ = −ln(1 + β)`` per year and the half-life ``ln 2 / θ``. Besides the speed implied by the
coefficient β (the usual report), the speed implied by the *direct effect* of ``ln y_{t−1}``
(LeSage & Pace), which includes the feedback through the neighbours, is given as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from spatialpanel.disparity._common import align_controls, balanced_wide, check_panel
from spatialpanel.disparity.convergence import _positive_logs
from spatialpanel.errors import DataError

if TYPE_CHECKING:  # pragma: no cover
    from spatialpanel.models.spec import BiasCorrection, EffectsKind, ModelKind
    from spatialpanel.weights.core import SpatialWeights

__all__ = ["SpatialBetaConvergence", "spatial_beta_convergence"]

LAG = "ln_y_lag"
GROWTH = "growth"


def _speed(b: float) -> float:
    return float(-np.log(1.0 + b)) if -1.0 < b < 0 else float("nan")


@dataclass(frozen=True, eq=False)
class SpatialBetaConvergence:
    """A spatial β-convergence model.

    Attributes
    ----------
    results
        The fitted :class:`~spatialpanel.models.results.SpatialPanelResults` (dependent variable
        ``growth``, regressors ``ln_y_lag`` and the controls).
    """

    results: Any

    @property
    def beta(self) -> float:
        """Coefficient of ``ln y_{t−1}``."""
        return float(self.results.params[LAG])

    @property
    def speed(self) -> float:
        """θ = −ln(1 + β) per year (NaN unless −1 < β < 0)."""
        return _speed(self.beta)

    @property
    def half_life(self) -> float:
        """ln 2 / θ years."""
        return float(np.log(2.0) / self.speed)

    @property
    def direct_effect(self) -> float:
        """Direct effect of ``ln y_{t−1}`` (delta-method impacts of the fitted model)."""
        table = self.results.impacts(method="delta")
        return float(table.loc[LAG, ("direct", "estimate")])

    @property
    def speed_direct(self) -> float:
        """Speed implied by the direct effect, −ln(1 + direct)."""
        return _speed(self.direct_effect)

    def summary(self) -> dict[str, float]:
        """One flat row: β, its se and p, ρ (or λ), speed and half-life."""
        res = self.results
        return {
            "beta": self.beta,
            "se": float(res.std_errors[LAG]),
            "p": float(res.pvalues[LAG]),
            "spatial": float(res.spatial_param) if res.spatial_param is not None else np.nan,
            "speed": self.speed,
            "half_life": self.half_life,
        }


def spatial_beta_convergence(
    values: pd.Series,
    w: SpatialWeights,
    *,
    model: ModelKind = "sdm",
    effects: EffectsKind = "twoway",
    controls: pd.DataFrame | None = None,
    bias_correction: BiasCorrection = "none",
) -> SpatialBetaConvergence:
    """Spatial β convergence with the spatial panel engine.

    Parameters
    ----------
    values
        Balanced, positive panel Series with an (entity, time) MultiIndex.
    w
        Spatial weights over the same regions.
    model, effects, bias_correction
        Passed to :class:`~spatialpanel.models.model.SpatialPanelModel` and its ``fit`` (SDM with
        two-way fixed
        effects and no bias correction by default).
    controls
        Optional controls with the same (entity, time) MultiIndex (the growth year's values are
        used), for conditional spatial β convergence.

    Returns
    -------
    SpatialBetaConvergence
    """
    from spatialpanel.models.model import SpatialPanelModel

    wide = balanced_wide(check_panel(values))
    logs = _positive_logs(wide, "values")
    years = list(wide.columns)
    if len(years) < 3:
        raise DataError(
            f"spatial β convergence needs at least 3 years; the panel has {len(years)}."
        )
    idx = pd.MultiIndex.from_product([wide.index, years[1:]], names=["entity", "time"])
    arr = logs.to_numpy()
    data = pd.DataFrame(
        {GROWTH: (arr[:, 1:] - arr[:, :-1]).ravel(), LAG: arr[:, :-1].ravel()}, index=idx
    )
    names = [LAG]
    if controls is not None:
        ctrl = align_controls(controls, idx)
        for c in ctrl.columns:
            if str(c) in (GROWTH, LAG):
                raise DataError(f"controls may not have a column named {c!r}; rename it.")
            data[str(c)] = ctrl[c].to_numpy()
            names.append(str(c))
    fitted = SpatialPanelModel(data, y=GROWTH, x=names, w=w, model=model, effects=effects).fit(
        bias_correction=bias_correction
    )
    return SpatialBetaConvergence(results=fitted)
