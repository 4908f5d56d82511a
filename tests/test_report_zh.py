"""The report in Chinese (``--lang zh``): every sentence, title, note and caption in Chinese.

The stages write English; :func:`spatialpanel.report.i18n.translate_text` renders each text
through the bilingual templates of ``report/i18n_zh*.py``. Checked here:

- the catalogue: every template has a Chinese side with the same placeholders;
- every sentence, table title, note and figure caption that the demo study writes has a Chinese
  template (no run of four or more English words is left), with the same numbers as the English;
- the Chinese HTML, Markdown, LaTeX and Word report built from the demo study's results: no
  English sentence left outside code (variable and weight names, table-cell references, the
  settings appendix);
- the threshold variants of the sentences (the model, robustness, growth, Moran and dynamic
  stages driven as in ``tests/test_report_sentences.py``) against Chinese sentences written out by
  hand for the same inputs (the reference: a person's translation of the English sentence that the
  stage produces, numbers copied digit for digit);
- English stays exactly as written (the report snapshots of ``tests/test_report*.py`` check the
  bytes).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from html import unescape
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from markupsafe import escape

from spatialpanel.report._adapter import document
from spatialpanel.report.build import render_html
from spatialpanel.report.i18n import (
    FIELD_KINDS,
    Template,
    localized,
    translate_cell,
    translate_text,
)
from spatialpanel.report.i18n_zh import CELLS, PHRASES, TERMS, TEXTS
from spatialpanel.report.latex import write_latex
from spatialpanel.report.results_io import SavedResults, SavedTable
from spatialpanel.report.tables import write_markdown
from spatialpanel.report.word import write_docx
from spatialpanel.study.artifacts import StageOutput
from spatialpanel.study.stages import dynamic as dyn_stage
from spatialpanel.study.stages import robustness as rob_stage
from tests.test_report_sentences import (
    _autocorr,
    _fit_rows,
    _growth,
    _model_sentences,
    _sentence,
    _spatial,
)

_WORD = r"[A-Za-z][\w'’\-]*"
_RUN = re.compile(rf"{_WORD}(?:[ ,;:]+{_WORD}){{3,}}")
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?")
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def english_runs(text: str) -> list[str]:
    """Runs of four or more consecutive ASCII words (identifiers count as one word)."""
    return [m.group(0) for m in _RUN.finditer(text)]


def numbers(text: str) -> Counter[str]:
    return Counter(_NUMBER.findall(text))


# --------------------------------------------------------------------------- the catalogue


def _catalogues() -> Iterator[tuple[Template, ...]]:
    yield TEXTS
    yield PHRASES
    yield CELLS


def test_every_template_has_both_languages() -> None:
    for catalogue in _catalogues():
        ens = [t.en for t in catalogue]
        assert len(ens) == len(set(ens)), "a template is listed twice"
        for t in catalogue:
            assert t.en and t.zh, t
            fields = t.fields
            assert set(fields) == t.zh_fields, f"placeholders differ: {t.en!r} / {t.zh!r}"
            assert set(fields.values()) <= set(FIELD_KINDS), t.en
            filled = {k: "X" for k in fields}
            assert not english_runs(t.zh.format(**filled)), t.zh
            if english_runs(re.sub(r"\{(\w+):\w+\}", r"{\1}", t.en).format(**filled)):
                assert _CJK.search(t.zh), f"no Chinese in the template of {t.en!r}"
    for en, zh in TERMS.items():
        assert zh and not english_runs(zh), (en, zh)


def test_a_missing_template_leaves_the_english_and_is_caught() -> None:
    text = "A sentence that no stage writes and no template knows about."
    assert translate_text(text, "zh") == text
    assert english_runs(translate_text(text, "zh"))


def test_english_is_returned_as_written() -> None:
    for t in TEXTS:
        assert translate_text(t.en, "en") == t.en
    assert translate_cell("direct effect of uri > 0", "en") == "direct effect of uri > 0"


# --------------------------------------------------------------------------- the demo study


@pytest.fixture(scope="module")
def demo_outputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[StageOutput, ...]:
    """Every stage of the bundled demo study (figures drawn, then closed; nothing written).

    99 instead of 999 Moran permutations: the same texts, a few seconds faster.
    """
    from spatialpanel.study.config import demo_study_text, load_study
    from spatialpanel.study.pipeline import _run_stage, planned_stages
    from spatialpanel.study.stages import data as data_stage

    text = demo_study_text()
    assert "permutations = 999" in text
    study = tmp_path_factory.mktemp("zh") / "study.toml"
    study.write_text(text.replace("permutations = 999", "permutations = 99"), encoding="utf-8")
    config = load_study(study)
    ctx, first = data_stage.load(config, lang="en")
    outputs = [first, *(_run_stage(spec, ctx) for spec in planned_stages(config))]
    plt.close("all")
    return tuple(outputs)


def _texts(outputs: tuple[StageOutput, ...]) -> Iterator[tuple[str, str]]:
    """(what, English text) for every sentence, title, note and caption of a run."""
    for stage in outputs:
        for s in stage.sentences:
            yield f"{stage.name} sentence", s.text
        for t in stage.tables:
            yield f"{t.key} title", t.title
            for n in t.notes:
                yield f"{t.key} note", n
        for f in stage.figures:
            yield f"{f.key} caption", f.title
            for n in f.notes:
                yield f"{f.key} note", n


def test_every_text_of_the_demo_study_is_in_chinese(demo_outputs: tuple[StageOutput, ...]) -> None:
    missing = []
    for what, text in _texts(demo_outputs):
        zh = translate_text(text, "zh")
        left = english_runs(zh.removeprefix("Table ")) if zh != text else english_runs(text)
        if left or (zh == text and english_runs(text)):
            missing.append(f"{what}: {text!r} -> {zh!r}")
    assert missing == [], "no Chinese template for:\n" + "\n".join(missing)


def test_numbers_are_the_same_in_both_languages(demo_outputs: tuple[StageOutput, ...]) -> None:
    n = 0
    for what, text in _texts(demo_outputs):
        zh = translate_text(text, "zh")
        assert numbers(zh) == numbers(text), f"{what}: {text!r} -> {zh!r}"
        n += bool(numbers(text))
    assert n > 100  # the check ran over the numbered texts, not over nothing


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


@pytest.fixture(scope="module")
def demo_saved(demo_outputs: tuple[StageOutput, ...]) -> SavedResults:
    """The demo run as the report reads it (in memory; figures without files are skipped)."""
    stages = [
        {
            "name": s.name,
            "title": s.title,
            "settings": _jsonable(s.settings),
            "tables": [{"key": t.key, "title": t.title, "notes": list(t.notes)} for t in s.tables],
            "figures": [
                {"key": f.key, "title": f.title, "notes": list(f.notes), "files": []}
                for f in s.figures
            ],
            "sentences": [{"text": x.text, "sources": list(x.sources)} for x in s.sentences],
        }
        for s in demo_outputs
    ]
    tables = {
        t.key: SavedTable(t.key, t.title, t.frame, t.notes, t.kind)
        for s in demo_outputs
        for t in s.tables
    }
    study = {
        "title": "Urban-rural integration and common prosperity in China's provinces",
        "synthetic": True,
        "seed": 20250718,
    }
    return SavedResults(root=Path("."), study=study, stages=stages, tables=tables)


def _visible_text(html: str) -> str:
    """The report's prose: no styles, no table-cell references, no settings appendix."""
    html = re.sub(r"<style.*?</style>", " ", html, flags=re.S)
    html = re.sub(r'<span class="src">.*?</span>', " ", html, flags=re.S)
    html = re.sub(r'<dl class="settings">.*?</dl>', " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", "\n", html))


def test_chinese_html_report_has_no_english_sentence_left(demo_saved: SavedResults) -> None:
    html = render_html(demo_saved, lang="zh")
    left = sorted({run for line in _visible_text(html).splitlines() for run in english_runs(line)})
    assert left == []
    for stage in demo_saved.stages:
        for s in stage["sentences"]:
            assert str(escape(translate_text(s["text"], "zh"))) in html
    assert "空间杜宾模型" in html and "全局莫兰指数" in html and "高-高集聚" in html


def test_english_report_keeps_the_english_text(demo_saved: SavedResults) -> None:
    assert localized(demo_saved, "en") is demo_saved
    html = render_html(demo_saved, lang="en")
    for stage in demo_saved.stages:
        for s in stage["sentences"]:
            assert str(escape(s["text"])) in html
    assert not _CJK.search(_visible_text(html))


def test_localized_does_not_change_the_callers_results(demo_saved: SavedResults) -> None:
    before = json.dumps(demo_saved.stages, ensure_ascii=False)
    titles = {k: (t.title, t.notes) for k, t in demo_saved.tables.items()}
    zh = localized(demo_saved, "zh")
    assert json.dumps(demo_saved.stages, ensure_ascii=False) == before
    assert {k: (t.title, t.notes) for k, t in demo_saved.tables.items()} == titles
    assert zh.tables["table7_sdm"].title == "Table 7. 双向固定效应空间杜宾模型（SDM）估计结果"
    assert localized(zh, "zh").stages == zh.stages  # translating twice changes nothing


def test_chinese_markdown_and_latex_have_no_english_sentence_left(
    demo_saved: SavedResults, tmp_path: Path
) -> None:
    doc = document(demo_saved, lang="zh")
    write_markdown(doc, tmp_path / "tables.md")
    write_latex(doc, tmp_path / "tables.tex")
    md = (tmp_path / "tables.md").read_text(encoding="utf-8")
    assert [r for line in md.splitlines() for r in english_runs(line)] == []
    assert "### 表 24 双向固定效应空间杜宾模型（SDM）估计结果（对应论文表 7）" in md
    tex = (tmp_path / "tables.tex").read_text(encoding="utf-8")
    prose = [line for line in tex.splitlines() if not line.lstrip().startswith(("%", "\\begin"))]
    assert [r for line in prose for r in english_runs(re.sub(r"\\\w+", " ", line))] == []


def test_chinese_word_report_has_no_english_sentence_left(
    demo_outputs: tuple[StageOutput, ...], tmp_path: Path
) -> None:
    from docx import Document

    model = next(s for s in demo_outputs if s.name == "model")
    stage = {
        "name": model.name,
        "title": model.title,
        "settings": _jsonable(model.settings),
        "tables": [{"key": t.key, "title": t.title, "notes": list(t.notes)} for t in model.tables],
        "figures": [],
        "sentences": [{"text": x.text, "sources": list(x.sources)} for x in model.sentences],
    }
    tables = {t.key: SavedTable(t.key, t.title, t.frame, t.notes, t.kind) for t in model.tables}
    saved = SavedResults(root=tmp_path, study={"synthetic": True}, stages=[stage], tables=tables)
    write_docx(document(saved, lang="zh"), tmp_path / "report.docx", root=tmp_path)
    doc = Document(str(tmp_path / "report.docx"))
    texts = [p.text for p in doc.paragraphs]
    texts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert [r for t in texts for r in english_runs(t)] == []
    assert any(t.startswith("ρ = ") and "水平上显著" in t for t in texts)
    assert len(doc.tables) == len(model.tables)


def test_chinese_demo_report_renders_in_chromium(demo_saved: SavedResults, tmp_path: Path) -> None:
    from tests.test_report_browser import ARTIFACTS, CHROMIUM, render

    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed")
    # the model and autocorrelation sections: the widest tables and the longest sentences
    shown = [s for s in demo_saved.stages if s["name"] in ("autocorrelation", "model")]
    page = tmp_path / "report.html"
    page.write_text(render_html(replace(demo_saved, stages=shown), lang="zh"), encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    phone = render(page, ARTIFACTS / "demo_report_zh_phone.png", width=390)
    assert phone["errors"] == []
    assert not phone["overflow"], "the page must not scroll sideways on a phone"


# --------------------------------------------------------------------------- sentence variants
# Each English sentence is produced by the stage's own code for hand-set inputs (as in
# tests/test_report_sentences.py); the Chinese next to it is written out by hand.


def test_rho_sentence_in_chinese_follows_sign_and_significance() -> None:
    cases = {
        (0.4825, 0.0582): "ρ = 0.482（z = 8.29，p < 0.001）：为正且在 5% 水平上显著。",
        (-0.1000, 0.0800): "ρ = -0.100（z = -1.25，p = 0.211）：为负但在 5% 水平上不显著。",
        (0.1000, 0.0800): "ρ = 0.100（z = 1.25，p = 0.211）：为正但在 5% 水平上不显著。",
    }
    for (rho, se), expected in cases.items():
        sentences, _ = _model_sentences(rho, se, (0.2368, 0.0331), (0.3764, 0.1040))
        assert translate_text(_sentence(sentences, "ρ = "), "zh") == expected


def test_hypotheses_sentences_in_chinese_follow_the_verdicts() -> None:
    base, _ = _model_sentences(0.4825, 0.0582, (0.2368, 0.0331), (0.3764, 0.1040))
    assert translate_text(_sentence(base, "H1"), "zh") == (
        "假设 H1：uri 的直接效应 > 0；直接效应为 0.237（标准误 0.033，单侧 p < 0.001），"
        "支持该假设。"
    )
    assert translate_text(_sentence(base, "H3"), "zh") == (
        "假设 H3：uri 的间接效应（溢出效应）> 0；间接效应为 0.376（标准误 0.104，单侧 p < 0.001），"
        "支持该假设。"
    )
    moved, _ = _model_sentences(0.4825, 0.0582, (0.0200, 0.0330), (-0.0500, 0.1040))
    assert translate_text(_sentence(moved, "H1"), "zh") == (
        "假设 H1：uri 的直接效应 > 0；直接效应为 0.020（标准误 0.033，单侧 p = 0.272），"
        "不支持该假设。"
    )
    assert translate_text(_sentence(moved, "The selection"), "zh") == (
        "模型选择检验序列指向双向固定效应的空间杜宾模型（SDM）；本研究按设定估计双向固定效应的"
        "空间杜宾模型（SDM）（二者设定一致）。"
    )


def test_robustness_and_aic_sentences_in_chinese() -> None:
    kwargs: dict[str, Any] = {
        "key": "robustness_spatial",
        "model": "sdm",
        "reference": "contiguity",
        "alpha": 0.05,
    }
    same = rob_stage.robustness_sentence(
        _spatial([0.48, 0.36, 0.25], [1e-9, 0.004, 0.01]), **kwargs
    )
    assert same is not None
    assert translate_text(same.text, "zh") == (
        "在 3 种空间权重矩阵下，SDM 的 ρ 符号（正）与显著性（在 5% 水平上显著）均保持不变；"
        "其取值介于 0.250（economic）与 0.480（contiguity）之间。"
    )
    flipped = rob_stage.robustness_sentence(
        _spatial([0.48, -0.12, 0.25], [1e-9, 0.004, 0.20]), **kwargs
    )
    assert flipped is not None
    assert translate_text(flipped.text, "zh") == (
        "在 3 种空间权重矩阵下，SDM 的 ρ 在本研究的 contiguity 权重矩阵下为正且在 5% 水平上显著，"
        "但在 distance 下符号改变，在 economic 下显著性改变；其取值介于 -0.120（distance）与 "
        "0.480（contiguity）之间。"
    )
    table = _fit_rows([-1803.71, -1796.30, -1806.93], [909.8569, 906.1504, 917.4648])
    aic = rob_stage.aic_sentence(table, key="compare_models")
    assert aic is not None
    assert translate_text(aic.text, "zh") == (
        "在空间滞后模型（SAR）、空间误差模型（SEM）、空间杜宾模型（SDM）中，SDM 的 AIC 最小"
        "（SAR -1803.71, SEM -1796.30, SDM -1806.93），其对数似然值为 917.4648。"
    )


def test_growth_sentence_in_chinese_names_the_provinces() -> None:
    from spatialpanel.study.stages import evolution as evo_stage

    base = {"Beijing": 3.0, "Tianjin": 2.0, "Hebei": 1.0, "Shanxi": 0.5, "Gansu": -0.4}
    (s,) = evo_stage._province_sentences("Common prosperity", _growth(base), "cp_growth")
    assert translate_text(s.text, "zh") == (
        "2014—2023 年，共同富裕指数在 5 个省份中的 4 个有所上升；年均增长率最高的是北京（3.00%）、"
        "天津（2.00%）、河北（1.00%），最低的是甘肃（-0.40%）。"
    )


def test_moran_sentences_in_chinese_follow_the_significant_years() -> None:
    import numpy as np

    def shuffle_2016(scores: pd.DataFrame) -> None:
        mask = scores.index.get_level_values(1) == 2016
        values = scores.loc[mask, "score"].to_numpy()
        scores.loc[mask, "score"] = np.random.default_rng(5).permutation(values)

    _, moved = _autocorr(shuffle_2016)
    table = next(t.frame for t in moved.tables if t.key == "moran_contiguity")
    years = [str(t) for t, p in table["p"].items() if p < 0.05]
    assert "2016" not in years
    i_of = {str(t): float(v) for t, v in table["I"].items()}
    lo, hi = min(i_of, key=i_of.__getitem__), max(i_of, key=i_of.__getitem__)
    zh = translate_text(moved.sentences[0].text, "zh")
    assert zh == (
        f"在 contiguity 权重矩阵下，共同富裕的全局莫兰指数在 {len(table)} 个年份中的 "
        f"{len(years)} 个年份（{'、'.join(years)}）在 5% 水平上显著（双侧检验）；其取值介于 "
        f"{i_of[lo]:.3f}（{lo} 年）与 {i_of[hi]:.3f}（{hi} 年）之间。"
    )
    quadrants = translate_text(moved.sentences[-1].text, "zh")
    assert quadrants.startswith("在所列各年份（2014、2023）中，始终位于高-高集聚象限的省份为")
    assert not english_runs(quadrants)


def test_dynamic_claim_sentence_in_chinese_for_each_verdict() -> None:
    expected = {
        ("supported", "supported"): "短期与长期总效应均显著为正",
        ("supported", "not supported"): "仅短期总效应显著为正",
        ("not supported", "supported"): "仅长期总效应显著为正",
        ("not supported", "not supported"): "短期与长期总效应均不显著为正",
    }
    for (short, long), verdict in expected.items():
        hyp = pd.DataFrame(
            {"estimate": [0.41, 0.735], "p_one_sided": [0.0004, 0.007], "verdict": [short, long]},
            index=["total (short run)", "total (long run)"],
        )
        s = dyn_stage._claim_sentence(hyp, core="uri", y="cp", alpha=0.05)
        assert translate_text(s.text, "zh") == (
            "uri 是否“无论短期影响还是长期效应”均能提升 cp？动态空间杜宾模型中，短期总效应为 "
            "0.410（单侧 p < 0.001），长期总效应为 0.735（单侧 p = 0.007）：在 α = 0.05 水平下，"
            f"{verdict}。"
        )


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        (
            "With region and year fixed effects, β = -0.3331 (p < 0.0001) for cp, implying that "
            "1 + β ≤ 0, so the speed and the half-life are not defined.",
            "控制地区与年份双向固定效应后，cp 的 β = -0.3331（p < 0.0001），表明1 + β ≤ 0，"
            "收敛速度与半衰期均无定义。",
        ),
        (
            "With region and year fixed effects, β = 0.0120 (p = 0.3000) for cp, implying no β "
            "convergence.",
            "控制地区与年份双向固定效应后，cp 的 β = 0.0120（p = 0.3000），表明不存在 β 收敛。",
        ),
        (
            "The national standard deviation of cp went from 0.1553 in 2014 to 0.1174 in 2023, "
            "σ convergence over the period.",
            "全国层面 cp 的标准差由 2014 年的 0.1553 变为 2023 年的 0.1174，样本期内存在 σ 收敛。",
        ),
        (
            "Hausman test: χ²(7) = 20.69 (p = 0.004).",
            "豪斯曼检验：χ²(7) = 20.69（p = 0.004）。",
        ),
        (
            "That transitions of cp do not depend on the neighbours' class is not rejected at the "
            "5% level (LR = 9.100, Q = 9.300, df = 9, p = 0.4280).",
            "“cp 的状态转移与邻域等级无关”的原假设在 5% 水平上不能被拒绝（LR = 9.100，Q = 9.300，"
            "df = 9，p = 0.4280）。",
        ),
    ],
)
def test_branches_written_inline_by_the_stages(english: str, chinese: str) -> None:
    # the disparity and model stages build these branches inline; the English is copied from
    # their f-strings with hand-set numbers
    assert translate_text(english, "zh") == chinese
