"""Contiguity from boundaries (libpysal ``Graph.build_contiguity``) with an island policy.

Regions whose boundaries touch no other region (islands) are refused (``islands="raise"``), kept
with a zero row (``"allow"``), or linked to the region whose boundary is nearest
(``"nearest"``; distances between boundaries measured in a Lambert azimuthal equal-area
projection centred on the regions, each link made in both directions and named in the matrix's
``source``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
import scipy.sparse as sps

from spatialpanel.data.regions import nearest_links
from spatialpanel.errors import WeightsError
from spatialpanel.weights.core import SpatialWeights, Transform

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

__all__ = ["ContiguityIslands", "contiguity"]

ContiguityIslands = Literal["raise", "allow", "nearest"]


def contiguity(
    geodata: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    rook: bool = False,
    transform: Transform = "row",
    islands: ContiguityIslands = "raise",
) -> SpatialWeights:
    """Binary contiguity from polygon geometry (libpysal ``Graph.build_contiguity``).

    Queen (default): ``w_ij = 1`` when the polygons of i and j share at least one boundary point;
    rook (``rook=True``): when they share a boundary segment. Ids are the index of ``geodata``.

    Parameters
    ----------
    geodata
        Polygons, one per region, indexed by region id.
    rook
        Rook instead of queen contiguity.
    transform
        See :meth:`~spatialpanel.weights.core.SpatialWeights.from_array`.
    islands
        ``"raise"`` (default) refuses regions without neighbours, ``"allow"`` keeps them with
        zero rows, ``"nearest"`` links each to the region with the nearest boundary (both ways;
        the links are listed in the result's ``source``).

    References
    ----------
    Anselin, L. (1988). *Spatial Econometrics: Methods and Models*. Kluwer, ch. 3;
    Rey, S. J. & Anselin, L. (2007). PySAL: A Python library of spatial analytical methods.
    """
    from libpysal.graph import Graph

    if islands not in ("raise", "allow", "nearest"):
        raise WeightsError(f"islands={islands!r}; use 'raise', 'allow' or 'nearest'.")
    geoms = geodata.geometry if hasattr(geodata, "geometry") else geodata
    if geoms.index.has_duplicates:
        dup = geoms.index[geoms.index.duplicated()].unique().tolist()
        raise WeightsError(f"geodata has duplicated index ids: {dup[:10]}; ids must be unique.")
    if geoms.isna().any() or geoms.is_empty.any():
        bad = geoms.index[geoms.isna() | geoms.is_empty].tolist()
        raise WeightsError(f"geodata has missing or empty geometries for regions {bad[:10]}.")
    graph = Graph.build_contiguity(geoms, rook=rook)
    index = pd.Index(geoms.index)
    sparse = sps.csr_array(graph.sparse)
    pos = pd.Index(graph.unique_ids).get_indexer(index)
    raw = sps.csr_array(sparse[pos][:, pos])
    raw.eliminate_zeros()  # libpysal stores an island as a self-loop of weight 0
    raw.data = np.ones_like(raw.data)
    kind = "rook" if rook else "queen"
    source = f"contiguity({kind})"
    lonely = [int(i) for i in np.flatnonzero(np.diff(raw.indptr) == 0)]
    if islands == "nearest" and lonely:
        if geoms.crs is None:
            raise WeightsError(
                "islands='nearest' needs boundaries with a CRS (set it with geodata.set_crs(...))."
            )
        links = nearest_links(geoms, lonely)
        lil = raw.tolil()
        for i, j, _ in links:
            lil[i, j] = lil[j, i] = 1.0
        raw = sps.csr_array(lil)
        named = ", ".join(f"{index[i]}→{index[j]} ({km:.0f} km)" for i, j, km in links)
        source = f"contiguity({kind}; islands linked to the nearest region: {named})"
    policy = "allow" if islands == "nearest" else islands
    return SpatialWeights.from_sparse(
        raw, ids=index, transform=transform, islands=policy, source=source
    )
