"""Saving one figure: PNG (the study's dpi), SVG/PDF when asked, and a small web copy for the
HTML and Word reports. (Drawing many, in worker processes: :mod:`spatialpanel.report.figure_jobs`.)

File names come from :func:`~spatialpanel.report.figspec.figure_file` (``KEY.png`` in English,
``KEY.zh.png`` in Chinese). Each figure is laid out once and every format is written from that
one layout:

1. one layout pass at the study's dpi, as ``savefig(..., bbox_inches="tight")`` runs it for the
   PNG: for a figure with a layout engine (constrained layout, tight layout) and no 3D axes, the
   engine alone (what ``Figure.draw`` runs first); otherwise the whole figure drawn without
   rendering, as matplotlib does. The tight box of the next step is the same either way (the
   extents are measured, not drawn), so the files are too;
2. one tight bounding box (plus matplotlib's ``savefig.pad_inches``), shared by all formats;
3. one draw per format, with the layout frozen (``savefig`` with an explicit ``Bbox`` does not
   lay the figure out again);
4. the PNG's pixels are drawn once; the PNG file holds those pixels (RGB when every pixel is
   opaque, as the study's white figures are; RGBA otherwise), and the web copy is reduced from
   them in memory by an integer factor (a box filter: every web pixel the mean of k × k PNG
   pixels; no second draw, no decoding) to at most :data:`WEB_WIDTH` pixels across.

The PNGs hold exactly the pixels of ``savefig(..., bbox_inches="tight")`` and its resolution
(``pHYs``); they are encoded differently (:func:`png_bytes`: no per-row filter, zlib level
:data:`PNG_LEVEL`), which writes the demonstration study's 20 figures in about a fifth of the
time of matplotlib's writer (Pillow's adaptive filters at zlib level 6) at about the same size.
The SVGs differ from ``savefig``'s only in that their layout was computed at the study's dpi
instead of 72 dpi.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from spatialpanel.report.figspec import figure_file

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = [
    "PNG_LEVEL",
    "WEB_WIDTH",
    "LaidOut",
    "lay_out",
    "png_bytes",
    "save_figure",
    "web_factor",
]

#: Greatest width in pixels of the copy embedded in the HTML and Word reports (the 300-dpi PNG
#: stays full size).
WEB_WIDTH = 1400
#: zlib level of the PNG files (1: fastest; the files are about as small as matplotlib's, whose
#: row filters cost more time than they save bytes on figures that are mostly flat colour).
PNG_LEVEL = 1
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


def lay_out(figure: Figure) -> None:
    """Lay ``figure`` out (on its Agg canvas) as a draw would, without rasterising anything:
    the layout engine alone for a figure with one and no 3D axes (the same positions and extents,
    without a pass over every artist), else the whole figure drawn without rendering."""
    engine = figure.get_layout_engine()
    if engine is not None and not any(ax.name == "3d" for ax in figure.axes):
        figure.canvas.get_renderer()  # type: ignore[attr-defined]  # what the engine measures with
        engine.execute(figure)
    else:
        figure.draw_without_rendering()


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
        # 1. the layout runs once, at the output dpi (what savefig does for the PNG)
        lay_out(figure)
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
            rgba = np.asarray(self.canvas.buffer_rgba())
            opaque = bool(rgba[..., 3].min() == 255)  # then RGB: a quarter fewer bytes
            web = fig_dir / "web" / _name(key, "png", lang)
            web.parent.mkdir(parents=True, exist_ok=True)
            _web_copy(rgba, web, opaque=opaque)
            png = fig_dir / _name(key, "png", lang)
            png.write_bytes(png_bytes(rgba[..., :3] if opaque else rgba, dpi=self.dpi))
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


def web_factor(width: int) -> int:
    """The integer factor that reduces ``width`` pixels to at most :data:`WEB_WIDTH`."""
    return max(1, -(-int(width) // WEB_WIDTH))


def _web_copy(rgba: np.ndarray, target: Path, *, opaque: bool) -> None:
    from PIL import Image

    factor = web_factor(rgba.shape[1])
    if factor > 1:  # the mean of factor x factor pixels: fast, no ringing
        rgba = np.asarray(Image.fromarray(rgba).reduce(factor))
    target.write_bytes(png_bytes(rgba[..., :3] if opaque else rgba))


def png_bytes(pixels: np.ndarray, *, dpi: int | None = None) -> bytes:
    """A PNG file (ISO/IEC 15948) holding ``pixels``: 8-bit RGB or RGBA, shape (rows, columns,
    3 or 4), top row first.

    Every row is stored unfiltered (filter type 0) and the whole image compressed by zlib at
    :data:`PNG_LEVEL`; ``dpi``, when given, is recorded in a ``pHYs`` chunk (pixels per metre,
    rounded as Pillow and matplotlib round it). Any PNG reader decodes exactly ``pixels``.
    """
    height, width, channels = pixels.shape
    if pixels.dtype != np.uint8 or channels not in (3, 4):
        raise ValueError(
            f"png_bytes takes 8-bit RGB or RGBA pixels, got {pixels.dtype} x {channels}"
        )
    rows = np.empty((height, width * channels + 1), dtype=np.uint8)
    rows[:, 0] = 0  # filter type 0 (none) on every row
    body = rows[:, 1:].reshape(height, width, channels)  # a view of the rows: no copy
    if not np.shares_memory(body, rows):  # pragma: no cover - numpy always gives a view here
        raise AssertionError("png_bytes: the rows' view is a copy")
    body[...] = pixels  # one pass, also from a strided view (RGB of RGBA)
    header = struct.pack(">IIBBBBB", width, height, 8, 2 if channels == 3 else 6, 0, 0, 0)
    chunks = [(b"IHDR", header)]
    if dpi is not None:
        per_metre = int(dpi / 0.0254 + 0.5)
        chunks.append((b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)))
    chunks += [(b"IDAT", zlib.compress(rows.data, PNG_LEVEL)), (b"IEND", b"")]
    return b"\x89PNG\r\n\x1a\n" + b"".join(
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        for kind, data in chunks
    )
