"""Typed data files: Stata ``.dta`` and SPSS ``.sav`` (pyreadstat), Parquet (pyarrow).

Each is read into a DataFrame whose columns are the file's variables, then checked by the same
layout, region, year and cell rules as a CSV file (:func:`~spatialpanel.data.readers.read_panel`);
messages name the file and the observation (1-based, as Stata's ``_n`` and SPSS's case number).

Variable labels (Stata ``label variable``, SPSS ``VARIABLE LABELS``) are returned as a mapping
column -> label: the study uses them as display labels. Value labels are applied to the region
column only (a numeric ``encode``-d province variable reads as its province names, audited);
other columns are read as stored, so that a labelled numeric variable stays a number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from spatialpanel.data.audit import AuditLog
from spatialpanel.data.grid import ENTITY_ALIASES
from spatialpanel.data.names import normalize_label

__all__ = ["COLUMNAR_SUFFIXES", "ColumnarFile", "read_columnar"]

COLUMNAR_SUFFIXES = {".dta": "stata", ".sav": "spss", ".zsav": "spss", ".parquet": "parquet"}
_KIND_NAMES = {"stata": "a Stata (.dta)", "spss": "an SPSS (.sav)", "parquet": "a Parquet"}


@dataclass(frozen=True)
class ColumnarFile:
    """A typed file's table, its variable labels and the file kind."""

    frame: pd.DataFrame
    labels: Mapping[str, str] = field(default_factory=dict)
    kind: str = "parquet"


def read_columnar(path: Path, *, file: str, entity: str, log: AuditLog) -> ColumnarFile:
    """Read a Stata, SPSS or Parquet file (see the module docstring).

    Raises
    ------
    DataError
        If the file cannot be read as its extension says.
    """
    from spatialpanel.errors import DataError

    kind = COLUMNAR_SUFFIXES[path.suffix.lower()]
    try:
        if kind == "parquet":
            return ColumnarFile(pd.read_parquet(path), {}, kind)
        import pyreadstat

        reader = pyreadstat.read_dta if kind == "stata" else pyreadstat.read_sav
        frame, meta = reader(str(path))
    except Exception as exc:  # any failure of the library on a bad file
        raise DataError(
            f"file {file!r} could not be read as {_KIND_NAMES[kind]} file ({type(exc).__name__}: "
            f"{exc}). It may be truncated or saved in another format under this extension: save "
            "it again from the program that made it."
        ) from exc
    labels = {
        str(col): str(label)
        for col, label in (meta.column_names_to_labels or {}).items()
        if label not in (None, "")
    }
    value_labels: Mapping[str, Mapping[Any, str]] = meta.variable_value_labels or {}
    wanted = normalize_label(entity).casefold()
    for col, mapping in value_labels.items():
        key = normalize_label(col).casefold()
        if col not in frame.columns or not (key == wanted or key in ENTITY_ALIASES):
            continue
        raw = frame[col]
        mapped = raw.map(lambda v, m=mapping: m.get(v, v))
        frame[col] = mapped.astype(object)
        log.add(
            "header",
            old=col,
            detail=f"region column {col!r} holds codes with value labels; the labels (e.g. "
            f"{next(iter(mapping.values()))!r}) are read as the region names: file {file!r}",
        )
    return ColumnarFile(frame, labels, kind)
