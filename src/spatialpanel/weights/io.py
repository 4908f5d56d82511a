"""Conversions of :class:`~spatialpanel.weights.core.SpatialWeights` to and from libpysal and matrix
files with ids.

- libpysal ``Graph`` (:func:`to_graph`, :func:`from_graph`) and the legacy ``W``
  (:func:`to_libpysal_w`, :func:`from_libpysal_w`). The libpysal objects get the *current*
  (transformed) weights; reading one takes its weights as the raw weights and applies
  ``transform`` (row standardisation by default).
- CSV and Excel matrices with ids (:func:`read_matrix`, :func:`write_matrix`): the first column
  holds the row ids, the header row the column ids, in any order as long as both are the same
  set; ids that look like integers (e.g. GB/T 2260 province codes) are read as int.
"""

from __future__ import annotations

from collections.abc import Hashable
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import scipy.sparse as sps

from spatialpanel.errors import WeightsError
from spatialpanel.weights.core import IslandPolicy, SpatialWeights, Transform

if TYPE_CHECKING:  # pragma: no cover
    import libpysal
    from libpysal.graph import Graph

__all__ = [
    "from_graph",
    "from_libpysal_w",
    "read_matrix",
    "to_graph",
    "to_libpysal_w",
    "write_matrix",
]


def to_graph(w: SpatialWeights) -> Graph:
    """A libpysal ``Graph`` with the same ids and (transformed) weights; islands kept."""
    from libpysal.graph import Graph

    return Graph.from_sparse(sps.csr_array(w.sparse), ids=list(w.ids))


def from_graph(
    graph: Graph, *, transform: Transform = "row", islands: IslandPolicy = "raise"
) -> SpatialWeights:
    """Build from a libpysal ``Graph`` (its weights as raw weights, ids = ``graph.unique_ids``)."""
    ids = pd.Index(list(graph.unique_ids))
    return SpatialWeights.from_sparse(
        sps.csr_array(graph.sparse), ids=ids, transform=transform, islands=islands, source="graph"
    )


def to_libpysal_w(w: SpatialWeights) -> libpysal.weights.W:
    """A legacy libpysal ``W`` (``id_order`` = ``w.ids``) with the current weights.

    The ``W`` is a fresh object: passing it to esda (whose ``Moran`` changes the transform of the
    object it is given) cannot affect ``w``.
    """
    from libpysal.weights import W

    mat = sps.csr_array(w.sparse)
    ids = list(w.ids)
    neighbors: dict[Hashable, list[Hashable]] = {}
    weights: dict[Hashable, list[float]] = {}
    for i, focal in enumerate(ids):
        start, stop = mat.indptr[i], mat.indptr[i + 1]
        neighbors[focal] = [ids[j] for j in mat.indices[start:stop]]
        weights[focal] = [float(v) for v in mat.data[start:stop]]
    return W(neighbors, weights, id_order=ids, silence_warnings=True)


def from_libpysal_w(
    wobj: libpysal.weights.W, *, transform: Transform = "row", islands: IslandPolicy = "raise"
) -> SpatialWeights:
    """Build from a legacy libpysal ``W`` (current weights as raw weights, ids = ``id_order``)."""
    return SpatialWeights.from_sparse(
        sps.csr_array(wobj.sparse),
        ids=list(wobj.id_order),
        transform=transform,
        islands=islands,
        source="libpysal.W",
    )


def _as_ids(labels: pd.Index) -> pd.Index:
    """Labels as int when every one looks like an integer, else as str."""
    text = [str(v).strip() for v in labels]
    try:
        as_float = [float(t) for t in text]
    except ValueError:
        return pd.Index(text)
    if all(np.isfinite(f) and float(f).is_integer() for f in as_float):
        return pd.Index([int(f) for f in as_float])
    return pd.Index(text)


def read_matrix(
    path: str | PathLike[str],
    *,
    sheet: str | int | None = None,
    transform: Transform = "row",
    islands: IslandPolicy = "raise",
) -> SpatialWeights:
    """Read a square weights matrix with ids from CSV (``.csv``) or Excel (``.xlsx``/``.xls``).

    The first column holds the row ids, the header row the column ids; both must be the same set
    (the columns are reordered to the rows' order). Empty cells count as 0.

    Parameters
    ----------
    path
        The file.
    sheet
        Excel sheet name or position (default the first).
    transform, islands
        See :meth:`~spatialpanel.weights.core.SpatialWeights.from_array`.
    """
    file = Path(path)
    if not file.exists():
        raise WeightsError(f"path={str(file)!r} does not exist; give the weights matrix file.")
    suffix = file.suffix.lower()
    frame: pd.DataFrame
    if suffix == ".csv":
        frame = pd.read_csv(file, index_col=0, dtype=str)
    elif suffix in (".xlsx", ".xlsm", ".xls"):
        frame = pd.read_excel(  # the engine named: pandas warns when calamine is installed
            file,
            sheet_name=0 if sheet is None else sheet,
            index_col=0,
            dtype=str,
            engine="xlrd" if suffix == ".xls" else "openpyxl",
        )
    else:
        raise WeightsError(
            f"path={str(file)!r}: unknown suffix {suffix!r}; use a .csv or .xlsx file."
        )
    rows = _as_ids(frame.index)
    cols = _as_ids(frame.columns)
    if rows.has_duplicates or cols.has_duplicates:
        raise WeightsError(f"{file.name}: duplicated row or column ids; each region once.")
    missing = [c for c in rows if c not in set(cols)]
    extra = [c for c in cols if c not in set(rows)]
    if missing or extra:
        raise WeightsError(
            f"{file.name}: the column ids (header) and the row ids (first column) differ: rows "
            f"without a column {missing[:10]}; columns without a row {extra[:10]}. Give a square "
            "matrix with the same ids in the header and the first column."
        )
    frame.index = rows
    frame.columns = cols
    try:
        values = frame.loc[rows, rows].fillna("0").astype(float).to_numpy()
    except ValueError as exc:
        raise WeightsError(f"{file.name}: a cell is not a number ({exc}).") from exc
    return SpatialWeights.from_sparse(
        sps.csr_array(values), ids=rows, transform=transform, islands=islands, source=file.name
    )


def write_matrix(
    w: SpatialWeights, path: str | PathLike[str], *, raw: bool = False, **excel: Any
) -> Path:
    """Write the matrix with ids (header row and first column) to CSV or Excel.

    Parameters
    ----------
    w
        The weights.
    path
        ``.csv`` or ``.xlsx`` file.
    raw
        Write the raw weights (before the transform) instead of the transformed ones.
    **excel
        Passed to ``DataFrame.to_excel`` (e.g. ``sheet_name``).
    """
    file = Path(path)
    mat = w.original.toarray() if raw else w.dense.copy()
    frame = pd.DataFrame(mat, index=w.ids, columns=w.ids)
    frame.index.name = "id"
    suffix = file.suffix.lower()
    if suffix == ".csv":
        frame.to_csv(file, float_format="%.17g")
    elif suffix in (".xlsx", ".xlsm"):
        frame.to_excel(file, **excel)
    else:
        raise WeightsError(f"path={str(file)!r}: unknown suffix {suffix!r}; use .csv or .xlsx.")
    return file
