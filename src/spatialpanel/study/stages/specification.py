"""Specification-curve stage: the core regressor's effect under every defensible specification.

Reads ``[specification]`` (``enabled``, ``methods``, ``weights``, ``kinds``, ``effects``,
``estimate``), ``[model]`` (the study's own choices, always part of the curve) and ``[compute]``
(``backend``, ``scheduler``). The choices:

* **index weighting** (``methods``): every composite index of the model (``y``, the core
  regressor, the controls) that has two or more indicators is rebuilt with the method, its
  other settings (variant, shift, years) kept; an index of one indicator weighs it 1 under every
  method. When those indices disagree on their method, or the model holds none, the study's
  indices as configured are one more choice, ``"study"``;
* **weights matrix**: ``weights`` (default: every matrix of the study);
* **model kind**: ``kinds`` (default SAR, SEM, SDM, SDEM);
* **fixed effects**: ``effects`` (default region, and region and year).

The fits run through :func:`spatialpanel.inference.specification.specification_curve`, serially
or on Dask (``[compute]``), with the same numbers on every backend. Output: the table
``specification_curve`` (one row per specification, ``tables/specification_curve.csv``), the
summary by choice ``specification_summary``, the figure ``specification_curve`` and a sentence
stating the share of specifications whose estimate has the study's sign and is significant.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pandas as pd

from spatialpanel.report.figspec import FigureText
from spatialpanel.report.specification_plots import DIMENSIONS, choice_texts, specification_spec
from spatialpanel.study.artifacts import FigureArtifact, Sentence, StageOutput, TableArtifact
from spatialpanel.study.context import StudyContext
from spatialpanel.study.stages.model import model_weights_name
from spatialpanel.text import Label, Message, Text, TextList, msg, numbers, pmsg

__all__ = ["model_indices", "run", "summary_table"]

STUDY = "study"


def model_indices(ctx: StudyContext, variables: list[str]) -> list[str]:
    """The composite indices of two or more indicators among the model's variables (or named in
    its formula): the indices a weighting method changes."""
    formula = str(ctx.config.section("model").get("formula") or "")
    out = []
    for name, body in ctx.config.section("indices").items():
        used = name in variables or re.search(rf"\b{re.escape(name)}\b", formula) is not None
        if used and len(body["indicators"]) >= 2:
            out.append(name)
    return out


def _frames(
    ctx: StudyContext, columns: list[str], methods: list[str], indices: list[str]
) -> tuple[dict[str, pd.DataFrame], str]:
    """The model's data under each weighting method, and the study's own method."""
    from spatialpanel.indices.composite import composite_index
    from spatialpanel.study.stages.indices import index_frame

    sections = ctx.config.section("indices")
    own_methods = {str(sections[n]["method"]) for n in indices}
    own = own_methods.pop() if len(own_methods) == 1 else STUDY
    frames: dict[str, pd.DataFrame] = {}
    if own == STUDY:
        frames[STUDY] = ctx.model_frame(columns)
        if not indices:
            return frames, own
    for method in methods:
        if method == own:
            frames[method] = ctx.model_frame(columns)
            continue
        scores = dict(ctx.scores)
        for name in indices:
            body = sections[name]
            scores[name] = composite_index(
                index_frame(ctx, body),
                indicators={
                    c: {"dimension": s["dimension"], "direction": s["direction"]}
                    for c, s in body["indicators"].items()
                },
                method=method,  # type: ignore[arg-type]
                variant=body["variant"],
                shift=body["shift"],
                normalisation=body["normalisation"] if method == "topsis" else "minmax",
                dimension_scale=body["dimension_scale"],
            ).scores
        frames[method] = dataclasses.replace(ctx, scores=scores).model_frame(columns)
    return frames, own


def _with(values: list[str], own: str) -> list[str]:
    """``values`` with the study's own choice added (at the end) when absent."""
    return values if own in values else [*values, own]


def summary_table(table: pd.DataFrame, *, estimate: str, alpha: float, sign: int) -> pd.DataFrame:
    """By choice: the number of specifications, converged fits, the median and range of the
    estimate and how many have the sign ``sign`` and ``p < alpha``."""
    rows: list[dict[str, Any]] = []

    def add(dimension: Text, choice: FigureText, part: pd.DataFrame) -> None:
        ok = part[part["converged"]]
        values = ok[estimate]
        same = int(((values * sign > 0) & (ok[f"{estimate}_p"] < alpha)).sum())
        rows.append(
            {
                "dimension": dimension,
                "choice": choice,
                "specifications": len(part),
                "converged": len(ok),
                "median": float(values.median()) if len(ok) else float("nan"),
                "low": float(values.min()) if len(ok) else float("nan"),
                "high": float(values.max()) if len(ok) else float("nan"),
                "same_sign_significant": same,
                "share_pct": 100.0 * same / len(ok) if len(ok) else float("nan"),
            }
        )

    add(msg("All specifications"), "", table)
    for column, title in DIMENSIONS.items():
        texts = choice_texts(column, list(dict.fromkeys(table[column])))
        for value, part in table.groupby(column, sort=False):
            add(title, texts[str(value)], part)
    out = pd.DataFrame(rows)
    return out.astype({"dimension": object, "choice": object})


def run(ctx: StudyContext) -> StageOutput:
    """Fit every specification and build the curve's table, summary, figure and sentence."""
    from spatialpanel.inference.specification import curve_shares, specification_curve

    title = msg("Specification curve")
    spec_cfg = ctx.config.section("specification")
    if not spec_cfg.get("enabled", True):
        return StageOutput(name="specification", title=title, settings={"enabled": False})
    cfg = ctx.config.section("model")
    compute = ctx.config.section("compute") or {"backend": "serial", "scheduler": None}
    y, core = str(cfg["y"]), str(cfg["core"])
    x = [core, *[str(c) for c in cfg.get("controls", [])]]
    kind, effects = str(cfg.get("kind", "sdm")), str(cfg.get("effects", "twoway"))
    bias = str(cfg.get("bias_correction", "none"))
    alpha = float(cfg.get("alpha", 0.05))
    estimate = str(spec_cfg.get("estimate", "direct"))
    wname = model_weights_name(ctx, cfg)
    indices = model_indices(ctx, [y, *x])
    frames, own_method = _frames(ctx, [y, *x], list(spec_cfg["methods"]), indices)
    names = _with([str(n) for n in spec_cfg["weights"]] or list(ctx.weights), wname)
    kinds = _with([str(k) for k in spec_cfg["kinds"]], kind)
    effects_list = _with([str(e) for e in spec_cfg["effects"]], effects)
    table = specification_curve(
        frames,
        {n: ctx.weights[n] for n in names},
        y=y,
        x=x,
        core=core,
        kinds=kinds,
        effects=effects_list,
        bias_correction=bias,
        alpha=alpha,
        study=(own_method, wname, kind, effects),
        seed=ctx.seed,
        backend=str(compute["backend"]),
        scheduler=compute.get("scheduler"),
    )
    shares = curve_shares(table, estimate=estimate, alpha=alpha)
    core_label = Label("variable", core)
    level = numbers.level(alpha)
    what = (
        msg("direct effect of {core}", core=core_label)
        if estimate == "direct"
        else msg("total effect of {core}", core=core_label)
    )
    axis = (
        msg("Direct effect of {core}", core=core_label)
        if estimate == "direct"
        else msg("Total effect of {core}", core=core_label)
    )
    notes: tuple[Text, ...] = (
        msg(
            "One row per specification: index weighting × weights matrix × model × fixed "
            "effects. Direct and total effects of {core} by the delta method, {ci} confidence "
            "intervals; for the SEM both are β. Bias correction: {bias} (fixed-effects fits).",
            core=core_label,
            ci=numbers.level(1.0 - alpha),
            bias=pmsg("bias correction", bias),
        ),
        msg("Index weighting applies to {indices}.", indices=_indices_text(indices)),
        *ctx.mark_notes,
    )
    summary = summary_table(table, estimate=estimate, alpha=alpha, sign=shares["sign"])
    tables = (
        TableArtifact(
            "specification_curve",
            msg(
                "Specification curve: the effect of {core} under every specification",
                core=core_label,
            ),
            table,
            notes,
        ),
        TableArtifact(
            "specification_summary",
            msg("Specification curve by choice: the {what}", what=what),
            summary,
            (
                msg(
                    "Same sign and significant: converged specifications whose estimate has the "
                    "sign of the study's own and p < {alpha}.",
                    alpha=f"{alpha:g}",
                ),
                *ctx.mark_notes,
            ),
        ),
    )
    figure = FigureArtifact(
        "specification_curve",
        msg("Specification curve of the {what}", what=what),
        specification_spec(table, estimate=estimate, alpha=alpha, ylabel=axis),
        (
            msg(
                "Estimates with {ci} confidence intervals, sorted; beneath, the choices of each "
                "specification. The study's own specification is highlighted.",
                ci=numbers.level(1.0 - alpha),
            ),
            *ctx.mark_notes,
        ),
    )
    sentence = Sentence(
        msg(
            "Across {n} specifications ({ok} converged), {share} of the converged ones give a "
            "{what} with the sign of the study's own estimate ({own}) that is significant at "
            "{level}; the estimates range from {low} to {high} (median {median}).",
            n=shares["n"],
            ok=shares["converged"],
            share=numbers.percent(100.0 * shares["share"], 0),
            what=what,
            own=numbers.fixed(shares["reference"], 3),
            level=level,
            low=numbers.fixed(shares["low"], 3),
            high=numbers.fixed(shares["high"], 3),
            median=numbers.fixed(shares["median"], 3),
        ),
        (
            "specification_summary:0:same_sign_significant",
            "specification_summary:0:share_pct",
            "specification_summary:0:median",
        ),
    )
    return StageOutput(
        name="specification",
        title=title,
        tables=tables,
        figures=(figure,),
        sentences=(sentence,),
        settings={
            "enabled": True,
            "methods": list(frames),
            "study_method": own_method,
            "reweighted_indices": indices,
            "weights": names,
            "kinds": kinds,
            "effects": effects_list,
            "estimate": estimate,
            "bias_correction": bias,
            "alpha": alpha,
            "backend": str(compute["backend"]),
            "scheduler": compute.get("scheduler"),
            "specifications": shares["n"],
            "converged": shares["converged"],
        },
    )


def _indices_text(indices: list[str]) -> Message | TextList:
    if not indices:
        return msg("no index of the model (it holds no composite index of two or more indicators)")
    return TextList(tuple(Label("variable", n) for n in indices))
