"""The figures of a run: their data saved, their drawing started early, the folder's README.

A :class:`FigureWriter` is opened when the data are read: each stage's figures are handed to it
as the stage ends, their specifications written as ``figures/data/KEY.json`` (with the provenance
mark of the study's data) and drawn in the run's language by
``spatialpanel.report.figure_jobs.FigureJobs`` in worker processes while the later stages
compute. The files go to a hidden staging folder beside the results folder and are moved into
the results' ``figures/`` only when the run is written (:meth:`FigureWriter.finish`, which takes
the folder being written: the results folder itself, or a staged copy of it); a run that fails
leaves no figure behind (:meth:`FigureWriter.abort`). ``spatialpanel report DIR --lang zh``
draws the same data in Chinese.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spatialpanel.errors import ResultsError
from spatialpanel.report.figspec import data_file, figure_file, write_spec
from spatialpanel.report.marks import provenance_mark
from spatialpanel.text import render

if TYPE_CHECKING:  # pragma: no cover
    from spatialpanel.study.artifacts import FigureArtifact
    from spatialpanel.study.config import StudyConfig
    from spatialpanel.study.context import StudyContext
    from spatialpanel.text import Message

__all__ = ["FigureWriter", "figure_formats", "write_readme"]

#: The staging folder of a run's figures, beside the results folder NAME: ``.NAME.figures-XXXX``
#: (hidden, like the results folder's own staging sibling ``.NAME.partial-XXXX``).
STAGING = ".{name}.figures-"


def figure_formats(config: StudyConfig) -> list[str]:
    """The figure formats asked for (``[outputs] figure_formats``; PNG when none is known)."""
    asked = config.section("outputs").get("figure_formats", ["png"])
    return [f for f in asked if f in ("png", "svg", "pdf")] or ["png"]


class FigureWriter:
    """The figures of a run: saved as data and drawn as each stage hands them over.

    Parameters
    ----------
    out_dir
        The results folder (a hidden staging folder is made beside it).
    ctx
        The study context: language, labels, the data's mark (``ctx.data_mark``), output
        settings.
    workers
        Drawing processes (see ``spatialpanel.report.figure_jobs.FigureJobs``).
    maps
        Whether the run draws maps: the first drawing process then projects the study's region
        set once, before it forks the others (instead of once in each).

    Raises
    ------
    ResultsError
        When the staging folder cannot be made (a read-only or missing location).
    """

    def __init__(
        self,
        out_dir: Path,
        ctx: StudyContext | None = None,
        *,
        config: StudyConfig | None = None,
        lang: str | None = None,
        workers: int | None = None,
        maps: bool = False,
    ) -> None:
        import tempfile

        from spatialpanel.report.figure_jobs import FigureJobs, figure_language

        config = ctx.config if ctx is not None else config
        lang = ctx.lang if ctx is not None else lang
        if config is None or lang is None:
            raise TypeError("FigureWriter needs the study context, or its config and lang.")
        self.out_dir = Path(out_dir)
        parent = Path(os.path.abspath(self.out_dir.expanduser())).parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
            self.staging = Path(
                tempfile.mkdtemp(prefix=STAGING.format(name=self.out_dir.name), dir=parent)
            )
        except OSError as exc:
            raise ResultsError(
                f"cannot write the results folder {self.out_dir}: {exc.strerror or exc} "
                f"({parent}). Choose a writable location with --out."
            ) from None
        self.mark: Message | None = None
        self.maps = maps
        self.dpi = int(config.section("outputs").get("dpi", 300))
        self.formats = figure_formats(config)
        self.jobs = FigureJobs(
            (),
            self.staging / "figures",
            formats=self.formats,
            dpi=self.dpi,
            lang=figure_language(lang),
            workers=workers,
            stream=True,
            deferred=True,
        )
        if ctx is not None:
            self.start(ctx)

    def start(self, ctx: StudyContext) -> None:
        """Hand over what drawing needs from the data (labels, the data's mark, the region
        set): a writer opened with ``config`` and ``lang`` before the data were read has its
        first drawing process importing matplotlib meanwhile (see
        ``spatialpanel.report.figure_workers``)."""
        self.mark = provenance_mark(ctx.data_mark)
        origin = dict(ctx.regions.origin) if ctx.regions is not None else {}
        prepare = partial(_map_geometry, origin) if self.maps and origin else None
        self.jobs.configure(labels=ctx.labels, prepare=prepare)

    def add(self, figures: Iterable[FigureArtifact]) -> None:
        """Save these figures' data and start drawing them."""
        specs = []
        for figure in figures:
            spec = replace(figure.spec, mark=self.mark)
            write_spec(spec, self.staging / data_file(figure.key))
            specs.append((figure.key, spec))
        self.jobs.submit(specs)

    @property
    def files(self) -> dict[str, list[str]]:
        """Key -> figure files relative to the results folder."""
        return self.jobs.files

    def finish(self, root: Path | None = None) -> dict[str, list[str]]:
        """Wait for every figure and move the files into ``ROOT/figures/`` (``root``: the folder
        being written, by default the results folder); return :attr:`files`."""
        files = self.jobs.wait_all()
        source = self.staging / "figures"
        target_root = Path(root) if root is not None else self.out_dir
        for path in sorted(source.rglob("*")):
            if path.is_file():
                target = target_root / "figures" / path.relative_to(source)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, target)
        shutil.rmtree(self.staging, ignore_errors=True)
        return files

    def abort(self) -> None:
        """Stop drawing and remove what was drawn (a stage failed)."""
        self.jobs.cancel()
        shutil.rmtree(self.staging, ignore_errors=True)


def _map_geometry(origin: dict[str, Any]) -> None:
    """Project the region set of ``origin`` (:attr:`RegionSet.origin`) for its maps, as the
    map drawer will (cached in the process)."""
    from spatialpanel.report.map_geometry import map_geometry

    map_geometry(origin)


_FOLDER = (
    ("report.html", "the report: sentences, tables and figures (one file, figures embedded)"),
    ("report.docx", "the report for Word"),
    ("tables.tex", "every table for LaTeX"),
    ("tables.md", "every table in Markdown"),
    ("tables.xlsx", "every table, a sheet each (the first sheet says what the others hold)"),
    ("tables/KEY.csv", "every table as CSV (UTF-8 with BOM, machine-readable identifiers)"),
    ("figures/KEY.png", "every figure as PNG at {dpi} dpi{vector}"),
    ("figures/web/KEY.png", "smaller copies of the figures, embedded in the reports"),
    (
        "figures/data/KEY.json",
        "the data of every figure: `spatialpanel report DIR --lang zh` "
        "draws the Chinese figures (figures/KEY.zh.png) from it without refitting",
    ),
    ("stages.json", "what every stage computed: titles, notes, sentences, settings"),
    ("manifest.json", "study, data, software versions and the SHA-256 of every file"),
)


def write_readme(out_dir: Path, *, ctx: StudyContext, dpi: int, report: bool) -> Path:
    """Write ``README.txt`` into ``out_dir`` (the folder being written): what the folder holds
    and where its numbers come from."""
    from importlib import metadata

    study = ctx.config.section("study")
    mark = provenance_mark(ctx.data_mark)
    formats = figure_formats(ctx.config)
    vector = [f.upper() for f in formats if f != "png"]
    lines = [f"spatialpanel results: {study.get('title', '')}".rstrip(), ""]
    if mark is not None:
        lines += [
            f"*** {render(mark, 'en')} ***",
            f"*** {render(mark, 'zh')} ***",
            "",
        ]
        counterpart = ctx.results.get("data_source", {}).get("real_counterpart")
        if ctx.data_mark == "synthetic" and counterpart:
            lines += [
                "Every number in this folder comes from SYNTHETIC data generated by spatialpanel",
                f"(real geography, generated values; not {counterpart} figures): it shows the",
                "workflow and must not be cited as a finding.",
                "",
            ]
        elif ctx.data_mark == "synthetic":
            lines += [
                "The study marks its data as SYNTHETIC ([data] mark): its numbers must not be",
                "cited as findings.",
                "",
            ]
        else:
            lines += [
                "Real published statistics that cover the seed paper's indicator system only in",
                "part: the study is a reduced indicator system, not the paper's.",
                "",
            ]
    lines.append("What this folder holds")
    for name, what in _FOLDER:
        if not report and name.startswith(("report.", "tables.tex", "tables.md")):
            continue
        text = what.format(
            dpi=dpi,
            vector=f" (and {', '.join(vector)})"
            if vector
            else " (add 'svg' or 'pdf' to [outputs] figure_formats for vector files)",
        )
        lines.append(f"  {name:<24} {text}")
    lines += [
        "",
        "Files in another language carry it before the extension "
        f"({figure_file('KEY', 'png', 'zh')}).",
        f"Made by spatialpanel {metadata.version('spatialpanel')}; seed {ctx.seed}.",
    ]
    path = out_dir / "README.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
