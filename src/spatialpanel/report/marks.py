"""The data mark: what every figure, table note, workbook sheet, report and results folder says
about where its numbers come from.

A study has one data mark (``StudyContext.data_mark``, ``"data_mark"`` in ``stages.json``). It
comes from the data's metadata: a bundled dataset's ``"mark"`` (the demonstration panel and the
city panel are ``"synthetic"``, the NBS provinces ``"real-reduced"``) or a ``NAME.meta.json``
beside the user's data file; the study file's ``[data] mark`` may make it more cautious, never
less (see :func:`spatialpanel.study.context.resolve_data_mark`). The vocabulary
(:data:`spatialpanel.data.bundled.MARKS`):

=================== ===========================================================================
mark                what the outputs say
=================== ===========================================================================
``"synthetic"``     "Synthetic data (demonstration), not official statistics" (figures, sheets,
                    README.txt); "Synthetic data." (table and figure notes); the report's banner
``"real-reduced"``  "Real data, reduced indicator system" (figures, sheets, README.txt, notes);
                    the report's banner
``"real"`` / None   nothing (the user's own data)
=================== ===========================================================================

Each mark is a :mod:`spatialpanel.text` message, so it is rendered in the reader's language.
"""

from __future__ import annotations

from spatialpanel.data.bundled import MARKS
from spatialpanel.text import Message, msg

__all__ = ["MARK_NOTES", "PROVENANCES", "mark_notes", "provenance_mark"]

#: The marks printed on figures, sheets and ``README.txt`` (``None``: no mark).
PROVENANCES: dict[str, Message | None] = {
    "synthetic": msg("Synthetic data (demonstration), not official statistics"),
    "real-reduced": msg("Real data, reduced indicator system"),
    "real": None,
}

#: The note every table and figure of a study carries, by its data mark.
MARK_NOTES: dict[str, Message] = {
    "synthetic": msg("Synthetic data."),
    "real-reduced": msg("Real data, reduced indicator system."),
}


def _known(mark: str | None) -> str | None:
    if mark is not None and mark not in PROVENANCES:
        raise ValueError(f"data mark {mark!r} is not known; use one of {', '.join(MARKS)}.")
    return mark


def provenance_mark(mark: str | None) -> Message | None:
    """The mark printed on figures, sheets and ``README.txt`` for the data mark ``mark``
    (``None`` for ``"real"`` or no mark).

    Raises
    ------
    ValueError
        For a mark not in :data:`spatialpanel.data.bundled.MARKS`.
    """
    known = _known(mark)
    return None if known is None else PROVENANCES[known]


def mark_notes(mark: str | None) -> tuple[Message, ...]:
    """The table and figure note of the data mark ``mark`` (none for the user's own data)."""
    known = _known(mark)
    return (MARK_NOTES[known],) if known in MARK_NOTES else ()
