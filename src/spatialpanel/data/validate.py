"""Checks at the boundary: the panel's shape, its balance and impossible values.

These run once, in :func:`~spatialpanel.data.readers.read_panel` (and on the output of
:func:`~spatialpanel.data.fill.fill_missing`); the later stages trust the data they receive.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from spatialpanel.data.names import region_label
from spatialpanel.errors import ConfigError, DataError, did_you_mean

__all__ = [
    "Bounds",
    "check_bounds",
    "check_panel_frame",
    "describe_region",
    "format_cells",
    "normalize_bounds",
]

Bounds = Mapping[str, tuple[float | None, float | None]]
_LISTED = 12


def describe_region(entity: Hashable) -> str:
    """``"北京市 (Beijing, 110000)"`` for a province code, ``'id'`` for other ids."""
    if isinstance(entity, int | np.integer) and 110000 <= int(entity) <= 659999:
        return region_label(int(entity))
    return repr(entity)


def format_cells(cells: Sequence[tuple[Hashable, Hashable]], *, listed: int = _LISTED) -> str:
    """``"北京市 (Beijing, 110000) 2015, ... and 3 more"`` for (entity, time) pairs."""
    shown = ", ".join(f"{describe_region(e)} {t}" for e, t in cells[:listed])
    more = len(cells) - listed
    return shown + (f" and {more} more" if more > 0 else "")


def check_panel_frame(frame: object, *, argument: str = "frame") -> pd.DataFrame:
    """Check that ``frame`` is a panel DataFrame: (entity, time) MultiIndex, unique, numeric.

    Returns the frame unchanged (the caller's object is not modified).

    Raises
    ------
    DataError
        Naming ``argument`` and what to change.
    """
    if not isinstance(frame, pd.DataFrame):
        raise DataError(
            f"{argument} must be a pandas DataFrame with an (entity, time) MultiIndex, got "
            f"{type(frame).__name__}. Read files with spatialpanel.read_panel(...)."
        )
    if not isinstance(frame.index, pd.MultiIndex) or frame.index.nlevels != 2:
        raise DataError(
            f"{argument} must have a two-level (entity, time) MultiIndex; it has "
            f"{frame.index.nlevels} level(s). Use frame.set_index([entity, time])."
        )
    dup = frame.index.duplicated()
    if dup.any():
        pairs = list(frame.index[dup])
        raise DataError(
            f"{argument} has duplicate region-years: {format_cells(pairs)}. Keep one row each."
        )
    bad = [str(c) for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    if bad:
        raise DataError(
            f"{argument} has non-numeric columns {bad}. Read the data with "
            "spatialpanel.read_panel(...), which converts and checks every cell."
        )
    times = frame.index.get_level_values(1)
    if not pd.api.types.is_integer_dtype(times):
        raise DataError(
            f"{argument}'s time level must hold integer years; it holds {times.dtype}. "
            "Convert it with astype(int)."
        )
    return frame


def normalize_bounds(
    bounds: Bounds | None, nonnegative: Iterable[str], *, columns: Sequence[Hashable]
) -> dict[str, tuple[float, float]]:
    """Merge ``bounds`` and ``nonnegative`` into ``{column: (low, high)}``; check the names.

    Raises
    ------
    ConfigError
        If a name is not a column, or a bound is not a (low, high) pair with low <= high.
    """
    limits: dict[str, tuple[float, float]] = {}
    names = [str(c) for c in columns]
    for col in nonnegative:
        limits[str(col)] = (0.0, math.inf)
    for col, pair in (bounds or {}).items():
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise ConfigError(
                f"bounds[{col!r}] must be a (low, high) pair, got {pair!r}; use None for no limit."
            )
        low = -math.inf if pair[0] is None else float(pair[0])
        high = math.inf if pair[1] is None else float(pair[1])
        if low > high:
            raise ConfigError(f"bounds[{col!r}] = {tuple(pair)} has low > high; swap them.")
        old = limits.get(str(col), (-math.inf, math.inf))
        limits[str(col)] = (max(low, old[0]), min(high, old[1]))
    for col in limits:
        if col not in names:
            raise ConfigError(
                f"bounds/nonnegative name the column {col!r}, which the data does not have."
                + did_you_mean(col, names)
            )
    return limits


def check_bounds(
    frame: pd.DataFrame,
    limits: Mapping[str, tuple[float, float]],
    *,
    where: Callable[[Hashable, Hashable, str], str],
    what: str = "value",
) -> None:
    """Refuse values outside their column's (low, high) limits, naming each offending cell.

    ``where(entity, time, column)`` describes a cell's origin (file, sheet, row).
    """
    for col, (low, high) in limits.items():
        values = frame[col].to_numpy(dtype=float)
        bad = np.flatnonzero(~np.isnan(values) & ((values < low) | (values > high)))
        if bad.size == 0:
            continue
        cells = [frame.index[int(i)] for i in bad]
        first = cells[0]
        shown = "; ".join(
            f"{describe_region(e)} {t}: {values[i]:g}"
            for (e, t), i in zip(cells[:_LISTED], bad, strict=False)
        )
        limit = f"below {low:g}" if values[bad[0]] < low else f"above {high:g}"
        raise DataError(
            f"{where(first[0], first[1], col)}: the {what} {values[bad[0]]:g} in column {col!r} "
            f"is {limit}, outside the allowed range [{low:g}, {high:g}]. {len(bad)} cell(s) of "
            f"the column are outside it: {shown}. Correct the data (check the unit) or change "
            "bounds=/nonnegative=."
        )
