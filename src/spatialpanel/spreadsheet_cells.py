"""Text cells that a spreadsheet would evaluate, made inert (and back).

Excel and LibreOffice evaluate a cell typed or imported as text when it starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return (a variable named ``=2+5+cmd|' /C calc'!A0`` is
a formula). The results folder stores such cells as text in the workbook and with a leading
``'`` in the CSV files (:func:`spreadsheet_text`); numbers, negative ones included, stay
numbers, and so does text that is just a number. The report reads the CSV files back through
:func:`unspreadsheet_text`, which undoes the prefix exactly. The module knows nothing of studies
or reports (both use it).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

__all__ = [
    "TRIGGERS",
    "map_text_cells",
    "spreadsheet_frame",
    "spreadsheet_text",
    "unspreadsheet_text",
]

#: First characters that make Excel/LibreOffice evaluate a cell typed or imported as text.
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _numeric_text(text: str) -> bool:
    """A plain decimal number (``-1.5``, ``+3``, ``2e-4``): a spreadsheet reads it as a number."""
    return _NUMBER.fullmatch(text) is not None


def spreadsheet_text(value: object) -> object:
    """A text cell made inert for spreadsheets: ``'`` before a formula trigger (``= + - @``,
    tab, carriage return) and before a leading ``'`` (so the prefix can be undone exactly, see
    :func:`unspreadsheet_text`). Numbers, and text that is just a number (``"-1.5"``), are
    returned unchanged."""
    if not isinstance(value, str) or not value:
        return value
    if value[0] == "'" or (value[0] in TRIGGERS and not _numeric_text(value)):
        return "'" + value
    return value


def unspreadsheet_text(value: object) -> object:
    """Undo :func:`spreadsheet_text` (for reading our own CSV files back)."""
    if isinstance(value, str) and value[:1] == "'":
        return value[1:]
    return value


def spreadsheet_frame(frame: Any) -> Any:
    """A copy of a DataFrame with :func:`spreadsheet_text` applied to text cells, index labels
    and column labels (every level); numeric columns are not touched."""
    return map_text_cells(frame.copy(), spreadsheet_text)


def map_text_cells(frame: Any, fn: Callable[[object], object]) -> Any:
    """Apply ``fn`` to the text columns and the (text) labels of every index level of a
    DataFrame, in place; returns the frame.

    A column or index of strings that ``fn`` leaves as they are is kept as it is: built again
    from the same strings it would be the same (most cells need no prefix, written or read).
    """
    import numpy as np
    import pandas as pd

    strings = pd.Series(["a"]).dtype  # what pandas makes of strings ("str")
    rebuilt_alike = (strings, np.dtype("int64"), np.dtype("float64"))  # from a list of values

    def text(values: Any) -> bool:
        return not (
            pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values)
        )

    def same(dtype: Any, old: list[object], new: list[object]) -> bool:
        """Whether values ``new`` (``fn`` of ``old``) make again the column or index they come
        from: ``fn`` changed none, and they are strings (at least one: pandas would not call a
        column without any ``str``)."""
        return (
            dtype == strings
            and all(a is b for a, b in zip(old, new, strict=True))
            and any(isinstance(v, str) for v in old)
        )

    def labels(index: pd.Index) -> pd.Index:
        if isinstance(index, pd.MultiIndex):
            levels = [labels(level) for level in index.levels]
            if all(
                new is old and old.dtype in rebuilt_alike
                for new, old in zip(levels, index.levels, strict=True)
            ):
                return index
            return index.set_levels([list(level) for level in levels])
        if text(index):
            old = list(index)
            new = [fn(v) for v in old]
            return index if same(index.dtype, old, new) else pd.Index(new, name=index.name)
        return index

    for j, dtype in enumerate(frame.dtypes.tolist()):  # by position (labels may repeat)
        if text(dtype):
            old = frame.iloc[:, j].tolist()
            new = [fn(v) for v in old]
            if not same(dtype, old, new):
                frame.isetitem(j, pd.Series(new, index=frame.index))
    frame.index = labels(frame.index)
    frame.columns = labels(frame.columns)
    return frame
