"""The data stage: read the study's data through the data layer, fill gaps, audit everything.

This stage always runs first. It builds the :class:`~spatialpanel.study.context.StudyContext`
that the later stages share.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd

from spatialpanel.errors import DataError, did_you_mean
from spatialpanel.study.artifacts import Sentence, StageOutput, TableArtifact
from spatialpanel.study.config import StudyConfig
from spatialpanel.study.context import StudyContext

__all__ = ["load", "required_variables"]


def required_variables(config: StudyConfig) -> list[str]:
    """Raw data columns the study uses: every indicator, the model's raw regressors, weights'."""
    names: list[str] = []
    indices = config.section("indices")
    for body in indices.values():
        names.extend(body["indicators"])
    model = config.section("model")
    for col in [model.get("y"), model.get("core"), *model.get("controls", [])]:
        if col and col not in indices:
            names.append(col)
    population = config.section("disparity").get("population")
    if population:
        names.append(population)
    for body in config.section("weights").values():
        if body["kind"] in ("economic", "economic_geographic"):
            names.append(body["variable"])
    return list(dict.fromkeys(names))


def load(config: StudyConfig, *, lang: str = "en") -> tuple[StudyContext, StageOutput]:
    """Read, validate and fill the study's data; return the context and the stage output."""
    from spatialpanel.data.fill import fill_missing
    from spatialpanel.data.readers import read_panel
    from spatialpanel.study.geography import load_regions

    data_cfg = config.section("data")
    years = tuple(data_cfg["years"]) if data_cfg["years"] else None
    if config.is_demo:
        from spatialpanel.data.demo import load_demo

        source: pd.DataFrame | Path = load_demo()
        synthetic = True
    else:
        source = config.data_path()
        synthetic = _marked_synthetic(source)
    bounds = {k: tuple(v) for k, v in data_cfg["bounds"].items()}
    regions = load_regions(config)
    matched = regions if config.has("geography") else None
    panel = read_panel(
        source,
        entity=data_cfg["entity"],
        time=data_cfg["time"],
        years=years,
        layout=data_cfg["layout"],
        sheet=data_cfg["sheet"],
        encoding=data_cfg["encoding"],
        entity_kind=data_cfg["entity_kind"],
        bounds=bounds or None,
        extra_years=data_cfg["extra_years"],
        regions=matched,
    )
    frame = panel.frame
    needed = required_variables(config)
    missing_cols = [c for c in needed if c not in frame.columns]
    if missing_cols:
        hints = "".join(did_you_mean(c, list(frame.columns)) for c in missing_cols[:3])
        raise DataError(
            f"the data file lacks the columns {missing_cols} that the study uses "
            f"(indicators, model variables or weight variables).{hints} Rename the columns in the "
            "file or the names in the study."
        )
    unused = [c for c in frame.columns if c not in needed]  # reported in the manifest and notes
    frame = frame[needed]
    filled, fill_audit = fill_missing(frame, method=data_cfg["missing"], bounds=bounds or None)
    absent = _absent_regions(frame, data_cfg["entity_kind"])
    parts = [panel.audit, fill_audit, *([_absent_audit(absent)] if absent else [])]
    audit = pd.concat(parts, ignore_index=True)
    seed = int(config.section("study").get("seed", 12345))
    ctx = StudyContext(
        config=config,
        panel=filled,
        audit=audit,
        synthetic=synthetic,
        seed=seed,
        lang=lang,
        regions=regions,
    )
    ctx.results["data_source"] = {
        "file": "bundled synthetic demo panel" if config.is_demo else str(config.data_path()),
        **dataclasses.asdict(panel.source),
        "synthetic": synthetic,
        "unused_columns": unused,
        "absent_regions": [code for code, _ in absent],
    }
    return ctx, _output(ctx, frame, audit, data_cfg["missing"], unused, absent)


def _absent_regions(frame: pd.DataFrame, entity_kind: str) -> list[tuple[int, str]]:
    """China's provinces that have no row in the data: (code, English name), in code order."""
    if entity_kind != "china":
        return []
    from spatialpanel.data.china import provinces

    prov = provinces()
    present = set(frame.index.get_level_values(0))
    return [
        (int(code), str(prov.loc[code, "name_en"])) for code in prov.index if code not in present
    ]


def _absent_audit(absent: list[tuple[int, str]]) -> pd.DataFrame:
    rows = [
        {
            "step": "absent",
            "entity": code,
            "detail": f"{name} ({code}) has no row in the data: it is left out of every table, "
            "map and model of the study (and drawn as 'no data' on maps).",
        }
        for code, name in absent
    ]
    return pd.DataFrame(
        rows, columns=["step", "entity", "time", "variable", "old", "new", "detail"]
    )


def _marked_synthetic(path: Path) -> bool:
    """Whether ``NAME.meta.json`` beside the data says ``"synthetic": true`` (as the bundled
    generators of synthetic example data write it)."""
    import json

    meta = path.with_suffix(".meta.json")
    if not meta.is_file():
        return False
    try:
        return bool(json.loads(meta.read_text("utf-8")).get("synthetic", False))
    except (ValueError, AttributeError):
        return False


def _output(
    ctx: StudyContext,
    raw: pd.DataFrame,
    audit: pd.DataFrame,
    method: str,
    unused: list[str],
    absent: list[tuple[int, str]],
) -> StageOutput:
    frame = ctx.panel
    entities = frame.index.get_level_values(0).unique()
    times = frame.index.get_level_values(1).unique()
    desc = pd.DataFrame(
        {
            "n": frame.count(),
            "mean": frame.mean(),
            "sd": frame.std(ddof=1),
            "min": frame.min(),
            "max": frame.max(),
            "filled": raw.isna().sum(),
        }
    )
    desc.index.name = "variable"
    n_filled = int(raw.isna().sum().sum())
    label = "synthetic demonstration data" if ctx.synthetic else "data"
    notes: tuple[str, ...] = (
        f"{len(entities)} regions × {len(times)} years ({times.min()}–{times.max()}).",
    )
    if unused:
        notes += (f"Columns in the file that the study does not use (not read): {unused}.",)
    if ctx.synthetic:
        notes += ("SYNTHETIC data generated by spatialpanel; not China Statistical Yearbook.",)
    audit_table = audit.copy()
    if audit_table.empty:
        audit_table = pd.DataFrame(
            columns=["step", "entity", "time", "variable", "old", "new", "detail"]
        )
    sentences = [
        Sentence(
            f"The {label} cover {len(entities)} regions and {len(times)} years "
            f"({times.min()}–{times.max()}); {n_filled} of {raw.size} cells "
            f"({100 * n_filled / raw.size:.1f}%) were missing and were filled by the "
            f"'{method}' method, each fill listed in the audit table.",
            ("descriptives:filled",),
        )
    ]
    if absent:
        names = ", ".join(f"{name} ({code})" for code, name in absent)
        sentences.append(
            Sentence(
                f"The data lack {len(absent)} of China's 31 provinces: {names}; they are left "
                "out of every table, map and model (each is one row of the audit table).",
                ("audit:absent",),
            )
        )
    return StageOutput(
        name="data",
        title="Data",
        tables=(
            TableArtifact("descriptives", "Descriptive statistics", desc, notes),
            TableArtifact(
                "audit",
                "Audit of every fill, conversion and drop",
                audit_table.reset_index(drop=True),
                ("One row per change made to the input data.",),
            ),
        ),
        sentences=tuple(sentences),
        settings={"missing": method, "synthetic": ctx.synthetic, "cells_filled": n_filled},
    )
