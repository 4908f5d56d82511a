"""The Moran scatter plot (the paper's Figures 3-6) rendered on real and hand-made data.

The slope of the drawn line is checked against esda 2.8.2's Moran's I on the same data and W; the
rendered PNG of the real-data figure was looked at (labels legible, quadrant labels in the corners,
slope line through the origin).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Annotation

import spatialpanel as sp
from spatialpanel.errors import DataError
from spatialpanel.report.moran_plots import moran_scatter

RD_PATH = Path("/work/shared/reference/china/realdata/techme_RDIntense.csv")


def _line_slope(fig: Figure) -> float:
    ax = fig.axes[0]
    line = next(ln for ln in ax.get_lines() if str(ln.get_label()).startswith("slope"))
    x, y = (np.asarray(v, dtype=float) for v in line.get_data())
    return float((y[1] - y[0]) / (x[1] - x[0]))


@pytest.mark.skipif(not RD_PATH.exists(), reason=f"real data not available at {RD_PATH}")
def test_scatter_on_rd_intensity(tmp_path: Path) -> None:
    import esda

    raw = pd.read_csv(RD_PATH)
    rd = raw[(raw["variable"] == "v4_ztr_qd_RD") & (raw["code"] != 100000)]
    series = rd.set_index(["code", "year"])["value"].astype(float)
    w = sp.SpatialWeights.china_contiguity()
    names = sp.provinces()["name_en"]
    fig = moran_scatter(series, w, year=2020, labels=names, variable="R&D intensity")
    y = series.xs(2020, level=1).loc[w.ids].to_numpy()
    m = esda.Moran(y, w.to_libpysal_w(), permutations=0)
    assert _line_slope(fig) == pytest.approx(m.I, rel=1e-10)
    ax = fig.axes[0]
    assert f"{m.I:.3f}" in ax.get_title()
    notes = {a.get_text() for a in ax.texts if isinstance(a, Annotation)}
    assert notes == set(names)
    corners = {t.get_text() for t in ax.texts if not isinstance(t, Annotation)}
    assert corners == {"I  HH", "II  LH", "III  LL", "IV  HL"}
    # points are where they should be: x = standardised value, y = its spatial lag
    pts = ax.collections[0].get_offsets()
    z = (y - y.mean()) / y.std()
    np.testing.assert_allclose(pts[:, 0], z)
    np.testing.assert_allclose(pts[:, 1], w.dense @ z)
    out = tmp_path / "moran_scatter_rd_2020.png"
    fig.savefig(out, dpi=120)
    assert out.stat().st_size > 20_000


def test_scatter_small_case_and_errors() -> None:
    chain = np.array([[0, 1, 0, 0], [1, 0, 1, 0], [0, 1, 0, 1], [0, 0, 1, 0]], dtype=float)
    w = sp.SpatialWeights.from_array(chain, ids=list("abcd"))
    values = pd.Series([1.0, 2.0, 4.0, 3.0], index=list("abcd"))
    fig = moran_scatter(values, w, labels={})
    # I of this example: (n/S0) Σ w z z / Σ z² with d = -1.5, -.5, 1.5, .5 and lags -.5, 0, 0, 1.5:
    # Σ d·lag = 0.75 + 0 + 0 + 0.75 = 1.5, Σ d² = 5 -> I = 1.5 / 5 = 0.3
    assert _line_slope(fig) == pytest.approx(0.3, rel=1e-12)
    assert not [a for a in fig.axes[0].texts if isinstance(a, Annotation)]
    ids_fig = moran_scatter(values, w)
    labels = {a.get_text() for a in ids_fig.axes[0].texts if isinstance(a, Annotation)}
    assert labels == {"a", "b", "c", "d"}
    panel = pd.Series(
        [1.0, 2.0, 4.0, 3.0], index=pd.MultiIndex.from_product([list("abcd"), [2020]])
    )
    with pytest.raises(DataError, match="year="):
        moran_scatter(panel, w)
    with pytest.raises(DataError, match="2021"):
        moran_scatter(panel, w, year=2021)
    with pytest.raises(DataError, match=r"\['d'\]"):
        moran_scatter(values.drop("d"), w)
