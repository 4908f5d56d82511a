"""Spatial β convergence on usjoin (1929-1960) against spreg's ML fixed-effects spatial lag model.

Reference: ``spreg.Panel_FE_Lag(g, x, w)`` (spreg, installed test dependency; Elhorst 2003 ML
with entity fixed effects) on the same one-year log growth ``g`` (48 x 31) and lagged log level
``x``, ``states48.gal`` row-standardised. With entity effects only, W and the within transformation
commute, so our ``Q(Wy)`` convention and spreg's demeaned lag agree.
"""

from __future__ import annotations

import contextlib

import libpysal
import numpy as np
import pandas as pd
import pytest
import spreg

from spatialpanel.disparity.spatial_beta import spatial_beta_convergence
from spatialpanel.errors import DataError
from spatialpanel.models.model import SpatialPanelModel
from spatialpanel.weights.core import SpatialWeights

YEARS = list(range(1929, 1961))


@pytest.fixture(scope="module")
def usjoin():  # type: ignore[no-untyped-def]
    frame = pd.read_csv(libpysal.examples.get_path("usjoin.csv"))
    pci = frame[[str(y) for y in YEARS]].to_numpy(dtype=float)
    with contextlib.closing(libpysal.io.open(libpysal.examples.get_path("states48.gal"))) as g:
        gal = g.read()
    gal.transform = "r"
    dense = np.zeros((48, 48))
    for i, nbrs in gal.neighbors.items():
        for j in nbrs:
            dense[int(i), int(j)] = 1.0
    w = SpatialWeights.from_array(dense, ids=range(48))
    series = pd.Series(pci.ravel(), index=pd.MultiIndex.from_product([range(48), YEARS]))
    return pci, gal, w, series


def test_sar_entity_equals_spreg(usjoin) -> None:  # type: ignore[no-untyped-def]
    pci, gal, w, series = usjoin
    res = spatial_beta_convergence(series, w, model="sar", effects="entity")
    logs = np.log(pci)
    ref = spreg.Panel_FE_Lag(logs[:, 1:] - logs[:, :-1], logs[:, :-1], gal)
    beta_ref, rho_ref = ref.betas.ravel()
    se_ref = np.sqrt(np.diag(ref.vm))
    assert res.beta == pytest.approx(beta_ref, rel=1e-6)
    assert res.results.spatial_param == pytest.approx(rho_ref, rel=1e-6)
    assert res.summary()["se"] == pytest.approx(se_ref[0], rel=1e-5)
    assert res.speed == pytest.approx(-np.log(1 + beta_ref), rel=1e-5)


def test_sdm_twoway_speed(usjoin) -> None:  # type: ignore[no-untyped-def]
    pci, _, w, series = usjoin
    res = spatial_beta_convergence(series, w)
    logs = np.log(pci)
    idx = pd.MultiIndex.from_product([range(48), YEARS[1:]])
    data = pd.DataFrame(
        {"g": (logs[:, 1:] - logs[:, :-1]).ravel(), "x": logs[:, :-1].ravel()}, index=idx
    )
    direct = SpatialPanelModel(data, y="g", x=["x"], w=w, model="sdm", effects="twoway").fit()
    assert res.beta == pytest.approx(float(direct.params["x"]), rel=1e-10)
    assert res.beta < 0
    assert res.speed == pytest.approx(-np.log(1 + res.beta), rel=1e-14)
    assert res.half_life == pytest.approx(np.log(2) / res.speed, rel=1e-14)
    assert res.speed_direct == pytest.approx(-np.log(1 + res.direct_effect), rel=1e-14)
    assert list(res.results.params.index) == ["ln_y_lag", "W*ln_y_lag", "rho"]


def test_errors(usjoin) -> None:  # type: ignore[no-untyped-def]
    _, _, w, series = usjoin
    with pytest.raises(DataError, match="controls"):
        spatial_beta_convergence(series, w, controls=pd.DataFrame({"z": [1.0]}))
    short = series[series.index.get_level_values(1) <= 1930]
    with pytest.raises(DataError, match="3 years"):
        spatial_beta_convergence(short, w)
