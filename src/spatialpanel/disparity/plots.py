"""Figures of the disparity tools (matplotlib ``Figure`` objects; no pyplot global state).

Every function returns a new figure and never shows or saves it; the study pipeline saves and
closes the figures it receives.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any, Literal

import numpy as np
from matplotlib.figure import Figure

from spatialpanel.disparity.convergence import SigmaConvergence
from spatialpanel.disparity.dagum import DagumGiniPanel
from spatialpanel.disparity.kde import KernelDensity
from spatialpanel.errors import ConfigError
from spatialpanel.report.fonts import figure_fonts

__all__ = ["plot_dagum", "plot_kde_2d", "plot_kde_3d", "plot_sigma"]

Lang = Literal["en", "zh"]

_ZH: dict[str, str] = {
    "Overall G": "总体 G",
    "Within G_w": "区域内 G_w",
    "Net between G_nb": "区域间 G_nb",
    "Transvariation G_t": "超变密度 G_t",
    "(a) Gini coefficient and its contributions": "(a) 总体基尼系数及其分解",
    "Gini": "基尼系数",
    "Within": "区域内差异",
    "Net between": "区域间差异",
    "Transvariation": "超变密度",
    "(b) Contribution rates (%)": "(b) 贡献率（%）",
    "(c) Within-group Gini G_jj": "(c) 区域内基尼系数 G_jj",
    "(d) Between-group Gini G_jh": "(d) 区域间基尼系数 G_jh",
    "Year": "年份",
    "Density": "核密度",
    "Index value": "指数值",
    "Whole country": "全国",
    "Coefficient of variation": "变异系数",
    "Standard deviation": "标准差",
    " of logs": "（对数）",
    "σ convergence": "σ 收敛",
    "east": "东部",
    "central": "中部",
    "west": "西部",
    "northeast": "东北",
}


def _t(text: str, lang: str) -> str:
    """``text`` in ``lang`` (region names and labels; anything unknown stays as it is)."""
    return _ZH.get(text, text) if lang == "zh" else text


def _pair(label: str, lang: str) -> str:
    return "–".join(_t(part, lang) for part in label.split("–"))


def _scope_name(scope: Hashable, lang: str) -> str:
    return _t("Whole country", lang) if scope == "all" else _t(str(scope), lang)


_COMPONENTS = (("G", "Overall G"), ("G_w", "Within G_w"), ("G_nb", "Net between G_nb"))


def plot_dagum(result: DagumGiniPanel, *, title: str | None = None, lang: Lang = "en") -> Figure:
    """Four panels: G and its contributions, their shares, within-group and between-group Ginis.

    ``lang="zh"`` draws Chinese labels (needs a CJK font, see ``spatialpanel.report.fonts``).
    """
    with figure_fonts(lang):
        return _dagum_figure(result, title, lang)


def _dagum_figure(result: DagumGiniPanel, title: str | None, lang: str) -> Figure:
    table = result.table
    years = np.asarray(table.index)
    mark = _marker(years)
    fig = Figure(figsize=(11, 8), layout="constrained")
    axes = fig.subplots(2, 2)
    ax = axes[0, 0]
    for key, label in (*_COMPONENTS, ("G_t", "Transvariation G_t")):
        ax.plot(years, table[key], marker=mark, label=_t(label, lang))
    ax.set_title(_t("(a) Gini coefficient and its contributions", lang))
    ax.set_ylabel(_t("Gini", lang))
    ax.legend(fontsize=8)
    ax = axes[0, 1]
    shares = table[["share_w", "share_nb", "share_t"]].to_numpy().T
    names = [_t(n, lang) for n in ("Within", "Net between", "Transvariation")]
    ax.stackplot(years, shares, labels=names, alpha=0.8)
    ax.set_ylim(0, 100)
    ax.set_title(_t("(b) Contribution rates (%)", lang))
    ax.set_ylabel("%")
    ax.legend(fontsize=8, loc="lower left")
    ax = axes[1, 0]
    within = result.within_table
    for col in within.columns:
        ax.plot(years, within[col], marker=mark, label=_t(str(col), lang))
    ax.set_title(_t("(c) Within-group Gini G_jj", lang))
    ax.legend(fontsize=8)
    ax = axes[1, 1]
    between = result.between_table
    for col in between.columns:
        ax.plot(years, between[col], marker=mark, markersize=4, label=_pair(str(col), lang))
    ax.set_title(_t("(d) Between-group Gini G_jh", lang))
    ax.legend(fontsize=7, ncol=2)
    for a in axes.ravel():
        a.set_xlabel(_t("Year", lang))
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


def _scope_grid(
    kd: KernelDensity, scopes: Sequence[Hashable] | None
) -> tuple[list[Hashable], int, int]:
    """The chosen scopes and a grid of up to three panels a row for them: (scopes, rows, cols)."""
    chosen = _scopes(kd, scopes)
    ncol = min(len(chosen), 3)
    nrow = int(np.ceil(len(chosen) / ncol))
    return chosen, nrow, ncol


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
    xlabel: str | None = None,
    title: str | None = None,
    lang: Lang = "en",
) -> Figure:
    """Density curves, one line per year, one panel per scope (``"all"`` and the groups)."""
    with figure_fonts(lang):
        return _kde_2d_figure(kd, scopes, years, xlabel or _t("Index value", lang), title, lang)


def _kde_2d_figure(
    kd: KernelDensity,
    scopes: Sequence[Hashable] | None,
    years: Sequence[Hashable] | None,
    xlabel: str,
    title: str | None,
    lang: str,
) -> Figure:
    chosen, nrow, ncol = _scope_grid(kd, scopes)
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
        ax.set_title(_scope_name(scope, lang))
        ax.set_xlabel(xlabel)
        ax.set_ylabel(_t("Density", lang))
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
    xlabel: str | None = None,
    title: str | None = None,
    lang: Lang = "en",
) -> Figure:
    """The "3D" kernel density figure: year x value x density surface, one panel per scope."""
    with figure_fonts(lang):
        return _kde_3d_figure(kd, scopes, xlabel or _t("Index value", lang), title, lang)


def _kde_3d_figure(
    kd: KernelDensity,
    scopes: Sequence[Hashable] | None,
    xlabel: str,
    title: str | None,
    lang: str,
) -> Figure:
    chosen, nrow, ncol = _scope_grid(kd, scopes)
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
            ccount=min(zz.shape[1], 96),
            linewidth=0.2,
            edgecolor="0.3",
            antialiased=True,
            alpha=0.9,
            rasterized=True,  # the surface as a bitmap inside SVG/PDF: small, fast files
        )
        ax.set_xlabel(xlabel, fontsize=8)
        ax.set_ylabel(_t("Year", lang), fontsize=8)
        ax.set_zlabel(_t("Density", lang), fontsize=8)
        ax.set_title(_scope_name(scope, lang))
        ax.tick_params(labelsize=7)
        ax.view_init(elev=28, azim=-60)
    if title:
        fig.suptitle(title)
    return fig


def plot_sigma(sigma: SigmaConvergence, *, title: str | None = None, lang: Lang = "en") -> Figure:
    """σ convergence: the dispersion per year, one line per scope."""
    with figure_fonts(lang):
        return _sigma_figure(sigma, title, lang)


def _sigma_figure(sigma: SigmaConvergence, title: str | None, lang: str) -> Figure:
    fig = Figure(figsize=(7, 4.2), layout="constrained")
    ax = fig.subplots()
    years = np.asarray(sigma.table.index)
    for col in sigma.table.columns:
        style = {"lw": 2.4, "color": "black"} if col == "all" else {"lw": 1.2}
        label = _scope_name(col, lang)
        ax.plot(years, sigma.table[col], marker=_marker(years), label=label, **style)
    what = "Coefficient of variation" if sigma.measure == "cv" else "Standard deviation"
    ax.set_ylabel(_t(what, lang) + (_t(" of logs", lang) if sigma.log else ""))
    ax.set_xlabel(_t("Year", lang))
    _year_ticks(ax, years)
    ax.tick_params(axis="x", labelrotation=45, labelsize=8)
    ax.legend(fontsize=8)
    ax.set_title(title or _t("σ convergence", lang))
    return fig
