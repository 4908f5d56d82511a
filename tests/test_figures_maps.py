"""The maps draw only what each view shows: the same pixels as drawing every polygon everywhere.

Reference: the same map drawn with the full geometry in both views (every province, island and
outline ring in the main map and in the South China Sea inset, as before the views were culled),
rendered by matplotlib's Agg backend; the pixels must be equal, and the SVG smaller.
"""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from PIL import Image

from spatialpanel.data.china import provinces
from spatialpanel.report import _mapdraw
from spatialpanel.report.maps import choropleth, small_multiples

matplotlib.use("Agg")

CODES = provinces().index


@pytest.fixture(scope="module")
def values() -> pd.Series:
    rng = np.random.default_rng(7)
    return pd.Series(rng.uniform(0.1, 0.9, len(CODES)), index=CODES)


@pytest.fixture
def full_geometry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Draw with every polygon in both views (the geometry before the views were culled)."""
    geo = _mapdraw.map_geometry()
    everything = _mapdraw.MapView(paths=geo.paths, outline=geo.outline)
    full = dataclasses.replace(geo, main_view=everything, inset_view=everything)
    monkeypatch.setattr(_mapdraw, "map_geometry", lambda *_: full)


def _png(fig: matplotlib.figure.Figure) -> np.ndarray:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    buf.seek(0)
    with Image.open(buf) as img:
        return np.asarray(img)


def _svg_bytes(fig: matplotlib.figure.Figure) -> int:
    buf = io.BytesIO()
    fig.savefig(buf, format="svg")
    return len(buf.getvalue())


def _draw(values: pd.Series) -> list[matplotlib.figure.Figure]:
    return [
        choropleth(values, title="One map", legend_label="Index", scheme="quantiles"),
        small_multiples({2014: values, 2023: values * 1.5}, title="Two years", scale_bar=True),
    ]


def test_views_keep_what_they_show() -> None:
    geo = _mapdraw.map_geometry()
    main, inset = geo.main_view, geo.inset_view
    # every province reaches into the main map; the inset shows the south only
    assert all(p is not None for p in main.paths)
    shown = {int(c) for c, p in zip(geo.codes, inset.paths, strict=True) if p is not None}
    assert {460000, 440000, 450000, 710000} <= shown  # Hainan, Guangdong, Guangxi, Taiwan
    assert not shown & {650000, 540000, 230000, 110000}  # Xinjiang, Tibet, Heilongjiang, Beijing
    hainan = list(geo.codes).index(460000)
    # Hainan's South China Sea islands are in the inset, not in the main map
    assert len(main.paths[hainan].vertices) < len(geo.paths[hainan].vertices)
    assert len(inset.outline) < len(geo.outline) and len(main.outline) < len(geo.outline)


def test_culled_maps_have_the_same_pixels(values: pd.Series, request: pytest.FixtureRequest):
    culled = [(_png(f), _svg_bytes(f)) for f in _draw(values)]
    request.getfixturevalue("full_geometry")
    full = [(_png(f), _svg_bytes(f)) for f in _draw(values)]
    for (ours, our_svg), (ref, ref_svg) in zip(culled, full, strict=True):
        assert ours.shape == ref.shape
        np.testing.assert_array_equal(ours, ref)
        assert our_svg < 0.8 * ref_svg


def test_map_png_files_written_once_per_layout(values: pd.Series, tmp_path: Path) -> None:
    from spatialpanel.report.figure_files import save_figure

    fig = choropleth(values, title="Saved", synthetic=True)
    reference = tmp_path / "reference.png"
    fig.savefig(reference, dpi=110, bbox_inches="tight")
    save_figure(fig, tmp_path, "map", formats=["png", "svg"], dpi=110)
    # the same pixels (the bytes differ: our PNG writer stores opaque figures as RGB, unfiltered;
    # see spatialpanel.report.figure_files)
    with Image.open(tmp_path / "map.png") as ours, Image.open(reference) as theirs:
        assert ours.size == theirs.size
        np.testing.assert_array_equal(
            np.asarray(ours.convert("RGBA")), np.asarray(theirs.convert("RGBA"))
        )
