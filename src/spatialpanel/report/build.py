"""Build the study report (HTML, Word, LaTeX, Markdown) from a saved results folder."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from spatialpanel.errors import ConfigError
from spatialpanel.report.document import ReportDocument
from spatialpanel.report.grid import table_notes, title_line
from spatialpanel.report.i18n import label, localized, stage_title, translate_text
from spatialpanel.report.results_io import SavedResults, load_results, numbering, ordered_stages
from spatialpanel.report.tables import html_table

__all__ = ["build_report", "conventions", "render_html"]


def build_report(results_dir: str | Path, *, lang: str = "en") -> Path:
    """Write ``report.html``, ``report.docx``, ``tables.tex`` and ``tables.md``; return the HTML.

    The report is rebuilt from ``stages.json``, the CSV tables and the PNG figures alone, so it
    can be regenerated (e.g. in another language) without refitting anything.
    """
    if lang not in ("en", "zh"):
        raise ConfigError(f"lang={lang!r}; use 'en' or 'zh'.")
    from spatialpanel.report._adapter import document
    from spatialpanel.report.latex import write_latex
    from spatialpanel.report.tables import write_markdown
    from spatialpanel.report.word import write_docx

    saved = load_results(results_dir)
    root = saved.root
    doc = document(saved, lang=lang)
    html = render_html(saved, lang=lang, doc=doc)
    out = root / "report.html"
    out.write_text(html, encoding="utf-8")
    write_markdown(doc, root / "tables.md")
    write_latex(doc, root / "tables.tex")
    write_docx(doc, root / "report.docx", root=root)
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
    png = next((p for p in files if p.endswith(".png")), None)
    if png is None:
        return None
    web = saved.root / "figures" / "web" / Path(png).name
    source = web if web.is_file() else saved.root / png
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
