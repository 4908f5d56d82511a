"""Coupling coordination degree between two or more systems (indices).

For system levels ``U_1 .. U_n`` in [0, 1] (e.g. two composite index scores):

Coupling ``C``
    ``"classic"``: ``C = n (prod U_i)^(1/n) / sum U_i`` (for two systems
    ``2 sqrt(U1 U2) / (U1 + U2)``), the ratio of geometric to arithmetic mean, in [0, 1].
    ``"modified"`` (Wang, Kong, Ren et al. 2021, J. Natural Resources 36(3): 793-810):
    ``C = sqrt([1 - sum_{i<j} |U_i - U_j| / sum_{m=1}^{n-1} m] (prod_i U_i / max U)^(1/(n-1)))``,
    for two systems ``sqrt((1 - |U1 - U2|) U_min / U_max)``.

Comprehensive level ``T = sum a_i U_i`` with weights ``a_i`` summing to one (equal by default).
Coordination degree ``D = sqrt(C T)``, classified into levels (ten of width 0.1 by default).

When every ``U_i`` of a row is zero, ``C`` is undefined; it is set to 0 there (``D`` is 0 either
way because ``T`` is 0).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from spatialpanel._display import FrameDisplay
from spatialpanel.errors import ConfigError, DataError
from spatialpanel.indices.spec import check_option, row_label
from spatialpanel.text import Label, Message, TextList, msg

__all__ = ["CoordinationLevels", "CouplingForm", "CouplingResult", "coupling_coordination"]

CouplingForm = Literal["classic", "modified"]
_FORMS: tuple[str, ...] = ("classic", "modified")

DEFAULT_LABELS: tuple[str, ...] = (
    "Extreme disorder",
    "Serious disorder",
    "Moderate disorder",
    "Mild disorder",
    "On the verge of disorder",
    "Barely coordinated",
    "Primary coordination",
    "Intermediate coordination",
    "Good coordination",
    "Quality coordination",
)


@dataclass(frozen=True)
class CoordinationLevels:
    """Cut-offs and labels of the coordination levels.

    Attributes
    ----------
    cutoffs
        Inner cut-offs, strictly increasing in (0, 1); ``len(labels) - 1`` of them. Default
        0.1, 0.2, ..., 0.9 (ten levels of width 0.1).
    labels
        Level names from lowest to highest.
    closed
        Which side of each interval is closed: ``"left"`` gives [0, 0.1), [0.1, 0.2), ...,
        [0.9, 1] (default); ``"right"`` gives [0, 0.1], (0.1, 0.2], ..., (0.9, 1].
    """

    cutoffs: tuple[float, ...] = field(default=tuple(round(0.1 * k, 1) for k in range(1, 10)))
    labels: tuple[str, ...] = DEFAULT_LABELS
    closed: Literal["left", "right"] = "left"

    def __post_init__(self) -> None:
        check_option("closed", self.closed, ("left", "right"))
        cuts = np.asarray(self.cutoffs, dtype=float)
        if len(self.labels) != len(cuts) + 1:
            raise ConfigError(
                f"levels need one label more than cut-offs; got {len(self.labels)} labels for "
                f"{len(cuts)} cut-offs."
            )
        if cuts.size and (not np.all(np.diff(cuts) > 0) or cuts[0] <= 0 or cuts[-1] >= 1):
            raise ConfigError(
                f"cutoffs={self.cutoffs} must be strictly increasing and inside (0, 1)."
            )

    def classify(self, d: NDArray[np.float64]) -> NDArray[np.intp]:
        """Level number (1 = lowest) of each value of ``d``."""
        side: Literal["left", "right"] = "right" if self.closed == "left" else "left"
        return np.searchsorted(np.asarray(self.cutoffs, dtype=float), d, side=side) + 1

    def intervals(self) -> list[str]:
        """The intervals in words, e.g. ``'[0.1, 0.2)'``."""
        bounds = [0.0, *self.cutoffs, 1.0]
        out = []
        for k in range(len(self.labels)):
            lo, hi = bounds[k], bounds[k + 1]
            if self.closed == "left":
                right = "]" if k == len(self.labels) - 1 else ")"
                out.append(f"[{lo:g}, {hi:g}{right}")
            else:
                left = "[" if k == 0 else "("
                out.append(f"{left}{lo:g}, {hi:g}]")
        return out

    def table(self) -> pd.DataFrame:
        """Level number, label and interval, one row per level."""
        return pd.DataFrame(
            {"label": list(self.labels), "interval": self.intervals()},
            index=pd.RangeIndex(1, len(self.labels) + 1, name="level"),
        )


@dataclass(frozen=True)
class CouplingResult(FrameDisplay):
    """Coupling coordination of each row.

    Attributes
    ----------
    table
        Columns ``C`` (coupling), ``T`` (comprehensive level), ``D`` (coordination degree),
        ``level`` (1 = lowest) and ``label``; index of the input.
    form
        ``"classic"`` or ``"modified"``.
    system_weights
        The weights ``a_i`` of ``T``.
    levels
        The classification used.
    """

    table: pd.DataFrame
    form: str
    system_weights: pd.Series
    levels: CoordinationLevels

    def to_frame(self) -> pd.DataFrame:
        """The coupling table (C, T, D and the coordination level per region-year)."""
        return self.table

    @property
    def notes(self) -> tuple[Message, ...]:
        """The conventions as messages (``str()`` of each is its English text)."""
        formula = (
            msg("C = n (prod U)^(1/n) / sum U")
            if self.form == "classic"
            else msg("C = modified form of Wang et al. (2021)")
        )
        weights = TextList(
            tuple(
                msg("{name} {weight}", name=Label("variable", str(k)), weight=f"{v:g}")
                for k, v in self.system_weights.items()
            ),
            "series",
        )
        n = len(self.levels.labels)
        return (
            msg(
                "{formula}; T = weighted sum of the systems ({weights}); D = sqrt(C T).",
                formula=formula,
                weights=weights,
            ),
            msg("Levels: {n} left-closed intervals of D.", n=n)
            if self.levels.closed == "left"
            else msg("Levels: {n} right-closed intervals of D.", n=n),
        )


def coupling_coordination(
    systems: pd.DataFrame,
    *,
    form: CouplingForm = "classic",
    weights: Mapping[str, float] | Sequence[float] | None = None,
    levels: CoordinationLevels | None = None,
) -> CouplingResult:
    """Coupling degree C, comprehensive level T and coordination degree D.

    Parameters
    ----------
    systems
        One column per system (at least two), values in [0, 1] (e.g. index scores), rows are
        region-years; no missing values. Not modified.
    form
        ``"classic"`` (default) or ``"modified"`` (Wang et al. 2021).
    weights
        Weights of the systems in T (non-negative, summing to 1), by column name or in column
        order; equal weights when omitted.
    levels
        Coordination levels; ten levels of width 0.1, left-closed, by default.

    Returns
    -------
    CouplingResult
    """
    check_option("form", form, _FORMS)
    if not isinstance(systems, pd.DataFrame):
        raise DataError(f"systems must be a pandas DataFrame; got {type(systems).__name__}.")
    names = [str(c) for c in systems.columns]
    n = len(names)
    if n < 2:
        raise DataError(f"systems has {n} column(s); coupling needs at least two systems.")
    u = systems.to_numpy(dtype=float, na_value=np.nan)
    bad = ~np.isfinite(u) | (u < 0) | (u > 1)
    if bad.any():
        r, c = (int(v[0]) for v in np.nonzero(bad))
        raise DataError(
            f"systems[{names[c]!r}] at {row_label(systems.index, r)} is {u[r, c].item()!r}; system "
            "levels must be in [0, 1] (use composite index scores)."
        )
    a = _system_weights(weights, systems.columns)
    levels = levels if levels is not None else CoordinationLevels()
    total = u.sum(axis=1)
    zero = total == 0
    if form == "classic":
        gm = np.exp(np.log(np.where(u > 0, u, 1.0)).mean(axis=1)) * (u > 0).all(axis=1)
        c_val = np.where(zero, 0.0, n * gm / np.where(zero, 1.0, total))
    else:
        i, j = np.triu_indices(n, k=1)
        spread = np.abs(u[:, i] - u[:, j]).sum(axis=1) / (n * (n - 1) / 2)
        umax = u.max(axis=1)
        ratio = np.prod(u / np.where(zero, 1.0, umax)[:, None], axis=1) ** (1.0 / (n - 1))
        c_val = np.where(zero, 0.0, np.sqrt(np.clip((1.0 - spread) * ratio, 0.0, None)))
    c_val = np.clip(c_val, 0.0, 1.0)
    t_val = u @ a.to_numpy()
    d_val = np.sqrt(c_val * t_val)
    level = levels.classify(d_val)
    table = pd.DataFrame(
        {
            "C": c_val,
            "T": t_val,
            "D": d_val,
            "level": level,
            "label": np.asarray(levels.labels, dtype=object)[level - 1],
        },
        index=systems.index.copy(),
    )
    return CouplingResult(table=table, form=form, system_weights=a, levels=levels)


def _system_weights(
    weights: Mapping[str, float] | Sequence[float] | None, columns: pd.Index
) -> pd.Series:
    n = len(columns)
    if weights is None:
        return pd.Series(np.full(n, 1.0 / n), index=columns, name="weight")
    if isinstance(weights, Mapping):
        missing = [c for c in columns if c not in weights]
        extra = [k for k in weights if k not in columns]
        if missing or extra:
            raise ConfigError(
                f"weights must name exactly the systems {list(columns)}; missing {missing}, "
                f"unknown {extra}."
            )
        arr = np.array([float(weights[c]) for c in columns])
    else:
        arr = np.asarray(weights, dtype=float)
        if arr.shape != (n,):
            raise ConfigError(f"weights has {arr.size} values for {n} systems; give one each.")
    if not np.isfinite(arr).all() or (arr < 0).any() or abs(arr.sum() - 1.0) > 1e-9:
        raise ConfigError(
            f"weights={arr.tolist()} must be non-negative and sum to 1 (e.g. 0.5 and 0.5)."
        )
    return pd.Series(arr, index=columns, name="weight")
