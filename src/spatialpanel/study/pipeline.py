"""The study pipeline: stages in the paper's order, each adding to a shared context.

``run_study`` reads the configuration, runs every configured stage (data → indices → evolution →
weights → spatial autocorrelation → maps → model selection and SDM → disparity), writes the
results folder (tables, figures, ``stages.json``, ``manifest.json``) and the report.
"""

from __future__ import annotations

import gc
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from spatialpanel.study.artifacts import StageOutput
from spatialpanel.study.config import StudyConfig, load_study
from spatialpanel.text import Labels

if TYPE_CHECKING:  # pragma: no cover
    from spatialpanel.study.context import StudyContext

__all__ = [
    "STAGES",
    "StageSpec",
    "StudyRun",
    "check_run_options",
    "planned_stages",
    "run_study",
    "validate_study",
]


@dataclass(frozen=True)
class StageSpec:
    """A pipeline stage: its name, title, module and the config sections it needs."""

    name: str
    title: str
    module: str
    needs: tuple[str, ...]


STAGES: tuple[StageSpec, ...] = (
    StageSpec("indices", "Composite indices", "spatialpanel.study.stages.indices", ("indices",)),
    StageSpec(
        "evolution",
        "Spatio-temporal evolution",
        "spatialpanel.study.stages.evolution",
        ("indices", "evolution"),
    ),
    StageSpec("weights", "Spatial weights", "spatialpanel.study.stages.weights", ("weights",)),
    StageSpec(
        "autocorrelation",
        "Spatial autocorrelation",
        "spatialpanel.study.stages.autocorrelation",
        ("weights", "autocorrelation"),
    ),
    StageSpec("maps", "Maps", "spatialpanel.study.stages.maps", ("indices", "autocorrelation")),
    StageSpec(
        "model",
        "Model selection and the spatial Durbin model",
        "spatialpanel.study.stages.model",
        ("weights", "model"),
    ),
    StageSpec(
        "dynamic",
        "Dynamic spatial Durbin model: short- and long-run effects",
        "spatialpanel.study.stages.dynamic",
        ("weights", "model", "dynamic"),
    ),
    StageSpec(
        "robustness",
        "Model comparison and robustness to the weight matrix",
        "spatialpanel.study.stages.robustness",
        ("weights", "model"),
    ),
    StageSpec(
        "specification",
        "Specification curve",
        "spatialpanel.study.stages.specification",
        ("weights", "model", "specification"),
    ),
    StageSpec(
        "disparity",
        "Regional disparities",
        "spatialpanel.study.stages.disparity",
        ("disparity",),
    ),
)


@dataclass(frozen=True)
class StudyRun:
    """What a run produced: the stage outputs and the results folder."""

    out_dir: Path
    stages: tuple[StageOutput, ...]
    manifest: Path
    report: Path | None
    lang: str = "en"
    labels: Labels = field(default_factory=Labels)


#: Stages a study switches off with ``enabled = false`` in their section: they are then not run
#: at all (no empty section in the report).
SWITCHED: dict[str, str] = {"specification": "specification"}


def planned_stages(config: StudyConfig) -> list[StageSpec]:
    """The stages a configuration runs, in order (the data stage always runs first)."""
    return [
        s
        for s in STAGES
        if all(config.has(n) for n in s.needs)
        and (s.name not in SWITCHED or config.section(SWITCHED[s.name]).get("enabled", True))
    ]


Progress = Callable[[str, int, int], None]


def check_run_options(
    config: StudyConfig, *, out_dir: str | Path | None = None, lang: str | None = None
) -> tuple[Path, str]:
    """The results folder and the language of a run, checked before any work is done.

    Returns ``(folder, lang)``; ``out_dir`` and ``lang`` default to the study's ``[outputs]
    dir`` and ``[study] lang``.

    Raises
    ------
    ConfigError
        An unknown language.
    ResultsError
        A results folder that is an existing file, holds an input of the study, or holds files
        spatialpanel did not write (:func:`spatialpanel.results_folder.check_target`).
    """
    from spatialpanel.report.build import report_files
    from spatialpanel.results_folder import check_target

    target = Path(out_dir if out_dir is not None else config.section("outputs")["dir"])
    language = lang if lang is not None else config.section("study").get("lang", "en")
    report_files(language)  # refuses an unknown language
    check_target(target, config.input_files())
    return target, language


def run_study(
    study: StudyConfig | str | Path | None = None,
    *,
    out_dir: str | Path | None = None,
    lang: str | None = None,
    report: bool | None = None,
    progress: Progress | None = None,
) -> StudyRun:
    """Run a study end to end and write its results folder.

    Parameters
    ----------
    study
        A validated :class:`~spatialpanel.study.config.StudyConfig`, the path of a STUDY.toml, or
        ``None`` for the bundled
        demonstration study (synthetic data).
    out_dir
        Results folder; defaults to the study's ``[outputs] dir``.
    lang
        ``"en"`` or ``"zh"`` for labels in tables, figures and the report; defaults to the study's.
    report
        Write the HTML/Word/LaTeX/Markdown report (default: the study's ``[outputs] report``).
    progress
        Called as ``progress(stage_title, done, total)`` before each stage and at the end.
    """
    from spatialpanel.study.outputs import write_results
    from spatialpanel.study.stages import data as data_stage

    config = study if isinstance(study, StudyConfig) else load_study(study)
    outputs_cfg = config.section("outputs")
    target, language = check_run_options(config, out_dir=out_dir, lang=lang)
    stages = planned_stages(config)
    total = len(stages) + 2

    def tick(title: str, done: int) -> None:
        if progress is not None:
            progress(title, done, total)

    from spatialpanel.study.figure_output import FigureWriter

    # each stage's figures are drawn (in worker processes) while the later stages compute; the
    # first worker imports matplotlib while the data are read
    maps = any(spec.name == "maps" for spec in stages)
    figures = FigureWriter(target, config=config, lang=language, maps=maps)
    try:
        tick("Reading and checking the data", 0)
        ctx, data_output = data_stage.load(config, lang=language)
        results: list[StageOutput] = [data_output]
        figures.start(ctx)
        # the data, the modules and their caches live to the end of the run: kept out of the
        # collector's full passes while the stages run (unfrozen when the folder is written,
        # spatialpanel.study.outputs, and below on any failure); nothing computed depends on it
        gc.freeze()
        for i, spec in enumerate(stages, start=1):
            tick(spec.title, i)
            results.append(_run_stage(spec, ctx))
            figures.add(results[-1].figures)
        tick("Writing tables, figures and the report", total - 1)
        do_report = outputs_cfg.get("report", True) if report is None else report
        manifest, report_path = write_results(
            target,
            config=config,
            ctx=ctx,
            stages=tuple(results),
            report=do_report,
            figures=figures,
        )
    except BaseException:
        figures.abort()
        raise
    finally:
        gc.unfreeze()
    tick("Done", total)
    return StudyRun(
        out_dir=target,
        stages=tuple(results),
        manifest=manifest,
        report=report_path,
        lang=language,
        labels=ctx.labels,
    )


def validate_study(config: StudyConfig, *, lang: str | None = None) -> StageOutput:
    """What ``spatialpanel validate`` checks with the data: read and fill the data, compute the
    composite indices and build the weights (the cheap stages, no figures), then look up every
    name the later stages use (:func:`spatialpanel.study.references.check_references`).
    Returns the data stage's output (its sentences describe the data)."""
    from spatialpanel.study.references import check_references
    from spatialpanel.study.stages import data as data_stage

    ctx, data_output = data_stage.load(config, lang=lang or "en")
    for spec in planned_stages(config):
        if spec.name in ("indices", "weights"):
            _run_stage(spec, ctx)
    check_references(ctx)
    return data_output


def _run_stage(spec: StageSpec, ctx: StudyContext) -> StageOutput:
    module = importlib.import_module(spec.module)
    out: StageOutput = module.run(ctx)
    return out
