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

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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
        One row per flagged region-year: ``indicator``, ``entity``, ``time``, ``previous``,
        ``value``, ``change``, ``usual_change`` (the region's median change ``c_i``) and
        ``ratio`` = ``|change - c_i| / max(u, u_i)``.
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


def _changes(series: pd.Series) -> tuple[pd.Series, str]:
    """Year-on-year changes of one indicator (consecutive observed years only)."""
    observed = series.dropna()
    log = bool(len(observed)) and bool((observed > 0).all())
    values = np.log(series.where(series > 0)) if log else series
    ordered = values.sort_index(level=[0, 1])
    times = pd.Series(ordered.index.get_level_values(1), index=ordered.index)
    grouped = ordered.groupby(level=0, sort=False)
    step = times.groupby(level=0, sort=False).diff()
    change = grouped.diff().where(step == 1)
    return change.reindex(series.index), "log" if log else "difference"


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
    summary_rows, jump_rows, break_rows = [], [], []
    changes = pd.DataFrame(index=frame.index)
    for col in names:
        change, scale = _changes(frame[col].astype(float))
        changes[col] = change
        valid = change.dropna()
        centre = float(valid.median()) if len(valid) else np.nan
        dev = (valid - centre).abs()
        usual = float(dev.median()) if len(valid) else np.nan
        if usual == 0.0:  # more than half the changes equal: fall back on the mean deviation
            usual = float(dev.mean())
        jump_years: list[int] = []
        break_years: list[int] = []
        if len(valid) and usual > 0:
            own = valid.groupby(level=0).transform("median")
            own_dev = (valid - own).abs()
            spread = np.maximum(usual, own_dev.groupby(level=0).transform("median"))
            ratio: pd.Series = own_dev / spread
            flagged: pd.Series = ratio[ratio > threshold]
            prev = frame[col].groupby(level=0).shift(1)
            keys: list[tuple[Any, Any]] = list(flagged.index)
            for key in keys:
                jump_rows.append(
                    {
                        "indicator": col,
                        "entity": key[0],
                        "time": int(key[1]),
                        "previous": float(prev.loc[key]),
                        "value": float(frame[col].loc[key]),
                        "change": float(valid.loc[key]),
                        "usual_change": float(own.loc[key]),
                        "ratio": float(ratio.loc[key]),
                    }
                )
            jump_years = sorted({int(k[1]) for k in keys})
            medians = valid.groupby(level=1).median()
            for t, m in zip(medians.index.tolist(), medians.tolist(), strict=True):
                r = abs(float(m) - centre) / usual
                if r > year_threshold:
                    break_years.append(int(t))
                    break_rows.append(
                        {"indicator": col, "time": int(t), "median_change": float(m), "ratio": r}
                    )
        summary_rows.append(
            {
                "indicator": col,
                "scale": scale,
                "centre": centre,
                "usual": usual,
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
        changes=changes,
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
    change = report.changes[indicator].copy()
    flagged = pd.Series(False, index=change.index)
    jumps = report.jumps[report.jumps["indicator"] == indicator]
    for entity, time in zip(jumps["entity"], jumps["time"], strict=True):
        flagged.loc[(entity, time)] = True
    times = change.index.get_level_values(1)
    for t in row["break_years"]:
        flagged |= np.asarray(times == t) & change.notna().to_numpy()
    own = change.groupby(level=0).transform("median")
    change = change.where(~flagged, own.fillna(row["centre"]))
    log = row["scale"] == "log"
    source = frame[indicator].astype(float)
    out = source.copy()
    for _, series in source.groupby(level=0, sort=False):
        s = series.sort_index(level=1)
        level = np.log(s.to_numpy()) if log else s.to_numpy().copy()
        steps = change.loc[s.index].to_numpy()
        for k in range(len(level) - 2, -1, -1):
            if np.isfinite(steps[k + 1]) and np.isfinite(level[k]):
                level[k] = level[k + 1] - steps[k + 1]
        out.loc[s.index] = np.exp(level) if log else level
    return out


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
