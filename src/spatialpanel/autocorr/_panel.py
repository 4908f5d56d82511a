"""Shared input handling: the one converter from a labelled panel to time-major arrays.

:func:`panel_block` is the single place where an (entity, time)-indexed panel is validated and
turned into a ``(T, N, c)`` array (time-major, periods sorted): the estimation engine
(:func:`spatialpanel.models.design.panel_arrays`), the tests on data (LM, Mundlak) and the
per-year cross-sections of the autocorrelation statistics (:func:`cross_sections`) all use it, so
every caller gives the same messages, each naming the argument, the region and year, and the fix.
It lives here, upstream of the models and the tests, because the autocorrelation statistics may
not depend on the models.
"""

from __future__ import annotations

import zlib
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, cast

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from spatialpanel.errors import ConfigError, DataError, WeightsError, check_option, did_you_mean
from spatialpanel.inference.distributions import norm_cdf, norm_sf
from spatialpanel.weights.core import SpatialWeights, check_ids_match

__all__ = [
    "Alternative",
    "PanelBlock",
    "analytic_p",
    "check_panel_index",
    "cross_sections",
    "panel_block",
    "permutation_p",
    "year_rng",
]

Alternative = Literal["two-sided", "greater", "less"]
_ALTERNATIVES: tuple[str, ...] = ("two-sided", "greater", "less")
RegionOrder = Literal["data", "weights", "sorted"]


def check_alternative(alternative: str, options: tuple[str, ...] = _ALTERNATIVES) -> None:
    """Refuse an unknown ``alternative``, suggesting the closest option."""
    check_option("alternative", alternative, options)


def _py(value: object) -> object:
    """numpy scalars as plain Python values (for readable messages)."""
    item = getattr(value, "item", None)
    return item() if callable(item) else value


def check_panel_index(obj: object, *, argument: str) -> None:
    """Refuse anything but a pandas object with a unique two-level (entity, time) MultiIndex."""
    index = getattr(obj, "index", None)
    if not isinstance(obj, pd.DataFrame | pd.Series) or not isinstance(index, pd.MultiIndex):
        raise DataError(
            f"{argument} must be a pandas object with a two-level (entity, time) MultiIndex; "
            f"got {type(obj).__name__} without one. Set it with "
            f"{argument}.set_index(['region', 'year'])."
        )
    if index.nlevels != 2:
        raise DataError(
            f"{argument} must have a two-level (entity, time) MultiIndex; it has "
            f"{index.nlevels} levels. Set it with {argument}.set_index(['region', 'year'])."
        )
    for level, role in ((0, "region"), (1, "year")):
        labels = index.get_level_values(level)
        if labels.hasnans:
            where = [tuple(_py(v) for v in r) for r in index[labels.isna()].tolist()[:5]]
            raise DataError(
                f"{argument} has rows without a {role} label ({index.names[level]!r} is missing), "
                f"e.g. {where}; fill or drop them before the analysis."
            )
    if index.has_duplicates:
        dup = [tuple(_py(v) for v in d) for d in index[index.duplicated()].unique().tolist()]
        raise DataError(
            f"{argument} has duplicate (region, year) rows: {dup[:10]}; keep one row each."
        )


@dataclass(frozen=True, eq=False)
class PanelBlock:
    """Columns of a balanced panel as one time-major array ``values`` of shape ``(T, N, c)``."""

    values: NDArray[np.float64]
    columns: tuple[str, ...]
    entities: pd.Index
    periods: pd.Index


def panel_block(
    data: pd.DataFrame,
    *,
    columns: Mapping[str, Sequence[str]],
    w: SpatialWeights | None = None,
    order: RegionOrder = "data",
    argument: str = "data",
) -> PanelBlock:
    """Validate ``data`` and return the named columns as a time-major array.

    Parameters
    ----------
    data
        DataFrame with an (entity, time) MultiIndex, one row per region-year.
    columns
        The columns by the argument that named them, e.g. ``{"y": ["logc"], "x": [...]}``
        (messages name the argument).
    w
        Weights whose ids must be the data's regions.
    order
        Region order of the arrays: ``"data"`` (first appearance), ``"weights"`` (``w.ids``)
        or ``"sorted"``.
    argument
        The name of ``data`` in messages.

    Raises
    ------
    ConfigError
        A named column is missing (with the closest names) or named twice.
    DataError
        Not a panel, duplicate rows, a non-numeric column, an unbalanced panel (the missing
        region-years), missing or infinite values (region, year and column of each).
    WeightsError
        The data's regions are not the ids of ``w`` (the missing and extra regions).
    """
    if not isinstance(data, pd.DataFrame):
        raise DataError(
            f"{argument} must be a pandas DataFrame with an (entity, time) MultiIndex; got "
            f"{type(data).__name__}."
        )
    check_panel_index(data, argument=argument)
    names = [str(c) for c in data.columns]
    cols: list[str] = []
    for role, wanted in columns.items():
        for name in wanted:
            if name not in data.columns:
                raise ConfigError(
                    f"{role}: column {name!r} is not in {argument} (columns: {names[:20]})."
                    + did_you_mean(str(name), names)
                )
            cols.append(name)
    if len(set(cols)) != len(cols):
        twice = sorted({c for c in cols if cols.count(c) > 1})
        raise ConfigError(
            f"{', '.join(columns)} name the column(s) {twice} more than once; list each once."
        )
    values = data[cols]
    for col in cols:
        if not pd.api.types.is_numeric_dtype(values[col]):
            raise DataError(
                f"column {col!r} of {argument} is not numeric; convert it first "
                "(e.g. pd.to_numeric)."
            )
    ent = data.index.get_level_values(0)
    entities = pd.Index(pd.unique(ent), name=data.index.names[0])
    periods = _ordered_periods(data.index.get_level_values(1), argument=argument)
    n, t = len(entities), len(periods)
    if len(data) != n * t:
        full = pd.MultiIndex.from_product([entities, periods])
        missing = [
            tuple(_py(v) for v in m)
            for m in full.difference(cast(pd.MultiIndex, data.index)).tolist()
        ]
        raise DataError(
            f"{argument} is unbalanced: {len(missing)} region-years are missing, e.g. "
            f"{missing[:10]}. Fill them (spatialpanel.fill_missing) or drop those regions."
        )
    # the same regions (w's ids are unique): a hash look-up, O(N); else name the differences
    if w is not None and (len(w.ids) != n or bool((entities.get_indexer(w.ids) < 0).any())):
        check_ids_match(w.ids, entities, what=f"the regions of {argument}")
    if order == "weights" and w is not None:
        entities = pd.Index(w.ids, name=entities.name)
    elif order == "sorted":
        entities = entities.sort_values()
    ordered = values.reindex(pd.MultiIndex.from_product([periods, entities]).swaplevel(0, 1))
    arr = ordered.to_numpy(dtype=float).reshape(t, n, len(cols))
    bad = ~np.isfinite(arr)
    if bad.any():
        ti, ni, ci = np.nonzero(bad)
        by_year: dict[object, list[object]] = {}
        for s_, i in zip(ti, ni, strict=True):
            by_year.setdefault(_py(periods[int(s_)]), []).append(_py(entities[int(i)]))
        years = "; ".join(f"year {y}: regions {r[:10]}" for y, r in list(by_year.items())[:5])
        where = [
            f"region {_py(entities[i])!r}, year {_py(periods[s_])!r}, column {cols[c]!r}"
            for s_, i, c in zip(ti[:10], ni[:10], ci[:10], strict=True)
        ]
        raise DataError(
            f"{argument} has {int(bad.sum())} missing or infinite values ({years}): "
            f"{'; '.join(where)}. Fill them (spatialpanel.fill_missing) or drop those regions."
        )
    return PanelBlock(arr, tuple(cols), entities, periods)


def cross_sections(
    series: pd.Series,
    w: SpatialWeights,
    *,
    years: Sequence[Hashable] | None = None,
) -> dict[Hashable, NDArray[np.float64]]:
    """Split a panel series into one array per year, each in the order of ``w.ids``.

    Only the selected ``years`` need to be complete. Raises a :class:`WeightsError` naming the
    missing and extra regions of a year whose regions are not those of ``w``, and the
    :func:`panel_block` errors (a missing value by region and year).
    """
    if isinstance(series, pd.DataFrame):
        raise DataError(
            "series is a DataFrame; pass one column (e.g. frame['cp']), a Series with an "
            "(entity, time) MultiIndex."
        )
    if not isinstance(series, pd.Series):
        raise DataError(f"series must be a pandas Series; got {type(series).__name__}.")
    check_panel_index(series, argument="series")
    try:
        values = series.astype(float)
    except (TypeError, ValueError) as exc:
        raise DataError(f"series must be numeric ({exc}).") from exc
    times = pd.Index(values.index.get_level_values(1).unique()).sort_values()
    if years is not None:
        wanted = list(years)
        unknown = [y for y in wanted if y not in set(times)]
        if unknown:
            raise DataError(f"years={unknown} are not in the data; its years are {times.tolist()}.")
        times = pd.Index(wanted)
        values = values[values.index.get_level_values(1).isin(wanted)]
    w_set = set(w.ids)  # built once: O(N), not O(N²)
    for t in times:
        cross = values.xs(t, level=1).index
        cross_set = set(cross)
        missing = [i for i in w.ids if i not in cross_set]
        extra = [i for i in cross if i not in w_set]
        if missing or extra:
            raise WeightsError(
                f"year {t}: the regions of series and of w differ: regions in w but not in the "
                f"data {missing[:10]}; regions in the data but not in w {extra[:10]}. Build w for "
                "the panel's regions (or subset the data) so every year has the same regions."
            )
    name = str(series.name) if series.name is not None else "series"
    block = panel_block(
        values.to_frame(name), columns={"series": [name]}, w=w, order="weights", argument="series"
    )
    position = {p: k for k, p in enumerate(block.periods)}
    return {t: np.ascontiguousarray(block.values[position[t], :, 0]) for t in times}


def year_rng(seed: int, t: Hashable) -> np.random.Generator:
    """A generator for one year: the same (seed, year) gives the same draws whatever else runs.

    Integer years key the stream directly; other time labels by the CRC-32 of their text.
    """
    if isinstance(t, int | np.integer) and not isinstance(t, bool):
        key = [int(seed), int(t)]
    else:
        key = [int(seed), 1, zlib.crc32(str(t).encode("utf-8"))]
    return np.random.default_rng(np.random.SeedSequence(key))


def analytic_p(z: float, alternative: str) -> float:
    """p-value of a standard-normal z: two-sided ``2·P(Z ≥ |z|)``, or one of the tails."""
    if not np.isfinite(z):
        return float("nan")
    if alternative == "greater":
        return float(norm_sf(z))
    if alternative == "less":
        return float(norm_cdf(z))
    return float(2.0 * norm_sf(abs(z)))


def permutation_p(observed: float, sims: NDArray[np.float64], alternative: str) -> float:
    """Pseudo p-value ``(#{sims as or more extreme} + 1) / (P + 1)``.

    ``greater``: extreme = ``sim ≥ observed``; ``less``: ``sim ≤ observed``; ``two-sided``:
    twice the smaller of the two one-sided values, capped at 1.
    """
    n = sims.size
    tol = 1e-12 * max(abs(observed), 1e-300)  # ties (up to rounding) count as extreme
    greater = (np.count_nonzero(sims >= observed - tol) + 1.0) / (n + 1.0)
    less = (np.count_nonzero(sims <= observed + tol) + 1.0) / (n + 1.0)
    if alternative == "greater":
        return float(greater)
    if alternative == "less":
        return float(less)
    return float(min(1.0, 2.0 * min(greater, less)))


def _ordered_periods(labels: pd.Index, *, argument: str) -> pd.Index:
    """The distinct period labels in time order.

    Numbers, dates and pandas Periods sort as such; text labels that are all integers or
    decimals (``"1"``, ``"2"``, …, ``"10"``) sort by their value, not as text (``"10"`` before
    ``"2"`` would silently scramble the time order of lags); other text sorts as text (ISO
    dates such as ``"2014-03"`` or ``"2014Q1"`` are then in time order). Labels of mixed types
    are refused.
    """
    uniq = pd.Index(pd.unique(labels), name=labels.name)
    kinds = {type(v) for v in uniq}
    if len(kinds) > 1 and not all(issubclass(k, (int, float, np.number)) for k in kinds):
        shown = [f"{_py(v)!r} ({type(v).__name__})" for v in uniq[:6]]
        raise DataError(
            f"the time labels of {argument} ({labels.name!r}) mix types: {shown}; make them "
            "all numbers (e.g. data.rename(index=int, level=1)) or all text."
        )
    if len(uniq) and all(isinstance(v, str) for v in uniq):
        as_num = pd.to_numeric(pd.Series(list(uniq)), errors="coerce")
        if as_num.notna().all():
            return uniq[np.argsort(as_num.to_numpy(), kind="stable")]
    try:
        return uniq.sort_values()
    except TypeError as exc:  # e.g. unorderable objects
        raise DataError(
            f"the time labels of {argument} ({labels.name!r}) cannot be put in order ({exc}); "
            "use numbers, dates or text."
        ) from exc
