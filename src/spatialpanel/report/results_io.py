"""Reading a results folder (``stages.json`` and the CSV tables) back for the report.

Texts come back as messages (:mod:`spatialpanel.text`), tables as frames with identifiers; the
report localises both (:mod:`spatialpanel.report.localise`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from spatialpanel.errors import ResultsError
from spatialpanel.results_folder import inside
from spatialpanel.spreadsheet_cells import map_text_cells, unspreadsheet_text
from spatialpanel.text import Labels, Text, from_json

__all__ = [
    "STAGE_ORDER",
    "Numbering",
    "SavedResults",
    "SavedTable",
    "load_results",
    "numbering",
    "ordered_stages",
    "texts",
]


@dataclass(frozen=True)
class SavedTable:
    """A table read back from disk.

    ``kind`` is ``"data"`` or ``"regression"`` (a numeric payload, see
    :mod:`spatialpanel.report.regression`); ``cells`` are the positions and messages of its
    message cells (``[row, column, message]``, see :func:`spatialpanel.text.frames.split_cells`);
    ``paper`` the paper's table number.
    """

    key: str
    title: Text
    frame: pd.DataFrame
    notes: tuple[Text, ...]
    kind: str = "data"
    paper: int | None = None
    cells: tuple[Any, ...] = ()


@dataclass(frozen=True)
class SavedResults:
    """The description of a run (``stages.json``) with its tables loaded.

    In ``stages``, titles, notes and sentences (``"message"``) are messages (or plain strings).
    """

    root: Path
    study: dict[str, Any]
    stages: list[dict[str, Any]]
    tables: dict[str, SavedTable]
    data: dict[str, Any] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    labels: Labels = field(default_factory=Labels)
    figure_output: dict[str, Any] = field(default_factory=dict)  # figure formats and dpi


_MAX_LEVELS = 16  # index columns / header rows of a saved table (ours have at most 3)


def texts(values: Any) -> tuple[Text, ...]:
    """Messages (or plain strings) from their JSON forms."""
    return tuple(from_json(v) for v in values or ())


def load_results(root: str | Path) -> SavedResults:
    """Load ``stages.json`` and every table of a results folder.

    Every path read from ``stages.json`` is resolved and checked to stay inside the folder
    (:func:`spatialpanel.results_folder.inside`).

    Raises
    ------
    ResultsError
        When ``stages.json`` is missing, unreadable or not as ``spatialpanel run`` writes it,
        or names a file outside the folder.
    """
    root = Path(root)
    desc = root / "stages.json"
    if not desc.is_file():
        raise ResultsError(
            f"{root} is not a spatialpanel results folder (no stages.json). Pass the folder that "
            "`spatialpanel run --out DIR` wrote."
        )
    try:
        data = json.loads(desc.read_text(encoding="utf-8"))
        tables: dict[str, SavedTable] = {}
        stages = []
        for stage in data["stages"]:
            for t in stage["tables"]:
                levels = (t["index_cols"], t["header_rows"])
                if not all(isinstance(v, int) and 0 < v <= _MAX_LEVELS for v in levels):
                    raise ValueError(f"table {t['key']!r}: bad index_cols/header_rows {levels}")
                frame = pd.read_csv(
                    inside(root, t["file"], what=f"file of table {t['key']!r}"),
                    index_col=list(range(t["index_cols"])),
                    header=list(range(t["header_rows"])),
                    encoding="utf-8-sig",
                )
                frame = _unescaped(frame)
                kind = str(t.get("kind", "data"))
                if kind == "regression":
                    frame = _numbers(frame)
                tables[t["key"]] = SavedTable(
                    t["key"],
                    from_json(t["title"]),
                    frame,
                    texts(t["notes"]),
                    kind=kind,
                    paper=t.get("paper"),
                    cells=tuple(t.get("cells") or ()),
                )
            stages.append(_messages(stage))
        return SavedResults(
            root=root,
            study=data["study"],
            stages=stages,
            tables=tables,
            data=dict(data.get("data") or {}),
            versions={str(k): str(v) for k, v in (data.get("versions") or {}).items()},
            labels=Labels.from_json(data.get("labels")),
            figure_output=dict(data.get("figure_output") or {}),
        )
    except (KeyError, TypeError, ValueError, UnicodeDecodeError) as exc:
        if isinstance(exc, ResultsError):
            raise
        raise ResultsError(
            f"{desc} is not as `spatialpanel run` writes it ({type(exc).__name__}: {exc}). "
            "Rerun `spatialpanel run STUDY --out DIR`."
        ) from None


def _unescaped(frame: pd.DataFrame) -> pd.DataFrame:
    """Undo the spreadsheet-safety prefix of text cells and labels (see
    :func:`spatialpanel.spreadsheet_cells.spreadsheet_text`)."""
    out: pd.DataFrame = map_text_cells(frame, unspreadsheet_text)
    return out


def _numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """A regression payload read back: numbers as floats where a column also holds text.

    A payload column holds the coefficients and, in its statistic rows, the settings
    (``twoway``, ``elhorst``), so CSV reads it as text; every cell that is a number becomes one.
    """
    columns = {}
    for j in range(frame.shape[1]):
        series = frame.iloc[:, j]
        if not pd.api.types.is_numeric_dtype(series):
            series = pd.Series([_number(v) for v in series], index=frame.index, dtype=object)
        columns[j] = series
    out = pd.concat(columns, axis=1)
    out.columns = frame.columns
    return out


def _number(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


def _messages(stage: dict[str, Any]) -> dict[str, Any]:
    """A stage of ``stages.json`` with its texts as messages."""
    return {
        **stage,
        "title": from_json(stage["title"]),
        "tables": [
            {**t, "title": from_json(t["title"]), "notes": texts(t.get("notes"))}
            for t in stage.get("tables", [])
        ],
        "figures": [
            {**f, "title": from_json(f["title"]), "notes": texts(f.get("notes"))}
            for f in stage.get("figures", [])
        ],
        "sentences": [
            {**x, "message": from_json(x.get("message", x.get("text", "")))}
            for x in stage.get("sentences", [])
        ],
    }


#: The paper's order of the study's sections; stages not listed follow, in the order of the run.
STAGE_ORDER: tuple[str, ...] = (
    "data",
    "indices",
    "evolution",
    "weights",
    "autocorrelation",
    "maps",
    "model",
    "robustness",
    "specification",
    "dynamic",
    "disparity",
)


def ordered_stages(saved: SavedResults) -> list[dict[str, Any]]:
    """The stages of a run in the paper's order (:data:`STAGE_ORDER`), others after them."""
    rank = {name: i for i, name in enumerate(STAGE_ORDER)}
    indexed = list(enumerate(saved.stages))
    indexed.sort(key=lambda item: (rank.get(item[1]["name"], len(rank)), item[0]))
    return [stage for _, stage in indexed]


@dataclass(frozen=True)
class Numbering:
    """Report-wide numbers of the sections, tables and figures, in the order they appear."""

    tables: dict[str, int]
    figures: dict[str, int]
    sections: dict[str, int] = field(default_factory=dict)


def numbering(saved: SavedResults) -> Numbering:
    """Number tables and figures 1, 2, ... in the report's (paper's) order."""
    tables: dict[str, int] = {}
    figures: dict[str, int] = {}
    sections: dict[str, int] = {}
    for stage in ordered_stages(saved):
        sections.setdefault(stage["name"], len(sections) + 1)
        for t in stage["tables"]:
            tables.setdefault(t["key"], len(tables) + 1)
        for f in stage["figures"]:
            figures.setdefault(f["key"], len(figures) + 1)
    return Numbering(tables=tables, figures=figures, sections=sections)
