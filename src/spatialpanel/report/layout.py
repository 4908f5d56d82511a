"""Page geometry of a printed table: orientation, font size and column widths.

Shared by the Word and LaTeX writers. Numbers never wrap: a numeric column is as wide as its
widest cell. Text columns (row labels, words) may wrap between words when the table would not fit
otherwise; they then share the room left by the numbers so that the table is as short as it
can be (:func:`fill`: a long formula gets the room it needs, a short label stays whole when it
can). A table is tried portrait first: whole at the largest candidate size that fits, else with
text columns wrapping; then landscape, the same way.

The row labels of a regression table never wrap while any candidate fits them whole (a wrapped
label would push the standard error away from its coefficient); only header labels of the models
may. Where even that fails, :func:`pair_labels` splits a long label over the coefficient's row and
the standard error's, so that the pair stays together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from spatialpanel.report.grid import Grid, column_texts
from spatialpanel.report.measure import line_count, text_em, unbroken, words_em

__all__ = ["Layout", "column_ems", "fill", "pair_labels", "plan"]


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


def fill(
    natural: Sequence[float],
    narrow: Sequence[float],
    available: float,
    *,
    texts: Sequence[Sequence[str]] | None = None,
    em: float = 1.0,
    pad: float = 0.0,
) -> tuple[float, ...]:
    """Widths between ``narrow`` and ``natural`` that fit in ``available``.

    Without ``texts``: every column gets up to a common width ``t`` (found by bisection), the
    long texts share what is left. With ``texts`` (per column, its strings, one per printed row,
    header first; ``em`` points per em, ``pad`` points of padding per column): every column
    starts at its narrowest width, and the room left goes, a step at a time, to the column where
    it saves the most lines per point — the table gets as short as it can (the sum over rows of
    their tallest cell), then, with what is left, as few broken labels as it can.
    """
    if texts is None:
        return _common_cap(natural, narrow, available)
    widths = [float(b) for b in narrow]
    left = available - sum(widths)
    n_rows = max((len(t) for t in texts), default=0)

    known: dict[tuple[int, float], tuple[int, ...]] = {}
    columns = [list(t) + [""] * (n_rows - len(t)) for t in texts]
    whole = [[unbroken(t) for t in column] for column in columns]  # (lines, fits from)

    def lines(j: int, width: float) -> tuple[int, ...]:
        # the same trial widths come back at every step for the columns that did not grow
        key = (j, width)
        if key not in known:
            w = (width - pad) / em
            known[key] = tuple(
                n if fits <= w else line_count(t, w)
                for t, (n, fits) in zip(columns[j], whole[j], strict=True)
            )
        return known[key]

    counts = [lines(j, w) for j, w in enumerate(widths)]
    others: list[list[int]] = []  # per column j: the tallest other cell of every row
    total = 0

    def refresh() -> None:
        nonlocal total
        total = sum(map(sum, counts))
        if len(counts) < 2:
            others[:] = [[1] * n_rows for _ in counts]
            return
        # the tallest other cell of a row is the row's tallest cell, but for the (first) column
        # that holds it, the tallest of the rest
        tallest, where, rest = [], [], []
        for row in zip(*counts, strict=True):
            top = max(row)
            k = row.index(top)
            tallest.append(top)
            where.append(k)
            rest.append(max(row[:k] + row[k + 1 :]))
        others[:] = [
            [rest[i] if where[i] == j else tallest[i] for i in range(n_rows)]
            for j in range(len(counts))
        ]

    def cost(j: int, column: tuple[int, ...]) -> float:
        tallest = sum(map(max, column, others[j]))
        return tallest + 1e-3 * (total - sum(counts[j]) + sum(column))

    refresh()

    step = max(available / 500, 0.5)
    while left > 1e-6:
        current = cost(0, counts[0]) if counts else 0.0
        best: tuple[float, int, float, tuple[int, ...]] | None = None
        for j in range(len(widths)):
            room = min(natural[j] - widths[j], left)
            extra = 0.0
            while room > 1e-9 and extra < room:
                extra = min(extra + step, room)
                trial = lines(j, widths[j] + extra)
                if trial == counts[j]:  # no cell is shorter: the cost is the current one
                    continue
                gain = current - cost(j, trial)
                if gain > 1e-9:
                    if best is None or gain / extra > best[0]:
                        best = (gain / extra, j, extra, trial)
                    break
        if best is None:
            break
        _, j, extra, trial = best
        widths[j] += extra
        counts[j] = trial
        left -= extra
        refresh()
    return tuple(widths)


def _common_cap(
    natural: Sequence[float], narrow: Sequence[float], available: float
) -> tuple[float, ...]:
    def widths(t: float) -> list[float]:
        return [max(b, min(a, t)) for a, b in zip(natural, narrow, strict=True)]

    lo, hi = 0.0, max(natural, default=0.0)
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if sum(widths(mid)) <= available else (lo, mid)
    return tuple(widths(lo))


def pair_labels(g: Grid, layout: Layout, *, pad: float, scale: float = 1.0) -> Grid:
    """A regression grid whose wrapped row labels are split over the coefficient's row and the
    standard error's row beneath (the words that fit on the first line, the rest below), so
    that a coefficient and its standard error stay side by side with their label. Other grids,
    and grids whose labels are whole, are returned as they are."""
    if not g.regression or not g.stub or not layout.wrapped[0]:
        return g
    width = (layout.widths[0] - pad) / (layout.size * scale)
    rows = list(g.rows)
    for r in range(len(rows) - 1):
        (label, *rest), cells = rows[r]
        below, below_cells = rows[r + 1]
        if below[0] or not label or line_count(label, width) < 2:
            continue
        words = label.split(" ")
        cut = max(
            (k for k in range(1, len(words)) if text_em(" ".join(words[:k])) <= width), default=1
        )
        rows[r] = ((" ".join(words[:cut]), *rest), cells)
        rows[r + 1] = ((" ".join(words[cut:]), *below[1:]), below_cells)
    return replace(g, rows=tuple(rows))


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
    texts = column_texts(g)
    passes = [ems]
    if g.regression:  # row labels whole first: a wrapped label parts a coefficient from its se
        whole = [(a, a) if j < len(g.stub) else (a, b) for j, (a, b) in enumerate(ems)]
        passes = [whole, ems]
    for k, columns in enumerate(passes):
        for turned in dict.fromkeys(t for t, _ in candidates):
            available = landscape if turned else portrait
            sizes = [size for t, size in candidates if t == turned]
            for size in sizes if k == 0 else ():  # every column whole, in the largest size
                natural = [a * size * scale + pad for a, _ in columns]
                if sum(natural) <= available:
                    return Layout(turned, size, tuple(natural), tuple(False for _ in columns))
            for size in sizes:  # else text columns wrap between words
                natural = [a * size * scale + pad for a, _ in columns]
                narrow = [b * size * scale + pad for _, b in columns]
                if sum(narrow) <= available:
                    widths = fill(natural, narrow, available, texts=texts, em=size * scale, pad=pad)
                    wrapped = tuple(w < a - 1e-6 for w, a in zip(widths, natural, strict=True))
                    return Layout(turned, size, widths, wrapped)
    return None
