"""Classes and colours of the maps: class breaks (quantiles, equal interval, Fisher–Jenks), the
colours of a choropleth (a colour bar or classes) and GeoDa's colours of LISA clusters.

Private to :mod:`spatialpanel.report.maps`, which re-exports :func:`class_breaks` and
:data:`CLUSTER_COLORS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from spatialpanel.errors import ConfigError, DataError, did_you_mean
from spatialpanel.report._mapdraw import EDGE, words

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.colors import Colormap

__all__ = [
    "CLUSTER_COLORS",
    "SCHEMES",
    "Colouring",
    "Scheme",
    "class_breaks",
    "cluster_colours",
    "colour_values",
]

Scheme = Literal["quantiles", "equal_interval", "fisher_jenks"]
SCHEMES: tuple[str, ...] = ("quantiles", "equal_interval", "fisher_jenks")

#: GeoDa's LISA cluster colours.
CLUSTER_COLORS: dict[str, str] = {
    "HH": "#FF0000",
    "LL": "#0000FF",
    "LH": "#A7ADF9",
    "HL": "#F4ADA8",
    "not significant": "#EEEEEE",
}
CLUSTER_ORDER = ("HH", "LH", "LL", "HL", "not significant")


def class_breaks(values: pd.Series | np.ndarray, *, scheme: Scheme, k: int = 5) -> np.ndarray:
    """Upper bounds of ``k`` classes (the last equals the maximum); NaN values are ignored.

    ``"quantiles"``: the (i/k)-th sample quantiles with linear interpolation;
    ``"equal_interval"``: ``min + i (max - min) / k``; ``"fisher_jenks"``: the exact optimal
    partition that minimises the within-class sum of squared deviations (Fisher 1958, by dynamic
    programming). A value ``v`` belongs to the first class whose bound is ``>= v``; these are the
    conventions of PySAL's mapclassify.
    """
    if scheme not in SCHEMES:
        raise ConfigError(
            f"scheme={scheme!r} is not known; use None or one of {SCHEMES}."
            + did_you_mean(str(scheme), SCHEMES)
        )
    y = np.sort(np.asarray(values, dtype=float))
    y = y[np.isfinite(y)]
    if y.size == 0:
        raise DataError("class_breaks: values has no finite number to classify.")
    if not isinstance(k, int) or k < 2:
        raise ConfigError(f"k={k!r} must be an integer of at least 2 classes.")
    if scheme == "quantiles":
        return np.quantile(y, np.arange(1, k + 1) / k)
    if scheme == "equal_interval":
        lo, hi = y[0], y[-1]
        bins = lo + (hi - lo) * np.arange(1, k + 1) / k
        bins[-1] = hi
        return bins
    return _fisher_jenks(y, k)


def _fisher_jenks(y: np.ndarray, k: int) -> np.ndarray:
    n = y.size
    k = min(k, np.unique(y).size)
    csum = np.concatenate([[0.0], np.cumsum(y)])
    csq = np.concatenate([[0.0], np.cumsum(y * y)])

    def ssd(i: int, j: int) -> float:  # sum of squared deviations of y[i:j]
        s, m = csum[j] - csum[i], j - i
        return float(csq[j] - csq[i] - s * s / m)

    cost = np.full((k + 1, n + 1), np.inf)
    cut = np.zeros((k + 1, n + 1), dtype=int)
    cost[0, 0] = 0.0
    for c in range(1, k + 1):
        for j in range(c, n + 1):
            options = [cost[c - 1, i] + ssd(i, j) for i in range(c - 1, j)]
            best = int(np.argmin(options))
            cost[c, j], cut[c, j] = options[best], best + c - 1
    ends, j = [], n
    for c in range(k, 0, -1):
        ends.append(j)
        j = cut[c, j]
    return np.array([y[e - 1] for e in reversed(ends)])


def class_labels(bins: np.ndarray, lo: float, *, lang: str = "en") -> list[str]:
    """``"lo–hi"`` of each class, with enough decimals (2 to 6) to tell the bounds apart.

    With a negative bound the minus is the typographic one and the range is written out
    (``"−120.55 to −105.99"``, 至 in Chinese), so that no minus is read as the dash.
    """
    from spatialpanel.text import msg, render

    for digits in range(2, 7):
        edges = [lo, *bins]
        text = [f"{e:.{digits}f}" for e in edges]
        if len(set(text)) == len(text):
            break
    if any(t.startswith("-") for t in text):
        text = [t.replace("-", "\u2212") for t in text]
        return [
            render(msg("{lo} to {hi}", lo=text[i], hi=text[i + 1]), lang) for i in range(len(bins))
        ]
    return [f"{text[i]}–{text[i + 1]}" for i in range(len(bins))]


@dataclass(frozen=True)
class Colouring:
    """Colours by region for each panel, the legend entries and a colour bar's mappable."""

    colors: list[pd.Series]
    handles: list[Any]  # classed legend (empty for a colour bar); "No data" is the caller's
    mappable: Any  # ScalarMappable for a colour bar, else None


def colour_values(
    panels: list[pd.Series],
    *,
    cmap: str | Colormap,
    scheme: Scheme | None,
    k: int,
    lang: str = "en",
) -> Colouring:
    """The colour of every value of ``panels`` on one scale: a colour bar (``scheme=None``) or the
    ``k`` classes of :func:`class_breaks` of the pooled values, with their legend entries."""
    import matplotlib as mpl
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize
    from matplotlib.patches import Patch

    for s in panels:
        if not pd.api.types.is_numeric_dtype(s):
            raise DataError(f"values must be numeric; got dtype {s.dtype}.")
    pooled = pd.concat(panels)
    finite = pooled[np.isfinite(pooled.to_numpy(dtype=float))]
    if finite.empty:
        raise DataError("values has no finite number to map.")
    if isinstance(cmap, str) and cmap not in mpl.colormaps:
        raise ConfigError(
            f"cmap={cmap!r} is not a matplotlib colour map; use e.g. 'YlOrRd', 'Blues', 'viridis'."
            + did_you_mean(cmap, list(mpl.colormaps))
        )
    colormap = mpl.colormaps[cmap] if isinstance(cmap, str) else cmap
    if scheme is None:
        norm = Normalize(float(finite.min()), float(finite.max()))
        colors = [s.dropna().map(lambda v: colormap(norm(v))) for s in panels]
        return Colouring(colors, [], ScalarMappable(norm, colormap))
    bins = class_breaks(finite.to_numpy(dtype=float), scheme=scheme, k=k)
    shades = [colormap(x) for x in np.linspace(0.08, 0.92, len(bins))]
    colors = [
        s.dropna().map(lambda v: shades[min(int(np.searchsorted(bins, v)), len(bins) - 1)])
        for s in panels
    ]
    labels = class_labels(bins, float(finite.min()), lang=lang)
    handles = [
        Patch(facecolor=c, edgecolor=EDGE, linewidth=0.4, label=t)
        for c, t in zip(shades, labels, strict=True)
    ]
    return Colouring(colors, handles, None)


def cluster_colours(panels: list[pd.Series], lang: str) -> Colouring:
    """GeoDa's colour of every category of ``panels``, with the legend entries (counted when one
    panel is drawn)."""
    from matplotlib.patches import Patch

    for s in panels:
        bad = sorted(set(s.dropna().astype(str)) - set(CLUSTER_ORDER))
        if bad:
            raise DataError(
                f"categories has values {bad}; use 'HH', 'LH', 'LL', 'HL' or 'not significant'."
                + did_you_mean(bad[0], CLUSTER_ORDER)
            )
    colors = [s.dropna().astype(str).map(CLUSTER_COLORS) for s in panels]
    counts = pd.concat(panels).value_counts()
    names = words(lang)
    single = len(panels) == 1
    handles = [
        Patch(
            facecolor=CLUSTER_COLORS[c],
            edgecolor=EDGE,
            linewidth=0.4,
            label=names[c] + (f" ({int(counts.get(c, 0))})" if single else ""),
        )
        for c in CLUSTER_ORDER
    ]
    return Colouring(colors, handles, None)
