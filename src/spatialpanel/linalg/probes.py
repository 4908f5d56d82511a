"""Seeded Rademacher probe vectors held as bits and handed out in blocks (memory O(N)).

The Hutchinson estimates of the package (the information matrix's traces, the effects' power
series, the Chebyshev log-determinant) use ``m`` probes ``z ∈ {−1, 1}^N`` drawn as
``numpy.random.default_rng(seed).choice([-1.0, 1.0], size=(N, m))``. Held as floats that is
``8·m`` bytes per region (1.6 GB for 200 probes at N = 1,000,000) plus as much again for each
product with the probes. :class:`RademacherProbes` draws exactly the same numbers (``choice``
draws ``integers(0, 2)``, and drawing the rows in chunks continues the same stream; tested),
keeps them as bits (``⌈m/8⌉`` bytes per region) and gives them out ``block`` columns at a time,
so that the work arrays of a caller are ``N × block`` instead of ``N × m``.

Solving with a sparse LU is also much faster in small blocks: SuperLU's triangular solves with
many right-hand sides at once stream the factor and a large dense block through the cache
together (N = 100,000 lattice, one core: ~28 ms per right-hand side in blocks of 4 against
~200 ms with all 200 at once).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from numpy.typing import NDArray

__all__ = ["BLOCK", "RademacherProbes"]

BLOCK = 8
"""Probes per block (one byte of the packed bits)."""
_ROWS = 16384  # rows drawn at a time while packing (a 16384 x m int64 scratch array)


class RademacherProbes:
    """``count`` seeded Rademacher probes of length ``n`` (see the module docstring).

    Parameters
    ----------
    n, count
        Length and number of the probes.
    seed
        Seed of ``numpy.random.default_rng``; the probes equal
        ``default_rng(seed).choice([-1.0, 1.0], size=(n, count))``.
    """

    def __init__(self, n: int, count: int, seed: int) -> None:
        self.n = int(n)
        self.count = int(count)
        self.seed = int(seed)
        rng = np.random.default_rng(seed)
        packed = np.empty((self.n, (self.count + 7) // 8), dtype=np.uint8)
        for i0 in range(0, self.n, _ROWS):
            i1 = min(i0 + _ROWS, self.n)
            bits = rng.integers(0, 2, size=(i1 - i0, self.count))
            packed[i0:i1] = np.packbits(bits.astype(np.uint8), axis=1)
        self._packed = packed

    @property
    def nbytes(self) -> int:
        """Bytes held (``n·⌈count/8⌉``)."""
        return int(self._packed.nbytes)

    def block(self, j0: int, j1: int) -> NDArray[np.float64]:
        """Probes ``j0 … j1 − 1`` as an ``(n, j1 − j0)`` Fortran-ordered float array."""
        b0, b1 = j0 // 8, (j1 + 7) // 8
        bits = np.unpackbits(self._packed[:, b0:b1], axis=1)[:, j0 - 8 * b0 : j1 - 8 * b0]
        return np.asfortranarray(bits, dtype=float) * 2.0 - 1.0

    def blocks(self, size: int = BLOCK) -> Iterator[tuple[int, NDArray[np.float64]]]:
        """``(j0, block)`` for consecutive blocks of ``size`` probes."""
        for j0 in range(0, self.count, size):
            yield j0, self.block(j0, min(j0 + size, self.count))

    def dense(self) -> NDArray[np.float64]:
        """All probes as one ``(n, count)`` array (small n only)."""
        return self.block(0, self.count)
