"""Dagum (1997) decomposition of the Gini coefficient by region groups.

The overall Gini ``G`` of ``n`` values in ``k`` groups splits exactly into

- the within-group contribution ``G_w = Σ_j G_jj p_j s_j``,
- the net between-group contribution ``G_nb = Σ_{j,h} G_jh (p_j s_h + p_h s_j) D_jh``,
- the transvariation ``G_t = Σ_{j,h} G_jh (p_j s_h + p_h s_j) (1 − D_jh)``,

where ``p_j`` is group ``j``'s share of the population (of regions, or of people when weighted),
``s_j`` its share of the total, ``G_jj`` the Gini within group ``j``, ``G_jh`` the Gini between
groups ``j`` and ``h``, and ``D_jh = (d_jh − p_jh) / (d_jh + p_jh)`` the relative economic
affluence, with ``d_jh`` the mean of the positive differences ``y_ji − y_hr`` and ``p_jh`` the mean
of the negative ones. The sums over pairs ``{j, h}`` take **the group with the higher mean first**
(Dagum 1997, Empirical Economics 22:515–531), so every ``D_jh`` lies in [0, 1]; taking the pairs in
the order the groups happen to be listed gives the same ``G_nb + G_t`` but the wrong split.

With population weights ``w_i`` every sum over pairs of regions becomes a sum weighted by
``w_i w_r`` and every count a sum of weights; the decomposition stays exact, and integer weights
give the same numbers as repeating each region ``w_i`` times.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from spatialpanel.disparity._common import check_panel, group_order, resolve_groups
from spatialpanel.errors import DataError

__all__ = ["DagumGini", "DagumGiniPanel", "dagum_gini", "dagum_gini_panel"]

GroupsArg = pd.Series | Mapping[Hashable, Hashable] | str


@dataclass(frozen=True)
class DagumGini:
    """Dagum decomposition for one cross-section.

    Attributes
    ----------
    gini
        The overall Gini coefficient ``G``.
    within, net_between, transvariation
        ``G_w``, ``G_nb`` and ``G_t``; they add up to ``gini``.
    groups
        One row per group (canonical order: categories, else sorted labels): ``n`` (regions),
        ``p`` (population share), ``mean``, ``s`` (share of the total), ``gini`` (``G_jj``).
    between
        Symmetric k x k matrix: ``G_jj`` on the diagonal, ``G_jh`` off it.
    affluence
        k x k matrix of ``D_jh`` for the row group against the column group; antisymmetric
        (``D_hj = −D_jh``), positive where the row group has the higher mean.
    pairs
        One row per pair, higher-mean group first: ``high``, ``low``, ``gini`` (``G_jh``),
        ``affluence`` (``D_jh``), ``d`` and ``p`` (the gross economic affluence and the first-order
        transvariation), ``net_between`` and ``transvariation`` (the pair's contributions).
    weighted
        Whether population weights were used.
    """

    gini: float
    within: float
    net_between: float
    transvariation: float
    groups: pd.DataFrame
    between: pd.DataFrame
    affluence: pd.DataFrame
    pairs: pd.DataFrame
    weighted: bool

    @property
    def shares(self) -> dict[str, float]:
        """Contributions in percent of ``G``: ``within``, ``net_between``, ``transvariation``."""
        g = self.gini
        if g == 0:
            return {"within": float("nan"), "net_between": float("nan"), "transvariation": 0.0}
        return {
            "within": 100 * self.within / g,
            "net_between": 100 * self.net_between / g,
            "transvariation": 100 * self.transvariation / g,
        }

    def summary(self) -> dict[str, float]:
        """One flat row: G, the three contributions and their shares in percent."""
        sh = self.shares
        return {
            "G": self.gini,
            "G_w": self.within,
            "G_nb": self.net_between,
            "G_t": self.transvariation,
            "share_w": sh["within"],
            "share_nb": sh["net_between"],
            "share_t": sh["transvariation"],
        }


@dataclass(frozen=True)
class DagumGiniPanel:
    """Dagum decompositions year by year.

    Attributes
    ----------
    by_year
        Year -> :class:`DagumGini`.
    """

    by_year: dict[Any, DagumGini]

    @property
    def table(self) -> pd.DataFrame:
        """One row per year: ``G``, ``G_w``, ``G_nb``, ``G_t`` and their shares (%)."""
        rows = {year: res.summary() for year, res in self.by_year.items()}
        frame = pd.DataFrame.from_dict(rows, orient="index")
        frame.index.name = "year"
        return frame

    @property
    def within_table(self) -> pd.DataFrame:
        """Year x group table of the within-group Gini ``G_jj``."""
        rows = {year: res.groups["gini"] for year, res in self.by_year.items()}
        frame = pd.DataFrame.from_dict(rows, orient="index")
        frame.index.name = "year"
        return frame

    @property
    def pairs_table(self) -> pd.DataFrame:
        """Long table: one row per year and pair (higher-mean group first in that year)."""
        frames = [res.pairs.assign(year=year) for year, res in self.by_year.items()]
        out = pd.concat(frames, ignore_index=True)
        return out[["year", *[c for c in out.columns if c != "year"]]]

    @property
    def between_table(self) -> pd.DataFrame:
        """Year x pair table of ``G_jh``; pair labels in canonical group order ("a–b")."""
        rows: dict[Any, dict[str, float]] = {}
        for year, res in self.by_year.items():
            labels = list(res.between.index)
            row: dict[str, float] = {}
            for a in range(len(labels)):
                for b in range(a + 1, len(labels)):
                    key = f"{labels[a]}–{labels[b]}"
                    row[key] = float(res.between.to_numpy()[a, b])
            rows[year] = row
        frame = pd.DataFrame.from_dict(rows, orient="index")
        frame.index.name = "year"
        return frame


# ---------------------------------------------------------------------------------- computing
def _pair_sums(
    y1: NDArray[np.floating[Any]],
    w1: NDArray[np.floating[Any]],
    y2: NDArray[np.floating[Any]],
    w2: NDArray[np.floating[Any]],
) -> tuple[float, float, float]:
    """Weighted sums of |y1 − y2|, of (y1 − y2)+ and of (y2 − y1)+ over all pairs."""
    diff = y1[:, None] - y2[None, :]
    ww = w1[:, None] * w2[None, :]
    pos = float(np.sum(ww * np.clip(diff, 0.0, None)))
    neg = float(np.sum(ww * np.clip(-diff, 0.0, None)))
    return pos + neg, pos, neg


def dagum_gini(
    values: pd.Series,
    *,
    groups: GroupsArg = "region_4",
    weights: pd.Series | None = None,
) -> DagumGini:
    """Dagum Gini decomposition of one cross-section.

    Parameters
    ----------
    values
        One value per region (index = region id). Values must be finite and non-negative with a
        positive mean in every group.
    groups
        The group of each region: a division name of :func:`spatialpanel.data.china.region_of`
        (``"region_4"``, the default, the NBS east / central / west / northeast; ``"region_3belt"``;
        ``"region_3belt_1986"``) when the ids are GB/T 2260 codes, or a Series / mapping region ->
        label. The order in which groups are given does not matter.
    weights
        Optional population weights (index = region id, positive). ``None`` (default) weighs every
        region equally.

    Returns
    -------
    DagumGini
    """
    if not isinstance(values, pd.Series):
        raise DataError(
            f"values must be a pandas Series indexed by region; got {type(values).__name__}."
        )
    y_all = values.astype(float)
    if y_all.index.has_duplicates:
        dup = y_all.index[y_all.index.duplicated()].tolist()[:5]
        raise DataError(f"values has duplicated regions {dup}; give one value per region.")
    bad = ~np.isfinite(y_all.to_numpy()) | (y_all.to_numpy() < 0)
    if bad.any():
        raise DataError(
            f"values must be finite and non-negative for the Gini; regions "
            f"{y_all.index[bad].tolist()[:10]} are not. Shift or rescale the index first."
        )
    labels = resolve_groups(groups, y_all.index)
    if weights is None:
        w_all = pd.Series(1.0, index=y_all.index)
    else:
        missing = [e for e in y_all.index if e not in weights.index]
        if missing:
            raise DataError(f"weights has no value for regions {missing[:10]}; give one each.")
        w_all = weights.reindex(y_all.index).astype(float)
        wv = w_all.to_numpy()
        if not np.all(np.isfinite(wv)) or np.any(wv <= 0):
            bad_w = y_all.index[~(np.isfinite(wv) & (wv > 0))].tolist()[:10]
            raise DataError(f"weights must be positive and finite; regions {bad_w} are not.")

    order = group_order(labels)
    ys = [y_all[labels == g].to_numpy() for g in order]
    ws = [w_all[labels == g].to_numpy() for g in order]
    y = y_all.to_numpy()
    w = w_all.to_numpy()
    total_w = float(w.sum())
    mu = float(np.sum(w * y) / total_w)
    if mu <= 0:
        raise DataError("values has a zero mean; the Gini coefficient is not defined.")
    k = len(order)
    n_j = np.array([len(v) for v in ys], dtype=float)
    w_j = np.array([float(v.sum()) for v in ws])
    mu_j = np.array([float(np.sum(wv * yv) / wv.sum()) for yv, wv in zip(ys, ws, strict=True)])
    for g, m in zip(order, mu_j, strict=True):
        if m <= 0:
            raise DataError(f"group {g!r} has a zero mean; its within-group Gini is not defined.")
    p_j = w_j / total_w
    s_j = w_j * mu_j / (total_w * mu)

    gini = _pair_sums(y, w, y, w)[0] / (2 * total_w**2 * mu)
    g_mat = np.zeros((k, k))
    d_mat = np.zeros((k, k))
    for j in range(k):
        g_mat[j, j] = _pair_sums(ys[j], ws[j], ys[j], ws[j])[0] / (2 * w_j[j] ** 2 * mu_j[j])
    within = float(np.sum(g_mat.diagonal() * p_j * s_j))

    rows = []
    net_between = 0.0
    transvariation = 0.0
    for j in range(k):
        for h in range(j + 1, k):
            # the group with the higher mean comes first (ties: canonical order)
            hi, lo = (h, j) if mu_j[h] > mu_j[j] else (j, h)
            total, d_sum, p_sum = _pair_sums(ys[hi], ws[hi], ys[lo], ws[lo])
            g_jh = total / (w_j[hi] * w_j[lo] * (mu_j[hi] + mu_j[lo]))
            d_jh = (d_sum - p_sum) / (d_sum + p_sum) if d_sum + p_sum > 0 else 0.0
            g_mat[hi, lo] = g_mat[lo, hi] = g_jh
            d_mat[hi, lo], d_mat[lo, hi] = d_jh, -d_jh
            weight = p_j[hi] * s_j[lo] + p_j[lo] * s_j[hi]
            nb = g_jh * weight * d_jh
            tv = g_jh * weight * (1.0 - d_jh)
            net_between += nb
            transvariation += tv
            norm = w_j[hi] * w_j[lo]
            rows.append(
                {
                    "high": order[hi],
                    "low": order[lo],
                    "gini": g_jh,
                    "affluence": d_jh,
                    "d": d_sum / norm,
                    "p": p_sum / norm,
                    "net_between": nb,
                    "transvariation": tv,
                }
            )
    index = pd.Index(order, name="group")
    group_frame = pd.DataFrame(
        {"n": n_j.astype(int), "p": p_j, "mean": mu_j, "s": s_j, "gini": g_mat.diagonal()},
        index=index,
    )
    pair_cols = ["high", "low", "gini", "affluence", "d", "p", "net_between", "transvariation"]
    return DagumGini(
        gini=float(gini),
        within=within,
        net_between=float(net_between),
        transvariation=float(transvariation),
        groups=group_frame,
        between=pd.DataFrame(g_mat, index=index, columns=index),
        affluence=pd.DataFrame(d_mat, index=index, columns=index),
        pairs=pd.DataFrame(rows, columns=pair_cols),
        weighted=weights is not None,
    )


def dagum_gini_panel(
    values: pd.Series,
    *,
    groups: GroupsArg = "region_4",
    weights: pd.Series | None = None,
) -> DagumGiniPanel:
    """Dagum Gini decomposition for every year of a panel.

    Parameters
    ----------
    values
        Series with an (entity, time) MultiIndex, e.g. ``ctx.scores["cp"]["score"]``.
    groups
        See :func:`dagum_gini`; the grouping is the same in every year.
    weights
        Optional population weights with the same (entity, time) MultiIndex, or indexed by entity
        alone (the same weights every year).

    Returns
    -------
    DagumGiniPanel
    """
    panel = check_panel(values, name="values")
    by_year: dict[Any, DagumGini] = {}
    for year in sorted(panel.index.get_level_values(1).unique()):
        cross = panel.xs(year, level=1)
        w_year: pd.Series | None = None
        if weights is not None:
            if isinstance(weights.index, pd.MultiIndex):
                if year not in weights.index.get_level_values(1):
                    raise DataError(f"weights has no values for year {year}; give every year.")
                w_year = weights.xs(year, level=1)
            else:
                w_year = weights
        try:
            by_year[year] = dagum_gini(cross, groups=groups, weights=w_year)
        except DataError as err:
            raise DataError(f"year {year}: {err}") from None
    return DagumGiniPanel(by_year=by_year)
