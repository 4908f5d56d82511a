"""TOPSIS closeness to the ideal solution (the aggregation step of entropy-TOPSIS).

With normalised values ``r_ij`` and weights ``w_j``, ``v_ij = w_j r_ij``; the positive ideal takes
each indicator's best ``v`` (the maximum for a positive indicator, the minimum for a negative one
under vector normalisation; always the maximum after min-max standardisation, which has already
turned every indicator to "more is better"), the negative ideal the worst;
``D+_i = ||v_i - v+||``, ``D-_i = ||v_i - v-||`` and the closeness ``C_i = D-_i / (D+_i + D-_i)``.

Normalisation
    ``"minmax"`` (the genre's entropy-TOPSIS; the same min-max standardised values that the entropy
    weights are computed from) or ``"vector"`` (``r_ij = x_ij / sqrt(sum_i x_ij^2)`` of the raw
    values, Hwang & Yoon 1981).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from spatialpanel.errors import ConfigError, DataError
from spatialpanel.indices.spec import (
    Direction,
    IndicatorSystem,
    Variant,
    check_option,
    group_positions,
)
from spatialpanel.indices.weighting import compute_weights

__all__ = ["Normalisation", "topsis"]

Normalisation = Literal["minmax", "vector"]
NORMALISATIONS: tuple[str, ...] = ("minmax", "vector")

FloatArray = NDArray[np.float64]


def topsis_core(
    values: FloatArray,
    z: FloatArray,
    weights: FloatArray,
    negative: NDArray[np.bool_],
    normalisation: Normalisation,
) -> dict[str, FloatArray]:
    """Distances and closeness of the rows of one block (all rows weighed together)."""
    if normalisation == "minmax":
        r = z
        best_is_max = np.ones(z.shape[1], dtype=bool)
    else:
        norm = np.sqrt((values**2).sum(axis=0))
        if (norm == 0).any():
            raise DataError("vector normalisation needs indicators that are not all zero.")
        r = values / norm
        best_is_max = ~negative
    v = r * weights
    vmax = v.max(axis=0)
    vmin = v.min(axis=0)
    best = np.where(best_is_max, vmax, vmin)
    worst = np.where(best_is_max, vmin, vmax)
    d_plus = np.sqrt(((v - best) ** 2).sum(axis=1))
    d_minus = np.sqrt(((v - worst) ** 2).sum(axis=1))
    return {"d_plus": d_plus, "d_minus": d_minus, "closeness": d_minus / (d_plus + d_minus)}


def topsis_rows(
    values: FloatArray,
    z: FloatArray,
    row_weights: FloatArray,
    negative: NDArray[np.bool_],
    index: pd.Index,
    *,
    normalisation: Normalisation,
    variant: Variant,
) -> pd.DataFrame:
    """TOPSIS per block (all rows, or each year) with the weights that apply to each row."""
    check_option("normalisation", normalisation, NORMALISATIONS)
    out = np.empty((values.shape[0], 3))
    for _, rows in group_positions(index, variant):
        res = topsis_core(values[rows], z[rows], row_weights[rows[0]], negative, normalisation)
        out[rows] = np.column_stack([res["d_plus"], res["d_minus"], res["closeness"]])
    return pd.DataFrame(out, index=index.copy(), columns=["d_plus", "d_minus", "closeness"])


def topsis(
    frame: pd.DataFrame,
    *,
    directions: Mapping[str, Direction] | IndicatorSystem,
    weights: Mapping[str, float] | pd.Series | None = None,
    normalisation: Normalisation = "minmax",
    shift: float = 1e-4,
    variant: Variant = "panel",
) -> pd.DataFrame:
    """TOPSIS closeness of each row; entropy-TOPSIS when ``weights`` is omitted.

    Parameters
    ----------
    frame
        Rows are region-years, columns include the indicators; no missing values.
    directions
        Indicator column -> ``"positive"`` or ``"negative"`` (or an
        :class:`~spatialpanel.indices.spec.IndicatorSystem`).
    weights
        Indicator weights (non-negative, summing to 1). Omitted: entropy weights with ``shift``
        (computed per year for ``variant="year"``).
    normalisation
        ``"minmax"`` (default) or ``"vector"``.
    shift
        Entropy shift against ``ln 0`` (only used when ``weights`` is omitted).
    variant
        ``"panel"``: ideal solutions over all region-years; ``"year"``: per year.

    Returns
    -------
    pandas.DataFrame
        Columns ``d_plus``, ``d_minus`` and ``closeness`` (in [0, 1]), index of ``frame``.
    """
    system = (
        directions
        if isinstance(directions, IndicatorSystem)
        else IndicatorSystem.uniform(directions)
    )
    _, z, row_weights = compute_weights(
        frame, system, method="entropy", shift=shift, variant=variant
    )
    if weights is not None:
        w = pd.Series(weights, dtype=float)
        missing = [c for c in system.columns if c not in w.index]
        if missing:
            raise ConfigError(f"weights has no entry for indicator(s) {missing}; add them.")
        arr = w.reindex(system.columns).to_numpy(dtype=float)
        if not np.isfinite(arr).all() or (arr < 0).any() or abs(arr.sum() - 1.0) > 1e-9:
            raise ConfigError(
                f"weights={dict(w)} must be finite, non-negative and sum to 1; rescale them."
            )
        row_weights = np.broadcast_to(arr, z.shape).copy()
    values = frame[system.columns].to_numpy(dtype=float)
    return topsis_rows(
        values,
        z,
        row_weights,
        system.negative,
        frame.index,
        normalisation=normalisation,
        variant=variant,
    )
