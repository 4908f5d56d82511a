"""Tables in the formats papers use: Markdown, LaTeX (booktabs) and Word (three-line tables)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from spatialpanel.report.formatting import formatted
from spatialpanel.report.results_io import SavedResults

__all__ = ["MAX_ROWS", "markdown_table", "write_docx", "write_latex", "write_markdown"]

#: Tables longer than this go to Excel/CSV only; the paper formats say where to find them.
MAX_ROWS = 60


def _too_long(key: str, n: int) -> str:
    return f"({n} rows: see tables.xlsx, sheet {key[:31]}, or tables/{key}.csv.)"


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """Index as leading columns and multi-level column labels joined, for flat formats."""
    out = formatted(frame)
    if isinstance(out.columns, pd.MultiIndex):
        out.columns = [
            " ".join(str(c) for c in col if str(c) and not str(c).startswith("Unnamed"))
            for col in out.columns
        ]
    names = [n if n else "" for n in out.index.names]
    out = out.reset_index()
    out.columns = [*[str(n) for n in names], *[str(c) for c in out.columns[len(names) :]]]
    return out


def markdown_table(frame: pd.DataFrame) -> str:
    """A GitHub-flavoured Markdown pipe table of ``frame`` (formatted numbers)."""
    flat = _flat(frame)

    def esc(s: object) -> str:
        return str(s).replace("|", "\\|")

    header = "| " + " | ".join(esc(c) for c in flat.columns) + " |"
    rule = "|" + "|".join("---" if i == 0 else "---:" for i in range(len(flat.columns))) + "|"
    rows = ["| " + " | ".join(esc(v) for v in row) + " |" for row in flat.itertuples(index=False)]
    return "\n".join([header, rule, *rows])


def write_markdown(saved: SavedResults, path: Path) -> None:
    """Every table of a run as Markdown, with titles and notes."""
    parts = []
    if saved.study.get("synthetic"):
        parts.append("> **Synthetic data** — generated demonstration panel, not real figures.\n")
    for stage in saved.stages:
        for t in stage["tables"]:
            table = saved.tables[t["key"]]
            if len(table.frame) > MAX_ROWS:
                parts.append(f"### {table.title}\n\n{_too_long(table.key, len(table.frame))}\n")
                continue
            parts.append(f"### {table.title}\n\n{markdown_table(table.frame)}\n")
            if table.notes:
                parts.append("*" + " ".join(table.notes) + "*\n")
    path.write_text("\n".join(parts), encoding="utf-8")


_LATEX_SPECIAL = {
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
}


def _tex(s: object) -> str:
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in str(s))


def latex_table(frame: pd.DataFrame, *, title: str, notes: tuple[str, ...] = ()) -> str:
    """A booktabs LaTeX table (needs ``\\usepackage{booktabs}``)."""
    flat = _flat(frame)
    spec = "l" + "r" * (len(flat.columns) - 1)
    lines = [
        r"\begin{table}[htbp]",
        r"\centering",
        rf"\caption{{{_tex(title)}}}",
        rf"\begin{{tabular}}{{{spec}}}",
        r"\toprule",
        " & ".join(_tex(c) for c in flat.columns) + r" \\",
        r"\midrule",
    ]
    for row in flat.itertuples(index=False):
        lines.append(" & ".join(_tex(v) for v in row) + r" \\")
    lines.append(r"\bottomrule")
    lines.append(r"\end{tabular}")
    if notes:
        lines.append(rf"\par\smallskip\footnotesize {_tex(' '.join(notes))}")
    lines.append(r"\end{table}")
    return "\n".join(lines)


def write_latex(saved: SavedResults, path: Path) -> None:
    """Every table as a booktabs LaTeX fragment (\\input it; needs booktabs)."""
    parts = ["% Tables written by spatialpanel. Requires \\usepackage{booktabs}."]
    if saved.study.get("synthetic"):
        parts.append("% SYNTHETIC DATA: generated demonstration panel, not real figures.")
    for stage in saved.stages:
        for t in stage["tables"]:
            table = saved.tables[t["key"]]
            if len(table.frame) > MAX_ROWS:
                parts.append(f"% {table.title}: {_too_long(table.key, len(table.frame))}")
                continue
            parts.append(latex_table(table.frame, title=table.title, notes=table.notes))
    path.write_text("\n\n".join(parts) + "\n", encoding="utf-8")


def _three_line(table: object) -> None:
    """Give a python-docx table booktabs-style rules: thick top and bottom, thin under header."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tbl = table._tbl  # type: ignore[attr-defined]
    tbl_pr = tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge, size in (("top", "12"), ("bottom", "12")):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), size)
        el.set(qn("w:color"), "000000")
        borders.append(el)
    tbl_pr.append(borders)
    header = table.rows[0]  # type: ignore[attr-defined]
    for cell in header.cells:
        tc_pr = cell._tc.get_or_add_tcPr()
        tc_borders = OxmlElement("w:tcBorders")
        bottom = OxmlElement("w:bottom")
        bottom.set(qn("w:val"), "single")
        bottom.set(qn("w:sz"), "6")
        bottom.set(qn("w:color"), "000000")
        tc_borders.append(bottom)
        tc_pr.append(tc_borders)


def write_docx(saved: SavedResults, path: Path, *, lang: str = "en") -> None:
    """The report as a Word document: headings, sentences, three-line tables and figures."""
    import datetime as dt

    from docx import Document
    from docx.shared import Inches, Pt

    from spatialpanel.report.i18n import label
    from spatialpanel.study.outputs import normalise_zip

    doc = Document()
    doc.core_properties.created = dt.datetime(2000, 1, 1)
    doc.core_properties.modified = dt.datetime(2000, 1, 1)
    doc.core_properties.author = "spatialpanel"
    doc.add_heading(saved.study.get("title") or label("report", lang), level=0)
    if saved.study.get("synthetic"):
        p = doc.add_paragraph()
        run = p.add_run(label("synthetic_banner", lang))
        run.bold = True
    for i, stage in enumerate(saved.stages, start=1):
        doc.add_heading(f"{i}. {stage['title']}", level=1)
        for sent in stage["sentences"]:
            doc.add_paragraph(sent["text"], style="List Bullet")
        for t in stage["tables"]:
            table = saved.tables[t["key"]]
            flat = _flat(table.frame)
            doc.add_paragraph(table.title, style="Caption")
            if len(flat) > MAX_ROWS:
                doc.add_paragraph(_too_long(table.key, len(flat)))
                continue
            grid = doc.add_table(rows=len(flat) + 1, cols=len(flat.columns))
            rows = grid.rows
            for cell, col in zip(rows[0].cells, flat.columns, strict=True):
                cell.text = str(col)
            for grid_row, values in zip(list(rows)[1:], flat.itertuples(index=False), strict=True):
                for cell, v in zip(grid_row.cells, values, strict=True):
                    cell.text = str(v)
                    for run in cell.paragraphs[0].runs:
                        run.font.size = Pt(8)
            _three_line(grid)
            if table.notes:
                note = doc.add_paragraph(" ".join(table.notes))
                for run in note.runs:
                    run.font.size = Pt(8)
        for f in stage["figures"]:
            png = next((p for p in f["files"] if p.endswith(".png")), None)
            if png is not None:
                doc.add_picture(str(saved.root / png), width=Inches(6))
                doc.add_paragraph(f["title"], style="Caption")
    doc.save(str(path))
    normalise_zip(path)
