"""Labelled panel -> time-major arrays, for the tests that work on data directly (LM, LR, Mundlak).

The estimation engine has its own converter; this one is deliberately small: it validates the
(entity, time) MultiIndex, the balance of the panel and the match with the weights' ids, and
returns arrays of shape ``(T, N)`` / ``(T, N, k)`` with regions in the order of ``w.ids``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from spatialpanel.errors import DataError, did_you_mean
from spatialpanel.weights.core import SpatialWeights, check_ids_match

__all__ = ["PanelArrays", "panel_arrays"]


@dataclass(frozen=True)
class PanelArrays:
    """A balanced panel as time-major arrays (regions in the weights' order)."""

    y: NDArray[np.float64]  # (T, N)
    x: NDArray[np.float64]  # (T, N, k)
    x_names: tuple[str, ...]
    entities: pd.Index
    times: pd.Index

    @property
    def n(self) -> int:
        """Number of regions."""
        return int(self.y.shape[1])

    @property
    def t(self) -> int:
        """Number of periods."""
        return int(self.y.shape[0])


def panel_arrays(
    data: pd.DataFrame, *, y: str, x: Sequence[str], w: SpatialWeights | None = None
) -> PanelArrays:
    """Validate ``data`` and return its ``y`` and ``x`` columns as time-major arrays.

    Parameters
    ----------
    data
        DataFrame with an (entity, time) MultiIndex, one row per region-year.
    y, x
        Column names of the dependent variable and the regressors.
    w
        Weights whose ids fix the region order; sorted entity order when omitted.
    """
    if not isinstance(data, pd.DataFrame) or data.index.nlevels != 2:
        raise DataError(
            "data must be a DataFrame with an (entity, time) MultiIndex; set it with "
            "data.set_index([entity, time])."
        )
    x = [x] if isinstance(x, str) else list(x)
    if not x:
        raise DataError("x is empty; pass at least one regressor column.")
    cols = [y, *x]
    for c in cols:
        if c not in data.columns:
            raise DataError(
                f"column {c!r} (from y/x) is not in data; available: {list(data.columns)[:20]}."
                + did_you_mean(str(c), [str(k) for k in data.columns])
            )
    if len(set(cols)) != len(cols):
        raise DataError(f"y and x must name distinct columns; got y={y!r}, x={x}.")
    if data.index.has_duplicates:
        dup = data.index[data.index.duplicated()][0]
        raise DataError(f"data has duplicate (entity, time) rows, e.g. {dup}; keep one per pair.")
    frame = data[cols].astype(float)
    bad = frame.isna().any(axis=1)
    if bool(bad.any()):
        ent, tim = frame.index[bad.to_numpy()][0]
        raise DataError(
            f"data has missing values in {cols} (first at region {ent!r}, year {tim!r}); fill "
            "or drop them before testing."
        )
    entities = pd.Index(frame.index.get_level_values(0).unique())
    times = pd.Index(sorted(frame.index.get_level_values(1).unique()))
    if len(frame) != len(entities) * len(times):
        raise DataError(
            f"data is not a balanced panel: {len(frame)} rows for {len(entities)} regions x "
            f"{len(times)} periods; fill the missing region-years (or drop regions)."
        )
    if w is not None:
        check_ids_match(w.ids, entities, what="the regions of data")
        order = w.ids
    else:
        order = pd.Index(sorted(entities))
    full = pd.MultiIndex.from_product([order, times])
    arr = frame.reindex(full).to_numpy().reshape(len(order), len(times), len(cols))
    arr = np.transpose(arr, (1, 0, 2))  # (T, N, 1 + k)
    return PanelArrays(
        y=np.ascontiguousarray(arr[:, :, 0]),
        x=np.ascontiguousarray(arr[:, :, 1:]),
        x_names=tuple(str(c) for c in x),
        entities=order,
        times=times,
    )
