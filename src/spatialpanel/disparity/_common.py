"""Helpers shared by the disparity tools: panel checks and region groups."""

from __future__ import annotations

from collections.abc import Hashable, Mapping

import numpy as np
import pandas as pd

from spatialpanel.errors import ConfigError, DataError

__all__ = ["align_controls", "balanced_wide", "check_panel", "group_order", "resolve_groups"]

_DIVISIONS = ("region_4", "region_3belt", "region_3belt_1986")


def check_panel(values: pd.Series, *, name: str = "values") -> pd.Series:
    """Validate a panel Series with an (entity, time) MultiIndex; return a float copy.

    Raises a :class:`DataError` naming the region and year of a missing or infinite value and
    the duplicated region-years.
    """
    if not isinstance(values, pd.Series):
        raise DataError(
            f"{name} must be a pandas Series with an (entity, time) MultiIndex; got "
            f"{type(values).__name__}. Pass e.g. ctx.scores['cp']['score']."
        )
    if not isinstance(values.index, pd.MultiIndex) or values.index.nlevels != 2:
        raise DataError(
            f"{name} must have a two-level (entity, time) MultiIndex; got index levels "
            f"{list(values.index.names)}. Use series.set_axis(pd.MultiIndex.from_arrays(...))."
        )
    out = values.astype(float).copy()
    if out.index.has_duplicates:
        dup = out.index[out.index.duplicated()].tolist()[:5]
        raise DataError(f"{name} has duplicated (entity, time) pairs: {dup}. Keep one row each.")
    bad = ~np.isfinite(out.to_numpy())
    if bad.any():
        where = out.index[bad].tolist()[:5]
        raise DataError(
            f"{name} has missing or infinite values at (entity, time) {where}. Fill them first "
            "(spatialpanel.fill_missing) or drop those regions."
        )
    return out


def balanced_wide(values: pd.Series, *, name: str = "values") -> pd.DataFrame:
    """Entity x time frame of a balanced panel; raise :class:`DataError` when unbalanced."""
    wide = values.unstack(level=1).sort_index(axis=0).sort_index(axis=1)
    if wide.isna().any().any():
        miss = wide.isna().stack()
        where = miss.index[miss.to_numpy(dtype=bool)].tolist()[:5]
        raise DataError(
            f"{name} is not a balanced panel: no value for (entity, time) {where}. Every region "
            "needs a value in every year for this tool; fill or drop them first."
        )
    return wide


def resolve_groups(
    groups: pd.Series | Mapping[Hashable, Hashable] | str,
    entities: pd.Index,
    *,
    name: str = "groups",
) -> pd.Series:
    """Map each entity to its group label.

    ``groups`` is a division name of :func:`spatialpanel.data.china.region_of` (``"region_4"``,
    ``"region_3belt"``, ``"region_3belt_1986"``; entities must then be GB/T 2260 codes), or a
    Series / mapping entity -> label.
    """
    if isinstance(groups, str):
        if groups not in _DIVISIONS:
            from spatialpanel.errors import did_you_mean

            raise ConfigError(
                f"{name}={groups!r} is not a known division; use one of {_DIVISIONS} or pass a "
                "Series mapping each region to its group." + did_you_mean(groups, _DIVISIONS)
            )
        from spatialpanel.data.china import region_of

        mapping = region_of(division=groups)  # type: ignore[arg-type]
    elif isinstance(groups, pd.Series):
        mapping = groups
    else:
        mapping = pd.Series(dict(groups))
    missing = [e for e in entities if e not in mapping.index or pd.isna(mapping.get(e))]
    if missing:
        raise DataError(
            f"{name} gives no group for regions {missing[:10]}. Give every region a group "
            "(for China codes use groups='region_4' or 'region_3belt')."
        )
    if mapping.index.has_duplicates:
        dup = mapping.index[mapping.index.duplicated()].tolist()[:5]
        raise DataError(f"{name} lists regions {dup} more than once; give each region one group.")
    out = mapping.reindex(entities)  # keeps a categorical's category order
    out.name = "group"
    return out


def group_order(labels: pd.Series) -> list[Hashable]:
    """Canonical group order: categories order for a categorical, else sorted labels."""
    if isinstance(labels.dtype, pd.CategoricalDtype):
        present = set(labels)
        return [c for c in labels.cat.categories if c in present]
    return sorted(pd.unique(labels), key=str)


def align_controls(controls: pd.DataFrame, index: pd.MultiIndex) -> pd.DataFrame:
    """Controls (entity, time)-indexed, reindexed to ``index``; DataError on gaps or bad values."""
    if not isinstance(controls, pd.DataFrame) or not (
        isinstance(controls.index, pd.MultiIndex) and controls.index.nlevels == 2
    ):
        raise DataError(
            "controls must be a DataFrame with an (entity, time) MultiIndex, like the panel."
        )
    missing = index[~index.isin(controls.index)]
    if len(missing):
        raise DataError(f"controls has no row for (entity, time) {missing.tolist()[:5]}.")
    ctrl = controls.reindex(index).astype(float)
    if not np.all(np.isfinite(ctrl.to_numpy())):
        raise DataError("controls has missing or infinite values; fill them first.")
    return ctrl
