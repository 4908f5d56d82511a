"""Shared input handling of the autocorrelation statistics: panel series → cross-sections."""

from __future__ import annotations

import zlib
from collections.abc import Hashable, Sequence
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

from spatialpanel.errors import DataError, WeightsError, check_option
from spatialpanel.weights.core import SpatialWeights

__all__ = ["Alternative", "analytic_p", "cross_sections", "permutation_p", "year_rng"]

Alternative = Literal["two-sided", "greater", "less"]
_ALTERNATIVES: tuple[str, ...] = ("two-sided", "greater", "less")


def check_alternative(alternative: str, options: tuple[str, ...] = _ALTERNATIVES) -> None:
    """Refuse an unknown ``alternative``, suggesting the closest option."""
    check_option("alternative", alternative, options)


def cross_sections(
    series: pd.Series,
    w: SpatialWeights,
    *,
    years: Sequence[Hashable] | None = None,
) -> dict[Hashable, NDArray[np.float64]]:
    """Split a panel series into one array per year, each in the order of ``w.ids``.

    Raises a :class:`DataError` naming the region and year of a missing value, and a
    :class:`WeightsError` naming the missing and extra regions of a year whose regions are not
    those of ``w``.
    """
    if isinstance(series, pd.DataFrame):
        raise DataError(
            "series is a DataFrame; pass one column (e.g. frame['cp']), a Series with an "
            "(entity, time) MultiIndex."
        )
    if not isinstance(series, pd.Series):
        raise DataError(f"series must be a pandas Series; got {type(series).__name__}.")
    if not isinstance(series.index, pd.MultiIndex) or series.index.nlevels != 2:
        raise DataError(
            "series must have an (entity, time) MultiIndex with two levels; set it with "
            "frame.set_index(['province', 'year'])[column]."
        )
    if series.index.has_duplicates:
        dup = series.index[series.index.duplicated()][:5].tolist()
        raise DataError(f"series has duplicated (entity, time) pairs: {dup}.")
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
    out: dict[Hashable, NDArray[np.float64]] = {}
    for t in times:
        cross = values.xs(t, level=1)
        cross_set, w_set = set(cross.index), set(w.ids)  # built once: O(N), not O(N²)
        missing = [i for i in w.ids if i not in cross_set]
        extra = [i for i in cross.index if i not in w_set]
        if missing or extra:
            raise WeightsError(
                f"year {t}: the regions of series and of w differ: regions in w but not in the "
                f"data {missing[:10]}; regions in the data but not in w {extra[:10]}. Build w for "
                "the panel's regions (or subset the data) so every year has the same regions."
            )
        arr: NDArray[np.float64] = np.asarray(cross.loc[w.ids].to_numpy(), dtype=np.float64)
        bad = ~np.isfinite(arr)
        if bad.any():
            regions = w.ids[bad].tolist()
            raise DataError(
                f"series has missing or infinite values in year {t} for regions {regions[:10]}; "
                "fill or drop them first (spatialpanel.fill_missing)."
            )
        out[t] = arr
    return out


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
        return float(stats.norm.sf(z))
    if alternative == "less":
        return float(stats.norm.cdf(z))
    return float(2.0 * stats.norm.sf(abs(z)))


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
