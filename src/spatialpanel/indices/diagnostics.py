"""Diagnostics of an indicator panel: jumps, breaks of definition and the weights they take.

Real statistics change definition: a survey is reformed, a yearbook changes its denominator, a
census revises the population. Such a break shows as a year-on-year change far above the
indicator's usual change, and because entropy (and CRITIC, CV) weights reward dispersion, a break
can hand an indicator an outsized weight. Two functions find and weigh this:

:func:`detect_jumps`
    flags, per indicator, each region-year whose change is far from the indicator's usual change
    (a *jump*), and each year in which the regions' median change is far from it (a *common
    break*, e.g. a new definition applied everywhere);
:func:`weight_diagnostics`
    sets each indicator's weight against the equal weight ``1/m``, lists its jump and break years,
    and recomputes the weights with the flagged changes replaced by the region's usual (median)
    change (the series *spliced* at its breaks, the latest year kept as published). An indicator is
    flagged when its weight is outsized (at least ``outsized / m``) and it has jumps or breaks.

Conventions
-----------
The change is ``Δ ln x`` (relative change) when every value of the indicator is positive, else
``Δ x``; only consecutive observed years count. Let ``c`` be the median of all changes of the
indicator and ``u`` their median absolute deviation from ``c`` (the indicator's *usual change*),
``c_i`` and ``u_i`` the same over region ``i``'s changes. A region-year is a jump when
``|Δ_it - c_i| > threshold · max(u, u_i)`` (default 10): far from the region's own path and far
beyond both the indicator's and the region's usual variation (a lagging region catching up fast
every year, or a series noisy throughout, is not flagged). A year is a common break when the
median change of the regions that year satisfies ``|median_t - c| > year_threshold · u``
(default 4). A normal distribution has ``u ≈ 0.674 σ``, so 10 u is about 6.7 standard deviations.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd

from spatialpanel.errors import ConfigError, DataError

__all__ = ["JumpReport", "detect_jumps", "splice", "weight_diagnostics"]

_THRESHOLD = 10.0
_YEAR_THRESHOLD = 4.0
_OUTSIZED = 1.5


@dataclass(frozen=True)
class JumpReport:
    """What :func:`detect_jumps` found.

    Attributes
    ----------
    summary
        One row per indicator: ``scale`` (``"log"`` or ``"difference"``), ``centre`` c,
        ``usual`` u, ``jumps`` (number of region-years flagged), ``jump_years`` and
        ``break_years`` (sorted lists).
    jumps
        One row per flagged region-year: ``indicator``, ``entity``, ``time``, ``previous`` (the
        value the year before), ``value``, ``change``, ``usual_change`` (the region's median
        change ``c_i``) and ``ratio`` = ``|change - c_i| / max(u, u_i)``.
    breaks
        One row per flagged common year: ``indicator``, ``time``, ``median_change``, ``ratio``.
    changes
        The year-on-year changes, same (entity, time) index as the input (NaN in the first year).
    threshold, year_threshold
        The settings used.
    """

    summary: pd.DataFrame
    jumps: pd.DataFrame
    breaks: pd.DataFrame
    changes: pd.DataFrame
    threshold: float
    year_threshold: float

    def info(self, indicator: str) -> dict[str, Any]:
        """The summary row of ``indicator`` as a dict."""
        return {str(k): v for k, v in self.summary.loc[indicator].items()}

    def flagged(self, indicator: str) -> bool:
        """Whether ``indicator`` has a jump or a common break."""
        row = self.info(indicator)
        return bool(row["jumps"] > 0 or len(row["break_years"]) > 0)

    def describe(self, indicator: str, *, names: Mapping[Hashable, str] | None = None) -> str:
        """The indicator's jumps and breaks in words, e.g. ``"a common break in 2016; ..."``.

        ``names`` maps entities to display names (e.g. province names) for the largest jump.
        """
        row = self.info(indicator)
        log = row["scale"] == "log"
        parts = []
        for b in self.breaks[self.breaks["indicator"] == indicator].to_dict("records"):
            parts.append(
                f"a common break in {b['time']} (median change {_pct(b['median_change'], log)} "
                f"against a usual {_pct(row['centre'], log)} "
                f"± {_pct(row['usual'], log, sign=False)})"
            )
        jumps = self.jumps[self.jumps["indicator"] == indicator]
        if len(jumps):
            top = jumps.sort_values("ratio", ascending=False).to_dict("records")[0]
            who = names.get(top["entity"], str(top["entity"])) if names else top["entity"]
            parts.append(
                f"{len(jumps)} region-year jump{'s' if len(jumps) > 1 else ''} in "
                f"{_years(row['jump_years'])} (largest: {who} in {top['time']}, "
                f"{_pct(top['change'], log)})"
            )
        return "; ".join(parts)


def _pct(value: Any, log: bool, *, sign: bool = True) -> str:
    value = float(value)
    if log:
        pct = 100.0 * (np.exp(value) - 1.0) if sign else 100.0 * value
        return f"{pct:+.0f}%" if sign else f"{pct:.0f}%"
    return f"{value:+.4g}" if sign else f"{value:.4g}"


def _years(years: Sequence[int]) -> str:
    return ", ".join(str(y) for y in years)


def _check_settings(threshold: float, year_threshold: float) -> None:
    for name, value in (("threshold", threshold), ("year_threshold", year_threshold)):
        if not (isinstance(value, int | float) and np.isfinite(value) and value > 0):
            raise ConfigError(f"{name}={value!r} must be a positive number (e.g. 10 and 4).")


def _panel(frame: pd.DataFrame, argument: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise DataError(f"{argument} must be a pandas DataFrame; got {type(frame).__name__}.")
    if not (isinstance(frame.index, pd.MultiIndex) and frame.index.nlevels == 2):
        raise DataError(
            f"{argument} needs an (entity, time) MultiIndex with integer years; set it with "
            "frame.set_index([entity, time])."
        )
    if frame.index.has_duplicates:
        raise DataError(f"{argument} has duplicated region-years; give each one once.")


def _time_values(frame: pd.DataFrame) -> np.ndarray:
    """The time level as float years (NaN where missing); refused unless it holds numbers."""
    times = frame.index.get_level_values(1)
    kind = pd.api.types.infer_dtype(times, skipna=True)
    if kind not in ("integer", "floating", "mixed-integer-float", "empty"):
        raise DataError(
            f"frame's time level {frame.index.names[1]!r} must hold the years as numbers; got "
            f"{kind} values such as {times[0]!r}. Give the integer year, e.g. "
            "frame.index.set_levels(frame.index.levels[1].astype(int), level=1) for years "
            "written as text, or .year of dates."
        )
    return np.asarray(times.to_numpy(dtype=float, na_value=np.nan))


def _changes(
    raw: np.ndarray, entity: np.ndarray, times: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year-on-year changes of every indicator at once (consecutive observed years only).

    ``raw`` holds the values (m, n), one row per indicator and the panel's rows in its order;
    ``entity`` the region codes of the rows (-1: none) and ``times`` their years. Returns the
    changes (m, n) (NaN where there is none), whether each indicator is on the log scale, and
    for each row the row of the region's year before (meaningful where a change is).
    """
    m, n = raw.shape
    order = np.lexsort((times, entity))  # each region's years in turn
    ent, tim = entity[order], times[order]
    with np.errstate(all="ignore"):
        consecutive = (ent[1:] == ent[:-1]) & (ent[1:] >= 0) & (tim[1:] - tim[:-1] == 1)
        observed = ~np.isnan(raw)
        log = ((raw > 0) | ~observed).all(axis=1) & observed.any(axis=1)
        level = raw.copy()
        level[log] = np.log(raw[log])
        step = np.full((m, n), np.nan)
        step[:, 1:] = np.where(consecutive, level[:, order[1:]] - level[:, order[:-1]], np.nan)
    change = np.empty((m, n))
    change[:, order] = step
    previous_row = np.zeros(n, dtype=np.intp)
    previous_row[order[1:]] = order[:-1]
    return change, log, previous_row


def _group_median(values: np.ndarray, groups: np.ndarray, size: int) -> np.ndarray:
    """Median of ``values`` in each of ``size`` groups (codes ``0..size-1``), NaN skipped.

    Exactly pandas' groupby median: the middle value, or ``(upper + lower) / 2`` of the two
    middle values; NaN for a group without values.
    """
    keep = ~np.isnan(values)
    v, g = values[keep], groups[keep]
    counts = np.bincount(g, minlength=size)
    ordered = v[np.lexsort((v, g))]
    start = np.cumsum(counts) - counts
    has = counts > 0
    lower = ordered[(start + (counts - 1) // 2)[has]]
    upper = ordered[(start + counts // 2)[has]]
    out = np.full(size, np.nan)
    with np.errstate(over="ignore", invalid="ignore"):
        out[has] = np.where(counts[has] % 2 == 1, lower, (upper + lower) / 2)
    return out


def _usual(change: np.ndarray) -> tuple[float, float]:
    """The centre ``c`` (median) of one indicator's changes and their usual deviation ``u``."""
    if not len(change):
        return np.nan, np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN deviations (inf - inf)
        centre = float(np.nanmedian(change))
        dev = np.abs(change - centre)
        usual = float(np.nanmedian(dev))
        if usual == 0.0:  # more than half the changes equal: fall back on the mean deviation
            usual = float(np.nanmean(dev))
    return centre, usual


def detect_jumps(
    frame: pd.DataFrame,
    *,
    columns: Sequence[str] | None = None,
    threshold: float = _THRESHOLD,
    year_threshold: float = _YEAR_THRESHOLD,
) -> JumpReport:
    """Find year-on-year jumps and common breaks in each indicator of a panel.

    Parameters
    ----------
    frame
        Indicators with an (entity, time) MultiIndex, time as integer years; missing cells are
        allowed (a change needs two consecutive observed years). Not modified.
    columns
        Indicators to examine (default: every numeric column).
    threshold
        A region-year is a jump when its change is more than ``threshold`` usual changes (median
        absolute deviations) from the indicator's median change. Default 10.
    year_threshold
        A year is a common break when the median change of the regions that year is more than
        ``year_threshold`` usual changes from the indicator's median change. Default 4.

    Returns
    -------
    JumpReport
    """
    _panel(frame, "frame")
    _check_settings(threshold, year_threshold)
    names = (
        [str(c) for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
        if columns is None
        else [str(c) for c in columns]
    )
    absent = [c for c in names if c not in frame.columns]
    if absent:
        raise DataError(f"columns {absent} are not in frame; present are {list(frame.columns)}.")
    index = cast(pd.MultiIndex, frame.index)
    entity = np.asarray(index.codes[0])  # -1: a missing entity, in no region's series
    times = _time_values(frame)
    m, n = len(names), len(frame)
    raw = np.array([frame[c].astype(float).to_numpy() for c in names]).reshape(m, n)
    change, log, previous_row = _changes(raw, entity, times)
    valid = ~np.isnan(change)
    stats = [_usual(change[j, valid[j]]) for j in range(m)]
    centre = np.array([c for c, _ in stats], dtype=float).reshape(m)
    usual = np.array([u for _, u in stats], dtype=float).reshape(m)
    # the region's and the year's medians, for every indicator with changes that vary
    tested = np.flatnonzero(valid.any(axis=1) & (usual > 0))
    which, row = np.nonzero(valid[tested])  # indicator (of tested) and row of each change
    value = change[tested[which], row]
    n_entities = len(index.levels[0])
    years, year_code = np.unique(times, return_inverse=True)
    region = which * n_entities + entity[row]
    with np.errstate(all="ignore"):
        own = _group_median(value, region, len(tested) * n_entities)[region]
        own_dev = np.abs(value - own)
        own_usual = _group_median(own_dev, region, len(tested) * n_entities)[region]
        ratio = own_dev / np.maximum(usual[tested][which], own_usual)
        yearly = _group_median(
            value, which * len(years) + year_code[row], len(tested) * len(years)
        ).reshape(len(tested), len(years))
        year_ratio = np.abs(yearly - centre[tested][:, None]) / usual[tested][:, None]
    flagged = ratio > threshold
    summary_rows, jump_rows, break_rows = [], [], []
    position = {int(j): k for k, j in enumerate(tested)}
    for j, col in enumerate(names):
        jump_years: list[int] = []
        break_years: list[int] = []
        k = position.get(j)
        if k is not None:
            hits = np.flatnonzero(flagged & (which == k))
            keys: list[tuple[Any, Any]] = list(frame.index[row[hits]]) if len(hits) else []
            for hit, key in zip(hits.tolist(), keys, strict=True):
                i = int(row[hit])
                jump_rows.append(
                    {
                        "indicator": col,
                        "entity": key[0],
                        "time": int(key[1]),
                        "previous": float(raw[j, previous_row[i]]),
                        "value": float(raw[j, i]),
                        "change": float(value[hit]),
                        "usual_change": float(own[hit]),
                        "ratio": float(ratio[hit]),
                    }
                )
            jump_years = sorted({int(key[1]) for key in keys})
            for t in np.flatnonzero(year_ratio[k] > year_threshold).tolist():
                break_years.append(int(years[t]))
                break_rows.append(
                    {
                        "indicator": col,
                        "time": int(years[t]),
                        "median_change": float(yearly[k, t]),
                        "ratio": float(year_ratio[k, t]),
                    }
                )
        summary_rows.append(
            {
                "indicator": col,
                "scale": "log" if log[j] else "difference",
                "centre": float(centre[j]),
                "usual": float(usual[j]),
                "jumps": sum(1 for r in jump_rows if r["indicator"] == col),
                "jump_years": jump_years,
                "break_years": break_years,
            }
        )
    jump_cols = [
        "indicator",
        "entity",
        "time",
        "previous",
        "value",
        "change",
        "usual_change",
        "ratio",
    ]
    break_cols = ["indicator", "time", "median_change", "ratio"]
    return JumpReport(
        summary=pd.DataFrame(summary_rows).set_index("indicator"),
        jumps=pd.DataFrame(jump_rows, columns=jump_cols),
        breaks=pd.DataFrame(break_rows, columns=break_cols),
        changes=pd.DataFrame(dict(zip(names, change, strict=True)), index=frame.index),
        threshold=float(threshold),
        year_threshold=float(year_threshold),
    )


def splice(frame: pd.DataFrame, report: JumpReport, indicator: str) -> pd.Series:
    """The indicator with its flagged changes replaced by each region's median change ``c_i``.

    The series of each region is rebuilt backwards from its latest observed year, which keeps
    its published value: earlier years are moved onto the latest definition, the usual practice
    when splicing a series at a break.
    """
    row = report.info(indicator)
    index = cast(pd.MultiIndex, frame.index)
    change_series = report.changes[indicator]
    if not change_series.index.equals(index):
        change_series = change_series.loc[index]
    change = change_series.to_numpy(dtype=float, copy=True)
    flagged = np.zeros(len(change), dtype=bool)
    jumps = report.jumps[report.jumps["indicator"] == indicator]
    if len(jumps):
        keys = pd.MultiIndex.from_arrays([jumps["entity"], jumps["time"]])
        at = index.get_indexer(keys)
        if (at < 0).any():
            who, when = keys[int(np.argmin(at))]
            raise DataError(
                f"report lists a jump of {indicator!r} in region {who}, year {when}, which "
                "frame does not have; compute the report from this frame with "
                "detect_jumps(frame)."
            )
        flagged[at] = True
    times = _time_values(frame)
    for t in row["break_years"]:
        flagged |= (times == t) & ~np.isnan(change)
    entity = np.asarray(index.codes[0])
    known = entity >= 0  # a row without a region is in no region's series: left as it is
    own = np.full(len(change), np.nan)
    own[known] = _group_median(change[known], entity[known], len(index.levels[0]))[entity[known]]
    change[flagged] = np.where(np.isnan(own), float(row["centre"]), own)[flagged]
    log = row["scale"] == "log"
    source = frame[indicator].astype(float)
    # each region's years in turn; rebuilt backwards, all regions a position at a time
    order = np.lexsort((times, entity))
    order = order[known[order]]
    ent = entity[order]
    with np.errstate(divide="ignore", invalid="ignore"):
        level = np.log(source.to_numpy()[order]) if log else source.to_numpy()[order]
    step = change[order]
    first = np.ones(len(order), dtype=bool)  # a region's first (earliest) row
    first[1:] = ent[1:] != ent[:-1]
    starts = np.flatnonzero(first)
    position = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    has_next = np.zeros(len(order), dtype=bool)
    has_next[:-1] = ~first[1:]
    for k in range(int(position.max(initial=0)) - 1, -1, -1):
        rows = np.flatnonzero((position == k) & has_next)
        rows = rows[np.isfinite(step[rows + 1]) & np.isfinite(level[rows])]
        level[rows] = level[rows + 1] - step[rows + 1]
    values = source.to_numpy(copy=True)
    values[order] = np.exp(level) if log else level
    return pd.Series(values, index=source.index, name=source.name)


def weight_diagnostics(
    frame: pd.DataFrame,
    result: object,
    *,
    outsized: float = _OUTSIZED,
    threshold: float = _THRESHOLD,
    year_threshold: float = _YEAR_THRESHOLD,
) -> pd.DataFrame:
    """Weights of an index against the equal weight, with the jumps and breaks behind them.

    Parameters
    ----------
    frame
        The indicator data the index was computed on ((entity, time) MultiIndex, no missing
        cells in the index's columns).
    result
        The :class:`~spatialpanel.indices.composite.IndexResult` of that index.
    outsized
        An indicator's weight is outsized when it is at least ``outsized`` times the equal
        weight ``1/m`` (default 1.5).
    threshold, year_threshold
        As in :func:`detect_jumps`.

    Returns
    -------
    pandas.DataFrame
        One row per indicator (index ``indicator``): ``weight`` (the mean over years in the
        per-year variant), ``vs_equal`` (weight × m), ``jumps``, ``jump_years``,
        ``break_years``, ``weight_spliced`` (its weight when its flagged changes are replaced by
        the region's median change, the other indicators as they are; equal to ``weight`` when
        nothing is flagged) and ``flag`` (outsized and with jumps or breaks).
    """
    from spatialpanel.indices.composite import IndexResult, composite_index

    if not isinstance(result, IndexResult):
        raise ConfigError(
            f"result must be the IndexResult of composite_index; got {type(result).__name__}."
        )
    _panel(frame, "frame")
    if not (isinstance(outsized, int | float) and outsized > 0):
        raise ConfigError(f"outsized={outsized!r} must be a positive number (e.g. 1.5).")
    cols = result.system.columns
    report = detect_jumps(frame, columns=cols, threshold=threshold, year_threshold=year_threshold)
    weights = _mean_weights(result)
    m = len(cols)
    rows = []
    for col in cols:
        w = float(weights[col])
        info = report.info(col)
        spliced = w
        if report.flagged(col):
            adjusted = frame[cols].copy()
            adjusted[col] = splice(frame, report, col)
            redo = composite_index(
                adjusted,
                indicators=result.system,
                method=result.method,  # type: ignore[arg-type]
                variant=result.variant,  # type: ignore[arg-type]
                shift=result.shift,
            )
            spliced = float(_mean_weights(redo)[col])
        rows.append(
            {
                "indicator": col,
                "weight": w,
                "vs_equal": w * m,
                "jumps": int(info["jumps"]),
                "jump_years": list(info["jump_years"]),
                "break_years": list(info["break_years"]),
                "weight_spliced": spliced,
                "flag": bool(w * m >= outsized and report.flagged(col)),
                "detail": report.describe(col),
            }
        )
    return pd.DataFrame(rows).set_index("indicator")


def _mean_weights(result: object) -> dict[Hashable, float]:
    weights = result.weights["weight"]  # type: ignore[attr-defined]
    if result.variant == "year":  # type: ignore[attr-defined]
        weights = weights.groupby(level="indicator").mean()
    return {k: float(v) for k, v in weights.items()}
