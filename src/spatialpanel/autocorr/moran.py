"""Global spatial autocorrelation: Moran's I and Geary's C per year, and the paper's Table 3.

Formulas (Cliff & Ord 1981, ch. 2; the same as esda and R spdep), for one cross-section of n
values with deviations ``z_i = x_i − x̄`` and weights ``w_ij`` (as transformed, row-standardised by
default), ``S0 = Σ w_ij``, ``S1 = ½ Σ (w_ij + w_ji)²``, ``S2 = Σ_i (w_i. + w_.i)²`` and the
kurtosis ``b2 = n Σ z⁴ / (Σ z²)²``:

- ``I = (n / S0) · Σ_ij w_ij z_i z_j / Σ_i z_i²``, ``E[I] = −1/(n − 1)``;
- normality: ``Var(I) = (n² S1 − n S2 + 3 S0²) / ((n² − 1) S0²) − E[I]²``;
- randomisation: ``Var(I) = [n((n² − 3n + 3) S1 − n S2 + 3 S0²) − b2((n² − n) S1 − 2n S2 + 6 S0²)]
  / ((n − 1)(n − 2)(n − 3) S0²) − E[I]²``;
- ``z = (I − E[I]) / sd(I)``.

p-values and their sidedness (stated in every output's ``attrs["p_sidedness"]``): ``p`` is the
randomisation p-value, ``p_norm`` the normality one, ``p_perm`` the permutation pseudo p-value
``(#{I_sim as or more extreme} + 1)/(P + 1)``; all follow ``alternative`` — ``"two-sided"`` by
default (``2·P(Z ≥ |z|)``; esda's default; R's ``moran.test`` defaults to one-sided
``"greater"``); the two-sided permutation p is twice the smaller one-sided value, capped at 1.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sps
from numpy.typing import NDArray

from spatialpanel.autocorr._panel import (
    Alternative,
    analytic_p,
    check_alternative,
    cross_sections,
    permutation_p,
    year_rng,
)
from spatialpanel.autocorr._perm import permuted_blocks, permuted_quadratic
from spatialpanel.errors import ConfigError, DataError
from spatialpanel.threads import single_blas
from spatialpanel.weights.core import SpatialWeights

__all__ = ["geary", "moran", "moran_table", "significance_stars"]

_POOLED = "pooled"


def _moments(w: sps.csr_array) -> tuple[float, float, float]:
    s0 = float(w.sum())
    sym = w + w.T
    s1 = float(0.5 * sym.multiply(sym).sum())
    rows = np.asarray(w.sum(axis=1)).ravel()
    cols = np.asarray(w.sum(axis=0)).ravel()
    s2 = float(np.sum((rows + cols) ** 2))
    return s0, s1, s2


def _check_options(permutations: int, n: int, what: str) -> None:
    if not isinstance(permutations, int | np.integer) or permutations < 0:
        raise ConfigError(f"permutations={permutations!r}; give an integer >= 0 (e.g. 999).")
    if n < 4:
        raise DataError(f"{what} needs at least 4 regions (the variance formulas divide by n − 3).")


def _sidedness(alternative: str, stat: str) -> dict[str, str]:
    side = {
        "two-sided": "two-sided",
        "greater": f"one-sided (greater: {stat} above its expectation)",
        "less": f"one-sided (less: {stat} below its expectation)",
    }[alternative]
    return {
        "p": f"{side}, randomisation assumption, normal approximation",
        "p_norm": f"{side}, normality assumption",
        "p_perm": f"{side}, permutation pseudo p-value (#{{as or more extreme}} + 1)/(P + 1)",
    }


def _centred(x: NDArray[np.float64], what: str) -> tuple[int, NDArray[np.float64], float]:
    """Size, deviations from the mean and their sum of squares; raise if constant."""
    n = x.size
    z = x - x.mean()
    m2 = float(z @ z)
    if m2 <= 0:
        raise DataError(f"the variable is constant in a cross-section; {what} is undefined.")
    return n, z, m2


def _test_row(
    n: int,
    name: str,
    stat: float,
    expected: float,
    var_rand: float,
    var_norm: float,
    alternative: str,
) -> dict[str, float]:
    """One result row: the statistic, its moments and both analytic tests (``E<name>``)."""
    sd, sd_norm = float(np.sqrt(var_rand)), float(np.sqrt(var_norm))
    zr, zn = (stat - expected) / sd, (stat - expected) / sd_norm
    return {
        "n": float(n),
        name: stat,
        f"E{name}": expected,
        "var": var_rand,
        "sd": sd,
        "z": zr,
        "p": analytic_p(zr, alternative),
        "var_norm": var_norm,
        "sd_norm": sd_norm,
        "z_norm": zn,
        "p_norm": analytic_p(zn, alternative),
        "p_perm": float("nan"),
    }


def _moran_one(
    x: NDArray[np.float64],
    w: sps.csr_array,
    *,
    permutations: int,
    rng: np.random.Generator,
    alternative: str,
) -> dict[str, float]:
    n, z, m2 = _centred(x, "Moran's I")
    s0, s1, s2 = _moments(w)
    stat = n / s0 * float(z @ (w @ z)) / m2
    ei = -1.0 / (n - 1)
    var_norm = (n * n * s1 - n * s2 + 3 * s0 * s0) / ((n * n - 1) * s0 * s0) - ei * ei
    b2 = n * float(np.sum(z**4)) / m2**2
    a = n * ((n * n - 3 * n + 3) * s1 - n * s2 + 3 * s0 * s0)
    b = b2 * ((n * n - n) * s1 - 2 * n * s2 + 6 * s0 * s0)
    var_rand = (a - b) / ((n - 1) * (n - 2) * (n - 3) * s0 * s0) - ei * ei
    row = _test_row(n, "I", stat, ei, var_rand, var_norm, alternative)
    row["I_perm_mean"] = float("nan")
    row["I_perm_sd"] = float("nan")
    if permutations:
        sims = n / s0 * permuted_quadratic(z, w, rng, permutations) / m2
        row["p_perm"] = permutation_p(stat, sims, alternative)
        row["I_perm_mean"] = float(sims.mean())
        row["I_perm_sd"] = float(sims.std())
    return row


def _geary_one(
    x: NDArray[np.float64],
    w: sps.csr_array,
    *,
    permutations: int,
    rng: np.random.Generator,
    alternative: str,
) -> dict[str, float]:
    n, z, m2 = _centred(x, "Geary's C")
    s0, s1, s2 = _moments(w)
    coo = w.tocoo()
    rows, cols, vals = coo.row, coo.col, coo.data

    def calc(v: NDArray[np.float64]) -> NDArray[np.float64]:
        diff = v[..., rows] - v[..., cols]
        out: NDArray[np.float64] = (n - 1) * (diff**2 @ vals) / (2.0 * s0 * m2)
        return out

    stat = float(calc(x))
    b2 = n * float(np.sum(z**4)) / m2**2
    var_norm = ((2 * s1 + s2) * (n - 1) - 4 * s0 * s0) / (2 * (n + 1) * s0 * s0)
    a = (n - 1) * s1 * (n * n - 3 * n + 3 - (n - 1) * b2)
    b = 0.25 * (n - 1) * s2 * (n * n + 3 * n - 6 - (n * n - n + 2) * b2)
    c = s0 * s0 * (n * n - 3 - (n - 1) ** 2 * b2)
    var_rand = (a - b + c) / (n * (n - 2) * (n - 3) * s0 * s0)
    row = _test_row(n, "C", stat, 1.0, var_rand, var_norm, alternative)
    if permutations:
        sims = np.concatenate([calc(perm) for perm in permuted_blocks(x, rng, permutations)])
        row["p_perm"] = permutation_p(stat, sims, alternative)
    return row


@single_blas
def _run(
    kind: str,
    series: pd.Series,
    w: SpatialWeights,
    *,
    years: Sequence[Hashable] | None,
    permutations: int,
    seed: int,
    alternative: str,
    pooled: bool,
) -> pd.DataFrame:
    check_alternative(alternative)
    _check_options(permutations, w.n, "Moran's I" if kind == "moran" else "Geary's C")
    one = _moran_one if kind == "moran" else _geary_one
    sections = cross_sections(series, w, years=years)
    mat = sps.csr_array(w.sparse)  # w itself is never modified
    rows: dict[Hashable, dict[str, float]] = {}
    for t, x in sections.items():
        if np.ptp(x) == 0:
            raise DataError(
                f"series is constant in year {t}; spatial autocorrelation is undefined. Drop "
                "that year (years=...)."
            )
        rng = year_rng(seed, t)
        rows[t] = one(x, mat, permutations=permutations, rng=rng, alternative=alternative)
    if pooled:
        stacked = np.concatenate(list(sections.values()))
        big = sps.csr_array(sps.kron(sps.identity(len(sections), format="csr"), mat))
        rng = np.random.default_rng(np.random.SeedSequence([int(seed), 2_000_000]))
        rows[_POOLED] = one(
            stacked, big, permutations=permutations, rng=rng, alternative=alternative
        )
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = series.index.names[1] or "time"
    frame["n"] = frame["n"].astype(int)
    stat = "I" if kind == "moran" else "C"
    frame.attrs.update(
        {
            "statistic": "Moran's I" if kind == "moran" else "Geary's C",
            "p_sidedness": _sidedness(alternative, stat),
            "alternative": alternative,
            "permutations": int(permutations),
            "seed": int(seed),
            "weights": w.source,
            "transform": w.transform,
            "pooled": "stacked years with block-diagonal I_T ⊗ W, centred at the pooled mean"
            if pooled
            else "",
        }
    )
    return frame


def moran(
    series: pd.Series,
    w: SpatialWeights,
    *,
    years: Sequence[Hashable] | None = None,
    permutations: int = 999,
    seed: int = 0,
    alternative: Alternative = "two-sided",
    pooled: bool = False,
) -> pd.DataFrame:
    """Global Moran's I of a panel variable, one row per year.

    Parameters
    ----------
    series
        Values with an (entity, time) MultiIndex; every year must hold exactly the regions of
        ``w`` (any order) with no missing value.
    w
        Spatial weights, used as transformed (row-standardised by default). Never modified.
    years
        Years to report (default all, ascending).
    permutations
        Number of random permutations for ``p_perm`` (0 skips them).
    seed
        Seed of the permutations; the draws of a year depend only on (seed, year).
    alternative
        Sidedness of all three p-values: ``"two-sided"`` (default), ``"greater"`` (positive
        autocorrelation, R's ``moran.test`` default) or ``"less"``.
    pooled
        Add a row ``"pooled"``: all years stacked, weights ``I_T ⊗ W`` (no links across years),
        deviations from the pooled mean.

    Returns
    -------
    pandas.DataFrame
        Index: the years (named like the series' time level). Columns: ``n``, ``I``, ``EI``,
        ``var``, ``sd``, ``z``, ``p`` (randomisation assumption), ``var_norm``, ``sd_norm``,
        ``z_norm``, ``p_norm`` (normality assumption), ``p_perm`` (permutation),
        ``I_perm_mean``, ``I_perm_sd``. ``attrs["p_sidedness"]`` states the sidedness of each p.

    Notes
    -----
    Formulas in the module docstring; they equal esda's ``Moran`` and R spdep's ``moran.test``.
    """
    return _run(
        "moran",
        series,
        w,
        years=years,
        permutations=permutations,
        seed=seed,
        alternative=alternative,
        pooled=pooled,
    )


def geary(
    series: pd.Series,
    w: SpatialWeights,
    *,
    years: Sequence[Hashable] | None = None,
    permutations: int = 999,
    seed: int = 0,
    alternative: Alternative = "two-sided",
    pooled: bool = False,
) -> pd.DataFrame:
    """Geary's C of a panel variable, one row per year (options as in :func:`moran`).

    ``C = (n − 1) Σ_ij w_ij (x_i − x_j)² / (2 S0 Σ_i z_i²)``, ``E[C] = 1``; C below 1 means
    positive spatial autocorrelation (so ``alternative="less"`` tests for it). Variances
    (Cliff & Ord 1981): normality ``[(2 S1 + S2)(n − 1) − 4 S0²] / (2 (n + 1) S0²)``;
    randomisation ``[(n−1) S1 (n² − 3n + 3 − (n−1) b2) − ¼ (n−1) S2 (n² + 3n − 6 − (n² − n + 2) b2)
    + S0² (n² − 3 − (n−1)² b2)] / (n (n−2)(n−3) S0²)``. Columns ``n``, ``C``, ``EC``, ``var``,
    ``sd``, ``z``, ``p`` (randomisation), ``var_norm``, ``sd_norm``, ``z_norm``, ``p_norm``,
    ``p_perm``; ``attrs["p_sidedness"]`` states the sidedness.
    """
    return _run(
        "geary",
        series,
        w,
        years=years,
        permutations=permutations,
        seed=seed,
        alternative=alternative,
        pooled=pooled,
    )


def significance_stars(p: float, *, levels: tuple[float, float, float] = (0.01, 0.05, 0.1)) -> str:
    """``"***"`` for p < 0.01, ``"**"`` for p < 0.05, ``"*"`` for p < 0.1, else ``""``."""
    if not np.isfinite(p):
        return ""
    for stars, level in zip(("***", "**", "*"), levels, strict=True):
        if p < level:
            return stars
    return ""


def moran_table(
    series: pd.Series,
    w: SpatialWeights | Mapping[str, SpatialWeights],
    *,
    years: Sequence[Hashable] | None = None,
    digits: int = 3,
    **options: Any,
) -> pd.DataFrame:
    """Moran's I in the form of the paper's Table 3: year, I with stars, sd, z, p.

    Parameters
    ----------
    series, years
        As in :func:`moran`.
    w
        One matrix, or a mapping name -> matrix (one block of rows per matrix, in order).
    digits
        Decimals of the ``I_stars`` text column (the numeric columns keep full precision).
    **options
        Passed to :func:`moran` (``permutations`` — 0 by default here —, ``seed``,
        ``alternative``, ``pooled``).

    Returns
    -------
    pandas.DataFrame
        Columns ``weights`` (with a mapping only), ``year`` (the series' time level name), ``I``,
        ``I_stars`` (e.g. ``"0.709***"``), ``EI``, ``sd``, ``z``, ``p``; stars from ``p``
        (randomisation assumption, sidedness as in ``attrs["p_sidedness"]``): ``***`` p < 0.01,
        ``**`` p < 0.05, ``*`` p < 0.1.
    """
    options.setdefault("permutations", 0)
    if isinstance(w, Mapping):
        if not w:
            raise ConfigError("w is an empty mapping; pass at least one name -> SpatialWeights.")
        blocks = [
            moran_table(series, wk, years=years, digits=digits, **options).assign(weights=name)
            for name, wk in w.items()
        ]
        out = pd.concat(blocks, ignore_index=True)
        out = out[["weights", *[c for c in out.columns if c != "weights"]]]
        out.attrs.update(blocks[0].attrs)
        out.attrs["weights"] = list(w)
        return out
    res = moran(series, w, years=years, **options)
    out = pd.DataFrame(
        {
            "I": res["I"],
            "I_stars": [
                f"{i:.{digits}f}{significance_stars(p)}"
                for i, p in zip(res["I"], res["p"], strict=True)
            ],
            "EI": res["EI"],
            "sd": res["sd"],
            "z": res["z"],
            "p": res["p"],
        }
    ).reset_index()
    out.attrs.update(res.attrs)
    out.attrs["stars"] = "*** p < 0.01, ** p < 0.05, * p < 0.1 (p: randomisation assumption)"
    return out
