"""Build the study report (HTML, Word, LaTeX, Markdown) from a saved results folder.

The results folder is read once (:func:`~spatialpanel.report.results_io.load_results`),
localised into a :class:`~spatialpanel.report.document.ReportDocument` in the requested language
(:func:`~spatialpanel.report.localise.localise`) and written by the typesetting writers
(:mod:`spatialpanel.report.tables` for HTML tables and Markdown, :mod:`~spatialpanel.report.word`,
:mod:`~spatialpanel.report.latex`). Every language writes its own files
(:func:`report_files`); :func:`build_report` stages them and updates the manifest.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spatialpanel.errors import ConfigError
from spatialpanel.report.document import ReportDocument, ReportSection
from spatialpanel.report.grid import figure_line, table_notes, title_line
from spatialpanel.report.localise import localise
from spatialpanel.report.results_io import SavedResults, load_results
from spatialpanel.report.tables import html_table
from spatialpanel.results_folder import folder_hashes, staged_additions, verify
from spatialpanel.text import languages

if TYPE_CHECKING:  # pragma: no cover
    from spatialpanel.report.word import PreparedDocx

__all__ = [
    "PreparedHtml",
    "PreparedReport",
    "build_report",
    "prepare_report",
    "render_html",
    "report_files",
    "write_report",
]


def report_files(lang: str) -> dict[str, str]:
    """The report's file names in ``lang``: English plain, other languages with ``.LANG``
    before the extension (``report.zh.html``, ``report.zh.docx``, ``tables.zh.tex``,
    ``tables.zh.md``), so languages never overwrite one another.

    ``lang`` is any language with a catalogue (:func:`spatialpanel.text.languages`): a new
    language is a new ``.po`` file, not code.
    """
    known = languages()
    if lang not in known:
        raise ConfigError(
            f"lang={lang!r} is not a report language (it has no catalogue); use one of "
            f"{', '.join(known)} (a language is a gettext catalogue, see spatialpanel.text)."
        )
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
    commit.

    Figures not yet drawn in ``lang`` are drawn first from their saved data
    (``figures/data/KEY.json``) into ``into`` as well (``figures/KEY.zh.png`` and its web copy),
    and the reports embed them: a Chinese report shows Chinese figures.
    """
    from spatialpanel.report.figure_jobs import draw_saved_figures

    saved = load_results(root)
    target = saved.root if into is None else Path(into)
    # the figures in the report's language, drawn from their saved data where not drawn yet
    draw_saved_figures(
        saved.root,
        saved.stages,
        lang=lang,
        labels=saved.labels,
        output=saved.figure_output,
        into=target,
    )
    return _prepare(saved, lang, into).finish()


@dataclass(frozen=True)
class PreparedReport:
    """A report whose text files are written and whose figure-embedding files are built but for
    the figures: :func:`prepare_report` writes the Markdown and LaTeX files (they name the
    figure files, they do not read them) and builds the Word document and the HTML report's
    parts; :meth:`finish` puts the figures in, once they are drawn, and writes both files."""

    doc: ReportDocument
    root: Path
    target: Path
    staged: Path | None
    names: dict[str, str]
    html: PreparedHtml
    docx: PreparedDocx

    def finish(self) -> Path:
        """Write the HTML and Word reports (the figures must be in place; a figure whose file
        is missing is left out, as when the report is written at once); return the HTML."""
        out = self.target / self.names["html"]
        out.write_text(self.html.render(root=self.root, staged=self.staged), encoding="utf-8")
        self.docx.save(self.target / self.names["docx"])
        return out


def prepare_report(
    root: str | Path, *, lang: str = "en", into: str | Path | None = None
) -> PreparedReport:
    """Localise the saved results of ``root`` in ``lang``, write the Markdown and LaTeX report
    files into ``into`` (default ``root``) and build the HTML and Word reports but for their
    figures, which :meth:`PreparedReport.finish` embeds. ``spatialpanel run`` calls this while
    its figures are still being drawn in worker processes, in the language they are drawn in:
    the document names each figure's file, whose bytes only ``finish`` reads."""
    return _prepare(load_results(root), lang, into)


def _prepare(saved: SavedResults, lang: str, into: str | Path | None) -> PreparedReport:
    from spatialpanel.report.latex import write_latex
    from spatialpanel.report.tables import write_markdown
    from spatialpanel.report.word import PreparedDocx

    names = report_files(lang)
    target = saved.root if into is None else Path(into)
    staged = None if into is None else target
    doc = localise(saved, lang, staged=staged)
    write_markdown(doc, target / names["md"])
    write_latex(doc, target / names["tex"])
    return PreparedReport(
        doc=doc,
        root=saved.root,
        target=target,
        staged=staged,
        names=names,
        html=PreparedHtml(doc),
        docx=PreparedDocx(doc, root=saved.root, staged=staged),
    )


def _figure_src(root: Path, png: str | None, staged: Path | None = None) -> str | None:
    """The figure's PNG as a data URI: its web copy (``figures/web/KEY.png``) when written,
    else the PNG itself (:func:`~spatialpanel.report.figure_jobs.figure_source`); paths are
    checked to stay inside the results folder."""
    from spatialpanel.report.figure_jobs import figure_source

    source = figure_source(root, png, staged=staged)
    if source is None:
        return None
    return "data:image/png;base64," + base64.b64encode(source.read_bytes()).decode("ascii")


def render_html(
    doc: ReportDocument, *, root: Path | None = None, staged: Path | None = None
) -> str:
    """The self-contained HTML report of ``doc`` (figures embedded as data URIs, no network;
    read from the results folder ``root``, or from ``staged``, the files a report adds before
    they are moved into it; no figures without ``root``).

    Every text is already in the document's language. The sources of a sentence (the table
    cells it rests on) are a link to the first table, with the cells in its ``title`` (shown on
    hover); the contents list is numbered as the headings; the settings and provenance section
    comes last and starts at ``<h2 id="provenance">``.
    """
    return PreparedHtml(doc).render(root=root, staged=staged)


class PreparedHtml:
    """The HTML report of ``doc`` (:func:`render_html`) made ready but for its figures: the
    sections, sentences and tables are typeset and the template loaded; :meth:`render` reads
    the figures and fills the template (a few hundredths of a second for the demo)."""

    def __init__(self, doc: ReportDocument) -> None:
        from jinja2 import Environment, PackageLoader, select_autoescape

        env = Environment(
            loader=PackageLoader("spatialpanel.report", "templates"),
            autoescape=select_autoescape(["html", "j2"]),
            keep_trailing_newline=True,
        )
        self.doc = doc
        self.template = env.get_template("report.html.j2")
        self.sections = [_html_section(doc, section) for section in doc.sections]

    def render(self, *, root: Path | None, staged: Path | None = None) -> str:
        """The report, with the figures found in ``root`` or ``staged`` (a figure without a
        file is left out; all of them without ``root``)."""
        doc = self.doc
        sections = []
        for section in self.sections:
            figures = []
            for figure in section["figures"]:
                src = _figure_src(root, figure["png"], staged) if root is not None else None
                if src is not None:
                    figures.append({**figure, "src": src})
            sections.append({**section, "figures": figures})
        return self.template.render(
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


def _html_section(doc: ReportDocument, section: ReportSection) -> dict[str, Any]:
    """What the template shows of ``section``; its figures name their PNG (``png``), which
    :meth:`PreparedHtml.render` embeds as ``src``."""
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
            "title": title_line(doc, t),
            "notes": " ".join(table_notes(doc, t)),
            "html": html_table(t),
            "rows": doc.labels["rows"].format(n=len(t.frame)),
            "long": t.long,
        }
        for t in section.tables
    ]
    figures = [
        {
            "key": f.key,
            "title": figure_line(doc, f),
            "notes": " ".join(f.notes),
            "png": f.png,
        }
        for f in section.figures
    ]
    return {
        "name": section.name,
        "heading": doc.labels["section_heading"].format(number=section.number, title=section.title),
        "title": section.title,
        "number": section.number,
        "sentences": sentences,
        "tables": tables,
        "figures": figures,
    }
