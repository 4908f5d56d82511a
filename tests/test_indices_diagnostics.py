"""Jumps, common breaks and the weights they take (spatialpanel.indices.diagnostics), issue 16.

Every panel here is constructed so that the answer is known by construction: smooth growth with
small deterministic noise (nothing to flag), one region's level tripled from one year on (one
jump), every region's level cut by a fifth in one year (a common break), a spike up and back (two
jumps), and an indicator that is flat but for a break in the last year (a break that makes the
entropy weight: splicing it away must take the weight back below the equal weight).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spatialpanel.errors import ConfigError, DataError
from spatialpanel.indices.composite import composite_index
from spatialpanel.indices.diagnostics import detect_jumps, splice, weight_diagnostics

N, YEARS = 12, list(range(2014, 2024))


def _panel(**columns: np.ndarray) -> pd.DataFrame:
    index = pd.MultiIndex.from_product([range(1, N + 1), YEARS], names=["region", "year"])
    return pd.DataFrame({k: v.reshape(-1) for k, v in columns.items()}, index=index)


def _smooth(seed: int, *, growth: float = 0.05, level: float = 10.0) -> np.ndarray:
    """N x T: region levels from level to 3·level, growth ± small noise, strictly positive."""
    rng = np.random.default_rng(seed)
    base = np.linspace(level, 3 * level, N)[:, None]
    steps = growth + 0.01 * rng.standard_normal((N, len(YEARS)))
    steps[:, 0] = 0.0
    return base * np.exp(np.cumsum(steps, axis=1))


def test_smooth_panel_has_nothing_to_flag() -> None:
    frame = _panel(a=_smooth(1), b=_smooth(2, growth=0.02))
    report = detect_jumps(frame)
    assert report.jumps.empty and report.breaks.empty
    assert list(report.summary["jumps"]) == [0, 0]
    assert report.summary.loc["a", "scale"] == "log"
    assert report.summary.loc["a", "centre"] == pytest.approx(0.05, abs=0.005)
    assert not report.flagged("a") and report.describe("a") == ""


def test_one_region_level_shift_is_one_jump() -> None:
    x = _smooth(3)
    x[4, 6:] *= 3.0  # region 5 triples from 2020 on
    report = detect_jumps(_panel(x=x))
    assert report.breaks.empty
    assert len(report.jumps) == 1
    jump = report.jumps.iloc[0]
    assert (jump["entity"], jump["time"]) == (5, 2020)
    assert jump["change"] == pytest.approx(np.log(x[4, 6] / x[4, 5]))
    assert jump["change"] == pytest.approx(np.log(3.0) + 0.05, abs=0.04)
    assert report.summary.loc["x", "jump_years"] == [2020]
    assert "1 region-year jump in 2020 (largest: E in 2020, +" in report.describe(
        "x", names={5: "E"}
    )


def test_spike_up_and_back_gives_two_jumps() -> None:
    x = _smooth(4)
    x[2, 4] *= 2.5  # region 3, 2018 only
    report = detect_jumps(_panel(x=x))
    assert sorted(zip(report.jumps["entity"], report.jumps["time"], strict=True)) == [
        (3, 2018),
        (3, 2019),
    ]


def test_common_break_is_a_break_year() -> None:
    x = _smooth(5)
    x[:, 5:] *= 0.8  # every region: −20 % in 2019 (a new definition)
    report = detect_jumps(_panel(x=x))
    assert report.summary.loc["x", "break_years"] == [2019]
    row = report.breaks.iloc[0]
    assert row["time"] == 2019
    assert row["median_change"] == pytest.approx(np.log(0.8) + 0.05, abs=0.01)
    assert "a common break in 2019" in report.describe("x")


def test_thresholds_move_the_flags() -> None:
    x = _smooth(6)
    x[7, 8] *= 1.15  # a moderate jump: about 14 usual deviations
    frame = _panel(x=x)
    assert len(detect_jumps(frame).jumps) >= 1
    assert detect_jumps(frame, threshold=1000).jumps.empty


def test_difference_scale_with_non_positive_values() -> None:
    x = _smooth(7) - 20.0  # some values negative: changes are differences
    x[0, 3:] += 50.0
    report = detect_jumps(_panel(x=x))
    assert report.summary.loc["x", "scale"] == "difference"
    assert (report.jumps["entity"] == 1).all() and set(report.jumps["time"]) == {2017}


def test_missing_cells_break_the_chain_only() -> None:
    x = _smooth(8)
    x[1, 3] = np.nan
    frame = _panel(x=x)
    report = detect_jumps(frame)
    changes = report.changes["x"]
    assert np.isnan(changes.loc[(2, 2017)]) and np.isnan(changes.loc[(2, 2018)])
    assert report.jumps.empty


def test_splice_removes_the_break_and_keeps_the_latest_year() -> None:
    x = _smooth(9)
    x[:, 5:] *= 0.8
    frame = _panel(x=x)
    report = detect_jumps(frame)
    spliced = splice(frame, report, "x")
    last = spliced.xs(2023, level="year")
    np.testing.assert_allclose(last.to_numpy(), frame["x"].xs(2023, level="year").to_numpy())
    again = detect_jumps(spliced.to_frame("x"))
    assert again.breaks.empty and again.jumps.empty
    # changes away from the break year are untouched
    before = np.log(frame["x"]).groupby(level=0).diff()
    after = np.log(spliced).groupby(level=0).diff()
    keep = before.index.get_level_values(1) != 2019
    np.testing.assert_allclose(after[keep].dropna(), before[keep].dropna(), rtol=1e-12)


def test_a_break_that_makes_the_entropy_weight_is_flagged() -> None:
    rng = np.random.default_rng(10)
    a, b = _smooth(11), _smooth(12, growth=0.03)
    flat = 5.0 + 0.02 * rng.standard_normal((N, len(YEARS)))
    flat[:, -1] *= 3.0  # every region triples in 2023 only: a new definition
    frame = _panel(a=a, b=b, flat=flat)
    system = {c: ("All", "positive") for c in frame.columns}
    result = composite_index(frame, indicators=system)
    diag = weight_diagnostics(frame, result)
    row = diag.loc["flat"]
    assert row["break_years"] == [2023]
    assert row["vs_equal"] >= 1.5 and bool(row["flag"])
    assert row["weight_spliced"] < 1 / 3 < row["weight"]
    assert "a common break in 2023" in row["detail"]
    assert not diag.loc["a", "flag"] and diag.loc["a", "weight_spliced"] == diag.loc["a", "weight"]
    assert diag["weight"].sum() == pytest.approx(1.0)


def test_outsized_without_jumps_is_not_flagged() -> None:
    skewed = _smooth(13)
    skewed[0] *= 20.0  # one region far above the others in every year: dispersion, no break
    frame = _panel(a=_smooth(14), b=_smooth(15), skewed=skewed)
    result = composite_index(frame, indicators={c: ("All", "positive") for c in frame})
    diag = weight_diagnostics(frame, result)
    assert diag.loc["skewed", "vs_equal"] >= 1.5
    assert not diag["flag"].any()


def test_per_year_variant_uses_mean_weights() -> None:
    frame = _panel(a=_smooth(16), b=_smooth(17), c=_smooth(18))
    result = composite_index(
        frame, indicators={c: ("All", "positive") for c in frame}, variant="year"
    )
    diag = weight_diagnostics(frame, result)
    mean = result.weights["weight"].groupby(level="indicator").mean()
    np.testing.assert_allclose(diag["weight"], mean.reindex(diag.index))


def test_bad_input_is_refused_with_the_fix() -> None:
    frame = _panel(a=_smooth(19))
    with pytest.raises(DataError, match="MultiIndex"):
        detect_jumps(frame.reset_index())
    with pytest.raises(ConfigError, match="threshold"):
        detect_jumps(frame, threshold=0)
    with pytest.raises(ConfigError, match="year_threshold"):
        detect_jumps(frame, year_threshold=float("nan"))
    with pytest.raises(DataError, match=r"\['b'\]"):
        detect_jumps(frame, columns=["b"])
    with pytest.raises(ConfigError, match="IndexResult"):
        weight_diagnostics(frame, object())


def test_a_region_on_its_own_steady_path_is_not_a_jump() -> None:
    """A lagging region catching up by +17 % every year is its path, not a break."""
    x = _smooth(20)
    x[3] = x[3, 0] * np.exp(0.16 * np.arange(len(YEARS)))
    report = detect_jumps(_panel(x=x))
    assert report.jumps.empty
    # under the indicator-wide rule alone its every change would be far from the usual one
    change = report.changes["x"].xs(4, level="region").dropna()
    usual = report.summary.loc["x", "usual"]
    assert ((change - report.summary.loc["x", "centre"]).abs() / usual > 10).all()
