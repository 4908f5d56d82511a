"""The results folder: tables (CSV + one Excel workbook), figures (PNG/SVG), JSON descriptions.

Layout::

    OUT/
      manifest.json        study, data hash, versions, conventions, seed, outputs + hashes
      stages.json          each stage: title, settings, tables, figures, sentences (rebuilds report)
      README.txt           what the folder holds, and the data-provenance mark
      tables/KEY.csv       one CSV per table (UTF-8 with BOM so Excel shows Chinese correctly)
      tables.xlsx          a README sheet, then every table, a sheet each
      figures/KEY.png      every figure (SVG/PDF too when [outputs] figure_formats asks)
      figures/web/KEY.png  smaller copies embedded in the reports
      figures/data/KEY.json  every figure's data (drawn again in another language by `report`)
      report.html, report.docx, tables.tex, tables.md   (see spatialpanel.report)

Everything is deterministic: the same data, study and seed give byte-identical files.

The folder is written as one unit (:mod:`spatialpanel.results_folder`): into a hidden sibling,
moved into place only when complete (manifest last), replacing an earlier results folder whole;
a failed or interrupted run leaves the earlier folder untouched. Text cells that a spreadsheet
would evaluate (first character ``= + - @``, tab or carriage return) are stored as text in the
workbook and prefixed with ``'`` in the CSV files (:mod:`spatialpanel.spreadsheet_cells`);
numbers stay numbers.
"""

from __future__ import annotations

import gc
import json
import platform
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from spatialpanel.errors import EstimationError
from spatialpanel.results_folder import (
    MANIFEST,
    check_target,
    normalise_zip,
    sha256_file,
    staged,
    write_manifest,
)
from spatialpanel.spreadsheet_cells import spreadsheet_frame
from spatialpanel.study.artifacts import StageOutput, TableArtifact
from spatialpanel.text import Labels, render, to_json
from spatialpanel.text.frames import split_cells

if TYPE_CHECKING:  # pragma: no cover
    from spatialpanel.study.config import StudyConfig
    from spatialpanel.study.context import StudyContext
    from spatialpanel.study.figure_output import FigureWriter

__all__ = ["check_finite", "normalise_zip", "sha256_file", "write_results", "write_table_csv"]

_PACKAGES = ("numpy", "scipy", "pandas", "libpysal", "matplotlib", "shapely", "geopandas")


def write_table_csv(
    table: TableArtifact, path: Path, *, labels: Labels | None = None
) -> dict[str, Any]:
    """Write a table as CSV and return how to read it back (index and header depth, and the
    positions of its message cells, which the CSV holds in English).

    Text cells, index labels and headers that a spreadsheet would evaluate get a leading ``'``
    (:func:`~spatialpanel.spreadsheet_cells.spreadsheet_frame`); numbers are written as numbers.
    """
    frame, cells = split_cells(table.frame, labels)
    spreadsheet_frame(frame).to_csv(path, encoding="utf-8-sig", lineterminator="\n")
    shape: dict[str, Any] = {
        "index_cols": frame.index.nlevels,
        "header_rows": frame.columns.nlevels,
    }
    if cells:
        shape["cells"] = cells
    return shape


def _write_workbook(
    tables: list[TableArtifact],
    path: Path,
    labels: Labels,
    *,
    lang: str = "en",
    title: str = "",
    mark: str | None = None,
) -> None:
    """Every table a sheet, labelled in ``lang`` as the report labels it, after a first sheet
    "README" listing them; the identifiers on a last sheet "variables"; with a provenance
    ``mark``, every sheet says it (:func:`spatialpanel.report.workbook.write_workbook`)."""
    from spatialpanel.report.localise import ui
    from spatialpanel.report.workbook import SheetTable, write_workbook

    sheets = []
    for table in tables:
        frame, cells = split_cells(table.frame, labels)
        sheets.append(SheetTable(table.key, render(table.title, lang, labels), frame, cells))
    words = {k: ui(f"workbook_{k}", lang) for k in _WORKBOOK_WORDS}
    write_workbook(sheets, path, labels, lang=lang, title=title, mark=mark, words=words)


_WORKBOOK_WORDS = ("sheet", "table", "where", "identifier", "label", "column", "row", "variables")


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in ("spatialpanel", *_PACKAGES):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:  # pragma: no cover - optional packages
            out[name] = "not installed"
    return out


# --- no NaN or inf in a table (issue 10 §5) ------------------------------------------------------
# Statistic columns are recognised by the last level of their name. A NaN there is a layout blank
# only when every statistic cell of its row and column group is blank (a term absent from that
# model, e.g. W·x of a variable without a Durbin term) or the row says valid=False (an invalid
# test carrying its reason); a blank p-value beside a reported se/z/t is not.
_ESTIMATE_COLUMNS = frozenset(
    {"estimate", "coef", "coefficient", "statistic", "stat", "i", "c", "beta"}
)
_SPREAD_COLUMNS = frozenset({"se", "std_error", "z", "z_value", "t", "t_value"})
_P_COLUMNS = frozenset({"p", "pvalue", "p_value"})
_STAT_COLUMNS = _ESTIMATE_COLUMNS | _SPREAD_COLUMNS | _P_COLUMNS


def check_finite(table: TableArtifact) -> None:
    """Refuse a table holding ±inf anywhere, or NaN where a statistic must stand.

    Raises
    ------
    EstimationError
        Naming the table, the row and the column, and the cause.
    """
    frame = table.frame
    invalid = _invalid_rows(frame)
    groups: dict[tuple[object, ...], list[int]] = {}
    for j, col in enumerate(frame.columns):
        name = str(col[-1] if isinstance(col, tuple) else col).casefold()
        values = frame.iloc[:, j].tolist()
        for i, value in enumerate(values):
            if isinstance(value, float | np.floating) and np.isinf(value):
                _refuse(table, i, col, f"holds {float(value)}, not a finite number")
        if name in _STAT_COLUMNS:
            groups.setdefault(col[:-1] if isinstance(col, tuple) else (), []).append(j)
    for cols in groups.values():
        for i in range(len(frame)):
            if i in invalid:
                continue
            cells = {j: frame.iat[i, j] for j in cols}
            blank = {j for j, v in cells.items() if _is_nan(v)}
            if not blank or len(blank) == len(cells):
                continue
            spread = any(
                _last(frame.columns[j]) in _SPREAD_COLUMNS for j in cells if j not in blank
            )
            for j in sorted(blank):
                name = _last(frame.columns[j])
                if name in _ESTIMATE_COLUMNS:
                    _refuse(
                        table,
                        i,
                        frame.columns[j],
                        "is NaN: the estimate could not be computed, although other statistics "
                        "of the row were",
                    )
                if name in _P_COLUMNS and spread:
                    _refuse(
                        table,
                        i,
                        frame.columns[j],
                        "is NaN: the p-value could not be computed, although the standard error "
                        "or test statistic of the row was",
                    )


def _is_nan(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float | np.floating) and bool(np.isnan(value))


def _last(col: object) -> str:
    return str(col[-1] if isinstance(col, tuple) else col).casefold()


def _invalid_rows(frame: pd.DataFrame) -> set[int]:
    """Rows whose ``valid`` column says False: invalid tests that carry their reason."""
    for col in frame.columns:
        if _last(col) == "valid":
            flags = frame[col].tolist()
            return {i for i, v in enumerate(flags) if v is False or str(v) in ("False", "0")}
    return set()


def _refuse(table: TableArtifact, i: int, col: object, why: str) -> None:
    row = table.frame.index[i]
    raise EstimationError(
        f"table {table.key!r} ({render(table.title, 'en')}): row {row!r}, column {col!r} {why}. "
        "No table may "
        "hold NaN or inf; look at the stage's warnings (collinear regressors, a spatial "
        "parameter on its boundary, an information matrix that is not positive definite) and "
        "fix the data or the model."
    )


def write_results(
    out_dir: Path,
    *,
    config: StudyConfig,
    ctx: StudyContext,
    stages: tuple[StageOutput, ...],
    report: bool = True,
    figures: FigureWriter | None = None,
) -> tuple[Path, Path | None]:
    """Write every table, figure and description of a run; return (manifest, report) paths.

    The folder is checked first (:func:`~spatialpanel.results_folder.check_target`: never an
    input of the study, an existing file or a folder of the user's files), then written whole
    into a hidden sibling and moved into place, replacing an earlier results folder; on any
    failure or interruption the earlier folder is left as it was (see
    :mod:`spatialpanel.results_folder`).

    ``figures`` is the run's :class:`~spatialpanel.study.figure_output.FigureWriter` when the
    pipeline started drawing the figures while the stages ran; without it every stage's figures
    are handed to a new one here. The figures are moved into the folder being written
    (:meth:`~spatialpanel.study.figure_output.FigureWriter.finish`) before the report embeds
    them; on failure the writer is aborted, so no figure is left beside the folder.

    Raises
    ------
    EstimationError
        A table holding NaN or inf (before anything is written).
    ResultsError
        An unusable ``out_dir``.
    """
    for stage in stages:
        for table in stage.tables:
            check_finite(table)  # before anything is written
    out_dir = Path(out_dir)
    check_target(out_dir, config.input_files())
    from spatialpanel.study.figure_output import FigureWriter

    try:
        if figures is None:
            figures = FigureWriter(out_dir, ctx)
            figures.add(fig for stage in stages for fig in stage.figures)
        with staged(out_dir) as root, _collect_only_new():
            report_name = _write_folder(
                root, config=config, ctx=ctx, stages=stages, report=report, figures=figures
            )
    except BaseException:
        if figures is not None:
            figures.abort()  # no worker writes on, no staged figure is left behind
        raise
    return out_dir / MANIFEST, (out_dir / report_name if report_name else None)


@contextmanager
def _collect_only_new() -> Iterator[None]:
    """While the folder is written, the garbage collector leaves the objects that exist before
    (the study's results, alive until the run ends) alone: a full collection walks every object
    it tracks, about 0.1 CPU-s for the demo's ~200,000 each time, and building the report
    triggers one. Anything among them that has become garbage is collected afterwards
    (``gc.unfreeze``, also on failure); nothing written depends on it."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _write_folder(
    root: Path,
    *,
    config: StudyConfig,
    ctx: StudyContext,
    stages: tuple[StageOutput, ...],
    report: bool,
    figures: FigureWriter,
) -> str | None:
    """Write the results into the (empty, staged) folder ``root``; the manifest last. Returns
    the report's file name."""
    from spatialpanel.study.figure_output import write_readme

    (root / "tables").mkdir()
    (root / "figures").mkdir()
    header = _write_described(root, config=config, ctx=ctx, stages=stages, figures=figures)
    dpi = int(config.section("outputs")["dpi"])
    write_readme(root, ctx=ctx, dpi=dpi, report=report)
    # the figures are drawn in worker processes (since their stage ended, when the pipeline
    # started the writer) while the tables, the Markdown and the LaTeX report are written and
    # the HTML and Word reports are built; only their pictures wait for the figures
    prepared = None
    if report:
        from spatialpanel.report.build import prepare_report

        prepared = prepare_report(root, lang=ctx.lang)
    figures.finish(root)
    report_name = prepared.finish().name if prepared is not None else None
    write_manifest(root, header)
    return report_name


def _write_described(
    root: Path,
    *,
    config: StudyConfig,
    ctx: StudyContext,
    stages: tuple[StageOutput, ...],
    figures: FigureWriter,
) -> dict[str, Any]:
    """Tables (CSV, workbook) and ``stages.json``; returns the manifest's header."""
    from spatialpanel.report.figspec import data_file
    from spatialpanel.report.marks import provenance_mark
    from spatialpanel.study.figure_output import figure_formats

    dpi = int(config.section("outputs")["dpi"])
    saved = figures.files
    all_tables: list[TableArtifact] = []
    described: list[dict[str, Any]] = []
    labels = ctx.labels
    for stage in stages:
        tables = []
        for table in stage.tables:
            shape = write_table_csv(table, root / "tables" / f"{table.key}.csv", labels=labels)
            all_tables.append(table)
            tables.append(
                {
                    "key": table.key,
                    "title": to_json(table.title),
                    "notes": [to_json(n) for n in table.notes],
                    **({"paper": table.paper} if table.paper is not None else {}),
                    "file": f"tables/{table.key}.csv",
                    "kind": table.kind,
                    **shape,
                }
            )
        figures_desc = [
            {
                "key": f.key,
                "title": to_json(f.title),
                "notes": [to_json(n) for n in f.notes],
                "files": saved[f.key],
                "data": data_file(f.key),
            }
            for f in stage.figures
        ]
        described.append(
            {
                "name": stage.name,
                "title": to_json(stage.title),
                "settings": _jsonable(stage.settings),
                "tables": tables,
                "figures": figures_desc,
                "sentences": [
                    {
                        "text": render(s.text, "en", labels),
                        "message": to_json(s.text),
                        "sources": list(s.sources),
                    }
                    for s in stage.sentences
                ],
            }
        )
    mark = provenance_mark(ctx.data_mark)
    study_cfg = config.section("study")
    _write_workbook(
        all_tables,
        root / "tables.xlsx",
        labels,
        lang=ctx.lang,
        title=str(study_cfg.get(f"title_{ctx.lang}") or study_cfg.get("title", "")),
        mark=render(mark, ctx.lang) if mark is not None else None,
    )
    study_info = {
        "title": study_cfg.get("title", ""),
        "titles": {
            "en": study_cfg.get("title", ""),
            **{k.removeprefix("title_"): v for k, v in study_cfg.items() if k.startswith("title_")},
        },
        "reference": config.section("study").get("reference", ""),
        "study_file": config.source_label,
        "study_sha256": config.text_hash,
        "synthetic": ctx.synthetic,
        "data_mark": ctx.data_mark,
        "seed": ctx.seed,
        "lang": ctx.lang,
        "parentheses": config.section("outputs").get("parentheses", "se"),
    }
    data_info = _jsonable(ctx.results.get("data_source", {}))
    versions = _versions()
    (root / "stages.json").write_text(
        json.dumps(
            {
                "study": study_info,
                "data": data_info,
                "versions": versions,
                "labels": labels.to_json(),
                "figure_output": {"formats": figure_formats(config), "dpi": dpi},
                "stages": described,
            },
            ensure_ascii=False,
            indent=2,
            sort_keys=False,
        )
        + "\n",
        encoding="utf-8",
    )
    return {
        "study": study_info,
        "data": data_info,
        "settings": {s.name: _jsonable(s.settings) for s in stages},
        "versions": versions,
    }


def _jsonable(value: Any) -> Any:
    """Convert numpy/pandas scalars and containers to plain JSON values."""
    import numpy as np

    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)
