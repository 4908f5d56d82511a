"""Maps stage: choropleths of each composite index and LISA cluster maps, for selected years.

Reads ``ctx.scores`` (one small-multiples figure per index, one panel per year of
``[autocorrelation] years``, one colour scale shared by the panels) and, when the autocorrelation
stage has run, ``ctx.results["local_moran"]`` (one small-multiples figure of LISA cluster maps): the
table of :func:`spatialpanel.autocorr.local.local_moran` (region and year columns first, named like
the panel's index levels, or ``entity`` / ``time``; ``label`` "HH"/"LH"/"LL"/"HL" or ``quadrant``
1–4; ``significant``).
The maps are drawn from the study's region set (``ctx.regions``: China's provinces, the bundled
prefecture-level cities, or the ``[geography]`` boundary file), in the projection and with the
conventions of :mod:`spatialpanel.report.map_geometry`; the note under each map names the
boundaries' source and the projection. A study without boundaries (generic ids that are not
China's province codes, no ``[geography]``) gets no maps, and the stage says why in its
settings.
"""

from __future__ import annotations

from typing import Any, Literal

import pandas as pd

from spatialpanel.data.regions import RegionSet, china_provinces
from spatialpanel.errors import DataError
from spatialpanel.report.fonts import cjk_font
from spatialpanel.report.map_geometry import source_note
from spatialpanel.report.maps import map_spec
from spatialpanel.study.artifacts import FigureArtifact, StageOutput
from spatialpanel.study.context import StudyContext
from spatialpanel.study.geography import region_noun
from spatialpanel.text import Label, Message, Text, TextList, msg

__all__ = ["drawable_regions", "run"]

# quadrant numbering of spatialpanel.autocorr.local (esda's): 1 HH, 2 LH, 3 LL, 4 HL (0: island)
_QUADRANT_NUMBERS = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}
_TITLES: dict[str, Any] = {
    "provinces": lambda label, years: msg("{label} by province, {years}", label=label, years=years),
    "cities": lambda label, years: msg("{label} by city, {years}", label=label, years=years),
    "regions": lambda label, years: msg("{label} by region, {years}", label=label, years=years),
}


def drawable_regions(ctx: StudyContext) -> tuple[RegionSet | None, str]:
    """The region set the maps of ``ctx`` are drawn from, or ``None`` and the reason.

    The study's region set (``ctx.regions``); without one (a context built by hand), China's
    provinces when every entity is a province code.
    """
    entities = set(ctx.panel.index.get_level_values(0))
    regions = ctx.regions
    if regions is None:
        provinces = china_provinces()
        if entities <= set(provinces.ids):
            return provinces, ""
        return None, (
            "all maps: the regions are not China's provinces (GB/T 2260 codes) and the study "
            "has no [geography] boundaries to draw"
        )
    if regions.geometry is None:
        return None, f"all maps: the region set {regions.name!r} has no boundaries"
    unknown = sorted(entities - set(regions.table.index), key=str)
    if unknown:
        return None, f"all maps: regions {unknown[:5]} are not in the region set {regions.name!r}"
    return regions, ""


def run(ctx: StudyContext) -> StageOutput:
    """Draw the maps of the study; see the module docstring."""
    auto = ctx.config.section("autocorrelation")
    settings: dict[str, Any] = {"years": [], "skipped": []}
    lang: Literal["en", "zh"] = "zh" if ctx.lang == "zh" else "en"
    if lang == "zh" and cjk_font() is None:
        lang = "en"
        settings["skipped"].append("Chinese labels: no CJK font installed; maps drawn in English")
    settings["lang"] = lang

    regions, reason = drawable_regions(ctx)
    if regions is None:
        settings["skipped"].append(reason)
        return StageOutput(name="maps", title=msg("Maps"), settings=settings)
    settings["regions"] = regions.name

    notes: tuple[Text, ...] = (source_note(regions), *ctx.mark_notes)
    title_of = _TITLES[region_noun(regions)]
    figures: list[FigureArtifact] = []
    wanted = [int(y) for y in auto.get("years", [])]
    for name, frame in ctx.scores.items():
        score = frame["score"]
        available = set(score.index.get_level_values(1))
        years = [y for y in wanted if y in available] or sorted(available)[-1:]
        label = Label("variable", name)
        panels = {y: score.xs(y, level=1) for y in years}
        title = title_of(label, TextList(tuple(map(str, years))))
        spec = map_spec(panels, kind="choropleth", legend=label, cmap="YlOrRd", regions=regions)
        figures.append(
            FigureArtifact(
                f"map_{name}",
                title,
                spec,
                (*notes, msg("One colour scale for all years (pooled minimum to maximum).")),
            )
        )
        settings["years"] = sorted(set(settings["years"]) | set(years))

    lisa = ctx.results.get("local_moran")
    if lisa is None:
        settings["skipped"].append("LISA cluster maps: no local Moran results")
    else:
        figures.append(_cluster_figure(ctx, lisa, auto, regions, wanted, notes))
    return StageOutput(name="maps", title=msg("Maps"), figures=tuple(figures), settings=settings)


def _cluster_figure(
    ctx: StudyContext,
    lisa: pd.DataFrame,
    auto: dict[str, Any],
    regions: RegionSet,
    wanted: list[int],
    notes: tuple[Text, ...],
) -> FigureArtifact:
    entity, time = _id_columns(lisa)
    available = {int(t) for t in lisa[time]}
    years = [y for y in wanted if y in available] or sorted(available)
    panels = {}
    for y in years:
        rows = lisa[lisa[time] == y]
        panels[y] = pd.Series(_categories(rows).to_numpy(), index=rows[entity].to_numpy())
    variable = str(auto.get("variable", ""))
    label = Label("variable", variable)
    w_name = auto.get("local_weights")
    title = (
        msg("LISA cluster maps of {label} ({w} weights)", label=label, w=Label("weights", w_name))
        if w_name
        else msg("LISA cluster maps of {label}", label=label)
    )
    spec = map_spec(panels, kind="cluster", regions=regions)
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
    return FigureArtifact(key, title, spec, (*notes, note))


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
