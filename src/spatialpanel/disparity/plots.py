"""Figures of the disparity tools: the Dagum decomposition, kernel densities, σ convergence.

Every figure is a ``spatialpanel.report.figspec.FigureSpec`` (built by :func:`dagum_spec`,
:func:`kde_spec`, :func:`sigma_spec` from the results) drawn by a registered drawer in the one
style of ``spatialpanel.report.style``; group names, the variable and every word are texts
rendered in the figure's language. ``plot_dagum``, ``plot_kde_2d``, ``plot_kde_3d`` and
``plot_sigma`` do both at once and return a new matplotlib figure (never shown or saved).

Readers see words, not bare symbols: the Dagum components are "Within-group (G_w)", "Net
between-group (G_nb)", "Transvariation (G_t)", with the symbol in brackets as the papers write
them.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from spatialpanel.disparity.convergence import SigmaConvergence
from spatialpanel.disparity.dagum import DagumGiniPanel
from spatialpanel.disparity.kde import ALL, KernelDensity
from spatialpanel.errors import ConfigError
from spatialpanel.report.figspec import FigureSpec, FigureText
from spatialpanel.report.style import FULL_WIDTH, panel_height
from spatialpanel.text import Message, msg, numbers

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from spatialpanel.report.drawers import Words

__all__ = [
    "dagum_spec",
    "draw_dagum_spec",
    "draw_kde_curves_spec",
    "draw_kde_surface_spec",
    "draw_sigma_spec",
    "kde_spec",
    "plot_dagum",
    "plot_kde_2d",
    "plot_kde_3d",
    "plot_sigma",
    "sigma_spec",
]

_YEAR = msg("Year")
_ALL_REGIONS = msg("All regions")
_COMPONENTS: tuple[tuple[str, Message], ...] = (
    ("G", msg("Overall Gini ($G$)")),
    ("G_w", msg("Within-group ($G_w$)")),
    ("G_nb", msg("Net between-group ($G_{{nb}}$)")),
    ("G_t", msg("Transvariation ($G_t$)")),
)
_SHARES: tuple[tuple[str, Message], ...] = (
    ("share_w", msg("Within-group")),
    ("share_nb", msg("Net between-group")),
    ("share_t", msg("Transvariation")),
)


def _texts(groups: Mapping[Any, FigureText] | None, keys: Iterable[Any]) -> dict[str, FigureText]:
    given = {str(k): v for k, v in (groups or {}).items()}
    return {str(k): given.get(str(k), str(k)) for k in keys}


def _draw(spec: FigureSpec, lang: str) -> Figure:
    from spatialpanel.report.drawers import draw

    return draw(spec, lang)


# ------------------------------------------------------------------------------------ Dagum
def dagum_spec(
    result: DagumGiniPanel, *, groups: Mapping[Any, FigureText] | None = None
) -> FigureSpec:
    """The Dagum figure: G and its contributions, their shares, within- and between-group Ginis.

    ``groups`` gives each group's text (e.g. ``Label("group", "east")``); the key otherwise.
    """
    table = result.table.copy()
    within = result.within_table.copy()
    within.columns = pd.Index([str(c) for c in within.columns], name="group")
    pairs: dict[tuple[str, str], dict[Any, float]] = {}
    for year, res in result.by_year.items():
        labels = [str(g) for g in res.between.index]
        matrix = res.between.to_numpy()
        for a in range(len(labels)):
            for b in range(a + 1, len(labels)):
                pairs.setdefault((labels[a], labels[b]), {})[year] = float(matrix[a, b])
    between = pd.DataFrame(pairs)
    between.columns = pd.MultiIndex.from_tuples(list(pairs), names=["a", "b"])
    between.index.name = "year"
    return FigureSpec(
        drawer="dagum",
        data={"table": table, "within": within, "between": between},
        texts={"groups": _texts(groups, within.columns)},
    )


def plot_dagum(result: DagumGiniPanel, *, title: str | None = None, lang: str = "en") -> Figure:
    """Four panels: G and its contributions, their shares, within-group and between-group Ginis.

    ``lang="zh"`` draws Chinese labels (needs a CJK font, see ``spatialpanel.report.fonts``).
    """
    fig = _draw(dagum_spec(result), lang)
    if title:
        fig.suptitle(title)
    return fig


def draw_dagum_spec(spec: FigureSpec, words: Words) -> Figure:
    """The drawer of :func:`dagum_spec`."""
    from matplotlib.figure import Figure

    from spatialpanel.report.style import PALETTE, REGION_COLOURS, year_axis

    table, within, between = (spec.data[k] for k in ("table", "within", "between"))
    assert isinstance(table, pd.DataFrame) and isinstance(within, pd.DataFrame)
    assert isinstance(between, pd.DataFrame)
    names = words.by_name(spec.texts.get("groups"))
    years = np.asarray(table.index)
    mark = _marker(years)
    fig = Figure(figsize=(FULL_WIDTH, 5.8), layout="constrained")
    axes = fig.subplots(2, 2)
    ax = axes[0, 0]
    for key, text in _COMPONENTS:
        ax.plot(years, table[key], marker=mark, label=words(text))
    ax.set_title(words(msg("(a) Gini coefficient and its contributions")))
    ax.set_ylabel(words(msg("Gini coefficient")))
    ax.set_ylim(0, 1.55 * float(np.nanmax(table[[k for k, _ in _COMPONENTS]].to_numpy())))
    ax.legend(loc="upper center", ncol=2, fontsize=7, handlelength=1.5, columnspacing=1.0)
    ax = axes[0, 1]
    shares = table[[k for k, _ in _SHARES]].to_numpy().T
    ax.stackplot(
        years, shares, labels=[words(t) for _, t in _SHARES], colors=PALETTE[1:4], alpha=0.85
    )
    ax.set_ylim(0, 100)
    ax.set_title(words(msg("(b) Contribution rates")))
    ax.set_ylabel(words(msg("Contribution (%)")))
    ax.legend(loc="lower left", frameon=True, framealpha=0.9, edgecolor="none", fontsize=7.5)
    ax = axes[1, 0]
    for k, col in enumerate(within.columns):
        colour = REGION_COLOURS.get(str(col), PALETTE[k % len(PALETTE)])
        ax.plot(years, within[col], marker=mark, color=colour, label=names.get(str(col), str(col)))
    ax.set_title(words(msg("(c) Within-group Gini coefficients")))
    ax.set_ylabel(words(msg("Gini coefficient")))
    ax.set_ylim(0, 1.35 * float(np.nanmax(within.to_numpy())) if within.size else 1.0)
    ax.legend(loc="upper center", ncol=4, fontsize=7, handlelength=1.5, columnspacing=1.0)
    ax = axes[1, 1]
    for column in between.columns:
        a, b = (str(v) for v in column)
        pair = words(msg("{a}–{b}", a=names.get(a, a), b=names.get(b, b)))
        ax.plot(years, between[column], marker=mark, markersize=3.5, label=pair)
    ax.set_title(words(msg("(d) Between-group Gini coefficients")))
    ax.set_ylabel(words(msg("Gini coefficient")))
    top = float(np.nanmax(between.to_numpy())) if between.size else 1.0
    ax.set_ylim(0, 1.45 * top)
    ax.legend(loc="upper center", ncol=2, fontsize=7, handlelength=1.5, columnspacing=1.0)
    for a in axes.ravel():
        a.set_xlabel(words(_YEAR))
        year_axis(a, years, max_labels=6)
    return fig


def _marker(years: np.ndarray) -> str | None:
    """Point markers for short panels only."""
    return "o" if len(years) <= 30 else None


# ------------------------------------------------------------------------------ kernel density
def kde_spec(
    kd: KernelDensity,
    *,
    variable: FigureText = "value",
    scopes: Mapping[Any, FigureText] | None = None,
    all_label: FigureText | None = None,
    surface: bool = False,
) -> FigureSpec:
    """The kernel density figure: curves by year (``surface=False``) or the year × value ×
    density surface (``surface=True``), one panel per scope (all regions, then the groups).

    Parameters
    ----------
    kd
        The densities.
    variable
        The variable's text (x axis).
    scopes
        Group -> text (e.g. ``Label("group", "east")``); the group key otherwise.
    all_label
        The text of the whole sample's panel (default "All regions").
    surface
        Draw the surface instead of the curves.
    """
    texts: dict[str, Any] = {
        "variable": variable,
        "scopes": {
            str(s): (all_label or _ALL_REGIONS)
            if s == ALL
            else _texts(scopes, [s]).get(str(s), str(s))
            for s in kd.scopes
        },
        "omitted": kde_omitted_note(kd, scopes=scopes),
    }
    curves = kd.curves.copy()
    scope_of = curves.columns.get_level_values(0)
    year_of = curves.columns.get_level_values(1)
    curves.columns = pd.MultiIndex.from_arrays(
        [
            [str(s) for s in scope_of],
            [int(y) if isinstance(y, int | np.integer) else y for y in year_of],
        ],
        names=["scope", "year"],
    )
    return FigureSpec(
        drawer="kde_surface" if surface else "kde_curves",
        data={"curves": curves},
        texts=texts,
        options={
            "scopes": [str(s) for s in kd.scopes],
            "bounds": None if kd.bounds is None else list(kd.bounds),
        },
    )


def kde_omitted_note(
    kd: KernelDensity, *, scopes: Mapping[Any, FigureText] | None = None
) -> Message | None:
    """ "No density for Northeast (3 regions): fewer than 5." (``None`` when no group is
    omitted): the figure's footnote and note."""
    if not kd.omitted:
        return None
    from spatialpanel.text import TextList

    names = _texts(scopes, list(kd.omitted))
    items = TextList(
        tuple(
            msg("{group} ({n})", group=names[str(g)], n=numbers.integer(n))
            for g, n in kd.omitted.items()
        )
    )
    return msg(
        "No density for {groups}: a group needs at least {minimum} regions for a kernel "
        "density; with fewer, each curve is a few spikes.",
        groups=items,
        minimum=numbers.integer(kd.min_group_size),
    )


def _kde_inputs(
    kd: KernelDensity, scopes: Sequence[Hashable] | None, xlabel: str | None
) -> tuple[FigureSpec, dict[str, Any]]:
    chosen = kd.scopes if scopes is None else list(scopes)
    unknown = [s for s in chosen if s not in kd.scopes]
    if unknown:
        raise ConfigError(f"scopes {unknown} have no curves; use some of {kd.scopes}.")
    return kde_spec(kd, variable=xlabel or msg("Index value")), {"scopes": [str(s) for s in chosen]}


def plot_kde_2d(
    kd: KernelDensity,
    *,
    scopes: Sequence[Hashable] | None = None,
    years: Sequence[Hashable] | None = None,
    xlabel: str | None = None,
    title: str | None = None,
    lang: str = "en",
) -> Figure:
    """Density curves, one line per year, one panel per scope (``"all"`` and the groups)."""
    spec, options = _kde_inputs(kd, scopes, xlabel)
    if years is not None:
        options["years"] = [int(y) if isinstance(y, int | np.integer) else y for y in years]
    fig = _draw(FigureSpec(spec.drawer, spec.data, spec.texts, {**spec.options, **options}), lang)
    if title:
        fig.suptitle(title)
    return fig


def plot_kde_3d(
    kd: KernelDensity,
    *,
    scopes: Sequence[Hashable] | None = None,
    xlabel: str | None = None,
    title: str | None = None,
    lang: str = "en",
) -> Figure:
    """The "3D" kernel density figure: year x value x density surface, one panel per scope."""
    spec, options = _kde_inputs(kd, scopes, xlabel)
    fig = _draw(FigureSpec("kde_surface", spec.data, spec.texts, {**spec.options, **options}), lang)
    if title:
        fig.suptitle(title)
    return fig


def _kde_panels(spec: FigureSpec) -> tuple[list[str], int, int, pd.DataFrame]:
    curves = spec.data["curves"]
    assert isinstance(curves, pd.DataFrame)
    chosen = [str(s) for s in spec.options.get("scopes", [])]
    ncol = min(len(chosen), 3) if len(chosen) != 4 else 2
    nrow = int(np.ceil(len(chosen) / ncol))
    return chosen, nrow, ncol, curves


def _support(dens: np.ndarray) -> slice:
    """Grid range where some year's density exceeds 0.1 % of the scope's highest density."""
    keep = np.flatnonzero(dens.max(axis=1) > 1e-3 * dens.max())
    if keep.size == 0:
        return slice(None)
    return slice(max(int(keep[0]) - 1, 0), int(keep[-1]) + 2)


def _footnote(fig: Figure, words: Words, spec: FigureSpec) -> None:
    from spatialpanel.report.style import SIZES

    note = words(spec.texts.get("omitted"))
    if note:
        fig.supxlabel(note, fontsize=SIZES["small"], color="#444444", wrap=True)


def draw_kde_curves_spec(spec: FigureSpec, words: Words) -> Figure:
    """The drawer of :func:`kde_spec` (curves)."""
    from matplotlib import colormaps
    from matplotlib.figure import Figure

    chosen, nrow, ncol, curves = _kde_panels(spec)
    names = words.by_name(spec.texts.get("scopes"))
    grid = np.asarray(curves.index, dtype=float)
    fig = Figure(figsize=(FULL_WIDTH, panel_height(ncol, 0.8) * nrow + 0.3), layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrow, ncol, squeeze=False)).ravel()
    wanted = spec.options.get("years")
    xlabel = words(spec.texts.get("variable"))
    handles: list[Any] = []
    for ax, scope in zip(axes, chosen, strict=False):
        dens = curves.xs(scope, axis=1, level=0)
        cols = list(dens.columns) if wanted is None else [y for y in wanted if y in dens.columns]
        cmap = colormaps["viridis"]
        colours = [cmap(v) for v in np.linspace(0.0, 0.9, max(len(cols), 1))]
        part = _support(dens.to_numpy())
        lines = [
            ax.plot(grid[part], dens[year].to_numpy()[part], color=colour, label=str(year), lw=1.2)[
                0
            ]
            for colour, year in zip(colours, cols, strict=False)
        ]
        handles = handles if len(handles) >= len(lines) else lines
        ax.set_title(names.get(scope, scope))
        ax.set_xlabel(xlabel)
        ax.set_ylabel(words(msg("Density")))
        ax.set_ylim(bottom=0)
    for ax in axes[len(chosen) :]:
        ax.set_visible(False)
    # one legend of the years for every panel (the colours are the same in each)
    fig.legend(
        handles=handles,
        loc="outside upper center",
        ncols=min(len(handles), 10),
        fontsize=7.5,
        handlelength=1.4,
        columnspacing=1.0,
    )
    _footnote(fig, words, spec)
    return fig


def draw_kde_surface_spec(spec: FigureSpec, words: Words) -> Figure:
    """The drawer of :func:`kde_spec` (surface)."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    chosen, nrow, ncol, curves = _kde_panels(spec)
    names = words.by_name(spec.texts.get("scopes"))
    grid = np.asarray(curves.index, dtype=float)
    # fixed margins, no layout engine: constrained layout's first pass can give a 3D axes a
    # degenerate box (its projection then overflows); the saved file is cut to the tight box
    height = panel_height(ncol, 0.9) * nrow + 0.3
    fig = Figure(figsize=(FULL_WIDTH, height))
    fig.subplots_adjust(left=0.0, right=0.94, bottom=0.45 / height, top=0.96, wspace=0.05)
    for i, scope in enumerate(chosen, start=1):
        ax = fig.add_subplot(nrow, ncol, i, projection="3d")
        dens = curves.xs(scope, axis=1, level=0)
        part = _support(dens.to_numpy())
        years = np.asarray(dens.columns, dtype=float)
        # at most 96 columns, every polygon a quad (strides 1): no ragged, NaN-padded polygons
        cols = np.unique(np.linspace(0, len(grid[part]) - 1, min(len(grid[part]), 96)).round())
        take = cols.astype(int)
        xx, yy = np.meshgrid(grid[part][take], years)
        zz = dens.to_numpy()[part][take].T
        ax.plot_surface(
            xx,
            yy,
            zz,
            cmap="viridis",
            rstride=1,
            cstride=1,
            linewidth=0.2,
            edgecolor="0.3",
            antialiased=True,
            alpha=0.9,
            rasterized=True,  # the surface as a bitmap inside SVG/PDF: small, fast files
        )
        ax.set_xlabel(words(spec.texts.get("variable")), fontsize=8)
        ax.set_ylabel(words(_YEAR), fontsize=8)
        ax.set_zlabel(words(msg("Density")), fontsize=8)
        ax.set_title(names.get(scope, scope))
        ax.tick_params(labelsize=7)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
        ax.view_init(elev=28, azim=-60)
    _footnote(fig, words, spec)
    return fig


# ---------------------------------------------------------------------------- σ convergence
def sigma_spec(
    sigma: SigmaConvergence,
    *,
    scopes: Mapping[Any, FigureText] | None = None,
    all_label: FigureText | None = None,
) -> FigureSpec:
    """σ convergence: the dispersion per year, one line per scope (all regions in black)."""
    table = sigma.table.copy()
    table.columns = pd.Index([str(c) for c in table.columns], name="scope")
    names = {
        str(c): (all_label or _ALL_REGIONS) if c == ALL else _texts(scopes, [c])[str(c)]
        for c in sigma.table.columns
    }
    if sigma.measure == "cv":
        ylabel = (
            msg("Coefficient of variation of logs")
            if sigma.log
            else msg("Coefficient of variation")
        )
    else:
        ylabel = msg("Standard deviation of logs") if sigma.log else msg("Standard deviation")
    return FigureSpec(
        drawer="sigma",
        data={"table": table},
        texts={"scopes": names, "ylabel": ylabel},
    )


def plot_sigma(sigma: SigmaConvergence, *, title: str | None = None, lang: str = "en") -> Figure:
    """σ convergence: the dispersion per year, one line per scope."""
    fig = _draw(sigma_spec(sigma), lang)
    if title:
        fig.axes[0].set_title(title)
    return fig


def draw_sigma_spec(spec: FigureSpec, words: Words) -> Figure:
    """The drawer of :func:`sigma_spec`."""
    from matplotlib.figure import Figure

    from spatialpanel.report.style import PALETTE, REGION_COLOURS, year_axis

    table = spec.data["table"]
    assert isinstance(table, pd.DataFrame)
    names = words.by_name(spec.texts.get("scopes"))
    fig = Figure(figsize=(FULL_WIDTH, 4.2), layout="constrained")
    ax = fig.subplots()
    years = np.asarray(table.index)
    k = 0
    for col in table.columns:
        if col == ALL:
            style: dict[str, Any] = {"lw": 2.4, "color": "black", "zorder": 4}
        else:
            style = {"color": REGION_COLOURS.get(col, PALETTE[k % len(PALETTE)])}
            k += 1
        ax.plot(years, table[col], marker=_marker(years), label=names.get(col, col), **style)
    ax.set_ylabel(words(spec.texts.get("ylabel")))
    ax.set_xlabel(words(_YEAR))
    year_axis(ax, years)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return fig
