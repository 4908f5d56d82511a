"""Printed width of table text, for page geometry (Word column widths, LaTeX landscape choice).

Widths come from the advance widths of Times (Adobe's Times-Roman metrics, which Times New Roman
and Liberation Serif share) for ASCII, in em (the font size); 1 em for East Asian characters and
a generous 0.6 em for other characters (Greek letters, symbols).
"""

from __future__ import annotations

import math
import unicodedata
from functools import lru_cache

__all__ = ["line_count", "text_em", "unbroken", "words_em"]

_ASCII = "".join(chr(c) for c in range(32, 127))  # space to tilde
# Times-Roman advance widths in thousandths of an em (the Adobe core-font metrics)
_WIDTHS = (
    250, 333, 408, 500, 500, 833, 778, 333, 333, 333, 500, 564, 250, 333, 250, 278, 500, 500, 500,
    500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444, 921, 722, 667, 667, 722, 611,
    556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556, 611, 722, 722, 944, 722,
    722, 611, 333, 278, 333, 469, 500, 333, 444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500,
    278, 778, 500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444, 480, 200, 480, 541,
)  # fmt: skip
_EM = {ch: w / 1000 for ch, w in zip(_ASCII, _WIDTHS, strict=True)}
_EM.update({"·": 0.25, "−": 0.564, "–": 0.5, "—": 1.0, "²": 0.3, "³": 0.3, "×": 0.564})


def _char_em(ch: str) -> float:
    width = _EM.get(ch)
    if width is not None:
        return width
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.0
    return 0.6


@lru_cache(maxsize=1 << 16)
def text_em(text: str) -> float:
    """Width of ``text`` on one line, in em (cached: every table is measured for Word and for
    LaTeX, and its cells repeat)."""
    return sum(_char_em(ch) for ch in text)


@lru_cache(maxsize=1 << 16)
def words_em(text: str) -> float:
    """Width of the longest unbreakable piece of ``text`` (a word; a CJK character), in em
    (cached, as :func:`text_em`)."""
    widest = 0.0
    run = 0.0
    for ch in text:
        wide = unicodedata.east_asian_width(ch) in ("W", "F")
        if ch.isspace() or wide:
            widest = max(widest, run, 1.0 if wide else 0.0)
            run = 0.0
        else:
            run += _char_em(ch)
    return max(widest, run)


@lru_cache(maxsize=1 << 16)
def _pieces(text: str) -> tuple[tuple[float, float], ...]:
    """``(width, space before)`` of each unbreakable piece (a word, a CJK character), in em
    (cached: the layout of a table asks for the same texts at many widths)."""
    out: list[tuple[float, float]] = []
    run, space, pending = 0.0, 0.0, 0.0
    for ch in text:
        if ch.isspace():
            if run:
                out.append((run, space))
                run, space = 0.0, 0.0
            pending = _char_em(ch)
            space = max(space, pending)
        elif unicodedata.east_asian_width(ch) in ("W", "F"):
            if run:
                out.append((run, space))
                run, space = 0.0, 0.0
            out.append((1.0, space))
            space = 0.0
        else:
            run += _char_em(ch)
    if run:
        out.append((run, space))
    return tuple(out)


@lru_cache(maxsize=1 << 16)
def unbroken(text: str) -> tuple[int, float]:
    """``(paragraphs, widest)``: ``text`` takes one line per paragraph in every column at least
    ``widest`` em wide. ``widest`` is the largest width :func:`line_count` compares a column's
    width with while no line has broken (the same sums, in the same order), so the shortcut
    gives exactly the count of the full wrap (``-inf``: nothing can break)."""
    paragraphs = text.split("\n")
    widest = -math.inf
    for paragraph in paragraphs:
        used = 0.0
        for piece, space in _pieces(paragraph):
            if used:
                widest = max(widest, used + space + piece)
            used += (space if used else 0.0) + piece
    return len(paragraphs), widest


def line_count(text: str, width: float) -> int:
    """Lines ``text`` takes in a column ``width`` em wide, wrapped greedily between words (and
    between CJK characters), as a word processor does; explicit newlines start new lines. A
    piece wider than the column takes a line of its own."""
    paragraphs, widest = unbroken(text)
    if widest <= width:  # nothing breaks (the layout asks mostly of cells that fit)
        return paragraphs
    total = 0
    for paragraph in text.split("\n"):
        lines, used = 1, 0.0
        for piece, space in _pieces(paragraph):
            if used and used + space + piece > width:
                lines, used = lines + 1, piece
            else:
                used += (space if used else 0.0) + piece
        total += lines
    return total
