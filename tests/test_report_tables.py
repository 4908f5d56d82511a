"""Snapshot tests of the table writers (Markdown, LaTeX, HTML) and of the report they make.

The snapshots are written out by hand from the fixed frames below, following the conventions of
``report.formatting`` (data tables: four decimals, p-values ``< 0.001`` or three decimals, counts
as integers, blank for NaN; regression tables: three significant digits of the row's largest
estimate and two of every estimate and standard error, stars *** p < 0.01, ** p < 0.05, * p < 0.1,
standard errors in parentheses beneath), so any change in layout or rounding shows up as a diff.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np
import pandas as pd
import pytest

from spatialpanel.report.document import ReportDocument, ReportSection, ReportTable
from spatialpanel.report.latex import latex_table, write_latex
from spatialpanel.report.localise import localise, localise_frame, writer_labels
from spatialpanel.report.regression import report_frame
from spatialpanel.report.results_io import load_results, numbering
from spatialpanel.report.tables import MAX_ROWS, html_table, markdown_table, write_markdown
from spatialpanel.study.artifacts import Sentence, StageOutput, TableArtifact
from spatialpanel.study.config import load_study
from spatialpanel.study.outputs import write_results
from tests.test_report import _ctx

NAN = math.nan


def _effects() -> pd.DataFrame:
    cols = pd.MultiIndex.from_product(
        [["direct", "indirect"], ["estimate", "p"]], names=["effect", "statistic"]
    )
    return pd.DataFrame(
        [[0.23684, 0.00012, -0.4582, 0.0653], [0.0605, 8.3e-8, np.nan, 0.07]],
        index=pd.Index(["Beijing", "Tibet"], name="province"),
        columns=cols,
    )


def _data_table(frame: pd.DataFrame, **kwargs: object) -> ReportTable:
    p_cols = tuple(c for c in frame.columns if (c[-1] if isinstance(c, tuple) else c) == "p")
    options: dict[str, object] = {"p_columns": p_cols} | kwargs
    return ReportTable("t", 3, "Effects & p_values", ("5% level; ρ > 0.",), frame, **options)  # type: ignore[arg-type]


def test_markdown_snapshot() -> None:
    assert markdown_table(_data_table(_effects())) == (
        "| province | direct estimate | direct p | indirect estimate | indirect p |\n"
        "|---|---:|---:|---:|---:|\n"
        "| Beijing | 0.2368 | < 0.001 | -0.4582 | 0.065 |\n"
        "| Tibet | 0.0605 | < 0.001 |  | 0.070 |"
    )


def test_markdown_snapshot_in_chinese() -> None:
    # localisation turns identifiers into reader text (catalogue headers, province names);
    # the writer formats the numbers
    frame = localise_frame(_effects(), "zh")
    p_cols = tuple(c for c in frame.columns if c[-1] == "p 值")
    assert markdown_table(_data_table(frame, p_columns=p_cols)) == (
        "| 省份 | 直接效应 估计值 | 直接效应 p 值 | 间接效应 估计值 | 间接效应 p 值 |\n"
        "|---|---:|---:|---:|---:|\n"
        "| 北京 | 0.2368 | < 0.001 | -0.4582 | 0.065 |\n"
        "| 西藏 | 0.0605 | < 0.001 |  | 0.070 |"
    )


def test_latex_snapshot() -> None:
    tex = latex_table(_data_table(_effects()))
    assert tex == "\n".join(
        [
            r"\setcounter{table}{2}",
            r"\begin{table}[htbp]",
            r"\centering",
            r"\caption{Effects \& p\_values}\label{tab:t}",
            r"\spfit{\begin{tabular}{lrrrr}",
            r"\toprule",
            r" & \multicolumn{2}{c}{direct} & \multicolumn{2}{c}{indirect} \\",
            r"\cmidrule(lr){2-3} \cmidrule(lr){4-5}",
            r"province & estimate & p & estimate & p \\",
            r"\midrule",
            r"Beijing & 0.2368 & \textless{} 0.001 & $-$0.4582 & 0.065 \\",
            r"Tibet & 0.0605 & \textless{} 0.001 &  & 0.070 \\",
            r"\bottomrule",
            r"\end{tabular}}",
            r"\par\smallskip{\footnotesize\raggedright 5\% level; $\rho$ \textgreater{} 0.\par}",
            r"\end{table}",
        ]
    )


def test_html_snapshot_index_names_in_the_header_row() -> None:
    assert html_table(_data_table(_effects())) == "\n".join(
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
            '<td class="num">&lt; 0.001</td><td class="num">-0.4582</td>'
            '<td class="num">0.065</td></tr>',
            '<tr><th scope="row">Tibet</th><td class="num">0.0605</td>'
            '<td class="num">&lt; 0.001</td><td class="num"></td><td class="num">0.070</td></tr>',
            "</tbody>",
            "</table>",
        ]
    )


# --------------------------------------------------------------------------- regression tables
def _payload() -> pd.DataFrame:
    """Two fits in the payload layout of ``report.regression`` (numbers set by hand)."""
    cols = pd.MultiIndex.from_product(
        [["SAR", "SDM"], ["coef", "se", "z", "p"]], names=["model", "statistic"]
    )
    rows = pd.MultiIndex.from_tuples(
        [("coef", "uri"), ("coef", "W*uri"), ("coef", "rho")]
        + [("stat", s) for s in ("n_entities", "n_periods", "nobs", "effects", "bias_correction")]
        + [("stat", s) for s in ("r2", "loglik", "aic", "bic", "sigma2")],
        names=["part", "term"],
    )
    data = [
        [0.25262, 0.03012, 8.387, 4.9e-17, 0.20643, 0.03296, 6.2627, 3.78e-10],
        [NAN, NAN, NAN, NAN, 0.11096, 0.06317, 1.7565, 0.0790],
        [0.45549, 0.05467, 8.332, 7.9e-17, -0.00482, 0.0581, -0.083, 0.934],
        [31, NAN, NAN, NAN, 31, NAN, NAN, NAN],
        [10, NAN, NAN, NAN, 10, NAN, NAN, NAN],
        [310, NAN, NAN, NAN, 310, NAN, NAN, NAN],
        ["twoway", NAN, NAN, NAN, "twoway", NAN, NAN, NAN],
        ["none", NAN, NAN, NAN, "elhorst", NAN, NAN, NAN],
        [0.99397, NAN, NAN, NAN, 0.99427, NAN, NAN, NAN],
        [909.8569, NAN, NAN, NAN, 917.4648, NAN, NAN, NAN],
        [-1803.7138, NAN, NAN, NAN, -1806.9296, NAN, NAN, NAN],
        [-1773.8, NAN, NAN, NAN, -1754.6, NAN, NAN, NAN],
        [0.000179729, NAN, NAN, NAN, 0.000169951, NAN, NAN, NAN],
    ]
    return pd.DataFrame(data, index=rows, columns=cols)


_LABELS = {
    "term": {"uri": "Urban–rural integration", "W*uri": "W × Urban–rural integration", "rho": "ρ"},
    "stat": {
        "n_entities": "N",
        "n_periods": "T",
        "nobs": "Observations",
        "effects": "Fixed effects",
        "bias_correction": "Bias correction",
        "r2": "R²",
        "loglik": "Log-likelihood",
        "aic": "AIC",
    },
    "value": {"twoway": "region, year", "none": "none", "elhorst": "Lee–Yu"},
    "column": {},
}


def _regression(beneath: str = "se") -> ReportTable:
    frame = report_frame(_payload(), label=lambda kind, i: _LABELS[kind].get(i, i))
    return ReportTable(
        "cmp", 29, "Spatial models compared", ("AIC = −2 logL + 2k.",), frame,
        kind="regression", beneath=beneath,  # type: ignore[arg-type]
    )  # fmt: skip


_STATS_MD = [
    "| N | 31 | 31 |",
    "| T | 10 | 10 |",
    "| Observations | 310 | 310 |",
    "| Fixed effects | region, year | region, year |",
    "| Bias correction | none | Lee–Yu |",
    "| R² | 0.994 | 0.994 |",
    "| Log-likelihood | 909.86 | 917.46 |",
    "| AIC | -1803.71 | -1806.93 |",
]


def test_regression_table_markdown_snapshot() -> None:
    """ρ row: largest estimate 0.455 (3 significant digits: 3 decimals) but -0.00482 needs 4 for
    two significant digits, so the row prints with 4; the SDM's ρ (p = 0.934) has no star. BIC and
    σ² stay in the CSV: not printed."""
    assert markdown_table(_regression()) == "\n".join(
        [
            "|  | SAR | SDM |",
            "|---|---:|---:|",
            "| Urban–rural integration | 0.253*** | 0.206*** |",
            "|  | (0.030) | (0.033) |",
            "| W × Urban–rural integration |  | 0.111* |",
            "|  |  | (0.063) |",
            "| ρ | 0.4555*** | -0.0048 |",
            "|  | (0.0547) | (0.0581) |",
            *_STATS_MD,
        ]
    )


def test_regression_table_with_z_beneath() -> None:
    md = markdown_table(_regression("z")).splitlines()
    assert md[3] == "|  | (8.39) | (6.26) |"
    assert md[7] == "|  | (8.33) | (-0.08) |"
    assert md[8:] == _STATS_MD


def test_regression_table_latex_aligns_on_the_last_digit() -> None:
    tex = latex_table(_regression())
    assert r"\spfit{\begin{tabular}{lr@{}lr@{}l}" in tex
    assert r" & \multicolumn{2}{c}{SAR} & \multicolumn{2}{c}{SDM} \\" in tex
    assert r"Urban--rural integration & 0.253 & $^{***}$ & 0.206 & $^{***}$ \\" in tex
    assert r" & (0.030 & ) & (0.033 & ) \\" in tex
    assert r"$\rho$ & 0.4555 & $^{***}$ & $-$0.0048 &  \\" in tex
    # the statistics under a thin rule; settings span the column pair
    assert "\\midrule\nN & 31 &  & 31 &  \\\\" in tex
    assert r"Bias correction & \multicolumn{2}{c}{none} & \multicolumn{2}{c}{Lee--Yu} \\" in tex
    assert r"\caption{Spatial models compared}\label{tab:cmp}" in tex
    assert tex.startswith(r"\setcounter{table}{28}")


def test_regression_table_html_boxes_the_stars() -> None:
    html = html_table(_regression())
    assert (
        '<tr><th scope="row">Urban–rural integration</th><td class="num">0.253'
        '<span class="st">***</span></td><td class="num">0.206<span class="st">***</span></td>'
        "</tr>"
    ) in html
    assert '<td class="num">(0.030<span class="st">)</span></td>' in html
    assert '<tr style="border-top:1px solid #1b1f24"><th scope="row">N</th>' in html


def test_html_escapes_every_text() -> None:
    frame = pd.DataFrame(
        {"value": [1.0, 2.0], "note": ["a<b", "x & y"]},
        index=pd.Index(["<img src=x onerror=alert(1)>", "b"], name="row"),
    )
    html = html_table(_data_table(frame))
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert '<td class="txt">a&lt;b</td>' in html and "x &amp; y" in html
    assert '<th scope="col" class="txt">note</th>' in html


# --------------------------------------------------------------------------- whole documents
def _doc(*tables: ReportTable, banner: str | None = None) -> ReportDocument:
    return ReportDocument(
        lang="en",
        title="T",
        sections=(ReportSection("s", "S", tables=tables),),
        banner=banner,
        labels=writer_labels("en"),
    )


def test_markdown_never_carries_raw_html(tmp_path: Path) -> None:
    """Issue 15 item 7: a payload in a title, a header, a row label or a cell prints as text."""
    evil = "<img src=x onerror=alert(1)>"
    frame = pd.DataFrame({evil: [1.0], "note": [evil]}, index=pd.Index([evil], name="x"))
    table = ReportTable("evil", 1, f"Title {evil}", (f"note {evil}",), frame)
    write_markdown(_doc(table, banner=evil), tmp_path / "tables.md")
    md = (tmp_path / "tables.md").read_text(encoding="utf-8")
    assert "<img" not in md
    assert md.count("&lt;img src=x onerror=alert(1)>") == 6  # banner, title, head, row, cell, note


def test_long_and_regression_tables_in_markdown_and_latex(tmp_path: Path) -> None:
    long = pd.DataFrame({"v": np.arange(MAX_ROWS + 5, dtype=float)})
    tables = (
        ReportTable("long", 1, "Long", (), long, long=True),
        _regression(),
    )
    write_markdown(_doc(*tables), tmp_path / "tables.md")
    md = (tmp_path / "tables.md").read_text(encoding="utf-8")
    assert "### Table 1. Long\n\n65 rows: see tables.xlsx, sheet long, or tables/long.csv\n" in md
    legend = "Standard errors in parentheses; \\*\\*\\* p < 0.01, \\*\\* p < 0.05, \\* p < 0.1"
    assert f"*{legend} (two-sided). AIC = −2 logL + 2k.*" in md
    write_latex(_doc(*tables), tmp_path / "tables.tex")
    tex = (tmp_path / "tables.tex").read_text(encoding="utf-8")
    assert (
        r"\textit{Table 1. Long (65 rows: see tables.xlsx, sheet long, or tables/long.csv)}" in tex
    )
    assert r"\setcounter{table}{28}" in tex and "Standard errors in parentheses" in tex


def test_a_bare_row_counter_is_not_printed() -> None:
    frame = pd.DataFrame({"year": [2014, 2015], "G": [0.2422, 0.235]})
    assert markdown_table(_data_table(frame)) == (
        "| year | G |\n|---:|---:|\n| 2014 | 0.2422 |\n| 2015 | 0.2350 |"
    )
    assert '<th scope="row">' not in html_table(_data_table(frame))
    assert r"\begin{tabular}{rr}" in latex_table(_data_table(frame))
    # a named index, or one that is not 0..n-1, stays
    named = _data_table(frame.set_index("year"))
    assert markdown_table(named).startswith("| year | G |\n|---|---:|")


def test_counts_probabilities_and_empty_rows() -> None:
    """A Markov table read back from CSV: n as integers (NaN in the steady-state row made it
    float), noise in the steady state as 0, rows without observations blank."""
    frame = pd.DataFrame(
        {
            "from": ["C1", "C2", "steady state"],
            "n": [78.0, 0.0, NAN],
            "C1": [0.7307692, NAN, 7.37e-18],
            "C2": [0.2692308, NAN, -2.220446e-16],
            "C3": [0.0, NAN, 0.99997],
        }
    )
    table = _data_table(frame, count_columns=("n",), probability_columns=("C1", "C2", "C3"))
    assert markdown_table(table) == "\n".join(
        [
            "| from | n | C1 | C2 | C3 |",
            "|---|---:|---:|---:|---:|",
            "| C1 | 78 | 0.7308 | 0.2692 | 0.0000 |",
            "| C2 | 0 |  |  |  |",
            "| steady state |  | 0.0000 | 0.0000 | > 0.9999 |",
        ]
    )


# --------------------------------------------------------------------------- the report
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
            TableArtifact("compare", "Models compared", _payload(), kind="regression"),
        ),
        sentences=(Sentence("ρ = 0.482.", ("table7_sdm:rho:coef",)),),
    )
    data = StageOutput(
        name="data",
        title="Data",
        tables=(
            TableArtifact("descriptives", "Descriptive statistics", effects.iloc[:1]),
            TableArtifact("medium", "A table over pages (longtable)", long.iloc[:45], ("μ ± σ",)),
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
    assert num.tables == {
        "descriptives": 1,
        "medium": 2,
        "table7_sdm": 3,
        "long": 4,
        "compare": 5,
    }
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
    assert "Table 3. SDM with two-way effects (paper&#39;s Table 7)" in html
    md = (results / "tables.md").read_text(encoding="utf-8")
    assert "### Table 3. SDM with two-way effects (paper's Table 7)" in md


def test_the_payload_round_trips_as_numbers(results: Path) -> None:
    saved = load_results(results)
    table = saved.tables["compare"]
    assert table.kind == "regression"
    assert table.frame.loc[("coef", "uri"), ("SAR", "coef")] == pytest.approx(0.25262)
    assert table.frame.loc[("stat", "nobs"), ("SDM", "coef")] == 310
    assert table.frame.loc[("stat", "effects"), ("SDM", "coef")] == "twoway"
    assert saved.tables["table7_sdm"].kind == "data"


def test_docx_captions_are_word_fields_and_long_tables_are_placed(results: Path) -> None:
    from docx import Document

    doc = Document(str(results / "report.docx"))
    # descriptives, table 7, compare in place; medium (45 rows) in the appendix; long: workbook
    assert len(doc.tables) == 4
    first, table7, compare, appendix = doc.tables
    assert [c.text for c in first.rows[0].cells] == ["", "Direct", "Direct", "Indirect", "Indirect"]
    assert [c.text for c in first.rows[1].cells] == [
        "Province",
        "Estimate",
        "p",
        "Estimate",
        "p",
    ]
    assert [c.text for c in table7.rows[2].cells] == [
        "Beijing",
        "0.2368",
        "< 0.001",
        "-0.4582",
        "0.065",
    ]
    # an identifier the study does not label is printed as it is (labelled ones: see
    # test_report_i18n.py); the statistic rows are words
    assert [c.text for c in compare.rows[1].cells] == ["uri", "0.253***", "0.206***"]
    assert "N (regions)" in [row.cells[0].text for row in compare.rows]
    assert [c.text for c in compare.rows[2].cells] == ["", "(0.030)", "(0.033)"]
    assert len(appendix.rows) == 45 + 1
    xml = first._tbl.xml
    assert '<w:top w:val="single" w:sz="12"' in xml and '<w:bottom w:val="single" w:sz="12"' in xml
    assert "<w:tblHeader/>" in xml and '<w:gridSpan w:val="2"/>' in xml
    body = doc.element.body.xml
    assert body.count("SEQ Table") == 4
    assert " SEQ Table \\r 3 \\* ARABIC </w:instrText>" in body  # 2 (medium): appendix
    captions = [p.text for p in doc.paragraphs if p.style is not None and p.style.name == "Caption"]
    assert "Table 1. Descriptive statistics" in captions
    assert "Table 3. SDM with two-way effects (paper's Table 7)" in captions
    texts = [p.text for p in doc.paragraphs]
    assert "Table 2. A table over pages (longtable) (printed in the appendix)" in texts
    assert (
        "Table 4. A long table (65 rows: see tables.xlsx, sheet long, or tables/long.csv)" in texts
    )


def test_docx_is_a4_times_and_simsun(results: Path) -> None:
    from docx import Document
    from docx.oxml.ns import qn

    doc = Document(str(results / "report.docx"))
    section = doc.sections[0]
    assert section.page_width.mm == pytest.approx(210, abs=0.1)  # A4, stored in twips
    assert section.page_height.mm == pytest.approx(297, abs=0.1)
    fonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:ascii")) == "Times New Roman"
    assert fonts.get(qn("w:eastAsia")) == "SimSun"
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    assert (
        defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}").get(qn("w:eastAsia"))
        == "SimSun"
    )


def test_regression_frames_keep_the_reader_labels() -> None:
    frame = _regression().frame
    assert (
        list(frame.index.get_level_values(0))
        == ["coef"] * 3 + ["count"] * 3 + ["text"] * 2 + ["stat"] * 3
    )
    assert frame.loc[("text", "Bias correction"), ("SDM", "estimate")] == "Lee–Yu"
    z = dataclasses.replace(_regression(), beneath="z")
    assert z.frame.equals(frame)


def test_z_statistics_beneath_when_the_study_asks(tmp_path: Path) -> None:
    """``[outputs] parentheses = "z"`` reaches the printed tables through ``stages.json``."""
    cfg = load_study()
    raw = dict(cfg.raw)
    raw["outputs"] = {**raw["outputs"], "parentheses": "z"}
    stage = StageOutput(
        name="model",
        title="Model",
        tables=(TableArtifact("compare", "Models compared", _payload(), kind="regression"),),
    )
    write_results(tmp_path, config=dataclasses.replace(cfg, raw=raw), ctx=_ctx(), stages=(stage,))
    md = (tmp_path / "tables.md").read_text(encoding="utf-8")
    assert "|  | (8.39) | (6.26) |" in md
    assert "The z statistics are in parentheses" in md


def test_markdown_escapes_entities_not_every_ampersand() -> None:
    """``R&D`` is text in Markdown (an entity needs a closing ``;``): it stays readable in
    tables.md; ``&lt;`` and ``&#60;`` would be decoded by a renderer, so they are escaped."""
    from spatialpanel.report.tables import md_escape

    assert md_escape("R&D intensity") == "R&D intensity"
    assert md_escape("a &lt; b &#60; c &#x3C;") == "a &amp;lt; b &amp;#60; c &amp;#x3C;"
