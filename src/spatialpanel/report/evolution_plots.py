"""Trend figures of a composite index: selected provinces and regional means (Figures 1 and 2).

The figures read index scores (an (entity, time)-indexed Series) and draw one line per province
or per region, labelled in a legend ordered by the last year's value (top to bottom as the lines
end), with every year on the x axis. They are built with ``matplotlib.figure.Figure`` (no pyplot
state), so the pipeline saves and closes them.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from spatialpanel.errors import DataError
from spatialpanel.indices.growth import group_means
from spatialpanel.report._mapdraw import data_foot
from spatialpanel.report.fonts import figure_fonts

__all__ = ["PALETTE", "REGION_COLOURS", "province_trends", "region_trends", "trend_figure"]

#: Colour-blind-safe palette (Okabe & Ito 2008, then Tol's muted), cycled with the markers.
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
#: One colour per region of the NBS and three-belt divisions, the same in every figure.
REGION_COLOURS: dict[str, str] = {
    "east": "#0072B2",
    "central": "#D55E00",
    "west": "#009E73",
    "northeast": "#CC79A7",
}
_MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X", "<", ">", "h")
_TEXT = {"en": {"year": "Year"}, "zh": {"year": "年份"}}

Lang = Literal["en", "zh"]


def trend_figure(
    wide: pd.DataFrame,
    *,
    title: str | None = None,
    ylabel: str = "Index",
    synthetic: bool = False,
    mark: str | None = None,
    lang: Lang = "en",
    reference: pd.Series | None = None,
    reference_label: str = "Mean of all regions",
    colours: Mapping[str, str] | None = None,
) -> Figure:
    """Draw one line per row of ``wide`` (rows: series labels, columns: years).

    Parameters
    ----------
    wide
        Values to draw; rows become lines (labelled by the row label), columns are years.
    title
        Figure title (none by default: captions usually carry it).
    ylabel
        Label of the y axis (the index name).
    synthetic
        Print a "synthetic data" note at the foot of the figure.
    mark
        Or the note of another data mark (``"real-reduced"``: real data, reduced indicator
        system).
    lang
        ``"en"`` or ``"zh"`` (axis words and the note; needs a CJK font for Chinese names).
    reference
        An optional series by year drawn as a dashed grey line (e.g. the national mean).
    reference_label
        Legend label of ``reference``.
    colours
        Fixed colour per line label (e.g. one colour per region across figures); lines not named
        take the palette in legend order.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not isinstance(wide, pd.DataFrame) or wide.empty:
        raise DataError("wide must be a non-empty DataFrame (rows: lines, columns: years).")
    if wide.isna().any().any():
        raise DataError("wide has missing values; every line needs every year.")
    text = _TEXT.get(lang, _TEXT["en"])
    years = [int(y) for y in wide.columns]
    order = wide.iloc[:, -1].sort_values(ascending=False).index
    with figure_fonts(lang):
        n_lines = len(wide) + (reference is not None)
        fig = Figure(figsize=(7.0, 4.2 if n_lines <= 10 else 4.2 + 0.12 * (n_lines - 10)))
        ax = fig.add_subplot()
        # colours and markers follow the legend order (highest last value first)
        for k, label in enumerate(order):
            ax.plot(
                years,
                wide.loc[label].to_numpy(dtype=float),
                color=(colours or {}).get(str(label), PALETTE[k % len(PALETTE)]),
                marker=_MARKERS[k % len(_MARKERS)],
                markersize=4.5,
                linewidth=1.6,
                label=str(label),
                zorder=3,
            )
        if reference is not None:
            ref = reference.reindex(wide.columns)
            ax.plot(
                years,
                ref.to_numpy(dtype=float),
                color="#666666",
                linestyle="--",
                linewidth=1.3,
                label=reference_label,
                zorder=2,
            )
        ax.set_xticks(years)
        ax.set_xticklabels([str(y) for y in years], fontsize=8.5)
        ax.tick_params(axis="y", labelsize=8.5)
        ax.set_xlim(years[0] - 0.3, years[-1] + 0.3)
        ax.set_xlabel(text["year"], fontsize=9.5)
        ax.set_ylabel(ylabel, fontsize=9.5)
        ax.grid(axis="y", color="#dddddd", linewidth=0.7, zorder=0)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        handles, labels = ax.get_legend_handles_labels()
        by_label = dict(zip(labels, handles, strict=True))
        legend_order = [str(lab) for lab in order]
        if reference is not None:
            legend_order.append(reference_label)
        ax.legend(
            [by_label[lab] for lab in legend_order],
            legend_order,
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            frameon=False,
            fontsize=8.5,
            handlelength=2.2,
        )
        if title:
            ax.set_title(title, fontsize=11, loc="left")
        foot = data_foot(lang, synthetic=synthetic, mark=mark)
        if foot:
            fig.text(
                0.99,
                0.012,
                foot,
                ha="right",
                va="bottom",
                fontsize=6.5,
                color="#666666",
                style="italic",
            )
        fig.tight_layout(rect=(0, 0.03 if foot else 0, 1, 1))
    return fig


def province_trends(
    scores: pd.Series,
    *,
    entities: Sequence[Hashable],
    names: Mapping[Hashable, str] | None = None,
    title: str | None = None,
    ylabel: str = "Index",
    synthetic: bool = False,
    mark: str | None = None,
    lang: Lang = "en",
) -> Figure:
    """Trend lines of ``scores`` for the selected entities (provinces).

    Parameters
    ----------
    scores
        Index values with an (entity, time) MultiIndex.
    entities
        The entities to draw, in legend order of their last value.
    names
        Entity -> display name (e.g. English province names); the entity itself otherwise.
    title, ylabel, synthetic, mark, lang
        See :func:`trend_figure`.
    """
    wide = _wide(scores)
    missing = [e for e in entities if e not in wide.index]
    if missing:
        raise DataError(f"entities {missing} are not in scores; pick regions of the data.")
    if not entities:
        raise DataError("entities is empty; choose at least one region to draw.")
    sub = wide.loc[list(entities)]
    sub.index = [names.get(e, str(e)) if names is not None else str(e) for e in entities]
    return trend_figure(sub, title=title, ylabel=ylabel, synthetic=synthetic, mark=mark, lang=lang)


def region_trends(
    scores: pd.Series,
    *,
    groups: pd.Series,
    title: str | None = None,
    ylabel: str = "Index",
    synthetic: bool = False,
    mark: str | None = None,
    lang: Lang = "en",
    national: bool = True,
    group_names: Mapping[Hashable, str] | None = None,
) -> Figure:
    """Trend lines of the regional means of ``scores`` (e.g. east / central / west / northeast).

    Parameters
    ----------
    scores
        Index values with an (entity, time) MultiIndex.
    groups
        Entity -> region (e.g. ``spatialpanel.data.china.region_of()``).
    national
        Also draw the mean of all entities as a dashed grey line.
    group_names
        Region -> display name (e.g. ``{"east": "East"}``); capitalised names otherwise.
    title, ylabel, synthetic, mark, lang
        See :func:`trend_figure`.
    """
    means = group_means(scores, groups=groups)
    groups_order = list(means.index)
    means.index = [
        group_names.get(g, str(g)) if group_names is not None else str(g).capitalize()
        for g in means.index
    ]
    colours = {
        name: REGION_COLOURS[str(g).lower()]
        for g, name in zip(groups_order, means.index, strict=True)
        if str(g).lower() in REGION_COLOURS
    }
    reference = scores.groupby(level=1).mean() if national else None
    label = "全国平均" if lang == "zh" else "All provinces (mean)"
    return trend_figure(
        means,
        title=title,
        ylabel=ylabel,
        synthetic=synthetic,
        mark=mark,
        lang=lang,
        reference=reference,
        reference_label=label,
        colours=colours,
    )


def _wide(scores: pd.Series) -> pd.DataFrame:
    if not isinstance(scores, pd.Series):
        raise DataError(f"scores must be a pandas Series; got {type(scores).__name__}.")
    if not (isinstance(scores.index, pd.MultiIndex) and scores.index.nlevels == 2):
        raise DataError("scores needs an (entity, time) MultiIndex.")
    wide = scores.unstack(level=1)
    return (
        wide.reindex(sorted(wide.columns), axis=1).astype(float).replace([np.inf, -np.inf], np.nan)
    )
