"""Tables for the web and plain text: HTML fragments and Markdown (``tables.md``).

Both take the :class:`~spatialpanel.report.document.ReportTable` objects of a
:class:`~spatialpanel.report.document.ReportDocument` and lay out their :func:`grid` (numbers
formatted once, by :mod:`spatialpanel.report.formatting`). Word and LaTeX live in
:mod:`spatialpanel.report.word` and :mod:`spatialpanel.report.latex`.
"""

from __future__ import annotations

import re
from html import escape as esc
from pathlib import Path

from spatialpanel.report.document import ReportDocument, ReportTable
from spatialpanel.report.grid import Cell, Grid, grid, table_notes, title_line

__all__ = [
    "MAX_ROWS",
    "html_table",
    "markdown_table",
    "md_escape",
    "wide_pointer",
    "workbook_pointer",
    "write_markdown",
]

#: Tables longer than this go to Excel/CSV only; the paper formats say where to find them.
MAX_ROWS = 60


def workbook_pointer(doc: ReportDocument, table: ReportTable) -> str:
    """``"186 rows: see tables.xlsx, sheet audit, or tables/audit.csv"`` in the document's words."""
    return doc.label("in_workbook").format(
        rows=len(table.frame), sheet=table.key[:31], csv=f"tables/{table.key}.csv"
    )


def wide_pointer(doc: ReportDocument, table: ReportTable, g: Grid) -> str:
    """``"26 columns: see tables.xlsx, sheet ..., or tables/....csv"`` for a table too wide."""
    return doc.label("too_wide").format(
        columns=g.width, sheet=table.key[:31], csv=f"tables/{table.key}.csv"
    )


# --------------------------------------------------------------------------- HTML
def _th(text: str, span: int, *, group: bool, numeric: bool = True) -> str:
    attrs = ' scope="col"'
    if span > 1:
        attrs += f' colspan="{span}"'
    if group:
        attrs += ' class="grp"'
    elif not numeric:
        attrs += ' class="txt"'
    return f"<th{attrs}>{esc(text)}</th>"


def _td(cell: Cell, *, boxed: bool) -> str:
    """A body cell; in regression tables the marks sit in a fixed-width box so digits align."""
    if not cell.numeric and not boxed:
        return f'<td class="txt">{esc(cell.text)}</td>'
    if boxed:
        return f'<td class="num">{esc(cell.text)}<span class="st">{esc(cell.marks)}</span></td>'
    return f'<td class="num">{esc(cell.full)}</td>'


def _html(g: Grid) -> str:
    n_stub = len(g.stub)
    lines = ['<table class="tbl">', "<thead>"]
    for i, runs in enumerate(g.header):
        last = i == len(g.header) - 1
        if last:
            left = "".join(f'<th scope="col" class="ix">{esc(n)}</th>' for n in g.stub)
            right = "".join(
                _th(text, span, group=False, numeric=num)
                for (text, span), num in zip(runs, g.numeric, strict=True)
            )
        else:
            left = f'<th colspan="{n_stub}"></th>' if n_stub > 1 else "<th></th>" * n_stub
            right = "".join(_th(text, span, group=True) for text, span in runs)
        lines.append(f"<tr>{left}{right}</tr>")
    lines += ["</thead>", "<tbody>"]
    for r, (labels, cells) in enumerate(g.rows):
        head = "".join(f'<th scope="row">{esc(v)}</th>' for v in labels)
        body = "".join(_td(c, boxed=g.regression) for c in cells)
        rule = ' style="border-top:1px solid #1b1f24"' if r in g.rules else ""
        lines.append(f"<tr{rule}>{head}{body}</tr>")
    lines += ["</tbody>", "</table>"]
    return "\n".join(lines)


def html_table(table: ReportTable) -> str:
    """An HTML ``<table class="tbl">``: grouped column headers, index names in the header row.

    Numbers are right-aligned (class ``num``); text cells and row labels are left-aligned; in a
    regression table stars and closing parentheses sit in a box (``span.st``) so the digits of
    coefficients and standard errors line up. Everything is HTML-escaped.
    """
    return _html(grid(table))


# --------------------------------------------------------------------------- Markdown
_MD_SPECIAL = re.compile(r"([\\`*\[\]|]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z]))")
_NUMBER_CELL = re.compile(r"^\(?[-+−]?[\d.,]+(e[-+]?\d+)?\)?\**%?$")
_HTML_OPEN = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY = re.compile(r"&(?=(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);)")


def md_escape(text: object, *, number: bool = False) -> str:
    """Text safe in Markdown: no raw HTML, no accidental emphasis, links or cell breaks.

    A ``<`` that could open a tag becomes ``&lt;`` (``<img src=x onerror=...>`` prints as
    text) and an ``&`` that starts an entity (``&lt;``, ``&#60;``: a name or number and ``;``)
    ``&amp;``; ``< 0.001`` and ``R&D`` stay as they are.
    Markdown punctuation (backslash, backtick, ``*``, brackets, ``|``, ``_`` at a word's edge)
    is backslash-escaped, except the stars of a formatted number with ``number=True`` (they
    cannot open emphasis in a cell of their own).
    """
    s = _HTML_OPEN.sub("&lt;", _ENTITY.sub("&amp;", str(text)))
    if number and _NUMBER_CELL.match(s):
        return s
    return _MD_SPECIAL.sub(r"\\\1", s)


def markdown_table(table: ReportTable) -> str:
    """A GitHub-flavoured Markdown pipe table (formatted numbers, escaped text)."""
    g = grid(table)
    heads = [*g.stub, *g.leaf_header()]
    header = "| " + " | ".join(md_escape(c) for c in heads) + " |"
    right = [False] * len(g.stub) + list(g.numeric)
    rule = "|" + "|".join("---:" if r else "---" for r in right) + "|"
    rows = []
    for labels, cells in g.rows:
        texts = [md_escape(v) for v in labels]
        texts += [md_escape(c.full, number=c.numeric) for c in cells]
        rows.append("| " + " | ".join(texts) + " |")
    return "\n".join([header, rule, *rows])


def write_markdown(doc: ReportDocument, path: Path) -> None:
    """Every table of ``doc`` as Markdown, numbered as in the report, with titles and notes."""
    parts = []
    if doc.banner:
        parts.append(f"> **{md_escape(doc.banner)}**\n")
    for table in doc.tables():
        title = md_escape(title_line(doc, table))
        if table.long:
            parts.append(f"### {title}\n\n{md_escape(workbook_pointer(doc, table))}\n")
            continue
        parts.append(f"### {title}\n\n{markdown_table(table)}\n")
        notes = table_notes(doc, table)
        if notes:
            parts.append("*" + " ".join(md_escape(n) for n in notes) + "*\n")
    path.write_text("\n".join(parts), encoding="utf-8")
