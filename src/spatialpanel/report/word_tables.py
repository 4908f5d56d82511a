"""Word tables as WordprocessingML: one ``<w:tbl>`` string per table, parsed once (python-docx's
cell-by-cell construction took ~10 s for the demo's 63 tables).

Three-line (booktabs) rules, a header repeated on every page, fixed column widths from the
layout (:func:`spatialpanel.report.word.table_layout`), exact line heights, and the minus of a
number inside words as a non-breaking hyphen. :mod:`spatialpanel.report.word` places the tables
in the document.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape as xml_escape

from spatialpanel.report.grid import Cell, Grid
from spatialpanel.report.layout import Layout

__all__ = ["CELL_MARGIN", "TWIP", "table_xml"]

TWIP = 20  # twentieths of a point
#: Cell margin (twips, each side).
CELL_MARGIN = 60
_SIGNED = re.compile(r"(?<![\w.])-(?=\d)")


def _t(piece: str) -> str:
    space = ' xml:space="preserve"' if piece != piece.strip() else ""
    return f"<w:t{space}>{xml_escape(piece)}</w:t>"


def _texts(text: str) -> str:
    """Run content of ``text``: ``w:t`` pieces, ``w:br`` for line breaks, ``w:tab`` for tabs, and
    the minus of a number inside words as a non-breaking hyphen (``w:noBreakHyphen``) so that a
    wrapping text cell cannot split ``-0.000153`` after the sign."""
    parts = []
    for n, line in enumerate(text.split("\n")):
        if n:
            parts.append("<w:br/>")
        for m, chunk in enumerate(line.split("\t")):
            if m:
                parts.append("<w:tab/>")
            for i, piece in enumerate(_SIGNED.split(chunk)):
                if i:
                    parts.append("<w:noBreakHyphen/>")
                if piece:
                    parts.append(_t(piece))
    return "".join(parts)


def _run(text: str, size: float, *, bold: bool = False, numeric: bool = False) -> str:
    if not text:
        return ""
    b = "<w:b/>" if bold else ""
    half = round(size * 2)
    # a number alone in its cell never wraps (the widths see to it): it keeps a plain minus
    body = _t(text) if numeric else _texts(text)
    return f'<w:r><w:rPr>{b}<w:sz w:val="{half}"/><w:szCs w:val="{half}"/></w:rPr>{body}</w:r>'


def _border(edge: str, size: int) -> str:
    return f'<w:{edge} w:val="single" w:sz="{size}" w:space="0" w:color="000000"/>'


def _tc(
    text: str,
    width: float,
    size: float,
    *,
    align: str,
    span: int = 1,
    borders: tuple[tuple[str, int], ...] = (),
    numeric: bool = False,
) -> str:
    span_xml = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    border_xml = (
        "<w:tcBorders>" + "".join(_border(e, s) for e, s in borders) + "</w:tcBorders>"
        if borders
        else ""
    )
    half = round(size * 2)  # the paragraph mark too: an empty cell is no taller than the text
    # an exact line height (1.2 x the size, in twentieths of a point) for every cell: a Chinese
    # label (SimSun / a CJK substitute, taller than Times) would otherwise make its line taller
    # than the numbers' and sit lower than the coefficient beside it
    line = round(size * 24)
    ppr = (
        f'<w:pPr><w:keepNext/><w:spacing w:before="0" w:after="0" w:line="{line}" '
        f'w:lineRule="exact"/><w:jc w:val="{align}"/>'
        f'<w:rPr><w:sz w:val="{half}"/><w:szCs w:val="{half}"/></w:rPr></w:pPr>'
    )
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{round(width * TWIP)}" w:type="dxa"/>{span_xml}'
        f"{border_xml}</w:tcPr><w:p>{ppr}{_run(text, size, numeric=numeric)}</w:p></w:tc>"
    )


def _align(cell: Cell, regression: bool) -> str:
    if not cell.numeric:
        return "center" if regression else "left"
    return "center" if regression else "right"


def table_xml(g: Grid, layout: Layout) -> str:
    """The ``<w:tbl>`` element of a grid (WordprocessingML, namespace declared by the caller)."""
    widths = layout.widths
    size = layout.size
    n_stub = len(g.stub)
    total = sum(widths)
    rows: list[str] = []
    for level, runs in enumerate(g.header):
        last = level == len(g.header) - 1
        cells = []
        for j, label in enumerate(g.stub):
            text = label if last else ""
            cells.append(
                _tc(text, widths[j], size, align="left", borders=(("bottom", 6),) if last else ())
            )
        col = n_stub
        for text, span in runs:
            width = sum(widths[col : col + span])
            if last:
                borders: tuple[tuple[str, int], ...] = (("bottom", 6),)
                align = (
                    "center" if g.regression else ("right" if g.numeric[col - n_stub] else "left")
                )
            else:
                borders = (("bottom", 4),) if text else ()
                align = "center"
            cells.append(_tc(text, width, size, align=align, span=span, borders=borders))
            col += span
        rows.append(
            "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" + "".join(cells) + "</w:tr>"
        )
    for r, (labels, body) in enumerate(g.rows):
        rule: tuple[tuple[str, int], ...] = (("top", 4),) if r in g.rules else ()
        cells = [
            _tc(label, widths[j], size, align="left", borders=rule)
            for j, label in enumerate(labels)
        ]
        for j, c in enumerate(body):
            cells.append(
                _tc(
                    c.full,
                    widths[n_stub + j],
                    size,
                    align=_align(c, g.regression),
                    borders=rule,
                    numeric=c.numeric,
                )
            )
        rows.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>" + "".join(cells) + "</w:tr>")
    grid_xml = "".join(f'<w:gridCol w:w="{round(w * TWIP)}"/>' for w in widths)
    tbl_pr = (
        f'<w:tblPr><w:tblW w:w="{round(total * TWIP)}" w:type="dxa"/><w:jc w:val="center"/>'
        f"<w:tblBorders>{_border('top', 12)}{_border('bottom', 12)}</w:tblBorders>"
        f'<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="{CELL_MARGIN}" w:type="dxa"/>'
        f'<w:right w:w="{CELL_MARGIN}" w:type="dxa"/></w:tblCellMar></w:tblPr>'
    )
    return f"<w:tbl>{tbl_pr}<w:tblGrid>{grid_xml}</w:tblGrid>{''.join(rows)}</w:tbl>"
