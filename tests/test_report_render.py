"""The demo report rendered as a reader gets it: Word through LibreOffice, LaTeX through pdflatex.

- ``report.docx`` (English and Chinese) is converted to PDF by LibreOffice headless (Debian's
  ``libreoffice-writer-nogui``); from the PDF's word boxes (``pdftotext -bbox-layout``, poppler)
  every word of every page lies inside the page's margins (so every table fits its page,
  portrait or landscape), and every number printed in a Word table appears in the PDF as one
  word as often as in the tables (a number split across lines, "0.23" / "68", would be missing).
- ``tables.tex`` compiles with pdflatex in an A4 article (the preamble its header asks for): no
  error, no overfull box wider than 3 pt, and each table's LaTeX number (read from the ``.aux``
  file) equals the report's number.
- The Chinese ``tables.tex`` compiles with xelatex and ``ctexart`` (Debian's ``texlive-xetex``
  and ``texlive-lang-chinese``), with the same checks and no glyph missing from the fonts.

Each test is skipped where its tool is absent; ``.ci/run`` installs them. The PDFs are saved in
``tests/artifacts/`` for a person to look at.
"""

from __future__ import annotations

import collections
import json
import re
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pytest

from spatialpanel.report.latex import write_latex
from spatialpanel.report.localise import localise
from spatialpanel.report.results_io import load_results, numbering
from spatialpanel.report.word import MARGIN_MM, write_docx
from spatialpanel.study.pipeline import run_study

ARTIFACTS = Path(__file__).parent / "artifacts"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
PDFLATEX = shutil.which("pdflatex")
XELATEX = shutil.which("xelatex")
MARGIN_PT = MARGIN_MM * 72 / 25.4


def _times_metrics() -> bool:
    """Whether Times New Roman, or Liberation Serif (same metrics), is what LibreOffice gets."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return False
    found = subprocess.run(
        [fc_match, "Times New Roman"], capture_output=True, text=True, check=False
    )
    return bool(re.search(r"Times New Roman|Liberation Serif", found.stdout))


WORD = SOFFICE is not None and PDFTOTEXT is not None and _times_metrics()
WORD_REASON = "needs soffice, pdftotext and Times New Roman or Liberation Serif (fonts-liberation2)"
TOLERANCE_PT = 3.0  # "no overfull box over a few points"; word boxes within 3 pt of the margin

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("render") / "results"
    run_study(None, out_dir=out)
    return out


def _pdf(docx: Path, workdir: Path) -> Path:
    """``docx`` converted by LibreOffice headless, with a profile of its own (parallel runs)."""
    assert SOFFICE is not None
    profile = workdir / "lo-profile"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(workdir),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    pdf = workdir / (docx.stem + ".pdf")
    assert pdf.is_file(), f"LibreOffice wrote no PDF for {docx}"
    return pdf


def _bbox_layout(pdf: Path) -> ElementTree.Element:
    """The word boxes of ``pdf`` as poppler's ``pdftotext -bbox-layout`` gives them."""
    assert PDFTOTEXT is not None
    xml = subprocess.run(
        [PDFTOTEXT, "-bbox-layout", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    return ElementTree.fromstring(re.sub(r'\sxmlns="[^"]+"', "", xml, count=1))


def _word_boxes(pdf: Path) -> list[tuple[int, float, float, str, float, float]]:
    """(page, page width, page height, word, xMin, xMax) of every word of ``pdf``."""
    root = _bbox_layout(pdf)
    boxes = []
    for number, page in enumerate(root.iter("page"), start=1):
        width, height = float(page.get("width", 0)), float(page.get("height", 0))
        for word in page.iter("word"):
            boxes.append(
                (
                    number,
                    width,
                    height,
                    word.text or "",
                    float(word.get("xMin", 0)),
                    float(word.get("xMax", 0)),
                )
            )
    return boxes


_NUMBER = re.compile(r"^[(\-]?\d[\d.,]*(e[-+]\d+)?\)?\**%?$")
#: Chinese punctuation that LibreOffice lets hang past the margin at a line's end (East Asian
#: typesetting's hanging punctuation): up to one em of the body text beyond the margin.
_HANGING = tuple("。，、；：）」』】》！？")
_BODY_EM = 11.0


def _table_numbers(docx: Path) -> collections.Counter[str]:
    """Every number printed in the Word tables (whitespace-separated, merged cells once)."""
    from docx import Document

    tokens: collections.Counter[str] = collections.Counter()
    for table in Document(str(docx)).tables:
        for row in table.rows:
            seen: set[int] = set()
            for cell in row.cells:
                if id(cell._tc) in seen:
                    continue
                seen.add(id(cell._tc))
                tokens.update(t for t in cell.text.split() if _NUMBER.match(t))
    return tokens


def _check_word(docx: Path, workdir: Path) -> list[tuple[int, float, float, str, float, float]]:
    pdf = _pdf(docx, workdir)
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(pdf, ARTIFACTS / pdf.name)
    boxes = _word_boxes(pdf)

    def beyond(word: str, x1: float, width: float) -> bool:
        hang = _BODY_EM if word.endswith(_HANGING) else 0.0
        return x1 > width - MARGIN_PT + TOLERANCE_PT + hang

    outside = [
        (page, word, round(x0, 1), round(x1, 1))
        for page, width, _, word, x0, x1 in boxes
        if x0 < MARGIN_PT - TOLERANCE_PT or beyond(word, x1, width)
    ]
    assert outside == [], f"words outside the margins (page, word, xMin, xMax): {outside[:10]}"
    printed = collections.Counter(word for *_, word, _, _ in boxes)
    wanted = _table_numbers(docx)
    split = {t: (n, printed[t]) for t, n in wanted.items() if printed[t] < n}
    assert split == {}, f"numbers split or lost (token: in tables, in the PDF): {split}"
    assert sum(wanted.values()) > 2000  # the check ran over the demo's tables
    return boxes


@pytest.mark.skipif(not WORD, reason=WORD_REASON)
def test_word_report_fits_its_pages(demo: Path, tmp_path: Path) -> None:
    boxes = _check_word(demo / "report.docx", tmp_path)
    pages = {page: (width, height) for page, width, height, *_ in boxes}
    assert len(pages) < 60  # was 180 pages of Letter
    assert all(abs(w - 595.3) < 1 or abs(w - 841.9) < 1 for w, _ in pages.values())  # A4
    assert any(w > h for w, h in pages.values())  # the widest tables are set landscape


@pytest.mark.skipif(not WORD, reason=WORD_REASON)
def test_chinese_word_report_fits_its_pages(demo: Path, tmp_path: Path) -> None:
    docx = tmp_path / "report.zh.docx"
    write_docx(localise(load_results(demo), "zh"), docx, root=demo)
    boxes = _check_word(docx, tmp_path)
    assert any("表" in word for *_, word, _, _ in boxes)


def _compile(engine: str, tex: Path, preamble: str) -> str:
    main = tex.parent / "main.tex"
    main.write_text(
        preamble + "\\begin{document}\n\\input{" + tex.name + "}\n\\end{document}\n",
        encoding="utf-8",
    )
    for _ in range(2):  # longtable settles its column widths on the second run
        run = subprocess.run(
            [engine, "-interaction=nonstopmode", "-halt-on-error", main.name],
            cwd=tex.parent,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert run.returncode == 0, run.stdout[-3000:]
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(tex.parent / "main.pdf", ARTIFACTS / f"{tex.stem}.pdf")
    return (tex.parent / "main.log").read_text(encoding="utf-8", errors="replace")


def _check_log(log: str) -> None:
    overfull = [float(x) for x in re.findall(r"Overfull \\[hv]box \((\d+\.?\d*)pt too", log)]
    assert [x for x in overfull if x > TOLERANCE_PT] == [], overfull
    assert "Missing character" not in log


def _check_numbers(results: Path, tex: Path) -> None:
    """LaTeX's table numbers (from the labels in the .aux file) are the report's numbers."""
    aux = (tex.parent / "main.aux").read_text(encoding="utf-8", errors="replace")
    labels = dict(re.findall(r"\\newlabel\{tab:([^}]+)\}\{\{(\d+)\}", aux))
    expected = numbering(load_results(results)).tables
    assert labels, "no table label in the .aux file"
    assert {k: int(v) for k, v in labels.items()} == {k: expected[k] for k in labels}
    source = tex.read_text(encoding="utf-8")
    assert not re.search(r"\\caption\{(Table|表) ?\d", source)  # LaTeX numbers; we do not


_PREAMBLE = (
    "\\documentclass[a4paper]{article}\n\\usepackage[margin=25mm]{geometry}\n"
    "\\usepackage{array,booktabs,longtable,graphicx,pdflscape}\n\\usepackage{caption}\n"
)


@pytest.mark.skipif(PDFLATEX is None, reason="pdflatex is not installed")
def test_latex_tables_compile_cleanly(demo: Path, tmp_path: Path) -> None:
    tex = tmp_path / "tables.tex"
    shutil.copy(demo / "tables.tex", tex)
    assert PDFLATEX is not None
    _check_log(_compile(PDFLATEX, tex, _PREAMBLE))
    _check_numbers(demo, tex)
    stages = json.loads((demo / "stages.json").read_text(encoding="utf-8"))
    kinds = {t["key"]: t["kind"] for s in stages["stages"] for t in s["tables"]}
    assert kinds["table7_sdm"] == kinds["compare_models"] == "regression"


def _has_ctex() -> bool:
    kpsewhich = shutil.which("kpsewhich")
    if XELATEX is None or kpsewhich is None:
        return False
    found = subprocess.run([kpsewhich, "ctexart.cls"], capture_output=True, text=True, check=False)
    return bool(found.stdout.strip())


@pytest.mark.skipif(not _has_ctex(), reason="xelatex with ctex is not installed")
def test_chinese_latex_tables_compile_with_xelatex_and_ctex(demo: Path, tmp_path: Path) -> None:
    tex = tmp_path / "tables.zh.tex"
    write_latex(localise(load_results(demo), "zh"), tex)
    head = tex.read_text(encoding="utf-8")[:600]
    assert "xelatex" in head and "ctex" in head
    preamble = _PREAMBLE.replace(
        "\\documentclass[a4paper]{article}", "\\documentclass[a4paper]{ctexart}"
    )
    assert XELATEX is not None
    _check_log(_compile(XELATEX, tex, preamble))
    _check_numbers(demo, tex)


def _word_rows(pdf: Path) -> list[tuple[int, str, float, float, float]]:
    """(page, word, xMin, xMax, vertical centre) of every word of ``pdf``."""
    root = _bbox_layout(pdf)
    return [
        (
            number,
            word.text or "",
            float(word.get("xMin", 0)),
            float(word.get("xMax", 0)),
            (float(word.get("yMin", 0)) + float(word.get("yMax", 0))) / 2,
        )
        for number, page in enumerate(root.iter("page"), start=1)
        for word in page.iter("word")
    ]


@pytest.mark.skipif(not WORD, reason=WORD_REASON)
def test_chinese_row_labels_sit_on_their_coefficients_line(demo: Path, tmp_path: Path) -> None:
    """In the Chinese Word report a row label (宋体 or its substitute, taller than Times) sits on
    the line of the coefficient beside it, not half a line lower between the coefficient and its
    standard error (every table cell has an exact line height). Word-box centres measured on
    the demo: 0.0 pt from the coefficient's with exact line heights, 1.0-1.1 pt with single
    (font-dependent) ones."""
    docx = tmp_path / "report.zh.docx"
    write_docx(localise(load_results(demo), "zh"), docx, root=demo)
    words = _word_rows(_pdf(docx, tmp_path))
    labels = {"政府干预", "对外开放程度", "人力资本", "产业结构", "科技创新水平"}
    checked = 0
    for page, word, _, x1, yc in words:
        if word not in labels:
            continue
        numbers = [
            abs(c - yc)
            for p, w, x0, _, c in words
            if p == page and x0 > x1 and _NUMBER.match(w) and abs(c - yc) < 12
        ]
        if not numbers:  # a label in running text, not in a table row
            continue
        checked += 1
        assert min(numbers) < 0.5, (page, word, sorted(numbers)[:3])
    assert checked >= 20  # the regression tables of the demo (SDM, effects, robustness, ...)


def test_workbook_columns_fit_their_numbers(demo: Path) -> None:
    """Excel shows ``###`` in a column narrower than a number as formatted: every column with
    numbers is at least as wide as its widest number (in characters, Excel's width unit) plus
    a margin. Before the widths were set, 33 cells of the demo's workbook printed as ``###``
    in LibreOffice (e.g. the SDM table's AIC, -1806.9297, in a column of the default 8.43)."""
    from openpyxl import load_workbook

    book = load_workbook(demo / "tables.xlsx")
    checked = 0
    for ws in book.worksheets:
        widths = {k: v.width for k, v in ws.column_dimensions.items() if v.width}
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if not isinstance(value, int | float) or isinstance(value, bool):
                    continue
                fmt = cell.number_format
                decimals = len(fmt.split(".")[1]) if "." in fmt else 0
                sep = "," if "#,##" in fmt else ""
                shown = format(value, f"{sep}.{decimals}f")
                width = widths.get(cell.column_letter, 8.43)
                assert width >= len(shown) + 1, (ws.title, cell.coordinate, shown, width)
                checked += 1
    assert checked > 5000


def test_workbook_regression_sheets_show_labels(demo: Path) -> None:
    """The regression payload's row blocks and statistics are labelled, never identifiers
    (``stat``, ``n_entities`` printed as they were before)."""
    from openpyxl import load_workbook

    book = load_workbook(demo / "tables.xlsx")
    sdm = next(ws for ws in book.worksheets if ws.title.startswith("table7"))
    labels = [sdm.cell(r, c).value for r in range(1, sdm.max_row + 1) for c in (1, 2)]
    assert "Statistics" in labels and "Coefficients" in labels
    assert "N (regions)" in labels and "T (periods)" in labels
    identifiers = {"stat", "coef", "n_entities", "n_periods", "nobs", "sigma2", "bic", "loglik"}
    for ws in book.worksheets:
        for row in ws.iter_rows(max_col=3):
            for cell in row:
                assert cell.value not in identifiers, (ws.title, cell.coordinate, cell.value)
