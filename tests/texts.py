"""Test helper: the reader text of a stage's message (English unless told)."""

from __future__ import annotations

from spatialpanel.text import Labels, Text, render


def english(text: Text, labels: Labels | None = None, *, lang: str = "en") -> str:
    """``text`` rendered in ``lang`` with ``labels`` (identifiers without a label read as the
    derived default, e.g. ``gov_intervention`` -> "Gov intervention")."""
    return render(text, lang, labels)
