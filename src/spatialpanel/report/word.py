"""The report as a Word document (``report.docx``), typeset for print.

* A4 portrait with 2.5 cm margins; a table too wide for the portrait text width is set in a
  landscape section (consecutive wide tables share one).
* Column widths from the content (:mod:`spatialpanel.report.measure`): numbers never wrap; only
  text columns (row labels, words) may wrap, and only when the table would not fit otherwise. A
  table is set at 9 pt, else 8 pt portrait, else landscape at 9, 8, 7 or 6.5 pt.
* Three-line (booktabs) tables: a thick rule above and below, a thin rule under the header and
  under each group of a grouped header, a thin rule above a regression table's statistics; the
  header row repeats on every page.
* Captions above tables and below figures are Word caption fields (``SEQ Table``, ``SEQ
  Figure``), so Word's "Insert Table of Figures" lists them; their numbers are the report's.
* Times New Roman for Latin text and SimSun (宋体) for East Asian text (``w:eastAsia``).
* Data tables longer than :data:`APPENDIX_ROWS` printed rows go to an appendix at the end (a
  line in place says so; regression tables stay in place). Tables marked ``long``, and tables
  too wide for a landscape page at 6.5 pt, are left to the workbook (a line says where).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from spatialpanel.report.document import ReportDocument, ReportFigure, ReportTable
from spatialpanel.report.grid import Cell, Grid, grid, table_notes
from spatialpanel.report.layout import Layout, pair_labels, plan
from spatialpanel.report.tables import wide_pointer, workbook_pointer

__all__ = ["APPENDIX_ROWS", "EAST_ASIAN_FONT", "LATIN_FONT", "table_layout", "write_docx"]

#: Tables with more printed rows than this are printed in the appendix.
APPENDIX_ROWS = 32
LATIN_FONT = "Times New Roman"
EAST_ASIAN_FONT = "SimSun"

_TWIP = 20  # twentieths of a point
_MM = 72 / 25.4
PAGE_MM = (210.0, 297.0)
MARGIN_MM = 25.0
#: Text width in points, portrait and landscape.
PORTRAIT_PT = (PAGE_MM[0] - 2 * MARGIN_MM) * _MM
LANDSCAPE_PT = (PAGE_MM[1] - 2 * MARGIN_MM) * _MM
#: Cell margin (twips, each side) and the column padding it makes (pt), with a safety allowance
#: of 2 pt for the width estimates.
_CELL_MARGIN = 60
_PAD_PT = 2 * _CELL_MARGIN / _TWIP + 2.0
#: Text widths are estimated from Times metrics; 4% more absorbs rounding and font substitutes.
_SAFETY = 1.04
_SIZES = (9.0, 8.0, 7.0, 6.5)
#: Figures are at most 6 in wide and this tall (two with their captions fit on a page).
FIGURE_HEIGHT_IN = 4.1


def table_layout(g: Grid) -> Layout | None:
    """Orientation, font size and column widths so that the table fits and no number wraps.

    ``None`` when even 6.5 pt on a landscape page is too narrow (the table stays in the
    workbook).
    """
    candidates = [(False, size) for size in _SIZES[:2]] + [(True, size) for size in _SIZES]
    return plan(
        g,
        candidates=candidates,
        portrait=PORTRAIT_PT,
        landscape=LANDSCAPE_PT,
        pad=_PAD_PT,
        scale=_SAFETY,
    )


# --------------------------------------------------------------------------- table XML
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
        f'<w:tc><w:tcPr><w:tcW w:w="{round(width * _TWIP)}" w:type="dxa"/>{span_xml}'
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
    grid_xml = "".join(f'<w:gridCol w:w="{round(w * _TWIP)}"/>' for w in widths)
    tbl_pr = (
        f'<w:tblPr><w:tblW w:w="{round(total * _TWIP)}" w:type="dxa"/><w:jc w:val="center"/>'
        f"<w:tblBorders>{_border('top', 12)}{_border('bottom', 12)}</w:tblBorders>"
        f'<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="{_CELL_MARGIN}" w:type="dxa"/>'
        f'<w:right w:w="{_CELL_MARGIN}" w:type="dxa"/></w:tblCellMar></w:tblPr>'
    )
    return f"<w:tbl>{tbl_pr}<w:tblGrid>{grid_xml}</w:tblGrid>{''.join(rows)}</w:tbl>"


# --------------------------------------------------------------------------- the document
def _fonts(rpr: Any, *, east_asian_lang: str | None = None) -> None:
    """Times New Roman / SimSun on a ``w:rPr``; theme fonts removed so they cannot override."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        if attr.lower().endswith("theme"):  # asciiTheme, eastAsiaTheme, hAnsiTheme, cstheme
            del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    if east_asian_lang:
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:eastAsia"), east_asian_lang)


def _style_document(document: Any, lang: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    ea = "zh-CN" if lang == "zh" else None
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if rpr is not None:
            _fonts(rpr, east_asian_lang=ea)
        # no punctuation hanging past the margin or a cell's edge (East Asian typesetting's
        # default): every line stays inside the page and every cell inside its column
        ppr = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}")
        if ppr is not None:
            overflow = OxmlElement("w:overflowPunct")
            overflow.set(qn("w:val"), "0")
            ppr.insert(0, overflow)  # before w:spacing, in the schema's order
    sizes = {"Normal": 11, "Title": 20, "Heading 1": 14, "Heading 2": 12, "Caption": 10}
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Caption", "List Bullet"):
        style = document.styles[name]
        _fonts(style.element.get_or_add_rPr(), east_asian_lang=ea)
        if name in sizes:
            style.font.size = Pt(sizes[name])
        if name != "Normal":
            style.font.color.rgb = RGBColor(0, 0, 0)
    caption = document.styles["Caption"]
    caption.font.bold = False
    caption.font.italic = False
    caption.paragraph_format.keep_with_next = True
    caption.paragraph_format.space_before = Pt(8)
    caption.paragraph_format.space_after = Pt(4)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(MARGIN_MM))


def _caption(document: Any, doc: ReportDocument, kind: str, number: int, title: str,
             previous: int) -> None:  # fmt: skip
    """A caption paragraph: the label, a ``SEQ`` field showing ``number``, the title.

    The field restarts at ``number`` (``\\r``) where the sequence jumps (a table printed in the
    appendix or left to the workbook), so Word shows the report's numbers even after it
    updates its fields.
    """
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    word = doc.label("table" if kind == "Table" else "figure")
    restart = f" \\r {number}" if number != previous + 1 else ""
    para = document.add_paragraph(style="Caption")
    para.add_run(f"{word} ")
    instruction = f" SEQ {kind}{restart} \\* ARABIC "
    runs = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
        f'<w:r><w:instrText xml:space="preserve">{instruction}</w:instrText></w:r>',
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>',
        f"<w:r><w:t>{number}</w:t></w:r>",
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
    )
    for run in runs:
        para._p.append(parse_xml(run.replace("<w:r>", f"<w:r {nsdecls('w')}>", 1)))
    para.add_run(f"{doc.label('caption_sep')}{title}")


def _notes(document: Any, doc: ReportDocument, notes: tuple[str, ...]) -> None:
    from docx.shared import Pt

    if not notes:
        return
    para = document.add_paragraph()
    para.paragraph_format.space_before = Pt(3)
    para.paragraph_format.space_after = Pt(8)
    run = para.add_run(doc.label("notes") + " ".join(notes))
    run.font.size = Pt(8)


def _orient(document: Any, landscape: bool) -> None:
    """Start a new page section in the given orientation (when it changes)."""
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.shared import Mm

    current = document.sections[-1]
    if (current.orientation == WD_ORIENT.LANDSCAPE) == landscape:
        return
    section = document.add_section(WD_SECTION.NEW_PAGE)
    short, long_ = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long_, short) if landscape else (short, long_)


class _Writer:
    def __init__(self, doc: ReportDocument, root: Path, staged: Path | None = None) -> None:
        from docx import Document

        self.doc = doc
        self.root = root
        self.staged = staged
        self.document = Document()
        _style_document(self.document, doc.lang)
        self.last_table = 0
        self.last_figure = 0
        self.appendix: list[ReportTable] = []

    def table(self, table: ReportTable, *, in_appendix: bool = False) -> None:
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls

        doc = self.doc
        if table.long:
            self._line(f"{self._title(table)} ({workbook_pointer(doc, table)})")
            return
        g = grid(table)
        if len(g.rows) > APPENDIX_ROWS and not in_appendix and not g.regression:
            self._line(f"{self._title(table)} ({doc.label('in_appendix')})")
            self.appendix.append(table)
            return
        layout = table_layout(g)
        if layout is None:
            self._line(f"{self._title(table)} ({wide_pointer(doc, table, g)})")
            return
        g = pair_labels(g, layout, pad=_PAD_PT, scale=_SAFETY)
        _orient(self.document, layout.landscape)
        _caption(self.document, doc, "Table", table.number, table.title, self.last_table)
        self.last_table = table.number
        xml = table_xml(g, layout).replace("<w:tbl>", f"<w:tbl {nsdecls('w')}>", 1)
        self.document.element.body.sectPr.addprevious(parse_xml(xml))
        _notes(self.document, doc, table_notes(doc, table))

    def _title(self, table: ReportTable) -> str:
        doc = self.doc
        return f"{doc.label('table')} {table.number}{doc.label('caption_sep')}{table.title}"

    def _line(self, text: str) -> None:
        from docx.shared import Pt

        para = self.document.add_paragraph()
        run = para.add_run(text)
        run.italic = True
        run.font.size = Pt(10)

    def figure(self, figure: ReportFigure) -> None:
        from docx.shared import Inches

        if figure.png is None:
            return
        _orient(self.document, False)
        # the figure in the report's language (figure.png: figures/KEY.zh.png for Chinese),
        # as its web copy (1400 px across 6 in, about 230 dpi), which keeps the .docx small and
        # quick to write; the full 300-dpi PNG stays in figures/
        from spatialpanel.report.figure_jobs import figure_source

        picture = figure_source(self.root, figure.png, staged=self.staged)
        if picture is None:
            return
        from docx.image.image import Image

        image = Image.from_file(str(picture))
        # 6 in across, or less for a tall figure: two figures and captions fit on a page
        width = min(6.0, FIGURE_HEIGHT_IN * image.px_width / image.px_height)
        self.document.add_picture(str(picture), width=Inches(width))
        self.document.paragraphs[-1].paragraph_format.keep_with_next = True
        _caption(self.document, self.doc, "Figure", figure.number, figure.title, self.last_figure)
        # a caption below its figure ends the block: it must not pull the next figure along
        self.document.paragraphs[-1].paragraph_format.keep_with_next = False
        self.last_figure = figure.number


def _provenance(document: Any, doc: ReportDocument) -> None:
    """The settings and provenance section, last (as in the HTML report): the conventions, then
    the study and data files, hashes, seed and versions. ``term`` words a name and its text
    ("Seed. 20250718" / "随机种子：20250718")."""
    if not (doc.conventions or doc.provenance):
        return
    _orient(document, False)
    term = doc.labels.get("term", "{term}. {text}")
    head, _, tail = term.partition("{text}")
    document.add_heading(doc.label("provenance"), level=1)
    if doc.conventions:
        document.add_heading(doc.label("conventions"), level=2)
    for i, (name, text) in enumerate((*doc.conventions, *doc.provenance)):
        if i == len(doc.conventions) and doc.conventions and doc.provenance:
            document.add_paragraph()
        para = document.add_paragraph()
        para.add_run(head.format(term=name)).bold = True
        para.add_run(text + tail)


def write_docx(doc: ReportDocument, path: Path, *, root: Path, staged: Path | None = None) -> None:
    """Write ``doc`` as ``path``: figures (each in the document's language where drawn in it,
    see :func:`~spatialpanel.report.figure_jobs.figure_png`) read from the results folder
    ``root``, or from ``staged``, the files a report adds before they are moved into it."""
    from spatialpanel.results_folder import normalise_zip

    w = _Writer(doc, root, staged)
    document = w.document
    document.core_properties.created = dt.datetime(2000, 1, 1)
    document.core_properties.modified = dt.datetime(2000, 1, 1)
    document.core_properties.author = "spatialpanel"
    document.add_heading(doc.title, level=0)
    if doc.banner:
        document.add_paragraph().add_run(doc.banner).bold = True
    heading = doc.labels.get("section_heading", "{number}. {title}")
    for number, section in enumerate(doc.sections, start=1):
        _orient(document, False)
        document.add_heading(
            heading.format(number=section.number or number, title=section.title), level=1
        )
        for sentence in section.sentences:
            document.add_paragraph(sentence, style="List Bullet")
        for table in section.tables:
            w.table(table)
        for figure in section.figures:
            w.figure(figure)
    if w.appendix:
        _orient(document, False)
        document.add_heading(doc.label("appendix"), level=1)
        for table in w.appendix:
            w.table(table, in_appendix=True)
    _provenance(document, doc)
    document.save(str(path))
    normalise_zip(path)
