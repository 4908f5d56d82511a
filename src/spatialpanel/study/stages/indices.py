"""Indices stage: build every ``[indices.NAME]`` composite index of the study.

For each index it stores ``ctx.scores[NAME]`` (score and dimension sub-indices) and
``ctx.results["indices"][NAME]`` (the :class:`~spatialpanel.indices.composite.IndexResult`), and
emits three tables: the indicator system with its weights (the paper's Tables 1 and 2 with a
weight column), the province-by-year index table (the paper's appendix table) and the dimension
sub-indices, with sentences generated from the weights.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from spatialpanel.indices.composite import IndexResult, composite_index
from spatialpanel.indices.coupling import CoordinationLevels, CouplingForm, coupling_coordination
from spatialpanel.study.artifacts import Sentence, StageOutput, TableArtifact
from spatialpanel.study.context import StudyContext
from spatialpanel.text import Label, Labels, Message, Text, TextList, msg, nmsg, numbers, pmsg

if TYPE_CHECKING:  # pragma: no cover
    from spatialpanel.data.regions import RegionSet

__all__ = [
    "coupling_artifacts",
    "entity_names",
    "index_frame",
    "index_name",
    "obstacle_artifacts",
    "run",
]


def entity_names(
    entities: pd.Index | list[Hashable], *, lang: str = "en", regions: RegionSet | None = None
) -> dict[Hashable, str]:
    """Names of the entities: the region set's labels (``regions``, other than China's
    provinces), province names for GB/T 2260 codes, else the entity.

    Tables keep the English names (names a reader recognises; the report shows the names of its
    language); figures drawn by the stages use ``lang``.
    """
    from spatialpanel.data.china import provinces

    if regions is not None and regions.name != "china_provinces":
        labels = regions.labels(lang=lang)
        return {e: str(labels.get(e, e)) for e in entities}

    column = "name_zh" if lang == "zh" else "name_en"
    by_code: dict[Any, str] = {c: str(n) for c, n in provinces()[column].to_dict().items()}
    out: dict[Hashable, str] = {}
    for e in entities:
        out[e] = by_code.get(e, str(e)) if isinstance(e, int | np.integer) else str(e)
    return out


def run(ctx: StudyContext) -> StageOutput:
    """Compute the study's composite indices; see the module docstring."""
    sections: dict[str, Any] = ctx.config.section("indices")
    store: dict[str, IndexResult] = ctx.results.setdefault("indices", {})
    tables: list[TableArtifact] = []
    sentences: list[Sentence] = []
    settings: dict[str, Any] = {}
    for name, body in sections.items():
        frame = index_frame(ctx, body)
        result = composite_index(
            frame,
            indicators={
                col: {"dimension": spec["dimension"], "direction": spec["direction"]}
                for col, spec in body["indicators"].items()
            },
            method=body.get("method", "entropy"),
            variant=body.get("variant", "panel"),
            shift=body.get("shift", 1e-4),
            normalisation=body.get("normalisation", "minmax"),
        )
        ctx.scores[name] = result.scores
        store[name] = result
        label = Label("variable", name)
        notes: tuple[Text, ...] = result.notes + ctx.mark_notes
        system = system_table(result)
        key_sys, key_scores, key_dims = f"{name}_system", f"{name}_scores", f"{name}_dimensions"
        tables.append(
            TableArtifact(
                key_sys[:31],
                msg(
                    "Indicator system of {label} with {method} weights",
                    label=label,
                    method=pmsg("weighting", result.method),
                ),
                system,
                notes,
            )
        )
        tables.append(
            TableArtifact(
                key_scores[:31],
                msg("{index} by province and year", index=index_name(name, ctx.labels)),
                score_table(result.scores["score"], regions=ctx.regions),
                notes,
            )
        )
        tables.append(
            TableArtifact(
                key_dims[:31],
                msg("{label}: dimension sub-indices by province and year", label=label),
                dimension_table(result, regions=ctx.regions),
                notes,
            )
        )
        sentences.extend(_sentences(name, ctx.labels, result, system, key_sys[:31]))
        diag_tables, diag_sentences = _diagnostics(ctx, name, frame, result, notes)
        tables.extend(diag_tables)
        sentences.extend(diag_sentences)
        settings[name] = {
            "method": result.method,
            "variant": result.variant,
            "shift": result.shift,
            "normalisation": result.normalisation,
            "dimension_scale": result.dimension_scale,
            "score_convention": "sum of w_j z_j on unshifted standardised values",
        }
    return StageOutput(
        name="indices",
        title=msg("Composite indices"),
        tables=tuple(tables),
        sentences=tuple(sentences),
        settings=settings,
    )


def index_frame(ctx: StudyContext, body: dict[str, Any]) -> pd.DataFrame:
    """The panel rows an index is built on: all years, or its ``[indices.NAME] years``."""
    years = body.get("years")
    if not years:
        return ctx.panel
    times = ctx.panel.index.get_level_values(1)
    return ctx.panel[(times >= years[0]) & (times <= years[1])]


def _diagnostics(
    ctx: StudyContext,
    name: str,
    frame: pd.DataFrame,
    result: IndexResult,
    notes: tuple[Text, ...],
) -> tuple[list[TableArtifact], list[Sentence]]:
    """Weights against jumps and breaks, when an indicator with jumps weighs outsized: a table
    and one warning sentence per such indicator (the jumps alone are in the audit table)."""
    from spatialpanel.indices.diagnostics import detect_jumps, weight_diagnostics

    cols = result.system.columns
    report = detect_jumps(frame, columns=cols)
    if not any(report.flagged(c) for c in cols):
        return [], []
    diag = weight_diagnostics(frame, result)
    if not diag["flag"].any():
        return [], []
    key = f"{name}_diagnostics"[:31]
    table = diag.drop(columns="detail").copy()
    for col in ("jump_years", "break_years"):
        table[col] = [", ".join(str(y) for y in v) for v in table[col]]
    m = len(cols)
    table_notes: tuple[Text, ...] = (
        msg(
            "{vs_equal} = weight × {m} (the equal weight is 1/{m}); a jump is a region's "
            "year-on-year change more than 10 usual deviations (median absolute deviations, the "
            "larger of the indicator's and the region's) from the region's median change; a "
            "break year is one whose median change across regions is more than 4 of the "
            "indicator's usual deviations from its median change.",
            vs_equal=pmsg("column", "vs_equal"),
            m=m,
        ),
        msg(
            "{weight_spliced} = the indicator's weight with its jumps and breaks replaced by each "
            "region's median change (series rebuilt back from its latest year), the other "
            "indicators unchanged.",
            weight_spliced=pmsg("column", "weight_spliced"),
        ),
        msg(
            "{flag} = weight at least 1.5 times the equal weight, with jumps or breaks.",
            flag=pmsg("column", "flag"),
        ),
        *ctx.mark_notes,
    )
    sentences = []
    for col in diag.index[diag["flag"]]:
        row = diag.loc[col]
        stands = row["weight_spliced"] >= 1.5 / m
        verdict = (
            msg(
                "its weight stands without them (the regions differ that much); check the "
                "series' definition all the same"
            )
            if stands
            else msg(
                "the jumps make its weight; check the series' definition before reading the index"
            )
        )
        sentences.append(
            Sentence(
                msg(
                    "Warning: {col} takes {w} of the weight of the {index} ({r} times the equal "
                    "weight), and its year-on-year changes jump ({jumps}). With those changes "
                    "replaced by their usual size it would take {ws}: {verdict}.",
                    col=Label("variable", str(col)),
                    w=numbers.fixed(float(row["weight"]), 3),
                    index=index_name(name, ctx.labels),
                    r=numbers.fixed(float(row["vs_equal"]), 2),
                    jumps=_jump_words(report, str(col)),
                    ws=numbers.fixed(float(row["weight_spliced"]), 3),
                    verdict=verdict,
                ),
                (f"{key}:{col}:weight", f"{key}:{col}:weight_spliced"),
            )
        )
    title = msg(
        "{label}: indicator weights against jumps and breaks", label=Label("variable", name)
    )
    return [TableArtifact(key, title, table, table_notes)], sentences


def _jump_words(report: Any, col: str) -> Message:
    """``"a common break in 2016; 11 region-year jumps, the largest in Shanxi in 2016"``."""
    breaks = [str(y) for y in report.info(col)["break_years"]]
    jumps = report.jumps[report.jumps["indicator"] == col]
    parts: dict[str, Any] = {}
    if breaks:
        parts["years"] = TextList(tuple(breaks))
    if len(jumps):
        top = jumps.sort_values("ratio", ascending=False).iloc[0]
        parts["who"] = Label("region", str(top["entity"]))
        parts["t"] = int(top["time"])
        parts["n"] = len(jumps)
    if breaks and len(jumps) > 1:
        return msg(
            "a common break in {years}; {n} region-year jumps, the largest in {who} in {t}",
            **parts,
        )
    if breaks and len(jumps) == 1:
        return msg("a common break in {years}; one jump, in {who} in {t}", **parts)
    if breaks:
        return msg("a common break in {years}", **parts)
    if len(jumps) > 1:
        return msg("{n} region-year jumps, the largest in {who} in {t}", **parts)
    return msg("one jump, in {who} in {t}", **parts)


def system_table(result: IndexResult) -> pd.DataFrame:
    """Dimension, indicator, direction, weight and dimension weight, one row per indicator.

    In the per-year variant ``weight`` and ``dimension_weight`` are the means over the years and
    the weights of each year follow as ``weight_YEAR`` columns.
    """
    cols = result.system.columns
    frame = pd.DataFrame(
        {
            "dimension": [result.system[c].dimension for c in cols],
            "indicator": cols,
            "direction": [result.system[c].direction for c in cols],
        }
    )
    if result.variant == "panel":
        w = result.weights.reindex(cols)
        frame["weight"] = w["weight"].to_numpy()
        for extra in ("entropy", "divergence"):
            if extra in w.columns:
                frame[extra] = w[extra].to_numpy()
        dim_w = result.dimension_weights
    else:
        wide = result.weights["weight"].unstack(0).reindex(cols)
        frame["weight"] = wide.mean(axis=1).to_numpy()
        for year in wide.columns:
            frame[f"weight_{year}"] = wide[year].to_numpy()
        dim_w = result.dimension_weights.groupby(level=1).mean()
    frame["dimension_weight"] = frame["dimension"].map(dim_w).to_numpy()
    return frame.set_index(["dimension", "indicator"])


def score_table(
    score: pd.Series, *, lang: str = "en", regions: RegionSet | None = None
) -> pd.DataFrame:
    """Provinces (by name) in rows, years in columns."""
    wide = score.unstack(level=1)
    wide = wide.reindex(sorted(wide.columns), axis=1)
    names = entity_names(wide.index, lang=lang, regions=regions)
    wide.index = pd.Index([names[e] for e in wide.index], name="province")
    wide.columns = [str(c) for c in wide.columns]
    return wide


def dimension_table(
    result: IndexResult, *, lang: str = "en", regions: RegionSet | None = None
) -> pd.DataFrame:
    """Score and dimension sub-indices, one row per province and year."""
    frame = result.scores.copy()
    names = entity_names(frame.index.get_level_values(0).unique(), lang=lang, regions=regions)
    entities = frame.index.get_level_values(0)
    frame.index = pd.MultiIndex.from_arrays(
        [[names[e] for e in entities], frame.index.get_level_values(1)],
        names=["province", "year"],
    )
    return frame


def _sentences(
    name: str,
    labels: Labels,
    result: IndexResult,
    system: pd.DataFrame,
    key_sys: str,
) -> list[Sentence]:
    w = system["weight"]
    top: tuple[str, str] = w.idxmax()  # type: ignore[assignment]
    low: tuple[str, str] = w.idxmin()  # type: ignore[assignment]
    dims = system.groupby(level="dimension", sort=False)["dimension_weight"].first()
    dim_top = str(dims.idxmax())
    common: dict[str, Any] = {
        "index": index_name(name, labels),
        "indicators": nmsg("{n} indicator", "{n} indicators", n=len(w)),
        "dimensions": nmsg("{n} dimension", "{n} dimensions", n=len(dims)),
        "dim": Label("dimension", dim_top),
        "share": numbers.fixed(dims[dim_top], 4),
    }
    if float(w.max() - w.min()) < 1e-12:
        text = msg(
            "In the {index} ({indicators}, {dimensions}), every indicator weighs {w}; the "
            "dimension {dim} carries {share} of the total weight.",
            w=numbers.fixed(w[top], 4),
            **common,
        )
        sources: tuple[str, ...] = (
            f"{key_sys}:*:weight",
            f"{key_sys}:{dim_top}:dimension_weight",
        )
    else:
        extremes: dict[str, Any] = {
            "top": Label("variable", str(top[1])),
            "wt": numbers.fixed(w[top], 4),
            "low": Label("variable", str(low[1])),
            "wl": numbers.fixed(w[low], 4),
        }
        if result.variant == "year":
            text = msg(
                "In the {index} ({indicators}, {dimensions}), the largest mean weight goes to "
                "{top} ({wt}) and the smallest to {low} ({wl}); the dimension {dim} carries "
                "{share} of the total weight.",
                **extremes,
                **common,
            )
        else:
            text = msg(
                "In the {index} ({indicators}, {dimensions}), the largest weight goes to {top} "
                "({wt}) and the smallest to {low} ({wl}); the dimension {dim} carries {share} of "
                "the total weight.",
                **extremes,
                **common,
            )
        sources = (
            f"{key_sys}:{top[0]}|{top[1]}:weight",
            f"{key_sys}:{low[0]}|{low[1]}:weight",
            f"{key_sys}:{dim_top}:dimension_weight",
        )
    return [Sentence(text, sources)]


def index_name(name: str, labels: Labels) -> Message:
    """``"Common prosperity index"``: the index's label followed by "index" (the edge form
    ``"named"`` when the English label already ends in "index", e.g. "Test index")."""
    named = labels.get("variable", name, "en").lower().rstrip().endswith("index")
    return msg("{label} index", label=Label("variable", name), case="named" if named else None)


# ------------------------------------------------------------------ optional genre add-ons
def obstacle_artifacts(
    ctx: StudyContext, name: str, *, top: int = 3, year: int | None = None
) -> tuple[list[TableArtifact], list[Sentence]]:
    """Obstacle-degree tables of index ``name`` (computed earlier by :func:`run`).

    Returns the dimension obstacle degrees (%) per province and year and the ``top`` obstacles of
    each province in ``year`` (default: the last year), with a sentence. For a stage that offers
    the obstacle degree as an optional tool (issue 9).
    """
    result: IndexResult = ctx.results["indices"][name]
    label = Label("variable", name)
    obstacles = result.obstacles()
    times = obstacles.indicator.index.get_level_values(1)
    t = int(times.max()) if year is None else int(year)
    names = entity_names(
        list(pd.unique(obstacles.indicator.index.get_level_values(0))), regions=ctx.regions
    )
    dims = obstacles.dimension.copy()
    dims.index = pd.MultiIndex.from_arrays(
        [[names[e] for e in dims.index.get_level_values(0)], times], names=["province", "year"]
    )
    tops = obstacles.top(top, time=t)
    tops.index = pd.Index([names[e] for e in tops.index], name="province")
    notes: tuple[Text, ...] = (
        msg(
            "Obstacle degree O = w (1 - z) / sum w (1 - z) x 100 %, with the index weights w and "
            "the min-max standardised indicators z; a dimension's degree is the sum of its "
            "indicators'."
        ),
        *ctx.mark_notes,
    )
    key_dim, key_top = f"{name}_obstacle_dim"[:31], f"{name}_obstacle_top"[:31]
    tables = [
        TableArtifact(
            key_dim, msg("{label}: obstacle degree of each dimension (%)", label=label), dims, notes
        ),
        TableArtifact(
            key_top, msg("{label}: main obstacles by province, {t}", label=label, t=t), tops, notes
        ),
    ]
    first = tops["obstacle_1"].value_counts()
    main = str(first.index[0])
    last_year = dims[dims.index.get_level_values("year") == t]
    dim_mean = {str(k): float(v) for k, v in last_year.mean(axis=0).items()}
    dim_top = max(dim_mean, key=lambda d: dim_mean[d])
    sentence = Sentence(
        msg(
            "In {t} the most frequent main obstacle to the {index} is {main} (the first obstacle "
            "in {k} of {n} provinces); across provinces the dimension {dim} has the largest mean "
            "obstacle degree ({pct}).",
            t=t,
            index=index_name(name, ctx.labels),
            main=Label("variable", main),
            k=int(first.iloc[0]),
            n=len(tops),
            dim=Label("dimension", dim_top),
            pct=numbers.percent(dim_mean[dim_top], 2),
            case="all" if int(first.iloc[0]) == len(tops) else None,
        ),
        (f"{key_top}:*:obstacle_1", f"{key_dim}:*|{t}:{dim_top}"),
    )
    return tables, [sentence]


def coupling_artifacts(
    ctx: StudyContext,
    systems: list[str],
    *,
    form: CouplingForm = "classic",
    weights: list[float] | None = None,
    levels: CoordinationLevels | None = None,
) -> tuple[list[TableArtifact], list[Sentence]]:
    """Coupling coordination between composite indices ``systems`` (their scores as U_i).

    Returns the table of U, C, T, D and the coordination level per province and year, the table
    of levels and a sentence. For a stage that offers coupling coordination as an optional tool.
    """
    # indices on different years ([indices.NAME] years) are coupled over their common years
    frame = pd.concat({s: ctx.scores[s]["score"] for s in systems}, axis=1, join="inner")
    res = coupling_coordination(frame, form=form, weights=weights, levels=levels)
    table = pd.concat([frame, res.table], axis=1)
    names = entity_names(list(pd.unique(table.index.get_level_values(0))), regions=ctx.regions)
    table.index = pd.MultiIndex.from_arrays(
        [[names[e] for e in table.index.get_level_values(0)], table.index.get_level_values(1)],
        names=["province", "year"],
    )
    notes: tuple[Text, ...] = (*res.notes, *ctx.mark_notes)
    key = ("coupling_" + "_".join(systems))[:31]
    key_levels = "coupling_levels"
    labels = TextList(tuple(index_name(s, ctx.labels) for s in systems))
    by_year = table.groupby(level="year")["D"].mean()
    t0, t1 = int(by_year.index.min()), int(by_year.index.max())
    mean_level = res.levels.labels[int(res.levels.classify(np.array([by_year[t1]]))[0]) - 1]
    last = table.xs(t1, level="year")
    counts = last["label"].value_counts()
    sentence = Sentence(
        msg(
            "The mean coupling coordination degree D of the {labels} moved from {d0} in {t0} to "
            "{d1} in {t1} ({level}); in {t1} the most common level is {common} ({k} of {n} "
            "provinces).",
            labels=labels,
            d0=numbers.fixed(by_year[t0], 4),
            t0=t0,
            d1=numbers.fixed(by_year[t1], 4),
            t1=t1,
            level=pmsg("coordination", str(mean_level)),
            common=pmsg("coordination", str(counts.index[0])),
            k=int(counts.iloc[0]),
            n=len(last),
        ),
        (f"{key}:*|{t0}:D", f"{key}:*|{t1}:D", f"{key}:*|{t1}:label"),
    )
    return [
        TableArtifact(key, msg("Coupling coordination of {labels}", labels=labels), table, notes),
        TableArtifact(
            key_levels, msg("Coordination levels"), res.levels.table(), tuple(notes[1:2])
        ),
    ], [sentence]
