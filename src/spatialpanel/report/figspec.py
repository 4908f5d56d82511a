"""Figures as data: what a stage hands over instead of a drawn matplotlib figure.

A :class:`FigureSpec` names a drawer (see :mod:`spatialpanel.report.drawers`), the data it draws
(pandas frames and series, saved exactly in the results folder as ``figures/data/KEY.json``) and
its reader texts (:mod:`spatialpanel.text` messages and labels, rendered per language when the
figure is drawn). Geometry is not stored: a map names its region set and the drawer reloads it.
So ``spatialpanel report DIR --lang zh`` draws the Chinese figures from the saved data, without
refitting, and the English figures are drawn from the very same data.

File names of drawn figures depend on the language through one function, :func:`figure_file`:
English figures are ``figures/KEY.png``, the others carry the language before the extension
(``figures/KEY.zh.png``), like every other file of the results folder.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from spatialpanel.text import Label, Message, TextList, from_json, to_json

__all__ = [
    "FigureSpec",
    "FigureText",
    "figure_file",
    "frame_from_json",
    "frame_to_json",
    "read_spec",
    "write_spec",
]

#: A reader text of a figure: a message, a label or a plain string (shown as it is).
FigureText: TypeAlias = str | int | Message | Label | TextList
#: The texts of a figure: a text, a list of texts, or texts by name (e.g. per line of a plot).
TextValue: TypeAlias = FigureText | Sequence[FigureText] | Mapping[str, FigureText] | None

_FORMAT = 1  # version of the figures/data/KEY.json layout


@dataclass(frozen=True)
class FigureSpec:
    """A figure as data: drawer, data, texts and options.

    Attributes
    ----------
    drawer
        The drawer's name in :data:`spatialpanel.report.drawers.DRAWERS` (``"map"``,
        ``"moran_scatter"``, ``"trends"``, ``"dagum"``, ``"kde_curves"``, ``"kde_surface"``,
        ``"sigma"``).
    data
        Name -> DataFrame or Series the drawer reads (numbers exactly as computed).
    texts
        Name -> reader text (a :class:`~spatialpanel.text.Message`, a
        :class:`~spatialpanel.text.Label`, a plain string), a list of texts or texts by name;
        ``None`` for an absent text.
    options
        Name -> JSON value (numbers, strings, booleans, lists, string-keyed dicts) that is no
        reader text: a colour map, the number of panels a row, a region set's name.
    mark
        The data-provenance mark printed under the figure (see :mod:`spatialpanel.report.marks`),
        or ``None``.
    """

    drawer: str
    data: Mapping[str, pd.DataFrame | pd.Series] = field(default_factory=dict)
    texts: Mapping[str, TextValue] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)
    mark: FigureText | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON form (what ``figures/data/KEY.json`` holds)."""
        return {
            "spatialpanel_figure": _FORMAT,
            "drawer": self.drawer,
            "options": _plain(dict(self.options), "options"),
            "texts": {k: _texts_to_json(v) for k, v in self.texts.items()},
            "mark": None if self.mark is None else to_json(self.mark),
            "data": {k: frame_to_json(v) for k, v in self.data.items()},
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> FigureSpec:
        """The spec of :meth:`to_json`'s output."""
        if doc.get("spatialpanel_figure") != _FORMAT:
            raise ValueError(
                f"not a spatialpanel figure description (format {doc.get('spatialpanel_figure')!r},"
                f" expected {_FORMAT})"
            )
        mark = doc.get("mark")
        return cls(
            drawer=str(doc["drawer"]),
            data={str(k): frame_from_json(v) for k, v in doc.get("data", {}).items()},
            texts={str(k): _texts_from_json(v) for k, v in doc.get("texts", {}).items()},
            options=dict(doc.get("options") or {}),
            mark=None if mark is None else from_json(mark),
        )


def figure_file(key: str, fmt: str, lang: str = "en", *, web: bool = False) -> str:
    """The file of figure ``key`` in format ``fmt`` and language ``lang``, relative to the results
    folder: ``figures/KEY.png`` in English, ``figures/KEY.zh.png`` in Chinese (the language
    before the extension, as every file of another language), ``figures/web/KEY[.zh].png`` for the
    copy embedded in the HTML and Word reports (``web=True``)."""
    suffix = "" if lang == "en" else f".{lang}"
    folder = "figures/web" if web else "figures"
    return f"{folder}/{key}{suffix}.{fmt}"


def data_file(key: str) -> str:
    """The data of figure ``key`` relative to the results folder (one file, every language)."""
    return f"figures/data/{key}.json"


def write_spec(spec: FigureSpec, path: Path) -> None:
    """Write ``spec`` as JSON to ``path`` (deterministic bytes: the same spec, the same file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(spec.to_json(), ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")


def read_spec(path: Path) -> FigureSpec:
    """The spec written by :func:`write_spec`."""
    return FigureSpec.from_json(json.loads(path.read_text(encoding="utf-8")))


# --------------------------------------------------------------------------- texts
def _texts_to_json(value: TextValue) -> Any:
    if value is None:
        return None
    if isinstance(value, Mapping):
        return {"map": {str(k): to_json(v) for k, v in value.items()}}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [to_json(v) for v in value]
    return to_json(value)


def _texts_from_json(value: Any) -> TextValue:
    if value is None:
        return None
    if isinstance(value, list):
        return [from_json(v) for v in value]
    if isinstance(value, Mapping) and "map" in value:
        return {str(k): from_json(v) for k, v in value["map"].items()}
    result: FigureText = from_json(value)
    return result


def _plain(value: Any, where: str) -> Any:
    """``value`` as plain JSON (numpy scalars converted); anything else is refused by name."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v, f"{where}[{k!r}]") for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v, where) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"figure {where} = {value!r}: options must be plain JSON values.")


# --------------------------------------------------------------------------- frames
def _encode(values: Any) -> dict[str, Any]:
    """One column (or index level) as ``{"dtype": ..., "values": [...]}``, exactly.

    Floats are written with Python's shortest round-trip representation; NaN as ``null``.
    """
    arr = np.asarray(values)
    kind = arr.dtype.kind
    if kind == "f":
        out = [None if not math.isfinite(v) else float(v) for v in arr.tolist()]
        if any(math.isinf(v) for v in arr.tolist() if isinstance(v, float)):
            raise ValueError("figure data holds an infinite value")
        return {"dtype": "float", "values": out}
    if kind in "iu":
        return {"dtype": "int", "values": [int(v) for v in arr.tolist()]}
    if kind == "b":
        return {"dtype": "bool", "values": [bool(v) for v in arr.tolist()]}
    items = []
    for v in arr.tolist():
        if isinstance(v, np.generic):
            v = v.item()
        if isinstance(v, float) and not math.isfinite(v):
            v = None
        if v is not None and not isinstance(v, str | int | float | bool):
            v = str(v)
        items.append(v)
    return {"dtype": "object", "values": items}


def _decode(column: Mapping[str, Any]) -> np.ndarray:
    dtype, values = column["dtype"], column["values"]
    if dtype == "float":
        return np.array([np.nan if v is None else v for v in values], dtype=float)
    if dtype == "int":
        return np.array(values, dtype=np.int64)
    if dtype == "bool":
        return np.array(values, dtype=bool)
    out = np.empty(len(values), dtype=object)
    out[:] = [np.nan if v is None else v for v in values]
    return out


def _index_to_json(index: pd.Index) -> dict[str, Any]:
    levels = (
        [index.get_level_values(i) for i in range(index.nlevels)]
        if isinstance(index, pd.MultiIndex)
        else [index]
    )
    return {
        "names": [None if n is None else str(n) for n in index.names],
        "levels": [_encode(level) for level in levels],
    }


def _index_from_json(doc: Mapping[str, Any]) -> pd.Index:
    levels = [_decode(level) for level in doc["levels"]]
    names = list(doc["names"])
    if len(levels) == 1:
        return pd.Index(levels[0], name=names[0])
    return pd.MultiIndex.from_arrays(levels, names=names)


def frame_to_json(obj: pd.DataFrame | pd.Series) -> dict[str, Any]:
    """A DataFrame or Series as JSON that :func:`frame_from_json` reads back exactly (values,
    dtypes of float/int/bool/text columns, index and column labels, MultiIndex levels)."""
    if isinstance(obj, pd.Series):
        return {
            "kind": "series",
            "name": None if obj.name is None else str(obj.name),
            "index": _index_to_json(obj.index),
            "values": _encode(obj.to_numpy()),
        }
    return {
        "kind": "frame",
        "index": _index_to_json(obj.index),
        "columns": _index_to_json(obj.columns),
        "data": [_encode(obj.iloc[:, j].to_numpy()) for j in range(obj.shape[1])],
    }


def frame_from_json(doc: Mapping[str, Any]) -> pd.DataFrame | pd.Series:
    """The DataFrame or Series of :func:`frame_to_json`'s output."""
    index = _index_from_json(doc["index"])
    if doc["kind"] == "series":
        return pd.Series(_decode(doc["values"]), index=index, name=doc.get("name"))
    columns = _index_from_json(doc["columns"])
    data = {j: _decode(col) for j, col in enumerate(doc["data"])}
    frame = pd.DataFrame(data, index=index)
    frame.columns = columns
    return frame
