"""A stop-gap localisation: :class:`ReportDocument` from a saved results folder.

The writers take a :class:`~spatialpanel.report.document.ReportDocument`. Until localisation from
message catalogues builds it, this adapter does, from the English text the stages saved (and,
for ``lang="zh"``, the template translation of :func:`spatialpanel.report.i18n.localized`). It
decides nothing about typesetting beyond what :mod:`spatialpanel.report.document` asks of
localisation: labels, the fixed words of :data:`~spatialpanel.report.document.WRITER_LABELS`,
which columns are p-values, counts and probabilities, and which tables are too long for paper.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import numpy as np
import pandas as pd

from spatialpanel.report.document import (
    ReportDocument,
    ReportFigure,
    ReportSection,
    ReportTable,
)
from spatialpanel.report.formatting import column_formats
from spatialpanel.report.regression import report_frame
from spatialpanel.report.results_io import (
    _PAPER_TABLE,
    SavedResults,
    SavedTable,
    numbering,
    ordered_stages,
)

__all__ = ["WORDS", "document"]

#: The writers' fixed words (:data:`~spatialpanel.report.document.WRITER_LABELS`) and the
#: statistic rows of regression tables, per language.
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "table": "Table",
        "figure": "Figure",
        "caption_sep": ". ",
        "notes": "Notes: ",
        "provenance": "Settings and provenance",
        "conventions": "Conventions",
        "appendix": "Appendix: long tables",
        "in_appendix": "printed in the appendix",
        "in_workbook": "{rows} rows: see tables.xlsx, sheet {sheet}, or {csv}",
        "too_wide": "{columns} columns: see tables.xlsx, sheet {sheet}, or {csv}",
        "stars_se": (
            "Standard errors in parentheses; *** p < 0.01, ** p < 0.05, * p < 0.1 (two-sided)."
        ),
        "stars_z": "z statistics in parentheses; *** p < 0.01, ** p < 0.05, * p < 0.1 (two-sided).",
        "paper_table": "paper's Table",
        "stat:n_entities": "N (regions)",
        "stat:n_periods": "T (periods)",
        "stat:nobs": "Observations",
        "stat:effects": "Fixed effects",
        "stat:bias_correction": "Bias correction",
        "stat:r2": "R²",
        "stat:loglik": "Log-likelihood",
        "stat:aic": "AIC",
        "stat:bic": "BIC",
        "stat:sigma2": "σ²",
        "value:pooled": "none",
        "value:entity": "region",
        "value:time": "year",
        "value:twoway": "region, year",
        "value:random": "region (random)",
        "value:none": "none",
        "value:elhorst": "Lee–Yu",
        "value:transformation": "Lee–Yu (transf.)",
        "value:lee-yu": "Lee–Yu",
        "term:const": "Constant",
    },
    "zh": {
        "table": "表",
        "figure": "图",
        "caption_sep": " ",
        "notes": "注：",
        "provenance": "设置与数据来源",
        "conventions": "统计约定",
        "appendix": "附录：长表",
        "in_appendix": "见附录",
        "in_workbook": "共 {rows} 行：见 tables.xlsx 的工作表 {sheet} 或 {csv}",
        "too_wide": "共 {columns} 列：见 tables.xlsx 的工作表 {sheet} 或 {csv}",
        "stars_se": "括号内为标准误；*** p < 0.01，** p < 0.05，* p < 0.1（双侧）。",
        "stars_z": "括号内为 z 值；*** p < 0.01，** p < 0.05，* p < 0.1（双侧）。",
        "paper_table": "对应论文表",
        "stat:n_entities": "地区数 N",
        "stat:n_periods": "时期数 T",
        "stat:nobs": "观测值",
        "stat:effects": "固定效应",
        "stat:bias_correction": "偏误修正",
        "stat:r2": "R²",
        "stat:loglik": "对数似然值",
        "stat:aic": "AIC",
        "stat:bic": "BIC",
        "stat:sigma2": "σ²",
        "value:pooled": "无",
        "value:entity": "地区",
        "value:time": "时间",
        "value:twoway": "地区、时间",
        "value:random": "地区（随机）",
        "value:none": "无",
        "value:elhorst": "Lee–Yu",
        "value:transformation": "Lee–Yu（变换法）",
        "value:lee-yu": "Lee–Yu",
        "term:const": "常数项",
    },
}
_MAX_ROWS = 60  # as report.tables.MAX_ROWS (not imported: the writers import this package)


def _term(term: str, lang: str) -> str:
    """A parameter's label: ``W*uri`` -> ``W·uri``, ``rho`` -> ``ρ``, ``cp(t-1)`` -> ``cp(t−1)``."""
    from spatialpanel.report.i18n import translate_cell

    words = WORDS[lang]
    if term in ("rho", "lambda"):
        return {"rho": "ρ", "lambda": "λ"}[term]
    if f"term:{term}" in words:
        return words[f"term:{term}"]
    spatial = term.startswith("W*")
    base = term[2:] if spatial else term
    lag = base.endswith("(t-1)")
    base = base[: -len("(t-1)")] if lag else base
    text = translate_cell(base, lang)
    return ("W·" if spatial else "") + text + ("(t−1)" if lag else "")


def _labeller(lang: str) -> Any:
    from spatialpanel.report.i18n import translate_cell

    words = WORDS[lang]

    def label(kind: str, ident: str) -> str:
        if kind == "term":
            return _term(ident, lang)
        if kind in ("stat", "value"):
            return words.get(f"{kind}:{ident}", ident)
        return translate_cell(ident, lang, header=True)

    return label


def _title(title: str, lang: str) -> str:
    """The caption text: the paper's "Table 7." prefix becomes a "(paper's Table 7)" tail."""
    match = _PAPER_TABLE.match(title)
    if not match:
        return title
    rest, paper = title[match.end() :], f"{WORDS[lang]['paper_table']} {match.group(1)}"
    return f"{rest}（{paper}）" if lang == "zh" else f"{rest} ({paper})"


def _localised_frame(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Index, column labels and text cells in ``lang`` (numbers untouched)."""
    if lang == "en":
        return frame
    from spatialpanel.report.i18n import label, translate_cell

    def tr(value: Hashable, header: bool = False) -> Hashable:
        if isinstance(value, bool | np.bool_):  # a yes/no cell is a word, in the reader's language
            return label("yes" if value else "no", lang)
        if isinstance(value, str):
            return translate_cell(value, lang, header=header)
        return value

    out = frame.copy()
    out = out.apply(lambda col: col.map(tr))
    if isinstance(out.columns, pd.MultiIndex):
        out.columns = pd.MultiIndex.from_tuples(
            [tuple(tr(v, True) for v in col) for col in out.columns],
            names=[tr(n, True) if n is not None else None for n in out.columns.names],
        )
    else:
        out.columns = pd.Index([tr(c, True) for c in out.columns], name=out.columns.name)
    if isinstance(out.index, pd.MultiIndex):
        out.index = pd.MultiIndex.from_tuples(
            [tuple(tr(v) for v in row) for row in out.index],
            names=[tr(n, True) if n is not None else None for n in out.index.names],
        )
    else:
        name = out.index.name
        out.index = pd.Index(
            [tr(v) for v in out.index], name=tr(name, True) if name is not None else None
        )
    return out


def _table(saved: SavedTable, number: int, lang: str, beneath: str) -> ReportTable:
    title = _title(saved.title, lang)
    if saved.kind == "regression":
        frame = report_frame(saved.frame, label=_labeller(lang))
        return ReportTable(
            key=saved.key,
            number=number,
            title=title,
            notes=saved.notes,
            frame=frame,
            kind="regression",
            long=len(frame) > _MAX_ROWS,
            beneath="z" if beneath == "z" else "se",
        )
    p_cols, counts, probs = column_formats(saved.frame, key=saved.key)
    frame = _localised_frame(saved.frame, lang)
    position: dict[Hashable, int] = {col: j for j, col in enumerate(saved.frame.columns)}

    def shown(cols: tuple[Hashable, ...]) -> tuple[Hashable, ...]:
        return tuple(frame.columns[position[c]] for c in cols)

    return ReportTable(
        key=saved.key,
        number=number,
        title=title,
        notes=saved.notes,
        frame=frame,
        p_columns=shown(p_cols),
        count_columns=shown(counts),
        probability_columns=shown(probs),
        long=len(frame) > _MAX_ROWS,
    )


def document(saved: SavedResults, *, lang: str = "en") -> ReportDocument:
    """The report of a results folder as a :class:`ReportDocument` in ``lang``."""
    from spatialpanel.report.build import _provenance, conventions
    from spatialpanel.report.i18n import banner_key, label, localized, stage_title, translate_text

    english = saved
    saved = localized(saved, lang)
    num = numbering(saved)
    beneath = str(saved.study.get("parentheses", "se"))
    sections = []
    for stage in ordered_stages(saved):
        tables = tuple(
            _table(saved.tables[t["key"]], num.tables[t["key"]], lang, beneath)
            for t in stage["tables"]
        )
        figures = tuple(
            ReportFigure(
                key=f["key"],
                number=num.figures[f["key"]],
                title=f["title"],
                notes=tuple(f["notes"]),
                png=next((p for p in f["files"] if p.endswith(".png")), None),
                svg=next((p for p in f["files"] if p.endswith(".svg")), None),
            )
            for f in stage["figures"]
        )
        sections.append(
            ReportSection(
                name=stage["name"],
                title=stage_title(stage["name"], stage["title"], lang),
                sentences=tuple(s["text"] for s in stage["sentences"]),
                tables=tables,
                figures=figures,
            )
        )
    title = translate_text(str(saved.study.get("title") or ""), lang) or label("report", lang)
    return ReportDocument(
        lang=lang,
        title=title,
        sections=tuple(sections),
        banner=label(key, lang) if (key := banner_key(saved.study)) else None,
        conventions=tuple(
            (translate_text(k, lang), translate_text(v, lang)) for k, v in conventions(english)
        ),
        provenance=tuple(_provenance(english, lang)),
        labels=dict(WORDS[lang]),
    )
