"""Figures of the disparity tools (matplotlib ``Figure`` objects; no pyplot global state).

Every function returns a new figure and never shows or saves it; the study pipeline saves and
closes the figures it receives.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from spatialpanel.disparity.convergence import SigmaConvergence
from spatialpanel.disparity.dagum import DagumGiniPanel
from spatialpanel.disparity.kde import KernelDensity
from spatialpanel.errors import ConfigError

__all__ = ["plot_dagum", "plot_kde_2d", "plot_kde_3d", "plot_sigma"]

_COMPONENTS = (("G", "Overall G"), ("G_w", "Within G_w"), ("G_nb", "Net between G_nb"))


def plot_dagum(result: DagumGiniPanel, *, title: str | None = None) -> Figure:
    """Four panels: G and its contributions, their shares, within-group and between-group Ginis."""
    table = result.table
    years = np.asarray(table.index)
    mark = _marker(years)
    fig = Figure(figsize=(11, 8), layout="constrained")
    axes = fig.subplots(2, 2)
    ax = axes[0, 0]
    for key, label in (*_COMPONENTS, ("G_t", "Transvariation G_t")):
        ax.plot(years, table[key], marker=mark, label=label)
    ax.set_title("(a) Gini coefficient and its contributions")
    ax.set_ylabel("Gini")
    ax.legend(fontsize=8)
    ax = axes[0, 1]
    shares = table[["share_w", "share_nb", "share_t"]].to_numpy().T
    ax.stackplot(years, shares, labels=["Within", "Net between", "Transvariation"], alpha=0.8)
    ax.set_ylim(0, 100)
    ax.set_title("(b) Contribution rates (%)")
    ax.set_ylabel("%")
    ax.legend(fontsize=8, loc="lower left")
    ax = axes[1, 0]
    within = result.within_table
    for col in within.columns:
        ax.plot(years, within[col], marker=mark, label=str(col))
    ax.set_title("(c) Within-group Gini G_jj")
    ax.legend(fontsize=8)
    ax = axes[1, 1]
    between = result.between_table
    for col in between.columns:
        ax.plot(years, between[col], marker=mark, markersize=4, label=str(col))
    ax.set_title("(d) Between-group Gini G_jh")
    ax.legend(fontsize=7, ncol=2)
    for a in axes.ravel():
        a.set_xlabel("Year")
        _year_ticks(a, years)
        a.tick_params(axis="x", labelrotation=45, labelsize=8)
    if title:
        fig.suptitle(title)
    return fig


def _marker(years: np.ndarray) -> str | None:
    """Point markers for short panels only."""
    return "o" if len(years) <= 30 else None


def _year_ticks(ax: Any, years: np.ndarray) -> None:
    """Every year as a tick when there are at most 15, else integer ticks chosen by matplotlib."""
    if len(years) <= 15:
        ax.set_xticks(years)
    else:
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(nbins=10, integer=True))


def _scopes(kd: KernelDensity, scopes: Sequence[Hashable] | None) -> list[Hashable]:
    chosen = kd.scopes if scopes is None else list(scopes)
    unknown = [s for s in chosen if s not in kd.scopes]
    if unknown:
        raise ConfigError(f"scopes {unknown} have no curves; use some of {kd.scopes}.")
    return chosen


def _support(kd: KernelDensity, scope: Hashable) -> slice:
    """Grid range where some year's density exceeds 0.1 % of the scope's highest density."""
    dens = kd.density(scope).to_numpy()
    keep = np.flatnonzero(dens.max(axis=1) > 1e-3 * dens.max())
    if keep.size == 0:
        return slice(None)
    return slice(max(int(keep[0]) - 1, 0), int(keep[-1]) + 2)


def plot_kde_2d(
    kd: KernelDensity,
    *,
    scopes: Sequence[Hashable] | None = None,
    years: Sequence[Hashable] | None = None,
    xlabel: str = "Index value",
    title: str | None = None,
) -> Figure:
    """Density curves, one line per year, one panel per scope (``"all"`` and the groups)."""
    chosen = _scopes(kd, scopes)
    ncol = min(len(chosen), 3)
    nrow = int(np.ceil(len(chosen) / ncol))
    fig = Figure(figsize=(4.2 * ncol, 3.4 * nrow), layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrow, ncol, squeeze=False)).ravel()
    for ax, scope in zip(axes, chosen, strict=False):
        dens = kd.density(scope)
        cols = list(dens.columns) if years is None else [y for y in years if y in dens.columns]
        colors = _year_colors(len(cols))
        part = _support(kd, scope)
        for color, year in zip(colors, cols, strict=True):
            ax.plot(
                kd.grid[part], dens[year].to_numpy()[part], color=color, label=str(year), lw=1.2
            )
        ax.set_title("Whole country" if scope == "all" else str(scope))
        ax.set_xlabel(xlabel)
        ax.set_ylabel("Density")
        ax.legend(fontsize=6, ncol=2)
    for ax in axes[len(chosen) :]:
        ax.set_visible(False)
    if title:
        fig.suptitle(title)
    return fig


def _year_colors(n: int) -> list[tuple[float, float, float, float]]:
    from matplotlib import colormaps

    cmap = colormaps["viridis"]
    return [cmap(v) for v in np.linspace(0.0, 0.9, max(n, 1))][:n]


def plot_kde_3d(
    kd: KernelDensity,
    *,
    scopes: Sequence[Hashable] | None = None,
    xlabel: str = "Index value",
    title: str | None = None,
) -> Figure:
    """The "3D" kernel density figure: year x value x density surface, one panel per scope."""
    chosen = _scopes(kd, scopes)
    ncol = min(len(chosen), 3)
    nrow = int(np.ceil(len(chosen) / ncol))
    fig = Figure(figsize=(5.0 * ncol, 4.4 * nrow), layout="constrained")
    for i, scope in enumerate(chosen, start=1):
        ax = fig.add_subplot(nrow, ncol, i, projection="3d")
        dens = kd.density(scope)
        part = _support(kd, scope)
        years = np.asarray(dens.columns, dtype=float)
        xx, yy = np.meshgrid(kd.grid[part], years)
        zz = dens.to_numpy()[part].T
        ax.plot_surface(
            xx,
            yy,
            zz,
            cmap="viridis",
            rcount=len(years),
            ccount=min(zz.shape[1], 256),
            linewidth=0.2,
            edgecolor="0.3",
            antialiased=True,
            alpha=0.9,
        )
        ax.set_xlabel(xlabel, fontsize=8)
        ax.set_ylabel("Year", fontsize=8)
        ax.set_zlabel("Density", fontsize=8)
        ax.set_title("Whole country" if scope == "all" else str(scope))
        ax.tick_params(labelsize=7)
        ax.view_init(elev=28, azim=-60)
    if title:
        fig.suptitle(title)
    return fig


def plot_sigma(sigma: SigmaConvergence, *, title: str | None = None) -> Figure:
    """σ convergence: the dispersion per year, one line per scope."""
    fig = Figure(figsize=(7, 4.2), layout="constrained")
    ax = fig.subplots()
    years = np.asarray(sigma.table.index)
    for col in sigma.table.columns:
        style = {"lw": 2.4, "color": "black"} if col == "all" else {"lw": 1.2}
        label = "Whole country" if col == "all" else str(col)
        ax.plot(years, sigma.table[col], marker=_marker(years), label=label, **style)
    what = "Coefficient of variation" if sigma.measure == "cv" else "Standard deviation"
    ax.set_ylabel(what + (" of logs" if sigma.log else ""))
    ax.set_xlabel("Year")
    _year_ticks(ax, years)
    ax.tick_params(axis="x", labelrotation=45, labelsize=8)
    ax.legend(fontsize=8)
    ax.set_title(title or "σ convergence")
    return fig
