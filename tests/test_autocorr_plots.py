"""The Moran scatter plot (the paper's Figures 3-6) rendered on real and hand-made data.

The slope of the drawn line is checked against esda 2.8.2's Moran's I on the same data and W; the
line passes through the means of the points (the least-squares line of W·z on z, checked against
numpy's ``polyfit``), which is the origin only when the lags average 0. Under the product-form
economic–geographic matrix (not symmetric) every lag is shifted: the drawn line still has slope
I and passes through the cloud's mean. The rendered PNGs were looked at (labels legible,
quadrant labels in the corners, the line through the cloud, the mean lag dotted).
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


def _line(fig: Figure) -> tuple[float, float]:
    """(slope, value at z = 0) of the drawn fitted line."""
    ax = fig.axes[0]
    line = next(ln for ln in ax.get_lines() if ln.get_gid() == "fitted-line")
    x, y = (np.asarray(v, dtype=float) for v in line.get_data())
    slope = float((y[1] - y[0]) / (x[1] - x[0]))
    return slope, float(y[0] - slope * x[0])


def _line_slope(fig: Figure) -> float:
    return _line(fig)[0]


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
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[0] == f"Fitted line: slope = Moran's I = {m.I:.3f}"
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


@pytest.mark.skipif(not RD_PATH.exists(), reason=f"real data not available at {RD_PATH}")
def test_scatter_under_the_product_form_matrix(tmp_path: Path) -> None:
    """Product-form economic–geographic W (row-standardised, not symmetric): the lags are shifted;
    the drawn line has slope esda's Moran's I and passes through the mean of the points, where
    a line through the origin would pass about 0.4 below the cloud's centre."""
    import esda

    from spatialpanel.report.moran_plots import fitted_line_note, moran_spec
    from spatialpanel.weights.builders import economic_geographic

    raw = pd.read_csv(RD_PATH)
    rd = raw[(raw["variable"] == "v4_ztr_qd_RD") & (raw["code"] != 100000)]
    series = rd.set_index(["code", "year"])["value"].astype(float)
    w = economic_geographic(series, form="product")
    assert not np.allclose(w.dense, w.dense.T)
    fig = moran_scatter(series, w, year=2020, labels=sp.provinces()["name_en"], variable="R&D")
    y = series.xs(2020, level=1).loc[list(w.ids)].to_numpy()
    m = esda.Moran(y, w.to_libpysal_w(), permutations=0)
    z = (y - y.mean()) / y.std()
    lag = w.dense @ z
    slope, at_zero = _line(fig)
    assert slope == pytest.approx(m.I, rel=1e-10)
    # least squares with an intercept (numpy), and the means of the points
    ref_slope, ref_intercept = np.polyfit(z, lag, 1)
    assert slope == pytest.approx(ref_slope, rel=1e-10)
    assert at_zero == pytest.approx(ref_intercept, rel=1e-10)
    assert at_zero == pytest.approx(lag.mean(), rel=1e-10)
    assert lag.mean() > 0.3  # the shift a line through the origin would miss
    spec = moran_spec(series, w, year=2020)
    assert spec.options["shifted"] is True
    note = fitted_line_note(spec)
    assert note is not None and f"lag, {lag.mean():.3f}, is dotted" in str(note)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend[1] == f"Mean spatial lag ({lag.mean():.3f})"
    fig.savefig(tmp_path / "moran_scatter_product_w.png", dpi=120)
    # a symmetric contiguity W: lags not shifted, no note
    contiguity = sp.SpatialWeights.china_contiguity()
    assert fitted_line_note(moran_spec(series, contiguity, year=2020)) is None


def test_scatter_slope_without_row_standardisation() -> None:
    """With S0 != n (binary weights) the slope z'Wz/z'z differs from I = (n/S0) z'Wz/z'z: the
    legend gives both; hand-worked on the 4-region chain (S0 = 6, n = 4)."""
    chain = np.array([[0, 1, 0, 0], [1, 0, 1, 0], [0, 1, 0, 1], [0, 0, 1, 0]], dtype=float)
    w = sp.SpatialWeights.from_array(chain, ids=list("abcd"), transform="none")
    values = pd.Series([1.0, 2.0, 4.0, 3.0], index=list("abcd"))
    fig = moran_scatter(values, w, labels={})
    # d = -1.5, -0.5, 1.5, 0.5; W d = -0.5, 0, 0, 1.5; d'Wd / d'd = 1.5 / 5 = 0.3 (the scale of
    # z cancels); I = n/S0 × 0.3 = 4/6 × 0.3 = 0.2
    assert _line_slope(fig) == pytest.approx(0.3, rel=1e-12)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend[0] == "Fitted line: slope 0.300 (Moran's I = 0.200 = n/S0 × slope)"
