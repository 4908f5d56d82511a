"""LISA Markov chain (Rey, Murray & Anselin 2011) with Rey's (2001) space-time transition types.

Each region is followed through the four Moran scatterplot quadrants HH, LH, LL, HL (own value
against its spatial lag, both relative to the year's mean; row-standardised weights) and each
yearly move is typed: 0 (no move), I (the region moves, its neighbours do not), II (only the
neighbours move), IIIA (both move the same way, HH <-> LL), IIIB (both move in opposite ways,
LH <-> HL).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from spatialpanel.disparity._common import balanced_wide, check_panel
from spatialpanel.disparity.markov import (
    ChiSquareTest,
    MarkovChain,
    _count,
    _lag_matrix,
    _row_normalise,
)
from spatialpanel.errors import ConfigError
from spatialpanel.weights.core import SpatialWeights

__all__ = ["MOVE_TYPES", "QUADRANTS", "LisaMarkov", "LisaNull", "lisa_markov"]

LisaNull = Literal["quadrants", "giddy"]
QUADRANTS: tuple[str, ...] = ("HH", "LH", "LL", "HL")
MOVE_TYPES: tuple[str, ...] = ("0", "I", "II", "IIIA", "IIIB")


def _move_type(start: str, end: str) -> str:
    """Rey's (2001) type of a move between two quadrants ("HH", "LH", "LL", "HL")."""
    own_moves, lag_moves = start[0] != end[0], start[1] != end[1]
    if not own_moves and not lag_moves:
        return "0"
    if own_moves and not lag_moves:
        return "I"
    if lag_moves and not own_moves:
        return "II"
    # both move: the same way (HH <-> LL) or opposite ways (LH <-> HL)
    return "IIIA" if start[0] == start[1] else "IIIB"


_TYPE_OF: dict[tuple[int, int], str] = {
    (a, b): _move_type(QUADRANTS[a], QUADRANTS[b]) for a in range(4) for b in range(4)
}


@dataclass(frozen=True)
class LisaMarkov:
    """LISA Markov chain over the Moran scatterplot quadrants HH, LH, LL, HL.

    Attributes
    ----------
    chain
        Chain over the quadrants (classes ``HH``, ``LH``, ``LL``, ``HL``: own value, lag).
    quadrants
        Entity x year frame of quadrant labels.
    move_types
        Entity x (start year) frame of Rey's space-time types: ``"0"`` (no move), ``"I"`` (the
        region moves, its neighbours do not), ``"II"`` (the neighbours move), ``"IIIA"`` (both
        move the same way: HH <-> LL), ``"IIIB"`` (both move in opposite ways: LH <-> HL).
    expected
        Expected transitions when the own and the neighbours' moves are independent.
    independence
        χ² test of that independence (giddy's ``chi_2``), df 9.
    null
        How the independence null was built: ``"quadrants"`` or ``"giddy"`` (see
        :func:`lisa_markov`).
    """

    chain: MarkovChain
    quadrants: pd.DataFrame
    move_types: pd.DataFrame
    expected: pd.DataFrame
    independence: ChiSquareTest
    null: str

    @property
    def type_counts(self) -> pd.DataFrame:
        """Count and share (%) of each space-time transition type."""
        counts = self.move_types.stack().value_counts().reindex(list(MOVE_TYPES), fill_value=0)
        return pd.DataFrame({"n": counts.astype(int), "share": 100 * counts / counts.sum()})


def _chi2(observed: NDArray[np.float64], null: NDArray[np.float64]) -> tuple[float, int]:
    """giddy's ``chi2``: rows of ``observed`` against the row probabilities of ``null``."""
    rs1, rs2 = observed.sum(axis=1), null.sum(axis=1)
    df = int((np.sum(rs1 > 0) - 1) * (np.sum(rs2 > 0) - 1))
    e = rs1[:, None] * _row_normalise(null)
    stat = float(np.sum((observed - e) ** 2 / np.where(e == 0, 1.0, e)))
    return stat, df


def lisa_markov(
    values: pd.Series,
    w: SpatialWeights,
    *,
    independence: LisaNull = "quadrants",
) -> LisaMarkov:
    """LISA Markov chain with Rey's space-time transition types.

    Parameters
    ----------
    values
        Balanced panel Series with an (entity, time) MultiIndex.
    w
        Spatial weights over the same regions; row-standardised here (as esda's ``Moran_Local``).
    independence
        How the null of the independence test is built. Under the null the quadrant chain is the
        product of two two-state chains, the region's own (above / below the year's mean) and its
        neighbours' (lag above / below the year's mean). ``"quadrants"`` (default) estimates them
        from exactly the splits that define the quadrants. ``"giddy"`` reproduces giddy 2.3.8's
        ``LISA_Markov.chi_2``, which divides by each region's mean over the years and counts the
        two-state moves across regions within a year (the class matrix is transposed there); use
        it only to reproduce numbers computed with giddy (see ``docs/conventions.md``). The
        quadrants, transitions and move types are the same either way.

    Returns
    -------
    LisaMarkov
    """
    if independence not in ("quadrants", "giddy"):
        raise ConfigError(
            f"independence={independence!r} is not known; use 'quadrants' (default) or 'giddy'."
        )
    wide = balanced_wide(check_panel(values), name="values")
    y = wide.to_numpy()
    wm = _lag_matrix(w, wide.index)
    z = y - y.mean(axis=0, keepdims=True)
    zlag = wm @ z
    own_high, lag_high = z > 0, zlag > 0
    q = np.where(own_high, np.where(lag_high, 0, 3), np.where(lag_high, 1, 2))
    t = _count(q[:, :-1], q[:, 1:], 4)
    labels = pd.Index(list(QUADRANTS), name="from")
    chain = MarkovChain(transitions=pd.DataFrame(t, index=labels, columns=labels.rename("to")))
    if independence == "quadrants":
        low_own, low_lag = (~own_high).astype(int), (~lag_high).astype(int)
        p_own = _row_normalise(_count(low_own[:, :-1], low_own[:, 1:], 2))
        p_lag = _row_normalise(_count(low_lag[:, :-1], low_lag[:, 1:], 2))
    else:  # giddy 2.3.8: region means over time, moves counted across regions (transposed)
        base = y.mean(axis=1, keepdims=True)
        low_own = (y / base < 1.0).astype(int).T
        low_lag = ((wm @ y) / base < 1.0).astype(int).T
        p_own = _row_normalise(_count(low_own[:, :-1], low_own[:, 1:], 2))
        p_lag = _row_normalise(_count(low_lag[:, :-1], low_lag[:, 1:], 2))
    # kron order (own, lag): HH, HL, LH, LL -> quadrant order HH, LH, LL, HL
    perm = np.array([[1, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0, 1, 0, 0]])
    kp = perm @ np.kron(p_own, p_lag) @ perm.T
    expected = t.sum(axis=1)[:, None] * kp
    stat, df = _chi2(t, expected)
    quad = pd.DataFrame(np.array(QUADRANTS)[q], index=wide.index, columns=wide.columns)
    types = np.vectorize(lambda a, b: _TYPE_OF[(int(a), int(b))])(q[:, :-1], q[:, 1:])
    moves = pd.DataFrame(types, index=wide.index, columns=wide.columns[:-1])
    return LisaMarkov(
        chain=chain,
        quadrants=quad,
        move_types=moves,
        expected=pd.DataFrame(expected, index=labels, columns=labels.rename("to")),
        independence=ChiSquareTest(
            stat, df, "the region's moves are independent of its neighbours' moves"
        ),
        null=independence,
    )
