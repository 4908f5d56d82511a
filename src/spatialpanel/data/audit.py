"""The audit table: one row for every change the data layer makes to the input.

Every conversion of a cell that is not a plain number, every region label mapped to its code,
every ignored row, column or sheet, every dropped row and every filled cell gets one row, so that
nothing is changed or dropped silently. The table goes to the study's outputs.

Columns
-------
``step``
    What happened: ``"header"`` (a column recognised by a usual header such as 地区 or 年份
    instead of the name asked for), ``"region"`` (a region label mapped to its code),
    ``"convert"`` (a cell text turned into a number), ``"missing"`` (a missing-value marker
    read as a missing cell), ``"ignore"`` (a notes or title row, a sheet or a column not read),
    ``"drop"`` (a row dropped on request, e.g. a year outside the study), ``"fill"`` (a
    missing cell filled) or ``"check"`` (nothing changed: a value or a year flagged for the
    user to check, e.g. a year-on-year jump far above the variable's usual change).
``entity``, ``time``, ``variable``
    The region (code for China data), year and column concerned, or missing when the row is
    about something larger than a cell.
``old``, ``new``
    The value before and after (the cell's text, the filled number, ...).
``detail``
    A sentence saying what was done and where (file, sheet, row): a string, or a
    :class:`~spatialpanel.text.message.Message` that a report renders in its language (``str()`` of
    it is the English text).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

__all__ = ["AUDIT_COLUMNS", "AuditLog", "AuditStep", "empty_audit"]

#: The audit table's columns, in order.
AUDIT_COLUMNS: tuple[str, ...] = ("step", "entity", "time", "variable", "old", "new", "detail")

AuditStep = Literal["header", "region", "convert", "missing", "ignore", "drop", "fill", "check"]


def empty_audit() -> pd.DataFrame:
    """An audit table with no rows and the standard columns."""
    return pd.DataFrame({name: pd.Series(dtype=object) for name in AUDIT_COLUMNS})


@dataclass
class AuditLog:
    """Collects audit rows while a reader or a filler works; :meth:`frame` returns the table."""

    rows: list[tuple[object, ...]] = field(default_factory=list)

    def add(
        self,
        step: AuditStep,
        *,
        entity: object = None,
        time: object = None,
        variable: object = None,
        old: object = None,
        new: object = None,
        detail: object,
    ) -> None:
        """Append one row."""
        self.rows.append((step, entity, time, variable, old, new, detail))

    def frame(self) -> pd.DataFrame:
        """The rows collected so far as a DataFrame with
        :data:`~spatialpanel.data.audit.AUDIT_COLUMNS` (object dtype)."""
        if not self.rows:
            return empty_audit()
        return pd.DataFrame(self.rows, columns=list(AUDIT_COLUMNS), dtype=object)
