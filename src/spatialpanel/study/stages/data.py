"""The data stage: read the study's data through the data layer, fill gaps, audit everything.

This stage always runs first. It builds the :class:`~spatialpanel.study.context.StudyContext`
that the later stages share.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pandas as pd

from spatialpanel.errors import DataError, did_you_mean
from spatialpanel.study.artifacts import StageOutput
from spatialpanel.study.config import StudyConfig
from spatialpanel.study.context import StudyContext
from spatialpanel.study.stages.data_output import stage_output
from spatialpanel.text import Label, msg, numbers

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
        dataset_meta,
        load_dataset,
        meta_mark,
        real_counterpart,
    )
    from spatialpanel.study.context import resolve_data_mark

    bundled = config.bundled_dataset
    if config.is_demo:
        from spatialpanel.data.demo import load_demo

        source: pd.DataFrame | Path = load_demo()
        meta = dataset_meta(DEMO_DATASET)
        where = "the bundled demonstration panel"
    elif bundled is not None:
        source = load_dataset(bundled).reset_index()
        meta = dataset_meta(bundled)
        where = f"the bundled dataset {bundled!r}"
    else:
        source = config.data_path()
        meta = _sidecar_meta(source)
        where = f"{source.name} ({source.with_suffix('.meta.json').name})"
    # what the metadata says the data are, made more cautious (never less) by [data] mark
    found = meta_mark(meta, where=where)
    mark = resolve_data_mark(data_cfg["mark"], found, source=where)
    synthetic = mark == "synthetic"
    generated = found == "synthetic"  # synthetic numbers spatialpanel generated
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
        # where the mark comes from: the data's metadata, or the study's [data] mark
        "mark_from": None if mark is None else ("metadata" if mark == found else "study"),
        # the statistics synthetic numbers are not (for the marks on the outputs); only for
        # numbers spatialpanel generated (a study that marks its own data synthetic has none)
        "real_counterpart": counterpart if generated else None,
        "unused_columns": unused,
        "absent_regions": [code for code, _ in absent],
    }
    limited = {k: w for k, w in windows.items() if w is not None}
    return ctx, stage_output(
        ctx,
        frame,
        audit,
        data_cfg["missing"],
        unused,
        used,
        limited,
        absent,
        counterpart if generated else None,
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
