"""Messages inside tables: cells that are reader text with parameters (a formula with numbers,
a verdict, a list of regions).

A stage may put a :class:`~spatialpanel.text.message.Message` (or a
:class:`~spatialpanel.text.message.TextList` or :class:`~spatialpanel.text.message.Label`) into an
object cell of a table. :func:`split_cells` gives the table with those cells rendered in English
(for the CSV and the workbook, which keep identifiers and English text) and the messages by position
(for ``stages.json``); :func:`apply_cells` puts them back, rendered in a reader's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from spatialpanel.text.labels import Labels
from spatialpanel.text.message import Label, Message, TextList, from_json, to_json
from spatialpanel.text.render import render

__all__ = ["apply_cells", "split_cells"]

_TEXT = (Message, TextList, Label)
_OBJECT = np.dtype(object)


def split_cells(
    frame: pd.DataFrame, labels: Labels | None = None
) -> tuple[pd.DataFrame, list[Any]]:
    """``frame`` with its message cells in English, and ``[[row, column, message], ...]``
    (positions, JSON form) of those cells; ``frame`` itself when it has none."""
    cells: list[Any] = []
    out = frame
    for j, dtype in enumerate(frame.dtypes.tolist()):  # by position (labels may repeat)
        if dtype != _OBJECT:  # numpy's object dtype only (not pandas' str)
            continue
        column = frame.iloc[:, j]
        hits = [i for i, v in enumerate(column.tolist()) if isinstance(v, _TEXT)]
        if not hits:
            continue
        if out is frame:
            out = frame.copy()
        values = column.tolist()
        for i in hits:
            cells.append([i, j, to_json(values[i])])
            values[i] = render(values[i], "en", labels)
        out.isetitem(j, pd.Series(values, index=frame.index, dtype=object).to_numpy())
    return out, cells


def apply_cells(
    frame: pd.DataFrame, cells: Sequence[Any], lang: str, labels: Labels | None = None
) -> pd.DataFrame:
    """A copy of ``frame`` with the message cells of :func:`split_cells` rendered in ``lang``
    (``frame`` itself is not changed)."""
    out = frame.copy()
    rendered: dict[int, dict[int, str]] = {}
    for i, j, data in cells:
        rendered.setdefault(int(j), {})[int(i)] = render(from_json(data), lang, labels)
    for j, texts in sorted(rendered.items()):  # a column at a time, not cell by cell
        values = out.iloc[:, j].astype(object).to_numpy(copy=True)
        for i, text in texts.items():
            values[i] = text
        out.isetitem(j, values)
    return out
