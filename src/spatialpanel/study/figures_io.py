"""Saving figures: PNG (the study's dpi), SVG, and a small web copy for the HTML report.

Each figure is laid out once and every format is written from that one layout:

1. one layout pass (the figure's layout engine, e.g. constrained layout, runs once, on an Agg
   renderer at the study's dpi, as ``savefig(..., bbox_inches="tight")`` runs it for the PNG);
2. one tight bounding box (plus matplotlib's ``savefig.pad_inches``), shared by all formats;
3. one draw per format, with the layout frozen (``savefig`` with an explicit ``Bbox`` does not
   lay the figure out again);
4. the PNG's pixels are drawn once; the web copy is resized from them in memory (no second
   draw, no decoding), and the PNG file is those pixels encoded by the ``matplotlib.image.imsave``
   call of matplotlib's own PNG writer, possibly later (see :class:`FigureJobs`).

``savefig(..., bbox_inches="tight")`` per format laid the figure out and measured it once per
format and drew it twice per format. The PNGs are byte for byte those of
``savefig(..., bbox_inches="tight")``; the SVGs differ from it only in that their layout was
computed at the study's dpi instead of 72 dpi.

:class:`FigureJobs` runs this in up to two forked worker processes on Linux (which inherit the
figures: nothing is pickled): the web copies first, largest figures first, then the PNG files
and the vector files, which the caller can let run while it builds the report from the web
copies. The bytes
written do not depend on the number of workers or on the order in which the figures are drawn:
each file comes from the same figure by the same code, and the SVG ids and metadata are fixed.
"""

from __future__ import annotations

import io
import os
import pickle
import sys
import weakref
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from spatialpanel.study.artifacts import FigureArtifact

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure
    from PIL import Image

__all__ = ["WEB_WIDTH", "FigureJobs", "save_figure", "save_figures"]

#: Width in pixels of the copy embedded in the HTML report (the 300-dpi PNG stays full size).
WEB_WIDTH = 1400
#: ``svg.hashsalt``: the SVG's element ids are hashes salted with this, not random.
_SVG_SALT = "spatialpanel"
#: Bytes of PNG pixels a process may hold to encode after the report's figures are written
#: (the demo study holds about 200 MB per worker); beyond, PNGs are encoded at once.
_HOLD = 1 << 30
#: Niceness a worker adds once the web copies are written (the caller's report comes first).
_NICE = 5


def save_figure(
    figure: Figure, fig_dir: Path, key: str, *, formats: Sequence[str], dpi: int
) -> list[Path]:
    """Write ``figure`` as ``fig_dir/KEY.FMT`` for each format, and ``fig_dir/web/KEY.png``.

    The figure is laid out once; see the module docstring. The figure itself is changed (its
    dpi, canvas and layout engine): pass a copy, or a figure that is not used afterwards.

    Parameters
    ----------
    figure
        A matplotlib figure (not a pyplot-managed one that is still shown).
    fig_dir
        Folder of the files; the web copy goes to its ``web`` subfolder (created if needed).
    key
        File name without extension.
    formats
        Any of ``"png"``, ``"svg"``, ``"pdf"``; the web copy is written when ``"png"`` is one.
    dpi
        Resolution of the PNG (and of rasterised artists inside SVG/PDF).

    Returns
    -------
    list of Path
        The files written: the web copy and the PNG first, then the vector formats.
    """
    laid_out = _LaidOut(figure, dpi=dpi)
    return laid_out.write(fig_dir, key, formats, raster=True) + laid_out.write(
        fig_dir, key, formats, raster=False
    )


class _LaidOut:
    """A figure laid out once (steps 1-3 of the module docstring), ready to be written."""

    def __init__(self, figure: Figure, *, dpi: int) -> None:
        import matplotlib as mpl
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        self.figure, self.dpi = figure, dpi
        self.canvas = FigureCanvasAgg(figure)
        figure.set_dpi(dpi)
        # 1. the layout engine runs once, at the output dpi (what savefig does for the PNG)
        figure.draw_without_rendering()
        # 2. the tight box of that layout, shared by every format
        renderer = self.canvas.get_renderer()
        self.bbox = figure.get_tightbbox(renderer).padded(mpl.rcParams["savefig.pad_inches"])
        # 3. freeze the layout: savefig with an explicit box then draws once per format (None
        # means no engine only while the rc settings below do not ask for one)
        with mpl.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
            figure.set_layout_engine(None)
        self._pixels: np.ndarray | None = None

    def write(
        self,
        fig_dir: Path,
        key: str,
        formats: Sequence[str],
        *,
        raster: bool,
        hold: bool = False,
    ) -> list[Path]:
        """Write what the report reads (``raster=True``), or the rest (``raster=False``).

        ``raster=True`` draws the PNG's pixels and writes the web copy, and the PNG unless
        ``hold``: then its pixels are kept and the PNG is encoded by the ``raster=False`` call
        (its bytes are those of ``savefig``: the same pixels, encoded by the same
        ``matplotlib.image.imsave`` call). ``raster=False`` writes the vector formats.
        """
        import matplotlib as mpl

        written: list[Path] = []
        if raster and "png" in formats:
            # 4. draw the PNG's pixels once; the web copy is resized from them
            self.figure.savefig(io.BytesIO(), format="rgba", dpi=self.dpi, bbox_inches=self.bbox)
            pixels = np.asarray(self.canvas.buffer_rgba())
            web = fig_dir / "web" / f"{key}.png"
            web.parent.mkdir(parents=True, exist_ok=True)
            _web_copy(_image(pixels), web)
            written.append(web)
            self._pixels = pixels  # the figure's own canvas: nothing else draws into it
            if not hold:
                written.append(self._write_png(fig_dir / f"{key}.png"))
        if not raster:
            if self._pixels is not None:
                written.append(self._write_png(fig_dir / f"{key}.png"))
            with mpl.rc_context({"svg.hashsalt": _SVG_SALT}):
                for fmt in formats:
                    if fmt == "png":
                        continue
                    path = fig_dir / f"{key}.{fmt}"
                    self.figure.savefig(
                        path,
                        format=fmt,
                        dpi=self.dpi,
                        bbox_inches=self.bbox,
                        metadata={"Date": None},
                    )
                    written.append(path)
        return written

    @property
    def held(self) -> int:
        """Bytes of PNG pixels held for the ``raster=False`` call."""
        return 0 if self._pixels is None else int(self._pixels.nbytes)

    def _write_png(self, path: Path) -> Path:
        import matplotlib as mpl

        # what FigureCanvasAgg.print_png does with the pixels it has drawn
        pixels, self._pixels = self._pixels, None
        if pixels is None:  # pragma: no cover - only called with pixels held
            raise RuntimeError("no PNG pixels drawn")
        mpl.image.imsave(path, pixels, format="png", origin="upper", dpi=self.dpi, metadata={})
        return path


def _image(rgba: np.ndarray) -> Image.Image:
    from PIL import Image

    return Image.frombuffer("RGBA", (rgba.shape[1], rgba.shape[0]), rgba, "raw", "RGBA", 0, 1)


def _web_copy(img: Image.Image, target: Path) -> None:
    from PIL import Image

    if img.width > WEB_WIDTH:
        height = round(img.height * WEB_WIDTH / img.width)
        # reduce by an integer factor first, then LANCZOS: fast and still sharp
        img = img.resize((WEB_WIDTH, height), Image.Resampling.LANCZOS, reducing_gap=2.0)
    img.save(target, format="PNG")


class FigureJobs:
    """The figures of a run being written, in forked worker processes on Linux.

    Every worker takes the next figure (largest first), lays it out, draws its PNG pixels and
    writes the web copy; when no figure is left it encodes the PNGs and writes the SVG/PDF files
    of the figures it laid out. So the web copies, which the report reads, are ready early
    (:meth:`wait_raster`) and the rest is written while the report is built (:meth:`wait_all`).
    A process holds at most about 1 GiB of drawn pixels; beyond that it writes PNGs at once.
    With one worker (or off Linux) everything happens in this process, in the same order, on
    copies of the figures.

    Parameters
    ----------
    figures
        The figures (not changed: forked workers own copies of them, the serial path copies).
    fig_dir
        Folder of the files (created, with its ``web`` subfolder).
    formats, dpi
        As in :func:`save_figure`.
    workers
        Number of processes; default ``min(2, os.cpu_count())``.
    """

    def __init__(
        self,
        figures: Sequence[FigureArtifact],
        fig_dir: Path,
        *,
        formats: Sequence[str],
        dpi: int,
        workers: int | None = None,
    ) -> None:
        import matplotlib.pyplot as plt

        (fig_dir / "web").mkdir(parents=True, exist_ok=True)
        self._figures, self._dir = tuple(figures), fig_dir
        self._formats, self._dpi = tuple(formats), dpi
        n = workers if workers is not None else min(2, os.cpu_count() or 1)
        if not sys.platform.startswith("linux"):
            n = 1  # worker processes are forked, which only Linux does safely
        for f in self._figures:
            plt.close(f.figure)  # released from pyplot, if it manages them
        self._laid_out: list[tuple[int, _LaidOut]] = []
        self._workers: list[tuple[Any, Any]] = []  # (process, connection)
        self._stage = "started"
        if n > 1 and len(self._figures) > 1:
            self._start(n)

    @property
    def files(self) -> dict[str, list[str]]:
        """Key -> files relative to the results folder (``figures/KEY.png``, ...)."""
        return {f.key: [f"figures/{f.key}.{fmt}" for fmt in self._formats] for f in self._figures}

    def _start(self, n: int) -> None:
        import multiprocessing as mp

        ctx = mp.get_context("fork")
        counter = ctx.Value("i", 0)
        order = _largest_first(self._figures)
        for _ in range(min(n, len(order))):
            receive, send = ctx.Pipe(duplex=False)
            args = (self._figures, order, counter, self._dir, self._formats, self._dpi, send)
            process = ctx.Process(target=_work, args=args, daemon=True)
            process.start()
            send.close()
            self._workers.append((process, receive))
        weakref.finalize(self, _stop, list(self._workers))

    def wait_raster(self) -> None:
        """Return when every web copy is written (the report reads those); the PNGs' pixels are
        drawn, and each PNG is written by now or encoded with the vector files."""
        if self._stage != "started":
            return
        if self._workers:
            self._expect("raster")
        else:
            held = 0
            for i, f in enumerate(self._figures):
                laid = _LaidOut(pickle.loads(pickle.dumps(f.figure)), dpi=self._dpi)
                _write(laid, self._dir, f.key, self._formats, raster=True, hold=held < _HOLD)
                held += laid.held
                self._laid_out.append((i, laid))
        self._stage = "raster"

    def wait_all(self) -> dict[str, list[str]]:
        """Return :attr:`files` when every file is written."""
        self.wait_raster()
        if self._stage == "raster":
            if self._workers:
                self._expect("done")
                for process, conn in self._workers:
                    process.join()
                    conn.close()
            else:
                for i, laid in self._laid_out:
                    _write(laid, self._dir, self._figures[i].key, self._formats, raster=False)
                self._laid_out.clear()
            self._stage = "done"
        return self.files

    def cancel(self) -> None:
        """Stop the workers (nothing more is written); for a run that failed or was interrupted."""
        _stop(self._workers)
        for _, conn in self._workers:
            conn.close()
        self._workers = []
        self._laid_out.clear()
        self._stage = "done"

    def _expect(self, what: str) -> None:
        for process, conn in self._workers:
            try:
                kind, payload = conn.recv()
            except EOFError:
                process.join()
                _stop(self._workers)
                raise RuntimeError(
                    f"a figure worker ended (exit code {process.exitcode}) before writing "
                    "its figures; run with workers=1 to see the error"
                ) from None
            if kind == "error":
                _stop(self._workers)
                raise payload
            if kind != what:  # pragma: no cover - protocol error
                raise RuntimeError(f"figure worker said {kind!r}, expected {what!r}")


def _write(
    laid: _LaidOut,
    fig_dir: Path,
    key: str,
    formats: Sequence[str],
    *,
    raster: bool,
    hold: bool = False,
) -> None:
    try:
        laid.write(fig_dir, key, formats, raster=raster, hold=hold)
    except Exception as exc:
        exc.add_note(f"while writing figure {key!r}")
        raise


def _work(
    figures: tuple[FigureArtifact, ...],
    order: list[int],
    counter: Any,
    fig_dir: Path,
    formats: tuple[str, ...],
    dpi: int,
    conn: Any,
) -> None:
    """A forked worker: PNGs of the next figures while any is left, then their vector files."""
    import matplotlib

    matplotlib.use("Agg")
    try:
        mine: list[tuple[int, _LaidOut]] = []
        held = 0
        while True:
            with counter.get_lock():
                k = counter.value
                counter.value += 1
            if k >= len(order):
                break
            i = order[k]
            try:
                # the worker owns its copy of the figure (copy-on-write): the parent's is intact
                laid = _LaidOut(figures[i].figure, dpi=dpi)
            except Exception as exc:
                exc.add_note(f"while laying out figure {figures[i].key!r}")
                raise
            _write(laid, fig_dir, figures[i].key, formats, raster=True, hold=held < _HOLD)
            held += laid.held
            mine.append((i, laid))
        conn.send(("raster", None))
        # the rest runs beside the caller's report, which waits for nothing: let it go first
        os.nice(_NICE)
        for i, laid in mine:
            _write(laid, fig_dir, figures[i].key, formats, raster=False)
        conn.send(("done", None))
    except BaseException as exc:
        try:
            conn.send(("error", exc))
        except Exception:  # an exception that does not pickle
            conn.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
    finally:
        conn.close()


def _stop(workers: list[tuple[Any, Any]]) -> None:
    for process, _ in workers:
        if process.is_alive():
            process.terminate()
        process.join()


def save_figures(
    figures: list[FigureArtifact],
    fig_dir: Path,
    *,
    formats: list[str],
    dpi: int,
    workers: int | None = None,
) -> dict[str, list[str]]:
    """Save every figure; return key -> relative file paths (``figures/KEY.png``, ...).

    ``workers`` defaults to ``min(2, os.cpu_count())``; 1 saves in this process. The figures
    are closed (released from pyplot, if it manages them) and not changed. To build something
    from the PNGs while the vector files are written, use :class:`FigureJobs`.
    """
    return FigureJobs(figures, fig_dir, formats=formats, dpi=dpi, workers=workers).wait_all()


def _largest_first(figures: Sequence[FigureArtifact]) -> list[int]:
    """Drawing order for the workers: the figures with the most pixels and artists first, so
    that no worker is left with a large figure at the end while the other waits."""

    def cost(i: int) -> float:
        fig = figures[i].figure
        w, h = fig.get_size_inches()
        artists = sum(len(ax.get_children()) for ax in fig.axes)
        return float(w * h) * (1.0 + len(fig.axes)) + 0.05 * artists

    return sorted(range(len(figures)), key=lambda i: (-cost(i), i))
