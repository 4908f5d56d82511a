"""Build the study report (HTML, Word, LaTeX, Markdown) from a saved results folder.

The results folder is read once (:func:`~spatialpanel.report.results_io.load_results`),
localised into a :class:`~spatialpanel.report.document.ReportDocument` in the requested language
(:func:`~spatialpanel.report.localise.localise`) and written by the typesetting writers.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from spatialpanel.errors import ConfigError
from spatialpanel.report.document import ReportDocument
from spatialpanel.report.localise import localise
from spatialpanel.report.results_io import load_results
from spatialpanel.report.tables import html_table
from spatialpanel.text import languages

__all__ = ["build_report", "render_html"]


def build_report(results_dir: str | Path, *, lang: str = "en") -> Path:
    """Write ``report.html``, ``report.docx``, ``tables.tex`` and ``tables.md``; return the HTML.

    The report is rebuilt from ``stages.json``, the CSV tables and the PNG figures alone, so it
    can be regenerated (e.g. in another language) without refitting anything. ``lang`` is any
    language with a catalogue (:func:`spatialpanel.text.languages`).
    """
    known = languages()
    if lang not in known:
        raise ConfigError(
            f"lang={lang!r} has no catalogue; use one of {', '.join(known)} (a language is a "
            "gettext catalogue, see spatialpanel.text)."
        )
    saved = load_results(results_dir)
    root = saved.root
    from spatialpanel.report.figure_jobs import draw_saved_figures

    # the figures in the report's language, drawn from their saved data where not drawn yet
    draw_saved_figures(
        root, saved.stages, lang=lang, labels=saved.labels, output=saved.figure_output
    )
    doc = localise(saved, lang)
    out = root / "report.html"
    out.write_text(render_html(doc, root=root), encoding="utf-8")
    from spatialpanel.report.tables import write_docx, write_latex, write_markdown

    write_markdown(doc, root / "tables.md")
    write_latex(doc, root / "tables.tex")
    write_docx(doc, root / "report.docx", root=root)
    return out


def _figure_src(root: Path, png: str | None) -> str | None:
    if png is None:
        return None
    web = root / "figures" / "web" / Path(png).name
    source = web if web.is_file() else root / png
    if not source.is_file():
        return None
    return "data:image/png;base64," + base64.b64encode(source.read_bytes()).decode("ascii")


def render_html(doc: ReportDocument, *, root: Path | None = None) -> str:
    """The self-contained HTML report of ``doc`` (figures embedded as data URIs, no network).

    Every text is already in the document's language. The sources of a sentence (the table
    cells it rests on) are a link to the first table, with the cells in its ``title`` (shown on
    hover); the contents list is numbered as the headings; the settings and provenance section
    comes last and starts at ``<h2 id="provenance">``.
    """
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("spatialpanel.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        keep_trailing_newline=True,
    )
    caption = doc.labels["table_caption"]
    fig_caption = doc.labels["figure_caption"]
    sections: list[dict[str, Any]] = []
    for section in doc.sections:
        keys = {t.key for t in section.tables}
        sentences = []
        for i, text in enumerate(section.sentences):
            sources = section.sources[i] if i < len(section.sources) else ()
            target = next((s.split(":", 1)[0] for s in sources if ":" in s), None)
            sentences.append(
                {
                    "text": text,
                    "sources": ", ".join(sources),
                    "href": f"#t-{target}" if target in keys else None,
                }
            )
        tables = [
            {
                "key": t.key,
                "title": caption.format(number=t.number, title=t.title),
                "notes": " ".join(t.notes),
                "html": html_table(t.frame),
                "rows": doc.labels["rows"].format(n=len(t.frame)),
                "long": t.long,
            }
            for t in section.tables
        ]
        figures = []
        for f in section.figures:
            src = _figure_src(root, f.png) if root is not None else None
            if src is None:
                continue
            figures.append(
                {
                    "key": f.key,
                    "title": fig_caption.format(number=f.number, title=f.title),
                    "notes": " ".join(f.notes),
                    "src": src,
                }
            )
        sections.append(
            {
                "name": section.name,
                "heading": doc.labels["section_heading"].format(
                    number=section.number, title=section.title
                ),
                "title": section.title,
                "number": section.number,
                "sentences": sentences,
                "tables": tables,
                "figures": figures,
            }
        )
    template = env.get_template("report.html.j2")
    return template.render(
        lang=doc.lang,
        title=doc.title,
        reference=doc.reference,
        banner=doc.banner,
        sections=sections,
        conventions=doc.conventions,
        provenance=doc.provenance,
        settings=doc.settings,
        notices=doc.notices,
        L=doc.labels,
    )
