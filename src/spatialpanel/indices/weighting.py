"""Objective indicator weights: entropy, CRITIC, coefficient of variation, equal weights.

All four share one interface: a frame of indicator columns (rows are region-years), the direction
of each indicator, and the variant: ``"panel"`` weighs all region-years pooled (one set of weights,
scores comparable across years; the default) and ``"year"`` weighs each year separately (the frame
then needs an (entity, time) MultiIndex). Each function returns a table with one row per indicator
(per year and indicator in the per-year variant) holding the method's intermediate quantities and
the weight ``w_j``; see ``docs/methods.md`` ("Composite indices") for the formulas.

Min-max standardisation by direction
    positive: ``z = (x - min) / (max - min)``; negative: ``z = (max - x) / (max - min)``.
Entropy
    ``p_ij = (z_ij + s) / sum_i (z_ij + s)`` with the shift ``s`` against ``ln 0`` (with ``s = 0``
    the convention ``0 ln 0 = 0`` applies), ``e_j = -(1 / ln n) sum_i p_ij ln p_ij``,
    ``d_j = 1 - e_j``, ``w_j = d_j / sum_k d_k``.
CRITIC (Diakoulaki et al. 1995)
    ``C_j = sigma_j sum_k (1 - r_jk)`` on the standardised values, ``w_j = C_j / sum_k C_k``
    (``sigma`` with ``ddof=1``; the divisor cancels in the weights).
Coefficient of variation
    ``v_j = sigma_j / mean_j`` of the raw indicator (which must have a positive mean),
    ``w_j = v_j / sum_k v_k`` (``ddof=1``; cancels in the weights).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from spatialpanel.errors import ConfigError, DataError
from spatialpanel.indices.spec import (
    Direction,
    IndicatorSystem,
    Variant,
    check_indicator_frame,
    check_option,
    group_positions,
    show,
)

__all__ = [
    "WeightMethod",
    "critic_weights",
    "cv_weights",
    "entropy_weights",
    "equal_weights",
    "standardise",
]

WeightMethod = Literal["entropy", "critic", "cv", "equal"]
WEIGHT_METHODS: tuple[str, ...] = ("entropy", "critic", "cv", "equal")
_VARIANTS: tuple[str, ...] = ("panel", "year")

FloatArray = NDArray[np.float64]


# ----------------------------------------------------------------------------- numeric cores
def minmax(values: FloatArray, negative: NDArray[np.bool_]) -> FloatArray:
    """Min-max standardise the columns of ``values`` by direction (columns must vary)."""
    lo = values.min(axis=0)
    hi = values.max(axis=0)
    span = hi - lo
    z = (values - lo) / span
    z[:, negative] = (hi[negative] - values[:, negative]) / span[negative]
    return z


def entropy_core(z: FloatArray, shift: float) -> dict[str, FloatArray]:
    """Entropy ``e``, divergence ``d`` and weight ``w`` of standardised columns ``z``."""
    n = z.shape[0]
    zs = z + shift
    p = zs / zs.sum(axis=0)
    plogp = np.zeros_like(p)
    pos = p > 0
    plogp[pos] = p[pos] * np.log(p[pos])  # 0 ln 0 = 0
    e = -plogp.sum(axis=0) / np.log(n)
    d = 1.0 - e
    return {"entropy": e, "divergence": d, "weight": d / d.sum()}


def critic_core(z: FloatArray) -> dict[str, FloatArray]:
    """CRITIC contrast ``std``, ``conflict`` = sum(1 - r), information ``C`` and weight."""
    std = z.std(axis=0, ddof=1)
    # one indicator: no conflict to measure; its weight is 1 whatever the factor
    single = z.shape[1] == 1
    conflict = np.ones(1) if single else (1.0 - np.corrcoef(z, rowvar=False)).sum(axis=0)
    info = std * conflict
    # perfectly correlated indicators (all r = 1): no information up to rounding
    if not info.sum() > 1e-10 * std.sum():
        raise DataError(
            "CRITIC information is zero for every indicator (all indicators perfectly "
            "correlated); use method='entropy' or 'cv'."
        )
    return {"std": std, "conflict": conflict, "information": info, "weight": info / info.sum()}


def cv_core(x: FloatArray, names: list[str], where: str = "") -> dict[str, FloatArray]:
    """Mean, standard deviation, coefficient of variation and weight of raw columns ``x``."""
    mean = x.mean(axis=0)
    if (mean <= 0).any():
        bad = [names[j] for j in np.flatnonzero(mean <= 0)]
        raise DataError(
            f"indicator(s) {bad} have a non-positive mean{where}, so the coefficient of "
            "variation is undefined; use method='entropy' or 'critic' for them."
        )
    std = x.std(axis=0, ddof=1)
    cv = std / mean
    return {"mean": mean, "std": std, "cv": cv, "weight": cv / cv.sum()}


def equal_core(m: int) -> dict[str, FloatArray]:
    """Equal weights ``1/m``."""
    return {"weight": np.full(m, 1.0 / m)}


# ----------------------------------------------------------------------------- driver
def check_shift(shift: float) -> float:
    """Validate the entropy shift (finite, >= 0) and return it as float."""
    try:
        value = float(shift)
    except (TypeError, ValueError):
        raise ConfigError(f"shift={shift!r} must be a number >= 0 (e.g. 1e-4).") from None
    if not np.isfinite(value) or value < 0:
        raise ConfigError(f"shift={shift!r} must be finite and >= 0 (e.g. 0 or 1e-4).")
    return value


def compute_weights(
    frame: pd.DataFrame,
    system: IndicatorSystem,
    *,
    method: WeightMethod,
    shift: float,
    variant: Variant,
    argument: str = "frame",
) -> tuple[pd.DataFrame, FloatArray, FloatArray]:
    """Validate, standardise and weigh.

    Returns
    -------
    table
        The weight table (see the public functions).
    z
        Standardised values (n x m, rows in frame order, no shift).
    row_weights
        The weight that applies to each row and indicator (n x m): the same row repeated in the
        panel variant, the year's weights in the per-year variant.
    """
    check_option("method", method, WEIGHT_METHODS)
    check_option("variant", variant, _VARIANTS)
    shift = check_shift(shift)
    values = check_indicator_frame(frame, system, argument=argument, variant=variant)
    negative = system.negative
    names = system.columns
    z = np.empty_like(values)
    row_weights = np.empty_like(values)
    parts: list[pd.DataFrame] = []
    keys: list[Hashable] = []
    for key, rows in group_positions(frame.index, variant):
        block = values[rows]
        zb = minmax(block, negative)
        z[rows] = zb
        where = "" if variant == "panel" else f" in year {show(key)}"
        if method == "entropy":
            stats = entropy_core(zb, shift)
        elif method == "critic":
            stats = critic_core(zb)
        elif method == "cv":
            stats = cv_core(block, names, where)
        else:
            stats = equal_core(len(names))
        row_weights[rows] = stats["weight"]
        part = pd.DataFrame(
            {
                "dimension": [system[c].dimension for c in names],
                "direction": [system[c].direction for c in names],
                **{k: v for k, v in stats.items()},
            },
            index=pd.Index(names, name="indicator"),
        )
        parts.append(part)
        keys.append(key)
    if variant == "panel":
        table = parts[0]
    else:
        table = pd.concat(parts, keys=keys, names=[_time_name(frame.index), "indicator"])
    return table, z, row_weights


def _time_name(index: pd.Index) -> str:
    name = index.names[1] if isinstance(index, pd.MultiIndex) else None
    return str(name) if name is not None else "time"


def _system(directions: Mapping[str, Direction] | IndicatorSystem) -> IndicatorSystem:
    if isinstance(directions, IndicatorSystem):
        return directions
    return IndicatorSystem.uniform(directions)


# ----------------------------------------------------------------------------- public API
def standardise(
    frame: pd.DataFrame,
    *,
    directions: Mapping[str, Direction] | IndicatorSystem,
    variant: Variant = "panel",
) -> pd.DataFrame:
    """Min-max standardise indicator columns by direction (pooled or per year).

    Parameters
    ----------
    frame
        Rows are region-years (an (entity, time) MultiIndex for ``variant="year"``), columns
        include every indicator named in ``directions``; no missing values.
    directions
        Indicator column -> ``"positive"`` or ``"negative"`` (or an
        :class:`~spatialpanel.indices.spec.IndicatorSystem`).
    variant
        ``"panel"``: minimum and maximum over all rows; ``"year"``: within each year.

    Returns
    -------
    pandas.DataFrame
        Values in [0, 1], same index as ``frame``, one column per indicator.
    """
    system = _system(directions)
    _, z, _ = compute_weights(frame, system, method="equal", shift=0.0, variant=variant)
    return pd.DataFrame(z, index=frame.index.copy(), columns=system.columns)


def entropy_weights(
    frame: pd.DataFrame,
    *,
    directions: Mapping[str, Direction] | IndicatorSystem,
    shift: float = 1e-4,
    variant: Variant = "panel",
) -> pd.DataFrame:
    """Entropy-method weights.

    Parameters
    ----------
    frame
        Rows are region-years, columns include the indicators; no missing values.
    directions
        Indicator column -> ``"positive"`` or ``"negative"`` (or an
        :class:`~spatialpanel.indices.spec.IndicatorSystem`).
    shift
        Added to the standardised values before the proportions are formed, against ``ln 0``
        (default ``1e-4``); with ``0`` the convention ``0 ln 0 = 0`` is used.
    variant
        ``"panel"`` (all region-years pooled, ``n = N T``; default) or ``"year"`` (each year).

    Returns
    -------
    pandas.DataFrame
        Indexed by indicator (by (time, indicator) for ``variant="year"``), columns
        ``dimension``, ``direction``, ``entropy`` (e_j), ``divergence`` (d_j), ``weight`` (w_j).
    """
    table, _, _ = compute_weights(
        frame, _system(directions), method="entropy", shift=shift, variant=variant
    )
    return table


def critic_weights(
    frame: pd.DataFrame,
    *,
    directions: Mapping[str, Direction] | IndicatorSystem,
    variant: Variant = "panel",
) -> pd.DataFrame:
    """CRITIC weights (contrast intensity times conflict) on min-max standardised values.

    Returns a table with columns ``dimension``, ``direction``, ``std``, ``conflict``
    (sum of ``1 - r_jk``), ``information`` and ``weight``; see :func:`entropy_weights` for the
    parameters.
    """
    table, _, _ = compute_weights(
        frame, _system(directions), method="critic", shift=0.0, variant=variant
    )
    return table


def cv_weights(
    frame: pd.DataFrame,
    *,
    directions: Mapping[str, Direction] | IndicatorSystem,
    variant: Variant = "panel",
) -> pd.DataFrame:
    """Coefficient-of-variation weights on the raw indicator values (positive means needed).

    Returns a table with columns ``dimension``, ``direction``, ``mean``, ``std``, ``cv`` and
    ``weight``; see :func:`entropy_weights` for the parameters. The direction does not change the
    weight (it only enters the scores).
    """
    table, _, _ = compute_weights(
        frame, _system(directions), method="cv", shift=0.0, variant=variant
    )
    return table


def equal_weights(
    frame: pd.DataFrame,
    *,
    directions: Mapping[str, Direction] | IndicatorSystem,
    variant: Variant = "panel",
) -> pd.DataFrame:
    """Equal weights ``1/m`` in the same table layout as the other methods."""
    table, _, _ = compute_weights(
        frame, _system(directions), method="equal", shift=0.0, variant=variant
    )
    return table
