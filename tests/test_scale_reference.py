"""Sparse (large-N) paths of the random-effects models, the LM tests and Hausman against the
numbers of the dense implementation they replace.

Provenance of ``tests/data/scale/dense_reference.npz``: written by
``tests/data/scale/make_dense_reference.py`` (run as ``/work/venv/bin/python
tests/data/scale/make_dense_reference.py`` from the repository root) with the dense code of
commit be47b68 (``np.linalg.eigh`` of B'B per λ in the random-effects SEM, dense W in the LM
tests and the Mundlak regression), numpy 2.x / scipy 1.x on this machine, BEFORE the sparse
rewrite. The panels: Baltagi's cigarette data (``tests/cigar.py``) and the generated panel of
:func:`medium_panel` (20 x 20 rook lattice, N = 400, T = 5, seeded).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sps

from spatialpanel.weights.core import SpatialWeights


def lattice(side: int, cols: int | None = None) -> sps.csr_array:
    """Binary rook contiguity of a ``side`` x ``cols`` lattice (square by default; row-major)."""
    cols = side if cols is None else cols
    n = side * cols
    idx = np.arange(n).reshape(side, cols)
    src = np.concatenate([idx[:, :-1].ravel(), idx[:-1, :].ravel()])
    dst = np.concatenate([idx[:, 1:].ravel(), idx[1:, :].ravel()])
    a = sps.coo_array((np.ones(src.size), (src, dst)), shape=(n, n))
    return sps.csr_array(a + a.T)


def medium_panel(
    side: int = 20, t: int = 5, seed: int = 20261128, *, cols: int | None = None
) -> tuple[pd.DataFrame, SpatialWeights]:
    """A seeded spatial panel with random entity effects correlated with x1 (for Hausman).

    ``y_lag = (I - 0.4W)⁻¹(1 + x1 - 0.5 x2 + 0.2 W x1 + μ + ε)`` and
    ``y_err = 1 + x1 - 0.5 x2 + μ + (I - 0.5W)⁻¹ε``, μ ~ N(0, 0.5²) + 0.3·mean(x1),
    ε ~ N(0, 1); regions ``r0000``... in lattice order, periods 1..T.
    """
    n = side * (side if cols is None else cols)
    w = SpatialWeights.from_sparse(lattice(side, cols), ids=[f"r{i:04d}" for i in range(n)])
    wm = w.sparse
    rng = np.random.default_rng(seed)
    x1 = rng.standard_normal((t, n)) + rng.standard_normal(n)[None, :]
    x2 = rng.standard_normal((t, n))
    mu = 0.5 * rng.standard_normal(n) + 0.3 * x1.mean(axis=0)
    eps = rng.standard_normal((t, n))
    eye = sps.identity(n, format="csc")
    a_lag = sps.csc_array(eye - 0.4 * wm)
    a_err = sps.csc_array(eye - 0.5 * wm)
    from scipy.sparse.linalg import spsolve

    y_lag = np.empty((t, n))
    y_err = np.empty((t, n))
    for s in range(t):
        y_lag[s] = spsolve(a_lag, 1 + x1[s] - 0.5 * x2[s] + 0.2 * (wm @ x1[s]) + mu + eps[s])
        y_err[s] = 1 + x1[s] - 0.5 * x2[s] + mu + spsolve(a_err, eps[s])
    index = pd.MultiIndex.from_product([range(1, t + 1), w.ids], names=["year", "region"])
    frame = pd.DataFrame(
        {
            "y_lag": y_lag.ravel(),
            "y_err": y_err.ravel(),
            "x1": x1.ravel(),
            "x2": x2.ravel(),
        },
        index=index,
    ).swaplevel(0, 1)
    frame.index = frame.index.set_names(["region", "year"])
    return frame, w
