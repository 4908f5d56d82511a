"""Tables in the formats papers use: Markdown, LaTeX (booktabs) and Word (three-line tables)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from html import escape as esc
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import pandas as pd

from spatialpanel.report.formatting import fmt_number, formatted
from spatialpanel.report.i18n import banner_key, label, localized, translate_cell
from spatialpanel.report.results_io import SavedResults, SavedTable, numbering, ordered_stages

__all__ = [
    "LONGTABLE_ROWS",
    "MAX_ROWS",
    "html_table",
    "latex_table",
    "markdown_table",
    "write_docx",
    "write_latex",
    "write_markdown",
]

#: Tables longer than this go to Excel/CSV only; the paper formats say where to find them.
MAX_ROWS = 60


def _too_long(key: str, n: int, lang: str = "en") -> str:
    if lang == "zh":
        return f"（共 {n} 行：见 tables.xlsx 的工作表 {key[:31]} 或 tables/{key}.csv。）"
    return f"({n} rows: see tables.xlsx, sheet {key[:31]}, or tables/{key}.csv.)"


def _blank(label: object) -> bool:
    """Header labels that carry nothing: None, NaN and pandas' ``Unnamed: ...`` placeholders."""
    if label is None or (isinstance(label, float) and math.isnan(label)):
        return True
    return str(label).startswith("Unnamed:") or str(label) == ""


def _label(value: object, lang: str, *, header: bool = False) -> str:
    if _blank(value):
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return fmt_number(value)
    return translate_cell(str(value), lang, header=header)


def _cells(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Formatted text cells, province/region names and verdicts translated for ``lang``."""
    out = formatted(frame)
    if lang != "en":
        out = out.apply(lambda col: col.map(lambda v: translate_cell(v, lang)))
    return out


def _index_rows(index: pd.Index, lang: str) -> list[list[str]]:
    """Index labels per row, repeated outer levels blanked (as printed tables do)."""
    rows: list[list[str]] = []
    prev: tuple[object, ...] | None = None
    for value in index:
        tup = value if isinstance(value, tuple) else (value,)
        shown = []
        for level, v in enumerate(tup):
            same = prev is not None and prev[: level + 1] == tup[: level + 1]
            inner = level == len(tup) - 1
            shown.append("" if same and not inner else _label(v, lang))
        rows.append(shown)
        prev = tup
    return rows


def _header_rows(columns: pd.Index, lang: str) -> list[list[tuple[str, int]]]:
    """Column header rows as (label, colspan) runs; equal neighbouring groups are merged."""
    tuples = [c if isinstance(c, tuple) else (c,) for c in columns]
    depth = max((len(t) for t in tuples), default=1)
    rows: list[list[tuple[str, int]]] = []
    for level in range(depth):
        runs: list[tuple[str, int]] = []
        prev: tuple[object, ...] | None = None
        for t in tuples:
            key = t[: level + 1]
            if prev == key and level < depth - 1:
                text, span = runs[-1]
                runs[-1] = (text, span + 1)
            else:
                runs.append((_label(t[level], lang, header=True), 1))
            prev = key
        rows.append(runs)
    return [r for r in rows if any(text for text, _ in r)] or rows[-1:]


def _row_counter(index: pd.Index) -> bool:
    """An unnamed 0, 1, ..., n-1 index (pandas' default): noise in a printed table."""
    if index.nlevels != 1 or not _blank(index.name):
        return False
    try:
        return [int(v) for v in index] == list(range(len(index)))
    except (TypeError, ValueError):
        return False


def _index_part(frame: pd.DataFrame, lang: str) -> tuple[list[str], list[list[str]]]:
    """Header labels and per-row labels of the index (none for a bare row counter)."""
    if _row_counter(frame.index):
        return [], [[] for _ in range(len(frame))]
    names = [_label(n, lang, header=True) for n in frame.index.names]
    return names, _index_rows(frame.index, lang)


def _flat(frame: pd.DataFrame, *, lang: str = "en") -> pd.DataFrame:
    """Index as leading columns and multi-level column labels joined, for flat formats."""
    out = _cells(frame, lang)
    heads = [
        " ".join(_label(c, lang, header=True) for c in col if not _blank(c)).strip()
        if isinstance(col, tuple)
        else _label(col, lang, header=True)
        for col in out.columns
    ]
    names, index = _index_part(out, lang)
    body = [[*idx, *row] for idx, row in zip(index, out.itertuples(index=False), strict=True)]
    return pd.DataFrame(body, columns=pd.Index([*names, *heads]), dtype=object)


_NUMERIC = re.compile(r"^[-+−]?\(?[\d.,]+(e[-+]?\d+)?\)?\**%?$")


def _th(text: str, span: int, *, group: bool, numeric: bool = True) -> str:
    attrs = ' scope="col"'
    if span > 1:
        attrs += f' colspan="{span}"'
    if group:
        attrs += ' class="grp"'
    elif not numeric:
        attrs += ' class="txt"'
    return f"<th{attrs}>{esc(text)}</th>"


def _numeric_columns(cells: pd.DataFrame) -> list[bool]:
    """Whether each column holds mostly numbers (blank cells aside)."""
    out = []
    for j in range(cells.shape[1]):
        values = [str(v) for v in cells.iloc[:, j] if str(v) != ""]
        hits = sum(1 for v in values if _NUMERIC.match(v))
        out.append(2 * hits >= len(values))
    return out


def _td(value: str, *, numeric: bool, starred: bool) -> str:
    """A body cell; in starred columns the stars sit in a fixed-width box so decimals align."""
    if not numeric:
        return f'<td class="txt">{esc(value)}</td>'
    if starred:
        core = value.rstrip("*)") if _NUMERIC.match(value) else value
        marks = value[len(core) :]
        return f'<td class="num">{esc(core)}<span class="st">{esc(marks)}</span></td>'
    return f'<td class="num">{esc(value)}</td>'


def html_table(frame: pd.DataFrame, *, lang: str = "en") -> str:
    """An HTML table: index names in the header row, grouped column headers, no blank rows.

    Numbers are formatted by :func:`formatted` and right-aligned (class ``num``); text cells
    and the row labels are left-aligned. Everything is HTML-escaped.
    """
    cells = _cells(frame, lang)
    names, index = _index_part(frame, lang)
    n_idx = len(names)
    heads = _header_rows(frame.columns, lang)
    numeric = _numeric_columns(cells)
    starred = [any(str(v).endswith("*") for v in cells.iloc[:, j]) for j in range(cells.shape[1])]
    lines = ['<table class="tbl">', "<thead>"]
    for i, runs in enumerate(heads):
        last = i == len(heads) - 1
        left = (
            "".join(f'<th scope="col" class="ix">{esc(n)}</th>' for n in names)
            if last
            else (f'<th colspan="{n_idx}"></th>' if n_idx > 1 else "<th></th>" * n_idx)
        )
        if last:
            right = "".join(
                _th(text, span, group=False, numeric=num)
                for (text, span), num in zip(runs, numeric, strict=True)
            )
        else:
            right = "".join(_th(text, span, group=True) for text, span in runs)
        lines.append(f"<tr>{left}{right}</tr>")
    lines += ["</thead>", "<tbody>"]
    for idx, row in zip(index, cells.itertuples(index=False), strict=True):
        head = "".join(f'<th scope="row">{esc(v)}</th>' for v in idx)
        body = "".join(
            _td(str(v), numeric=num, starred=star)
            for v, num, star in zip(row, numeric, starred, strict=True)
        )
        lines.append(f"<tr>{head}{body}</tr>")
    lines += ["</tbody>", "</table>"]
    return "\n".join(lines)


def markdown_table(frame: pd.DataFrame, *, lang: str = "en") -> str:
    """A GitHub-flavoured Markdown pipe table of ``frame`` (formatted numbers)."""
    flat = _flat(frame, lang=lang)
    n_idx = len(_index_part(frame, lang)[0])

    def md(s: object) -> str:
        return str(s).replace("|", "\\|")

    header = "| " + " | ".join(md(c) for c in flat.columns) + " |"
    rule = "|" + "|".join("---" if i < n_idx else "---:" for i in range(len(flat.columns))) + "|"
    rows = ["| " + " | ".join(md(v) for v in row) + " |" for row in flat.itertuples(index=False)]
    return "\n".join([header, rule, *rows])


def _numbered_tables(saved: SavedResults, lang: str) -> Iterator[tuple[SavedTable, str]]:
    """Every table of a run in report order, with its numbered title."""
    num = numbering(saved)
    for stage in ordered_stages(saved):
        for t in stage["tables"]:
            table = saved.tables[t["key"]]
            yield table, num.table_title(table.key, table.title, lang=lang)


def write_markdown(saved: SavedResults, path: Path, *, lang: str = "en") -> None:
    """Every table of a run as Markdown, numbered as in the report, with titles and notes."""
    saved = localized(saved, lang)
    parts = []
    if saved.study.get("synthetic"):
        parts.append(f"> {label('md_synthetic', lang)}\n")
    elif banner_key(saved.study) == "real_banner":
        parts.append(f"> {label('md_real', lang)}\n")
    for table, title in _numbered_tables(saved, lang):
        if len(table.frame) > MAX_ROWS:
            parts.append(f"### {title}\n\n{_too_long(table.key, len(table.frame), lang)}\n")
            continue
        parts.append(f"### {title}\n\n{markdown_table(table.frame, lang=lang)}\n")
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
#: Characters pdflatex cannot take from UTF-8 input without extra packages.
_LATEX_TEXT = {
    "ρ": r"$\rho$",
    "λ": r"$\lambda$",
    "σ": r"$\sigma$",
    "χ": r"$\chi$",
    "α": r"$\alpha$",
    "β": r"$\beta$",
    "θ": r"$\theta$",
    "η": r"$\eta$",
    "τ": r"$\tau$",
    "²": r"\textsuperscript{2}",
    "·": r"$\cdot$",
    "−": "-",
    "–": "--",
    "—": "---",
    "×": r"$\times$",
    "≤": r"$\leq$",
    "≥": r"$\geq$",
    "⁻": r"\textsuperscript{-}",
    "¹": r"\textsuperscript{1}",
    "’": "'",
    "‘": "`",
    "π": r"$\pi$",
    "μ": r"$\mu$",
    "φ": r"$\phi$",
    "ω": r"$\omega$",
    "Δ": r"$\Delta$",
    "→": r"$\rightarrow$",
    "↦": r"$\mapsto$",
    "ḡ": r"$\bar{g}$",
    "§": r"\S{}",
    "≈": r"$\approx$",
    "±": r"$\pm$",
    "…": r"\ldots{}",
    "⁰": r"\textsuperscript{0}",
    "³": r"\textsuperscript{3}",
}


def _tex(s: object) -> str:
    return "".join(_LATEX_SPECIAL.get(ch, _LATEX_TEXT.get(ch, ch)) for ch in str(s))


#: Tables with more rows than this are set as ``longtable`` (they break across pages).
LONGTABLE_ROWS = 30


def _latex_head(frame: pd.DataFrame, flat: pd.DataFrame, lang: str) -> list[str]:
    names = _index_part(frame, lang)[0]
    n_idx = len(names)
    heads = _header_rows(frame.columns, lang)
    if len(heads) == 1:
        return [" & ".join(_tex(c) for c in flat.columns) + r" \\"]
    lines = []
    # grouped columns: \multicolumn labels with \cmidrule under each group, then the leaves
    for runs in heads[:-1]:
        cells, rules, col = [""] * n_idx, [], n_idx + 1
        for text, span in runs:
            cells.append(
                rf"\multicolumn{{{span}}}{{c}}{{{_tex(text)}}}" if span > 1 else _tex(text)
            )
            if text:
                rules.append(rf"\cmidrule(lr){{{col}-{col + span - 1}}}")
            col += span
        lines.append(" & ".join(cells) + r" \\")
        lines.append(" ".join(rules))
    leaves = [_tex(n) for n in names] + [_tex(text) for text, _ in heads[-1]]
    lines.append(" & ".join(leaves) + r" \\")
    return lines


def latex_table(
    frame: pd.DataFrame, *, title: str, notes: tuple[str, ...] = (), lang: str = "en"
) -> str:
    """A booktabs LaTeX table (needs ``\\usepackage{booktabs}``).

    Tables longer than :data:`LONGTABLE_ROWS` rows are set as a ``longtable`` (needs
    ``\\usepackage{longtable}``) whose header repeats on every page.
    """
    flat = _flat(frame, lang=lang)
    n_idx = len(_index_part(frame, lang)[0])
    spec = "l" * n_idx + "r" * (len(flat.columns) - n_idx)
    head = _latex_head(frame, flat, lang)
    body = [" & ".join(_tex(v) for v in row) + r" \\" for row in flat.itertuples(index=False)]
    note = [rf"\par\smallskip\footnotesize {_tex(' '.join(notes))}"] if notes else []
    if len(flat) > LONGTABLE_ROWS:
        lines = [
            rf"\begin{{longtable}}{{{spec}}}",
            rf"\caption{{{_tex(title)}}} \\",
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
            *body,
            r"\end{longtable}",
        ]
        if notes:
            lines.append(rf"{{\footnotesize {_tex(' '.join(notes))}\par}}")
        return "\n".join(lines)
    lines = [
        r"\begin{table}[htbp]",
        r"\centering",
        rf"\caption{{{_tex(title)}}}",
        rf"\begin{{tabular}}{{{spec}}}",
        r"\toprule",
        *head,
        r"\midrule",
        *body,
        r"\bottomrule",
        r"\end{tabular}",
        *note,
        r"\end{table}",
    ]
    return "\n".join(lines)


def write_latex(saved: SavedResults, path: Path, *, lang: str = "en") -> None:
    """Every table as a booktabs LaTeX fragment (\\input it; needs booktabs)."""
    parts = [
        "% Tables written by spatialpanel. Requires \\usepackage{booktabs} and "
        "\\usepackage{longtable}."
    ]
    saved = localized(saved, lang)
    if lang == "zh":
        parts.append("% Chinese labels: compile with xelatex and \\usepackage{xeCJK}.")
    if saved.study.get("synthetic"):
        parts.append("% SYNTHETIC DATA: generated demonstration panel, not real figures.")
    elif banner_key(saved.study) == "real_banner":
        parts.append("% REAL DATA (published NBS statistics), REDUCED INDICATOR SYSTEM.")
    for table, title in _numbered_tables(saved, lang):
        if len(table.frame) > MAX_ROWS:
            parts.append(f"% {_tex(title)}: {_too_long(table.key, len(table.frame), lang)}")
            continue
        parts.append(latex_table(table.frame, title=title, notes=table.notes, lang=lang))
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


def _docx_run(text: str) -> str:
    """A run of 8-point text, as python-docx writes ``cell.text = text`` and ``font.size``."""
    parts: list[str] = []
    for i, line in enumerate(text.split("\n")):
        if i:
            parts.append("<w:br/>")
        for j, chunk in enumerate(line.split("\t")):
            if j:
                parts.append("<w:tab/>")
            if chunk:
                space = ' xml:space="preserve"' if chunk != chunk.strip() else ""
                parts.append(f"<w:t{space}>{xml_escape(chunk)}</w:t>")
    return f'<w:r><w:rPr><w:sz w:val="16"/></w:rPr>{"".join(parts)}</w:r>'


def _docx_table(doc: object, title: str, flat: pd.DataFrame, notes: tuple[str, ...]) -> None:
    """A captioned three-line table with small type and its notes.

    The rows are written as WordprocessingML in one parse per table (the same elements
    python-docx makes cell by cell, which took ~10 s for the demo's 63 tables).
    """
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn
    from docx.shared import Pt

    doc.add_paragraph(title, style="Caption")  # type: ignore[attr-defined]
    grid = doc.add_table(rows=0, cols=len(flat.columns))  # type: ignore[attr-defined]
    tbl = grid._tbl
    widths = [gc.get(qn("w:w")) for gc in tbl.tblGrid.findall(qn("w:gridCol"))]
    rows_xml: list[str] = []
    for row_i, values in enumerate([list(flat.columns), *flat.itertuples(index=False)]):
        cells = []
        for width, v in zip(widths, values, strict=True):
            text = str(v)
            right = row_i > 0 and _NUMERIC.match(text) is not None
            ppr = '<w:pPr><w:jc w:val="right"/></w:pPr>' if right else ""
            cells.append(
                f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/></w:tcPr>'
                f"<w:p>{ppr}{_docx_run(text)}</w:p></w:tc>"
            )
        rows_xml.append(f"<w:tr>{''.join(cells)}</w:tr>")
    body = parse_xml(f"<w:tbl {nsdecls('w')}>{''.join(rows_xml)}</w:tbl>")
    for tr in list(body):
        tbl.append(tr)
    _three_line(grid)
    if notes:
        note = doc.add_paragraph(" ".join(notes))  # type: ignore[attr-defined]
        for run in note.runs:
            run.font.size = Pt(8)


def write_docx(saved: SavedResults, path: Path, *, lang: str = "en") -> None:
    """The report as a Word document: headings, sentences, three-line tables and figures."""
    import datetime as dt

    from docx import Document
    from docx.shared import Inches

    from spatialpanel.report.i18n import stage_title, translate_text
    from spatialpanel.results_folder import normalise_zip

    saved = localized(saved, lang)
    doc = Document()
    doc.core_properties.created = dt.datetime(2000, 1, 1)
    doc.core_properties.modified = dt.datetime(2000, 1, 1)
    doc.core_properties.author = "spatialpanel"
    title = translate_text(str(saved.study.get("title") or ""), lang)
    doc.add_heading(title or label("report", lang), level=0)
    key = banner_key(saved.study)
    if key:
        p = doc.add_paragraph()
        run = p.add_run(label(key, lang))
        run.bold = True
    from spatialpanel.report.build import conventions

    doc.add_heading(label("provenance", lang), level=1)
    for name, text in conventions(saved):
        para = doc.add_paragraph()
        para.add_run(f"{name}. " if lang == "en" else f"{translate_text(name, lang)}：").bold = True
        para.add_run(translate_text(text, lang))
    num = numbering(saved)
    long: list[tuple[str, pd.DataFrame, tuple[str, ...]]] = []
    for i, stage in enumerate(ordered_stages(saved), start=1):
        doc.add_heading(f"{i}. {stage_title(stage['name'], stage['title'], lang)}", level=1)
        for sent in stage["sentences"]:
            doc.add_paragraph(sent["text"], style="List Bullet")
        for t in stage["tables"]:
            table = saved.tables[t["key"]]
            title = num.table_title(table.key, table.title, lang=lang)
            if len(table.frame) > MAX_ROWS:
                long.append((title, table.frame, table.notes))
                see = f"{': ' if lang == 'en' else '：'}{label('appendix_see', lang)}"
                doc.add_paragraph(f"{title}{see}", style="Caption")
                continue
            _docx_table(doc, title, _flat(table.frame, lang=lang), table.notes)
        for f in stage["figures"]:
            # the web copy (1400 px across 6 in, about 230 dpi) keeps the .docx small and
            # quick to write; the full 300-dpi PNG stays in figures/
            picture = saved.figure_file(f["files"])
            if picture is not None:
                doc.add_picture(str(picture), width=Inches(6))
                title = num.figure_title(f["key"], f["title"], lang=lang)
                doc.add_paragraph(title, style="Caption")
    if long:
        doc.add_heading(label("appendix", lang), level=1)
        for title, frame, notes in long:
            _docx_table(doc, title, _flat(frame, lang=lang), notes)
    doc.save(str(path))
    normalise_zip(path)
