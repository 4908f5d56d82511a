"""Panel labels found in review: a missing region label was accepted silently; ids that differ
only in type (1 vs "1") got a message that did not say so."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import spatialpanel as sp
from spatialpanel.errors import DataError, WeightsError


def _data(ids: list[object]) -> pd.DataFrame:
    idx = pd.MultiIndex.from_product([ids, [2001, 2002, 2003]], names=["id", "year"])
    rng = np.random.default_rng(0)
    return pd.DataFrame({"y": rng.normal(size=len(idx)), "x": rng.normal(size=len(idx))}, idx)


def _w(ids: list[object]) -> sp.SpatialWeights:
    ring = np.roll(np.eye(4), 1, axis=1) + np.roll(np.eye(4), -1, axis=1)
    return sp.SpatialWeights.from_array(ring, ids=ids)


def test_a_missing_region_label_is_refused() -> None:
    data = _data([1.0, 2.0, 3.0, np.nan])
    with pytest.raises(DataError, match=r"rows without a region label \('id' is missing\)"):
        sp.SpatialPanelModel(data, y="y", x=["x"], w=_w([1.0, 2.0, 3.0, 4.0]), model="sar")


def test_ids_that_match_only_as_text_are_named_as_such() -> None:
    data = _data(["1", "2", "3", "4"])
    msg = r"match only as text: w's ids are int64, the data's str"
    with pytest.raises(WeightsError, match=msg):
        sp.SpatialPanelModel(data, y="y", x=["x"], w=_w([1, 2, 3, 4]), model="sar")
