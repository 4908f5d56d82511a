"""Word tables are written as WordprocessingML in one parse per table (python-docx's cell-by-cell
construction took ~10 s for the demo's 63 tables). python-docx reads them back here: every cell's
text as written (escaping, spaces, tabs and line breaks), grouped headers as spans, the header
row repeated on each page, widths summing to the table width, and the minus of a number inside
words as a non-breaking hyphen."""

from __future__ import annotations

import pandas as pd
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from spatialpanel.report.document import ReportTable
from spatialpanel.report.grid import grid
from spatialpanel.report.word import table_layout
from spatialpanel.report.word_tables import table_xml

FRAME = pd.DataFrame(
    {
        ("a", "coef"): [0.2064, -1.25, 1.2e-05, 0.0, float("nan"), 3.0],
        ("a", "note"): [" lead space", "tab\there", "two\nlines", "", "a & b <c>", "城乡融合"],
        ("b", "text"): ["trail ", "smallest -0.000153 here", "—", "x", "y", "z"],
    },
    index=pd.Index(["uri", "gov", "open", "human", "ind", "tech"], name="variable"),
)


def _document() -> tuple[Document, ReportTable]:
    table = ReportTable("t", 1, "Test", (), FRAME)
    g = grid(table)
    layout = table_layout(g)
    assert layout is not None
    xml = table_xml(g, layout).replace("<w:tbl>", f"<w:tbl {nsdecls('w')}>", 1)
    doc = Document()
    doc.element.body.sectPr.addprevious(parse_xml(xml))
    return doc, table


def test_cells_read_back_as_written() -> None:
    doc, _ = _document()
    (read,) = doc.tables
    assert [c.text for c in read.rows[0].cells] == ["", "a", "a", "b"]  # "a" spans two columns
    assert [c.text for c in read.rows[1].cells] == ["variable", "coef", "note", "text"]
    body = [[c.text for c in row.cells] for row in read.rows[2:]]
    assert body == [
        ["uri", "0.2064", " lead space", "trail "],
        ["gov", "-1.2500", "tab\there", "smallest -0.000153 here"],
        ["open", "1.20e-05", "two\nlines", "—"],
        ["human", "0.0000", "", "x"],
        ["ind", "", "a & b <c>", "y"],
        ["tech", "3.0000", "城乡融合", "z"],
    ]


def test_table_structure() -> None:
    doc, _ = _document()
    xml = "".join(line.strip() for line in doc.tables[0]._tbl.xml.splitlines())
    assert xml.count("<w:tblHeader/>") == 2  # both header rows repeat on every page
    assert '<w:gridSpan w:val="2"/>' in xml
    assert '<w:tblLayout w:type="fixed"/>' in xml
    # the number inside a sentence keeps its minus on the line; a number alone keeps a plain one
    assert "<w:noBreakHyphen/><w:t>0.000153 here</w:t>" in xml
    assert "<w:t>-1.2500</w:t>" in xml
    tbl = doc.tables[0]._tbl
    widths = [int(col.get(qn("w:w"))) for col in tbl.tblGrid.findall(qn("w:gridCol"))]
    assert len(widths) == 4
    assert tbl.tblPr.find(qn("w:tblW")).get(qn("w:w")) == str(sum(widths))
