"""Saving one figure: PNG (the study's dpi), SVG/PDF when asked, and a small web copy for the
HTML and Word reports. (Drawing many, in worker processes: :mod:`spatialpanel.report.figure_jobs`.)

File names come from :func:`~spatialpanel.report.figspec.figure_file` (``KEY.png`` in English,
``KEY.zh.png`` in Chinese). Each figure is laid out once and every format is written from that
one layout:

1. one layout pass (the figure's layout engine, e.g. constrained layout, runs once, on an Agg
   renderer at the study's dpi, as ``savefig(..., bbox_inches="tight")`` runs it for the PNG);
2. one tight bounding box (plus matplotlib's ``savefig.pad_inches``), shared by all formats;
3. one draw per format, with the layout frozen (``savefig`` with an explicit ``Bbox`` does not
   lay the figure out again);
4. the PNG's pixels are drawn once; the PNG file is those pixels encoded by the
   ``matplotlib.image.imsave`` call of matplotlib's own PNG writer, and the web copy is reduced
   from them in memory by an integer factor (a box filter: every web pixel the mean of k × k
   PNG pixels; no second draw, no decoding) to at most :data:`WEB_WIDTH` pixels across.

``savefig(..., bbox_inches="tight")`` per format laid the figure out and measured it once per
format and drew it twice per format. The PNGs are byte for byte those of
``savefig(..., bbox_inches="tight")``; the SVGs differ from it only in that their layout was
computed at the study's dpi instead of 72 dpi.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from spatialpanel.report.figspec import figure_file

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure
    from PIL import Image

__all__ = ["WEB_WIDTH", "LaidOut", "save_figure", "web_factor"]

#: Greatest width in pixels of the copy embedded in the HTML and Word reports (the 300-dpi PNG
#: stays full size).
WEB_WIDTH = 1400
#: ``svg.hashsalt``: the SVG's element ids are hashes salted with this, not random.
_SVG_SALT = "spatialpanel"


def save_figure(
    figure: Figure,
    fig_dir: Path,
    key: str,
    *,
    formats: Sequence[str],
    dpi: int,
    lang: str = "en",
) -> list[Path]:
    """Write ``figure`` as ``fig_dir/KEY.FMT`` for each format, and ``fig_dir/web/KEY.png``
    (``KEY.LANG.FMT`` for a language other than English, see
    :func:`~spatialpanel.report.figspec.figure_file`).

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
    return LaidOut(figure, dpi=dpi).write(fig_dir, key, formats, lang=lang)


def _name(key: str, fmt: str, lang: str) -> str:
    """The file name (without folder) of figure ``key``."""
    return Path(figure_file(key, fmt, lang)).name


class LaidOut:
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

    def write(
        self, fig_dir: Path, key: str, formats: Sequence[str], *, lang: str = "en"
    ) -> list[Path]:
        """Write the web copy and the PNG (when ``"png"`` is a format), then the vector files."""
        import matplotlib as mpl

        written: list[Path] = []
        if "png" in formats:
            # 4. draw the PNG's pixels once; the web copy is reduced from them
            self.figure.savefig(io.BytesIO(), format="rgba", dpi=self.dpi, bbox_inches=self.bbox)
            pixels = np.asarray(self.canvas.buffer_rgba())
            web = fig_dir / "web" / _name(key, "png", lang)
            web.parent.mkdir(parents=True, exist_ok=True)
            _web_copy(_image(pixels), web)
            png = fig_dir / _name(key, "png", lang)
            # what FigureCanvasAgg.print_png does with the pixels it has drawn
            mpl.image.imsave(png, pixels, format="png", origin="upper", dpi=self.dpi, metadata={})
            written += [web, png]
        with mpl.rc_context({"svg.hashsalt": _SVG_SALT}):
            for fmt in formats:
                if fmt == "png":
                    continue
                path = fig_dir / _name(key, fmt, lang)
                self.figure.savefig(
                    path, format=fmt, dpi=self.dpi, bbox_inches=self.bbox, metadata={"Date": None}
                )
                written.append(path)
        return written


def _image(rgba: np.ndarray) -> Image.Image:
    from PIL import Image

    return Image.frombuffer("RGBA", (rgba.shape[1], rgba.shape[0]), rgba, "raw", "RGBA", 0, 1)


def web_factor(width: int) -> int:
    """The integer factor that reduces ``width`` pixels to at most :data:`WEB_WIDTH`."""
    return max(1, -(-int(width) // WEB_WIDTH))


def _web_copy(img: Image.Image, target: Path) -> None:
    factor = web_factor(img.width)
    if factor > 1:
        img = img.reduce(factor)  # the mean of factor x factor pixels: fast, no ringing
    img.save(target, format="PNG")
