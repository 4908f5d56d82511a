"""Trend figures of a composite index: selected provinces and regional means (Figures 1 and 2).

The figures read index scores (an (entity, time)-indexed Series) and draw one line per province
or per region, labelled in a legend ordered by the last year's value (top to bottom as the lines
end), with every year on the x axis. They are built with ``matplotlib.figure.Figure`` (no pyplot
state), so the pipeline saves and closes them. The study draws them from a
:class:`~spatialpanel.report.figspec.FigureSpec` (:func:`trends_spec`, drawer
:func:`draw_trends_spec`) whose legend entries are labels (regions by name, groups such as
"East"), rendered in the figure's language.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from spatialpanel.errors import DataError
from spatialpanel.indices.growth import group_means
from spatialpanel.report.style import MARKERS, PALETTE, REGION_COLOURS, figure_style, year_axis
from spatialpanel.text import msg, render

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from spatialpanel.report.drawers import Words
    from spatialpanel.report.figspec import FigureSpec, FigureText

__all__ = [
    "PALETTE",
    "REGION_COLOURS",
    "draw_trends_spec",
    "province_trends",
    "region_trends",
    "trend_figure",
    "trends_spec",
]

Lang = str
_YEAR = msg("Year")
_ALL_MEAN = msg("All regions (mean)")


def trend_figure(
    wide: pd.DataFrame,
    *,
    title: str | None = None,
    ylabel: str = "Index",
    synthetic: bool = False,
    mark: str | None = None,
    lang: Lang = "en",
    reference: pd.Series | None = None,
    reference_label: str = "All regions (mean)",
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
    with figure_style(lang):
        fig = _trend_axes(
            wide,
            ylabel=ylabel,
            xlabel=render(_YEAR, lang),
            reference=reference,
            reference_label=reference_label,
            colours=colours,
        )
        if title:
            fig.axes[0].set_title(title, fontsize=11, loc="left")
        from spatialpanel.report.marks import provenance_mark
        from spatialpanel.report.style import add_mark

        text = provenance_mark("synthetic" if synthetic else mark)
        if text is not None:
            add_mark(fig, render(text, lang))
    return fig


def _trend_axes(
    wide: pd.DataFrame,
    *,
    ylabel: str,
    xlabel: str,
    reference: pd.Series | None,
    reference_label: str,
    colours: Mapping[str, str] | None,
) -> Figure:
    """The lines of ``wide`` (row labels are the legend's texts) in the current style."""
    from matplotlib.figure import Figure

    years = [int(y) for y in wide.columns]
    order = wide.iloc[:, -1].sort_values(ascending=False).index
    n_lines = len(wide) + (reference is not None)
    fig = Figure(figsize=(7.0, 4.2 if n_lines <= 10 else 4.2 + 0.12 * (n_lines - 10)))
    ax = fig.add_subplot()
    # colours and markers follow the legend order (highest last value first)
    for k, label in enumerate(order):
        ax.plot(
            years,
            wide.loc[label].to_numpy(dtype=float),
            color=(colours or {}).get(str(label), PALETTE[k % len(PALETTE)]),
            marker=MARKERS[k % len(MARKERS)],
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
    year_axis(ax, years, rotate=False)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
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
        handlelength=2.2,
    )
    fig.set_layout_engine("constrained")
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
    label = render(msg("All provinces (mean)"), lang)
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


def trends_spec(
    wide: pd.DataFrame,
    *,
    names: Mapping[str, FigureText],
    ylabel: FigureText,
    reference: pd.Series | None = None,
    reference_label: FigureText | None = None,
    colours: Mapping[str, str] | None = None,
) -> FigureSpec:
    """The specification of a trend figure.

    Parameters
    ----------
    wide
        One row per line (rows labelled by a key, e.g. a region id or group), one column per year.
    names
        Row key -> legend text (e.g. ``Label("region", "110000")``, ``Label("group", "east")``).
    ylabel
        The y axis' text (e.g. the index's label).
    reference, reference_label
        An optional series by year drawn dashed grey (e.g. the mean of all regions) and its text.
    colours
        Fixed colour per row key (regions keep their colour across figures).
    """
    from spatialpanel.report.figspec import FigureSpec

    if not isinstance(wide, pd.DataFrame) or wide.empty:
        raise DataError("wide must be a non-empty DataFrame (rows: lines, columns: years).")
    lines = wide.copy()
    lines.index = pd.Index([str(k) for k in lines.index], name="line")
    lines.columns = pd.Index([int(y) for y in lines.columns], name="year")
    data: dict[str, pd.DataFrame | pd.Series] = {"lines": lines.astype(float)}
    if reference is not None:
        ref = reference.astype(float).copy()
        ref.index = pd.Index([int(y) for y in ref.index], name="year")
        data["reference"] = ref.rename("reference")
    return FigureSpec(
        drawer="trends",
        data=data,
        texts={
            "ylabel": ylabel,
            "names": {str(k): v for k, v in names.items()},
            "reference": reference_label,
        },
        options={"colours": {str(k): v for k, v in (colours or {}).items()}},
    )


def draw_trends_spec(spec: FigureSpec, words: Words) -> Figure:
    """The drawer of :func:`trends_spec`."""
    lines = spec.data["lines"]
    assert isinstance(lines, pd.DataFrame)
    names = words.by_name(spec.texts.get("names"))
    keys = [str(k) for k in lines.index]
    shown = [names.get(k, k) for k in keys]
    if len(set(shown)) < len(shown):  # two lines may not share a legend text
        shown = [
            f"{n} ({k})" if shown.count(n) > 1 else n for n, k in zip(shown, keys, strict=True)
        ]
    wide = lines.copy()
    wide.index = pd.Index(shown)
    colours = {
        shown[keys.index(k)]: c
        for k, c in dict(spec.options.get("colours", {})).items()
        if k in keys
    }
    reference = spec.data.get("reference")
    return _trend_axes(
        wide,
        ylabel=words(spec.texts.get("ylabel")),
        xlabel=words(_YEAR),
        reference=reference if isinstance(reference, pd.Series) else None,
        reference_label=words(spec.texts.get("reference")) or words(_ALL_MEAN),
        colours=colours,
    )
