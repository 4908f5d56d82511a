"""Blocked Rademacher probes draw exactly the probes of the one-shot ``rng.choice`` they replace."""

from __future__ import annotations

import numpy as np
import pytest

from spatialpanel.linalg.probes import RademacherProbes


@pytest.mark.parametrize(("n", "count", "seed"), [(5, 3, 0), (40_000, 200, 0), (16_385, 100, 7)])
def test_probes_equal_rng_choice(n: int, count: int, seed: int) -> None:
    """Same numbers as ``default_rng(seed).choice([-1, 1], size=(n, count))``, whatever the
    block boundaries (rows drawn in chunks of 16,384; blocks of 8 and of 3 columns)."""
    want = np.random.default_rng(seed).choice([-1.0, 1.0], size=(n, count))
    probes = RademacherProbes(n, count, seed)
    np.testing.assert_array_equal(probes.dense(), want)
    got = np.concatenate([z for _, z in probes.blocks()], axis=1)
    np.testing.assert_array_equal(got, want)
    got3 = np.concatenate([z for _, z in probes.blocks(3)], axis=1)
    np.testing.assert_array_equal(got3, want)
    assert probes.nbytes == n * ((count + 7) // 8)
