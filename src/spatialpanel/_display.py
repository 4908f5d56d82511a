"""Notebook display of results objects: ``to_frame()`` as a DataFrame, ``_repr_html_`` as its
HTML table under the object's name (Jupyter shows it when the object is the cell's value)."""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

__all__ = ["FrameDisplay"]


class FrameDisplay:
    """Mixin for results objects that define ``to_frame()``."""

    def to_frame(self) -> pd.DataFrame:  # pragma: no cover - every user overrides it
        raise NotImplementedError

    def _repr_html_(self) -> str:
        frame: Any = self.to_frame()
        title = html.escape(type(self).__name__)
        return f"<div><p><strong>{title}</strong></p>{frame.to_html()}</div>"
