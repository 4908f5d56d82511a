"""Obstacle degree: which indicators hold a region back.

For standardised values ``z_ij`` in [0, 1] and weights ``w_j`` (the factor contribution), the
deviation is ``I_ij = 1 - z_ij`` and the obstacle degree
``O_ij = w_j I_ij / sum_k w_k I_ik x 100 %`` (so each row sums to 100 %); the obstacle degree of a
dimension is the sum over its indicators. A region-year at the best value of every indicator has no
obstacle: its row is 0 throughout (the ratio is undefined there), which ``no_obstacle`` flags.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from spatialpanel._display import FrameDisplay
from spatialpanel.errors import ConfigError, DataError
from spatialpanel.indices.spec import row_label

__all__ = ["ObstacleResult", "obstacle_degree"]


@dataclass(frozen=True)
class ObstacleResult(FrameDisplay):
    """Obstacle degrees (in %).

    Attributes
    ----------
    indicator
        One row per region-year, one column per indicator; rows sum to 100.
    dimension
        One row per region-year, one column per dimension (sums of the indicator columns).
    deviation
        ``1 - z``.
    no_obstacle
        True for rows without any deviation (all zero obstacle degrees).
    """

    indicator: pd.DataFrame
    dimension: pd.DataFrame
    deviation: pd.DataFrame
    no_obstacle: pd.Series

    def to_frame(self) -> pd.DataFrame:
        """The indicator obstacle degrees, by (entity, time)."""
        return self.indicator

    def top(self, n: int = 3, *, time: Hashable | None = None) -> pd.DataFrame:
        """The ``n`` largest obstacles per region.

        Parameters
        ----------
        n
            How many obstacles to list.
        time
            A year (rows of that year); ``None`` averages each region's obstacle degrees over all
            years (needs an (entity, time) MultiIndex). With a flat index every row is a region.

        Returns
        -------
        pandas.DataFrame
            Indexed by region; columns ``obstacle_1``, ``degree_1``, ..., ``obstacle_n``,
            ``degree_n`` (indicator name and its obstacle degree in %).
        """
        if not isinstance(n, int) or n < 1:
            raise ConfigError(f"n={n!r} must be a positive integer.")
        frame = self.indicator
        if isinstance(frame.index, pd.MultiIndex) and frame.index.nlevels == 2:
            if time is None:
                frame = frame.groupby(level=0, sort=False).mean()
            else:
                times = frame.index.get_level_values(1)
                if time not in set(times):
                    raise ConfigError(f"time={time!r} is not a year of the data.")
                frame = frame[np.asarray(times == time)].droplevel(1)
        n = min(n, frame.shape[1])
        order = np.argsort(-frame.to_numpy(), axis=1, kind="stable")[:, :n]
        cols = np.asarray(frame.columns)
        out: dict[str, object] = {}
        for k in range(n):
            out[f"obstacle_{k + 1}"] = cols[order[:, k]]
            out[f"degree_{k + 1}"] = np.take_along_axis(frame.to_numpy(), order[:, [k]], 1)[:, 0]
        return pd.DataFrame(out, index=frame.index)


def obstacle_degree(
    standardised: pd.DataFrame,
    *,
    weights: Mapping[str, float] | pd.Series | pd.DataFrame,
    dimensions: Mapping[str, str] | None = None,
) -> ObstacleResult:
    """Obstacle degree of each indicator and dimension for each row.

    Parameters
    ----------
    standardised
        Standardised indicator values in [0, 1] (e.g. ``IndexResult.standardised``), rows are
        region-years; no missing values.
    weights
        Indicator weights: one per column (mapping or Series), or a DataFrame of the same shape
        and index as ``standardised`` giving the weights of each row (per-year weights).
    dimensions
        Column -> dimension; omitted: every indicator is its own dimension.

    Returns
    -------
    ObstacleResult
    """
    if not isinstance(standardised, pd.DataFrame):
        raise DataError(
            f"standardised must be a pandas DataFrame; got {type(standardised).__name__}."
        )
    cols = [str(c) for c in standardised.columns]
    z = standardised.to_numpy(dtype=float, na_value=np.nan)
    bad = ~np.isfinite(z) | (z < 0) | (z > 1)
    if bad.any():
        r, c = (int(v[0]) for v in np.nonzero(bad))
        raise DataError(
            f"standardised has a value outside [0, 1] or missing at "
            f"{row_label(standardised.index, r)}, indicator {cols[c]!r}; pass min-max "
            "standardised values (IndexResult.standardised)."
        )
    if isinstance(weights, pd.DataFrame):
        if not weights.index.equals(standardised.index) or list(weights.columns) != list(
            standardised.columns
        ):
            raise DataError(
                "weights (a DataFrame) must have the index and columns of standardised."
            )
        w = weights.to_numpy(dtype=float)
    else:
        ws = pd.Series(weights, dtype=float)
        missing = [c for c in standardised.columns if c not in ws.index]
        if missing:
            raise ConfigError(f"weights has no entry for indicator(s) {missing}; add them.")
        w = np.broadcast_to(ws.reindex(standardised.columns).to_numpy(), z.shape)
    if not np.isfinite(w).all() or (w < 0).any():
        raise ConfigError("weights must be finite and non-negative.")
    dev = 1.0 - z
    contrib = w * dev
    total = contrib.sum(axis=1)
    none = total <= 0
    safe = np.where(none, 1.0, total)
    pct = np.where(none[:, None], 0.0, contrib / safe[:, None] * 100.0)
    indicator = pd.DataFrame(pct, index=standardised.index.copy(), columns=standardised.columns)
    dims = dict(dimensions) if dimensions is not None else {c: c for c in standardised.columns}
    missing_dim = [c for c in standardised.columns if c not in dims]
    if missing_dim:
        raise ConfigError(f"dimensions has no entry for indicator(s) {missing_dim}; add them.")
    order = list(dict.fromkeys(dims[c] for c in standardised.columns))
    dimension = pd.DataFrame(
        {
            d: indicator[[c for c in standardised.columns if dims[c] == d]].sum(axis=1)
            for d in order
        },
        index=indicator.index,
    )
    return ObstacleResult(
        indicator=indicator,
        dimension=dimension,
        deviation=pd.DataFrame(dev, index=indicator.index, columns=standardised.columns),
        no_obstacle=pd.Series(none, index=indicator.index, name="no_obstacle"),
    )
