"""Reading a results folder written by :func:`spatialpanel.study.outputs.write_results`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from spatialpanel.errors import ConfigError

__all__ = ["SavedResults", "SavedTable", "load_results"]


@dataclass(frozen=True)
class SavedTable:
    """A table read back from disk."""

    key: str
    title: str
    frame: pd.DataFrame
    notes: tuple[str, ...]


@dataclass(frozen=True)
class SavedResults:
    """The description of a run (``stages.json``) with its tables loaded."""

    root: Path
    study: dict[str, Any]
    stages: list[dict[str, Any]]
    tables: dict[str, SavedTable]


def load_results(root: str | Path) -> SavedResults:
    """Load ``stages.json`` and every table of a results folder."""
    root = Path(root)
    desc = root / "stages.json"
    if not desc.is_file():
        raise ConfigError(
            f"{root} is not a spatialpanel results folder (no stages.json). Pass the folder that "
            "`spatialpanel run --out DIR` wrote."
        )
    data = json.loads(desc.read_text(encoding="utf-8"))
    tables: dict[str, SavedTable] = {}
    for stage in data["stages"]:
        for t in stage["tables"]:
            frame = pd.read_csv(
                root / t["file"],
                index_col=list(range(t["index_cols"])),
                header=list(range(t["header_rows"])),
                encoding="utf-8-sig",
            )
            tables[t["key"]] = SavedTable(t["key"], t["title"], frame, tuple(t["notes"]))
    return SavedResults(root=root, study=data["study"], stages=data["stages"], tables=tables)
