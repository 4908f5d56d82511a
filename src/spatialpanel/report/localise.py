"""Localisation: a saved results folder -> a :class:`~spatialpanel.report.document.ReportDocument`
in one language.

Every text comes from a message rendered through the language's catalogue
(:mod:`spatialpanel.text`): stage titles, sentences, table titles and notes, figure captions,
the conventions, the fixed words of the report. Tables keep their numbers as numbers; their
labels become reader text:

* identifiers the study labels (variables, indices, dimensions, weights) -> their labels;
* province names (the tables hold the bundled English names) -> the names of the language;
* model notation built from identifiers (``W*x``, ``x(t-1)``) -> the same notation around the
  label;
* column headers and fixed text cells (test names, verdicts, levels) -> their catalogue entries
  (contexts ``column`` and ``cell``), looked up by the exact identifier or phrase;
* message cells (``[row, column, message]`` in ``stages.json``) -> rendered;
* ``True``/``False`` -> "yes"/"no" of the language;
* regression payloads (tables of kind ``"regression"``) -> the journal-style frame of
  :func:`spatialpanel.report.regression.report_frame`, whose parameters, statistic rows, setting
  values and model columns are labelled here (contexts ``statistic`` and ``regression value``).

Which columns hold p-values, counts and probabilities is decided once, on the identifiers
(:func:`spatialpanel.report.formatting.column_formats`); the writers format the numbers.

Nothing is parsed out of rendered English; a value without an entry is shown as it is.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import pandas as pd

from spatialpanel.report.conventions import conventions
from spatialpanel.report.document import (
    ReportDocument,
    ReportFigure,
    ReportSection,
    ReportTable,
)
from spatialpanel.report.figure_jobs import figure_png
from spatialpanel.report.formatting import column_formats
from spatialpanel.report.regression import report_frame
from spatialpanel.report.results_io import SavedResults, SavedTable, numbering, ordered_stages
from spatialpanel.report.tables import MAX_ROWS
from spatialpanel.report.words import UI, UI_KEYS, ui, writer_labels
from spatialpanel.results_folder import inside
from spatialpanel.text import (
    Labels,
    Message,
    Text,
    catalogue,
    msg,
    pmsg,
    region_name,
    render,
)
from spatialpanel.text.frames import apply_cells
from spatialpanel.text.labels import STUDY_KINDS, is_region

__all__ = ["MAX_ROWS", "UI", "UI_KEYS", "localise", "localise_frame", "ui", "writer_labels"]


_PAPER = msg("{title} (paper's Table {n})", title="", n="")


# --------------------------------------------------------------------------- tables

_LAG = re.compile(r"^(?P<x>.+)\(t-1\)$")


class _Texts:
    """Reader text of table labels and text cells in one language (cached lookups)."""

    def __init__(self, lang: str, labels: Labels) -> None:
        self.lang = lang
        self.labels = labels
        self.cat = catalogue(lang)
        self.en = catalogue("en")
        self.cache: dict[tuple[str, bool], str] = {}
        self.yes, self.no = ui("yes", lang), ui("no", lang)
        # the regions of a region set (cities, the user's boundaries) by their English names,
        # as the tables hold them
        self.regions = {
            names.get("en", key): key for key, names in labels.table.get("region", {}).items()
        }

    def _entry(self, text: str, context: str) -> str | None:
        found = self.cat.lookup(text, context=context)
        return found if found is not None else self.en.lookup(text, context=context)

    def text(self, value: str, *, header: bool) -> str:
        key = (value, header)
        if key not in self.cache:
            self.cache[key] = self._text(value, header=header)
        return self.cache[key]

    def _text(self, value: str, *, header: bool) -> str:
        found = self.labels.find(value)
        if found is not None:
            return self.labels.get(*found, self.lang)
        if value in self.regions:
            return self.labels.get("region", self.regions[value], self.lang)
        if is_region(value):
            return region_name(value, self.lang)
        first, second = ("column", "cell") if header else ("cell", "column")
        for context in (first, second):
            entry = self._entry(value, context)
            if entry is not None:
                return entry
        if value.startswith("W*") and len(value) > 2:
            return "W·" + self.text(value[2:], header=header)
        m = _LAG.match(value)
        if m is not None:
            return f"{self.text(m['x'], header=header)}(t−1)"
        return value

    def label(self, value: object, *, header: bool = True) -> object:
        """An index or column label: text translated, numbers kept."""
        if isinstance(value, bool):
            return self.yes if value else self.no
        if isinstance(value, str):
            return self.text(value, header=header)
        return value

    def cell(self, value: object, hint: str | None = None) -> object:
        """A body cell: text translated, booleans in words, numbers kept. ``hint`` is what the
        cell's column holds (:data:`_HINTS`): an identifier that means different things in
        different places ("economic": a dimension, a weights matrix, a kind of matrix) is read
        as the column says."""
        if isinstance(value, bool):
            return self.yes if value else self.no
        if isinstance(value, str):
            lowered = value.strip()
            if lowered in ("True", "False"):
                return self.yes if lowered == "True" else self.no
            hinted = self.hinted(value, hint)
            return hinted if hinted is not None else self.text(value, header=False)
        return value

    def region(self, value: object) -> object:
        """A region id as its name (an ``entity`` column holds ids: GB/T 2260 codes, read back
        from CSV as floats when the column has blanks); anything else as it is."""
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            return value
        try:
            number = float(value)
        except ValueError:
            key = str(value)
        else:
            if not math.isfinite(number) or not number.is_integer():
                return value
            key = str(int(number))
        if self.labels.has("region", key) or is_region(key):
            return self.labels.get("region", key, self.lang)
        return value

    def hinted(self, value: str, hint: str | None) -> str | None:
        """``value`` read as ``hint`` says (a study label of that kind, or a term of that
        catalogue context), or ``None`` when the hint does not apply."""
        if hint is None:
            return None
        if hint in STUDY_KINDS:
            return self.labels.get(hint, value, self.lang) if self.labels.has(hint, value) else None
        return self._entry(value, hint)


#: Columns and index levels whose identifiers are of one kind: a study label kind, or the
#: catalogue context of a term.
_HINTS: dict[str, str] = {
    "weights": "weights",
    "fit": "weights",  # spatial_parameters: one row per model or per weights matrix
    "dimension": "dimension",
    "indicator": "variable",
    "variable": "variable",
    "kind": "weights kind",
    "entity": "region",
    "jump_years": "years",
    "break_years": "years",
}


def _hint(name: object) -> str | None:
    last = name[-1] if isinstance(name, tuple) else name
    return _HINTS.get(str(last)) if last is not None else None


def _year(value: object) -> object:
    """A year read back as a float (``2016.0``) as text (``"2016"``); NaN as blank."""
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:.0f}" if value.is_integer() else value
    return value


def _index_value(value: object, hint: str | None, texts: _Texts) -> object:
    """An index label: region ids as names, identifiers as the level says, the rest as usual."""
    if hint == "region":
        shown = texts.region(value)
        return texts.label(shown) if shown is value else shown
    if isinstance(value, str):
        return texts.hinted(value, hint) or texts.label(value)
    return texts.label(value)


def _index(index: pd.Index, texts: _Texts) -> pd.Index:
    if isinstance(index, pd.MultiIndex):
        hints = [_hint(n) for n in index.names]
        # a regression payload's rows (part, term): the parts by name, the statistics' terms
        # as statistics (n_entities -> "N (regions)")
        payload = list(index.names[:2]) == ["part", "term"]
        stat_hints = ["part", "statistic", *hints[2:]] if payload else hints
        part_hints = ["part", *hints[1:]] if payload else hints
        tuples = [
            tuple(
                _index_value(v, h, texts)
                for v, h in zip(
                    t, stat_hints if payload and t[0] == "stat" else part_hints, strict=True
                )
            )
            for t in index
        ]
        names = [texts.label(n) if n is not None else None for n in index.names]
        return pd.MultiIndex.from_tuples(tuples, names=names)
    hint = _hint(index.name)
    name = texts.label(index.name) if index.name is not None else None
    return pd.Index([_index_value(v, hint, texts) for v in index], name=name, dtype=object)


def localise_frame(
    frame: pd.DataFrame,
    lang: str,
    labels: Labels | None = None,
    cells: tuple[Any, ...] | list[Any] = (),
) -> pd.DataFrame:
    """A copy of ``frame`` whose labels and text cells are reader text in ``lang``.

    Numeric cells stay numbers; message cells (``cells``, positions as written by
    :func:`spatialpanel.text.frames.split_cells`) are rendered; see the module docstring.
    """
    labels = labels if labels is not None else Labels()
    texts = _Texts(lang, labels)
    done = {(int(c[0]), int(c[1])) for c in cells}
    out = apply_cells(frame, cells, lang, labels)
    for j, name in enumerate(out.columns.tolist()):  # by position (labels may repeat)
        column = out.iloc[:, j]
        hint = _hint(name)
        if hint == "years":  # lists of years ("2016, 2018"); one year read
            values = [_year(v) for v in column]  # back from CSV is a float: 2016, not 2016.0
            out.isetitem(j, pd.Series(values, index=out.index, dtype=object).to_numpy())
        elif hint == "region":  # region ids (numbers or text) -> names
            values = [v if (i, j) in done else texts.region(v) for i, v in enumerate(column)]
            out.isetitem(j, pd.Series(values, index=out.index, dtype=object).to_numpy())
        elif not pd.api.types.is_numeric_dtype(column.dtype) or column.dtype == bool:
            values = [
                v if (i, j) in done else texts.cell(v, hint) for i, v in enumerate(column.tolist())
            ]
            out.isetitem(j, pd.Series(values, index=out.index, dtype=object).to_numpy())
    out.index = _index(out.index, texts)
    out.columns = _index(out.columns, texts)
    return out


def _special_columns(table: SavedTable, localised: pd.DataFrame) -> dict[str, Any]:
    """The p-value, count and probability columns (decided on the identifiers, see
    :func:`~spatialpanel.report.formatting.column_formats`) as labels of the localised frame."""
    p_cols, counts, probs = column_formats(table.frame, key=table.key)
    position: dict[Hashable, int] = {col: j for j, col in enumerate(table.frame.columns)}

    def shown(cols: tuple[Hashable, ...]) -> tuple[Hashable, ...]:
        return tuple(localised.columns[position[c]] for c in cols)

    return {
        "p_columns": shown(p_cols),
        "count_columns": shown(counts),
        "probability_columns": shown(probs),
    }


#: Statistic rows of regression tables (context ``statistic``) and the values of their setting
#: rows (context ``regression value``): ``twoway`` fixed effects print "region, year".
_CONSTANT = pmsg("term", "const")


def _regression(table: SavedTable, texts: _Texts, beneath: str) -> dict[str, Any]:
    """The reader's frame of a regression payload (see :mod:`spatialpanel.report.regression`)."""
    lang = texts.lang

    def label(kind: str, ident: str) -> str:
        if kind == "term":
            return render(_CONSTANT, lang) if ident == "const" else texts.text(ident, header=False)
        if kind == "stat":
            return render(pmsg("statistic", ident), lang)
        if kind == "value":
            return render(pmsg("regression value", ident), lang)
        # a column is a model, an equation or a weights matrix (the robustness table), never a
        # dimension: "economic" is the economic-distance matrix there
        return texts.hinted(ident, "weights") or texts.text(ident, header=True)

    frame = report_frame(table.frame, label=label)
    return {
        "frame": frame,
        "kind": "regression",
        "beneath": "z" if beneath == "z" else "se",
    }


# --------------------------------------------------------------------------- the document


def localise(saved: SavedResults, lang: str, *, staged: Path | None = None) -> ReportDocument:
    """The report of ``saved`` in ``lang``: every text rendered, every table localised, every
    figure the one drawn in ``lang`` where it exists (in the results folder or in ``staged``,
    the files a report adds before they are moved in; see
    :func:`~spatialpanel.report.figure_jobs.figure_png`).

    Raises
    ------
    ResultsError
        A figure file named in ``stages.json`` that lies outside the results folder.
    """
    labels = saved.labels
    num = numbering(saved)
    texts = _Texts(lang, labels)
    beneath = str(saved.study.get("parentheses", "se"))

    def tr(text: Text) -> str:
        return render(text, lang, labels)

    sections = []
    for stage in ordered_stages(saved):
        tables = []
        for t in stage["tables"]:
            table = saved.tables[t["key"]]
            title = tr(table.title)
            if table.paper is not None:
                title = render(Message(_PAPER.id, {"title": title, "n": table.paper}), lang)
            if table.kind == "regression":
                body = _regression(table, texts, beneath)
            else:
                frame = localise_frame(table.frame, lang, labels, table.cells)
                body = {"frame": frame, **_special_columns(table, frame)}
            tables.append(
                ReportTable(
                    key=table.key,
                    number=num.tables[table.key],
                    title=title,
                    notes=tuple(tr(n) for n in table.notes),
                    long=len(body["frame"]) > MAX_ROWS,
                    lang=lang,
                    **body,
                )
            )
        figures = []
        for f in stage["figures"]:
            files = list(f.get("files", []))
            for path in files:  # the report reads nothing outside the results folder
                inside(saved.root, path, what="figure file")
            figures.append(
                ReportFigure(
                    key=f["key"],
                    number=num.figures[f["key"]],
                    title=tr(f["title"]),
                    notes=tuple(tr(n) for n in f["notes"]),
                    # the figure drawn in this language (figures/KEY.zh.png), else the run's
                    png=figure_png(saved.root, f, lang, staged=staged),
                    svg=next((p for p in files if p.endswith(".svg")), None),
                )
            )
        sentences = stage.get("sentences", [])
        sections.append(
            ReportSection(
                name=stage["name"],
                title=tr(stage["title"]),
                sentences=tuple(tr(s["message"]) for s in sentences),
                tables=tuple(tables),
                figures=tuple(figures),
                number=num.sections[stage["name"]],
                sources=tuple(tuple(s.get("sources", ())) for s in sentences),
            )
        )
    study = saved.study
    titles = dict(study.get("titles") or {})
    title = (
        titles.get(lang) or titles.get("en") or str(study.get("title") or "") or ui("report", lang)
    )
    notices: list[str] = []
    if lang != "en":
        from spatialpanel.report.fonts import cjk_font

        if lang in ("zh", "ja", "ko") and cjk_font() is None:
            notices.append(ui("no_cjk_font", lang))
    return ReportDocument(
        lang=lang,
        title=title,
        sections=tuple(sections),
        banner=_banner(study, saved.data, lang),
        conventions=tuple((tr(k), tr(v)) for k, v in conventions(saved)),
        provenance=tuple(_provenance(saved, lang)),
        labels=writer_labels(lang),
        reference=str(study.get("reference", "")),
        settings=tuple(_stage_settings(saved)),
        notices=tuple(notices),
        synthetic=bool(study.get("synthetic")),
    )


def _banner(study: dict[str, Any], data: dict[str, Any], lang: str) -> str | None:
    """The statement at the top of the report, from the data's mark: synthetic data, or real
    data on a reduced indicator system; none for the user's own data. A mark the study itself
    gave (``[data] mark``, ``"mark_from": "study"`` in the data record) gets a statement that
    claims nothing about where the data come from."""
    own = data.get("mark_from") == "study"
    if study.get("synthetic") or study.get("data_mark") == "synthetic":
        return ui("synthetic_banner_own" if own else "synthetic_banner", lang)
    if study.get("data_mark") == "real-reduced":
        return ui("real_banner_own" if own else "real_banner", lang)
    return None


#: Provenance values that name a bundled example or dataset (``StudyConfig.source_label`` and
#: the data stage write them so): the fixed words in the reader's language, the name as it is.
_BUNDLED: dict[str, Message] = {
    "bundled example ": msg("bundled example {name}", name=""),
    "bundled dataset ": msg("bundled dataset {name}", name=""),
}


def _value(text: str, lang: str) -> str:
    """A provenance value: a fixed phrase in ``lang`` (e.g. "bundled demo study", "bundled
    dataset china-provinces-nbs"), else as is (a file name)."""
    found = catalogue(lang).lookup(text, context="cell")
    if found is not None:
        return found
    for prefix, message in _BUNDLED.items():
        if text.startswith(prefix):
            return render(Message(message.id, {"name": text.removeprefix(prefix)}), lang)
    return text


def _provenance(saved: SavedResults, lang: str) -> list[tuple[str, str]]:
    study = saved.study
    yes, no = ui("yes", lang), ui("no", lang)
    items = [
        (ui("study_file", lang), _value(str(study.get("study_file", "")), lang)),
        (ui("study_sha256", lang), str(study.get("study_sha256", ""))),
    ]
    data = saved.data
    if data:
        source = str(data.get("path") or data.get("file", ""))
        items.append((ui("data_file", lang), _value(source, lang)))
        items.append((ui("data_sha256", lang), str(data.get("sha256", ""))))
    items.append((ui("synthetic", lang), yes if study.get("synthetic") else no))
    if study.get("data_mark") == "real-reduced":
        items.append((ui("data_kind", lang), ui("real_reduced", lang)))
    items.append((ui("seed", lang), str(study.get("seed", ""))))
    if saved.versions:
        items.append(
            (ui("versions", lang), ", ".join(f"{k} {v}" for k, v in saved.versions.items()))
        )
    return items


def _stage_settings(saved: SavedResults) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    for stage in ordered_stages(saved):
        for k, v in stage.get("settings", {}).items():
            text = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
            items.append((f"{stage['name']}: {k}", text))
    return items
