"""The processes that draw figures for :class:`~spatialpanel.report.figure_jobs.FigureJobs`.

The caller forks one process, the *first worker*, as soon as it starts drawing, without
importing matplotlib itself. The first worker lowers its priority, imports the drawing modules
(matplotlib, geopandas, the drawers: about 1.1 CPU-s), fills matplotlib's per-process caches
with a small warm-up figure (fonts found and loaded, the mathtext parser built: about 0.5 CPU-s
on the first figure otherwise), and only then forks the other workers from itself. So the
caller's critical path carries none of this work, and it is done once instead of once per
worker, on a CPU the caller leaves idle while it reads the data and runs the first stages.

Every worker takes ``(key, what)`` items from one task queue until it takes ``None``, and puts
``("done", key)``, ``("error", exception)`` and, last, ``("exit", pid)`` on one result queue.
The workers the first one forked die with it (Linux's ``PR_SET_PDEATHSIG``: cancelling the
jobs terminates the first worker, and with it the others); the first worker waits for them
before it exits and reports any that ended abnormally, with an ``("exit", pid)`` on its behalf,
so the caller always receives one exit per worker.

Nothing here changes what is drawn: the caches hold fonts and parsers, not figures, and every
file comes from its specification by the same code in every process.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # pragma: no cover
    from multiprocessing.queues import Queue


__all__ = ["NICE", "first_worker", "import_drawing_modules"]

#: Niceness the workers add: the caller (stages, tables, report) comes first.
NICE = 5
#: ``prctl`` option: the signal a process gets when its parent dies.
_PR_SET_PDEATHSIG = 1


class Job(Protocol):
    """What a worker runs for each figure (``spatialpanel.report.figure_jobs._Job``)."""

    lang: str
    dpi: int
    labels: Any

    def run(self, key: str, what: Any, *, copy: bool) -> None: ...  # pragma: no cover


def first_worker(
    job: Job,
    tasks: Queue[Any],
    results: Queue[Any],
    others: int,
    setup: Queue[Any] | None = None,
) -> None:
    """The first worker: import and warm up; take the labels and a ``prepare`` callable from
    ``setup`` (when the caller opened the jobs before it knew them) and run it (e.g. project
    the study's map geometry); fork ``others`` more workers, draw, reap them."""
    import signal

    os.nice(NICE)
    import matplotlib

    matplotlib.use("Agg")
    import_drawing_modules()
    _warm_up(job.lang, job.dpi)
    prepare = None
    if setup is not None:
        job.labels, prepare = setup.get()
    if prepare is not None:
        # a cache every worker would fill for itself; an error here is met again, with the
        # figure's name, when the figure that needs it is drawn
        with contextlib.suppress(Exception):
            prepare()
    # what is alive now (modules, fonts, caches) lives as long as the workers: kept out of the
    # collector's full passes, and not touched (copied) by them in the forked workers
    gc.freeze()
    # forked before this process puts anything: no queue thread exists yet to be copied
    me = os.getpid()
    children = [_fork_worker(job, tasks, results, me) for _ in range(others)]
    _serve(job, tasks, results)
    for pid in children:
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            code = os.waitstatus_to_exitcode(status)
            how = f"signal {signal.Signals(-code).name}" if code < 0 else f"exit code {code}"
            results.put(
                ("error", RuntimeError(f"a figure worker ended ({how}) before writing its figures"))
            )
            results.put(("exit", pid))
    results.put(("exit", me))


def import_drawing_modules() -> None:
    """Import matplotlib's pyplot and every drawer's module (done once, before forking)."""
    import importlib

    from spatialpanel.report.drawers import DRAWERS

    importlib.import_module("matplotlib.pyplot")
    for target in sorted(set(DRAWERS.values())):
        importlib.import_module(target.split(":")[0])


def _fork_worker(job: Job, tasks: Queue[Any], results: Queue[Any], parent: int) -> int:
    """Fork one more worker (returns its pid in the parent; never returns in the child)."""
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        _die_with(parent)
        _serve(job, tasks, results)
        results.put(("exit", os.getpid()))
        results.close()
        results.join_thread()  # every message written before the process ends
        code = 0
    finally:
        os._exit(code)


def _die_with(parent: int) -> None:
    """Ask Linux to terminate this process when ``parent`` ends (and end now if it has)."""
    import ctypes
    import signal

    with contextlib.suppress(OSError, AttributeError):  # not Linux's C library
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM))
    if os.getppid() != parent:
        os._exit(1)


def _serve(job: Job, tasks: Queue[Any], results: Queue[Any]) -> None:
    """Draw the figures given until told to stop."""
    while True:
        item = tasks.get()
        if item is None:
            break
        key, what = item
        try:
            job.run(key, what, copy=False)
            results.put(("done", key))
        except BaseException as exc:
            try:
                pickle.dumps(exc)
            except Exception:  # an exception that does not pickle
                exc = RuntimeError(f"{type(exc).__name__}: {exc} (figure {key!r})")
            results.put(("error", exc))


def _warm_up(lang: str, dpi: int) -> None:
    """Draw and rasterise a small figure in the style of ``lang``: loads the fonts (regular,
    bold, italic), builds the mathtext parser and the Agg text caches, so that the workers
    forked afterwards inherit them. Its pixels go nowhere."""
    import io

    from matplotlib.figure import Figure

    from spatialpanel.report.figure_files import LaidOut
    from spatialpanel.report.style import add_mark, figure_style

    with figure_style(lang):
        fig = Figure(figsize=(2.0, 1.5), layout="constrained")
        ax = fig.add_subplot()
        ax.plot([0.0, 1.0], [0.0, 1.0], marker="o", label="a")
        ax.set_title("Warm-up 2014", fontweight="bold")
        ax.set_xlabel(r"$G_{jh}$ $\rho$ −0.5")
        ax.set_ylabel("指数 Index" if lang == "zh" else "Index")
        ax.legend(title="b")
        add_mark(fig, "mark")
    laid = LaidOut(fig, dpi=dpi)
    fig.savefig(io.BytesIO(), format="rgba", dpi=dpi, bbox_inches=laid.bbox)
