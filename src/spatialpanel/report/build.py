"""Build the study report (HTML, Word, LaTeX, Markdown) from a saved results folder."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from spatialpanel.errors import ConfigError
from spatialpanel.report.document import ReportDocument
from spatialpanel.report.grid import table_notes, title_line
from spatialpanel.report.i18n import banner_key, label, localized, stage_title, translate_text
from spatialpanel.report.results_io import SavedResults, load_results, numbering, ordered_stages
from spatialpanel.report.tables import html_table
from spatialpanel.results_folder import folder_hashes, staged_additions, verify

__all__ = ["LANGS", "build_report", "conventions", "render_html", "report_files", "write_report"]

#: Report languages.
LANGS = ("en", "zh")


def report_files(lang: str) -> dict[str, str]:
    """The report's file names in ``lang``: English plain, other languages with ``.LANG``
    before the extension (``report.zh.html``, ``report.zh.docx``, ``tables.zh.tex``,
    ``tables.zh.md``), so languages never overwrite one another."""
    if lang not in LANGS:
        raise ConfigError(f"lang={lang!r} is not a report language; use one of {', '.join(LANGS)}.")
    tag = "" if lang == "en" else f".{lang}"
    return {
        "html": f"report{tag}.html",
        "docx": f"report{tag}.docx",
        "tex": f"tables{tag}.tex",
        "md": f"tables{tag}.md",
    }


def build_report(results_dir: str | Path, *, lang: str = "en") -> Path:
    """Rebuild the report of a saved results folder in ``lang``; return the HTML file.

    The folder is verified against its manifest first (refused, naming the files, when it is
    incomplete or its files changed); the report is written into a staged copy whose manifest
    is updated, which then replaces the folder whole (:mod:`spatialpanel.results_folder`), so
    an interrupted rebuild leaves the folder as it was. Only the report files of ``lang``
    (:func:`report_files`) and files new to the folder may differ afterwards: rebuilding in
    Chinese leaves every English file byte-identical.

    The report is rebuilt from ``stages.json``, the CSV tables and the PNG figures alone, so it
    can be regenerated (e.g. in another language) without refitting anything.
    """
    names = report_files(lang)
    root = Path(results_dir)
    manifest = verify(root)
    before = manifest["outputs"]
    with staged_additions(root, manifest) as stage:
        write_report(root, lang=lang, into=stage)
        written = folder_hashes(stage)
        touched = [rel for rel in written if rel in before and rel not in names.values()]
        if touched or folder_hashes(root) != before:  # a bug, not the user's doing
            raise RuntimeError(
                f"rebuilding the {lang} report would change other files ({touched[:10]}) or "
                "wrote into the results folder itself; every report file must be written "
                "into write_report's `into` folder"
            )
    return root / names["html"]


def write_report(root: str | Path, *, lang: str = "en", into: str | Path | None = None) -> Path:
    """Write the report files of ``lang`` (:func:`report_files`) from the results folder
    ``root`` into ``into`` (default: ``root``); return the HTML file. The folder's manifest is
    not updated: this is the step that :func:`build_report` and ``spatialpanel run`` stage and
    commit."""
    names = report_files(lang)
    from spatialpanel.report._adapter import document
    from spatialpanel.report.latex import write_latex
    from spatialpanel.report.tables import write_markdown
    from spatialpanel.report.word import write_docx

    saved = load_results(root)
    target = saved.root if into is None else Path(into)
    doc = document(saved, lang=lang)
    html = render_html(saved, lang=lang, doc=doc)
    out = target / names["html"]
    out.write_text(html, encoding="utf-8")
    write_markdown(doc, target / names["md"])
    write_latex(doc, target / names["tex"])
    write_docx(doc, target / names["docx"], root=saved.root)
    return out


def _settings(saved: SavedResults, name: str) -> dict[str, Any]:
    for stage in saved.stages:
        if stage["name"] == name:
            return dict(stage.get("settings", {}))
    return {}


_BIAS = {
    "none": "none: the exact maximum-likelihood estimates",
    "elhorst": (
        "Lee & Yu (2010) correction as implemented by Elhorst (direct approach): corrected "
        "estimates, σ² and standard errors; the log-likelihood is the maximum before the "
        "correction"
    ),
    "transformation": "Lee & Yu (2010) transformation approach (exact ML of the transformed model)",
    "lee-yu": "Lee & Yu (2010) bias correction of the dynamic model",
}
_FILLS = {
    "linear": (
        "linear interpolation between the neighbouring years of the same region and variable, "
        "linear extrapolation at the ends"
    ),
}


def conventions(saved: SavedResults) -> list[tuple[str, str]]:
    """The statistical conventions of a run, stated plainly, from the stages' settings."""
    items: list[tuple[str, str]] = []
    data = _settings(saved, "data")
    if data:
        method = str(data.get("missing", ""))
        filled = data.get("cells_filled")
        text = f"{_FILLS.get(method, method) or 'no fill'}"
        if filled is not None:
            text = f"{filled} cells filled ({text}); every fill is one row of the audit table"
        items.append(("Missing values", text + "."))
    model = _settings(saved, "model")
    if model:
        effects = str(model.get("effects", ""))
        items.append(
            (
                "Fixed effects",
                f"{str(model.get('kind', '')).upper()} with {effects} effects, "
                f"{model.get('weights', '')} weights. With fixed effects, W is applied to the raw "
                "variables and the within transformation afterwards, Q·(Wy) and Q·(WX) (Elhorst "
                "2014; Lee & Yu 2010); R's splm uses W·(Qy), which differs with time effects.",
            )
        )
        bias = str(model.get("bias_correction", "none"))
        items.append(("Bias correction", _BIAS.get(bias, bias) + "."))
        items.append(
            (
                "p-values of the models",
                "coefficients and effects: two-sided, standard normal; LM, LR and Wald tests: "
                "upper tail of χ²; model-selection tests use fits without bias correction.",
            )
        )
        items.append(
            (
                "Hypotheses",
                f"one-sided tests, P(Z > z), at α = {model.get('alpha', '')}; a hypothesis is "
                "supported when the estimate is positive and the one-sided p-value is below α.",
            )
        )
        items.append(("σ²", "e'e/NT (maximum likelihood), before any bias correction."))
    dyn = _settings(saved, "dynamic")
    if dyn.get("enabled"):
        bias = str(dyn.get("bias_correction", "none"))
        items.append(("Dynamic model", f"bias correction: {_BIAS.get(bias, bias)}."))
    auto = _settings(saved, "autocorrelation")
    if auto:
        items.append(
            (
                "Moran's I p-values",
                str(auto.get("p_sidedness", ""))
                + " Local Moran: one-sided in the direction of the observed I_i (conditional "
                "permutation, as esda and GeoDa).",
            )
        )
    seed = saved.study.get("seed")
    if seed is not None:
        items.append(("Random draws", f"permutations and simulation draws use seed {seed}."))
    return items


def _provenance(saved: SavedResults, lang: str) -> list[tuple[str, str]]:
    study = saved.study
    yes, no = label("yes", lang), label("no", lang)
    items = [
        (label("study_file", lang), translate_text(str(study.get("study_file", "")), lang)),
        (label("study_sha256", lang), str(study.get("study_sha256", ""))),
    ]
    data = saved.data
    versions = saved.versions
    if data:
        source = str(data.get("path") or data.get("file", ""))
        items.append((label("data_file", lang), translate_text(source, lang)))
        items.append((label("data_sha256", lang), str(data.get("sha256", ""))))
    items.append((label("synthetic", lang), yes if study.get("synthetic") else no))
    if study.get("data_mark") == "real-reduced":
        items.append((label("data_kind", lang), label("real-reduced", lang)))
    items.append((label("seed", lang), str(study.get("seed", ""))))
    if versions:
        items.append((label("versions", lang), ", ".join(f"{k} {v}" for k, v in versions.items())))
    return items


def _stage_settings(saved: SavedResults) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    for stage in ordered_stages(saved):
        for k, v in stage.get("settings", {}).items():
            text = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
            items.append((f"{stage['name']}: {k}", text))
    return items


def _figure_src(saved: SavedResults, files: list[str]) -> str | None:
    source = saved.figure_file(files)
    if source is None:
        return None
    return "data:image/png;base64," + base64.b64encode(source.read_bytes()).decode("ascii")


def render_html(saved: SavedResults, *, lang: str = "en", doc: ReportDocument | None = None) -> str:
    """The self-contained HTML report (figures embedded as data URIs, no network needed).

    In Chinese every sentence, title, note, caption and convention is rendered through the
    templates of :mod:`spatialpanel.report.i18n_zh` (:func:`~spatialpanel.report.i18n.localized`).
    """
    from importlib import metadata

    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("spatialpanel.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        keep_trailing_newline=True,
    )
    if doc is None:
        from spatialpanel.report._adapter import document

        doc = document(saved, lang=lang)
    report_tables = {t.key: t for t in doc.tables()}
    saved = localized(saved, lang)
    num = numbering(saved)
    stages: list[dict[str, Any]] = []
    for stage in ordered_stages(saved):
        tables = []
        for t in stage["tables"]:
            table = report_tables[t["key"]]
            tables.append(
                {
                    "key": t["key"],
                    "title": title_line(doc, table),
                    "notes": list(table_notes(doc, table)),
                    "html": html_table(table),
                    "rows": len(table.frame),
                    "long": table.long,
                }
            )
        figures = []
        for f in stage["figures"]:
            src = _figure_src(saved, f["files"])
            if src is None:
                continue
            figures.append(
                {
                    "key": f["key"],
                    "title": num.figure_title(f["key"], f["title"], lang=lang),
                    "notes": f["notes"],
                    "src": src,
                }
            )
        stages.append(
            {
                "name": stage["name"],
                "title": stage_title(stage["name"], stage["title"], lang),
                "sentences": stage["sentences"],
                "tables": tables,
                "figures": figures,
            }
        )
    keys = (
        "synthetic_banner",
        "provenance",
        "conventions",
        "findings",
        "contents",
        "generated_by",
        "stage_settings",
        "rows",
        "also_in",
        "sentences_en",
    )
    notices = []
    if lang == "zh":
        from spatialpanel.report.fonts import cjk_font

        if cjk_font() is None:
            notices.append(label("no_cjk_font", lang))
    template = env.get_template("report.html.j2")
    return template.render(
        lang=lang,
        title=translate_text(str(saved.study.get("title") or ""), lang) or label("report", lang),
        reference=saved.study.get("reference", ""),
        synthetic=bool(saved.study.get("synthetic")),
        banner=label(key, lang) if (key := banner_key(saved.study)) else "",
        version=metadata.version("spatialpanel"),
        stages=stages,
        conventions=[
            (translate_text(k, lang), translate_text(v, lang)) for k, v in conventions(saved)
        ],
        provenance=_provenance(saved, lang),
        settings=_stage_settings(saved),
        notices=notices,
        L={k: label(k, lang) for k in keys},
    )
