"""Generated test graphs and panels shared by the performance and large-N tests (and by the
hand-run timing scripts under tests/data/)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sps
import scipy.sparse.linalg as spla
from scipy.spatial import Delaunay


def lattice(n: int) -> sps.csr_array:
    """Binary rook contiguity of the first ``n`` cells (row-major) of a square-ish lattice."""
    cols = int(np.ceil(np.sqrt(n)))
    idx = np.arange(n)
    right = idx[(idx % cols + 1 < cols) & (idx + 1 < n)]
    down = idx[idx + cols < n]
    rows = np.concatenate([right, down])
    nbrs = np.concatenate([right + 1, down + cols])
    a = sps.coo_array((np.ones(rows.size), (rows, nbrs)), shape=(n, n))
    return sps.csr_array(((a + a.T) > 0).astype(float))


def delaunay(n: int, seed: int = 3) -> sps.csr_array:
    """Binary Delaunay neighbours of ``n`` seeded uniform points."""
    pts = np.random.default_rng(seed).random((n, 2))
    s = Delaunay(pts).simplices
    rows = np.concatenate([s[:, 0], s[:, 1], s[:, 2]])
    nbrs = np.concatenate([s[:, 1], s[:, 2], s[:, 0]])
    a = sps.coo_array((np.ones(rows.size), (rows, nbrs)), shape=(n, n))
    return sps.csr_array(((a + a.T) > 0).astype(float))


def rook_grid(rows: int, cols: int) -> sps.csr_array:
    """Binary rook contiguity of a full ``rows`` x ``cols`` lattice."""
    idx = np.arange(rows * cols).reshape(rows, cols)
    pairs = [(idx[:-1, :], idx[1:, :]), (idx[:, :-1], idx[:, 1:])]
    i = np.concatenate([np.concatenate([a.ravel(), b.ravel()]) for a, b in pairs])
    j = np.concatenate([np.concatenate([b.ravel(), a.ravel()]) for a, b in pairs])
    n = rows * cols
    return sps.csr_array((np.ones(i.size), (i, j)), shape=(n, n))


def simulate_dynamic(a: sps.csr_array, periods: int, seed: int, burn: int = 20) -> pd.DataFrame:
    """A dynamic SDM panel on the row-standardised ``a``: τ = 0.5, η = 0.1, ρ = 0.3, β = 1,
    θ = 0.5, region and period effects, after ``burn`` periods (columns y, x)."""
    w = sps.csr_array(a / a.sum(axis=1)[:, None])
    n = w.shape[0]
    rng = np.random.default_rng(seed)
    lu = spla.splu(sps.csc_array(sps.eye_array(n) - 0.3 * w))
    mu = rng.standard_normal(n)
    y = np.zeros(n)
    ys, xs = [], []
    for t in range(burn + periods):
        x = rng.standard_normal(n) + 0.5 * mu
        shock = mu + rng.standard_normal() + 0.5 * rng.standard_normal(n)
        y = lu.solve(0.5 * y + 0.1 * (w @ y) + x + 0.5 * (w @ x) + shock)
        if t >= burn:
            ys.append(y)
            xs.append(x)
    index = pd.MultiIndex.from_product(
        [range(periods), range(n)], names=["year", "region"]
    ).swaplevel()
    return pd.DataFrame({"y": np.concatenate(ys), "x": np.concatenate(xs)}, index=index)
