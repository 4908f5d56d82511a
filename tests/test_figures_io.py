"""Saving figures once per layout: the files equal matplotlib's own ``bbox_inches="tight"`` output.

(The figures of a run are specifications drawn where they are saved; these tests save ready
matplotlib figures, which the same machinery accepts, and specifications in ``test_figspec``.)

References (independent of :mod:`spatialpanel.report.figure_files`):

- PNG: ``Figure.savefig(path, dpi=..., bbox_inches="tight")`` of matplotlib (the version installed;
  3.11.2 when written) on an identical copy of the figure, decoded by Pillow: same pixel size,
  same pixels, same resolution (the laid-out-once path draws exactly what ``savefig`` draws for
  the PNG). The bytes differ since the PNG writer changed (no row filters, zlib level 1: about
  five times faster than matplotlib's Pillow writer); until then they were compared too and were
  equal. An opaque figure is stored as RGB (matplotlib stores RGBA with alpha 255 everywhere),
  a transparent one as RGBA with the same alpha.
- SVG: the same ``savefig`` call with ``format="svg"``. matplotlib lays the figure out at 72 dpi
  for an SVG and at the output dpi for a PNG; we lay it out once at the output dpi, so the SVG
  may differ from matplotlib's by the rounding of text extents: the canvas size is compared to
  0.02 in (about 1.5 pt), the drawn elements exactly (same counts of paths and texts).
- web copy: Pillow's ``Image.reduce(k)`` of the PNG file read back (the mean of k x k pixels, k
  the smallest integer that brings the width to at most ``WEB_WIDTH``).
"""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

from spatialpanel.report.figure_files import WEB_WIDTH, save_figure
from spatialpanel.report.figure_jobs import save_figures

matplotlib.use("Agg")

DPI = 100


def _constrained_figure(seed: int = 0) -> Figure:
    """A small figure with constrained layout, a legend, a suptitle and rotated tick labels."""
    rng = np.random.default_rng(seed)
    fig = Figure(figsize=(6.0, 3.2), layout="constrained")
    axes = fig.subplots(1, 2)
    years = np.arange(2014, 2024)
    for k in range(4):
        axes[0].plot(years, rng.normal(size=years.size).cumsum(), marker="o", label=f"region {k}")
    axes[0].legend(fontsize=7, ncol=2)
    axes[0].set_xticks(years)
    axes[0].tick_params(axis="x", labelrotation=45)
    axes[1].scatter(rng.normal(size=31), rng.normal(size=31), s=12)
    axes[1].annotate(
        "Beijing",
        (0.1, 0.2),
        xytext=(8, 12),
        textcoords="offset points",
        arrowprops={"arrowstyle": "-", "lw": 0.4},
    )
    axes[1].set_title("Moran scatter")
    fig.suptitle("A figure laid out once")
    return fig


def _plain_figure() -> Figure:
    """No layout engine, an inset axes and a text outside the axes (as the maps have)."""
    fig = Figure(figsize=(4.0, 3.0))
    ax = fig.add_axes((0.05, 0.1, 0.7, 0.8))
    ax.fill([0, 1, 1, 0], [0, 0, 1, 1], hatch="////", facecolor="#C4C4C4")
    inset = ax.inset_axes((0.6, 0.0, 0.4, 0.4))
    inset.plot([0, 1], [1, 0])
    fig.text(0.99, 0.01, "Synthetic data", ha="right", fontsize=6)
    return fig


def _copy(fig: Figure) -> Figure:
    out: Figure = pickle.loads(pickle.dumps(fig))
    return out


def _pixels(path: Path) -> np.ndarray:
    with Image.open(path) as img:
        return np.asarray(img.convert("RGBA"))


@pytest.mark.parametrize("make", [_constrained_figure, _plain_figure])
def test_png_equals_matplotlib_tight_savefig(make, tmp_path: Path) -> None:
    fig = make()
    reference = tmp_path / "reference.png"
    _copy(fig).savefig(reference, dpi=DPI, bbox_inches="tight")
    written = save_figure(_copy(fig), tmp_path, "ours", formats=["png", "svg"], dpi=DPI)
    assert written == [tmp_path / "web/ours.png", tmp_path / "ours.png", tmp_path / "ours.svg"]
    ours = _pixels(tmp_path / "ours.png")
    assert ours.shape == _pixels(reference).shape
    np.testing.assert_array_equal(ours, _pixels(reference))
    with Image.open(tmp_path / "ours.png") as mine, Image.open(reference) as theirs:
        assert mine.mode == "RGB"  # every pixel opaque
        assert mine.info["dpi"] == pytest.approx(theirs.info["dpi"], abs=0.01)
        mine.verify()  # chunk CRCs and structure


def test_transparent_figure_keeps_its_alpha(tmp_path: Path) -> None:
    fig = _constrained_figure(3)
    fig.patch.set_alpha(0.0)
    for ax in fig.axes:
        ax.patch.set_alpha(0.0)
    reference = tmp_path / "reference.png"
    _copy(fig).savefig(reference, dpi=DPI, bbox_inches="tight", facecolor="none")
    with matplotlib.rc_context({"savefig.facecolor": "none"}):
        save_figure(_copy(fig), tmp_path, "ours", formats=["png"], dpi=DPI)
    with Image.open(tmp_path / "ours.png") as mine:
        assert mine.mode == "RGBA"
    ours = _pixels(tmp_path / "ours.png")
    assert ours[..., 3].min() < 255
    np.testing.assert_array_equal(ours, _pixels(reference))


@pytest.mark.parametrize("channels", [3, 4])
def test_png_writer_round_trips_through_pillow(channels: int, tmp_path: Path) -> None:
    from spatialpanel.report.figure_files import png_bytes

    rng = np.random.default_rng(7)
    pixels = rng.integers(0, 256, size=(37, 53, channels), dtype=np.uint8)
    path = tmp_path / "x.png"
    path.write_bytes(png_bytes(pixels, dpi=300))
    with Image.open(path) as img:
        img.verify()
    with Image.open(path) as img:
        assert img.mode == ("RGB" if channels == 3 else "RGBA")
        assert img.info["dpi"] == pytest.approx((300, 300), abs=0.01)
        np.testing.assert_array_equal(np.asarray(img), pixels)
    with pytest.raises(ValueError, match="RGB or RGBA"):
        png_bytes(pixels.astype(np.uint16))


def _svg_size(path: Path) -> tuple[float, float]:
    head = path.read_text(encoding="utf-8")[:2000]
    width = re.search(r'width="([0-9.]+)pt"', head)
    height = re.search(r'height="([0-9.]+)pt"', head)
    assert width and height
    return float(width.group(1)) / 72, float(height.group(1)) / 72


def _svg_counts(path: Path) -> dict[str, int]:
    text = path.read_text(encoding="utf-8")
    return {tag: len(re.findall(rf"<{tag}[ >]", text)) for tag in ("path", "use", "g", "text")}


@pytest.mark.parametrize("make", [_constrained_figure, _plain_figure])
def test_svg_matches_matplotlib_and_has_no_date(make, tmp_path: Path) -> None:
    fig = make()
    reference = tmp_path / "reference.svg"
    with matplotlib.rc_context({"svg.hashsalt": "spatialpanel"}):
        _copy(fig).savefig(reference, dpi=DPI, bbox_inches="tight", metadata={"Date": None})
    save_figure(_copy(fig), tmp_path, "ours", formats=["svg"], dpi=DPI)
    ours = tmp_path / "ours.svg"
    np.testing.assert_allclose(_svg_size(ours), _svg_size(reference), atol=0.02)
    assert _svg_counts(ours) == _svg_counts(reference)
    text = ours.read_text(encoding="utf-8")
    assert "<dc:date>" not in text
    # no web copy without a PNG
    assert not (tmp_path / "web" / "ours.png").exists()


def test_web_copy_is_the_resized_png(tmp_path: Path) -> None:
    fig = Figure(figsize=(6.0, 2.0))  # 1800 px wide at 300 dpi: resized to WEB_WIDTH
    fig.add_subplot().plot([0, 1, 2], [2, 0, 1], lw=3)
    save_figure(fig, tmp_path, "wide", formats=["png"], dpi=300)
    with Image.open(tmp_path / "wide.png") as full:
        assert WEB_WIDTH < full.width <= 2 * WEB_WIDTH  # reduced by 2: the mean of 2 x 2 blocks
        expected = full.reduce(2)
        block = np.asarray(full.convert("RGBA"), dtype=float)[:2, :2].mean(axis=(0, 1))
    with Image.open(tmp_path / "web" / "wide.png") as web:
        assert web.size == expected.size == (-(-full.width // 2), -(-full.height // 2))
        np.testing.assert_array_equal(np.asarray(web), np.asarray(expected))
        np.testing.assert_allclose(np.asarray(web.convert("RGBA"))[0, 0], block, atol=0.5)

    small = Figure(figsize=(2.0, 1.5))
    small.add_subplot().plot([0, 1], [0, 1])
    save_figure(small, tmp_path, "small", formats=["png"], dpi=100)  # narrower: kept as is
    np.testing.assert_array_equal(
        _pixels(tmp_path / "web" / "small.png"), _pixels(tmp_path / "small.png")
    )


def _artifacts() -> list[tuple[str, Figure]]:
    return [
        ("constrained", _constrained_figure(1)),
        ("plain", _plain_figure()),
        ("second", _constrained_figure(2)),
    ]


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_worker_error_reaches_the_caller(tmp_path: Path) -> None:
    bad = Figure(figsize=(2.0, 2.0))
    bad.text(0.5, 0.5, r"$\frac{$")  # unparsable mathtext: fails when drawn, in the worker
    figures = [("bad", bad), *_artifacts()]
    with pytest.raises(ValueError, match="frac"):
        save_figures(figures, tmp_path, formats=["png"], dpi=DPI, workers=2)


def test_figure_jobs_write_the_pngs_first(tmp_path: Path) -> None:
    # one run in this process, one in two forked workers: the same files, the same bytes
    from spatialpanel.report.figure_jobs import FigureJobs

    figures = _artifacts()
    state = [(f.dpi, f.get_layout_engine(), f.canvas) for _, f in figures]
    for workers in (1, 2):
        out = tmp_path / f"w{workers}"
        jobs = FigureJobs(figures, out, formats=["svg", "png"], dpi=DPI, workers=workers)
        assert jobs.files["plain"] == ["figures/plain.svg", "figures/plain.png"]
        jobs.wait_raster()
        for key in ("constrained", "plain", "second"):
            with Image.open(out / "web" / f"{key}.png") as img:  # complete files, readable
                img.load()
        assert jobs.wait_all() == jobs.files
    one, two = _tree(tmp_path / "w1"), _tree(tmp_path / "w2")
    assert sorted(one) == sorted(
        [f"{k}.{e}" for k in ("constrained", "plain", "second") for e in ("png", "svg")]
        + [f"web/{k}.png" for k in ("constrained", "plain", "second")]
    )
    assert one == two
    # the caller's figures are not changed (dpi, layout engine, canvas)
    assert [(f.dpi, f.get_layout_engine(), f.canvas) for _, f in figures] == state
