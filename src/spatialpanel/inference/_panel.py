"""Labelled panel -> time-major ``(y, x)`` arrays for the tests that work on data (LM, LR, Mundlak).

A thin adapter of the one panel converter, :func:`spatialpanel.autocorr._panel.panel_block`
(same validation and messages as the estimation engine); regions in the order of ``w.ids``
(sorted when no weights are given).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from spatialpanel.autocorr._panel import panel_block
from spatialpanel.errors import ConfigError
from spatialpanel.weights.core import SpatialWeights

__all__ = ["PanelArrays", "panel_arrays"]


@dataclass(frozen=True)
class PanelArrays:
    """A balanced panel as time-major arrays: ``y`` is ``(T, N)``, ``x`` is ``(T, N, k)``."""

    y: NDArray[np.float64]
    x: NDArray[np.float64]
    x_names: tuple[str, ...]
    entities: pd.Index
    times: pd.Index


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
    xs = [x] if isinstance(x, str) else list(x)
    if not xs:
        raise ConfigError("x is empty; pass at least one regressor column.")
    block = panel_block(
        data, columns={"y": [y], "x": xs}, w=w, order="sorted" if w is None else "weights"
    )
    return PanelArrays(
        y=np.ascontiguousarray(block.values[:, :, 0]),
        x=np.ascontiguousarray(block.values[:, :, 1:]),
        x_names=tuple(str(c) for c in xs),
        entities=block.entities,
        times=block.periods,
    )
