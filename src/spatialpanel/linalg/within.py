"""Within (fixed-effects) transformations of balanced panels stored time-major.

Convention used throughout the engine: a variable is an array of shape ``(T, N)`` (or
``(T, N, k)`` for k variables), time-major, regions in the order of the weights' ids. Spatial lags
are applied to the raw variables first, then these transformations (the ``Q·(Wy)`` convention of
Elhorst and of Lee & Yu; see docs/conventions.md).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray

__all__ = ["Effects", "demean", "spatial_lag"]

Effects = Literal["pooled", "entity", "time", "twoway"]


def demean(a: NDArray[np.float64], effects: Effects) -> NDArray[np.float64]:
    """Remove entity, time or both means from a ``(T, N[, k])`` array.

    ``"pooled"`` returns a copy; ``"entity"`` subtracts each region's mean over time;
    ``"time"`` subtracts each period's mean over regions; ``"twoway"`` does both and adds back
    the grand mean (the orthogonal projection ``Q = (I_T - J_T/T) ⊗ (I_N - J_N/N)``).
    """
    out = np.array(a, dtype=float, copy=True)
    if effects == "pooled":
        return out
    if effects in ("entity", "twoway"):
        out -= out.mean(axis=0, keepdims=True)
    if effects in ("time", "twoway"):
        out -= out.mean(axis=1, keepdims=True)
    if effects not in ("entity", "time", "twoway"):
        raise ValueError(f"unknown effects {effects!r}")
    return out


def spatial_lag(w: object, a: NDArray[np.float64]) -> NDArray[np.float64]:
    """``W`` applied to each period of a ``(T, N[, k])`` array: out[t] = W @ a[t]."""
    import scipy.sparse as sps

    mat = sps.csr_array(w)
    t, n = a.shape[0], a.shape[1]
    flat = a.reshape(t, n, -1)
    out = np.empty_like(flat, dtype=float)
    for s in range(t):
        out[s] = mat @ flat[s]
    return out.reshape(a.shape)
