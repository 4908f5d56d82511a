"""Indicator systems and the checks every index method runs on its input.

An :class:`IndicatorSystem` says, for each indicator column, the dimension (first-level indicator)
it belongs to and its direction: ``"positive"`` (more is better) or ``"negative"`` (less is
better). :func:`check_indicator_frame` validates a frame once, at the boundary of the index
functions, with messages that name the region, the year and the indicator.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from spatialpanel.errors import ConfigError, DataError, check_option, did_you_mean

__all__ = [
    "Direction",
    "Indicator",
    "IndicatorSystem",
    "Variant",
    "check_indicator_frame",
    "check_option",
    "row_label",
    "show",
]

Direction = Literal["positive", "negative"]
Variant = Literal["panel", "year"]
_DIRECTIONS: tuple[str, ...] = ("positive", "negative")
_SHOW = 5  # how many offending cells an error message lists


@dataclass(frozen=True)
class Indicator:
    """One indicator of a system: its dimension and direction."""

    dimension: str
    direction: Direction

    def __post_init__(self) -> None:
        check_option("direction", self.direction, _DIRECTIONS)
        if not isinstance(self.dimension, str) or not self.dimension.strip():
            raise ConfigError(
                f"dimension={self.dimension!r} must be a non-empty string naming the "
                "first-level indicator the column belongs to."
            )


@dataclass(frozen=True)
class IndicatorSystem(Mapping[str, Indicator]):
    """An ordered, immutable mapping indicator column -> :class:`Indicator`.

    Build it with :meth:`from_mapping`, which accepts ``{col: (dimension, direction)}``,
    ``{col: {"dimension": ..., "direction": ...}}`` (the study TOML form) or
    ``{col: Indicator(...)}``.
    """

    items_: tuple[tuple[str, Indicator], ...]

    def __post_init__(self) -> None:
        if not self.items_:
            raise ConfigError("indicators is empty; give at least one indicator column.")
        names = [name for name, _ in self.items_]
        if len(set(names)) != len(names):
            dup = sorted({n for n in names if names.count(n) > 1})
            raise ConfigError(f"indicators lists {dup} more than once; list each column once.")

    @classmethod
    def from_mapping(cls, indicators: Mapping[str, Any] | IndicatorSystem) -> IndicatorSystem:
        """Build a system from one of the accepted mapping forms (see the class docstring)."""
        if isinstance(indicators, IndicatorSystem):
            return indicators
        if not isinstance(indicators, Mapping):
            raise ConfigError(
                "indicators must be a mapping column -> (dimension, direction); "
                f"got {type(indicators).__name__}."
            )
        items: list[tuple[str, Indicator]] = []
        for col, spec in indicators.items():
            if isinstance(spec, Indicator):
                ind = spec
            elif isinstance(spec, Mapping):
                # labels in other languages, units and sources describe the indicator for
                # readers (a study file's indicator tables); they do not change the index
                described = {"label", "unit", "source"}
                unknown = sorted(
                    k
                    for k in set(spec) - {"dimension", "direction", *described}
                    if not str(k).startswith("label_")
                )
                if unknown:
                    raise ConfigError(
                        f"indicators[{col!r}] has unknown key(s) {unknown}; use 'dimension', "
                        "'direction' and optionally 'label', 'label_zh', 'unit', 'source'."
                        + did_you_mean(unknown[0], ("dimension", "direction", *sorted(described)))
                    )
                if "direction" not in spec:
                    raise ConfigError(
                        f"indicators[{col!r}] has no 'direction'; add direction = "
                        "'positive' or 'negative'."
                    )
                ind = Indicator(
                    dimension=str(spec.get("dimension", "All indicators")),
                    direction=cast(Direction, spec["direction"]),
                )
            elif isinstance(spec, tuple | list) and len(spec) == 2:
                ind = Indicator(dimension=str(spec[0]), direction=cast(Direction, spec[1]))
            else:
                raise ConfigError(
                    f"indicators[{col!r}]={spec!r} is not understood; give a (dimension, "
                    "direction) pair such as ('Affluence', 'positive')."
                )
            items.append((str(col), ind))
        return cls(tuple(items))

    @classmethod
    def uniform(
        cls, directions: Mapping[str, Direction], *, dimension: str = "All indicators"
    ) -> IndicatorSystem:
        """A one-dimension system from ``{column: direction}``."""
        if not isinstance(directions, Mapping):
            raise ConfigError(
                "directions must be a mapping column -> 'positive' | 'negative'; "
                f"got {type(directions).__name__}."
            )
        return cls(tuple((str(c), Indicator(dimension, d)) for c, d in directions.items()))

    # Mapping protocol
    def __getitem__(self, key: str) -> Indicator:
        for name, ind in self.items_:
            if name == key:
                return ind
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self.items_)

    def __len__(self) -> int:
        return len(self.items_)

    @property
    def columns(self) -> list[str]:
        """Indicator columns in system order."""
        return [name for name, _ in self.items_]

    @property
    def dimensions(self) -> list[str]:
        """Dimensions in order of first appearance."""
        return list(dict.fromkeys(ind.dimension for _, ind in self.items_))

    @property
    def negative(self) -> NDArray[np.bool_]:
        """Boolean mask (system order) of the negative indicators."""
        return np.array([ind.direction == "negative" for _, ind in self.items_], dtype=bool)


def show(value: object) -> str:
    """A label for messages: numpy scalars as plain numbers, strings quoted."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, tuple):
        return "(" + ", ".join(show(v) for v in value) + ")"
    return repr(value)


def row_label(index: pd.Index, position: int) -> str:
    """Describe row ``position`` as ``"region X, year Y"`` (or ``"row X"`` for a flat index)."""
    key = index[position]
    if isinstance(index, pd.MultiIndex) and index.nlevels == 2:
        return f"region {show(key[0])}, year {show(key[1])}"
    return f"row {show(key)}"


def check_indicator_frame(
    frame: pd.DataFrame,
    system: IndicatorSystem,
    *,
    argument: str = "frame",
    variant: Variant = "panel",
) -> NDArray[np.float64]:
    """Validate ``frame[system.columns]`` and return it as a float array (a copy).

    Refuses: a non-DataFrame, missing columns, duplicated rows, non-numeric columns, NaN or
    infinite cells (naming region, year and indicator), fewer than two rows, a constant indicator
    (zero range; per year in the per-year variant). The per-year variant needs an
    (entity, time) MultiIndex.
    """
    if not isinstance(frame, pd.DataFrame):
        raise DataError(f"{argument} must be a pandas DataFrame; got {type(frame).__name__}.")
    missing = [c for c in system.columns if c not in frame.columns]
    if missing:
        cols = [str(c) for c in frame.columns]
        raise DataError(
            f"{argument} has no column(s) {missing} named in indicators; present are {cols}."
            + did_you_mean(missing[0], cols)
        )
    if frame.index.has_duplicates:
        dup = frame.index[frame.index.duplicated()][0]
        raise DataError(f"{argument} has duplicated row {show(dup)}; give each region-year once.")
    if variant == "year" and not (
        isinstance(frame.index, pd.MultiIndex) and frame.index.nlevels == 2
    ):
        raise DataError(
            f"variant='year' needs {argument} with an (entity, time) MultiIndex; "
            "set it with frame.set_index([entity, time]) or use variant='panel'."
        )
    for col in system.columns:
        if not pd.api.types.is_numeric_dtype(frame[col]) or pd.api.types.is_bool_dtype(frame[col]):
            raise DataError(
                f"{argument}[{col!r}] is not numeric (dtype {frame[col].dtype}); convert it "
                "in the data layer (spatialpanel.read_panel) before building an index."
            )
    values = frame[system.columns].to_numpy(dtype=float, na_value=np.nan, copy=True)
    bad = ~np.isfinite(values)
    if bad.any():
        bad_rows, bad_cols = np.nonzero(bad)
        cells = [
            f"{row_label(frame.index, int(r))}, indicator {system.columns[int(c)]!r}"
            for r, c in zip(bad_rows[:_SHOW], bad_cols[:_SHOW], strict=True)
        ]
        raise DataError(
            f"{argument} has {len(bad_rows)} missing or infinite cell(s): "
            + "; ".join(cells)
            + ". Fill them in the data layer (spatialpanel.fill_missing) first."
        )
    if values.shape[0] < 2:
        raise DataError(f"{argument} has {values.shape[0]} row(s); an index needs at least two.")
    groups: list[tuple[str, NDArray[np.intp]]]
    if variant == "year":
        times = frame.index.get_level_values(1)
        groups = [
            (f" in year {show(t)}", np.flatnonzero(np.asarray(times == t)))
            for t in pd.unique(times)
        ]
    else:
        groups = [("", np.arange(values.shape[0]))]
    for where, rows_ in groups:
        if rows_.size < 2:
            raise DataError(
                f"{argument} has a single region{where}; the per-year variant needs at least "
                "two regions per year."
            )
        block = values[rows_]
        flat = np.ptp(block, axis=0) == 0
        if flat.any():
            names = [system.columns[j] for j in np.flatnonzero(flat)]
            raise DataError(
                f"indicator(s) {names} are constant{where} (zero range), so min-max "
                "standardisation is undefined; drop them from indicators."
            )
    return values


def group_positions(index: pd.Index, variant: Variant) -> list[tuple[Hashable, NDArray[np.intp]]]:
    """Row positions of each block that is weighted separately: all rows, or each year."""
    if variant == "panel":
        return [("all", np.arange(len(index)))]
    times = index.get_level_values(1)
    return [(t, np.flatnonzero(np.asarray(times == t))) for t in sorted(pd.unique(times))]
