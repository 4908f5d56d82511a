r"""Tables as LaTeX (``tables.tex``): booktabs, one ``\caption`` + ``\label`` each, fitted widths.

``tables.tex`` is a fragment to ``\input`` into a document whose preamble loads::

    \usepackage{array,booktabs,longtable,graphicx,pdflscape}
    \usepackage{caption}   % optional: caption spacing above tables

(Chinese: compile with ``xelatex`` and ``\documentclass{ctexart}`` or ``\usepackage{ctex}``.)

* Numbering is LaTeX's: the caption holds only the title, and ``\setcounter{table}{N-1}`` before
  each table keeps LaTeX's number equal to the report's (HTML, Word) number ``N``, even where a
  long table is left to the workbook. Each table has ``\label{tab:KEY}``.
* Widths: every ``tabular`` is measured by LaTeX and scaled down to ``\linewidth`` only when it
  is wider (``\spfit``); tables estimated much wider than a portrait page are set in a
  ``landscape`` page (pdflscape). Tables of more than :data:`LONGTABLE_ROWS` rows are set as a
  ``longtable`` (header repeated on each page), in the largest of ``\small``,
  ``\footnotesize``, ``\scriptsize`` whose estimated width fits. A table left to the workbook
  (too long, or too wide for a landscape page as in Word) is a line saying where it is.
* Regression tables align coefficients and standard errors on their last digit: each model is a
  ``r@{}l`` column pair, the number on the left and the stars (as superscripts) or the closing
  parenthesis on the right.
"""

from __future__ import annotations

import re
from pathlib import Path

from spatialpanel.report.document import ReportDocument, ReportTable
from spatialpanel.report.grid import Cell, Grid, grid, table_notes, title_line
from spatialpanel.report.layout import Layout, pair_labels, plan
from spatialpanel.report.tables import wide_pointer, workbook_pointer
from spatialpanel.report.word import table_layout

__all__ = ["LONGTABLE_ROWS", "latex_table", "tex", "write_latex"]

#: Data tables with more printed rows than this are set as ``longtable`` (they break across pages).
LONGTABLE_ROWS = 40

#: Text widths (pt) the layout is planned for: A4 with 2.5 cm margins, portrait and landscape.
PORTRAIT_PT = 455.0
LANDSCAPE_PT = 700.0
#: Column padding: 2 × \tabcolsep (6 pt) and 2 pt for the estimate; table text in Computer
#: Modern measures within a few percent of Times (the demo's tables: 0.90-0.93 of the estimate).
_PAD_PT = 14.0
_CM_SCALE = 1.02
#: Portrait at 10, 9 (\small) and 8 pt (\footnotesize) before a landscape page.
_CANDIDATES = ((False, 10.0), (False, 9.0), (False, 8.0), (True, 9.0), (True, 8.0), (True, 7.0))
_SIZE_COMMANDS = {10.0: "", 9.0: r"\small", 8.0: r"\footnotesize", 7.0: r"\scriptsize"}


def _last_resort(g: Grid) -> Layout:
    """Landscape at 7 pt with natural widths, scaled to the page by ``\\spfit`` (for a table
    that Word still prints, at 6.5 pt)."""
    return Layout(
        True, 7.0, tuple(0.0 for _ in range(g.width)), tuple(False for _ in range(g.width))
    )


_SPECIAL = {
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "\\": r"\textbackslash{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
}
#: Characters pdflatex cannot take from UTF-8 input without extra packages.
_TEXT = {
    "ρ": r"$\rho$",
    "λ": r"$\lambda$",
    "σ": r"$\sigma$",
    "χ": r"$\chi$",
    "α": r"$\alpha$",
    "β": r"$\beta$",
    "θ": r"$\theta$",
    "η": r"$\eta$",
    "τ": r"$\tau$",
    "π": r"$\pi$",
    "μ": r"$\mu$",
    "φ": r"$\phi$",
    "ω": r"$\omega$",
    "Δ": r"$\Delta$",
    "²": r"\textsuperscript{2}",
    "³": r"\textsuperscript{3}",
    "¹": r"\textsuperscript{1}",
    "⁰": r"\textsuperscript{0}",
    "⁻": r"\textsuperscript{-}",
    "·": r"$\cdot$",
    "−": r"$-$",
    "–": "--",
    "—": "---",
    "×": r"$\times$",
    "≤": r"$\leq$",
    "≥": r"$\geq$",
    "’": "'",
    "‘": "`",
    "→": r"$\rightarrow$",
    "↦": r"$\mapsto$",
    "ḡ": r"$\bar{g}$",
    "§": r"\S{}",
    "≈": r"$\approx$",
    "±": r"$\pm$",
    "…": r"\ldots{}",
    "∞": r"$\infty$",
}
_NUMBER = re.compile(r"^[-+−]?[\d.,]+(e[-+]?\d+)?$")

_FIT = r"""\makeatletter
\providecommand{\spfit}[1]{\sbox\@tempboxa{#1}%
  \ifdim\wd\@tempboxa>\linewidth\resizebox{\linewidth}{!}{\usebox\@tempboxa}%
  \else\usebox\@tempboxa\fi}
\makeatother"""


def tex(text: object) -> str:
    """``text`` escaped for LaTeX (special characters, Greek letters and symbols)."""
    return "".join(_SPECIAL.get(ch, _TEXT.get(ch, ch)) for ch in str(text))


def _num(text: str) -> str:
    """A formatted number: a leading minus as a math minus (``$-$0.206``)."""
    if text.startswith("-") and _NUMBER.match(text):
        return r"$-$" + text[1:]
    return tex(text)


def _cell(cell: Cell) -> str:
    return _num(cell.text) if cell.numeric else tex(cell.text)


def _marks(marks: str) -> str:
    if not marks:
        return ""
    if marks == ")":
        return ")"
    return rf"$^{{{marks}}}$"


def _em(layout: Layout, j: int) -> float:
    """Width of column ``j`` in em of the table's font (ctex's 10.5 pt too), 0.6 em to spare."""
    return max((layout.widths[j] - _PAD_PT) / layout.size, 1.0) + 0.6


def _spec(g: Grid, layout: Layout) -> str:
    """Column specification: ``l``/``r``; ``r@{}l`` per model of a regression table (its
    numbers never wrap: only a long model label over it does, see :func:`_head`); a
    ragged-right ``p{...}`` column where the layout lets a text column wrap."""
    parts = []
    for j, wrapped in enumerate(layout.wrapped):
        numeric = j >= len(g.stub) and g.numeric[j - len(g.stub)]
        if g.regression and j >= len(g.stub):
            parts.append("r@{}l")
        elif wrapped:
            parts.append(rf">{{\raggedright\arraybackslash}}p{{{_em(layout, j):.2f}em}}")
        else:
            parts.append("r" if numeric else "l")
    return "".join(parts)


def _head(g: Grid, layout: Layout | None = None) -> list[str]:
    per = 2 if g.regression else 1
    n_stub = len(g.stub)
    lines: list[str] = []
    for level, runs in enumerate(g.header):
        last = level == len(g.header) - 1
        cells = [tex(s) for s in g.stub] if last else [""] * n_stub
        rules = []
        col = n_stub + 1
        j = n_stub
        for text, span in runs:
            width = span * per
            wraps = layout is not None and g.regression and span == 1 and layout.wrapped[j]
            j += span
            if wraps and layout is not None:  # a model label wider than its numbers
                em = _em(layout, j - 1)
                head = rf">{{\centering\arraybackslash}}p{{{em:.2f}em}}"
                cells.append(rf"\multicolumn{{{width}}}{{{head}}}{{{tex(text)}}}")
            elif width > 1:
                cells.append(rf"\multicolumn{{{width}}}{{c}}{{{tex(text)}}}")
            else:
                cells.append(tex(text))
            if not last and text:
                rules.append(rf"\cmidrule(lr){{{col}-{col + width - 1}}}")
            col += width
        lines.append(" & ".join(cells) + r" \\")
        if rules:
            lines.append(" ".join(rules))
    return lines


def _breakable(text: str) -> str:
    """Text for a wrapping column: identifiers may also break after ``_`` and ``/``."""
    return tex(text).replace(r"\_", r"\_\allowbreak{}").replace("/", r"/\allowbreak{}")


def _body(g: Grid, layout: Layout) -> list[str]:
    n_stub = len(g.stub)
    wrapped = layout.wrapped
    lines: list[str] = []
    for r, (labels, cells) in enumerate(g.rows):
        if r in g.rules:
            lines.append(r"\midrule")
        parts = [_breakable(v) if wrapped[j] else tex(v) for j, v in enumerate(labels)]
        for j, c in enumerate(cells):
            if wrapped[n_stub + j] and not g.regression:
                parts.append(_breakable(c.full))
            elif not g.regression:
                parts.append(_cell(c))
            elif c.numeric:
                parts += [_cell(c), _marks(c.marks)]
            else:
                parts.append(rf"\multicolumn{{2}}{{c}}{{{tex(c.text)}}}")
        lines.append(" & ".join(parts) + r" \\")
    return lines


def latex_layout(g: Grid) -> Layout | None:
    """Orientation, font size and column widths (A4, 2.5 cm margins; None: too wide)."""
    return plan(
        g,
        candidates=_CANDIDATES,
        portrait=PORTRAIT_PT,
        landscape=LANDSCAPE_PT,
        pad=_PAD_PT,
        scale=_CM_SCALE,
    )


def _notes(notes: tuple[str, ...]) -> list[str]:
    if not notes:
        return []
    return [r"\par\smallskip{\footnotesize\raggedright " + tex(" ".join(notes)) + r"\par}"]


def _float(g: Grid, layout: Layout, caption: str, label: str, notes: tuple[str, ...]) -> list[str]:
    lines = [
        r"\begin{table}[htbp]",
        r"\centering",
        *([_SIZE_COMMANDS[layout.size]] if _SIZE_COMMANDS[layout.size] else []),
        rf"\caption{{{caption}}}\label{{{label}}}",
        rf"\spfit{{\begin{{tabular}}{{{_spec(g, layout)}}}",
        r"\toprule",
        *_head(g, layout),
        r"\midrule",
        *_body(g, layout),
        r"\bottomrule",
        r"\end{tabular}}",
        *_notes(notes),
        r"\end{table}",
    ]
    return [r"\begin{landscape}", *lines, r"\end{landscape}"] if layout.landscape else lines


def _longtable(
    g: Grid, layout: Layout, caption: str, label: str, notes: tuple[str, ...]
) -> list[str]:
    head = _head(g, layout)
    lines = [
        "{" + (_SIZE_COMMANDS[layout.size] or r"\normalsize"),
        rf"\begin{{longtable}}{{{_spec(g, layout)}}}",
        rf"\caption{{{caption}}}\label{{{label}}} \\",
        r"\toprule",
        *head,
        r"\midrule",
        r"\endfirsthead",
        r"\toprule",
        *head,
        r"\midrule",
        r"\endhead",
        r"\bottomrule",
        r"\endlastfoot",
        *_body(g, layout),
        r"\end{longtable}",
        "}",
        *([rf"{{\footnotesize\raggedright {tex(' '.join(notes))}\par}}"] if notes else []),
    ]
    return [r"\begin{landscape}", *lines, r"\end{landscape}"] if layout.landscape else lines


def latex_table(table: ReportTable, *, notes: tuple[str, ...] | None = None) -> str:
    r"""One table: ``\setcounter``, caption and label, booktabs rules, fitted to the page."""
    g = grid(table)
    layout = latex_layout(g) or _last_resort(g)
    g = pair_labels(g, layout, pad=_PAD_PT, scale=_CM_SCALE)
    caption = tex(table.title)
    label = f"tab:{table.key}"
    shown = table.notes if notes is None else notes
    long = len(g.rows) > LONGTABLE_ROWS and not g.regression
    body = (_longtable if long else _float)(g, layout, caption, label, shown)
    return "\n".join([rf"\setcounter{{table}}{{{table.number - 1}}}", *body])


def write_latex(doc: ReportDocument, path: Path) -> None:
    r"""Every table of ``doc`` as a LaTeX fragment (``\input`` it; preamble in the header)."""
    parts = [
        "% Tables written by spatialpanel. \\input{tables.tex} in a document whose preamble has\n"
        "%   \\usepackage{array,booktabs,longtable,graphicx,pdflscape}\n"
        "% and, for caption spacing above tables, \\usepackage{caption}."
    ]
    if doc.lang == "zh":
        parts.append(
            "% Chinese text: compile with xelatex, using \\documentclass{ctexart} or "
            "\\usepackage{ctex}."
        )
    if doc.banner:
        parts.append(f"% {tex(doc.banner)}")
    parts.append(_FIT)
    for table in doc.tables():
        pointer = None
        if table.long:
            pointer = workbook_pointer(doc, table)
        elif table_layout(grid(table)) is None:  # as Word: too wide even for landscape
            pointer = wide_pointer(doc, table, grid(table))
        if pointer is not None:
            line = f"{title_line(doc, table)} ({pointer})"
            parts.append(rf"{{\raggedright\noindent\textit{{{tex(line)}}}\par}}")
            continue
        parts.append(latex_table(table, notes=table_notes(doc, table)))
    path.write_text("\n\n".join(parts) + "\n", encoding="utf-8")
