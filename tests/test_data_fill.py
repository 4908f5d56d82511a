"""fill_missing: the seed paper's linear interpolation / extrapolation and the alternatives.

Every expected number below is worked by hand from the small series in ``_panel``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from spatialpanel.data.fill import fill_missing
from spatialpanel.errors import ConfigError, DataError


def _panel() -> pd.DataFrame:
    nan = np.nan
    index = pd.MultiIndex.from_product(
        [[110000, 120000], [2014, 2015, 2016, 2017, 2018]], names=["province", "year"]
    )
    return pd.DataFrame(
        {
            # Beijing: gaps at the start, inside (two years) and at the end
            # Tianjin: complete
            "x": [nan, 2.0, nan, nan, 8.0, 1.0, 2.0, 3.0, 4.0, 5.0],
            "y": [10.0, 12.0, 15.0, nan, nan, 1.0, nan, 1.0, 1.0, 1.0],
        },
        index=index,
    )


def test_linear_interpolation_and_extrapolation() -> None:
    frame = _panel()
    before = frame.copy()
    filled, audit = fill_missing(frame)
    pd.testing.assert_frame_equal(frame, before)  # the caller's frame is not modified
    bj = filled.loc[110000]
    # x: 2015 = 2, 2018 = 8: slope 2 per year -> 2016 = 4, 2017 = 6; backward from 2015, 2018:
    # 2014 = 2 - 2 = 0
    assert bj["x"].tolist() == [0.0, 2.0, 4.0, 6.0, 8.0]
    # y: forward from the last two observed, 2015 = 12 and 2016 = 15: slope 3 -> 18, 21
    assert bj["y"].tolist() == [10.0, 12.0, 15.0, 18.0, 21.0]
    # Tianjin y 2015: between 2014 (1) and 2016 (1)
    assert filled.loc[(120000, 2015), "y"] == 1.0
    assert len(audit) == 6
    assert set(audit["step"]) == {"fill"}
    row = audit[(audit["entity"] == 110000) & (audit["time"] == 2014)].iloc[0]
    assert row["variable"] == "x" and row["new"] == 0.0 and row["old"] is None
    assert str(row["detail"]) == "linear extrapolation backward from 2015 (2) and 2018 (8)"
    row = audit[(audit["entity"] == 110000) & (audit["time"] == 2017) & (audit["variable"] == "y")]
    assert str(row["detail"].iloc[0]) == (
        "linear extrapolation forward from 2015 (12) and 2016 (15)"
    )


def test_nearest_and_mean() -> None:
    filled, _ = fill_missing(_panel(), method="nearest")
    # x: 2014 -> 2015 (2); 2016 -> 2015 (2, nearer); 2017 -> 2018 (8)
    assert filled.loc[110000, "x"].tolist() == [2.0, 2.0, 2.0, 8.0, 8.0]
    assert filled.loc[110000, "y"].tolist() == [10.0, 12.0, 15.0, 15.0, 15.0]
    filled, audit = fill_missing(_panel(), method="mean")
    assert filled.loc[110000, "x"].tolist() == [5.0, 2.0, 5.0, 5.0, 8.0]
    assert filled.loc[(110000, 2017), "y"] == pytest.approx(37.0 / 3.0, abs=1e-12)
    assert "mean of the 3 observed years" in [str(d) for d in audit["detail"]]


def test_nearest_tie_takes_the_earlier_year() -> None:
    index = pd.MultiIndex.from_product([[1], [2000, 2001, 2002]], names=["id", "t"])
    frame = pd.DataFrame({"v": [1.0, np.nan, 3.0]}, index=index)
    filled, audit = fill_missing(frame, method="nearest")
    assert filled["v"].tolist() == [1.0, 1.0, 3.0]
    assert str(audit["detail"][0]) == "nearest observed year 2000 (1)"


def test_none_refuses_listing_the_cells() -> None:
    with pytest.raises(
        DataError,
        match=r"method='none' refuses missing cells, and 6 are missing: "
        r"'x': 北京市 \(Beijing, 110000\) 2014, 北京市 \(Beijing, 110000\) 2016",
    ):
        fill_missing(_panel(), method="none")


def test_complete_frame_is_returned_as_a_copy() -> None:
    frame = _panel().loc[[120000]].drop(columns="y")
    filled, audit = fill_missing(frame, method="none")
    pd.testing.assert_frame_equal(filled, frame)
    assert filled is not frame
    assert audit.empty and list(audit.columns) == [
        "step",
        "entity",
        "time",
        "variable",
        "old",
        "new",
        "detail",
    ]


def test_fewer_than_two_years_names_variable_and_region() -> None:
    frame = _panel()
    frame.loc[(110000, 2015), "x"] = np.nan
    with pytest.raises(
        DataError,
        match=r"variable 'x' has 1 observed year\(s\) for region "
        r"北京市 \(Beijing, 110000\)",
    ):
        fill_missing(frame)


def test_extrapolation_out_of_bounds_is_refused() -> None:
    index = pd.MultiIndex.from_product([[110000], [2014, 2015, 2016]], names=["p", "y"])
    frame = pd.DataFrame({"share": [np.nan, 1.0, 3.0]}, index=index)
    # backward from 2015 (1), 2016 (3): 2014 = -1 < 0
    with pytest.raises(
        DataError,
        match=r"filling \(linear\) column 'share', region 北京市 "
        r"\(Beijing, 110000\), 2014: the filled value .* -1 .* below 0",
    ):
        fill_missing(frame, nonnegative=["share"])
    filled, _ = fill_missing(frame, method="nearest", bounds={"share": (0, 100)})
    assert filled["share"].tolist() == [1.0, 1.0, 3.0]


def test_bad_arguments() -> None:
    with pytest.raises(ConfigError, match=r"method='linaer' is not a fill method.*'linear'"):
        fill_missing(_panel(), method="linaer")  # type: ignore[arg-type]
    with pytest.raises(DataError, match="two-level"):
        fill_missing(_panel().reset_index())
    with pytest.raises(ConfigError, match="column 'z', which the data does not have"):
        fill_missing(_panel(), nonnegative=["z"])
    text = _panel().astype(object)
    text.iloc[0, 0] = "a"
    with pytest.raises(DataError, match="non-numeric columns"):
        fill_missing(text)


def test_unsorted_input_keeps_its_order() -> None:
    frame = _panel().iloc[::-1]
    filled, _ = fill_missing(frame)
    assert list(filled.index) == list(frame.index)
    assert filled.loc[(110000, 2014), "x"] == 0.0
    assert not math.isnan(filled.to_numpy().sum())
