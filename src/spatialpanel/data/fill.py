"""Filling missing cells of a panel, each fill listed in the audit table.

The default is the seed paper's method: for each region and variable, linear interpolation
between the adjacent observed years, and linear extrapolation at the ends from the two nearest
observed years (the first two for early years, the last two for late years). Alternatives:

``"nearest"``
    the value of the nearest observed year (the earlier one when two are equally near);
``"mean"``
    the mean of the region's observed years of the variable;
``"none"``
    refuse: a :class:`~spatialpanel.errors.DataError` lists every missing cell.

A region whose variable has fewer than two observed years cannot be filled (there is nothing to
interpolate or extrapolate from) and is reported as an error naming the variable and region.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from spatialpanel.data.audit import AuditLog
from spatialpanel.data.validate import (
    Bounds,
    check_bounds,
    check_panel_frame,
    describe_region,
    format_cells,
    normalize_bounds,
)
from spatialpanel.errors import ConfigError, DataError, did_you_mean
from spatialpanel.text import Message, msg

__all__ = ["FillMethod", "fill_missing"]

FillMethod = Literal["linear", "nearest", "mean", "none"]
_METHODS: tuple[str, ...] = ("linear", "nearest", "mean", "none")


def fill_missing(
    frame: pd.DataFrame,
    *,
    method: FillMethod = "linear",
    bounds: Bounds | None = None,
    nonnegative: Iterable[str] = (),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fill the missing cells of a panel.

    Parameters
    ----------
    frame
        Panel with an (entity, time) MultiIndex (integer years) and numeric columns, e.g.
        ``read_panel(...).frame``. Not modified.
    method
        ``"linear"`` (default: interpolation, linear extrapolation at the ends), ``"nearest"``,
        ``"mean"`` or ``"none"`` (refuse when a cell is missing).
    bounds, nonnegative
        Limits the filled values must respect, as in :func:`~spatialpanel.data.readers.read_panel`;
        extrapolation can leave the admissible range (e.g. a share below 0), which is then an
        error naming the cell, with the advice to choose another method.

    Returns
    -------
    filled : DataFrame
        A new frame, same index and columns, without missing cells.
    audit : DataFrame
        One row per filled cell (step ``"fill"``), with the method and the years used.

    Raises
    ------
    ConfigError
        For an unknown ``method``.
    DataError
        If ``method="none"`` and cells are missing; if a region's variable has fewer than two
        observed years; if a filled value breaks ``bounds``/``nonnegative``.
    """
    if method not in _METHODS:
        raise ConfigError(
            f"method={method!r} is not a fill method; use one of {_METHODS}."
            + did_you_mean(str(method), _METHODS)
        )
    check_panel_frame(frame)
    limits = normalize_bounds(bounds, nonnegative, columns=list(frame.columns))
    log = AuditLog()
    ordered = frame.sort_index(level=[0, 1])
    missing = ordered.isna()
    if not missing.to_numpy().any():
        return frame.copy(), log.frame()
    if method == "none":
        _refuse(ordered, missing)
    filled = ordered.copy()
    entities = ordered.index.get_level_values(0)
    times = ordered.index.get_level_values(1).to_numpy(dtype=np.int64)
    for col in ordered.columns:
        values = ordered[col].to_numpy(dtype=float)
        out = values.copy()
        for entity in pd.unique(entities[missing[col].to_numpy()]):
            rows = np.flatnonzero(entities == entity)
            _fill_one(values[rows], times[rows], out, rows, method, entity, str(col), log)
        filled[col] = out
    result = filled.reindex(frame.index)
    if limits:

        def where(entity: Hashable, time: Hashable, col: str) -> str:
            return f"filling ({method}) column {col!r}, region {describe_region(entity)}, {time}"

        filled_only = result.where(frame.isna())
        check_bounds(filled_only, limits, where=where, what="filled value (use another method=)")
    return result, log.frame()


def _fill_one(
    values: NDArray[np.float64],
    times: NDArray[np.int64],
    out: NDArray[np.float64],
    rows: NDArray[np.intp],
    method: str,
    entity: Hashable,
    col: str,
    log: AuditLog,
) -> None:
    seen = ~np.isnan(values)
    t_obs, v_obs = times[seen], values[seen]
    if t_obs.size < 2:
        raise DataError(
            f"variable {col!r} has {t_obs.size} observed year(s) for region "
            f"{describe_region(entity)} (years {sorted(times.tolist())}), so its missing years "
            "cannot be interpolated or extrapolated. Supply at least two years of data for it, "
            "or drop the variable or the region."
        )
    for k in np.flatnonzero(~seen):
        t = int(times[k])
        value, detail = _estimate(t, t_obs, v_obs, method)
        out[rows[k]] = value
        log.add("fill", entity=entity, time=t, variable=col, old=None, new=value, detail=detail)


def _estimate(
    t: int, t_obs: NDArray[np.int64], v_obs: NDArray[np.float64], method: str
) -> tuple[float, Message]:
    """The filled value and the audit detail (a message: the report renders it per language)."""
    if method == "mean":
        return float(np.mean(v_obs)), msg("mean of the {n} observed years", n=int(t_obs.size))
    if method == "nearest":
        k = int(np.argmin(np.abs(t_obs - t)))  # first minimum: the earlier year on ties
        return float(v_obs[k]), msg(
            "nearest observed year {t} ({v})", t=int(t_obs[k]), v=f"{v_obs[k]:.10g}"
        )
    after = int(np.searchsorted(t_obs, t))
    i, j = (0, 1) if after == 0 else (after - 1, after)
    if after == t_obs.size:
        i, j = t_obs.size - 2, t_obs.size - 1
    t0, t1, v0, v1 = int(t_obs[i]), int(t_obs[j]), float(v_obs[i]), float(v_obs[j])
    value = v0 + (v1 - v0) * (t - t0) / (t1 - t0)
    args: dict[str, Any] = {"t0": t0, "t1": t1, "v0": f"{v0:.10g}", "v1": f"{v1:.10g}"}
    if after == 0:
        return value, msg("linear extrapolation backward from {t0} ({v0}) and {t1} ({v1})", **args)
    if after == t_obs.size:
        return value, msg("linear extrapolation forward from {t0} ({v0}) and {t1} ({v1})", **args)
    return value, msg("linear interpolation between {t0} ({v0}) and {t1} ({v1})", **args)


def _refuse(frame: pd.DataFrame, missing: pd.DataFrame) -> None:
    parts = []
    total = 0
    for col in frame.columns:
        cells = list(frame.index[missing[col].to_numpy()])
        if cells:
            total += len(cells)
            parts.append(f"{col!r}: {format_cells(cells, listed=6)}")
    raise DataError(
        f"method='none' refuses missing cells, and {total} are missing: "
        + "; ".join(parts[:10])
        + (f"; and {len(parts) - 10} more columns" if len(parts) > 10 else "")
        + ". Fill them in the file or choose method='linear', 'nearest' or 'mean'."
    )
