"""The data-provenance mark: what every figure, workbook sheet and results folder says about
where its numbers come from.

The mark is chosen by the study's data provenance (``[data] provenance`` in the study file, or
``"synthetic"`` for the bundled demonstration panel), never by the study's name:

================== ===========================================================================
provenance         mark
================== ===========================================================================
``"synthetic"``    "Synthetic data (demonstration), not official statistics"
``"real_reduced"`` "Real data, reduced indicator system"
``"real"``         none (the user's own data)
================== ===========================================================================

Each mark is a :mod:`spatialpanel.text` message, so it is rendered in the figure's language.
"""

from __future__ import annotations

from spatialpanel.text import Message, msg

__all__ = ["PROVENANCES", "provenance_mark"]

#: The known provenances and their marks (``None``: no mark).
PROVENANCES: dict[str, Message | None] = {
    "synthetic": msg("Synthetic data (demonstration), not official statistics"),
    "real_reduced": msg("Real data, reduced indicator system"),
    "real": None,
}


def provenance_mark(provenance: str | None) -> Message | None:
    """The mark of ``provenance`` (``None`` for ``"real"`` or no provenance).

    Raises
    ------
    ValueError
        For a provenance not in :data:`PROVENANCES`.
    """
    if provenance is None:
        return None
    if provenance not in PROVENANCES:
        raise ValueError(
            f"provenance={provenance!r} is not known; use one of {', '.join(PROVENANCES)}."
        )
    return PROVENANCES[provenance]
