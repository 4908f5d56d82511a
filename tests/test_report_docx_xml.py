"""Word tables are written as XML in one parse per table; they must equal python-docx's own
cell-by-cell construction (``cell.text = ...``, ``run.font.size = Pt(8)``, right alignment of
numbers), which is the reference here."""

from __future__ import annotations

import pandas as pd
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from lxml import etree

from spatialpanel.report.tables import _NUMERIC, _docx_table, _three_line

FRAME = pd.DataFrame(
    {
        "variable": ["uri", " lead space", "tab\there", "two\nlines", "", "a & b <c>"],
        "coef": ["0.2064***", "(0.033)", "−1.25", "1.2e-05", "12%", "城乡融合"],
        "p": ["0.000", "nan", "", "trail ", "—", "x"],
    }
)


def _reference(doc: Document, title: str, flat: pd.DataFrame, notes: tuple[str, ...]) -> None:
    doc.add_paragraph(title, style="Caption")
    grid = doc.add_table(rows=len(flat) + 1, cols=len(flat.columns))
    rows = list(grid.rows)
    for row_i, values in enumerate([list(flat.columns), *flat.itertuples(index=False)]):
        for cell, v in zip(rows[row_i].cells, values, strict=True):
            cell.text = str(v)
            para = cell.paragraphs[0]
            if row_i > 0 and _NUMERIC.match(str(v)):
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            for run in para.runs:
                run.font.size = Pt(8)
    _three_line(grid)
    if notes:
        note = doc.add_paragraph(" ".join(notes))
        for run in note.runs:
            run.font.size = Pt(8)


def _body_xml(doc: Document) -> bytes:
    return etree.tostring(doc.element.body, method="c14n")


def test_xml_tables_equal_python_docx_cell_by_cell() -> None:
    ours, ref = Document(), Document()
    _docx_table(ours, "Table 1. Test", FRAME, ("Note: *** p < 0.01.",))
    _reference(ref, "Table 1. Test", FRAME, ("Note: *** p < 0.01.",))
    assert _body_xml(ours) == _body_xml(ref)
    # the reference really has the tricky cells (the comparison is not vacuous)
    assert b"<w:tab" in _body_xml(ref) and b"<w:br" in _body_xml(ref)
    assert b'xml:space="preserve"' in _body_xml(ref) and b'w:val="right"' in _body_xml(ref)
