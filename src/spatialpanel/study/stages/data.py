"""The data stage: read the study's data through the data layer, fill gaps, audit everything.

This stage always runs first. It builds the :class:`~spatialpanel.study.context.StudyContext`
that the later stages share.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from spatialpanel.errors import DataError, did_you_mean
from spatialpanel.study.artifacts import Sentence, StageOutput, TableArtifact
from spatialpanel.study.config import StudyConfig
from spatialpanel.study.context import StudyContext
from spatialpanel.text import Label, Message, TextList, msg, nmsg, numbers, pmsg

__all__ = ["load", "required_variables", "variable_years"]

Window = tuple[int, int] | None


def required_variables(config: StudyConfig) -> list[str]:
    """Raw data columns the study uses: every indicator, the model's raw regressors, weights'."""
    names: list[str] = []
    indices = config.section("indices")
    for body in indices.values():
        names.extend(body["indicators"])
    model = config.section("model")
    if model.get("formula"):
        from spatialpanel.models.formula import formula_variables

        used: list[str | None] = list(formula_variables(str(model["formula"])))
    else:
        used = [model.get("y"), model.get("core"), *model.get("controls", [])]
    for col in used:
        if col and col not in indices:
            names.append(col)
    population = config.section("disparity").get("population")
    if population:
        names.append(population)
    for body in config.section("weights").values():
        if body["kind"] in ("economic", "economic_geographic"):
            names.append(body["variable"])
    return list(dict.fromkeys(names))


def variable_years(config: StudyConfig) -> dict[str, Window]:
    """The years each raw variable is used in (None: all the study's years).

    An indicator of an index with ``[indices.NAME] years`` and a raw model variable under
    ``[model] years`` are used in those years only; a variable with several uses gets the span
    of them all. Cells outside a variable's years are neither checked nor filled.
    """
    uses: dict[str, list[Window]] = {name: [] for name in required_variables(config)}
    indices = config.section("indices")
    for body in indices.values():
        window: Window = (body["years"][0], body["years"][1]) if body.get("years") else None
        for col in body["indicators"]:
            uses[col].append(window)
    model = config.section("model")
    model_window: Window = (model["years"][0], model["years"][1]) if model.get("years") else None
    if model.get("formula"):
        from spatialpanel.models.formula import formula_variables

        model_columns: list[str | None] = list(formula_variables(str(model["formula"])))
    else:
        model_columns = [model.get("y"), model.get("core"), *model.get("controls", [])]
    for col in model_columns:
        if col and col not in indices:
            uses[col].append(model_window)
    out: dict[str, Window] = {}
    for name, windows in uses.items():
        if not windows or any(w is None for w in windows):
            out[name] = None
        else:
            spans = [w for w in windows if w is not None]
            out[name] = (min(w[0] for w in spans), max(w[1] for w in spans))
    return out


def _fill_by_window(
    frame: pd.DataFrame,
    windows: dict[str, Window],
    method: str,
    bounds: dict[str, tuple[float, float]],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Fill each variable within its years; return the frame, the fill audit and the used mask."""
    from spatialpanel.data.fill import fill_missing

    filled = frame.copy()
    used = pd.DataFrame(True, index=frame.index, columns=frame.columns)
    audits = []
    times = frame.index.get_level_values(1)
    groups: dict[Window, list[str]] = {}
    for col in frame.columns:
        groups.setdefault(windows.get(col), []).append(col)
    for window, cols in groups.items():
        rows = (
            (times >= window[0]) & (times <= window[1])
            if window is not None
            else pd.Series(True, index=frame.index).to_numpy()
        )
        used.loc[~rows, cols] = False
        limits = {k: v for k, v in bounds.items() if k in cols}
        part, audit = fill_missing(frame.loc[rows, cols], method=method, bounds=limits or None)  # type: ignore[arg-type]
        filled.loc[rows, cols] = part
        audits.append(audit)
    audit = pd.concat(audits, ignore_index=True) if len(audits) > 1 else audits[0]
    return filled, audit, used


def _jump_checks(frame: pd.DataFrame) -> pd.DataFrame:
    """Audit rows (step "check") for year-on-year jumps and common breaks of every variable."""
    from spatialpanel.data.audit import AuditLog
    from spatialpanel.indices.diagnostics import detect_jumps

    report = detect_jumps(frame)
    log = AuditLog()
    for row in report.breaks.to_dict("records"):
        info = report.info(str(row["indicator"]))
        log.add(
            "check",
            time=row["time"],
            variable=row["indicator"],
            detail=msg(
                "common break: the regions' median change in {t} is {c} against a usual {u} ({r} "
                "usual deviations away); check for a change of definition or coverage. Values "
                "used unchanged.",
                t=str(row["time"]),
                c=_change(row["median_change"], info),
                u=_change(info["centre"], info),
                r=numbers.fixed(float(row["ratio"]), 1),
            ),
        )
    for j in report.jumps.to_dict("records"):
        info = report.info(str(j["indicator"]))
        log.add(
            "check",
            entity=j["entity"],
            time=j["time"],
            variable=j["indicator"],
            old=j["previous"],
            new=j["value"],
            detail=msg(
                "jump: year-on-year change {c} against the region's usual {u} ({r} usual "
                "deviations away); check for a change of definition. Value used unchanged.",
                c=_change(j["change"], info),
                u=_change(j["usual_change"], info),
                r=numbers.fixed(float(j["ratio"]), 1),
            ),
        )
    return log.frame()


def _change(value: Any, info: dict[str, Any]) -> str:
    import math

    if info["scale"] == "log":
        return f"{100 * (math.exp(float(value)) - 1):+.1f}%"
    return f"{float(value):+.4g}"


def load(config: StudyConfig, *, lang: str = "en") -> tuple[StudyContext, StageOutput]:
    """Read, validate and fill the study's data; return the context and the stage output."""
    from spatialpanel.data.readers import read_panel
    from spatialpanel.study.geography import load_regions

    data_cfg = config.section("data")
    years = tuple(data_cfg["years"]) if data_cfg["years"] else None
    from spatialpanel.data.bundled import (
        DEMO_DATASET,
        dataset_mark,
        dataset_meta,
        load_dataset,
        real_counterpart,
    )

    bundled = config.bundled_dataset
    mark: str | None = None
    if config.is_demo:
        from spatialpanel.data.demo import load_demo

        source: pd.DataFrame | Path = load_demo()
        synthetic = True
        meta = dataset_meta(DEMO_DATASET)
    elif bundled is not None:
        source = load_dataset(bundled).reset_index()
        mark = dataset_mark(bundled)
        synthetic = mark == "synthetic"
        meta = dataset_meta(bundled)
    else:
        source = config.data_path()
        meta = _sidecar_meta(source)
        synthetic = bool(meta.get("synthetic", False))
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
    windows = variable_years(config)
    filled, fill_audit, used = _fill_by_window(frame, windows, data_cfg["missing"], bounds)
    checks = _jump_checks(frame.where(used))
    absent = _absent_regions(frame, data_cfg["entity_kind"])
    audit = pd.concat(
        [
            a
            for a in (panel.audit, fill_audit, checks, *([_absent_audit(absent)] if absent else []))
            if len(a)
        ]
        or [panel.audit],
        ignore_index=True,
    )
    seed = int(config.section("study").get("seed", 12345))
    from spatialpanel.study.labels import study_labels

    ctx = StudyContext(
        config=config,
        panel=filled,
        audit=audit,
        synthetic=synthetic,
        seed=seed,
        lang=lang,
        labels=study_labels(config, file_labels=panel.labels, regions=regions, dataset=bundled),
        regions=regions,
        data_mark=mark,
        variable_years={k: w for k, w in windows.items() if w is not None},
    )
    if config.is_demo:
        file = "bundled synthetic demo panel"
    elif bundled is not None:
        file = f"bundled dataset {bundled}"
    else:
        file = str(config.data_path())
    counterpart = real_counterpart(meta)
    ctx.results["data_source"] = {
        "file": file,
        **dataclasses.asdict(panel.source),
        "synthetic": synthetic,
        "data_mark": ctx.data_mark,
        # the statistics synthetic numbers are not (for the marks on the outputs)
        "real_counterpart": counterpart if synthetic else None,
        "unused_columns": unused,
        "absent_regions": [code for code, _ in absent],
    }
    limited = {k: w for k, w in windows.items() if w is not None}
    return ctx, _output(
        ctx, frame, audit, data_cfg["missing"], unused, used, limited, absent, counterpart
    )


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
            "detail": msg(
                "{name} ({code}) has no row in the data: it is left out of every table, map and "
                "model of the study (and drawn as 'no data' on maps).",
                name=Label("region", str(code)),
                code=str(code),
            ),
        }
        for code, _name in absent
    ]
    return pd.DataFrame(
        rows, columns=["step", "entity", "time", "variable", "old", "new", "detail"]
    )


def _sidecar_meta(path: Path) -> dict[str, Any]:
    """``NAME.meta.json`` beside the data, as the bundled generators of synthetic data write it
    (``"synthetic": true``, ``"real_counterpart"``); ``{}`` if there is none or it is not a JSON
    object."""
    import json

    meta = path.with_suffix(".meta.json")
    if not meta.is_file():
        return {}
    try:
        record = json.loads(meta.read_text("utf-8"))
    except ValueError:
        return {}
    return record if isinstance(record, dict) else {}


def _output(
    ctx: StudyContext,
    raw: pd.DataFrame,
    audit: pd.DataFrame,
    method: str,
    unused: list[str],
    used: pd.DataFrame,
    limited: dict[str, tuple[int, int]],
    absent: list[tuple[int, str]],
    counterpart: str,
) -> StageOutput:
    frame = ctx.panel.where(used)
    entities = frame.index.get_level_values(0).unique()
    times = frame.index.get_level_values(1).unique()
    was_missing = raw.isna() & used
    desc = pd.DataFrame(
        {
            "n": frame.count(),
            "mean": frame.mean(),
            "sd": frame.std(ddof=1),
            "min": frame.min(),
            "max": frame.max(),
            "filled": was_missing.sum(),
        }
    )
    desc.index.name = "variable"
    n_filled = int(was_missing.to_numpy().sum())
    n_cells = int(used.to_numpy().sum())
    span = f"{times.min()}–{times.max()}"
    notes: tuple[Message, ...] = (
        msg(
            "{n} regions × {t} years ({span}).",
            n=len(entities),
            t=len(times),
            span=span,
        ),
    )
    if limited:
        spans = TextList(
            tuple(
                msg("{name} {a}–{b}", name=Label("variable", k), a=a, b=b)
                for k, (a, b) in limited.items()
            ),
            "series",
        )
        notes += (
            msg(
                "Variables used in some years only (the others are not read): {spans}.", spans=spans
            ),
        )
    if unused:
        notes += (
            msg(
                "Columns in the file that the study does not use (not read): {columns}.",
                columns=TextList(
                    tuple(
                        Label("variable", str(c)) if ctx.labels.has("variable", str(c)) else str(c)
                        for c in unused
                    ),
                    "series",
                ),
            ),
        )
    if ctx.synthetic:
        # the official statistics the numbers are not: the provinces' China Statistical
        # Yearbook, the cities' China City Statistical Yearbook (the dataset's metadata)
        notes += (
            msg(
                "SYNTHETIC data generated by spatialpanel; not {counterpart}.",
                counterpart=pmsg("statistics", counterpart),
            ),
        )
    else:
        notes += ctx.mark_notes
    audit_table = audit.copy()
    if audit_table.empty:
        audit_table = pd.DataFrame(
            columns=["step", "entity", "time", "variable", "old", "new", "detail"]
        )
    audit_table = audit_table.reset_index(drop=True)
    if ctx.synthetic:
        what = pmsg("data", "The synthetic demonstration data")
    elif ctx.data_mark == "real-reduced":
        what = pmsg("data", "The real data")
    else:
        what = pmsg("data", "The data")
    method_name = pmsg("fill", method)
    if n_filled == 0:
        text = msg(
            "{what} cover {n} regions and {t} years ({span}); none of the {cells} cells the study "
            "uses is missing, so nothing was filled.",
            what=what,
            n=len(entities),
            t=len(times),
            span=span,
            cells=n_cells,
        )
    else:
        text = msg(
            "{what} cover {n} regions and {t} years ({span}); {k} of {cells} cells ({pct}) "
            "were missing and were filled by the {method} method, each fill listed in the "
            "audit table.",
            what=what,
            n=len(entities),
            t=len(times),
            span=span,
            k=n_filled,
            cells=n_cells,
            pct=numbers.percent(100 * n_filled / n_cells),
            method=method_name,
        )
    sentences = [Sentence(text, ("descriptives:filled",))]
    if absent:
        names = TextList(
            tuple(
                msg("{name} ({code})", name=Label("region", str(code)), code=str(code))
                for code, _ in absent
            )
        )
        sentences.append(
            Sentence(
                nmsg(
                    "The data lack {n} of China's 31 provinces: {names}; it is left out of every "
                    "table, map and model (one row of the audit table).",
                    "The data lack {n} of China's 31 provinces: {names}; they are left out of "
                    "every table, map and model (each is one row of the audit table).",
                    n=len(absent),
                    names=names,
                ),
                ("audit:absent",),
            )
        )
    whole = _whole_years(raw, used)
    if whole:
        years = TextList(
            tuple(
                msg(
                    "{name} {years}",
                    name=Label("variable", k),
                    years=TextList(tuple(str(y) for y in v), "series"),
                )
                for k, v in whole.items()
            ),
            "series",
        )
        sentences.append(
            Sentence(
                msg(
                    "Whole years were missing for every region and were filled by the {method} "
                    "method: {years}. These values are the method's, not data: restrict the "
                    "variable's years ([indices.NAME] years) or drop it.",
                    method=method_name,
                    years=years,
                ),
                ("audit:*:fill",),
            )
        )
    n_checks = int((audit_table["step"] == "check").sum())
    if n_checks:
        sentences.append(
            Sentence(
                nmsg(
                    "{n} year-on-year change or year is far from its variable's usual change (a "
                    "jump or a common break, listed as 'check' in the audit table); the value is "
                    "used unchanged.",
                    "{n} year-on-year changes or years are far from their variable's usual "
                    "change (jumps and common breaks, listed as 'check' in the audit table); the "
                    "values are used unchanged.",
                    n=n_checks,
                ),
                ("audit:*:check",),
            )
        )
    return StageOutput(
        name="data",
        title=msg("Data"),
        tables=(
            TableArtifact("descriptives", msg("Descriptive statistics"), desc, notes),
            TableArtifact(
                "audit",
                msg("Audit of every fill, conversion and drop"),
                audit_table,
                (msg("One row per change made to the input data."),),
            ),
        ),
        sentences=tuple(sentences),
        settings={
            "missing": method,
            "synthetic": ctx.synthetic,
            "data_mark": ctx.data_mark,
            "cells_filled": n_filled,
            "checks": n_checks,
        },
    )


def _whole_years(raw: pd.DataFrame, used: pd.DataFrame) -> dict[str, list[int]]:
    """Variables with a year missing for every region (within the years they are used in)."""
    out: dict[str, list[int]] = {}
    times = raw.index.get_level_values(1)
    for col in raw.columns:
        rows = used[col].to_numpy()
        missing = raw[col].isna().to_numpy() & rows
        years = sorted(
            int(t) for t in pd.unique(times[missing]) if missing[np.asarray(times == t)].all()
        )
        if years:
            out[str(col)] = years
    return out
