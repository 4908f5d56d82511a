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

The document is built while the figures are still being drawn (:class:`PreparedDocx`); only the
pictures are put in, and the file written, once they are there.
"""

from __future__ import annotations

import datetime as dt
import weakref
from pathlib import Path
from typing import Any

from spatialpanel.report.document import ReportDocument, ReportFigure, ReportTable
from spatialpanel.report.grid import Grid, grid, table_notes
from spatialpanel.report.layout import Layout, pair_labels, plan
from spatialpanel.report.tables import wide_pointer, workbook_pointer
from spatialpanel.report.word_tables import CELL_MARGIN, TWIP, table_xml

__all__ = [
    "APPENDIX_ROWS",
    "EAST_ASIAN_FONT",
    "LATIN_FONT",
    "PreparedDocx",
    "table_layout",
    "write_docx",
]

#: Tables with more printed rows than this are printed in the appendix.
APPENDIX_ROWS = 32
LATIN_FONT = "Times New Roman"
EAST_ASIAN_FONT = "SimSun"

_MM = 72 / 25.4
PAGE_MM = (210.0, 297.0)
MARGIN_MM = 25.0
#: Text width in points, portrait and landscape.
PORTRAIT_PT = (PAGE_MM[0] - 2 * MARGIN_MM) * _MM
LANDSCAPE_PT = (PAGE_MM[1] - 2 * MARGIN_MM) * _MM
#: The column padding that the cell margins make (pt), with a safety allowance of 2 pt for the
#: width estimates.
_PAD_PT = 2 * CELL_MARGIN / TWIP + 2.0
#: Text widths are estimated from Times metrics; 4% more absorbs rounding and font substitutes.
_SAFETY = 1.04
_SIZES = (9.0, 8.0, 7.0, 6.5)
#: Figures are at most 6 in wide and this tall (two with their captions fit on a page).
FIGURE_HEIGHT_IN = 4.1


_LAYOUTS: dict[int, Layout | None] = {}


def table_layout(g: Grid) -> Layout | None:
    """Orientation, font size and column widths so that the table fits and no number wraps.

    ``None`` when even 6.5 pt on a landscape page is too narrow (the table stays in the
    workbook). Planned once per grid object and kept while it lives (the LaTeX writer asks too,
    to leave out the same tables); grids are frozen, so the layout stays true.
    """
    key = id(g)
    if key in _LAYOUTS:
        return _LAYOUTS[key]
    candidates = [(False, size) for size in _SIZES[:2]] + [(True, size) for size in _SIZES]
    layout = plan(
        g,
        candidates=candidates,
        portrait=PORTRAIT_PT,
        landscape=LANDSCAPE_PT,
        pad=_PAD_PT,
        scale=_SAFETY,
    )
    _LAYOUTS[key] = layout
    weakref.finalize(g, _LAYOUTS.pop, key, None)
    return layout


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


def _caption(w: _Writer, kind: str, number: int, title: str, previous: int) -> Any:
    """A caption paragraph: the label, a ``SEQ`` field showing ``number``, the title.

    The field restarts at ``number`` (``\\r``) where the sequence jumps (a table printed in the
    appendix or left to the workbook), so Word shows the report's numbers even after it
    updates its fields.
    """
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    doc = w.doc
    word = doc.label("table" if kind == "Table" else "figure")
    restart = f" \\r {number}" if number != previous + 1 else ""
    para = w.paragraph(style="Caption")
    _add_run(para, f"{word} ")
    instruction = f" SEQ {kind}{restart} \\* ARABIC "
    runs = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
        f'<w:r><w:instrText xml:space="preserve">{instruction}</w:instrText></w:r>',
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>',
        f"<w:r><w:t>{number}</w:t></w:r>",
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
    )
    # one parse for the five runs (the paragraph they come in is left behind)
    para._p.extend(list(parse_xml(f"<w:p {nsdecls('w')}>{''.join(runs)}</w:p>")))
    _add_run(para, f"{doc.label('caption_sep')}{title}")
    return para


def _add_run(para: Any, text: str) -> Any:
    """``para.add_run(text)``. Text without tabs and line breaks goes into the run's one
    ``w:t`` at once: python-docx puts a run's text through a state machine a character at a
    time, which makes the same single ``w:t`` of such text."""
    if not text or "\t" in text or "\r" in text or "\n" in text:
        return para.add_run(text)
    run = para.add_run()
    run._r.add_t(text)
    return run


def _notes(document: Any, doc: ReportDocument, notes: tuple[str, ...]) -> None:
    from docx.shared import Pt

    if not notes:
        return
    para = document.add_paragraph()
    para.paragraph_format.space_before = Pt(3)
    para.paragraph_format.space_after = Pt(8)
    run = _add_run(para, doc.label("notes") + " ".join(notes))
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
    """The document being built. Each figure gets its paragraph with an empty run, listed in
    :attr:`pictures` in the order of the document, where :func:`_place_pictures` puts the
    picture later (the figures are still being drawn); figures whose PNG is in ``missing`` are left
    out with their captions."""

    def __init__(self, doc: ReportDocument, missing: frozenset[str]) -> None:
        from docx import Document

        self.doc = doc
        self.missing = missing
        self.document = Document()
        _style_document(self.document, doc.lang)
        self.last_table = 0
        self.last_figure = 0
        self.appendix: list[ReportTable] = []
        self.pictures: list[tuple[str, Any]] = []  # (PNG, the run that will hold its picture)
        self.style_ids: dict[str, str | None] = {}

    def paragraph(self, text: str = "", style: str | None = None) -> Any:
        """``document.add_paragraph(text, style)``, with the id of each paragraph style looked
        up once per document (python-docx looks a style name up, and the default style, with a
        search of the styles part at every paragraph)."""
        para = self.document.add_paragraph()
        if text:
            _add_run(para, text)
        if style is not None:
            if style not in self.style_ids:
                from docx.enum.style import WD_STYLE_TYPE

                part = self.document.part
                self.style_ids[style] = part.get_style_id(style, WD_STYLE_TYPE.PARAGRAPH)
            para._p.style = self.style_ids[style]
        return para

    def heading(self, text: str, level: int) -> Any:
        """``document.add_heading(text, level)`` (style ``Title`` or ``Heading LEVEL``)."""
        return self.paragraph(text, "Title" if level == 0 else f"Heading {level}")

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
        _caption(self, "Table", table.number, table.title, self.last_table)
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
        run = _add_run(para, text)
        run.italic = True
        run.font.size = Pt(10)

    def figure(self, figure: ReportFigure) -> None:
        if figure.png is None:
            return
        _orient(self.document, False)
        if figure.png in self.missing:  # no file to embed: neither picture nor caption
            return
        para = self.document.add_paragraph()
        para.paragraph_format.keep_with_next = True
        self.pictures.append((figure.png, para.add_run()))
        caption = _caption(self, "Figure", figure.number, figure.title, self.last_figure)
        # a caption below its figure ends the block: it must not pull the next figure along
        caption.paragraph_format.keep_with_next = False
        self.last_figure = figure.number


def _place_pictures(document: Any, placed: list[tuple[Any, Path]]) -> None:
    """Put each figure into its empty run, in the order of the document (the image parts, their
    relationship ids and the drawings' ids are numbered as they are added): 6 in across, or
    less for a tall figure, so that two figures and their captions fit on a page.

    This is python-docx's ``Run.add_picture``, but for the drawing's id: ``add_picture`` takes
    one more than the largest ``id`` in the whole document, found by a search of the document
    for each picture (0.24 s for the demo's 20 figures among its 63 tables); the same ids are
    counted here from one search."""
    from docx.oxml.shape import CT_Inline
    from docx.shared import Inches

    part = document.part
    shape_id = max((int(v) for v in part.element.xpath("//@id") if v.isdigit()), default=0)
    for run, picture in placed:
        rid, image = part.get_or_add_image(str(picture))
        width = min(6.0, FIGURE_HEIGHT_IN * image.px_width / image.px_height)
        cx, cy = image.scaled_dimensions(Inches(width), None)
        shape_id += 1
        run._r.add_drawing(CT_Inline.new_pic_inline(shape_id, rid, image.filename, cx, cy))


def _provenance(w: _Writer) -> None:
    """The settings and provenance section, last (as in the HTML report): the conventions, then
    the study and data files, hashes, seed and versions. ``term`` words a name and its text
    ("Seed. 20250718" / "随机种子：20250718")."""
    doc, document = w.doc, w.document
    if not (doc.conventions or doc.provenance):
        return
    _orient(document, False)
    term = doc.labels.get("term", "{term}. {text}")
    head, _, tail = term.partition("{text}")
    w.heading(doc.label("provenance"), 1)
    if doc.conventions:
        w.heading(doc.label("conventions"), 2)
    for i, (name, text) in enumerate((*doc.conventions, *doc.provenance)):
        if i == len(doc.conventions) and doc.conventions and doc.provenance:
            document.add_paragraph()
        para = document.add_paragraph()
        _add_run(para, head.format(term=name)).bold = True
        _add_run(para, text + tail)


def _build(doc: ReportDocument, missing: frozenset[str]) -> _Writer:
    """The whole document but the pictures (see :class:`_Writer`)."""
    w = _Writer(doc, missing)
    document = w.document
    document.core_properties.created = dt.datetime(2000, 1, 1)
    document.core_properties.modified = dt.datetime(2000, 1, 1)
    document.core_properties.author = "spatialpanel"
    w.heading(doc.title, 0)
    if doc.banner:
        _add_run(document.add_paragraph(), doc.banner).bold = True
    heading = doc.labels.get("section_heading", "{number}. {title}")
    for number, section in enumerate(doc.sections, start=1):
        _orient(document, False)
        w.heading(heading.format(number=section.number or number, title=section.title), 1)
        for sentence in section.sentences:
            w.paragraph(sentence, "List Bullet")
        for table in section.tables:
            w.table(table)
        for figure in section.figures:
            w.figure(figure)
    if w.appendix:
        _orient(document, False)
        w.heading(doc.label("appendix"), 1)
        for table in w.appendix:
            w.table(table, in_appendix=True)
    _provenance(w)
    return w


class PreparedDocx:
    """The Word report of ``doc`` built before its figures are drawn: every heading, sentence,
    table, caption and style, and an empty run where each figure goes. :meth:`save` reads the
    figures (from the results folder ``root``, or from ``staged``, the files a report adds
    before they are moved into it), puts them in place and writes the file, which is the same
    as one built when the figures were there.

    The figures are the web copies of the PNGs in the document's language (``figures/web/``:
    1400 px across 6 in, about 230 dpi; see
    :func:`~spatialpanel.report.figure_jobs.figure_source`), which keep the ``.docx`` small and
    quick to write; the full 300-dpi PNGs stay in ``figures/``.
    """

    def __init__(self, doc: ReportDocument, *, root: Path, staged: Path | None = None) -> None:
        self.doc = doc
        self.root = root
        self.staged = staged
        self._writer: _Writer | None = _build(doc, frozenset())

    def save(self, path: Path) -> None:
        """Embed the figures and write ``path`` (once).

        A figure without a file is left out with its caption, as when the document is built
        without it; the document is then built again without it (the numbering of the later
        figure captions depends on it), which only happens when a figure failed to appear.
        """
        from spatialpanel.report.figure_jobs import figure_source
        from spatialpanel.results_folder import normalise_zip

        writer, self._writer = self._writer, None
        if writer is None:
            raise RuntimeError("PreparedDocx.save writes the document once; prepare it again")
        sources = {}
        for png, _ in writer.pictures:
            source = figure_source(self.root, png, staged=self.staged)
            if source is not None:
                sources[png] = source
        if len(sources) < len({png for png, _ in writer.pictures}):
            missing = frozenset(png for png, _ in writer.pictures if png not in sources)
            writer = _build(self.doc, missing)
        _place_pictures(writer.document, [(run, sources[png]) for png, run in writer.pictures])
        writer.document.save(str(path))
        normalise_zip(path)


def write_docx(doc: ReportDocument, path: Path, *, root: Path, staged: Path | None = None) -> None:
    """Write ``doc`` as ``path``: figures (each in the document's language where drawn in it,
    see :func:`~spatialpanel.report.figure_jobs.figure_png`) read from the results folder
    ``root``, or from ``staged``, the files a report adds before they are moved into it.
    :class:`PreparedDocx` does the same in two steps, before and after the figures are drawn."""
    PreparedDocx(doc, root=root, staged=staged).save(path)
