"""The results folder and the report built from it (HTML, Word, LaTeX, Markdown)."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from spatialpanel.errors import ConfigError, ResultsError
from spatialpanel.report.build import build_report
from spatialpanel.report.document import ReportTable
from spatialpanel.report.formatting import fmt_number, stars
from spatialpanel.report.latex import latex_table
from spatialpanel.report.results_io import load_results
from spatialpanel.report.tables import markdown_table
from spatialpanel.study.artifacts import FigureArtifact, Sentence, StageOutput, TableArtifact
from spatialpanel.study.config import load_study
from spatialpanel.study.context import StudyContext
from spatialpanel.study.outputs import write_results


def _stage() -> StageOutput:
    effects = pd.DataFrame(
        np.array([[0.5, 0.1, 5.0, 0.0], [0.25, 0.2, 1.25, 0.2113]]),
        index=pd.Index(["uri", "openness"], name="variable"),
        columns=pd.MultiIndex.from_product([["direct"], ["estimate", "se", "z", "p"]]),
    )
    moran = pd.DataFrame(
        {"I": [0.709, 0.701], "p": [0.0001, 0.002], "n": [31, 31]},
        index=pd.Index([2014, 2015], name="year"),
    )
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([1, 2, 3], [1, 4, 9])
    return StageOutput(
        name="demo",
        title="Demo stage",
        tables=(
            TableArtifact("effects", "Effects", effects, ("Delta-method standard errors.",)),
            TableArtifact("moran", "Moran's I & friends_1", moran),
        ),
        figures=(FigureArtifact("trend", "A trend", fig),),
        sentences=(Sentence("Moran's I is 0.709 in 2014.", ("moran:2014:I",)),),
        settings={"alpha": 0.05, "weights": ["a", "b"]},
    )


def _ctx() -> StudyContext:
    cfg = load_study()
    panel = pd.DataFrame({"x": [1.0]}, index=pd.MultiIndex.from_tuples([(110000, 2014)]))
    return StudyContext(config=cfg, panel=panel, audit=pd.DataFrame(), synthetic=True, seed=1)


@pytest.fixture(scope="module")
def results_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("results")
    write_results(out, config=load_study(), ctx=_ctx(), stages=(_stage(),), report=True)
    return out


def test_results_folder_layout(results_dir: Path) -> None:
    for name in (
        "manifest.json",
        "stages.json",
        "tables.xlsx",
        "report.html",
        "report.docx",
        "tables.tex",
        "tables.md",
        "tables/effects.csv",
        "figures/trend.png",
        "figures/trend.svg",
    ):
        assert (results_dir / name).is_file(), name
    manifest = json.loads((results_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["study"]["synthetic"] is True
    assert "tables/effects.csv" in manifest["outputs"]
    assert manifest["versions"]["numpy"] == np.__version__


def test_tables_round_trip_through_disk(results_dir: Path) -> None:
    saved = load_results(results_dir)
    eff = saved.tables["effects"].frame
    assert list(eff.columns) == [("direct", c) for c in ("estimate", "se", "z", "p")]
    assert eff.loc["openness", ("direct", "p")] == pytest.approx(0.2113, abs=0)
    assert saved.tables["moran"].frame.index.tolist() == [2014, 2015]


def test_html_is_self_contained_and_labelled_synthetic(results_dir: Path) -> None:
    html = (results_dir / "report.html").read_text(encoding="utf-8")
    assert "SYNTHETIC DATA" in html
    assert "data:image/png;base64," in html
    assert "http://" not in html and "https://" not in html
    assert "Moran&#39;s I is 0.709 in 2014." in html
    assert "moran:2014:I" in html


def test_docx_holds_every_table(results_dir: Path) -> None:
    from docx import Document

    doc = Document(str(results_dir / "report.docx"))
    assert len(doc.tables) == 2
    assert doc.tables[0].cell(0, 1).text == "Direct"  # the group header over four columns (en.po)
    assert doc.tables[0].cell(2, 0).text == "uri"
    assert doc.tables[0].cell(2, 1).text == "0.5000"
    assert doc.tables[0].cell(2, 4).text == "< 0.001"  # p = 0.0


def test_report_can_be_rebuilt_in_chinese(results_dir: Path) -> None:
    build_report(results_dir, lang="zh")
    html = (results_dir / "report.zh.html").read_text(encoding="utf-8")
    assert "合成数据" in html
    assert "合成数据" not in (results_dir / "report.html").read_text(encoding="utf-8")
    build_report(results_dir, lang="en")
    with pytest.raises(ConfigError, match="lang='fr'"):
        build_report(results_dir, lang="fr")
    with pytest.raises(ResultsError, match="not a spatialpanel results folder"):
        build_report(results_dir / "tables")


def test_outputs_are_byte_identical_across_runs(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    write_results(a, config=load_study(), ctx=_ctx(), stages=(_stage(),), report=True)
    write_results(b, config=load_study(), ctx=_ctx(), stages=(_stage(),), report=True)
    assert (a / "manifest.json").read_bytes() == (b / "manifest.json").read_bytes()


def test_formatting_rules() -> None:
    assert stars(0.001) == "***" and stars(0.03) == "**" and stars(0.07) == "*"
    assert stars(0.2) == ""
    assert fmt_number(0.123456) == "0.1235"
    assert fmt_number(31) == "31"
    assert fmt_number(float("nan")) == ""
    assert fmt_number(1.5e-6) == "1.50e-06"


def test_markdown_and_latex_snapshots() -> None:
    frame = pd.DataFrame(
        {"I": [0.709, 0.701], "p": [0.0001, 0.5]}, index=pd.Index([2014, 2015], name="year")
    )
    table = ReportTable("moran", 2, "Moran's I_x", ("50% note",), frame, p_columns=("p",))
    assert markdown_table(table) == (
        "| year | I | p |\n|---|---:|---:|\n| 2014 | 0.7090 | < 0.001 |\n| 2015 | 0.7010 | 0.500 |"
    )
    tex = latex_table(table)
    assert r"\caption{Moran's I\_x}\label{tab:moran}" in tex
    assert r"\toprule" in tex and r"\midrule" in tex and r"\bottomrule" in tex
    assert r"2014 & 0.7090 & \textless{} 0.001 \\" in tex
    assert r"50\% note" in tex


def test_chinese_report_says_when_no_cjk_font(
    results_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import spatialpanel.report.fonts as fonts

    monkeypatch.setattr(fonts, "cjk_font", lambda: None)
    build_report(results_dir, lang="zh")
    html = (results_dir / "report.zh.html").read_text(encoding="utf-8")
    assert "未检测到中文（CJK）字体" in html and "fonts-noto-cjk" in html
    monkeypatch.setattr(fonts, "cjk_font", lambda: "Noto Sans CJK SC")
    build_report(results_dir, lang="zh")
    html = (results_dir / "report.zh.html").read_text(encoding="utf-8")
    assert "未检测到中文（CJK）字体" not in html
    assert "设置与数据来源" in html and "目录" in html
    build_report(results_dir, lang="en")


def test_report_states_the_conventions(results_dir: Path) -> None:
    html = (results_dir / "report.html").read_text(encoding="utf-8")
    # the settings and provenance section comes last and starts at <h2 id="provenance"> (the
    # contract of issue 14: identifiers are allowed from there on); the contents link to it
    assert html.index('id="demo"') < html.index('<h2 id="provenance">')
    assert 'href="#provenance"' in html
    assert "Settings and provenance" in html
    # the demo study's seed and versions are stated (versions come from stages.json)
    assert "Seed" in html and "numpy" in html
