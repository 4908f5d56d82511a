"""`SpatialWeights`: an immutable spatial weights matrix with region ids.

Constructors validate (square, finite, non-negative, no self-neighbours, unique ids) and store;
transforms return new objects and never mutate. The default transform is row-standardisation.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import numpy as np
import pandas as pd
import scipy.sparse as sps
from numpy.typing import ArrayLike, NDArray

from spatialpanel.errors import WeightsError, did_you_mean

__all__ = ["IslandPolicy", "SpatialWeights", "Transform"]

Transform = Literal["row", "binary", "spectral", "minmax", "none"]
IslandPolicy = Literal["raise", "allow"]
_TRANSFORMS: tuple[str, ...] = ("row", "binary", "spectral", "minmax", "none")


@dataclass(frozen=True, eq=False)
class SpatialWeights:
    """A spatial weights matrix ``W`` (N x N, sparse) with the ids of its N regions.

    Build it with the class methods (``from_array``, ``from_sparse``, ...), never by mutating.

    Attributes
    ----------
    ids
        Region ids in matrix order.
    sparse
        The weights as a ``scipy.sparse.csr_array`` (read-only by convention).
    transform
        The transform applied: ``"row"``, ``"binary"``, ``"spectral"``, ``"minmax"`` or ``"none"``.
    islands
        Ids of regions without neighbours (rows of zeros).
    """

    ids: pd.Index
    sparse: sps.csr_array
    transform: str = "none"
    source: str = "array"
    _original: sps.csr_array | None = field(default=None, repr=False)

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_array(
        cls,
        matrix: ArrayLike,
        *,
        ids: Sequence[Hashable] | pd.Index | None = None,
        transform: Transform = "row",
        islands: IslandPolicy = "raise",
        source: str = "array",
    ) -> SpatialWeights:
        """Build from a dense N x N array (or anything ``np.asarray`` accepts).

        Parameters
        ----------
        matrix
            Non-negative weights, zero diagonal.
        ids
            Region ids in row order; ``0..N-1`` when omitted.
        transform
            Transform applied to the raw weights (row-standardised by default).
        islands
            ``"raise"`` (default) refuses regions without neighbours; ``"allow"`` keeps them
            (their rows stay zero under every transform) and lists them in ``.islands``.
        """
        arr = np.asarray(matrix, dtype=float)
        return cls.from_sparse(
            sps.csr_array(arr), ids=ids, transform=transform, islands=islands, source=source
        )

    @classmethod
    def from_sparse(
        cls,
        matrix: sps.sparray | sps.spmatrix,
        *,
        ids: Sequence[Hashable] | pd.Index | None = None,
        transform: Transform = "row",
        islands: IslandPolicy = "raise",
        source: str = "sparse",
    ) -> SpatialWeights:
        """Build from a scipy sparse matrix; see :meth:`from_array` for the options."""
        if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
            raise WeightsError(
                f"matrix must be square (N x N); got shape {matrix.shape}. Pass one row and one "
                "column per region."
            )
        raw = sps.csr_array(matrix, dtype=float)
        raw.eliminate_zeros()
        raw.sort_indices()
        n = raw.shape[0]
        index = pd.Index(range(n) if ids is None else list(ids))
        if len(index) != n:
            raise WeightsError(f"ids has {len(index)} entries but the matrix is {n} x {n}.")
        if index.has_duplicates:
            dup = index[index.duplicated()].unique().tolist()
            raise WeightsError(f"ids must be unique; duplicated: {dup[:10]}.")
        if not np.all(np.isfinite(raw.data)):
            raise WeightsError("matrix has NaN or infinite entries; every weight must be finite.")
        if np.any(raw.data < 0):
            raise WeightsError("matrix has negative weights; spatial weights must be >= 0.")
        diag = raw.diagonal()
        if np.any(diag != 0):
            bad = index[np.flatnonzero(diag)].tolist()
            raise WeightsError(
                f"regions {bad[:10]} are their own neighbours (non-zero diagonal); set the "
                "diagonal to zero."
            )
        obj = cls(ids=index, sparse=raw, transform="none", source=source, _original=raw)
        if obj.islands and islands == "raise":
            raise WeightsError(
                f"regions {list(obj.islands)[:10]} have no neighbours (islands). Link them "
                "(e.g. Hainan to Guangdong), use a distance-based matrix, or pass "
                "islands='allow' to keep them with zero rows."
            )
        if islands not in ("raise", "allow"):
            raise WeightsError(f"islands={islands!r}; use 'raise' or 'allow'.")
        return obj.transformed(transform)

    # ------------------------------------------------------------------ builders (see builders.py)
    @classmethod
    def china_contiguity(cls, **options: Any) -> SpatialWeights:
        """China's provincial contiguity; see :func:`.builders.china_contiguity`."""
        from spatialpanel.weights import builders

        return builders.china_contiguity(**options)

    @classmethod
    def contiguity(cls, geodata: Any, **options: Any) -> SpatialWeights:
        """Queen/rook contiguity from geometry; see :func:`.builders.contiguity`."""
        from spatialpanel.weights import builders

        return builders.contiguity(geodata, **options)

    @classmethod
    def inverse_distance(cls, coords: Any = None, **options: Any) -> SpatialWeights:
        """1/d^power between capitals; see :func:`.builders.inverse_distance`."""
        from spatialpanel.weights import builders

        return builders.inverse_distance(coords, **options)

    @classmethod
    def knn(cls, coords: Any = None, **options: Any) -> SpatialWeights:
        """k nearest neighbours; see :func:`spatialpanel.weights.builders.knn`."""
        from spatialpanel.weights import builders

        return builders.knn(coords, **options)

    @classmethod
    def economic_distance(cls, values: pd.Series, **options: Any) -> SpatialWeights:
        """``1/|g_i - g_j|``; see :func:`spatialpanel.weights.builders.economic_distance`."""
        from spatialpanel.weights import builders

        return builders.economic_distance(values, **options)

    @classmethod
    def economic_geographic(cls, values: pd.Series, **options: Any) -> SpatialWeights:
        """Nested matrix; see :func:`spatialpanel.weights.builders.economic_geographic`."""
        from spatialpanel.weights import builders

        return builders.economic_geographic(values, **options)

    # ------------------------------------------------------------------ conversions (see io.py)
    @classmethod
    def from_graph(cls, graph: Any, **options: Any) -> SpatialWeights:
        """From a libpysal ``Graph``; see :func:`spatialpanel.weights.io.from_graph`."""
        from spatialpanel.weights import io

        return io.from_graph(graph, **options)

    @classmethod
    def from_libpysal_w(cls, wobj: Any, **options: Any) -> SpatialWeights:
        """From a libpysal ``W``; see :func:`spatialpanel.weights.io.from_libpysal_w`."""
        from spatialpanel.weights import io

        return io.from_libpysal_w(wobj, **options)

    @classmethod
    def read(cls, path: Any, **options: Any) -> SpatialWeights:
        """From a CSV/Excel matrix with ids; see :func:`spatialpanel.weights.io.read_matrix`."""
        from spatialpanel.weights import io

        return io.read_matrix(path, **options)

    def to_graph(self) -> Any:
        """A libpysal ``Graph`` with the current weights (a new object)."""
        from spatialpanel.weights import io

        return io.to_graph(self)

    def to_libpysal_w(self) -> Any:
        """A libpysal ``W`` with the current weights (a new object)."""
        from spatialpanel.weights import io

        return io.to_libpysal_w(self)

    def write(self, path: Any, **options: Any) -> Any:
        """Write to CSV/Excel with ids; see :func:`spatialpanel.weights.io.write_matrix`."""
        from spatialpanel.weights import io

        return io.write_matrix(self, path, **options)

    # ------------------------------------------------------------------ views
    @property
    def n(self) -> int:
        """Number of regions."""
        return int(self.sparse.shape[0])

    @cached_property
    def dense(self) -> NDArray[np.float64]:
        """The weights as a dense array (a fresh copy each time it is first computed)."""
        out: NDArray[np.float64] = self.sparse.toarray()
        out.setflags(write=False)
        return out

    @cached_property
    def islands(self) -> tuple[Hashable, ...]:
        """Ids of regions with no neighbours."""
        rows = np.asarray(abs(self.sparse).sum(axis=1)).ravel()
        return tuple(self.ids[rows == 0])

    @cached_property
    def row_sums(self) -> NDArray[np.float64]:
        """Row sums of the (transformed) weights."""
        return np.asarray(self.sparse.sum(axis=1)).ravel()

    @cached_property
    def is_symmetric(self) -> bool:
        """Whether W equals its transpose (to 1e-12)."""
        diff = self.sparse - self.sparse.T
        return bool(diff.nnz == 0 or np.max(np.abs(diff.data)) < 1e-12)

    @cached_property
    def cardinalities(self) -> pd.Series:
        """Number of neighbours of each region (non-zero weights per row), indexed by id."""
        counts = np.diff(self.sparse.indptr)
        return pd.Series(counts, index=self.ids, name="neighbours")

    @cached_property
    def s0(self) -> float:
        """S0 = Σ_i Σ_j w_ij (Cliff & Ord 1981), of the transformed weights."""
        return float(self.sparse.sum())

    @cached_property
    def s1(self) -> float:
        """S1 = ½ Σ_i Σ_j (w_ij + w_ji)² (Cliff & Ord 1981)."""
        sym = self.sparse + self.sparse.T
        return float(0.5 * (sym.multiply(sym)).sum())

    @cached_property
    def s2(self) -> float:
        """``S2 = Σ_i (w_i. + w_.i)²`` (Cliff & Ord 1981)."""
        rows = np.asarray(self.sparse.sum(axis=1)).ravel()
        cols = np.asarray(self.sparse.sum(axis=0)).ravel()
        return float(np.sum((rows + cols) ** 2))

    def describe(self) -> dict[str, object]:
        """Summary used in reports: n, nnz, share non-zero, neighbours min/mean/max, islands."""
        card = self.cardinalities.to_numpy()
        return {
            "source": self.source,
            "transform": self.transform,
            "n": self.n,
            "nnz": int(self.sparse.nnz),
            "pct_nonzero": 100.0 * self.sparse.nnz / max(self.n * self.n, 1),
            "neighbours_min": int(card.min()) if self.n else 0,
            "neighbours_mean": float(card.mean()) if self.n else 0.0,
            "neighbours_max": int(card.max()) if self.n else 0,
            "symmetric": self.is_symmetric,
            "islands": list(self.islands),
        }

    @property
    def original(self) -> sps.csr_array:
        """The raw weights before any transform."""
        return self._original if self._original is not None else self.sparse

    def to_frame(self) -> pd.DataFrame:
        """Dense DataFrame with ids as index and columns."""
        return pd.DataFrame(self.dense.copy(), index=self.ids, columns=self.ids)

    # ------------------------------------------------------------------ transforms
    def transformed(self, transform: Transform) -> SpatialWeights:
        """Return a new object with ``transform`` applied to the raw weights.

        ``"row"``: each row divided by its sum (islands stay zero); ``"binary"``: 1 where a weight
        is positive; ``"spectral"``: divided by the largest absolute eigenvalue; ``"minmax"``:
        divided by min(max row sum, max column sum) (Kelejian & Prucha 2010); ``"none"``: the raw
        weights.
        """
        if transform not in _TRANSFORMS:
            raise WeightsError(
                f"transform={transform!r} is not known; use one of {_TRANSFORMS}."
                + did_you_mean(str(transform), _TRANSFORMS)
            )
        raw = self.original
        if transform == "none":
            mat = raw.copy()
        elif transform == "binary":
            mat = raw.copy()
            mat.data = np.ones_like(mat.data)
        elif transform == "row":
            sums = np.asarray(raw.sum(axis=1)).ravel()
            inv = np.divide(1.0, sums, out=np.zeros_like(sums), where=sums > 0)
            mat = sps.csr_array(sps.diags_array(inv) @ raw)
        elif transform == "minmax":
            rmax = float(np.max(raw.sum(axis=1)))
            cmax = float(np.max(raw.sum(axis=0)))
            mat = raw / min(rmax, cmax)
        else:  # spectral
            from spatialpanel.linalg.eigen import spectral_radius

            mat = raw / spectral_radius(raw)
        mat = sps.csr_array(mat)
        mat.sort_indices()
        return SpatialWeights(
            ids=self.ids, sparse=mat, transform=transform, source=self.source, _original=raw
        )

    def reordered(self, ids: Sequence[Hashable] | pd.Index) -> SpatialWeights:
        """Return the same weights with rows and columns in the order of ``ids``.

        Raises a :class:`~spatialpanel.errors.WeightsError` that names the missing and the extra
        regions when ``ids``
        is not the same set as ``self.ids``.
        """
        target = pd.Index(list(ids))
        check_ids_match(self.ids, target, what="the data's regions")
        pos = self.ids.get_indexer(target)
        return SpatialWeights(
            ids=target,
            sparse=sps.csr_array(self.sparse[pos][:, pos]),
            transform=self.transform,
            source=self.source,
            _original=sps.csr_array(self.original[pos][:, pos]),
        )

    def __repr__(self) -> str:
        return (
            f"SpatialWeights(n={self.n}, nnz={self.sparse.nnz}, transform={self.transform!r}, "
            f"source={self.source!r}, islands={len(self.islands)})"
        )


def check_ids_match(w_ids: pd.Index, data_ids: pd.Index, *, what: str = "the data") -> None:
    """Raise a :class:`~spatialpanel.errors.WeightsError` naming missing and extra regions when the
    id sets differ."""
    w_set, data_set = set(w_ids), set(data_ids)  # built once: O(N), not O(N²)
    missing = [i for i in data_ids if i not in w_set]
    extra = [i for i in w_ids if i not in data_set]
    if missing or extra or len(w_ids) != len(data_ids):
        as_text = {str(i) for i in w_ids} == {str(i) for i in data_ids}
        hint = (
            f" They match only as text: w's ids are {type(w_ids[0]).__name__}, the data's "
            f"{type(data_ids[0]).__name__}; convert one of them (e.g. ids=[str(i) for i in ids])."
            if as_text and len(w_ids) and len(data_ids)
            else ""
        )
        raise WeightsError(
            f"the weights' ids do not match {what}: regions in the data but not in w: "
            f"{missing[:10]}; regions in w but not in the data: {extra[:10]}. Build w for the "
            "same regions (or subset the data) so both have the same ids." + hint
        )
