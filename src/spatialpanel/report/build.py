"""Build the study report (HTML, Word, LaTeX, Markdown) from a saved results folder."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from spatialpanel.errors import ConfigError
from spatialpanel.report.formatting import formatted
from spatialpanel.report.i18n import label
from spatialpanel.report.results_io import SavedResults, load_results
from spatialpanel.report.tables import MAX_ROWS

__all__ = ["build_report"]


def build_report(results_dir: str | Path, *, lang: str = "en") -> Path:
    """Write ``report.html``, ``report.docx``, ``tables.tex`` and ``tables.md``; return the HTML.

    The report is rebuilt from ``stages.json``, the CSV tables and the PNG figures alone, so it
    can be regenerated (e.g. in another language) without refitting anything.
    """
    if lang not in ("en", "zh"):
        raise ConfigError(f"lang={lang!r}; use 'en' or 'zh'.")
    saved = load_results(results_dir)
    root = saved.root
    html = render_html(saved, lang=lang)
    out = root / "report.html"
    out.write_text(html, encoding="utf-8")
    from spatialpanel.report.tables import write_docx, write_latex, write_markdown

    write_markdown(saved, root / "tables.md")
    write_latex(saved, root / "tables.tex")
    write_docx(saved, root / "report.docx", lang=lang)
    return out


def _provenance(saved: SavedResults) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    study = saved.study
    items.append(("study file", str(study.get("study_file", ""))))
    items.append(("study sha256", str(study.get("study_sha256", ""))))
    items.append(("seed", str(study.get("seed", ""))))
    items.append(("synthetic data", "yes" if study.get("synthetic") else "no"))
    manifest = saved.root / "manifest.json"
    if manifest.is_file():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        for k, v in data.get("data", {}).items():
            items.append((f"data: {k}", str(v)))
        versions = data.get("versions", {})
        items.append(("versions", ", ".join(f"{k} {v}" for k, v in versions.items())))
    for stage in saved.stages:
        for k, v in stage.get("settings", {}).items():
            items.append(
                (
                    f"{stage['name']}: {k}",
                    json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v,
                )
            )
    return items


def render_html(saved: SavedResults, *, lang: str = "en") -> str:
    """The self-contained HTML report (figures embedded as data URIs, no network needed)."""
    from importlib import metadata

    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("spatialpanel.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        keep_trailing_newline=True,
    )
    stages: list[dict[str, Any]] = []
    for stage in saved.stages:
        tables = []
        for t in stage["tables"]:
            table = saved.tables[t["key"]]
            html = formatted(table.frame).to_html(classes="tbl", border=0, na_rep="", escape=True)
            tables.append(
                {
                    "key": t["key"],
                    "title": t["title"],
                    "notes": t["notes"],
                    "html": html,
                    "rows": len(table.frame),
                    "long": len(table.frame) > MAX_ROWS,
                }
            )
        figures = []
        for f in stage["figures"]:
            png = next((p for p in f["files"] if p.endswith(".png")), None)
            if png is None:
                continue
            web = saved.root / "figures" / "web" / Path(png).name
            source = web if web.is_file() else saved.root / png
            data = base64.b64encode(source.read_bytes()).decode("ascii")
            figures.append(
                {
                    "key": f["key"],
                    "title": f["title"],
                    "notes": f["notes"],
                    "src": f"data:image/png;base64,{data}",
                }
            )
        stages.append(
            {
                "name": stage["name"],
                "title": stage["title"],
                "sentences": stage["sentences"],
                "tables": tables,
                "figures": figures,
            }
        )
    labels = {
        k: label(k, lang)
        for k in ("synthetic_banner", "provenance", "findings", "contents", "generated_by")
    }
    template = env.get_template("report.html.j2")
    return template.render(
        lang=lang,
        title=saved.study.get("title") or label("report", lang),
        reference=saved.study.get("reference", ""),
        synthetic=bool(saved.study.get("synthetic")),
        version=metadata.version("spatialpanel"),
        stages=stages,
        provenance=_provenance(saved),
        L=labels,
    )
