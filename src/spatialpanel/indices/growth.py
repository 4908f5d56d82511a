"""Growth summary of an index: first and last level, change and average annual growth rate.

For a series ``y_t`` observed from year ``t0`` to ``t1``: ``change = y_t1 - y_t0``,
``total_growth = (y_t1 / y_t0 - 1) x 100 %`` and the average annual growth rate (compound)
``aagr = ((y_t1 / y_t0)^(1 / (t1 - t0)) - 1) x 100 %``; both are undefined (NaN) when ``y_t0 <= 0``.
Group rows (regions) use the unweighted mean of the group's members in each year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from spatialpanel.errors import DataError

__all__ = ["group_means", "growth_summary"]


def _check(scores: pd.Series) -> None:
    if not isinstance(scores, pd.Series):
        raise DataError(f"scores must be a pandas Series; got {type(scores).__name__}.")
    if not (isinstance(scores.index, pd.MultiIndex) and scores.index.nlevels == 2):
        raise DataError("scores needs an (entity, time) MultiIndex.")
    if scores.isna().any():
        key = scores.index[scores.isna().to_numpy()][0]
        raise DataError(f"scores is missing at region {key[0]!r}, year {key[1]!r}.")


def group_means(scores: pd.Series, *, groups: pd.Series) -> pd.DataFrame:
    """Mean of ``scores`` per group and year: rows groups, columns years.

    ``groups`` maps entity -> group (e.g. ``spatialpanel.data.china.region_of()``); every entity
    of ``scores`` must have a group.
    """
    _check(scores)
    entities = scores.index.get_level_values(0)
    missing = sorted({e for e in entities if e not in groups.index}, key=str)
    if missing:
        raise DataError(f"groups has no group for region(s) {missing[:5]}; add them.")
    frame = scores.rename("score").reset_index()
    frame.columns = ["entity", "time", "score"]
    frame["group"] = groups.reindex(entities).to_numpy()
    order = list(dict.fromkeys(groups.reindex(pd.unique(entities))))
    wide = frame.pivot_table(index="group", columns="time", values="score", aggfunc="mean")
    return wide.reindex(order)


def growth_summary(scores: pd.Series, *, groups: pd.Series | None = None) -> pd.DataFrame:
    """First, last, change and growth rates per entity (or per group mean).

    Parameters
    ----------
    scores
        An index with an (entity, time) MultiIndex (e.g. ``IndexResult.scores["score"]``).
    groups
        Entity -> group; when given, the rows are the groups (means of their members).

    Returns
    -------
    pandas.DataFrame
        Columns ``first_year``, ``last_year``, ``first``, ``last``, ``change``,
        ``total_growth_pct`` and ``aagr_pct``; rows entities (in order of appearance) or groups.
    """
    _check(scores)
    if groups is not None:
        wide = group_means(scores, groups=groups)
    else:
        wide = scores.unstack(level=1)
        wide = wide.reindex(pd.unique(scores.index.get_level_values(0)))
    wide = wide.reindex(sorted(wide.columns), axis=1)
    if wide.shape[1] < 2:
        raise DataError("scores covers a single year; growth needs at least two years.")
    if wide.isna().any().any():
        raise DataError("scores is unbalanced (some region-years missing); balance the panel.")
    t0, t1 = wide.columns[0], wide.columns[-1]
    first = wide[t0].to_numpy(dtype=float)
    last = wide[t1].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(first > 0, last / np.where(first > 0, first, 1.0), np.nan)
        years = float(t1) - float(t0)
        aagr = np.where(ratio >= 0, np.power(np.where(ratio >= 0, ratio, 1.0), 1.0 / years), np.nan)
    return pd.DataFrame(
        {
            "first_year": t0,
            "last_year": t1,
            "first": first,
            "last": last,
            "change": last - first,
            "total_growth_pct": (ratio - 1.0) * 100.0,
            "aagr_pct": (aagr - 1.0) * 100.0,
        },
        index=wide.index,
    )
