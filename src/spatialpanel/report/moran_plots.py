"""Moran scatter plots (Anselin 1996): standardised value against its spatial lag, one per year.

The form of the paper's Figures 3–6: every region a labelled point, the axes through the origin
split the plane into the quadrants I HH (upper right), II LH (upper left), III LL (lower left) and
IV HL (lower right), as the LISA table reads them (the sign of z and of W·z).

The fitted line is the least-squares line of W·z on z: it passes through the means of the points,
(0, mean of W·z), with slope ``z'Wz / z'z``, which equals Moran's I when ``S0 = n``
(row-standardised weights without islands); otherwise the legend gives both. With a symmetric
(or doubly stochastic) W the lags average 0 and the line passes through the origin. A matrix
that is not symmetric, such as the product-form economic–geographic matrix
``W_d diag(g_i / g_mean)`` row-standardised, gives high-value regions more weight in every
neighbour's lag: the lags of the standardised values average far from 0, every point is shifted
and a line through the origin would miss the cloud. The figure then draws the mean lag as a
dotted line and :func:`fitted_line_note` says so (the study's note says why the lags shift).

Figures are drawn from a :class:`~spatialpanel.report.figspec.FigureSpec` (:func:`moran_spec`,
the drawer :func:`draw_moran_spec`); :func:`moran_scatter` does both for a series and a W.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from spatialpanel.errors import DataError
from spatialpanel.text import Label, Message, msg, numbers, pmsg, render
from spatialpanel.weights.core import SpatialWeights

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from spatialpanel.report.drawers import Words
    from spatialpanel.report.figspec import FigureSpec, FigureText

__all__ = [
    "QUADRANT_COLOURS",
    "SHIFT_RATIO",
    "draw_moran_spec",
    "fitted_line_note",
    "moran_scatter",
    "moran_spec",
]

QUADRANT_COLOURS: dict[str, str] = {
    "HH": "#c0392b",
    "LH": "#e59866",
    "LL": "#2e86c1",
    "HL": "#85c1e9",
}
_ROMAN = {"HH": "I", "LH": "II", "LL": "III", "HL": "IV"}
#: The lags count as shifted when their mean is at least this many standard deviations of the
#: lags away from 0 (the demo's product-form matrix: 1.7; its row-standardised contiguity,
#: distance and economic matrices: 0.1-0.4).
SHIFT_RATIO = 0.5


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

    from spatialpanel.report.figure_files import lay_out

    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    # the layout and the transforms as a draw leaves them, without rasterising anything
    lay_out(fig)
    ax.apply_aspect()
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


def moran_spec(
    values: pd.Series,
    w: SpatialWeights,
    *,
    year: Hashable | None = None,
    variable: FigureText = "value",
    max_labels: int | None = None,
) -> FigureSpec:
    """The specification of the Moran scatter plot of one cross-section.

    Parameters
    ----------
    values
        One value per region (indexed by id), or a panel series with an (entity, time)
        MultiIndex together with ``year``.
    w
        Spatial weights as transformed (row-standardised by default); not modified.
    year
        The year to draw when ``values`` is a panel.
    variable
        The variable's label for the axes (e.g. ``Label("variable", "cp")``).
    max_labels
        Label at most this many regions: those farthest from the origin (largest
        ``z² + (Wz)²``); all when ``None``. Hundreds of labels are unreadable (cities).

    Returns
    -------
    FigureSpec
        Data ``points`` (region id -> ``z``, ``lag``); options ``slope`` (``z'Wz / z'z``, the
        least-squares slope), ``intercept`` (the mean lag: the line passes through the means),
        ``moran_i`` (``n / S0 × slope``), ``n``, ``s0``, ``shifted`` (see :data:`SHIFT_RATIO`),
        ``max_labels``.
    """
    from spatialpanel.report.figspec import FigureSpec

    x = _cross_section(values, w, year)
    d = x.to_numpy() - x.to_numpy().mean()
    sd = float(np.sqrt(d @ d / d.size))
    if sd == 0:
        raise DataError(f"values is constant (year {year}); the Moran scatter plot is undefined.")
    z = d / sd
    lag = np.asarray(w.sparse @ z, dtype=float)
    slope = float(z @ lag / (z @ z))
    # least squares of lag on z with an intercept: the line through the means of the points
    intercept = float(lag.mean() - slope * z.mean())
    mean_lag = float(lag.mean())
    points = pd.DataFrame({"z": z, "lag": lag}, index=pd.Index(list(w.ids), name="region"))
    spread = float(lag.std())
    return FigureSpec(
        drawer="moran_scatter",
        data={"points": points},
        texts={"variable": variable},
        options={
            "slope": slope,
            "intercept": intercept,
            "mean_lag": mean_lag,
            "moran_i": float(w.n / w.s0 * slope),
            "n": int(w.n),
            "s0": float(w.s0),
            "shifted": bool(spread > 0 and abs(mean_lag) >= SHIFT_RATIO * spread),
            "max_labels": None if max_labels is None else int(max_labels),
        },
    )


def fitted_line_note(spec: FigureSpec) -> Message | None:
    """The figure note on the fitted line when the lags are shifted (``None`` otherwise): it
    passes through the means of the points, not the origin, and the mean lag is dotted."""
    if not spec.options.get("shifted"):
        return None
    return msg(
        "The fitted line passes through the means of the points, not the origin (the mean spatial "
        "lag, {mean}, is dotted); its slope is Moran's I.",
        mean=numbers.fixed(float(spec.options["mean_lag"]), 3),
    )


def _line_text(spec: FigureSpec) -> Message:
    moran_i = numbers.fixed(float(spec.options["moran_i"]), 3)
    if abs(float(spec.options["s0"]) - int(spec.options["n"])) <= 1e-9 * int(spec.options["n"]):
        return msg("Fitted line: slope = Moran's I = {value}", value=moran_i)
    return msg(
        "Fitted line: slope {slope} (Moran's I = {value} = n/S0 × slope)",
        slope=numbers.fixed(float(spec.options["slope"]), 3),
        value=moran_i,
    )


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
    lang: str = "en",
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
        Figure title (none by default: a caption carries it). The legend gives Moran's I.
    variable
        Name of the variable for the axis labels.
    ax
        Draw into these axes instead of a new figure.
    figsize, fontsize
        Size of a new figure (inches) and of the region labels (points).
    lang
        Language of the axis labels, legend and quadrant names.
    max_labels
        Label at most this many regions: those farthest from the origin (largest
        ``z² + (Wz)²``); all when ``None``. Hundreds of labels are unreadable (cities).

    Returns
    -------
    matplotlib.figure.Figure
        A figure not registered with pyplot (the caller saves it; nothing is shown).
    """
    from spatialpanel.report.style import figure_style

    spec = moran_spec(values, w, year=year, variable=variable, max_labels=max_labels)
    ids = list(spec.data["points"].index)
    names = (
        {i: str(i) for i in ids} if labels is None else {k: str(v) for k, v in dict(labels).items()}
    )
    with figure_style(lang):
        return _draw(
            spec,
            [names.get(i, "") for i in ids],
            lambda text: render(text, lang),
            ax=ax,
            figsize=figsize,
            fontsize=fontsize,
            title=title,
        )


def draw_moran_spec(spec: FigureSpec, words: Words) -> Figure:
    """The drawer of :func:`moran_spec`: region names from the labels (provinces by name)."""
    ids = list(spec.data["points"].index)
    names = [words(Label("region", str(i))) for i in ids]
    return _draw(spec, names, words)


def _draw(
    spec: FigureSpec,
    names: list[str],
    text: Callable[[FigureText], str],
    *,
    ax: Axes | None = None,
    figsize: tuple[float, float] = (6.4, 5.4),
    fontsize: float = 6.5,
    title: str | None = None,
) -> Figure:
    from matplotlib.figure import Figure

    points = spec.data["points"]
    z, lag = points["z"].to_numpy(dtype=float), points["lag"].to_numpy(dtype=float)
    slope, intercept = float(spec.options["slope"]), float(spec.options["intercept"])
    if ax is None:
        fig = Figure(figsize=figsize, layout="constrained")
        ax = fig.add_subplot()
    else:
        parent = ax.get_figure()
        if not isinstance(parent, Figure):  # pragma: no cover - subfigures
            raise DataError("ax must belong to a matplotlib Figure.")
        fig = parent
    ax.grid(False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(True)
    quad = np.where(z > 0, np.where(lag > 0, "HH", "HL"), np.where(lag > 0, "LH", "LL"))
    colours = [QUADRANT_COLOURS[str(q)] for q in quad]
    ax.axhline(0.0, color="0.4", lw=0.8, zorder=1)
    ax.axvline(0.0, color="0.4", lw=0.8, zorder=1)
    ax.scatter(z, lag, c=colours, s=22, edgecolors="black", linewidths=0.4, zorder=3)
    xspan = max(float(np.max(np.abs(z))), 1.0) * 1.2
    yspan = max(float(np.max(np.abs(lag))), 1.0) * 1.25
    grid = np.array([-xspan, xspan])
    variable = spec.texts.get("variable", "value")
    ax.plot(
        grid,
        intercept + slope * grid,
        color="black",
        lw=1.1,
        zorder=2,
        label=text(_line_text(spec)),
        gid="fitted-line",
    )
    if spec.options.get("shifted"):
        mean = float(spec.options["mean_lag"])
        ax.axhline(
            mean,
            color="0.35",
            lw=0.8,
            ls=":",
            zorder=1,
            label=text(msg("Mean spatial lag ({value})", value=numbers.fixed(mean, 3))),
        )
    max_labels = spec.options.get("max_labels")
    if max_labels is not None and len(z) > int(max_labels):
        far = set(np.argsort(-(z**2 + lag**2), kind="stable")[: max(int(max_labels), 0)])
        names = [name if i in far else "" for i, name in enumerate(names)]
    ax.set_xlim(-xspan, xspan)
    ax.set_ylim(-yspan, yspan)
    corners = {"HH": (0.98, 0.98), "LH": (0.02, 0.98), "LL": (0.02, 0.02), "HL": (0.98, 0.02)}
    for lab, (cx, cy) in corners.items():
        ax.text(
            cx,
            cy,
            text(msg("{number}  {quadrant}", number=_ROMAN[lab], quadrant=pmsg("quadrant", lab))),
            transform=ax.transAxes,
            ha="right" if cx > 0.5 else "left",
            va="top" if cy > 0.5 else "bottom",
            fontsize=9,
            fontweight="bold",
            color=QUADRANT_COLOURS[lab],
        )
    ax.set_xlabel(text(msg("{variable} (standardised z)", variable=_param(variable))))
    ax.set_ylabel(text(msg("Spatial lag W·z of {variable}", variable=_param(variable))))
    if title:
        ax.set_title(title)
    ax.legend(loc="lower right", bbox_to_anchor=(0.98, 0.06), fontsize=8, frameon=False)
    for i, (dx, dy, ha) in enumerate(_label_offsets(fig, ax, z, lag, names, fontsize)):
        if names[i]:
            ax.annotate(
                names[i],
                (z[i], lag[i]),
                xytext=(dx, dy),
                textcoords="offset points",
                ha=ha,
                va="center",
                fontsize=fontsize,
                zorder=4,
                # a thin leader line when the label had to move above or below its point, to
                # the label's corner nearest the point (patchA=None: not clipped against the
                # label's box, which cost a bisection of the line per label and layout pass)
                arrowprops=(
                    {
                        "arrowstyle": "-",
                        "lw": 0.4,
                        "color": "0.45",
                        "shrinkA": 0,
                        "shrinkB": 2,
                        "patchA": None,
                        "relpos": (0.0 if ha == "left" else 1.0, 0.0 if dy > 0 else 1.0),
                    }
                    if dy
                    else None
                ),
            )
    return fig


def _param(value: object) -> Label | Message | str:
    if isinstance(value, Label | Message | str):
        return value
    return str(value)
