"""Markov chains of regional classes: classic, spatial (conditioned on the neighbours) and LISA.

Classes are quantile classes of the variable (``k`` classes; a value equal to a cut-off goes to
the lower class, as in mapclassify), computed either on all region-years pooled
(``classes="pooled"``, giddy's ``fixed=True``) or separately in every year
(``classes="per_year"``, relative positions). Transitions are counted between consecutive years.

The spatial Markov chain (Rey 2001) conditions each transition on the class of the region's
spatial lag (row-standardised weights) in the start year. The lag's classes come either from the
lag's own quantiles (``neighbour_classes="own_quantiles"``, giddy's default) or from the
variable's cut-offs (``"variable_cutoffs"``, so that "neighbours in class 2" means the same level
as "region in class 2"). Homogeneity of the conditional matrices is tested with Bickenbach & Bode's
(2003) Q and LR statistics, degrees of freedom Σ_i (b_i − 1)(a_i − 1) as in giddy.

The LISA Markov chain is in :mod:`spatialpanel.disparity.lisa_markov`.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sps
from numpy.typing import NDArray
from scipy.sparse.csgraph import connected_components

from spatialpanel.disparity._common import balanced_wide, check_panel
from spatialpanel.errors import ConfigError, WeightsError, check_option, did_you_mean
from spatialpanel.inference.distributions import chi2_sf
from spatialpanel.weights.core import SpatialWeights

__all__ = [
    "ChiSquareTest",
    "ClassScheme",
    "MarkovChain",
    "NeighbourClasses",
    "SpatialMarkov",
    "first_passage_times",
    "markov_chain",
    "mean_first_passage",
    "spatial_markov",
    "steady_state",
]

ClassScheme = Literal["pooled", "per_year"]
NeighbourClasses = Literal["own_quantiles", "variable_cutoffs"]
_SCHEMES: tuple[str, ...] = ("pooled", "per_year")
_NEIGHBOUR: tuple[str, ...] = ("own_quantiles", "variable_cutoffs")


# ---------------------------------------------------------------------------- chain algebra
def steady_state(p: NDArray[np.float64]) -> NDArray[np.float64]:
    """Stationary distribution π (π P = π, Σ π = 1) of a transition matrix.

    Returns NaNs when it is not unique (a row without transitions, or several recurrent classes).
    """
    k = p.shape[0]
    if not np.allclose(p.sum(axis=1), 1.0):
        return np.full(k, np.nan)
    a = np.vstack([(p - np.eye(k)).T, np.ones((1, k))])
    if np.linalg.matrix_rank(p - np.eye(k)) != k - 1:
        return np.full(k, np.nan)
    b = np.zeros(k + 1)
    b[-1] = 1.0
    pi: NDArray[np.float64] = np.linalg.lstsq(a, b, rcond=None)[0]
    return pi


def mean_first_passage(p: NDArray[np.float64]) -> NDArray[np.float64]:
    """Mean first passage times of an irreducible chain (Kemeny & Snell 1976, Theorem 4.4.7).

    ``M[i, j]`` is the expected number of steps from class ``i`` to reach ``j`` for the first
    time; the diagonal holds the mean recurrence times ``1 / π_j``. NaNs when the chain is not
    irreducible.
    """
    k = p.shape[0]
    n_comp = connected_components(p > 0, directed=True, connection="strong")[0]
    pi = steady_state(p)
    if n_comp != 1 or np.isnan(pi).any():
        return np.full((k, k), np.nan)
    z = np.linalg.inv(np.eye(k) - p + np.outer(np.ones(k), pi))
    m: NDArray[np.float64] = (np.diag(z)[None, :] - z) / pi[None, :]
    m[np.diag_indices(k)] = 1.0 / pi
    return m


def _reaches(
    edges: NDArray[np.bool_], targets: NDArray[np.bool_], avoid: int | None = None
) -> NDArray[np.bool_]:
    """States from which a path (not passing through ``avoid``) leads into ``targets``."""
    found = targets.copy()
    while True:
        step = edges[:, found].any(axis=1) & ~found
        if avoid is not None:
            step[avoid] = False
        if not step.any():
            return found
        found |= step


def first_passage_times(p: NDArray[np.float64]) -> NDArray[np.float64]:
    """Mean first passage times of any chain, with ``inf`` where a class is not surely reached.

    ``M[i, j]`` is the expected number of steps from class ``i`` to reach ``j`` for the first
    time (the diagonal: the mean recurrence time). It is finite when ``j`` is reached from ``i``
    with probability one, and ``inf`` otherwise: never (``j`` unreachable), or not surely (the
    chain can first enter a closed class without ``j``; the recurrence time of a transient
    class). For each ``j`` the finite entries solve ``m_i = 1 + Σ_{k≠j} p_ik m_k`` over the
    states that surely reach ``j`` (Kemeny & Snell 1976, §4.4). For an irreducible chain this is
    :func:`mean_first_passage`. NaNs when a row has no transitions.
    """
    k = p.shape[0]
    if not np.allclose(p.sum(axis=1), 1.0):
        return np.full((k, k), np.nan)
    edges = p > 0
    out = np.full((k, k), np.inf)
    for j in range(k):
        target = np.zeros(k, dtype=bool)
        target[j] = True
        reach = _reaches(edges, target)  # states with a path to j
        lost = _reaches(edges, ~reach, avoid=j)  # states that may never get to j
        sure = ~lost
        sure[j] = False
        idx = np.flatnonzero(sure)
        if idx.size:
            a = np.eye(idx.size) - p[np.ix_(idx, idx)]
            out[idx, j] = np.linalg.solve(a, np.ones(idx.size))
        nxt = np.flatnonzero(edges[j])
        if all(n == j or sure[n] for n in nxt):
            out[j, j] = 1.0 + float(p[j, idx] @ out[idx, j]) if idx.size else 1.0
    return out


def _row_normalise(t: NDArray[np.float64]) -> NDArray[np.float64]:
    rs = t.sum(axis=-1, keepdims=True)
    out: NDArray[np.float64] = t / np.where(rs == 0, 1.0, rs)
    return out


def _count(origin: NDArray[np.int_], dest: NDArray[np.int_], k: int) -> NDArray[np.float64]:
    t = np.zeros((k, k))
    np.add.at(t, (origin.ravel(), dest.ravel()), 1.0)
    return t


@dataclass(frozen=True)
class ChiSquareTest:
    """A χ² test: statistic, degrees of freedom, p-value and the null it tests."""

    stat: float
    df: int
    null: str

    @property
    def pvalue(self) -> float:
        """Upper-tail p-value of the χ² distribution (NaN when df is 0)."""
        return float(chi2_sf(self.stat, self.df)) if self.df > 0 else float("nan")


@dataclass(frozen=True)
class MarkovChain:
    """A Markov chain estimated from counted transitions.

    Attributes
    ----------
    transitions
        k x k counts (rows: class at t, columns: class at t + 1).
    cutoffs
        Upper bounds of classes 1 … k − 1: one row ``"pooled"`` or one row per year
        (empty for chains on given states such as the LISA quadrants).
    scheme
        ``"pooled"``, ``"per_year"`` or ``"given"``.
    """

    transitions: pd.DataFrame
    cutoffs: pd.DataFrame = field(default_factory=pd.DataFrame)
    scheme: str = "given"

    @cached_property
    def probabilities(self) -> pd.DataFrame:
        """Maximum-likelihood transition probabilities n_ij / n_i (rows without data: zeros)."""
        p = _row_normalise(self.transitions.to_numpy())
        return pd.DataFrame(p, index=self.transitions.index, columns=self.transitions.columns)

    @cached_property
    def steady_state(self) -> pd.Series:
        """The ergodic distribution (NaN when it is not unique)."""
        pi = steady_state(self.probabilities.to_numpy())
        return pd.Series(pi, index=self.transitions.index, name="steady_state")

    @cached_property
    def mean_first_passage(self) -> pd.DataFrame:
        """Mean first passage times (diagonal: mean recurrence times); NaN if not irreducible."""
        m = mean_first_passage(self.probabilities.to_numpy())
        return pd.DataFrame(m, index=self.transitions.index, columns=self.transitions.columns)

    def table(self) -> pd.DataFrame:
        """Publication table: n_i (transitions out of each class) and the probabilities."""
        out = self.probabilities.copy()
        out.insert(0, "n", self.transitions.sum(axis=1).astype(int))
        return out


# ---------------------------------------------------------------------------- classification
def _quantile_cuts(x: NDArray[np.float64], k: int) -> NDArray[np.float64]:
    """Interior cut-offs at the j/k percentiles (linear interpolation), ties collapsed."""
    w = 100.0 / k
    pct = np.arange(w, 100 + w, w)[: k - 1]
    return np.unique(np.percentile(x, pct))


def _classify(x: NDArray[np.float64], cuts: NDArray[np.float64]) -> NDArray[np.int_]:
    # class c holds cuts[c-1] < x <= cuts[c] (mapclassify's bin1d)
    out: NDArray[np.int_] = np.searchsorted(cuts, x, side="left")
    return out


def _classes(
    wide: NDArray[np.float64],
    *,
    k: int,
    scheme: str,
    cutoffs: Sequence[float] | None,
    years: Sequence[Hashable],
) -> tuple[NDArray[np.int_], pd.DataFrame]:
    """Class ids (n x t) and the cut-offs used."""
    if cutoffs is not None:
        cuts = np.asarray(cutoffs, dtype=float)
        if cuts.ndim != 1 or np.any(np.diff(cuts) <= 0):
            raise ConfigError("cutoffs must be increasing numbers (the k − 1 interior bounds).")
        return _classify(wide, cuts), pd.DataFrame([cuts], index=["given"])
    if scheme == "pooled":
        cuts = _quantile_cuts(wide.ravel(), k)
        return _classify(wide, cuts), pd.DataFrame([cuts], index=["pooled"])
    ids = np.empty(wide.shape, dtype=int)
    rows = []
    for t in range(wide.shape[1]):
        cuts = _quantile_cuts(wide[:, t], k)
        if len(cuts) != k - 1:
            raise ConfigError(
                f"year {years[t]}: too many ties to form {k} quantile classes; use fewer classes "
                "(markov_classes) or classes='pooled'."
            )
        ids[:, t] = _classify(wide[:, t], cuts)
        rows.append(cuts)
    return ids, pd.DataFrame(rows, index=pd.Index(list(years), name="year"))


def _check_options(k: int, scheme: str) -> None:
    if not isinstance(k, int) or k < 2:
        raise ConfigError(f"k={k!r}: use an integer number of classes >= 2 (4 or 5 are usual).")
    if scheme not in _SCHEMES:
        raise ConfigError(
            f"classes={scheme!r} is not known; use 'pooled' (quantiles of all region-years) or "
            "'per_year' (quantiles of each year)." + did_you_mean(str(scheme), _SCHEMES)
        )


def _class_labels(k: int) -> pd.Index:
    return pd.Index([f"C{i + 1}" for i in range(k)], name="from")


def markov_chain(
    values: pd.Series,
    *,
    k: int = 4,
    classes: ClassScheme = "pooled",
    cutoffs: Sequence[float] | None = None,
) -> MarkovChain:
    """Classic Markov chain of quantile classes.

    Parameters
    ----------
    values
        Balanced panel Series with an (entity, time) MultiIndex.
    k
        Number of classes (``C1`` lowest … ``Ck`` highest).
    classes
        ``"pooled"`` (default): quantiles of all region-years, so classes are absolute levels;
        ``"per_year"``: quantiles of each year, so classes are relative positions.
    cutoffs
        Fixed interior cut-offs instead of quantiles (then ``k`` is ``len(cutoffs) + 1``).

    Returns
    -------
    MarkovChain
    """
    _check_options(k, classes)
    wide = balanced_wide(check_panel(values), name="values")
    ids, cuts = _classes(
        wide.to_numpy(), k=k, scheme=classes, cutoffs=cutoffs, years=list(wide.columns)
    )
    k_eff = int(cuts.shape[1]) + 1
    t = _count(ids[:, :-1], ids[:, 1:], k_eff)
    labels = _class_labels(k_eff)
    frame = pd.DataFrame(t, index=labels, columns=labels.rename("to"))
    scheme = classes if cutoffs is None else "given"
    return MarkovChain(transitions=frame, cutoffs=cuts, scheme=scheme)


# ---------------------------------------------------------------------------- spatial Markov
@dataclass(frozen=True)
class SpatialMarkov:
    """Spatial Markov chain: one chain per class of the neighbours in the start year.

    Attributes
    ----------
    classic
        The unconditional chain on the same classes.
    conditional
        Neighbour class label (``"N1"`` … ``"Nm"``) -> :class:`MarkovChain`.
    lag_cutoffs
        Interior cut-offs of the spatial lag's classes.
    neighbour_classes
        ``"own_quantiles"`` or ``"variable_cutoffs"``.
    """

    classic: MarkovChain
    conditional: dict[str, MarkovChain]
    lag_cutoffs: pd.DataFrame
    neighbour_classes: str

    @cached_property
    def _homogeneity(self) -> tuple[float, float, int]:
        m = np.array([c.transitions.to_numpy() for c in self.conditional.values()])
        pooled = m.sum(axis=0)
        n_i = pooled.sum(axis=1)
        p = _row_normalise(pooled)
        den = np.where(p == 0, 1.0, p)
        q = lr = 0.0
        b_i = np.zeros(p.shape[0])
        for nijm in m:
            nim = nijm.sum(axis=1)
            b_i += nim > 0
            pm = _row_normalise(nijm)
            q += float(np.sum(nim[:, None] * (pm - p) ** 2 / den))
            mask = (nijm > 0) & (p > 0)
            lr += float(np.sum(nijm[mask] * np.log(pm[mask] / p[mask])))
        a_i = (pooled > 0).sum(axis=1)
        df = int(np.sum((b_i - 1) * (a_i - 1) * (n_i > 0)))
        return q, 2.0 * lr, df

    @property
    def q_test(self) -> ChiSquareTest:
        """Bickenbach–Bode Q test of equal transition probabilities across neighbour classes."""
        q, _, df = self._homogeneity
        return ChiSquareTest(q, df, "transition probabilities do not depend on the neighbours")

    @property
    def lr_test(self) -> ChiSquareTest:
        """Likelihood-ratio version of :attr:`q_test`."""
        _, lr, df = self._homogeneity
        return ChiSquareTest(lr, df, "transition probabilities do not depend on the neighbours")

    def table(self) -> pd.DataFrame:
        """Stacked conditional tables: (neighbour class, from) rows, n and probabilities."""
        frames = {name: chain.table() for name, chain in self.conditional.items()}
        return pd.concat(frames, names=["neighbours", "from"])


def _lag_matrix(w: SpatialWeights, entities: pd.Index) -> sps.csr_array:
    """Row-standardised W in the order of ``entities``, sparse (no N x N dense matrix)."""
    if not isinstance(w, SpatialWeights):
        raise WeightsError(f"w must be a SpatialWeights object; got {type(w).__name__}.")
    wr = w.reordered(entities).transformed("row")
    if wr.islands:
        raise WeightsError(
            f"regions {list(wr.islands)[:10]} have no neighbours, so their neighbours' class is "
            "undefined. Link them (e.g. Hainan to Guangdong) or use distance-based weights."
        )
    return sps.csr_array(wr.sparse)


def spatial_markov(
    values: pd.Series,
    w: SpatialWeights,
    *,
    k: int = 4,
    m: int | None = None,
    classes: ClassScheme = "pooled",
    neighbour_classes: NeighbourClasses = "own_quantiles",
) -> SpatialMarkov:
    """Spatial Markov chain conditioned on the neighbours' class in the start year.

    Parameters
    ----------
    values
        Balanced panel Series with an (entity, time) MultiIndex.
    w
        Spatial weights over the same regions (any order); row-standardised here.
    k
        Number of classes of the variable.
    m
        Number of classes of the spatial lag (default ``k``); ignored with
        ``neighbour_classes="variable_cutoffs"`` (then ``m = k``).
    classes
        ``"pooled"`` or ``"per_year"`` quantiles, for the variable and its lag alike.
    neighbour_classes
        ``"own_quantiles"`` (default; giddy's convention): the lag is classified by its own
        quantiles; ``"variable_cutoffs"``: by the variable's cut-offs.

    Returns
    -------
    SpatialMarkov
    """
    _check_options(k, classes)
    check_option("neighbour_classes", neighbour_classes, _NEIGHBOUR)
    m = k if m is None else m
    wide = balanced_wide(check_panel(values), name="values")
    years = list(wide.columns)
    y = wide.to_numpy()
    lag = np.asarray(_lag_matrix(w, wide.index) @ y, dtype=float)
    ids, cuts = _classes(y, k=k, scheme=classes, cutoffs=None, years=years)
    if neighbour_classes == "own_quantiles":
        _check_options(m, classes)
        lag_ids, lag_cuts = _classes(lag, k=m, scheme=classes, cutoffs=None, years=years)
    elif classes == "pooled":
        lag_ids, lag_cuts = _classify(lag, cuts.to_numpy()[0]), cuts
    else:
        lag_ids = np.column_stack(
            [_classify(lag[:, t], cuts.to_numpy()[t]) for t in range(len(years))]
        )
        lag_cuts = cuts
    k_eff = int(cuts.shape[1]) + 1
    m_eff = int(lag_cuts.shape[1]) + 1
    labels = _class_labels(k_eff)
    to_labels = labels.rename("to")
    origin, dest, cond = ids[:, :-1], ids[:, 1:], lag_ids[:, :-1]
    classic = MarkovChain(
        transitions=pd.DataFrame(_count(origin, dest, k_eff), index=labels, columns=to_labels),
        cutoffs=cuts,
        scheme=classes,
    )
    conditional = {}
    for c in range(m_eff):
        sel = cond == c
        t = _count(origin[sel], dest[sel], k_eff)
        conditional[f"N{c + 1}"] = MarkovChain(
            transitions=pd.DataFrame(t, index=labels, columns=to_labels),
            cutoffs=lag_cuts,
            scheme=classes,
        )
    return SpatialMarkov(
        classic=classic,
        conditional=conditional,
        lag_cutoffs=lag_cuts,
        neighbour_classes=neighbour_classes,
    )
