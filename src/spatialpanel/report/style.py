"""The one visual style of spatialpanel's figures.

Every drawer builds its figure inside :func:`figure_style`, so fonts, sizes, spines, grid, colour
cycle and line widths are set once, here. The model is the trend figures: no top or right spine,
a light horizontal grid behind the data, the Okabe & Ito colour-blind-safe palette, 9-point text,
legends without frames. Maps switch their axes off and keep only the legend sizes.

Conventions shared by every figure:

- a figure carries no overall title: the report's caption (and the paper's) is the title; panels
  of a multi-panel figure have short panel titles;
- the data-provenance mark (e.g. "Synthetic data (demonstration), not official statistics") is
  printed small, grey and italic under the figure's lower right corner (:func:`add_mark`), below
  every other artist, so it never covers data or axis labels;
- readers see labels, never identifiers: the drawers receive rendered text only.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "FULL_WIDTH",
    "GRID",
    "MARKERS",
    "MARK_COLOUR",
    "PALETTE",
    "REGION_COLOURS",
    "SIZES",
    "add_mark",
    "figure_style",
    "panel_height",
    "style_rc",
    "year_axis",
]

#: Colour-blind-safe palette (Okabe & Ito 2008, then Tol's muted), the colour cycle of every axes.
PALETTE: tuple[str, ...] = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#000000",
    "#882255",
    "#44AA99",
    "#999933",
)
#: One colour per region of China's NBS and three-belt divisions, the same in every figure.
REGION_COLOURS: dict[str, str] = {
    "east": "#0072B2",
    "central": "#D55E00",
    "west": "#009E73",
    "northeast": "#CC79A7",
}
#: Markers cycled with the palette on line figures.
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X", "<", ">", "h")
#: Light grid and the provenance mark's grey.
GRID = "#dddddd"
MARK_COLOUR = "#666666"
#: Width of a full-width figure in inches (a journal's two-column width, 178 mm); figures are
#: drawn at the size they are printed, so 9-point text stays 9 points on the page.
FULL_WIDTH = 7.0
#: Font sizes in points.
SIZES: dict[str, float] = {
    "text": 9.0,
    "title": 10.0,
    "label": 9.5,
    "tick": 8.5,
    "legend": 8.5,
    "small": 7.0,
    "mark": 6.5,
}


def panel_height(ncols: int, aspect: float = 0.8) -> float:
    """Height in inches of one row of ``ncols`` panels across :data:`FULL_WIDTH` (each panel
    ``aspect`` times as high as wide)."""
    return FULL_WIDTH / max(ncols, 1) * aspect


def style_rc(lang: str = "en") -> dict[str, Any]:
    """The rc settings of the style for ``lang`` (a CJK font first for ``"zh"``).

    Raises
    ------
    ConfigError
        For ``lang="zh"`` when no CJK font is installed (see :mod:`spatialpanel.report.fonts`).
    """
    from cycler import cycler

    rc: dict[str, Any] = {
        "font.size": SIZES["text"],
        "axes.titlesize": SIZES["title"],
        "axes.labelsize": SIZES["label"],
        "xtick.labelsize": SIZES["tick"],
        "ytick.labelsize": SIZES["tick"],
        "legend.fontsize": SIZES["legend"],
        "legend.title_fontsize": SIZES["legend"],
        "legend.frameon": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.edgecolor": "#333333",
        "axes.linewidth": 0.8,
        "axes.grid": True,
        "axes.grid.axis": "y",
        "axes.axisbelow": True,
        "grid.color": GRID,
        "grid.linewidth": 0.7,
        "axes.prop_cycle": cycler(color=list(PALETTE)),
        "lines.linewidth": 1.6,
        "lines.markersize": 4.5,
        "xtick.color": "#333333",
        "ytick.color": "#333333",
        "figure.facecolor": "white",
        "savefig.facecolor": "white",
        "image.cmap": "viridis",
        "font.family": ["DejaVu Sans"],
    }
    if lang == "zh":
        from spatialpanel.report.fonts import require_cjk_font

        # explicit family names: a generic "sans-serif" would be resolved when the figure is
        # drawn, possibly outside this context; DejaVu Sans serves the glyphs the CJK font lacks
        rc["font.family"] = [require_cjk_font(), "DejaVu Sans"]
        rc["axes.unicode_minus"] = False  # every CJK font has the hyphen-minus
    return rc


@contextlib.contextmanager
def figure_style(lang: str = "en") -> Iterator[None]:
    """Context in which new figures take the style (and the fonts of ``lang``).

    matplotlib fixes a text's font and an axes' colour cycle when they are created, so build the
    whole figure inside the context; saving it later keeps them.
    """
    import matplotlib as mpl

    rc: Any = style_rc(lang)  # keys checked by matplotlib (its stubs list every rc name)
    with mpl.rc_context(rc):
        yield


def add_mark(fig: Figure, text: str | None) -> None:
    """Print the data-provenance mark under the figure's lower right corner.

    The mark sits just below the figure's area: the tight bounding box the files are cut to
    grows to include it, so it never overlaps an axis label, a legend or the data.
    """
    if not text:
        return
    fig.text(
        0.995,
        0.0,
        text,
        ha="right",
        va="top",
        fontsize=SIZES["mark"],
        color=MARK_COLOUR,
        style="italic",
        gid="provenance-mark",
    )


def year_axis(
    ax: Axes, years: Iterable[Any], *, rotate: bool | None = None, max_labels: int = 12
) -> None:
    """Year ticks: a tick every year for up to 15 years, labelled every year or, beyond
    ``max_labels`` (narrow panels), every second or third year; integer ticks beyond 15 years."""
    years = list(years)
    values = [float(y) for y in years]
    if len(values) <= 15:
        step = -(-len(values) // max(max_labels, 1))
        ax.set_xticks(values)
        ax.set_xticklabels(
            [
                (f"{int(y)}" if float(y).is_integer() else str(y)) if i % step == 0 else ""
                for i, y in enumerate(years)
            ]
        )
    else:
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(nbins=10, integer=True))
    if rotate:
        ax.tick_params(axis="x", labelrotation=45)
    if values:
        ax.set_xlim(min(values) - 0.3, max(values) + 0.3)
