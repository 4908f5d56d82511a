"""Page geometry of a printed table: orientation, font size and column widths.

Shared by the Word and LaTeX writers. Numbers never wrap: a numeric column is as wide as its
widest cell. Text columns (row labels, words) may wrap between words when the table would not fit
otherwise; they then share the room left by the numbers, short texts kept whole (:func:`fill`).
A table is tried portrait first: whole at the largest candidate size that fits, else with text
columns wrapping; then landscape, the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from spatialpanel.report.grid import Grid
from spatialpanel.report.measure import text_em, words_em

__all__ = ["Layout", "column_ems", "fill", "plan"]


@dataclass(frozen=True)
class Layout:
    """How a table is set.

    Attributes
    ----------
    landscape
        Whether the table needs a landscape page.
    size
        Font size in points.
    widths
        Column widths in points, padding included (stub columns first).
    wrapped
        Per column: whether it is narrower than its longest line (its text wraps).
    """

    landscape: bool
    size: float
    widths: tuple[float, ...]
    wrapped: tuple[bool, ...]


def column_ems(g: Grid) -> list[tuple[float, float]]:
    """Per column (stub first): (natural width, narrowest width) in em, padding excluded.

    The narrowest width of a text column is its longest word; of a numeric column, its widest
    cell. Header labels may wrap between words, never inside one.
    """
    n_stub = len(g.stub)
    texts: list[list[str]] = [[s] for s in g.stub] + [[] for _ in g.numeric]
    wraps = [True] * n_stub + [not num for num in g.numeric]
    for labels, cells in g.rows:
        for j, label in enumerate(labels):
            texts[j].append(label)
        for j, c in enumerate(cells):
            texts[n_stub + j].append(c.full)
    out = []
    for j, column in enumerate(texts):
        natural = max((text_em(t) for t in column), default=0.0)
        narrow = max((words_em(t) if wraps[j] else text_em(t) for t in column), default=0.0)
        out.append((natural, narrow))
    for runs in g.header:
        j = n_stub
        for text, span in runs:
            if span == 1:
                natural, narrow = out[j]
                out[j] = (max(natural, text_em(text)), max(narrow, words_em(text)))
            j += span
    return out


def fill(natural: Sequence[float], narrow: Sequence[float], available: float) -> tuple[float, ...]:
    """Widths between ``narrow`` and ``natural`` that sum to ``available``.

    Every column gets up to a common width ``t`` (found by bisection): columns narrower than
    ``t`` keep their natural width, the long texts share what is left.
    """

    def widths(t: float) -> list[float]:
        return [max(b, min(a, t)) for a, b in zip(natural, narrow, strict=True)]

    lo, hi = 0.0, max(natural, default=0.0)
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if sum(widths(mid)) <= available else (lo, mid)
    return tuple(widths(lo))


def plan(
    g: Grid,
    *,
    candidates: Sequence[tuple[bool, float]],
    portrait: float,
    landscape: float,
    pad: float,
    scale: float = 1.0,
) -> Layout | None:
    """The first candidate (landscape?, font size) at which ``g`` fits; None if none does.

    Parameters
    ----------
    g
        The table.
    candidates
        ``(landscape, font size in pt)`` in order of preference.
    portrait, landscape
        Text widths of the page in points.
    pad
        Padding of a column in points (cell margins plus a safety allowance).
    scale
        Width of the typeface relative to Times (1.0 for Times New Roman).
    """
    ems = column_ems(g)
    for turned in dict.fromkeys(t for t, _ in candidates):
        available = landscape if turned else portrait
        sizes = [size for t, size in candidates if t == turned]
        for size in sizes:  # every column whole, in the largest size that fits
            natural = [a * size * scale + pad for a, _ in ems]
            if sum(natural) <= available:
                return Layout(turned, size, tuple(natural), tuple(False for _ in ems))
        for size in sizes:  # else text columns wrap between words
            natural = [a * size * scale + pad for a, _ in ems]
            narrow = [b * size * scale + pad for _, b in ems]
            if sum(narrow) <= available:
                widths = fill(natural, narrow, available)
                wrapped = tuple(w < a - 1e-6 for w, a in zip(widths, natural, strict=True))
                return Layout(turned, size, widths, wrapped)
    return None
