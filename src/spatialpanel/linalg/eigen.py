"""Eigenvalue helpers for spatial weights."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sps
import scipy.sparse.linalg as spla

__all__ = ["spectral_radius"]

_DENSE_LIMIT = 2000


def spectral_radius(matrix: sps.sparray | sps.spmatrix) -> float:
    """Largest absolute eigenvalue of a square matrix (dense below 2000 rows, ARPACK above)."""
    n = matrix.shape[0]
    if n <= _DENSE_LIMIT:
        vals = np.linalg.eigvals(np.asarray(sps.csr_array(matrix).toarray()))
        return float(np.max(np.abs(vals)))
    val = spla.eigs(sps.csr_array(matrix), k=1, which="LM", return_eigenvectors=False)
    return float(np.abs(val[0]))
