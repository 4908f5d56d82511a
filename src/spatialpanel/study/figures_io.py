"""Saving figures: PNG (the study's dpi), SVG, and a small web copy for the HTML report.

Each figure is laid out once and every format is written from that one layout:

1. one layout pass (the figure's layout engine, e.g. constrained layout, runs once, on an Agg
   renderer at the study's dpi, as ``savefig(..., bbox_inches="tight")`` would run it for the PNG);
2. one tight bounding box (plus matplotlib's ``savefig.pad_inches``), shared by all formats;
3. one draw per format, with the layout frozen (``savefig`` with an explicit ``Bbox`` does not
   lay the figure out again);
4. the web copy is resized from the PNG's pixels still in memory (no second draw, no decoding).

``savefig(..., bbox_inches="tight")`` per format did the layout and the tight box once per
format and drew every figure twice per format; this is what made the demo study's output step
slow. Figures are drawn in up to two forked worker processes on Linux (which inherit the figures:
nothing is pickled), elsewhere in this process on a copy. The bytes written do not depend on the
number of workers or on the order in which the figures are drawn: each file comes from the same
figure by the same code, and the SVG's ids and the PNG's metadata are fixed.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spatialpanel.study.artifacts import FigureArtifact

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure
    from PIL import Image

__all__ = ["WEB_WIDTH", "save_figure", "save_figures"]

#: Width in pixels of the copy embedded in the HTML report (the 300-dpi PNG stays full size).
WEB_WIDTH = 1400
#: ``svg.hashsalt``: the SVG's element ids are hashes salted with this, not random.
_SVG_SALT = "spatialpanel"

# the figures a forked worker draws (set by the pool's initializer in the worker only)
_WORKER_FIGURES: tuple[Figure, ...] = ()


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
        The files written, in the order of ``formats`` (the web copy last).
    """
    import matplotlib as mpl
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(figure)
    figure.set_dpi(dpi)
    written: list[Path] = []
    with mpl.rc_context({"svg.hashsalt": _SVG_SALT}):
        # 1. the layout engine runs once, at the output dpi (what savefig does for the PNG)
        figure.draw_without_rendering()
        # 2. the tight box of that layout, shared by every format
        renderer = canvas.get_renderer()
        bbox = figure.get_tightbbox(renderer).padded(mpl.rcParams["savefig.pad_inches"])
        # 3. freeze the layout: savefig with an explicit box then draws once per format
        figure.set_layout_engine(None)
        for fmt in formats:
            path = fig_dir / f"{key}.{fmt}"
            meta: dict[str, Any] = {"Date": None} if fmt in ("svg", "pdf") else {}
            figure.savefig(path, format=fmt, dpi=dpi, bbox_inches=bbox, metadata=meta)
            written.append(path)
            if fmt == "png":
                # 4. the pixels of the PNG just written are still in the Agg canvas
                web = fig_dir / "web" / f"{key}.png"
                web.parent.mkdir(parents=True, exist_ok=True)
                _web_copy(_canvas_image(canvas), web)
    if "png" in formats:
        written.append(fig_dir / "web" / f"{key}.png")
    return written


def _canvas_image(canvas: Any) -> Image.Image:
    from PIL import Image

    rgba = canvas.buffer_rgba()
    return Image.frombuffer("RGBA", (rgba.shape[1], rgba.shape[0]), rgba, "raw", "RGBA", 0, 1)


def _web_copy(img: Image.Image, target: Path) -> None:
    from PIL import Image

    if img.width > WEB_WIDTH:
        height = round(img.height * WEB_WIDTH / img.width)
        # reduce by an integer factor first, then LANCZOS: fast and still sharp
        img = img.resize((WEB_WIDTH, height), Image.Resampling.LANCZOS, reducing_gap=2.0)
    img.save(target, format="PNG")


def _init_worker(figures: tuple[Figure, ...]) -> None:
    global _WORKER_FIGURES
    _WORKER_FIGURES = figures


def _save_in_worker(i: int, key: str, fig_dir: str, formats: tuple[str, ...], dpi: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    # a forked worker owns its copy of the figure (copy-on-write): drawing it changes nothing in
    # the parent
    save_figure(_WORKER_FIGURES[i], Path(fig_dir), key, formats=formats, dpi=dpi)


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
    are closed (released from pyplot, if it manages them) and not changed.
    """
    import matplotlib.pyplot as plt

    (fig_dir / "web").mkdir(parents=True, exist_ok=True)
    fmts = tuple(formats)
    n = workers if workers is not None else min(2, os.cpu_count() or 1)
    if not sys.platform.startswith("linux"):
        n = 1  # worker processes are forked, which only Linux does safely
    for f in figures:
        plt.close(f.figure)
    if n <= 1 or len(figures) <= 1:
        for f in figures:
            copy = pickle.loads(pickle.dumps(f.figure))  # the caller's figure stays as it is
            save_figure(copy, fig_dir, f.key, formats=fmts, dpi=dpi)
    else:
        import multiprocessing as mp

        order = _largest_first(figures)
        with ProcessPoolExecutor(
            max_workers=n,
            mp_context=mp.get_context("fork"),
            initializer=_init_worker,
            initargs=(tuple(f.figure for f in figures),),
        ) as pool:
            futures = [
                pool.submit(_save_in_worker, i, figures[i].key, str(fig_dir), fmts, dpi)
                for i in order
            ]
            for fut in futures:
                fut.result()
    return {f.key: [f"figures/{f.key}.{fmt}" for fmt in fmts] for f in figures}


def _largest_first(figures: list[FigureArtifact]) -> list[int]:
    """Drawing order for the workers: the figures with the most pixels and artists first, so
    that no worker is left with a large figure at the end while the other waits."""

    def cost(i: int) -> float:
        fig = figures[i].figure
        w, h = fig.get_size_inches()
        artists = sum(len(ax.get_children()) for ax in fig.axes)
        return float(w * h) * (1.0 + len(fig.axes)) + 0.05 * artists

    return sorted(range(len(figures)), key=lambda i: (-cost(i), i))
