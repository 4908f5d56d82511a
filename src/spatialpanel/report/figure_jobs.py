"""Drawing many figures: in worker processes while the caller works, in the language asked for.

Figures arrive as specifications (:class:`~spatialpanel.report.figspec.FigureSpec`), drawn where
they are saved (:func:`~spatialpanel.report.drawers.draw`), or as ready matplotlib figures, saved
as they are (:func:`~spatialpanel.report.figure_files.save_figure`).

:class:`FigureJobs` starts its worker processes at once (forked, on Linux, with two or more
CPUs) and takes figures whenever they are ready (:meth:`FigureJobs.submit`): the study submits
each stage's figures as the stage ends, so figures are drawn while the later stages compute. The
workers run at a lower priority (``nice``) than the caller, whose stages and report are the
critical path: they use the CPU the caller leaves idle. The caller forks one worker, which
imports matplotlib and the drawers, warms their caches and forks the others
(:mod:`spatialpanel.report.figure_workers`): the caller never imports matplotlib for them.
With one CPU, off Linux, or with ``workers=1`` the figures are drawn in the calling process
when they are waited for. The bytes written depend neither on the number of workers nor on the
order of drawing: each file comes from the same specification by the same code.

:func:`render_figures` draws the figures of a saved results folder (``figures/data/*.json``) in
another language, for ``spatialpanel report DIR --lang zh``.
"""

from __future__ import annotations

import os
import pickle
import sys
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from spatialpanel.report.figspec import FigureSpec, figure_file
from spatialpanel.report.figure_files import LaidOut

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from spatialpanel.text import Labels

__all__ = [
    "FigureJobs",
    "draw_saved_figures",
    "figure_language",
    "figure_png",
    "figure_source",
    "render_figures",
    "save_figures",
]

#: What is saved: a specification (drawn where it is saved) or a ready matplotlib figure.
Drawable: TypeAlias = "FigureSpec | Figure"
#: Relative drawing cost of each drawer (a map panel, a 3D surface panel, ...): of the figures
#: submitted together, the most expensive go first, so that no worker is left with a large one.
_COST: dict[str, float] = {
    "map": 12.0,
    "kde_surface": 10.0,
    "dagum": 5.0,
    "moran_scatter": 4.0,
    "kde_curves": 4.0,
    "trends": 1.5,
    "sigma": 1.0,
}


class FigureJobs:
    """Figures being drawn and written, in worker processes when they pay.

    Parameters
    ----------
    figures
        ``(key, what)`` pairs to start with (more with :meth:`submit`): ``what`` a
        :class:`~spatialpanel.report.figspec.FigureSpec` (drawn in ``lang`` with ``labels``) or
        a matplotlib figure (saved as it is; the caller's figure is not changed).
    fig_dir
        Folder of the files (created, with its ``web`` subfolder).
    formats, dpi
        As in :func:`~spatialpanel.report.figure_files.save_figure`.
    lang, labels
        The language of the figures (and of their file names) and the study's labels.
    workers
        Number of processes; default ``min(2, os.cpu_count())``. With 1, or when only the
        ``figures`` given here are drawn and they are fewer than two, nothing is forked.
    stream
        Whether more figures will be submitted (then workers start even for fewer figures).
    deferred
        The labels come later, with :meth:`configure` (which must be called before
        :meth:`wait_all`): the workers start importing and warming up at once, and the first
        one waits for the labels before it forks the others. The study opens its jobs before
        it reads the data.
    """

    def __init__(
        self,
        figures: Sequence[tuple[str, Drawable]] = (),
        fig_dir: Path | None = None,
        *,
        formats: Sequence[str],
        dpi: int,
        lang: str = "en",
        labels: Labels | None = None,
        workers: int | None = None,
        stream: bool = False,
        deferred: bool = False,
    ) -> None:
        if fig_dir is None:
            raise TypeError("FigureJobs needs fig_dir, the folder of the figures.")
        (fig_dir / "web").mkdir(parents=True, exist_ok=True)
        self._job = _Job(fig_dir, tuple(formats), dpi, lang, labels)
        self._keys: list[str] = []
        self._serial: list[tuple[str, Drawable]] = []
        self._workers: list[Any] = []
        self._done = False
        self._configured = not deferred
        self._setup: Any = None
        n = workers if workers is not None else min(2, os.cpu_count() or 1)
        if not sys.platform.startswith("linux"):
            n = 1  # worker processes are forked, which only Linux does safely
        if n > 1 and (stream or len(figures) > 1):
            self._start(min(n, len(figures)) if not stream else n)
        self.submit(figures)

    def configure(
        self, *, labels: Labels | None, prepare: Callable[[], object] | None = None
    ) -> None:
        """Give the jobs opened with ``deferred=True`` the study's labels, and ``prepare``: run
        once by the first worker before it forks the others, to fill a cache each would
        otherwise fill for itself (the study passes the projection of its map geometry)."""
        if self._configured:
            raise RuntimeError("FigureJobs.configure: the jobs have their labels already.")
        self._configured = True
        self._job.labels = labels
        if self._setup is not None:
            self._setup.put((labels, prepare))

    @property
    def files(self) -> dict[str, list[str]]:
        """Key -> files relative to the results folder (``figures/KEY.png``, ...)."""
        return {
            key: [figure_file(key, fmt, self._job.lang) for fmt in self._job.formats]
            for key in self._keys
        }

    def submit(self, figures: Iterable[tuple[str, Drawable]]) -> None:
        """Draw and write these figures too (the most expensive of them first)."""
        if self._done:
            raise RuntimeError("FigureJobs: every figure was waited for; start new jobs.")
        batch = [(str(k), f) for k, f in figures]
        self._keys += [k for k, _ in batch]
        batch.sort(key=lambda item: -_cost(item[1]))
        if not self._workers:
            self._serial += batch
            return
        for item in batch:
            self._tasks.put(item)  # pickled: the worker draws its own copy

    def _start(self, n: int) -> None:
        import multiprocessing as mp
        import threading

        from spatialpanel.report.figure_workers import first_worker, import_drawing_modules

        if threading.active_count() > 1:
            # another thread of this process may be inside an import when we fork, and the
            # forked worker could then never take that module's lock (seen in a test session:
            # a KeyError in importlib): the drawing modules are imported here, before the fork
            import_drawing_modules()
        ctx = mp.get_context("fork")
        # forked before anything is put: no queue thread exists yet in this process. The first
        # worker imports matplotlib and the drawers and forks the others (figure_workers)
        self._tasks = ctx.Queue()
        self._results = ctx.Queue()
        self._setup = None if self._configured else ctx.Queue()
        self._expected = n
        process = ctx.Process(
            target=first_worker,
            args=(self._job, self._tasks, self._results, n - 1, self._setup),
            daemon=True,
        )
        process.start()
        self._workers.append(process)
        weakref.finalize(self, _stop, list(self._workers))

    def cancel(self) -> None:
        """Stop the workers; figures not yet written are not written."""
        self._done = True
        self._serial.clear()
        _stop(self._workers)

    def wait_raster(self) -> None:
        """Return when every figure submitted so far is written (what the report reads)."""
        self.wait_all()

    def wait_all(self) -> dict[str, list[str]]:
        """Return :attr:`files` when every figure is written; raise the first drawing error."""
        if self._done:
            return self.files
        if not self._configured:
            raise RuntimeError("FigureJobs opened with deferred=True: call configure() first.")
        self._done = True
        if not self._workers:
            for key, what in self._serial:
                self._job.run(key, what, copy=True)
            self._serial.clear()
            return self.files
        for _ in range(self._expected):
            self._tasks.put(None)
        error: BaseException | None = None
        exited: set[int] = set()
        while len(exited) < self._expected:
            kind, payload = self._receive()
            if kind == "exit":
                exited.add(payload)
            elif kind == "error" and error is None:
                error = payload
        for process in self._workers:
            process.join()
        if error is not None:
            raise error
        return self.files

    def _receive(self) -> tuple[str, Any]:
        import queue

        while True:
            try:
                item: tuple[str, Any] = self._results.get(timeout=1.0)
                return item
            except queue.Empty:
                dead = [p for p in self._workers if not p.is_alive() and p.exitcode != 0]
                if dead:
                    _stop(self._workers)
                    raise RuntimeError(
                        f"a figure worker ended (exit code {dead[0].exitcode}) before writing "
                        "its figures; run with workers=1 to see the error"
                    ) from None


class _Job:
    """How every figure is drawn and written (the same in every worker and in this process)."""

    def __init__(
        self,
        fig_dir: Path,
        formats: tuple[str, ...],
        dpi: int,
        lang: str,
        labels: Labels | None,
    ) -> None:
        self.fig_dir, self.formats, self.dpi = fig_dir, formats, dpi
        self.lang, self.labels = lang, labels

    def run(self, key: str, what: Drawable, *, copy: bool) -> None:
        """Draw figure ``key`` (a specification) or copy it (a figure, if ``copy``) and write
        its files."""
        try:
            if isinstance(what, FigureSpec):
                from spatialpanel.report.drawers import draw

                figure = draw(what, self.lang, self.labels)
            else:
                import matplotlib.pyplot as plt

                plt.close(what)  # released from pyplot, if it manages it
                figure = pickle.loads(pickle.dumps(what)) if copy else what
            LaidOut(figure, dpi=self.dpi).write(self.fig_dir, key, self.formats, lang=self.lang)
        except Exception as exc:
            exc.add_note(f"while drawing figure {key!r}")
            raise


def _stop(workers: list[Any]) -> None:
    for process in workers:
        if process.is_alive():
            process.terminate()
        process.join()


def _cost(what: Drawable) -> float:
    if isinstance(what, FigureSpec):
        panels = max((len(getattr(v, "columns", [])) for v in what.data.values()), default=1)
        per_panel = what.drawer in ("map", "kde_surface")
        return _COST.get(what.drawer, 2.0) * (min(panels, 6) if per_panel else 1.0)
    w, h = what.get_size_inches()
    artists = sum(len(ax.get_children()) for ax in what.axes)
    return float(w * h) * (1.0 + len(what.axes)) + 0.05 * artists


def save_figures(
    figures: Sequence[tuple[str, Drawable]],
    fig_dir: Path,
    *,
    formats: Sequence[str],
    dpi: int,
    lang: str = "en",
    labels: Labels | None = None,
    workers: int | None = None,
) -> dict[str, list[str]]:
    """Draw and save every figure; return key -> relative file paths (``figures/KEY.png``, ...).

    ``workers`` defaults to ``min(2, os.cpu_count())``; 1 saves in this process. Ready figures
    are closed (released from pyplot, if it manages them) and not changed.
    """
    return FigureJobs(
        figures, fig_dir, formats=formats, dpi=dpi, lang=lang, labels=labels, workers=workers
    ).wait_all()


def render_figures(
    root: Path,
    keys: Sequence[str],
    *,
    lang: str,
    labels: Labels | None = None,
    formats: Sequence[str] = ("png",),
    dpi: int = 300,
    workers: int | None = None,
    into: Path | None = None,
) -> dict[str, list[str]]:
    """Draw the saved figures ``keys`` of the results folder ``root`` in ``lang``.

    Reads each figure's data (``figures/data/KEY.json``) and writes ``figures/KEY.LANG.FMT`` and
    ``figures/web/KEY.LANG.png`` (plain ``KEY.FMT`` for English) into ``into`` (default
    ``root``; the report stages the files it adds, see
    :func:`spatialpanel.results_folder.staged_additions`). Figures already drawn in ``lang``
    (their web copy exists in ``root`` or ``into``) are not drawn again. Every path is checked
    to stay inside the folder. Returns key -> the files of every figure (relative to ``root``),
    the web copies included.

    Raises
    ------
    ResultsError
        A key or a data file that leads outside the results folder.
    """
    from spatialpanel.report.figspec import data_file, read_spec
    from spatialpanel.results_folder import inside

    target = root if into is None else into
    todo = []
    for key in keys:
        web = figure_file(key, "png", lang, web=True)
        inside(root, web, what=f"file of figure {key!r}")
        if not any((base / web).is_file() for base in {root, target}):
            todo.append((key, read_spec(inside(root, data_file(key), what="figure data"))))
    if todo:
        save_figures(
            todo,
            target / "figures",
            formats=formats,
            dpi=dpi,
            lang=lang,
            labels=labels,
            workers=workers,
        )
    return {
        key: [figure_file(key, fmt, lang) for fmt in formats]
        + [figure_file(key, "png", lang, web=True)]
        for key in keys
    }


def figure_language(lang: str) -> str:
    """The language figures are drawn in for a report in ``lang``: English for Chinese when no
    CJK font is installed (the report says so), else ``lang``."""
    if lang == "zh":
        from spatialpanel.report.fonts import cjk_font

        return "zh" if cjk_font() is not None else "en"
    return lang


def figure_png(
    root: Path, entry: Mapping[str, Any], lang: str, *, staged: Path | None = None
) -> str | None:
    """The PNG of a saved figure (an entry of ``stages.json``) for a report in ``lang``, relative
    to the results folder: the figure drawn in that language when it exists (in ``root``, or in
    ``staged``, the files a report adds before they are moved in), else the run's PNG (``None``
    when no PNG was written). Its web copy is ``figures/web/`` + the same name."""
    own = figure_file(str(entry["key"]), "png", figure_language(lang))
    if any((base / own).is_file() for base in (root, staged) if base is not None):
        return own
    return next((str(p) for p in entry.get("files", []) if str(p).endswith(".png")), None)


def figure_source(root: Path, png: str | None, *, staged: Path | None = None) -> Path | None:
    """The file a report embeds for the figure ``png`` (relative to the results folder ``root``):
    its web copy (``figures/web/NAME``, about 230 dpi at 6 in) when written, else the PNG itself;
    looked up in ``staged`` (files not yet moved into the folder) first. ``None`` when neither
    exists.

    Raises
    ------
    ResultsError
        A path that leads outside the results folder.
    """
    from spatialpanel.results_folder import inside

    if png is None:
        return None
    name = inside(root, png, what="figure file").name
    web = f"figures/web/{name}"
    inside(root, web, what="figure file")
    for rel in (web, png):
        for base in (staged, root):
            if base is not None and (base / rel).is_file():
                return base / rel
    return None


def draw_saved_figures(
    root: Path,
    stages: Sequence[Mapping[str, Any]],
    *,
    lang: str,
    labels: Labels | None = None,
    output: Mapping[str, Any] | None = None,
    into: Path | None = None,
) -> dict[str, list[str]]:
    """Draw the figures of a saved run in ``lang`` where they are not drawn yet (for the report
    in another language), into ``into`` (default ``root``); returns key -> files as
    :func:`render_figures`. ``output`` holds the run's figure formats and dpi (``stages.json``'s
    ``figure_output``); formats other than PNG, SVG and PDF, and a dpi outside 50-1200, are
    not taken from it."""
    from spatialpanel.results_folder import inside

    keys = [
        str(f["key"])
        for stage in stages
        for f in stage.get("figures", [])
        if f.get("data") and inside(root, f["data"], what="figure data").is_file()
    ]
    if not keys:
        return {}
    out = dict(output or {})
    formats = [f for f in out.get("formats", ("png",)) if f in ("png", "svg", "pdf")] or ["png"]
    dpi = out.get("dpi", 300)
    dpi = dpi if isinstance(dpi, int) and 50 <= dpi <= 1200 else 300
    return render_figures(
        root,
        keys,
        lang=figure_language(lang),
        labels=labels,
        formats=tuple(formats),
        dpi=dpi,
        into=into,
    )
