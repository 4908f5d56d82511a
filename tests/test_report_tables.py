"""Snapshot tests of the rendered tables (Markdown, LaTeX, HTML), the Word file and LaTeX compiling.

The snapshots are written out by hand from the fixed frame below (numbers formatted with 4
decimals, scientific notation below 1e-4, blank for NaN, as ``report.formatting`` documents), so
any change in layout or rounding shows up as a diff.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np
import pandas as pd
import pytest

from spatialpanel.report.localise import localise, localise_frame
from spatialpanel.report.results_io import load_results, numbering
from spatialpanel.report.tables import MAX_ROWS, html_table, latex_table, markdown_table
from spatialpanel.study.artifacts import Sentence, StageOutput, TableArtifact
from spatialpanel.study.config import load_study
from spatialpanel.study.outputs import write_results
from tests.test_report import _ctx


def _effects() -> pd.DataFrame:
    cols = pd.MultiIndex.from_product(
        [["direct", "indirect"], ["estimate", "p"]], names=["effect", "statistic"]
    )
    return pd.DataFrame(
        [[0.23684, 0.00012, -0.4582, 0.0653], [0.0605, 8.3e-8, np.nan, 0.07]],
        index=pd.Index(["Beijing", "Tibet"], name="province"),
        columns=cols,
    )


def test_markdown_snapshot() -> None:
    assert markdown_table(_effects()) == (
        "| province | direct estimate | direct p | indirect estimate | indirect p |\n"
        "|---|---:|---:|---:|---:|\n"
        "| Beijing | 0.2368 | 0.0001 | -0.4582 | 0.0653 |\n"
        "| Tibet | 0.0605 | 8.30e-08 |  | 0.0700 |"
    )


def test_markdown_snapshot_in_chinese() -> None:
    # localisation turns identifiers into reader text (catalogue headers, province names);
    # the writer formats the numbers
    assert markdown_table(localise_frame(_effects(), "zh")) == (
        "| 省份 | 直接效应 估计值 | 直接效应 p 值 | 间接效应 估计值 | 间接效应 p 值 |\n"
        "|---|---:|---:|---:|---:|\n"
        "| 北京 | 0.2368 | 0.0001 | -0.4582 | 0.0653 |\n"
        "| 西藏 | 0.0605 | 8.30e-08 |  | 0.0700 |"
    )


def test_latex_snapshot() -> None:
    tex = latex_table(_effects(), title="Table 3. Effects & p_values", notes=("5% level; ρ > 0.",))
    assert tex == "\n".join(
        [
            r"\begin{table}[htbp]",
            r"\centering",
            r"\caption{Table 3. Effects \& p\_values}",
            r"\begin{tabular}{lrrrr}",
            r"\toprule",
            r" & \multicolumn{2}{c}{direct} & \multicolumn{2}{c}{indirect} \\",
            r"\cmidrule(lr){2-3} \cmidrule(lr){4-5}",
            r"province & estimate & p & estimate & p \\",
            r"\midrule",
            r"Beijing & 0.2368 & 0.0001 & -0.4582 & 0.0653 \\",
            r"Tibet & 0.0605 & 8.30e-08 &  & 0.0700 \\",
            r"\bottomrule",
            r"\end{tabular}",
            r"\par\smallskip\footnotesize 5\% level; $\rho$ > 0.",
            r"\end{table}",
        ]
    )


def test_html_snapshot_index_names_in_the_header_row() -> None:
    assert html_table(_effects()) == "\n".join(
        [
            '<table class="tbl">',
            "<thead>",
            '<tr><th></th><th scope="col" colspan="2" class="grp">direct</th>'
            '<th scope="col" colspan="2" class="grp">indirect</th></tr>',
            '<tr><th scope="col" class="ix">province</th><th scope="col">estimate</th>'
            '<th scope="col">p</th><th scope="col">estimate</th><th scope="col">p</th></tr>',
            "</thead>",
            "<tbody>",
            '<tr><th scope="row">Beijing</th><td class="num">0.2368</td>'
            '<td class="num">0.0001</td><td class="num">-0.4582</td>'
            '<td class="num">0.0653</td></tr>',
            '<tr><th scope="row">Tibet</th><td class="num">0.0605</td>'
            '<td class="num">8.30e-08</td><td class="num"></td><td class="num">0.0700</td></tr>',
            "</tbody>",
            "</table>",
        ]
    )


def test_html_stars_outer_levels_and_escaping() -> None:
    frame = pd.DataFrame(
        {"SDM": ["0.2064***", "(0.0330)", "0.1110*"], "note": ["a<b", "", "x & y"]},
        index=pd.MultiIndex.from_tuples(
            [("uri", "coef"), ("uri", "se"), ("W*uri", "coef")], names=["term", "statistic"]
        ),
    )
    html = html_table(frame)
    assert '<th scope="col" class="ix">term</th><th scope="col" class="ix">statistic</th>' in html
    # the repeated outer label is blanked, the stars and the closing parenthesis sit in a box
    assert '<tr><th scope="row"></th><th scope="row">se</th>' in html
    assert '<td class="num">0.2064<span class="st">***</span></td>' in html
    assert '<td class="num">(0.0330<span class="st">)</span></td>' in html
    assert '<td class="txt">a&lt;b</td>' in html and "x &amp; y" in html
    assert '<th scope="col" class="txt">note</th>' in html


def _stages() -> tuple[StageOutput, ...]:
    long = pd.DataFrame(
        {"value": np.arange(MAX_ROWS + 5, dtype=float) / 8.0},
        index=pd.Index(range(MAX_ROWS + 5), name="row"),
    )
    effects = _effects().fillna(0.0658)  # results folders refuse NaN cells
    first = StageOutput(
        name="model",
        title="Model selection and the spatial Durbin model",
        tables=(
            TableArtifact("table7_sdm", "SDM with two-way effects", effects, ("ρ ≥ 0",), paper=7),
            TableArtifact("long", "A long table", long),
        ),
        sentences=(Sentence("ρ = 0.482.", ("table7_sdm:rho:coef",)),),
    )
    data = StageOutput(
        name="data",
        title="Data",
        tables=(
            TableArtifact("descriptives", "Descriptive statistics", effects.iloc[:1]),
            TableArtifact("medium", "A table over pages (longtable)", long.iloc[:40], ("μ ± σ",)),
        ),
        settings={"missing": "linear", "cells_filled": 3},
    )
    return (first, data)  # written in this order, reported in the paper's order


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tables")
    write_results(out, config=load_study(), ctx=_ctx(), stages=_stages(), report=True)
    return out


def test_numbering_follows_the_papers_order(results: Path) -> None:
    saved = load_results(results)
    num = numbering(saved)
    assert num.tables == {"descriptives": 1, "medium": 2, "table7_sdm": 3, "long": 4}
    tables = {t.key: t for s in localise(saved, "en").sections for t in s.tables}
    assert (tables["table7_sdm"].number, tables["table7_sdm"].title) == (
        3,
        "SDM with two-way effects (paper's Table 7)",
    )
    zh = {t.key: t for s in localise(saved, "zh").sections for t in s.tables}
    assert zh["table7_sdm"].title == "SDM with two-way effects（对应论文表 7）"
    html = (results / "report.html").read_text(encoding="utf-8")
    assert html.index('id="data"') < html.index('id="model"') < html.index('id="provenance"')
    # contents numbered as the headings
    assert '<li value="1"><a href="#data">Data</a></li>' in html
    assert "<h2>1. Data</h2>" in html and "<h2>2. Model selection" in html
    assert "Missing values" in html and "3 cells filled" in html


def test_docx_holds_every_table_with_three_rules(results: Path) -> None:
    from docx import Document

    doc = Document(str(results / "report.docx"))
    assert len(doc.tables) == 4  # the long table goes to the appendix, not dropped
    first, _, second, appendix = doc.tables
    assert [c.text for c in first.rows[0].cells] == [
        "Province",
        "Direct Estimate",
        "Direct p",
        "Indirect Estimate",
        "Indirect p",
    ]
    assert [c.text for c in second.rows[1].cells] == [
        "Beijing",
        "0.2368",
        "0.0001",
        "-0.4582",
        "0.0653",
    ]
    assert len(appendix.rows) == MAX_ROWS + 6
    assert appendix.rows[-1].cells[1].text == f"{(MAX_ROWS + 4) / 8:.4f}"
    xml = first._tbl.xml
    assert '<w:top w:val="single" w:sz="12"' in xml and '<w:bottom w:val="single" w:sz="12"' in xml
    captions = [p.text for p in doc.paragraphs if p.style is not None and p.style.name == "Caption"]
    assert "Table 1. Descriptive statistics" in captions
    assert "Table 3. SDM with two-way effects (paper's Table 7)" in captions


def test_latex_compiles(results: Path, tmp_path: Path) -> None:
    pdflatex = shutil.which("pdflatex")
    if pdflatex is None:
        pytest.skip("pdflatex is not installed (apt-get install texlive-latex-recommended)")
    (tmp_path / "tables.tex").write_text(
        (results / "tables.tex").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "main.tex").write_text(
        "\\documentclass{article}\n\\usepackage{booktabs}\n\\usepackage{longtable}\n"
        "\\begin{document}\n"
        "\\input{tables.tex}\n\\end{document}\n",
        encoding="utf-8",
    )
    run = subprocess.run(
        [pdflatex, "-interaction=nonstopmode", "-halt-on-error", "main.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-2000:]
    assert (tmp_path / "main.pdf").stat().st_size > 1000
    tex = (results / "tables.tex").read_text(encoding="utf-8")
    assert r"\begin{longtable}{lr}" in tex and r"\endhead" in tex


def test_a_bare_row_counter_is_not_printed() -> None:
    frame = pd.DataFrame({"year": [2014, 2015], "G": [0.2422, 0.235]})
    assert markdown_table(frame) == (
        "| year | G |\n|---:|---:|\n| 2014 | 0.2422 |\n| 2015 | 0.2350 |"
    )
    assert '<th scope="row">' not in html_table(frame)
    assert r"\begin{tabular}{rr}" in latex_table(frame, title="Gini")
    # a named index, or one that is not 0..n-1, stays
    assert markdown_table(frame.set_index("year")).startswith("| year | G |\n|---|---:|")
