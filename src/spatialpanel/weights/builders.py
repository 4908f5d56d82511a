"""Builders of spatial weights: contiguity, distance, nearest neighbours, economic and nested.

Every builder returns a new :class:`~spatialpanel.weights.core.SpatialWeights`. The raw weights
(before any transform) are what each docstring's formula gives; the ``transform`` argument (row
standardisation by default) is applied last, to the whole matrix, so ``w.original`` always holds the
formula's values. Regions without neighbours are refused unless ``islands="allow"``.

Distances between regions are great-circle distances between their capitals (the haversine formula
on a sphere of radius :data:`EARTH_RADIUS_KM` = 6371.0088 km, the IUGG mean Earth radius).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sps
from numpy.typing import NDArray

from spatialpanel.data.china import HainanLink, adjacency_pairs, provinces
from spatialpanel.errors import WeightsError
from spatialpanel.weights.boundaries import contiguity
from spatialpanel.weights.core import IslandPolicy, SpatialWeights, Transform

__all__ = [
    "EARTH_RADIUS_KM",
    "NestedForm",
    "china_capitals",
    "china_contiguity",
    "contiguity",
    "economic_distance",
    "economic_geographic",
    "great_circle_km",
    "inverse_distance",
    "knn",
    "period_means",
]

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG, R1 = (2a + b)/3) used for every great-circle distance, in km."""

NestedForm = Literal["product", "mix"]


# ---------------------------------------------------------------------------------- helpers
def _select_ids(
    available: pd.Index, ids: Sequence[Hashable] | pd.Index | None, *, what: str
) -> pd.Index:
    """``ids`` (in their order) after checking they are all known; ``available`` when omitted."""
    if ids is None:
        return available
    target = pd.Index(list(ids))
    if target.has_duplicates:
        dup = target[target.duplicated()].unique().tolist()
        raise WeightsError(f"ids must be unique; duplicated: {dup[:10]}.")
    unknown = [i for i in target if i not in set(available)]
    if unknown:
        raise WeightsError(
            f"ids contains regions that {what} does not know: {unknown[:10]}. Known regions: "
            f"{available.tolist()[:40]}. Use the same ids (e.g. GB/T 2260 province codes as int)."
        )
    return target


def china_capitals(ids: Sequence[Hashable] | pd.Index | None = None) -> pd.DataFrame:
    """Capital coordinates of the 31 provinces: columns ``lat``, ``lon`` (WGS84), index = code."""
    frame = provinces()[["capital_lat", "capital_lon"]]
    frame.columns = pd.Index(["lat", "lon"])
    index = _select_ids(frame.index, ids, what="the bundled China province table")
    return frame.loc[index]


def _coords(coords: pd.DataFrame | None, ids: Sequence[Hashable] | pd.Index | None) -> pd.DataFrame:
    if coords is None:
        return china_capitals(ids)
    missing = [c for c in ("lat", "lon") if c not in coords.columns]
    if missing:
        raise WeightsError(
            f"coords lacks the column(s) {missing}; pass a DataFrame indexed by region id with "
            "columns 'lat' and 'lon' in decimal degrees (WGS84)."
        )
    if coords.index.has_duplicates:
        dup = coords.index[coords.index.duplicated()].unique().tolist()
        raise WeightsError(f"coords has duplicated region ids: {dup[:10]}.")
    index = _select_ids(coords.index, ids, what="coords")
    out = coords.loc[index, ["lat", "lon"]].astype(float)
    bad = out.index[~np.isfinite(out.to_numpy()).all(axis=1)].tolist()
    if bad:
        raise WeightsError(f"coords has missing or infinite coordinates for regions {bad[:10]}.")
    return out


def great_circle_km(
    lat: NDArray[np.float64] | Sequence[float], lon: NDArray[np.float64] | Sequence[float]
) -> NDArray[np.float64]:
    """Matrix of great-circle distances (km) between points given in decimal degrees.

    The haversine formula on a sphere of radius R = 6371.0088 km:
    ``d_ij = 2 R asin( sqrt( sin²(Δφ/2) + cos φ_i cos φ_j sin²(Δλ/2) ) )``.
    """
    phi = np.radians(np.asarray(lat, dtype=float))
    lam = np.radians(np.asarray(lon, dtype=float))
    dphi = phi[:, None] - phi[None, :]
    dlam = lam[:, None] - lam[None, :]
    h = np.sin(dphi / 2) ** 2 + np.cos(phi)[:, None] * np.cos(phi)[None, :] * np.sin(dlam / 2) ** 2
    out: NDArray[np.float64] = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return out


def period_means(
    values: pd.Series,
    *,
    ids: Sequence[Hashable] | pd.Index | None = None,
    years: Sequence[Hashable] | None = None,
) -> pd.Series:
    """Mean of ``values`` per region over the period (ḡ_i), in the order of ``ids``.

    ``values`` is either a panel series with an (entity, time) MultiIndex, averaged over the
    (selected) years, or a series indexed by region that already holds the means.
    """
    if isinstance(values.index, pd.MultiIndex):
        if values.index.nlevels != 2:
            raise WeightsError(
                "values must have an (entity, time) MultiIndex with two levels or a plain "
                f"region index; got {values.index.nlevels} levels."
            )
        series = values
        if years is not None:
            keep = series.index.get_level_values(1).isin(list(years))
            series = series[keep]
            if series.empty:
                raise WeightsError(f"values has no observations in years={list(years)}.")
        bad = series[~np.isfinite(series.to_numpy(dtype=float))]
        if len(bad):
            where = [f"{e}/{t}" for e, t in bad.index[:10]]
            raise WeightsError(
                f"values has missing or infinite entries (region/year {where}); fill the data "
                "before building economic weights."
            )
        means = series.astype(float).groupby(level=0, sort=False).mean()
    else:
        means = values.astype(float)
        bad_ids = means.index[~np.isfinite(means.to_numpy())].tolist()
        if bad_ids:
            raise WeightsError(f"values has missing or infinite entries for regions {bad_ids}.")
    if means.index.has_duplicates:
        raise WeightsError("values has duplicated region ids; pass one value per region.")
    if ids is None:
        return means
    target = pd.Index(list(ids))
    missing = [i for i in target if i not in set(means.index)]
    extra = [i for i in means.index if i not in set(target)]
    if missing or extra or target.has_duplicates:
        raise WeightsError(
            f"ids and values name different regions: in ids but not in values {missing[:10]}; "
            f"in values but not in ids {extra[:10]}. Pass values for exactly the regions in ids."
        )
    return means.loc[target]


def _finish(
    raw: NDArray[np.float64] | sps.csr_array,
    ids: pd.Index,
    *,
    transform: Transform,
    islands: IslandPolicy,
    source: str,
) -> SpatialWeights:
    matrix = raw if isinstance(raw, sps.csr_array) else sps.csr_array(raw)
    return SpatialWeights.from_sparse(
        matrix, ids=ids, transform=transform, islands=islands, source=source
    )


# ---------------------------------------------------------------------------------- contiguity
def china_contiguity(
    *,
    hainan: HainanLink = "guangdong",
    ids: Sequence[Hashable] | pd.Index | None = None,
    transform: Transform = "row",
    islands: IslandPolicy = "raise",
) -> SpatialWeights:
    """Binary first-order contiguity of China's 31 provinces from the bundled border list.

    ``w_ij = 1`` when provinces i and j share a land border (68 borders; queen and rook contiguity
    agree for China's provinces), plus the island convention for Hainan, else 0.

    Parameters
    ----------
    hainan
        ``"guangdong"`` (default: Hainan linked to Guangdong across the Qiongzhou Strait),
        ``"guangdong+guangxi"``, or ``"none"`` (Hainan has no neighbour; pass
        ``islands="allow"`` to keep it as a zero row).
    ids
        Province codes (int, GB/T 2260) in the wanted order, e.g. the panel's; a subset of the 31
        is allowed (the matrix is then restricted to it). Default: the 31 codes ascending.
    transform, islands
        See :meth:`~spatialpanel.weights.core.SpatialWeights.from_array`.

    References
    ----------
    Anselin, L. (1988). *Spatial Econometrics: Methods and Models*. Kluwer, ch. 3.
    """
    codes = pd.Index(provinces().index)
    index = _select_ids(codes, ids, what="the bundled China adjacency")
    pos = {code: k for k, code in enumerate(index)}
    rows: list[int] = []
    cols: list[int] = []
    for a, b in adjacency_pairs(hainan=hainan):
        if a in pos and b in pos:
            rows += [pos[a], pos[b]]
            cols += [pos[b], pos[a]]
    n = len(index)
    raw = sps.csr_array((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    return _finish(
        raw,
        index,
        transform=transform,
        islands=islands,
        source=f"china_contiguity(hainan={hainan})",
    )


# ---------------------------------------------------------------------------------- distance
def inverse_distance(
    coords: pd.DataFrame | None = None,
    *,
    ids: Sequence[Hashable] | pd.Index | None = None,
    power: float = 1.0,
    cutoff_km: float | None = None,
    transform: Transform = "row",
    islands: IslandPolicy = "raise",
) -> SpatialWeights:
    """Inverse-distance weights between capitals: ``w_ij = 1 / d_ij^power`` (``i ≠ j``).

    ``d_ij`` is the great-circle distance in km (haversine, R = 6371.0088 km). ``power=1`` is the
    inverse-distance matrix, ``power=2`` the inverse squared distance ("gravity") matrix. With
    ``cutoff_km``, pairs farther apart than the cut-off get weight 0 (``d_ij > cutoff_km``).

    Parameters
    ----------
    coords
        DataFrame indexed by region id with columns ``lat`` and ``lon`` (decimal degrees, WGS84).
        Default: the capitals of China's 31 provinces (bundled), indexed by province code.
    ids
        Regions (and order) to use; default all rows of ``coords``.
    power
        Distance decay exponent (> 0).
    cutoff_km
        Optional distance band (km).
    transform, islands
        See :meth:`~spatialpanel.weights.core.SpatialWeights.from_array`; a cut-off can create
        islands.

    References
    ----------
    Anselin, L. (1988). *Spatial Econometrics: Methods and Models*. Kluwer, ch. 3;
    LeSage, J. & Pace, R. K. (2009). *Introduction to Spatial Econometrics*. CRC, §4.11.
    """
    if not (np.isfinite(power) and power > 0):
        raise WeightsError(f"power={power!r}; the distance decay exponent must be > 0 (1 or 2).")
    if cutoff_km is not None and not cutoff_km > 0:
        raise WeightsError(f"cutoff_km={cutoff_km!r}; give a positive distance in km or None.")
    xy = _coords(coords, ids)
    dist = great_circle_km(xy["lat"].to_numpy(), xy["lon"].to_numpy())
    off = ~np.eye(len(xy), dtype=bool)
    same = np.argwhere(off & (dist <= 0))
    if len(same):
        i, j = same[0]
        raise WeightsError(
            f"regions {xy.index[i]!r} and {xy.index[j]!r} have the same coordinates (distance "
            "0); inverse distance is undefined. Fix coords."
        )
    raw = np.zeros_like(dist)
    raw[off] = dist[off] ** (-float(power))
    if cutoff_km is not None:
        raw[dist > cutoff_km] = 0.0
    band = "" if cutoff_km is None else f", cutoff_km={cutoff_km:g}"
    return _finish(
        raw,
        pd.Index(xy.index),
        transform=transform,
        islands=islands,
        source=f"inverse_distance(power={power:g}{band})",
    )


def knn(
    coords: pd.DataFrame | None = None,
    *,
    k: int = 4,
    ids: Sequence[Hashable] | pd.Index | None = None,
    transform: Transform = "row",
) -> SpatialWeights:
    """k-nearest-neighbour weights: ``w_ij = 1`` when j is among the k capitals closest to i.

    Distances are great-circle km (haversine, R = 6371.0088 km). Ties at the k-th distance are
    broken by the order of ``ids`` (first come first). The matrix is generally not symmetric.

    References
    ----------
    LeSage, J. & Pace, R. K. (2009). *Introduction to Spatial Econometrics*. CRC, §4.11.
    """
    xy = _coords(coords, ids)
    n = len(xy)
    if not isinstance(k, int | np.integer) or isinstance(k, bool) or not 1 <= k <= n - 1:
        raise WeightsError(f"k={k!r}; the number of neighbours must be an integer in 1..{n - 1}.")
    dist = great_circle_km(xy["lat"].to_numpy(), xy["lon"].to_numpy())
    np.fill_diagonal(dist, np.inf)
    order = np.argsort(dist, axis=1, kind="stable")[:, :k]
    rows = np.repeat(np.arange(n), k)
    raw = sps.csr_array((np.ones(n * k), (rows, order.ravel())), shape=(n, n))
    return _finish(
        raw, pd.Index(xy.index), transform=transform, islands="raise", source=f"knn(k={k})"
    )


# ---------------------------------------------------------------------------------- economic
def economic_distance(
    values: pd.Series,
    *,
    ids: Sequence[Hashable] | pd.Index | None = None,
    years: Sequence[Hashable] | None = None,
    transform: Transform = "row",
) -> SpatialWeights:
    """Economic-distance weights ``w_ij = 1 / |ḡ_i − ḡ_j|`` (``i ≠ j``).

    ``ḡ_i`` is the mean of the chosen variable (per-capita GDP in most studies) of region i over
    the period (:func:`period_means`). Regions with equal means would get an infinite weight and
    are refused.

    Parameters
    ----------
    values
        Panel series with an (entity, time) MultiIndex, or one value per region.
    ids
        Region order (e.g. the panel's entity order); default the order in ``values``.
    years
        Years to average over; default all.

    References
    ----------
    Lin, G., Long, Z. & Wu, M. (2005). A spatial analysis of regional economic convergence in
    China: 1978–2002. *China Economic Quarterly* 4(S1), 67–82.
    """
    g = period_means(values, ids=ids, years=years)
    arr = g.to_numpy(dtype=float)
    gap = np.abs(arr[:, None] - arr[None, :])
    off = ~np.eye(len(arr), dtype=bool)
    tied = np.argwhere(off & (gap == 0))
    if len(tied):
        i, j = tied[0]
        raise WeightsError(
            f"regions {g.index[i]!r} and {g.index[j]!r} have the same period mean "
            f"({arr[i]!r}); 1/|g_i - g_j| is infinite. Use another variable or period."
        )
    raw = np.zeros_like(gap)
    raw[off] = 1.0 / gap[off]
    return _finish(
        raw, pd.Index(g.index), transform=transform, islands="raise", source="economic_distance"
    )


def economic_geographic(
    values: pd.Series,
    *,
    form: NestedForm = "product",
    geographic: SpatialWeights | None = None,
    phi: float = 0.5,
    ids: Sequence[Hashable] | pd.Index | None = None,
    years: Sequence[Hashable] | None = None,
    transform: Transform = "row",
) -> SpatialWeights:
    """Economic–geographic nested weights, in either of the two forms used in the literature.

    ``form="product"``: ``W = W_d · diag(ḡ_1/ḡ, …, ḡ_n/ḡ)``, i.e. ``w_ij = w^d_ij · ḡ_j / ḡ``,
    with ``ḡ_i`` the period mean of the variable in region i and ``ḡ`` the mean of the ``ḡ_i``
    (Lin, Long & Wu 2005). Neighbours with a higher economic level weigh more. ``W_d`` is
    ``geographic`` as passed (its current transform); by default the raw inverse distance
    between capitals ``1/d_ij`` (great-circle km), not standardised.

    ``form="mix"``: ``W = φ·W_d + (1 − φ)·W_e`` with ``W_e`` the economic-distance matrix
    ``1/|ḡ_i − ḡ_j|`` (:func:`economic_distance`); both ``W_d`` and ``W_e`` are row-standardised
    *before* mixing (their raw scales differ by orders of magnitude), so ``φ`` is the share of
    geography in every row (e.g. Shao, Li, Cao & Yang 2016).

    In both forms ``transform`` (row standardisation by default) is applied *last*, to the nested
    matrix. With row standardisation the product form's ``ḡ`` cancels (``w_ij ∝ w^d_ij ḡ_j``).

    Parameters
    ----------
    values
        Panel series with an (entity, time) MultiIndex (averaged over ``years``), or the period
        means per region. Per-capita GDP in most studies.
    form
        ``"product"`` (default) or ``"mix"``.
    geographic
        ``W_d``; default ``inverse_distance(ids=..., power=1, transform="none")`` for China.
    phi
        Weight of geography in the mix form, in [0, 1].
    ids, years, transform
        As in :func:`economic_distance`.

    References
    ----------
    Lin, G., Long, Z. & Wu, M. (2005). A spatial analysis of regional economic convergence in
    China: 1978–2002. *China Economic Quarterly* 4(S1), 67–82.
    Shao, S., Li, X., Cao, J. & Yang, L. (2016). China's economic policy choices for governing
    smog pollution based on spatial spillover effects. *Economic Research Journal* 51(9), 73–88.
    """
    if form not in ("product", "mix"):
        raise WeightsError(f"form={form!r} is not known; use 'product' or 'mix'.")
    if not 0.0 <= phi <= 1.0:
        raise WeightsError(f"phi={phi!r}; the weight of geography must lie in [0, 1].")
    g = period_means(values, ids=ids, years=years)
    index = pd.Index(g.index)
    if geographic is None:
        wd = inverse_distance(ids=index, power=1.0, transform="none")
    else:
        wd = geographic.reordered(index)
    if form == "product":
        if np.any(g.to_numpy() <= 0):
            bad = g.index[g.to_numpy() <= 0].tolist()
            raise WeightsError(
                f"the product form needs positive period means; regions {bad[:10]} have "
                "means <= 0. Use a positive variable (e.g. per-capita GDP) or form='mix'."
            )
        scale = g.to_numpy(dtype=float) / float(g.mean())
        raw = sps.csr_array(wd.sparse @ sps.diags_array(scale))
        source = "economic_geographic(product)"
    else:
        we = economic_distance(g, transform="row")
        raw = sps.csr_array(phi * wd.transformed("row").sparse + (1.0 - phi) * we.sparse)
        source = f"economic_geographic(mix, phi={phi:g})"
    return _finish(raw, index, transform=transform, islands="raise", source=source)
