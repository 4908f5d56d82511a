"""Blockwise permutations of the Moran tests: the compiled kernels and the numpy loops draw the
same permutations and give the same statistics; the local Moran draws equal their definition."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sps

import spatialpanel as sp
from spatialpanel.autocorr import _perm
from spatialpanel.autocorr.local import permuted_ids
from tests.graphs import delaunay


def _row(a: sps.csr_array) -> sps.csr_array:
    return sps.csr_array(sps.diags_array(1.0 / np.asarray(a.sum(axis=1)).ravel()) @ a)


def test_compiled_and_numpy_shuffles_are_the_same_permutations() -> None:
    x = np.random.default_rng(0).standard_normal(257)
    a = np.concatenate(list(_perm.permuted_blocks(x, np.random.default_rng(4), 40, compiled=True)))
    b = np.concatenate(list(_perm.permuted_blocks(x, np.random.default_rng(4), 40, compiled=False)))
    np.testing.assert_array_equal(a, b)
    assert a.shape == (40, 257)
    np.testing.assert_array_equal(np.sort(a, axis=1), np.tile(np.sort(x), (40, 1)))


def test_the_block_size_does_not_change_the_permutations() -> None:
    """Small region sets take their permutations in large blocks (31 values: 999 at once);
    the permutations are those of 16-row blocks, value for value."""
    x = np.random.default_rng(3).standard_normal(31)
    assert _perm.block_size(31, 999) == 999 and _perm.block_size(100_000, 999) == _perm.BLOCK
    blocks = list(_perm.permuted_blocks(x, np.random.default_rng(5), 999))
    assert [b.shape[0] for b in blocks] == [999]
    small = np.concatenate(list(_perm.permuted_blocks(x, np.random.default_rng(5), 999, block=16)))
    np.testing.assert_array_equal(blocks[0], small)


def test_permuted_quadratic_paths_agree() -> None:
    w = _row(delaunay(300))
    x = np.random.default_rng(1).standard_normal(300)
    fast = _perm.permuted_quadratic(x, w, np.random.default_rng(9), 50, compiled=True)
    slow = _perm.permuted_quadratic(x, w, np.random.default_rng(9), 50, compiled=False)
    perms = np.concatenate(list(_perm.permuted_blocks(x, np.random.default_rng(9), 50)))
    direct = np.array([p @ (w @ p) for p in perms])
    np.testing.assert_allclose(fast, direct, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(slow, direct, rtol=1e-12, atol=1e-12)


def test_permutations_are_uniform() -> None:
    """All 24 orderings of 4 values appear with frequency 1/24 (chi-square, 24,000 draws)."""
    x = np.arange(4.0)
    for compiled in (False, True):
        perms = np.concatenate(
            list(_perm.permuted_blocks(x, np.random.default_rng(2), 24_000, compiled=compiled))
        )
        codes = perms @ np.array([64.0, 16.0, 4.0, 1.0])
        _, counts = np.unique(codes, return_counts=True)
        assert counts.size == 24
        chi2 = float(np.sum((counts - 1000.0) ** 2 / 1000.0))
        assert chi2 < 49.7  # 0.999 quantile of chi-square with 23 degrees of freedom


def test_permuted_ids_equal_their_definition() -> None:
    """The first k columns of argsort(rng.random((P, n - 1))), drawn in blocks of 16 rows."""
    for n, k in ((50, 6), (7, 6), (1000, 9)):
        got = permuted_ids(np.random.default_rng(3), n=n, k_max=k, permutations=37)
        keys = np.random.default_rng(3).random((37, n - 1))
        np.testing.assert_array_equal(got, np.argsort(keys, axis=1)[:, :k])


def test_conditional_counts_paths_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    """Local Moran at N = 400: the compiled counts equal the vectorised ones, p-values too."""
    n = 400
    a = delaunay(n)
    w = sp.SpatialWeights.from_sparse(a, ids=pd.RangeIndex(n), transform="row")
    x = np.random.default_rng(5).standard_normal(n) + 0.3 * (w.sparse @ np.arange(n) / n)
    series = pd.Series(x, index=pd.MultiIndex.from_arrays([np.arange(n), np.zeros(n, int)]))
    slow = sp.local_moran(series, w, permutations=199, seed=2)
    monkeypatch.setattr(_perm, "_LOOP_LIMIT", 10)
    fast = sp.local_moran(series, w, permutations=199, seed=2)
    np.testing.assert_array_equal(slow["p"].to_numpy(), fast["p"].to_numpy())
    glob_fast = sp.moran(series, w, permutations=99, seed=2)
    monkeypatch.setattr(_perm, "_LOOP_LIMIT", 2000)
    glob_slow = sp.moran(series, w, permutations=99, seed=2)
    np.testing.assert_allclose(glob_slow["I_perm_mean"], glob_fast["I_perm_mean"], rtol=1e-12)
