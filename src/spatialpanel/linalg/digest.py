"""A digest of a sparse matrix, the key of the caches of factorisations and traces."""

from __future__ import annotations

import hashlib

import numpy as np
import scipy.sparse as sps

__all__ = ["fingerprint"]


def fingerprint(mat: sps.csr_array) -> bytes:
    """A digest of W (shape, pattern and values): the fit, its standard errors and the effects
    ask for the same factorisations and traces of the same W, which are computed once."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(np.asarray(mat.shape, dtype=np.int64).tobytes())
    for arr in (mat.indptr, mat.indices):
        digest.update(np.ascontiguousarray(arr, dtype=np.int64).tobytes())
    digest.update(np.ascontiguousarray(mat.data, dtype=float).tobytes())
    return digest.digest()
