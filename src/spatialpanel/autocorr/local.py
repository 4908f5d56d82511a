"""Local Moran's I (Anselin 1995) per region-year, quadrants, significance and membership tables.

``I_i = z_i · Σ_j w_ij z_j / m2`` with ``z_i = x_i − x̄`` and ``m2 = Σ z² / (n − ddof)``: ``ddof=1``
(default) is esda's ``Moran_Local`` (``I_i = (n − 1) z_i (Wz)_i / Σ z²``); ``ddof=0`` is R spdep's
``localmoran`` and GeoDa (``m2 = Σ z²/n``). Quadrants, p-values and clusters do not depend on it.

Quadrant numbering (esda's default; the Moran scatter plot's quadrants counted anticlockwise from
the upper right), with the matching GeoDa / rgeoda cluster codes:

========  =====  ============================  ============
quadrant  label  meaning                       GeoDa code
========  =====  ============================  ============
1         HH     high value, high neighbours   1
2         LH     low value, high neighbours    3
3         LL     low value, low neighbours     2
4         HL     high value, low neighbours    4
0         --     no neighbours (island)        6 "Isolated"
========  =====  ============================  ============

GeoDa code 0 is "not significant". A value equal to the mean (``z_i = 0``) or a lag of exactly 0
counts as low, as in esda.

p-values come from conditional permutation (Anselin 1995): ``x_i`` stays in place, its ``k_i``
neighbours' values are drawn without replacement from the other ``n − 1`` values, ``P`` times;
one set of ``P`` draws of ``max k_i`` positions is shared by all regions of a year (as in esda and
GeoDa). Draws depend only on (seed, year).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sps
from numpy.typing import NDArray

from spatialpanel.autocorr._panel import check_alternative, cross_sections, year_rng
from spatialpanel.autocorr._perm import conditional_counts
from spatialpanel.errors import ConfigError, DataError
from spatialpanel.threads import single_blas
from spatialpanel.weights.core import SpatialWeights

__all__ = [
    "GEODA_CODES",
    "QUADRANT_LABELS",
    "LocalAlternative",
    "benjamini_hochberg",
    "local_moran",
    "quadrant_counts",
    "quadrant_membership",
]

LocalAlternative = Literal["directed", "two-sided", "greater", "less"]
_LOCAL_ALTERNATIVES: tuple[str, ...] = ("directed", "two-sided", "greater", "less")
QUADRANT_LABELS: dict[int, str] = {1: "HH", 2: "LH", 3: "LL", 4: "HL", 0: "--"}
GEODA_CODES: dict[int, int] = {1: 1, 2: 3, 3: 2, 4: 4, 0: 6}


def permuted_ids(
    rng: np.random.Generator, *, n: int, k_max: int, permutations: int
) -> NDArray[np.intp]:
    """``permutations`` rows of ``k_max`` distinct positions drawn from ``0 .. n − 2``."""
    if k_max == 0 or permutations == 0:
        return np.zeros((permutations, 0), dtype=np.intp)
    # the first k_max columns of argsort(rng.random((permutations, n - 1)), axis=1), drawn 16
    # rows at a time (the same stream) and by a partial sort: memory 16 x n, not P x n
    out = np.empty((permutations, k_max), dtype=np.intp)
    k = min(k_max, n - 1)
    for j0 in range(0, permutations, 16):
        keys = rng.random((min(16, permutations - j0), n - 1))
        part = np.argpartition(keys, k - 1, axis=1)[:, :k] if k < n - 1 else np.argsort(keys, 1)
        order = np.argsort(np.take_along_axis(keys, part, axis=1), axis=1)
        out[j0 : j0 + keys.shape[0], :k] = np.take_along_axis(part, order, axis=1)[:, :k]
    return out


def conditional_p(
    z: NDArray[np.float64],
    w: sps.csr_array,
    observed: NDArray[np.float64],
    ids: NDArray[np.intp],
    *,
    scaling: float,
    alternative: str,
) -> NDArray[np.float64]:
    """Conditional-permutation pseudo p-values of the local Moran statistics ``observed``.

    Region i's simulated statistics are ``scaling · z_i · Σ_k w_ik z_(others)[ids[:, k]]`` with
    ``others`` the values of the other regions in order. ``directed``: ``(min(#{sim ≥ obs},
    P − #{sim ≥ obs}) + 1)/(P + 1)`` (esda's and GeoDa's folded one-sided value, in the direction
    of the observed statistic); ``greater`` / ``less``: ``(#{sim ≥ obs} + 1)/(P + 1)`` /
    ``(#{sim ≤ obs} + 1)/(P + 1)``; ``two-sided``: twice the smaller of those two, capped at 1.
    Islands get NaN.
    """
    p_count = ids.shape[0]
    # a draw of exactly the true neighbours reproduces the observed value: count such ties as
    # "as extreme" whatever the rounding of the two sums (tolerance 1e-12 relative)
    tol = 1e-12 * np.maximum(np.abs(observed), 1e-300)
    ge, le = conditional_counts(z, w, observed, tol, ids, scaling=scaling)
    greater = (ge + 1.0) / (p_count + 1.0)
    less = (le + 1.0) / (p_count + 1.0)
    if alternative == "directed":
        out = (np.minimum(ge, p_count - ge) + 1.0) / (p_count + 1.0)
    elif alternative == "greater":
        out = greater
    elif alternative == "less":
        out = less
    else:
        out = np.minimum(1.0, 2.0 * np.minimum(greater, less))
    out[np.diff(w.indptr) == 0] = np.nan  # islands
    return np.asarray(out, dtype=float)


def benjamini_hochberg(p: NDArray[np.float64] | Sequence[float]) -> NDArray[np.float64]:
    """Benjamini–Hochberg (1995) adjusted p-values ``min_{k≥i} (m / k) p_(k)``, capped at 1.

    NaN entries are ignored (and stay NaN); ``m`` is the number of finite p-values.
    """
    arr = np.asarray(p, dtype=float)
    out = np.full(arr.shape, np.nan)
    ok = np.flatnonzero(np.isfinite(arr))
    m = ok.size
    if m == 0:
        return out
    order = ok[np.argsort(arr[ok], kind="stable")]
    ranked = arr[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1]
    out[order] = np.minimum(adjusted, 1.0)
    return out


def _quadrants(
    z: NDArray[np.float64], lag: NDArray[np.float64], island: NDArray[np.bool_]
) -> NDArray[np.int64]:
    high, high_lag = z > 0, lag > 0
    q = np.where(high, np.where(high_lag, 1, 4), np.where(high_lag, 2, 3)).astype(np.int64)
    q[island] = 0
    return q


@single_blas
def local_moran(
    series: pd.Series,
    w: SpatialWeights,
    *,
    years: Sequence[Hashable] | None = None,
    permutations: int = 999,
    seed: int = 0,
    alternative: LocalAlternative = "directed",
    alpha: float = 0.05,
    fdr: bool = False,
    ddof: Literal[0, 1] = 1,
) -> pd.DataFrame:
    """Local Moran's I of every region in every year, with quadrants and significance.

    Parameters
    ----------
    series
        Values with an (entity, time) MultiIndex; each year holds exactly the regions of ``w``.
    w
        Spatial weights as transformed (row-standardised by default); never modified.
    years
        Years to compute (default all).
    permutations
        Conditional permutations per year (0: no p-values; nothing is then significant).
    seed
        Seed; a year's draws depend only on (seed, year).
    alternative
        Sidedness of ``p``: ``"directed"`` (default; esda's and GeoDa's one-sided pseudo p-value
        in the direction of the observed ``I_i``), ``"two-sided"``, ``"greater"`` or ``"less"``.
    alpha
        Significance level of the ``significant`` column.
    fdr
        Judge significance by the Benjamini–Hochberg adjusted p-values (per year, over the regions
        with neighbours) instead of the raw ones.
    ddof
        ``m2 = Σ z²/(n − ddof)``: 1 (esda, default) or 0 (spdep ``localmoran``, GeoDa).

    Returns
    -------
    pandas.DataFrame
        One row per region-year, in year then ``w.ids`` order, columns: ``entity``, ``time``
        (named like the series' index levels), ``value``, ``z`` (standardised value,
        ``(x − x̄)/sd`` with ddof 0), ``lag`` (``Σ_j w_ij z_j``), ``Ii``, ``p``, ``p_fdr`` (BH
        adjusted), ``quadrant`` (1 HH, 2 LH, 3 LL, 4 HL, 0 island), ``label``, ``significant``,
        ``cluster`` (label if significant else ``"ns"``), ``geoda`` (GeoDa cluster code).
        ``attrs`` hold the conventions (``p_sidedness``, ``quadrants``, ``alpha``, ``fdr``).
    """
    check_alternative(alternative, _LOCAL_ALTERNATIVES)
    if ddof not in (0, 1):
        raise ConfigError(f"ddof={ddof!r}; use 1 (esda) or 0 (spdep localmoran / GeoDa).")
    if not 0.0 < alpha < 1.0:
        raise ConfigError(f"alpha={alpha!r}; give a significance level in (0, 1), e.g. 0.05.")
    if not isinstance(permutations, int | np.integer) or permutations < 0:
        raise ConfigError(f"permutations={permutations!r}; give an integer >= 0 (e.g. 999).")
    sections = cross_sections(series, w, years=years)
    mat = sps.csr_array(w.sparse)
    mat.sort_indices()
    n = w.n
    island = np.diff(mat.indptr) == 0
    k_max = int(np.max(np.diff(mat.indptr))) if n else 0
    entity_name = series.index.names[0] or "entity"
    time_name = series.index.names[1] or "time"
    frames = []
    for t, x in sections.items():
        if np.ptp(x) == 0:
            raise DataError(
                f"series is constant in year {t}; local Moran's I is undefined. Drop that year "
                "(years=...)."
            )
        d = x - x.mean()
        ss = float(d @ d)
        sd = np.sqrt(ss / n)
        z = d / sd
        lag = mat @ z
        scaling = (n - ddof) / float(z @ z)
        ii = scaling * z * lag
        if permutations:
            ids = permuted_ids(year_rng(seed, t), n=n, k_max=k_max, permutations=permutations)
            p = conditional_p(z, mat, ii, ids, scaling=scaling, alternative=alternative)
        else:
            p = np.full(n, np.nan)
        p_adj = benjamini_hochberg(p)
        judged = p_adj if fdr else p
        q = _quadrants(z, lag, island)
        significant = np.nan_to_num(judged, nan=1.0) <= alpha
        frames.append(
            pd.DataFrame(
                {
                    entity_name: w.ids,
                    time_name: t,
                    "value": x,
                    "z": z,
                    "lag": lag,
                    "Ii": ii,
                    "p": p,
                    "p_fdr": p_adj,
                    "quadrant": q,
                    "label": [QUADRANT_LABELS[int(v)] for v in q],
                    "significant": significant,
                    "cluster": np.where(significant, [QUADRANT_LABELS[int(v)] for v in q], "ns"),
                    "geoda": np.where(significant | island, [GEODA_CODES[int(v)] for v in q], 0),
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    side = {
        "directed": "one-sided in the direction of the observed I_i (esda/GeoDa folded value)",
        "two-sided": "two-sided (twice the smaller one-sided value)",
        "greater": "one-sided (greater)",
        "less": "one-sided (less)",
    }[alternative]
    out.attrs.update(
        {
            "p_sidedness": {"p": f"{side}, conditional permutation", "p_fdr": "BH-adjusted p"},
            "quadrants": "1 HH, 2 LH, 3 LL, 4 HL, 0 no neighbours; GeoDa codes 1 HH, 2 LL, "
            "3 LH, 4 HL, 6 isolated, 0 not significant",
            "alpha": float(alpha),
            "fdr": bool(fdr),
            "permutations": int(permutations),
            "seed": int(seed),
            "ddof": int(ddof),
            "weights": w.source,
        }
    )
    return out


def quadrant_counts(local: pd.DataFrame, *, significant_only: bool = False) -> pd.DataFrame:
    """Number of regions per quadrant (columns HH, LH, LL, HL) and year (rows)."""
    time_name = local.columns[1]
    frame = local[local["significant"]] if significant_only else local
    table = pd.crosstab(frame[time_name], frame["label"])
    cols = ["HH", "LH", "LL", "HL", *(["--"] if "--" in table.columns else [])]
    times = pd.Index(pd.unique(local[time_name]), name=time_name)
    out = table.reindex(index=times, columns=cols, fill_value=0)
    return out.rename_axis(columns=None)


def quadrant_membership(
    local: pd.DataFrame,
    *,
    labels: Mapping[Hashable, str] | pd.Series | None = None,
    significant_only: bool = False,
    separator: str = ", ",
) -> pd.DataFrame:
    """Which regions lie in each quadrant, per year: one row per year, one column per quadrant.

    Parameters
    ----------
    local
        Output of :func:`local_moran`.
    labels
        Region id -> display name (e.g. ``provinces()["name_en"]``); ids are shown when omitted.
    significant_only
        List only significant regions (a LISA cluster table) instead of all quadrant members.
    separator
        Between the names in a cell.
    """
    entity_name, time_name = local.columns[0], local.columns[1]
    names = dict(labels) if labels is not None else {}
    frame = local[local["significant"]] if significant_only else local
    rows = {}
    for t in pd.unique(local[time_name]):
        sub = frame[frame[time_name] == t]
        rows[t] = {
            lab: separator.join(
                str(names.get(e, e)) for e in sub.loc[sub["label"] == lab, entity_name]
            )
            for lab in ("HH", "LH", "LL", "HL")
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = time_name
    return out
