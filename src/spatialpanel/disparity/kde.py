"""Kernel density estimates of an index, year by year, for the whole country and per region.

Bandwidth rules (``h`` is the standard deviation of the kernel, as in R's ``density``):

===================== ==================================== =======================================
rule                  h                                    same as
===================== ==================================== =======================================
``"silverman"``       0.9 · min(σ, IQR/1.34) · n^(−1/5)    R ``bw.nrd0`` (Silverman 1986, eq. 3.31)
``"scott"``           1.06 · min(σ, IQR/1.34) · n^(−1/5)   R ``bw.nrd`` (Scott 1992)
``"scipy_scott"``     σ · n^(−1/5)                         scipy ``gaussian_kde`` ``"scott"``
``"scipy_silverman"`` σ · (3n/4)^(−1/5)                    scipy ``gaussian_kde`` ``"silverman"``
a number              that number                          a fixed bandwidth
===================== ==================================== =======================================

σ is the sample standard deviation (ddof = 1) and IQR the interquartile range with linear
interpolation (R's type 7, numpy's default). statsmodels differs again: its ``bw_silverman`` and
``bw_scott`` use IQR/1.349 and the factors 0.9 and 1.059; see ``docs/conventions.md``.

Densities are evaluated exactly (a sum over the observations at every grid point), not by R's
FFT binning, so they agree with scipy's ``gaussian_kde`` to rounding.

**Bounded indices.** A composite index lies in [0, 1]; a plain kernel estimate puts mass outside
that range (a support running to −0.2) and underestimates the density near the bounds. With
``bounds=(a, b)`` the estimate uses the reflection method (Schuster 1985; Silverman 1986, §2.10):

    f̂(x) = 1/(n h) Σ_i [K((x − X_i)/h) + K((x − (2a − X_i))/h) + K((x − (2b − X_i))/h)]

for a ≤ x ≤ b and 0 outside, i.e. the ordinary estimate of the sample augmented by its mirror
images at each bound, times 3, restricted to [a, b] (the bandwidth is that of the original
sample). It integrates to 1 on [a, b] up to the kernel mass beyond a whole interval's width from
a bound (Gaussian kernel: below 1e-12 for h < (b − a)/7). Either bound may be ``None``.

**Small groups.** A density of a handful of points is a few spikes (3 regions give densities
near 100), so groups with fewer than ``min_group_size`` regions get no curve; they are listed in
``KernelDensity.omitted`` with their size.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from spatialpanel.disparity._common import check_panel, group_order, resolve_groups
from spatialpanel.errors import ConfigError, DataError, check_option, did_you_mean

__all__ = ["BandwidthRule", "Kernel", "KernelDensity", "bandwidth", "kernel_density"]

BandwidthRule = Literal["silverman", "scott", "scipy_scott", "scipy_silverman"]
Kernel = Literal["gaussian", "epanechnikov"]
_RULES: tuple[str, ...] = ("silverman", "scott", "scipy_scott", "scipy_silverman")
_KERNELS: tuple[str, ...] = ("gaussian", "epanechnikov")
ALL = "all"


def bandwidth(x: ArrayLike, *, rule: BandwidthRule | float = "silverman") -> float:
    """Bandwidth of a Gaussian-reference rule, or a fixed bandwidth.

    Parameters
    ----------
    x
        The observations (one dimension, finite).
    rule
        ``"silverman"`` (default), ``"scott"``, ``"scipy_scott"``, ``"scipy_silverman"`` (see the
        module docstring for the formulas and the software each one matches) or a positive number.

    Returns
    -------
    float
        The bandwidth ``h`` (standard deviation of the kernel).
    """
    if isinstance(rule, int | float) and not isinstance(rule, bool):
        if not np.isfinite(rule) or rule <= 0:
            raise ConfigError(f"bandwidth={rule!r}: a fixed bandwidth must be a positive number.")
        return float(rule)
    if rule not in _RULES:
        raise ConfigError(
            f"bandwidth={rule!r} is not a known rule; use one of {_RULES} or a positive number."
            + did_you_mean(str(rule), _RULES)
        )
    arr = np.asarray(x, dtype=float).ravel()
    n = arr.size
    if n < 2 or not np.all(np.isfinite(arr)):
        raise DataError(
            f"bandwidth rule {rule!r} needs at least two finite observations; got {n}. Use a "
            "fixed bandwidth for tiny groups."
        )
    sd = float(np.std(arr, ddof=1))
    if sd == 0:
        raise DataError(
            f"all {n} observations are equal; bandwidth rule {rule!r} gives zero. Pass a fixed "
            "bandwidth (a number)."
        )
    if rule == "scipy_scott":
        return sd * n ** (-0.2)
    if rule == "scipy_silverman":
        return sd * (n * 3.0 / 4.0) ** (-0.2)
    q75, q25 = np.percentile(arr, [75, 25])
    spread = min(sd, float(q75 - q25) / 1.34)
    if spread <= 0:  # R's fallback when the IQR is zero
        spread = sd
    factor = 0.9 if rule == "silverman" else 1.06
    return factor * spread * n ** (-0.2)


Bounds = tuple[float | None, float | None]


def _density(
    data: NDArray[np.float64],
    grid: NDArray[np.float64],
    h: float,
    kernel: str,
    bounds: Bounds | None = None,
) -> NDArray[np.float64]:
    lo, hi = bounds if bounds is not None else (None, None)
    centres = [data]
    if lo is not None:
        centres.append(2.0 * lo - data)
    if hi is not None:
        centres.append(2.0 * hi - data)
    total = np.zeros(grid.size)
    for c in centres:
        u = (grid[:, None] - c[None, :]) / h
        if kernel == "gaussian":
            k = np.exp(-0.5 * u * u) / np.sqrt(2 * np.pi)
        else:  # Epanechnikov scaled to unit variance: support |u| <= sqrt(5)
            k = np.where(np.abs(u) <= np.sqrt(5.0), 0.75 / np.sqrt(5.0) * (1 - u * u / 5.0), 0.0)
        total += k.sum(axis=1)
    out: NDArray[np.float64] = total / (data.size * h)
    if lo is not None:
        out[grid < lo] = 0.0
    if hi is not None:
        out[grid > hi] = 0.0
    return out


@dataclass(frozen=True)
class KernelDensity:
    """Kernel density curves per scope (``"all"`` or a group) and year on one common grid.

    Attributes
    ----------
    grid
        The evaluation points (shared by every curve).
    curves
        DataFrame indexed by the grid, columns a (scope, year) MultiIndex.
    bandwidths
        DataFrame indexed by (scope, year): ``n`` and ``bandwidth``.
    rule
        The bandwidth rule (name) or ``"fixed"``.
    kernel
        ``"gaussian"`` or ``"epanechnikov"``.
    bounds
        ``(a, b)`` of a bounded variable (boundary-corrected by reflection), else ``None``.
    omitted
        Group -> number of regions, for the groups below ``min_group_size`` (no curves).
    min_group_size
        The smallest group that gets curves.
    """

    grid: NDArray[np.float64]
    curves: pd.DataFrame
    bandwidths: pd.DataFrame
    rule: str
    kernel: str
    bounds: Bounds | None = None
    omitted: Mapping[Hashable, int] = field(default_factory=dict)
    min_group_size: int = 2

    @property
    def scopes(self) -> list[Hashable]:
        """``"all"`` followed by the groups, if any."""
        return list(dict.fromkeys(self.curves.columns.get_level_values(0)))

    def density(self, scope: Hashable = ALL) -> pd.DataFrame:
        """Grid x year densities of one scope."""
        if scope not in self.scopes:
            raise ConfigError(
                f"scope={scope!r} has no curves; use one of {self.scopes}."
                + did_you_mean(str(scope), [str(s) for s in self.scopes])
            )
        out = pd.DataFrame(self.curves.xs(scope, axis=1, level=0))
        return out

    @property
    def peaks(self) -> pd.DataFrame:
        """Per (scope, year): main peak location and height, and the number of local maxima."""
        rows: dict[tuple[Any, Any], dict[str, float]] = {}
        for col in self.curves.columns:
            key = (col[0], col[1])
            f = self.curves[col].to_numpy()
            top = int(np.argmax(f))
            interior = (f[1:-1] > f[:-2]) & (f[1:-1] >= f[2:]) & (f[1:-1] > 1e-3 * f[top])
            rows[key] = {
                "peak_at": float(self.grid[top]),
                "peak_height": float(f[top]),
                "n_peaks": int(interior.sum()),
            }
        frame = pd.DataFrame.from_dict(rows, orient="index")
        frame.index = pd.MultiIndex.from_tuples(frame.index, names=["scope", "year"])
        return frame


def kernel_density(
    values: pd.Series,
    *,
    bandwidth_rule: BandwidthRule | float = "silverman",
    kernel: Kernel = "gaussian",
    groups: pd.Series | Mapping[Hashable, Hashable] | str | None = None,
    grid: ArrayLike | None = None,
    n_grid: int = 512,
    cut: float = 3.0,
    bounds: Bounds | None = None,
    min_group_size: int = 5,
) -> KernelDensity:
    """Kernel density of a panel variable in every year, nationally and (optionally) per group.

    Parameters
    ----------
    values
        Series with an (entity, time) MultiIndex.
    bandwidth_rule
        Bandwidth rule or fixed bandwidth (see :func:`bandwidth`); the rule is applied to each
        year's (and each group-year's) observations separately.
    kernel
        ``"gaussian"`` (default) or ``"epanechnikov"`` (scaled so that ``h`` is its standard
        deviation, as in R's ``density``).
    groups
        ``None`` (default: the whole sample only), a division name (``"region_4"``, ...) or a
        Series / mapping region -> group; then curves are also estimated per group.
    grid
        Evaluation points; by default ``n_grid`` points from ``min − cut·h_max`` to
        ``max + cut·h_max`` over all years (R's ``density`` uses ``cut = 3`` and 512 points),
        clipped to ``bounds``.
    n_grid, cut
        See ``grid``.
    bounds
        ``(a, b)`` for a variable bounded in [a, b] (e.g. ``(0.0, 1.0)`` for a composite index;
        either may be ``None``): boundary correction by reflection (see the module docstring);
        the density is 0 outside the bounds. Values outside the bounds are refused.
    min_group_size
        Groups with fewer regions get no curves (listed in ``omitted``); at least 2.

    Returns
    -------
    KernelDensity
    """
    check_option("kernel", kernel, _KERNELS)
    if n_grid < 2:
        raise ConfigError(f"n_grid={n_grid}: use at least 2 grid points (512 is usual).")
    if isinstance(min_group_size, bool) or not isinstance(min_group_size, int | np.integer):
        raise ConfigError(f"min_group_size={min_group_size!r} must be an integer (at least 2).")
    if min_group_size < 2:
        raise ConfigError(
            f"min_group_size={min_group_size}: a bandwidth rule needs at least 2 regions."
        )
    panel = check_panel(values, name="values")
    lo, hi = _check_bounds(bounds, panel)
    years = sorted(panel.index.get_level_values(1).unique())
    entities = pd.Index(panel.index.get_level_values(0).unique())
    samples: dict[tuple[Any, Any], NDArray[np.float64]] = {}
    for year in years:
        samples[(ALL, year)] = panel.xs(year, level=1).to_numpy()
    omitted: dict[Hashable, int] = {}
    if groups is not None:
        labels = resolve_groups(groups, entities)
        for g in group_order(labels):
            members = set(labels.index[labels == g])
            crosses = {}
            for year in years:
                cross = panel.xs(year, level=1)
                crosses[year] = cross[cross.index.isin(members)].to_numpy()
            smallest = min(len(v) for v in crosses.values())
            if smallest < min_group_size:
                omitted[g] = smallest
                continue
            for year in years:
                samples[(g, year)] = crosses[year]
    hs: dict[tuple[Any, Any], float] = {}
    for key, data in samples.items():
        try:
            hs[key] = bandwidth(data, rule=bandwidth_rule)
        except DataError as err:
            raise DataError(f"scope {key[0]!r}, year {key[1]}: {err}") from None
    if grid is None:
        h_max = max(hs.values())
        start = float(panel.min()) - cut * h_max
        stop = float(panel.max()) + cut * h_max
        start = start if lo is None else max(start, lo)
        stop = stop if hi is None else min(stop, hi)
        points = np.linspace(start, stop, n_grid)
    else:
        points = np.asarray(grid, dtype=float).ravel()
        if points.size < 2 or not np.all(np.isfinite(points)):
            raise ConfigError("grid must hold at least two finite evaluation points.")
    limits = None if lo is None and hi is None else (lo, hi)
    curves = pd.DataFrame(
        {key: _density(data, points, hs[key], kernel, limits) for key, data in samples.items()},
        index=pd.Index(points, name="value"),
    )
    curves.columns = pd.MultiIndex.from_tuples(list(samples), names=["scope", "year"])
    bw = pd.DataFrame(
        {
            "n": [len(samples[k]) for k in samples],
            "bandwidth": [hs[k] for k in samples],
        },
        index=pd.MultiIndex.from_tuples(list(samples), names=["scope", "year"]),
    )
    rule = bandwidth_rule if isinstance(bandwidth_rule, str) else "fixed"
    return KernelDensity(
        grid=points,
        curves=curves,
        bandwidths=bw,
        rule=rule,
        kernel=kernel,
        bounds=limits,
        omitted=omitted,
        min_group_size=int(min_group_size),
    )


def _check_bounds(bounds: Bounds | None, panel: pd.Series) -> Bounds:
    """``(a, b)`` checked: a < b, and every value within them (else the region and year)."""
    if bounds is None:
        return (None, None)
    try:
        lo, hi = bounds
    except (TypeError, ValueError):
        raise ConfigError(f"bounds={bounds!r}: give (lower, upper), e.g. (0.0, 1.0).") from None
    lo = None if lo is None else float(lo)
    hi = None if hi is None else float(hi)
    if lo is not None and hi is not None and not lo < hi:
        raise ConfigError(f"bounds={bounds!r}: the lower bound must be below the upper bound.")
    for bound, outside in ((lo, panel < (lo or 0.0)), (hi, panel > (hi or 0.0))):
        if bound is not None and bool(outside.any()):
            entity, year = panel.index[np.flatnonzero(outside.to_numpy())[0]]
            raise DataError(
                f"values has {float(panel.loc[(entity, year)]):g} for region {entity} in "
                f"{year}, outside bounds={bounds!r}; fix the data or widen the bounds."
            )
    return (lo, hi)
