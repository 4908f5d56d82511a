"""Moran scatter plots (Anselin 1996): standardised value against its spatial lag, one per year.

The form of the paper's Figures 3–6: every region a labelled point, the axes through the origin
split the plane into the quadrants I HH (upper right), II LH (upper left), III LL (lower left) and
IV HL (lower right), and the fitted line through the origin has slope ``z'Wz / z'z``, which equals
Moran's I when ``S0 = n`` (row-standardised weights without islands).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from spatialpanel.errors import DataError
from spatialpanel.weights.core import SpatialWeights

__all__ = ["QUADRANT_COLOURS", "moran_scatter"]

QUADRANT_COLOURS: dict[str, str] = {
    "HH": "#c0392b",
    "LH": "#e59866",
    "LL": "#2e86c1",
    "HL": "#85c1e9",
}
_ROMAN = {"HH": "I", "LH": "II", "LL": "III", "HL": "IV"}


def _cross_section(values: pd.Series, w: SpatialWeights, year: Hashable | None) -> pd.Series:
    series = values
    if isinstance(values.index, pd.MultiIndex):
        if year is None:
            raise DataError(
                "values has an (entity, time) MultiIndex; pass year= to choose the cross-section."
            )
        times = values.index.get_level_values(1)
        if year not in set(times):
            raise DataError(
                f"year={year!r} is not in the data; its years are {sorted(set(times))}."
            )
        series = values.xs(year, level=1)
    missing = [i for i in w.ids if i not in set(series.index)]
    extra = [i for i in series.index if i not in set(w.ids)]
    if missing or extra:
        raise DataError(
            f"the regions of values and w differ: in w but not in values {missing[:10]}; in "
            f"values but not in w {extra[:10]}."
        )
    out = series.loc[w.ids].astype(float)
    if not np.all(np.isfinite(out.to_numpy())):
        bad = out.index[~np.isfinite(out.to_numpy())].tolist()
        raise DataError(f"values has missing values for regions {bad[:10]} (year {year}).")
    return out


def _label_offsets(
    fig: Figure,
    ax: Axes,
    x: np.ndarray,
    y: np.ndarray,
    texts: list[str],
    fontsize: float,
) -> list[tuple[float, float, str]]:
    """Greedy label placement: for each point the first candidate offset (in points) whose label
    box overlaps neither an earlier label nor a marker; the first candidate when none is free."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    # the layout and the transforms as a draw leaves them, without rasterising anything
    fig.draw_without_rendering()
    scale = fig.dpi / 72.0
    pts = ax.transData.transform(np.column_stack([x, y])) / scale  # in points
    height = fontsize * 1.15
    candidates = [
        (dx, dy * height, ha)
        for dy in (0.0, 1.0, -1.0, 2.0, -2.0)
        for dx, ha in ((4.0, "left"), (-4.0, "right"))
    ]
    placed: list[tuple[float, float, float, float]] = []
    marker = 3.0
    markers = [(px - marker, py - marker, px + marker, py + marker) for px, py in pts]
    chosen: dict[int, tuple[float, float, str]] = {}
    from matplotlib.font_manager import FontProperties

    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    prop = FontProperties(size=fontsize)

    def overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
        return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(
            0.0, min(a[3], b[3]) - max(a[1], b[1])
        )

    for i in (int(k) for k in np.argsort(-y, kind="stable")):
        if not texts[i]:  # unlabelled points keep their markers only
            chosen[i] = candidates[0]
            continue
        width = renderer.get_text_width_height_descent(texts[i], prop, ismath=False)[0] / scale
        width += 1.0
        best: tuple[float, tuple[float, float, float, float], tuple[float, float, str]] | None
        best = None
        for rank, (dx, dy, ha) in enumerate(candidates):
            left = pts[i, 0] + dx - (width if ha == "right" else 0.0)
            box = (left, pts[i, 1] + dy - height / 2, left + width, pts[i, 1] + dy + height / 2)
            cost = sum(overlap(box, b) for b in placed) + sum(
                overlap(box, m) for k, m in enumerate(markers) if k != i
            )
            cost += 0.01 * rank  # prefer the nearer positions when otherwise equal
            if best is None or cost < best[0]:
                best = (cost, box, (dx, dy, ha))
        if best is None:  # pragma: no cover - there are always candidates
            chosen[i] = candidates[0]
            continue
        placed.append(best[1])
        chosen[i] = best[2]
    return [chosen[i] for i in range(len(texts))]


def moran_scatter(
    values: pd.Series,
    w: SpatialWeights,
    *,
    year: Hashable | None = None,
    labels: Mapping[Hashable, str] | pd.Series | None = None,
    title: str | None = None,
    variable: str = "value",
    ax: Axes | None = None,
    figsize: tuple[float, float] = (6.4, 5.4),
    fontsize: float = 6.5,
    max_labels: int | None = None,
) -> Figure:
    """Draw the Moran scatter plot of one cross-section.

    Parameters
    ----------
    values
        One value per region (indexed by id), or a panel series with an (entity, time)
        MultiIndex together with ``year``.
    w
        Spatial weights as transformed (row-standardised by default); not modified.
    year
        The year to draw when ``values`` is a panel.
    labels
        Region id -> label shown beside its point (e.g. ``provinces()["name_en"]``); the ids are
        shown when omitted, nothing when ``labels={}``.
    title
        Figure title; default ``"Moran scatter plot, {year} (Moran's I = ...)"``.
    variable
        Name of the variable for the axis labels.
    ax
        Draw into these axes instead of a new figure.
    figsize, fontsize
        Size of a new figure (inches) and of the region labels (points).
    max_labels
        Label at most this many regions: those farthest from the origin (largest
        ``z² + (Wz)²``); all when ``None``. Hundreds of labels are unreadable (cities).

    Returns
    -------
    matplotlib.figure.Figure
        A figure not registered with pyplot (the caller saves it; nothing is shown).
    """
    x = _cross_section(values, w, year)
    d = x.to_numpy() - x.to_numpy().mean()
    sd = float(np.sqrt(d @ d / d.size))
    if sd == 0:
        raise DataError(f"values is constant (year {year}); the Moran scatter plot is undefined.")
    z = d / sd
    lag = w.sparse @ z
    slope = float(z @ lag / (z @ z))
    moran_i = w.n / w.s0 * slope
    if ax is None:
        fig = Figure(figsize=figsize, layout="constrained")
        ax = fig.add_subplot()
    else:
        parent = ax.get_figure()
        if not isinstance(parent, Figure):  # pragma: no cover - subfigures
            raise DataError("ax must belong to a matplotlib Figure.")
        fig = parent
    quad = np.where(z > 0, np.where(lag > 0, "HH", "HL"), np.where(lag > 0, "LH", "LL"))
    colours = [QUADRANT_COLOURS[str(q)] for q in quad]
    ax.axhline(0.0, color="0.4", lw=0.8, zorder=1)
    ax.axvline(0.0, color="0.4", lw=0.8, zorder=1)
    ax.scatter(z, lag, c=colours, s=22, edgecolors="black", linewidths=0.4, zorder=3)
    xspan = max(float(np.max(np.abs(z))), 1.0) * 1.2
    yspan = max(float(np.max(np.abs(lag))), 1.0) * 1.25
    grid = np.array([-xspan, xspan])
    ax.plot(grid, slope * grid, color="black", lw=1.1, zorder=2, label=f"slope = {slope:.3f}")
    names = (
        {i: str(i) for i in w.ids}
        if labels is None
        else {k: str(v) for k, v in dict(labels).items()}
    )
    if max_labels is not None and len(z) > max_labels:
        far = np.argsort(-(z**2 + lag**2), kind="stable")[: max(max_labels, 0)]
        keep = {w.ids[int(k)] for k in far}
        names = {k: v for k, v in names.items() if k in keep}
    ax.set_xlim(-xspan, xspan)
    ax.set_ylim(-yspan, yspan)
    corners = {"HH": (0.98, 0.98), "LH": (0.02, 0.98), "LL": (0.02, 0.02), "HL": (0.98, 0.02)}
    for lab, (cx, cy) in corners.items():
        ax.text(
            cx,
            cy,
            f"{_ROMAN[lab]}  {lab}",
            transform=ax.transAxes,
            ha="right" if cx > 0.5 else "left",
            va="top" if cy > 0.5 else "bottom",
            fontsize=9,
            fontweight="bold",
            color=QUADRANT_COLOURS[lab],
        )
    ax.set_xlabel(f"{variable} (standardised z)")
    ax.set_ylabel(f"spatial lag W·z of {variable}")
    when = "" if year is None else f", {year}"
    ax.set_title(
        title if title is not None else f"Moran scatter plot{when} (Moran's I = {moran_i:.3f})"
    )
    ax.legend(loc="lower right", bbox_to_anchor=(0.98, 0.06), fontsize=8, frameon=False)
    texts = [names.get(rid, "") for rid in w.ids]
    for i, (dx, dy, ha) in enumerate(_label_offsets(fig, ax, z, lag, texts, fontsize)):
        if texts[i]:
            ax.annotate(
                texts[i],
                (z[i], lag[i]),
                xytext=(dx, dy),
                textcoords="offset points",
                ha=ha,
                va="center",
                fontsize=fontsize,
                zorder=4,
                # a thin leader line when the label had to move above or below its point
                arrowprops=(
                    {"arrowstyle": "-", "lw": 0.4, "color": "0.45", "shrinkA": 0, "shrinkB": 2}
                    if dy
                    else None
                ),
            )
    return fig
