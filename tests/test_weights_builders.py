"""Builders of spatial weights on small hand-checked cases (3-4 regions) and on China's provinces.

Every expected number below is worked out by hand in the comment next to it (or, for the China
matrices, recomputed in the test from first principles: the bundled border list and an
independent haversine formula).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import spatialpanel as sp
from spatialpanel.errors import ConfigError, WeightsError
from spatialpanel.weights import builders

R = 6371.0088  # km, the radius the library states
DEG_KM = R * math.pi / 180.0  # one degree of longitude on the equator: 111.195080 km


def equator(lons: list[float], ids: list[str] | None = None) -> pd.DataFrame:
    ids = ids or [chr(ord("a") + k) for k in range(len(lons))]
    return pd.DataFrame({"lat": 0.0, "lon": lons}, index=ids)


# ---------------------------------------------------------------------------- great circle
def test_great_circle_known_distances() -> None:
    # quarter meridian = R·π/2; antipodes through the poles = R·π; 1° on the equator = R·π/180
    d = builders.great_circle_km([0.0, 90.0, -90.0, 0.0], [0.0, 0.0, 0.0, 1.0])
    assert d[0, 1] == pytest.approx(R * math.pi / 2, rel=1e-12)
    assert d[1, 2] == pytest.approx(R * math.pi, rel=1e-12)
    assert d[0, 3] == pytest.approx(DEG_KM, rel=1e-12)
    assert np.allclose(d, d.T) and np.all(np.diag(d) == 0)


# ---------------------------------------------------------------------------- China contiguity
def test_china_contiguity_counts_and_rows() -> None:
    w = sp.SpatialWeights.china_contiguity()
    assert list(w.ids) == sorted(sp.provinces().index)
    # 68 land borders + Hainan-Guangdong, both directions
    assert w.original.nnz == 2 * 69
    assert w.transform == "row"
    np.testing.assert_allclose(w.row_sums, 1.0)
    frame = w.to_frame()
    # Beijing borders Tianjin and Hebei only -> 1/2 each after row standardisation
    assert frame.loc[110000, 120000] == 0.5 and frame.loc[110000, 130000] == 0.5
    assert frame.loc[110000].sum() == pytest.approx(1.0)
    # Hainan's only neighbour by convention is Guangdong
    assert frame.loc[460000, 440000] == 1.0
    assert w.describe()["neighbours_min"] == 1


def test_china_contiguity_hainan_options() -> None:
    both = sp.SpatialWeights.china_contiguity(hainan="guangdong+guangxi", transform="binary")
    assert both.sparse.nnz == 2 * 70
    assert both.to_frame().loc[460000, 450000] == 1.0
    with pytest.raises(WeightsError, match=r"460000.*islands"):
        sp.SpatialWeights.china_contiguity(hainan="none")
    alone = sp.SpatialWeights.china_contiguity(hainan="none", islands="allow")
    assert alone.islands == (460000,)
    assert alone.sparse.nnz == 2 * 68
    assert alone.row_sums[list(alone.ids).index(460000)] == 0.0
    with pytest.raises(ConfigError, match="hainan"):
        sp.SpatialWeights.china_contiguity(hainan="guangxi")  # type: ignore[arg-type]


def test_china_contiguity_subset_order_and_unknown_ids() -> None:
    # Beijing, Tianjin, Hebei are pairwise contiguous: a full triangle
    w = sp.SpatialWeights.china_contiguity(ids=[130000, 110000, 120000], transform="binary")
    np.testing.assert_array_equal(w.dense, np.ones((3, 3)) - np.eye(3))
    assert list(w.ids) == [130000, 110000, 120000]
    with pytest.raises(WeightsError, match="999999"):
        sp.SpatialWeights.china_contiguity(ids=[110000, 999999])


# ---------------------------------------------------------------------------- geometry contiguity
def test_contiguity_from_geometry_queen_rook_islands() -> None:
    import geopandas as gpd
    from shapely.geometry import box

    # 2 x 2 grid of unit squares: every pair touches (diagonals only at a corner)
    squares = {"sw": box(0, 0, 1, 1), "se": box(1, 0, 2, 1), "nw": box(0, 1, 1, 2)}
    squares["ne"] = box(1, 1, 2, 2)
    gdf = gpd.GeoDataFrame(geometry=list(squares.values()), index=list(squares))
    queen = builders.contiguity(gdf, transform="binary")
    rook = builders.contiguity(gdf, rook=True, transform="binary")
    assert list(queen.cardinalities) == [3, 3, 3, 3]
    assert list(rook.cardinalities) == [2, 2, 2, 2]
    assert rook.to_frame().loc["sw", "ne"] == 0 and queen.to_frame().loc["sw", "ne"] == 1
    far = gpd.GeoDataFrame(
        geometry=[*squares.values(), box(10, 10, 11, 11)], index=[*squares, "far"]
    )
    with pytest.raises(WeightsError, match="far"):
        builders.contiguity(far)
    kept = builders.contiguity(far, islands="allow")
    assert kept.islands == ("far",)


# ---------------------------------------------------------------------------- inverse distance
def test_inverse_distance_hand_checked() -> None:
    pts = equator([0.0, 1.0, 3.0])
    w = sp.SpatialWeights.inverse_distance(pts, transform="none")
    # d_ab = 1°, d_ac = 3°, d_bc = 2° (in units of DEG_KM)
    expected = np.array([[0, 1, 1 / 3], [1, 0, 1 / 2], [1 / 3, 1 / 2, 0]]) / DEG_KM
    np.testing.assert_allclose(w.dense, expected, rtol=1e-12)
    row = sp.SpatialWeights.inverse_distance(pts)
    # row a: (1 : 1/3) -> (0.75, 0.25); row b: (1 : 1/2) -> (2/3, 1/3)
    np.testing.assert_allclose(row.dense[0], [0, 0.75, 0.25], rtol=1e-12)
    np.testing.assert_allclose(row.dense[1], [2 / 3, 0, 1 / 3], rtol=1e-12)
    sq = sp.SpatialWeights.inverse_distance(pts, power=2)
    # row a: (1 : 1/9) -> (0.9, 0.1)
    np.testing.assert_allclose(sq.dense[0], [0, 0.9, 0.1], rtol=1e-12)


def test_inverse_distance_cutoff_and_islands() -> None:
    pts = equator([0.0, 1.0, 3.0])
    # 150 km keeps only a-b (111 km); c is 222 km from b -> island
    with pytest.raises(WeightsError, match="'c'"):
        sp.SpatialWeights.inverse_distance(pts, cutoff_km=150.0)
    w = sp.SpatialWeights.inverse_distance(pts, cutoff_km=150.0, islands="allow")
    assert w.islands == ("c",)
    np.testing.assert_allclose(w.dense[0], [0, 1, 0])
    # a cut-off of 250 km keeps a-b and b-c
    band = sp.SpatialWeights.inverse_distance(pts, cutoff_km=250.0, transform="binary")
    np.testing.assert_array_equal(band.dense, [[0, 1, 0], [1, 0, 1], [0, 1, 0]])


def test_inverse_distance_bad_input() -> None:
    with pytest.raises(WeightsError, match="'a' and 'b'"):
        sp.SpatialWeights.inverse_distance(equator([0.0, 0.0, 1.0]))
    with pytest.raises(WeightsError, match="lat"):
        sp.SpatialWeights.inverse_distance(pd.DataFrame({"x": [1.0]}, index=["a"]))
    with pytest.raises(WeightsError, match="power"):
        sp.SpatialWeights.inverse_distance(equator([0.0, 1.0, 2.0]), power=0)
    with pytest.raises(WeightsError, match="'zz'"):
        sp.SpatialWeights.inverse_distance(equator([0.0, 1.0, 2.0]), ids=["a", "zz"])


def test_inverse_distance_china_default_matches_independent_haversine() -> None:
    prov = sp.provinces()
    lat = np.radians(prov["capital_lat"].to_numpy())
    lon = np.radians(prov["capital_lon"].to_numpy())
    n = len(prov)
    d = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            a = (
                math.sin((lat[j] - lat[i]) / 2) ** 2
                + math.cos(lat[i]) * math.cos(lat[j]) * math.sin((lon[j] - lon[i]) / 2) ** 2
            )
            d[i, j] = 2 * R * math.asin(math.sqrt(a))
    raw = np.divide(1.0, d**2, out=np.zeros_like(d), where=d > 0)
    w = sp.SpatialWeights.inverse_distance(power=2)
    np.testing.assert_allclose(w.dense, raw / raw.sum(axis=1, keepdims=True), rtol=1e-12)
    # Beijing-Tianjin is roughly 110 km, Beijing-Urumqi roughly 2400 km
    assert 100 < d[0, 1] < 120 and 2300 < d[0, n - 1] < 2500


# ---------------------------------------------------------------------------- k nearest
def test_knn_hand_checked_with_tie() -> None:
    pts = equator([0.0, 1.0, 3.0, 6.0])
    one = sp.SpatialWeights.knn(pts, k=1, transform="binary")
    # a->b, b->a, c->b (2° vs 3°), d->c
    np.testing.assert_array_equal(
        one.dense, [[0, 1, 0, 0], [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]
    )
    two = sp.SpatialWeights.knn(pts, k=2, transform="binary")
    # c: b at 2°, then a and d both at 3° -> tie broken by order: a
    np.testing.assert_array_equal(two.dense[2], [1, 1, 0, 0])
    np.testing.assert_array_equal(two.dense[3], [0, 1, 1, 0])
    np.testing.assert_allclose(sp.SpatialWeights.knn(pts, k=2).dense[2], [0.5, 0.5, 0, 0])
    for bad in (0, 4, 1.5):
        with pytest.raises(WeightsError, match="k="):
            sp.SpatialWeights.knn(pts, k=bad)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- economic
def panel(values: dict[str, list[float]], years: list[int]) -> pd.Series:
    idx = pd.MultiIndex.from_tuples(
        [(e, t) for e in values for t in years], names=["region", "year"]
    )
    return pd.Series([v for e in values for v in values[e]], index=idx, name="gdp")


def test_economic_distance_hand_checked() -> None:
    # period means a = 1, b = 2, c = 4
    gdp = panel({"a": [0.5, 1.5], "b": [2.0, 2.0], "c": [3.0, 5.0]}, [2020, 2021])
    raw = sp.SpatialWeights.economic_distance(gdp, transform="none")
    # 1/|1-2| = 1, 1/|1-4| = 1/3, 1/|2-4| = 1/2
    np.testing.assert_allclose(raw.dense, [[0, 1, 1 / 3], [1, 0, 1 / 2], [1 / 3, 1 / 2, 0]])
    w = sp.SpatialWeights.economic_distance(gdp)
    np.testing.assert_allclose(w.dense[2], [0.4, 0.6, 0.0])  # (1/3 : 1/2)
    # one year only: a = 0.5, b = 2, c = 3
    first = sp.SpatialWeights.economic_distance(gdp, years=[2020], transform="none")
    assert first.dense[0, 1] == pytest.approx(1 / 1.5)
    # order follows ids
    assert list(sp.SpatialWeights.economic_distance(gdp, ids=["c", "a", "b"]).ids) == [
        "c",
        "a",
        "b",
    ]


def test_economic_distance_errors_name_regions() -> None:
    tied = panel({"a": [1.0, 3.0], "b": [2.0, 2.0], "c": [5.0, 5.0]}, [2020, 2021])
    with pytest.raises(WeightsError, match="'a' and 'b'"):
        sp.SpatialWeights.economic_distance(tied)
    gdp = panel({"a": [1.0, 1.0], "b": [2.0, 2.0], "c": [4.0, np.nan]}, [2020, 2021])
    with pytest.raises(WeightsError, match="c/2021"):
        sp.SpatialWeights.economic_distance(gdp)
    ok = panel({"a": [1.0, 1.0], "b": [2.0, 2.0], "c": [4.0, 4.0]}, [2020, 2021])
    with pytest.raises(WeightsError, match=r"ids.*\['d'\].*values.*\['c'\]"):
        sp.SpatialWeights.economic_distance(ok, ids=["a", "b", "d"])


def test_economic_geographic_product_hand_checked() -> None:
    gdp = pd.Series([1.0, 2.0, 3.0], index=["a", "b", "c"])  # mean 2 -> scale 0.5, 1, 1.5
    chain = sp.SpatialWeights.from_array(
        [[0, 1, 0], [1, 0, 1], [0, 1, 0]], ids=["a", "b", "c"], transform="none"
    )
    before = chain.sparse.toarray().copy()
    raw = sp.SpatialWeights.economic_geographic(gdp, geographic=chain, transform="none")
    # w_ij = w^d_ij * g_j / g_mean
    np.testing.assert_allclose(raw.dense, [[0, 1, 0], [0.5, 0, 1.5], [0, 1, 0]])
    row = sp.SpatialWeights.economic_geographic(gdp, geographic=chain)
    np.testing.assert_allclose(row.dense[1], [0.25, 0, 0.75])
    np.testing.assert_array_equal(chain.sparse.toarray(), before)  # not mutated
    with pytest.raises(WeightsError, match="positive"):
        sp.SpatialWeights.economic_geographic(gdp - 2.0, geographic=chain)


def test_economic_geographic_mix_hand_checked() -> None:
    gdp = pd.Series([1.0, 2.0, 4.0], index=["a", "b", "c"])
    chain = sp.SpatialWeights.from_array(
        [[0, 1, 0], [1, 0, 1], [0, 1, 0]], ids=["a", "b", "c"], transform="none"
    )
    w = sp.SpatialWeights.economic_geographic(gdp, form="mix", geographic=chain, phi=0.25)
    # row-standardised W_d rows: a (0,1,0), b (.5,0,.5), c (0,1,0);
    # row-standardised W_e rows: a (0,.75,.25), b (2/3,0,1/3), c (.4,.6,0)
    wd = np.array([[0, 1, 0], [0.5, 0, 0.5], [0, 1, 0]])
    we = np.array([[0, 0.75, 0.25], [2 / 3, 0, 1 / 3], [0.4, 0.6, 0]])
    np.testing.assert_allclose(w.dense, 0.25 * wd + 0.75 * we, rtol=1e-12)
    with pytest.raises(WeightsError, match="phi"):
        sp.SpatialWeights.economic_geographic(gdp, form="mix", geographic=chain, phi=1.5)
    with pytest.raises(WeightsError, match="form"):
        sp.SpatialWeights.economic_geographic(gdp, form="sum", geographic=chain)  # type: ignore[arg-type]


def test_economic_geographic_china_default_is_inverse_distance_product() -> None:
    codes = sorted(sp.provinces().index)
    rng = np.random.default_rng(7)
    means = pd.Series(rng.uniform(3.0, 15.0, len(codes)), index=codes)
    w = sp.SpatialWeights.economic_geographic(means)
    d = builders.great_circle_km(
        sp.provinces()["capital_lat"].to_numpy(), sp.provinces()["capital_lon"].to_numpy()
    )
    raw = np.divide(1.0, d, out=np.zeros_like(d), where=d > 0) * means.to_numpy()[None, :]
    np.testing.assert_allclose(w.dense, raw / raw.sum(axis=1, keepdims=True), rtol=1e-12)
