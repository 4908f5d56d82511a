"""Composite indices: weighted sums (entropy, CRITIC, CV, equal weights) and entropy-TOPSIS.

:func:`composite_index` standardises the indicators by direction, weighs them with the chosen
method (pooled over all region-years or per year) and aggregates them into the index score and one
sub-index per dimension. Conventions (stated in ``IndexResult.notes`` and ``docs/methods.md``):

* the score is ``sum_j w_j z_j`` on the standardised values WITHOUT the entropy shift, so it lies
  in [0, 1]; the other convention in circulation, ``sum_j w_j (z_j + s)``, adds exactly ``s`` to
  every score (the weights sum to one) and changes no comparison;
* a dimension sub-index is ``sum_{j in dim} w_j z_j`` (``dimension_scale="contribution"``, the
  default: sub-indices add up to the score) or that sum divided by the dimension weight
  (``"renormalised"``: each sub-index in [0, 1]);
* for ``method="topsis"`` the score is the TOPSIS closeness with entropy weights, and a dimension
  sub-index is the closeness computed on that dimension's indicators alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from spatialpanel._display import FrameDisplay
from spatialpanel.errors import ConfigError
from spatialpanel.indices.spec import IndicatorSystem, Variant, check_option
from spatialpanel.indices.topsis import NORMALISATIONS, Normalisation, topsis_rows
from spatialpanel.indices.weighting import WeightMethod, compute_weights
from spatialpanel.text import Message, msg, pmsg

if TYPE_CHECKING:  # pragma: no cover
    from spatialpanel.indices.obstacle import ObstacleResult

__all__ = ["DimensionScale", "IndexMethod", "IndexResult", "composite_index"]

IndexMethod = Literal["entropy", "critic", "cv", "equal", "topsis"]
DimensionScale = Literal["contribution", "renormalised"]
_METHODS: tuple[str, ...] = ("entropy", "critic", "cv", "equal", "topsis")
_VARIANTS: tuple[str, ...] = ("panel", "year")
_SCALES: tuple[str, ...] = ("contribution", "renormalised")
_METHOD_NAMES = {
    "entropy": "entropy",
    "critic": "CRITIC",
    "cv": "coefficient-of-variation",
    "equal": "equal",
    "topsis": "entropy",
}


@dataclass(frozen=True)
class IndexResult(FrameDisplay):
    """A computed composite index.

    Attributes
    ----------
    weights
        One row per indicator (per (time, indicator) for ``variant="year"``): ``dimension``,
        ``direction``, the method's intermediate quantities (entropy: ``entropy`` e_j and
        ``divergence`` d_j) and ``weight`` w_j.
    dimension_weights
        Sum of the indicator weights per dimension (per (time, dimension) for the per-year
        variant).
    scores
        (entity, time)-indexed: ``score`` and one column per dimension sub-index.
    standardised
        The min-max standardised indicators (without the shift), same index as ``scores``.
    method, variant, shift, normalisation, dimension_scale
        The settings used.
    system
        The indicator system (column -> dimension, direction).
    notes
        The conventions as messages (:mod:`spatialpanel.text`), for table notes.
    """

    weights: pd.DataFrame
    dimension_weights: pd.Series
    scores: pd.DataFrame
    standardised: pd.DataFrame
    method: str
    variant: str
    shift: float
    normalisation: str
    dimension_scale: str
    system: IndicatorSystem
    notes: tuple[Message, ...]

    def to_frame(self) -> pd.DataFrame:
        """The scores (the index and its dimension sub-indices), by (entity, time)."""
        return self.scores

    def row_weights(self) -> pd.DataFrame:
        """The weight of each indicator that applies to each row (same shape as standardised)."""
        if self.variant == "panel":
            w = self.weights["weight"].reindex(self.system.columns).to_numpy()
            arr = np.broadcast_to(w, self.standardised.shape).copy()
            return pd.DataFrame(arr, index=self.standardised.index, columns=self.system.columns)
        wide = self.weights["weight"].unstack("indicator")[self.system.columns]
        times = self.standardised.index.get_level_values(1)
        arr = wide.loc[times].to_numpy()
        return pd.DataFrame(arr, index=self.standardised.index, columns=self.system.columns)

    def obstacles(self) -> ObstacleResult:
        """Obstacle degree of every indicator and dimension (see
        :func:`~spatialpanel.indices.obstacle.obstacle_degree`)."""
        from spatialpanel.indices.obstacle import obstacle_degree

        return obstacle_degree(
            self.standardised,
            weights=self.row_weights(),
            dimensions={c: self.system[c].dimension for c in self.system.columns},
        )


def composite_index(
    frame: pd.DataFrame,
    *,
    indicators: Mapping[str, Any] | IndicatorSystem,
    method: IndexMethod = "entropy",
    variant: Variant = "panel",
    shift: float = 1e-4,
    normalisation: Normalisation = "minmax",
    dimension_scale: DimensionScale = "contribution",
) -> IndexResult:
    """Build a composite index from indicator columns.

    Parameters
    ----------
    frame
        Indicator data with an (entity, time) MultiIndex, no missing values (fill them in the data
        layer). It is not modified.
    indicators
        Column -> ``(dimension, direction)`` (or ``{"dimension": ..., "direction": ...}``, or an
        :class:`~spatialpanel.indices.spec.IndicatorSystem`); direction is ``"positive"`` or
        ``"negative"``.
    method
        ``"entropy"`` (default), ``"critic"``, ``"cv"`` (coefficient of variation), ``"equal"``:
        weighted sum of the standardised indicators; ``"topsis"``: entropy-TOPSIS closeness.
    variant
        ``"panel"`` (all region-years pooled: one set of weights, scores comparable across years;
        default) or ``"year"`` (standardisation and weights within each year).
    shift
        Entropy shift against ``ln 0``, added to the standardised values before the proportions
        (``0``: the convention ``0 ln 0 = 0``). Not added to the scores.
    normalisation
        TOPSIS only: ``"minmax"`` (default) or ``"vector"``.
    dimension_scale
        ``"contribution"`` (sub-indices sum to the score; default) or ``"renormalised"``
        (each divided by its dimension weight). Weighted-sum methods only.

    Returns
    -------
    IndexResult
    """
    check_option("method", method, _METHODS)
    check_option("variant", variant, _VARIANTS)
    check_option("normalisation", normalisation, NORMALISATIONS)
    check_option("dimension_scale", dimension_scale, _SCALES)
    if normalisation != "minmax" and method != "topsis":
        raise ConfigError(
            f"normalisation={normalisation!r} applies to method='topsis' only; remove it or "
            "set method='topsis'."
        )
    system = IndicatorSystem.from_mapping(indicators)
    if "score" in system.dimensions:
        raise ConfigError("a dimension may not be called 'score'; rename it in indicators.")
    weight_method: WeightMethod = "entropy" if method == "topsis" else method
    table, z, row_w = compute_weights(
        frame, system, method=weight_method, shift=shift, variant=variant
    )
    index = frame.index.copy()
    cols = system.columns
    dims = system.dimensions
    dim_of = np.array([system[c].dimension for c in cols])
    scores = pd.DataFrame(index=index)
    if method == "topsis":
        values = frame[cols].to_numpy(dtype=float)
        neg = system.negative
        kw: dict[str, Any] = {"normalisation": normalisation, "variant": variant}
        scores["score"] = topsis_rows(values, z, row_w, neg, index, **kw)["closeness"]
        for dim in dims:
            sel = dim_of == dim
            part = topsis_rows(values[:, sel], z[:, sel], row_w[:, sel], neg[sel], index, **kw)
            scores[dim] = part["closeness"]
    else:
        contrib = z * row_w
        # the weights sum to one, so the score is in [0, 1] up to rounding; clip that rounding
        scores["score"] = np.clip(contrib.sum(axis=1), 0.0, 1.0)
        for dim in dims:
            sel = dim_of == dim
            sub = contrib[:, sel].sum(axis=1)
            if dimension_scale == "renormalised":
                # a dimension of zero weight (possible under CRITIC) has sub-index 0
                denom = row_w[:, sel].sum(axis=1)
                safe = np.where(denom > 0, denom, 1.0)
                sub = np.where(denom > 0, np.clip(sub / safe, 0.0, 1.0), 0.0)
            scores[dim] = sub
    if variant == "panel":
        dim_w = table.groupby("dimension", sort=False)["weight"].sum().reindex(dims)
    else:
        level = table.index.names[0]
        dim_w = table.groupby([level, "dimension"], sort=False)["weight"].sum()
    dim_w.name = "weight"
    return IndexResult(
        weights=table,
        dimension_weights=dim_w,
        scores=scores,
        standardised=pd.DataFrame(z, index=index, columns=cols),
        method=method,
        variant=variant,
        shift=float(shift),
        normalisation=normalisation if method == "topsis" else "minmax",
        dimension_scale=dimension_scale,
        system=system,
        notes=_notes(method, variant, float(shift), normalisation, dimension_scale, len(index)),
    )


def _notes(
    method: str, variant: str, shift: float, normalisation: str, scale: str, n: int
) -> tuple[Message, ...]:
    """The conventions as messages (``str()`` of each is its English text)."""
    weights = pmsg("weighting", method)
    if variant == "panel":
        first = msg(
            "Indicators min-max standardised by direction and weighted over all {n} "
            "region-years pooled (scores comparable across years); {method} weights.",
            n=n,
            method=weights,
        )
    else:
        first = msg(
            "Indicators min-max standardised by direction and weighted over each year "
            "separately (scores comparable within a year only); {method} weights.",
            method=weights,
        )
    notes = [first]
    if method in ("entropy", "topsis"):
        notes.append(
            msg(
                "Entropy shift {shift} added to the standardised values before logarithms.",
                shift=f"{shift:g}",
                case="zero" if shift == 0 else None,
            )
        )
    if method == "topsis":
        notes.append(
            msg(
                "Score = TOPSIS closeness C = D-/(D+ + D-) with {normalisation} normalisation; "
                "dimension sub-indices = closeness on each dimension's indicators.",
                normalisation=pmsg("normalisation", normalisation),
            )
        )
    elif scale == "contribution":
        notes.append(
            msg(
                "Score = sum of weight x standardised value, without the shift (in [0, 1]); "
                "dimension sub-indices = the same sum over each dimension (they add up to the "
                "score)."
            )
        )
    else:
        notes.append(
            msg(
                "Score = sum of weight x standardised value, without the shift (in [0, 1]); "
                "dimension sub-indices = that sum over each dimension divided by the dimension "
                "weight (in [0, 1])."
            )
        )
    return tuple(notes)
