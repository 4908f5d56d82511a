"""The regional-disparity stage: Dagum Gini, kernel density, Markov chains and convergence.

Driven by the ``[disparity]`` section of the study::

    [disparity]
    variables = ["cp", "uri"]        # composite indices (or raw columns)
    division = "region_4"            # region_4 | region_3belt | region_3belt_1986, or a
                                     # column of the [geography] region set
    tools = ["dagum", "kde", "markov", "convergence"]
    markov_classes = 4               # quantile classes of the Markov chains
    bandwidth = "silverman"          # silverman | scott | scipy_scott | scipy_silverman | number
    weights = "contiguity"           # [weights.NAME] for the spatial and LISA Markov chains

Optional keys read with defaults: ``markov_scheme`` (``"pooled"`` | ``"per_year"``),
``neighbour_classes`` (``"own_quantiles"`` | ``"variable_cutoffs"``), ``sigma_measure``
(``"sd"`` | ``"cv"``), ``sigma_log`` (bool), ``population`` (a raw panel column used as Dagum
population weights), ``controls`` (columns for conditional β convergence; default: the
``[model]`` controls).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from spatialpanel.disparity.dagum import dagum_gini_panel
from spatialpanel.disparity.kde import kernel_density
from spatialpanel.disparity.plots import dagum_spec, kde_omitted_note, kde_spec
from spatialpanel.errors import ConfigError, SpatialPanelError, did_you_mean
from spatialpanel.study.artifacts import FigureArtifact, Sentence, StageOutput, TableArtifact
from spatialpanel.study.context import StudyContext
from spatialpanel.study.stages._disparity_base import (
    PER_VARIABLE,
    TOOLS,
    Collector,
    all_label,
    artifact_key,
    division_groups,
    group_texts,
    stage_settings,
    var_label,
    variable_series,
)
from spatialpanel.study.stages.disparity_dynamics import convergence as _convergence
from spatialpanel.study.stages.disparity_dynamics import markov as _markov
from spatialpanel.text import Label, Text, TextList, msg, nmsg, numbers, pmsg

__all__ = ["TOOLS", "run"]


def _dagum(
    ctx: StudyContext, var: str, series: pd.Series, s: dict[str, Any], out: Collector
) -> None:
    pop = None
    if s["population"]:
        pop = variable_series(ctx, str(s["population"]))
    res = dagum_gini_panel(series, groups=division_groups(ctx, s), weights=pop)
    out.store(var, "dagum", res)
    table = res.table
    key = artifact_key("dagum", var)
    division = pmsg("division", str(s["division"]))
    notes: tuple[Text, ...] = (
        msg(
            "Dagum (1997) decomposition, population-weighted; groups: {division}.",
            division=division,
        )
        if pop is not None
        else msg(
            "Dagum (1997) decomposition, unweighted (each region counts once); groups: {division}.",
            division=division,
        ),
        msg(
            "G = within-group + net between-group + transvariation Gini; shares in percent of "
            "G. Pairs take the higher-mean group first."
        ),
    )
    out.tables.append(
        TableArtifact(
            key, msg("Dagum Gini decomposition of {var} by year", var=var_label(var)), table, notes
        )
    )
    detail = _dagum_detail(res)
    out.tables.append(
        TableArtifact(
            artifact_key("dagum_groups", var),
            msg(
                "Within-group and between-group Gini of {var}, relative affluence D_jh",
                var=var_label(var),
            ),
            detail,
            (
                msg(
                    "{within}: the Gini of the group; {between}: the Gini between the two groups "
                    "and their relative affluence D_jh (higher-mean group first).",
                    within=pmsg("cell", "within"),
                    between=pmsg("cell", "between"),
                ),
            ),
        )
    )
    out.figures.append(
        FigureArtifact(
            artifact_key("dagum_components", var),
            msg("Dagum Gini decomposition of {var}", var=var_label(var)),
            dagum_spec(res, groups=group_texts(res.within_table.columns)),
            notes,
        )
    )
    years = list(table.index)
    first, last = years[0], years[-1]
    mean_share = table[["share_w", "share_nb", "share_t"]].mean()
    out.sentences.append(
        Sentence(
            msg(
                "The overall Gini coefficient of {var} was {a} in {t0} and {b} in {t1}. On average "
                "the net between-group gap contributed {x}, the within-group gaps {y} and "
                "transvariation {z}.",
                var=var_label(var),
                a=numbers.fixed(table.loc[first, "G"], 4),
                t0=str(first),
                b=numbers.fixed(table.loc[last, "G"], 4),
                t1=str(last),
                x=numbers.percent(mean_share["share_nb"], 2),
                y=numbers.percent(mean_share["share_w"], 2),
                z=numbers.percent(mean_share["share_t"], 2),
            ),
            (f"{key}:{first}:G", f"{key}:{last}:G", f"{key}:share_nb", f"{key}:share_w"),
        )
    )
    pairs = res.by_year[last].pairs
    top = pairs.iloc[int(np.argmax(pairs["gini"].to_numpy()))]
    out.sentences.append(
        Sentence(
            msg(
                "In {t} the largest between-group Gini was between {high} and {low} (G_jh = {g}, "
                "relative affluence D_jh = {d}).",
                t=str(last),
                high=Label("group", str(top["high"])),
                low=Label("group", str(top["low"])),
                g=numbers.fixed(top["gini"], 4),
                d=numbers.fixed(top["affluence"], 4),
            ),
            (f"{artifact_key('dagum_groups', var)}:{last}:{top['high']}–{top['low']}",),
        )
    )


def _dagum_detail(res: Any) -> pd.DataFrame:
    rows = []
    for year, r in res.by_year.items():
        for g, row in r.groups.iterrows():
            rows.append(
                {
                    "year": year,
                    "kind": "within",
                    "pair": pmsg("group", str(g)),
                    "gini": row["gini"],
                    "affluence": np.nan,
                    "contribution": row["gini"] * row["p"] * row["s"],
                }
            )
        for _, row in r.pairs.iterrows():
            rows.append(
                {
                    "year": year,
                    "kind": "between",
                    "pair": msg(
                        "{high}–{low}",
                        high=Label("group", str(row["high"])),
                        low=Label("group", str(row["low"])),
                    ),
                    "gini": row["gini"],
                    "affluence": row["affluence"],
                    "contribution": row["net_between"] + row["transvariation"],
                }
            )
    return pd.DataFrame(rows)


def _kde(ctx: StudyContext, var: str, series: pd.Series, s: dict[str, Any], out: Collector) -> None:
    # a composite index lies in [0, 1]: densities boundary-corrected by reflection there
    bounded = var in ctx.scores and bool(series.between(0.0, 1.0).all())
    kd = kernel_density(
        series,
        bandwidth_rule=s["bandwidth"],
        groups=division_groups(ctx, s),
        bounds=(0.0, 1.0) if bounded else None,
        min_group_size=s["kde_min_group_size"],
    )
    out.store(var, "kde", kd)
    table = kd.bandwidths.join(kd.peaks)
    key = artifact_key("kde", var)
    rule = (
        pmsg("bandwidth", str(kd.rule))
        if kd.rule != "fixed"
        else msg("fixed h = {h}", h=str(s["bandwidth"]))
    )
    notes = (
        msg(
            "Gaussian kernel; bandwidth rule: {rule} (silverman = 0.9·min(σ, IQR/1.34)·n^(−1/5), "
            "R bw.nrd0), applied per year and region.",
            rule=rule,
        ),
    )
    out.tables.append(
        TableArtifact(
            key,
            msg("Kernel density of {var}: bandwidths and peaks", var=var_label(var)),
            table,
            notes,
        )
    )
    figure_notes: tuple[Any, ...] = notes
    if bounded:
        figure_notes += (
            msg(
                "The index lies in [0, 1]: densities are boundary-corrected by reflection at 0 "
                "and 1 (Silverman 1986, §2.10) and are zero outside."
            ),
        )
    groups = group_texts([*kd.scopes[1:], *kd.omitted])
    omitted = kde_omitted_note(kd, scopes=groups)
    if omitted is not None:
        figure_notes += (omitted,)
    variable, everyone = Label("variable", var), all_label(ctx)
    out.figures.append(
        FigureArtifact(
            artifact_key("kde_curves", var),
            msg("Kernel density of {var} by year", var=var_label(var)),
            kde_spec(kd, variable=variable, scopes=groups, all_label=everyone),
            figure_notes,
        )
    )
    out.figures.append(
        FigureArtifact(
            artifact_key("kde_surface", var),
            msg("Kernel density of {var}: year–value–density", var=var_label(var)),
            kde_spec(kd, variable=variable, scopes=groups, all_label=everyone, surface=True),
            figure_notes,
        )
    )
    peaks = kd.peaks.loc["all"]
    years = list(peaks.index)
    first, last = years[0], years[-1]
    p0, p1 = peaks.loc[first], peaks.loc[last]
    right = p1["peak_at"] > p0["peak_at"]
    rose = p1["peak_height"] > p0["peak_height"]
    peak: dict[str, Any] = {
        "var": var_label(var),
        "a": numbers.fixed(p0["peak_at"], 4),
        "t0": str(first),
        "b": numbers.fixed(p1["peak_at"], 4),
        "t1": str(last),
        "c": numbers.fixed(p0["peak_height"], 3),
        "d": numbers.fixed(p1["peak_height"], 3),
        "peaks": nmsg(
            "the curve had {n} peak in {t}",
            "the curve had {n} peaks in {t}",
            n=int(p1["n_peaks"]),
            t=str(last),
        ),
    }
    moved = (
        msg(
            "moved right from {a} in {t0} to {b} in {t1}",
            **{k: peak[k] for k in ["a", "t0", "b", "t1"]},
        )
        if right
        else msg(
            "moved left from {a} in {t0} to {b} in {t1}",
            **{k: peak[k] for k in ["a", "t0", "b", "t1"]},
        )
    )
    height = (
        msg("rose from {c} to {d}", c=peak["c"], d=peak["d"])
        if rose
        else msg("fell from {c} to {d}", c=peak["c"], d=peak["d"])
    )
    out.sentences.append(
        Sentence(
            msg(
                "Nationally, the main peak of the density of {var} {moved}, and its height "
                "{height}; {peaks}.",
                var=peak["var"],
                moved=moved,
                height=height,
                peaks=peak["peaks"],
            ),
            (f"{key}:all|{first}:peak_at", f"{key}:all|{last}:peak_at"),
        )
    )


def _coupling_map(
    ctx: StudyContext, systems: list[str], s: dict[str, Any]
) -> FigureArtifact | None:
    """Maps of the coupling coordination degree D for the study's map years (a study with
    boundaries, see :func:`spatialpanel.study.stages.maps.drawable_regions`)."""
    from spatialpanel.indices.coupling import coupling_coordination
    from spatialpanel.report.map_geometry import source_note
    from spatialpanel.report.maps import map_spec
    from spatialpanel.study.geography import region_noun
    from spatialpanel.study.stages.maps import drawable_regions

    regions, _ = drawable_regions(ctx)
    if regions is None:
        return None
    frame = pd.concat({name: ctx.scores[name]["score"] for name in systems}, axis=1, join="inner")
    d = coupling_coordination(frame, form=s["coupling_form"]).table["D"]
    available = sorted(set(d.index.get_level_values(1)))
    wanted = [int(y) for y in ctx.config.section("autocorrelation").get("years", [])]
    years = [y for y in wanted if y in available] or [available[0], available[-1]]
    panels = {y: d.xs(y, level=1) for y in years}
    labels = TextList(tuple(var_label(n) for n in systems))
    title = {
        "provinces": msg("Coupling coordination degree D of {labels}, by province", labels=labels),
        "cities": msg("Coupling coordination degree D of {labels}, by city", labels=labels),
        "regions": msg("Coupling coordination degree D of {labels}, by region", labels=labels),
    }[region_noun(regions)]
    spec = map_spec(
        panels,
        kind="choropleth",
        legend=msg("Coupling coordination degree (D)"),
        cmap="YlGnBu",
        regions=regions,
    )
    notes: tuple[Text, ...] = (
        source_note(regions),
        msg("One colour scale for all years."),
        *ctx.mark_notes,
    )
    return FigureArtifact("map_coupling_d", title, spec, notes)


def _index_tools(ctx: StudyContext, s: dict[str, Any], out: Collector) -> None:
    """Coupling coordination between indices and obstacle degrees of each index (issue 9)."""
    from spatialpanel.study.stages.indices import coupling_artifacts, obstacle_artifacts

    if "coupling" in s["tools"]:
        systems = s["coupling_systems"]
        missing = [n for n in systems if n not in ctx.scores]
        if missing or len(systems) < 2:
            raise ConfigError(
                f"[disparity] coupling_systems = {systems!r}: coupling needs two or more "
                f"composite indices; {missing} are not [indices.NAME] of this study."
                + (did_you_mean(str(missing[0]), list(ctx.scores)) if missing else "")
            )
        tables, sentences = coupling_artifacts(ctx, systems, form=s["coupling_form"])
        out.tables.extend(tables)
        out.sentences.extend(sentences)
        figure = _coupling_map(ctx, systems, s)
        if figure is not None:
            out.figures.append(figure)
    if "obstacle" in s["tools"]:
        computed = ctx.results.get("indices", {})
        for name in [v for v in s["variables"] if v in ctx.scores]:
            if name not in computed:  # an index given as data: no indicator weights to use
                out.sentences.append(
                    Sentence(
                        msg(
                            "No obstacle degree for {name}: it needs the indicator weights of an "
                            "[indices] section computed in this study.",
                            name=var_label(name),
                        )
                    )
                )
                continue
            if len(computed[name].system) < 2:  # one indicator: its obstacle degree is 100 %
                out.sentences.append(
                    Sentence(
                        msg(
                            "No obstacle degree for {name}: the index has one indicator.",
                            name=var_label(name),
                        )
                    )
                )
                continue
            tables, sentences = obstacle_artifacts(ctx, name, top=s["obstacle_top"])
            out.tables.extend(tables)
            out.sentences.extend(sentences)


def run(ctx: StudyContext) -> StageOutput:
    """Run the configured disparity tools on every configured variable."""
    s = stage_settings(ctx)
    out = Collector()
    tools = {"dagum": _dagum, "kde": _kde, "markov": _markov, "convergence": _convergence}
    for var in s["variables"]:
        series = variable_series(ctx, var)
        for tool in [t for t in s["tools"] if t in PER_VARIABLE]:
            try:
                tools[tool](ctx, var, series, s, out)
            except SpatialPanelError as err:  # say which variable and tool the problem is in
                raise type(err)(f"[disparity] {tool} of {var!r}: {err}") from err
    _index_tools(ctx, s, out)
    # result objects for later stages: ctx.results["disparity"][var][tool]
    ctx.results["disparity"] = {"settings": s, **out.results}
    return StageOutput(
        name="disparity",
        title=msg("Regional disparities"),
        tables=tuple(out.tables),
        figures=tuple(out.figures),
        sentences=tuple(out.sentences),
        settings={k: v for k, v in s.items() if v is not None},
    )
