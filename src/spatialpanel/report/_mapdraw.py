"""Drawing primitives of the China maps: projected geometry, inset, north arrow, scale bar.

Private helpers of :mod:`spatialpanel.report.maps`; the projected boundaries and the layout of the
main map and of the South China Sea inset are computed once per session and cached, and so are the
matplotlib paths of each view: the main map and the inset draw only the polygons that reach into
their view (the South China Sea islands are outside the main map, most provinces outside the
inset). Parts wholly outside a view are clipped away by the axes anyway, so the pictures are the
same; the files are smaller and faster to write (the SVG no longer carries invisible rings).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from spatialpanel.text import Message, msg, pmsg, render

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Albers equal-area conic for China (25°N / 47°N, 105°E).
ALBERS_CHINA = "+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +datum=WGS84 +units=m +no_defs"

NO_DATA = "#C4C4C4"
NO_DATA_HATCH = "////"
EDGE = "#6E6E6E"
OUTLINE = "#303030"

#: The fixed words of the maps (rendered per language from the catalogues, see :func:`words`).
_WORDS: dict[str, Message] = {
    "HH": pmsg("cluster", "High–High"),
    "LH": pmsg("cluster", "Low–High"),
    "LL": pmsg("cluster", "Low–Low"),
    "HL": pmsg("cluster", "High–Low"),
    "not significant": pmsg("cluster", "Not significant"),
    "no_data": msg("No data"),
    "scs": msg("South China Sea Islands"),
    "cluster": msg("LISA cluster"),
}


def words(lang: str) -> dict[str, str]:
    """The maps' fixed words in ``lang``: cluster names, "No data", the inset's label."""
    return {key: render(text, lang) for key, text in _WORDS.items()}


# ----------------------------------------------------------------------------- geometry
Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class MapView:
    """What one view (the main map or the inset) draws: only the parts that reach into it."""

    paths: tuple[Any, ...]  # per region (order of MapGeometry.codes): a Path, or None if outside
    outline: tuple[np.ndarray, ...]  # national outline rings reaching into the view


@dataclass(frozen=True)
class MapGeometry:
    codes: pd.Index  # region codes, in the order of ``paths``
    paths: tuple[Any, ...]  # one matplotlib Path per region (projected, holes kept)
    outline: tuple[np.ndarray, ...]  # national outline rings
    line: tuple[np.ndarray, ...]  # South China Sea line dashes
    main: Box
    inset_src: Box
    inset_dst: Box
    main_view: MapView
    inset_view: MapView


def _polygons(geom: Any) -> list[list[np.ndarray]]:
    """Rings of each polygon of ``geom``: exterior (counter-clockwise) first, then the holes."""
    import shapely

    return [
        [np.asarray(poly.exterior.coords), *(np.asarray(r.coords) for r in poly.interiors)]
        for poly in shapely.get_parts(shapely.orient_polygons(geom))
    ]


def _rings(geom: Any) -> list[np.ndarray]:
    return [ring for poly in _polygons(geom) for ring in poly]


def _compound(rings: list[np.ndarray]) -> Any:
    from matplotlib.path import Path

    return Path.make_compound_path(*(Path(r, closed=True) for r in rings))


def _reaches(ring: np.ndarray, box: Box) -> bool:
    """Whether the bounding box of ``ring`` meets ``box`` (then the ring may be visible)."""
    x0, y0, x1, y1 = box
    xs, ys = ring[:, 0], ring[:, 1]
    return bool(xs.max() >= x0 and xs.min() <= x1 and ys.max() >= y0 and ys.min() <= y1)


def _view(geoms: Any, outline: tuple[np.ndarray, ...], box: Box) -> MapView:
    """The paths of ``geoms`` and the outline rings that reach into ``box`` (padded by 2 %).

    A polygon is kept whole (with its holes) when its exterior's bounding box meets the padded
    box; a polygon wholly outside cannot be seen (the axes clip at ``box``, and the pad is far
    wider than any line), so dropping it changes no pixel.
    """
    x0, y0, x1, y1 = box
    px, py = 0.02 * (x1 - x0), 0.02 * (y1 - y0)
    padded = (x0 - px, y0 - py, x1 + px, y1 + py)
    paths = []
    for geom in geoms:
        rings = [r for poly in _polygons(geom) if _reaches(poly[0], padded) for r in poly]
        paths.append(_compound(rings) if rings else None)
    return MapView(paths=tuple(paths), outline=tuple(r for r in outline if _reaches(r, padded)))


@cache
def map_geometry() -> MapGeometry:
    import geopandas as gpd
    import shapely

    from spatialpanel.data.geometry import boundaries, south_china_sea_line

    geo = boundaries(include_no_data=True)
    regions = geo.to_crs(ALBERS_CHINA).set_index("code")
    line = south_china_sea_line().geometry.to_crs(ALBERS_CHINA)
    outline = shapely.coverage_union_all(regions.geometry.to_numpy())

    mainland = geo.clip(shapely.box(60.0, 17.5, 140.0, 60.0)).to_crs(ALBERS_CHINA)
    x0, y0, x1, y1 = mainland.total_bounds
    pad = 0.015 * (x1 - x0)
    x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad

    islands = geo.loc[geo["code"] == 460000].clip(shapely.box(100.0, 0.0, 130.0, 17.5))
    src = gpd.GeoSeries(list(islands.geometry) + list(south_china_sea_line().geometry), crs=4326)
    sx0, sy0, sx1, sy1 = src.to_crs(ALBERS_CHINA).total_bounds
    spad = 0.06 * (sx1 - sx0)
    sx0, sy0, sx1, sy1 = sx0 - spad, sy0 - spad, sx1 + spad, sy1 + spad / 2

    scale = 0.42 * (y1 - y0) / (sy1 - sy0)  # the inset fills 42 % of the map's height
    w, h = scale * (sx1 - sx0), scale * (sy1 - sy0)
    taiwan_east = regions.loc[[710000]].total_bounds[2]
    x1 = max(x1, taiwan_east + 0.02 * (x1 - x0) + w)
    dst = (x1 - w, y0, x1, y0 + h)
    dashes = tuple(np.asarray(part.coords) for part in shapely.get_parts(line.to_numpy()))
    rings = tuple(_rings(outline))
    main, inset_src = (x0, y0, x1, y1), (sx0, sy0, sx1, sy1)
    return MapGeometry(
        codes=pd.Index(regions.index),
        paths=tuple(_compound(_rings(g)) for g in regions.geometry),
        outline=rings,
        line=dashes,
        main=main,
        inset_src=inset_src,
        inset_dst=dst,
        main_view=_view(regions.geometry, rings, main),
        inset_view=_view(regions.geometry, rings, inset_src),
    )


# ----------------------------------------------------------------------------- drawing
def draw_map(
    ax: Axes,
    colors: pd.Series,
    *,
    lang: str,
    north_arrow: bool,
    scale_bar: bool,
    small: bool,
) -> None:
    """Draw the regions coloured by ``colors`` (code -> colour; missing = no data) on ``ax``."""
    from matplotlib.collections import LineCollection, PathCollection

    geo = map_geometry()
    has = geo.codes.isin(colors.index)
    for target, inset in ((ax, False), (_inset(ax, geo, lang, small=small), True)):
        view = geo.inset_view if inset else geo.main_view
        shown = np.array([p is not None for p in view.paths])
        filled = [p for p, h, s in zip(view.paths, has, shown, strict=True) if h and s]
        empty = [p for p, h, s in zip(view.paths, has, shown, strict=True) if s and not h]
        width = 0.25 if inset or small else 0.35
        if filled:
            target.add_collection(
                PathCollection(
                    filled,
                    facecolors=colors.reindex(geo.codes[has & shown]).to_list(),
                    edgecolors=EDGE,
                    linewidths=width,
                )
            )
        if empty:
            target.add_collection(
                PathCollection(
                    empty,
                    facecolors=NO_DATA,
                    edgecolors=EDGE,
                    hatch=NO_DATA_HATCH,
                    linewidths=width,
                )
            )
        target.add_collection(LineCollection(view.outline, colors=OUTLINE, linewidths=1.6 * width))
        if inset:
            target.add_collection(LineCollection(geo.line, colors="#404040", linewidths=0.8))
    x0, y0, x1, y1 = geo.main
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if north_arrow:
        ax.annotate(
            "N",
            xy=(0.06, 0.97),
            xytext=(0.06, 0.86),
            xycoords="axes fraction",
            ha="center",
            va="center",
            fontsize=7 if small else 8,
            fontweight="bold",
            arrowprops={
                "arrowstyle": "-|>,head_width=0.35,head_length=0.7",
                "color": "black",
                "lw": 1.0,
            },
        )
    if scale_bar:
        _scale_bar(ax, geo, small=small)


def _inset(ax: Axes, geo: MapGeometry, lang: str, *, small: bool) -> Axes:
    dx0, dy0, dx1, dy1 = geo.inset_dst
    inset = ax.inset_axes((dx0, dy0, dx1 - dx0, dy1 - dy0), transform=ax.transData)
    sx0, sy0, sx1, sy1 = geo.inset_src
    inset.set_xlim(sx0, sx1)
    inset.set_ylim(sy0, sy1)
    inset.set_aspect("equal")
    inset.set_xticks([])
    inset.set_yticks([])
    for spine in inset.spines.values():
        spine.set_visible(True)  # a frame on every side, whatever the style says of spines
        spine.set_linewidth(0.6)
        spine.set_color("#303030")
    inset.set_facecolor("white")
    text = words(lang)["scs"]
    if small and " " in text:  # two lines in a small inset: "South China Sea / Islands"
        head, _, tail = text.rpartition(" ")
        text = f"{head}\n{tail}"
    inset.text(
        0.5,
        0.025,
        text,
        transform=inset.transAxes,
        ha="center",
        va="bottom",
        fontsize=4.5 if small else 5.5,
        linespacing=1.0,
        bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6},
        zorder=5,
    )
    return inset


def _scale_bar(ax: Axes, geo: MapGeometry, *, small: bool, km: int = 1000) -> None:
    from matplotlib.patches import Rectangle

    x0, y0, x1, y1 = geo.main
    start_x = x0 + 0.30 * (x1 - x0)
    y = y0 + 0.045 * (y1 - y0)
    tick = 0.008 * (y1 - y0)
    half = km * 1000 / 2
    for i, colour in enumerate(("black", "white")):
        ax.add_patch(
            Rectangle(
                (start_x + i * half, y),
                half,
                tick,
                facecolor=colour,
                edgecolor="black",
                linewidth=0.5,
            )
        )
    for frac, text in ((0, "0"), (0.5, f"{km // 2}"), (1, f"{km} km")):
        ax.text(
            start_x + frac * km * 1000,
            y + 2.2 * tick,
            text,
            ha="center",
            va="bottom",
            fontsize=5 if small else 6,
        )


def finish_figure(
    fig: Figure, *, title: str | None, synthetic: bool, lang: str, mark: str | None = None
) -> None:
    """The figure's title (if any) and the data's mark (:mod:`spatialpanel.report.marks`):
    ``mark`` (``"synthetic"``, ``"real-reduced"``), or ``"synthetic"`` for ``synthetic``."""
    from spatialpanel.report.marks import provenance_mark
    from spatialpanel.report.style import add_mark

    if title:
        fig.suptitle(title, fontsize=11, y=0.985)
    text = provenance_mark("synthetic" if synthetic else mark)
    if text is not None:
        add_mark(fig, render(text, lang))


def no_data_patch(lang: str) -> Any:
    from matplotlib.patches import Patch

    return Patch(
        facecolor=NO_DATA,
        edgecolor=EDGE,
        hatch=NO_DATA_HATCH,
        linewidth=0.4,
        label=words(lang)["no_data"],
    )


def add_legend(target: Any, handles: list[Any], *, title: str | None, **kw: Any) -> None:
    target.legend(
        handles=handles,
        title=title,
        fontsize=7,
        title_fontsize=7.5,
        frameon=False,
        handlelength=1.6,
        handleheight=1.0,
        **kw,
    )
