"""Drawing primitives of the maps: regions, outlines, inset, north arrow, scale bar, legends.

Private helpers of :mod:`spatialpanel.report.maps`. The projected geometry of a region set and the
layout of its main map and of the South China Sea inset (Chinese sets) come from
:func:`spatialpanel.report.map_geometry.map_geometry`, computed once per session and cached, with
the matplotlib paths of each view: the main map and the inset draw only the polygons that reach
into their view (the South China Sea islands are outside the main map, most provinces outside the
inset). Parts wholly outside a view are clipped away by the axes anyway, so the pictures are the
same; the files are smaller and faster to write (the SVG no longer carries invisible rings).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from spatialpanel.report.map_geometry import (
    ALBERS_CHINA,
    MapGeometry,
    MapView,
    map_geometry,
)
from spatialpanel.text import Message, msg, pmsg, render

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "ALBERS_CHINA",
    "EDGE",
    "MapGeometry",
    "MapView",
    "add_legend",
    "draw_map",
    "finish_figure",
    "map_geometry",
    "no_data_patch",
    "words",
]

NO_DATA = "#C4C4C4"
NO_DATA_HATCH = "////"
EDGE = "#6E6E6E"
OUTLINE = "#303030"
INNER = "#454545"  # province borders over the cities

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


# ----------------------------------------------------------------------------- drawing
def draw_map(
    ax: Axes,
    colors: pd.Series,
    geo: MapGeometry,
    *,
    lang: str,
    north_arrow: bool,
    scale_bar: bool,
    small: bool,
) -> None:
    """Draw the regions of ``geo`` coloured by ``colors`` (id -> colour; missing = no data)."""
    from matplotlib.collections import LineCollection, PathCollection

    has = geo.codes.isin(colors.index)
    targets: list[tuple[Axes, MapView, bool]] = [(ax, geo.main_view, False)]
    if geo.inset_view is not None:
        targets.append((_inset(ax, geo, lang, small=small), geo.inset_view, True))
    for target, view, inset in targets:
        shown = np.array([p is not None for p in view.paths])
        filled = [p for p, h, s in zip(view.paths, has, shown, strict=True) if h and s]
        empty = [p for p, h, s in zip(view.paths, has, shown, strict=True) if s and not h]
        width = 0.25 if inset or small else 0.35
        edge = width * geo.edge_scale
        if filled:
            target.add_collection(
                PathCollection(
                    filled,
                    facecolors=colors.reindex(geo.codes[has & shown]).to_list(),
                    edgecolors=EDGE,
                    linewidths=edge,
                )
            )
        if empty:
            target.add_collection(
                PathCollection(
                    empty,
                    facecolors=NO_DATA,
                    edgecolors=EDGE,
                    hatch=NO_DATA_HATCH,
                    linewidths=edge,
                )
            )
        if view.inner:
            target.add_collection(LineCollection(view.inner, colors=INNER, linewidths=width))
        target.add_collection(LineCollection(view.outline, colors=OUTLINE, linewidths=1.6 * width))
        if inset:
            target.add_collection(LineCollection(geo.line, colors="#404040", linewidths=0.8))
    x0, y0, x1, y1 = geo.main
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.set_axis_off()
    _no_ticks(ax)
    if north_arrow:
        ax.annotate(
            "N",
            xy=(geo.arrow_x, 0.97),
            xytext=(geo.arrow_x, 0.86),
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


def _no_ticks(ax: Axes) -> None:
    """No ticks, tick labels or axis labels on a map's axes: none is drawn, and matplotlib then
    neither makes nor measures them when it lays the figure out (a third of a map's layout)."""
    from matplotlib.ticker import NullLocator

    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(NullLocator())
        axis.set_minor_locator(NullLocator())
        axis.set_visible(False)


def _inset(ax: Axes, geo: MapGeometry, lang: str, *, small: bool) -> Axes:
    assert geo.inset_dst is not None and geo.inset_src is not None
    dx0, dy0, dx1, dy1 = geo.inset_dst
    inset = ax.inset_axes((dx0, dy0, dx1 - dx0, dy1 - dy0), transform=ax.transData)
    sx0, sy0, sx1, sy1 = geo.inset_src
    inset.set_xlim(sx0, sx1)
    inset.set_ylim(sy0, sy1)
    inset.set_aspect("equal")
    _no_ticks(inset)
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


def _scale_bar(ax: Axes, geo: MapGeometry, *, small: bool) -> None:
    """A scale bar of ``geo.scale_km`` (true at the standard parallels) in two halves."""
    from matplotlib.patches import Rectangle

    km = geo.scale_km
    x0, y0, x1, y1 = geo.main
    start_x = x0 + geo.bar_x * (x1 - x0)
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
    for frac, text in ((0, "0"), (0.5, f"{km / 2:g}"), (1, f"{km} km")):
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


def add_legend(target: Any, handles: list[Any], *, title: str | None, **kw: Any) -> Any:
    """A frameless legend of the maps on ``target`` (an axes or the figure); returned."""
    return target.legend(
        handles=handles,
        title=title,
        fontsize=7,
        title_fontsize=7.5,
        frameon=False,
        handlelength=1.6,
        handleheight=1.0,
        **kw,
    )
