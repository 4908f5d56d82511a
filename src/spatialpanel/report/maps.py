"""Maps of any region set: choropleths, LISA cluster maps and small multiples.

Every map is drawn from the boundaries of a region set (:class:`~spatialpanel.data.regions.
RegionSet`: China's provinces by default, the bundled prefecture-level cities, or the user's own
boundaries) in an equal-area projection chosen for the set
(:mod:`spatialpanel.report.map_geometry`): China's sets in the Albers equal-area conic of
national maps of China (standard parallels 25°N and 47°N, central meridian 105°E), with the main
map clipped to the mainland extent and the South China Sea islands and maritime line in an inset
at the lower right, as Chinese maps do; any other set in an Albers conic fitted to its extent.
Regions of the set without a value — Taiwan, Hong Kong and Macao, outside the statistics of the
Chinese sets, and any region the data lack — are drawn hatched grey with a "No data" legend
entry. Every map has a legend, a north arrow and a scale bar of a round length (on the first
panel of small multiples).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from spatialpanel.errors import ConfigError, DataError, did_you_mean
from spatialpanel.report import _mapdraw
from spatialpanel.report._mapdraw import (
    ALBERS_CHINA,
    add_legend,
    draw_map,
    finish_figure,
    no_data_patch,
    words,
)
from spatialpanel.report.map_classes import (
    CLUSTER_COLORS,
    SCHEMES,
    Scheme,
    class_breaks,
    cluster_colours,
    colour_values,
)
from spatialpanel.report.map_geometry import MapGeometry, region_option
from spatialpanel.report.style import figure_style

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.colors import Colormap
    from matplotlib.figure import Figure

    from spatialpanel.data.regions import RegionSet
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

Lang = str


# ----------------------------------------------------------------------------- validation
def _check_lang(lang: str) -> None:
    from spatialpanel.text import languages

    known = languages()
    if lang not in known:
        raise ConfigError(
            f"lang={lang!r} is not known; use one of {', '.join(known)} (a language is a "
            "catalogue, see spatialpanel.text)."
        )


def _region_series(values: Any, *, argument: str, known: pd.Index, name: str) -> pd.Series:
    """``values`` indexed by the ids of the region set ``name`` (checked against ``known``)."""
    provinces = name == "china_provinces"
    ids = "GB/T 2260 province code" if provinces else f"the region ids of {name}"
    if not isinstance(values, pd.Series):
        raise DataError(
            f"{argument} must be a pandas Series indexed by {ids}, not {type(values).__name__}."
        )
    if isinstance(values.index, pd.MultiIndex):
        raise DataError(
            f"{argument} has a MultiIndex; a map shows one year: select it first, e.g. "
            f"{argument}.xs(2020, level=1)."
        )
    codes = pd.Index(values.index)
    if pd.api.types.is_integer_dtype(known):
        try:
            codes = pd.Index(values.index.astype(int))
        except (TypeError, ValueError):
            example = "110000 for Beijing" if provinces else str(known[0])
            what = "integer province codes" if provinces else f"the integer ids of {name}"
            raise DataError(
                f"{argument} must be indexed by {what} (e.g. {example}); got labels such as "
                f"{list(values.index[:3])}."
            ) from None
    if codes.has_duplicates:
        what = "province codes" if provinces else "region ids"
        raise DataError(
            f"{argument} has duplicate {what} {sorted(set(codes[codes.duplicated()]))}."
        )
    unknown = sorted(set(codes) - set(known), key=str)
    if unknown:
        if provinces:
            raise DataError(
                f"{argument} has codes that are not provinces of the map: {unknown}; use GB/T "
                "2260 province codes (110000 ... 650000, 710000, 810000, 820000)."
            )
        raise DataError(
            f"{argument} has ids that are not regions of {name}: {unknown[:10]}; use its ids, "
            f"e.g. {list(known[:3])}." + did_you_mean(str(unknown[0]), [str(k) for k in known])
        )
    return pd.Series(values.to_numpy(), index=codes)


# ----------------------------------------------------------------------------- choropleth
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
    regions: RegionSet | str | Mapping[str, Any] = "china_provinces",
) -> Figure:
    """A choropleth map of one value per region.

    Parameters
    ----------
    values
        Numeric Series indexed by region id: GB/T 2260 province code (int) for China's provinces.
        Regions without a value (NaN or absent, and Taiwan, Hong Kong, Macao in China's sets)
        are drawn hatched grey, "No data".
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
        Draw a north arrow and a scale bar (a round length, 1000 km on maps of China; true at
        the standard parallels).
    regions
        The region set whose boundaries are drawn (a
        :class:`~spatialpanel.data.regions.RegionSet` or a bundled set's name:
        ``"china_provinces"``, ``"china_cities"``); its projection and conventions are those of
        :mod:`spatialpanel.report.map_geometry`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    return small_multiples(
        {"": values},
        kind="choropleth",
        regions=regions,
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
    regions: RegionSet | str | Mapping[str, Any] = "china_provinces",
) -> Figure:
    """A LISA cluster map in GeoDa's colours.

    Parameters
    ----------
    categories
        Series indexed by region id (province code) with values ``"HH"``, ``"LH"``, ``"LL"``,
        ``"HL"`` (the quadrant of a significant local Moran's I: High–High, Low–High, Low–Low,
        High–Low, the region's value first) or ``"not significant"``; NaN or absent regions are
        "No data".
    title, lang, synthetic, mark, north_arrow, scale_bar, regions
        As in :func:`choropleth`.

    Returns
    -------
    matplotlib.figure.Figure
        The legend counts the regions in each category.
    """
    return small_multiples(
        {"": categories},
        kind="cluster",
        regions=regions,
        title=title,
        ncols=1,
        lang=lang,
        synthetic=synthetic,
        mark=mark,
        north_arrow=north_arrow,
        scale_bar=scale_bar,
    )


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
    regions: RegionSet | str | Mapping[str, Any] = "china_provinces",
) -> Figure:
    """Several maps on one figure (e.g. one per year) with one shared legend.

    Parameters
    ----------
    panels
        Panel label (e.g. the year) -> Series indexed by region id, in display order: numeric
        values for ``kind="choropleth"``, categories for ``kind="cluster"``.
    kind
        ``"choropleth"``: one colour scale (or one classification) for all panels, computed from
        the pooled values, so colours compare across panels; ``"cluster"``: LISA categories.
    ncols
        Panels per row.
    title, cmap, legend_label, scheme, k, lang, synthetic, mark, regions
        As in :func:`choropleth`; ``title`` is the figure title.
    north_arrow, scale_bar
        Drawn on the first panel only.

    Returns
    -------
    matplotlib.figure.Figure
        A single map of China's sets keeps its legend inside the map, at the lower left; other
        maps have it under the map(s), where it covers no region.
    """
    from matplotlib.figure import Figure

    from spatialpanel.report.map_geometry import map_regions

    _check_lang(lang)
    if kind not in ("choropleth", "cluster"):
        raise ConfigError(f"kind={kind!r} is not known; use 'choropleth' or 'cluster'.")
    if scheme is not None and scheme not in SCHEMES:
        raise ConfigError(
            f"scheme={scheme!r} is not known; use None or one of {SCHEMES}."
            + did_you_mean(str(scheme), SCHEMES)
        )
    if not isinstance(ncols, int) or ncols < 1:
        raise ConfigError(f"ncols={ncols!r} must be a positive integer.")
    if len(panels) == 0:
        raise DataError("panels is empty; give at least one label -> Series.")
    region_set = map_regions(regions)
    geo = _mapdraw.map_geometry(region_set)
    argument = "values" if kind == "choropleth" else "categories"
    labels = list(panels)
    series = [
        _region_series(panels[lab], argument=argument, known=geo.codes, name=region_set.name)
        for lab in labels
    ]

    with figure_style(lang):
        if kind == "choropleth":
            colouring = colour_values(series, cmap=cmap, scheme=scheme, k=k, lang=lang)
        else:
            colouring = cluster_colours(series, lang)
        missing = any(not geo.codes.isin(c.index).all() for c in colouring.colors)
        handles = [*colouring.handles, *([no_data_patch(lang)] if missing else [])]
        ncols = min(ncols, len(series))
        nrows = -(-len(series) // ncols)
        single = len(series) == 1
        width, height, bottom = _layout(geo, ncols=ncols, nrows=nrows, single=single)
        fig = Figure(figsize=(width, height))
        axes = fig.subplots(nrows, ncols, squeeze=False)
        top = 1 - (0.4 if title else 0.08) / height
        fig.subplots_adjust(left=0.01, right=0.99, top=top, bottom=bottom, wspace=0.03, hspace=0.1)
        for i, ax in enumerate(axes.flat):
            if i >= len(series):
                ax.set_axis_off()
                continue
            draw_map(
                ax,
                colouring.colors[i],
                geo,
                lang=lang,
                north_arrow=north_arrow and i == 0,
                scale_bar=scale_bar and i == 0,
                small=not single,
            )
            if not single:
                ax.set_title(str(labels[i]), fontsize=9, pad=1)
                if not geo.chinese:  # the map at the foot of its cell, the year just above it
                    ax.set_anchor("S")
        legend_title = legend_label if kind == "choropleth" else words(lang)["cluster"]
        if single and geo.chinese:
            _legend_in_map(fig, axes[0, 0], colouring.mappable, handles, legend_label, legend_title)
        else:
            _legend_below(fig, height, colouring.mappable, handles, legend_label, legend_title)
        finish_figure(fig, title=title, synthetic=synthetic, lang=lang, mark=mark)
    return fig


def _layout(
    geo: MapGeometry, *, ncols: int, nrows: int, single: bool
) -> tuple[float, float, float]:
    """Figure width and height (inches) and the bottom margin (a fraction of the height).

    China's maps keep their fixed sizes (6.8 × 5.4 inches for one map, 3.5 × 2.85 a panel);
    other maps take the shape of their extent (at most 6.5 inches tall for one map, 4 a panel)
    with a band for the legend under them.
    """
    if geo.chinese:
        width = 6.8 if single else 3.5 * ncols
        height = 5.4 if single else 2.85 * nrows + 0.8
        return width, height, (0.2 if single else 0.7) / height
    x0, y0, x1, y1 = geo.main
    aspect = (x1 - x0) / (y1 - y0)
    panel = 6.8 if single else 3.5
    map_height = min(panel * 0.98 / aspect, 6.5 if single else 4.0)
    height = (map_height + (0.0 if single else 0.3)) * nrows + 0.8
    return panel * ncols, height, 0.7 / height


def _legend_in_map(
    fig: Figure,
    ax0: Any,
    mappable: Any,
    handles: list[Any],
    legend_label: str | None,
    legend_title: str | None,
) -> None:
    """The legend of a single map of China: inside the map, at the lower left."""
    if mappable is not None:
        cax = ax0.inset_axes((0.03, 0.125, 0.25, 0.022))
        bar = fig.colorbar(mappable, cax=cax, orientation="horizontal")
        bar.ax.tick_params(labelsize=6.5, length=2, pad=1.5)
        bar.outline.set_linewidth(0.5)
        if legend_label:
            cax.set_title(legend_label, fontsize=7.5, loc="left", pad=3)
        if handles:
            add_legend(ax0, handles, title=None, loc="lower left", bbox_to_anchor=(0.015, 0.0))
    else:
        add_legend(ax0, handles, title=legend_title, loc="lower left", bbox_to_anchor=(0.0, 0.0))


def _legend_below(
    fig: Figure,
    height: float,
    mappable: Any,
    handles: list[Any],
    legend_label: str | None,
    legend_title: str | None,
) -> None:
    """The legend under the maps: a colour bar (with "No data" beside it) or the classes."""
    if mappable is not None:
        cax = fig.add_axes((0.25, 0.42 / height, 0.5, 0.1 / height))
        bar = fig.colorbar(mappable, cax=cax, orientation="horizontal")
        bar.ax.tick_params(labelsize=7, length=2, pad=1.5)
        bar.outline.set_linewidth(0.5)
        if legend_label:
            bar.set_label(legend_label, fontsize=7.5, labelpad=2)
        if handles:
            add_legend(
                fig, handles, title=None, loc="center left", bbox_to_anchor=(0.77, 0.47 / height)
            )
    else:
        ncols = min(len(handles), 6)
        while True:  # as many columns as fit the figure's width (long class labels: fewer)
            legend = add_legend(
                fig,
                handles,
                title=legend_title,
                loc="lower center",
                ncols=ncols,
                bbox_to_anchor=(0.5, 0.12 / height),
            )
            if ncols <= 2 or legend.get_window_extent().width <= 0.98 * fig.bbox.width:
                break
            legend.remove()
            ncols = -(-len(handles) // 2) if ncols > -(-len(handles) // 2) else ncols - 1


# ----------------------------------------------------------------------------- figures as data
def map_spec(
    panels: Mapping[Any, pd.Series],
    *,
    kind: Literal["choropleth", "cluster"] = "choropleth",
    legend: FigureText | None = None,
    cmap: str = "YlOrRd",
    ncols: int = 2,
    regions: RegionSet | str = "china_provinces",
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
        The region set whose boundaries are drawn (a
        :class:`~spatialpanel.data.regions.RegionSet` or a bundled set's name). The boundaries
        are not stored with the figure's data: the spec's option ``regions`` holds the bundled
        set's name, or the origin of the user's boundary file (its absolute path, id column,
        CRS and layer, :attr:`~spatialpanel.data.regions.RegionSet.origin`), and the drawer
        reads them again, so ``spatialpanel report DIR`` draws the maps from the saved data.

    Raises
    ------
    ConfigError
        For an unknown ``kind``, or a region set that does not say how to build it again.
    DataError
        For values not indexed by the ids of the region set.
    """
    from spatialpanel.report.figspec import FigureSpec
    from spatialpanel.report.map_geometry import map_regions

    if kind not in ("choropleth", "cluster"):
        raise ConfigError(f"kind={kind!r} is not known; use 'choropleth' or 'cluster'.")
    option = region_option(regions)
    region_set = map_regions(regions)
    known = pd.Index(region_set.table.index)
    argument = "values" if kind == "choropleth" else "categories"
    columns = {
        str(k): _region_series(v, argument=argument, known=known, name=region_set.name)
        for k, v in panels.items()
    }
    if not columns:
        raise DataError("panels is empty; give at least one label -> Series.")
    frame = pd.DataFrame(columns)
    frame.index.name = "region"
    return FigureSpec(
        drawer="map",
        data={"values": frame},
        texts={"legend": legend},
        options={"kind": kind, "cmap": cmap, "ncols": ncols, "regions": option},
    )


def draw_map_spec(spec: FigureSpec, words: Words) -> Figure:
    """The drawer of :func:`map_spec` (see :mod:`spatialpanel.report.drawers`)."""
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
        scale_bar=True,
        regions=spec.options.get("regions", "china_provinces"),
    )
