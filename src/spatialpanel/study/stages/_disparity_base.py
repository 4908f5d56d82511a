"""What the parts of the disparity stage share: settings, keys, labels and the collector of
tables, figures and sentences (:mod:`spatialpanel.study.stages.disparity`)."""

from __future__ import annotations

import contextlib
from typing import Any

import pandas as pd

from spatialpanel.errors import ConfigError, did_you_mean
from spatialpanel.study.artifacts import FigureArtifact, Sentence, TableArtifact
from spatialpanel.study.context import StudyContext
from spatialpanel.text import Label, Message, msg, numbers

TOOLS: tuple[str, ...] = ("dagum", "kde", "markov", "convergence", "coupling", "obstacle")
PER_VARIABLE = ("dagum", "kde", "markov", "convergence")


def artifact_key(what: str, var: str) -> str:
    """Artifact key ``<variable>_<what>`` (at most 31 characters, the Excel sheet limit)."""
    return f"{var[: max(31 - len(what) - 1, 1)]}_{what}"


def p_text(p: float) -> str:
    return numbers.p_value(p)


def var_label(var: str) -> Label:
    return Label("variable", var)


class Collector:
    def __init__(self) -> None:
        self.tables: list[TableArtifact] = []
        self.figures: list[FigureArtifact] = []
        self.sentences: list[Sentence] = []
        self.results: dict[str, dict[str, Any]] = {}

    def store(self, var: str, name: str, obj: Any) -> None:
        self.results.setdefault(var, {})[name] = obj


def division_groups(ctx: StudyContext, s: dict[str, Any]) -> str | pd.Series:
    """The division: a name of China's divisions, or a column of the study's region set
    (for cities ``region_4`` etc. through their province; for the user's boundaries any of its
    columns); see :func:`spatialpanel.study.geography.division_groups`."""
    from spatialpanel.study.geography import division_groups

    return division_groups(ctx.regions, str(s["division"]), key="[disparity] division")


def stage_settings(ctx: StudyContext) -> dict[str, Any]:
    cfg = ctx.config.section("disparity")
    s = {
        "variables": list(cfg.get("variables", ["cp", "uri"])),
        "division": cfg.get("division", "region_4"),
        "tools": list(cfg.get("tools", list(TOOLS))),
        "markov_classes": int(cfg.get("markov_classes", 4)),
        "bandwidth": cfg.get("bandwidth", "silverman"),
        "weights": cfg.get("weights", "contiguity"),
        "markov_scheme": cfg.get("markov_scheme", "pooled"),
        "neighbour_classes": cfg.get("neighbour_classes", "own_quantiles"),
        "sigma_measure": cfg.get("sigma_measure", "sd"),
        "sigma_log": bool(cfg.get("sigma_log", False)),
        "population": cfg.get("population"),
        "controls": list(
            cfg.get("controls") or ctx.config.section("model").get("controls", []) or []
        ),
        "coupling_systems": list(cfg.get("coupling_systems") or ["uri", "cp"]),
        "coupling_form": cfg.get("coupling_form", "classic"),
        "obstacle_top": int(cfg.get("obstacle_top", 3)),
        "kde_min_group_size": int(cfg.get("kde_min_group_size", 5)),
    }
    unknown = [t for t in s["tools"] if t not in TOOLS]
    if unknown:
        raise ConfigError(
            f"[disparity] tools = {s['tools']!r}: {unknown} are not known; use some of {TOOLS}."
            + did_you_mean(str(unknown[0]), TOOLS)
        )
    s["lang"] = "zh" if ctx.lang == "zh" else "en"
    if s["lang"] == "zh":
        from spatialpanel.report.fonts import cjk_font

        if cjk_font() is None:  # as the evolution stage: fall back to English labels
            s["lang"] = "en"
    choices = {
        "markov_scheme": ("pooled", "per_year"),
        "neighbour_classes": ("own_quantiles", "variable_cutoffs"),
        "sigma_measure": ("sd", "cv"),
    }
    for key, options in choices.items():
        if s[key] not in options:
            raise ConfigError(
                f"[disparity] {key} = {s[key]!r} is not known; use one of {options}."
                + did_you_mean(str(s[key]), options)
            )
    if isinstance(s["bandwidth"], str):
        with contextlib.suppress(ValueError):
            s["bandwidth"] = float(s["bandwidth"])
    return s


def variable_series(ctx: StudyContext, name: str) -> pd.Series:
    known = [*ctx.scores, *ctx.panel.columns]
    if name not in known:
        raise ConfigError(
            f"[disparity] variables: {name!r} is neither a composite index nor a data column."
            + did_you_mean(name, [str(k) for k in known])
        )
    return ctx.variable(name).astype(float)


def group_texts(groups: Any) -> dict[str, Label]:
    """The readers' names of the division's groups (East, Central, ...; 东部, 中部, ...)."""
    return {str(g): Label("group", str(g)) for g in groups}


def all_label(ctx: StudyContext) -> Message:
    """The whole sample's name in figures: "All provinces" for China's provinces."""
    from spatialpanel.data.china import provinces

    entities = set(ctx.panel.index.get_level_values(0))
    return msg("All provinces") if entities <= set(provinces().index) else msg("All regions")
