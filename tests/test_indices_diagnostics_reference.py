"""``detect_jumps`` and ``splice`` (vectorised, issue 18) against their former code, bit for bit.

``detect_jumps`` was rewritten with numpy (every indicator at once, one sort of the panel, group
medians by sorting) to cut its cost in a study run about tenfold, and ``splice`` rebuilds every
region's series a year at a time for all regions at once. Their results must not move: the audit
rows, the warnings and the spliced weights quote them. The former implementations are kept below
as the reference (``_reference``, verbatim from commit 356d93a but for returning the four frames
instead of a ``JumpReport``, and ``_reference_splice``), and every frame of the report is compared
with
``check_exact=True`` on the bundled panels (the synthetic demo and city panels and the REAL NBS
panel) and on constructed panels with gaps, missing cells, non-positive values, constant and
mostly constant series, a single region, jumps and common breaks.

One deliberate change: ``previous`` is now the value in the region's year before the jump. The
former code took the region's previous *row*, which is the same in a frame sorted by year within
each region (every frame the package builds) but not in an unsorted one; that case is tested
against the data itself.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

import spatialpanel as sp
from spatialpanel.errors import DataError
from spatialpanel.indices.diagnostics import JumpReport, _group_median, detect_jumps, splice

# ----------------------------------------------------------------------------------------------
# REFERENCE ONLY: the pandas implementation of detect_jumps before issue 18 (commit 356d93a).
# Not used by the package; do not "fix" it, it pins the vectorised version to the last bit.
# ----------------------------------------------------------------------------------------------


def _reference_changes(series: pd.Series) -> tuple[pd.Series, str]:
    observed = series.dropna()
    log = bool(len(observed)) and bool((observed > 0).all())
    values = np.log(series.where(series > 0)) if log else series
    ordered = values.sort_index(level=[0, 1])
    times = pd.Series(ordered.index.get_level_values(1), index=ordered.index)
    grouped = ordered.groupby(level=0, sort=False)
    step = times.groupby(level=0, sort=False).diff()
    change = grouped.diff().where(step == 1)
    return change.reindex(series.index), "log" if log else "difference"


def _reference(
    frame: pd.DataFrame,
    *,
    columns: list[str] | None = None,
    threshold: float = 10.0,
    year_threshold: float = 4.0,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    names = (
        [str(c) for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
        if columns is None
        else [str(c) for c in columns]
    )
    summary_rows, jump_rows, break_rows = [], [], []
    changes = pd.DataFrame(index=frame.index)
    for col in names:
        change, scale = _reference_changes(frame[col].astype(float))
        changes[col] = change
        valid = change.dropna()
        centre = float(valid.median()) if len(valid) else np.nan
        dev = (valid - centre).abs()
        usual = float(dev.median()) if len(valid) else np.nan
        if usual == 0.0:
            usual = float(dev.mean())
        jump_years: list[int] = []
        break_years: list[int] = []
        if len(valid) and usual > 0:
            own = valid.groupby(level=0).transform("median")
            own_dev = (valid - own).abs()
            spread = np.maximum(usual, own_dev.groupby(level=0).transform("median"))
            ratio: pd.Series = own_dev / spread
            flagged: pd.Series = ratio[ratio > threshold]
            prev = frame[col].groupby(level=0).shift(1)
            keys: list[tuple[Any, Any]] = list(flagged.index)
            for key in keys:
                jump_rows.append(
                    {
                        "indicator": col,
                        "entity": key[0],
                        "time": int(key[1]),
                        "previous": float(prev.loc[key]),
                        "value": float(frame[col].loc[key]),
                        "change": float(valid.loc[key]),
                        "usual_change": float(own.loc[key]),
                        "ratio": float(ratio.loc[key]),
                    }
                )
            jump_years = sorted({int(k[1]) for k in keys})
            medians = valid.groupby(level=1).median()
            for t, m in zip(medians.index.tolist(), medians.tolist(), strict=True):
                r = abs(float(m) - centre) / usual
                if r > year_threshold:
                    break_years.append(int(t))
                    break_rows.append(
                        {"indicator": col, "time": int(t), "median_change": float(m), "ratio": r}
                    )
        summary_rows.append(
            {
                "indicator": col,
                "scale": scale,
                "centre": centre,
                "usual": usual,
                "jumps": sum(1 for r in jump_rows if r["indicator"] == col),
                "jump_years": jump_years,
                "break_years": break_years,
            }
        )
    jump_cols = ["indicator", "entity", "time", "previous", "value", "change"]
    jump_cols += ["usual_change", "ratio"]
    break_cols = ["indicator", "time", "median_change", "ratio"]
    return (
        pd.DataFrame(summary_rows).set_index("indicator"),
        pd.DataFrame(jump_rows, columns=jump_cols),
        pd.DataFrame(break_rows, columns=break_cols),
        changes,
    )


def _reference_splice(frame: pd.DataFrame, report: JumpReport, indicator: str) -> pd.Series:
    row = report.info(indicator)
    change = report.changes[indicator].copy()
    flagged = pd.Series(False, index=change.index)
    jumps = report.jumps[report.jumps["indicator"] == indicator]
    for entity, time in zip(jumps["entity"], jumps["time"], strict=True):
        flagged.loc[(entity, time)] = True
    times = change.index.get_level_values(1)
    for t in row["break_years"]:
        flagged |= np.asarray(times == t) & change.notna().to_numpy()
    own = change.groupby(level=0).transform("median")
    change = change.where(~flagged, own.fillna(row["centre"]))
    log = row["scale"] == "log"
    source = frame[indicator].astype(float)
    out = source.copy()
    for _, series in source.groupby(level=0, sort=False):
        s = series.sort_index(level=1)
        level = np.log(s.to_numpy()) if log else s.to_numpy().copy()
        steps = change.loc[s.index].to_numpy()
        for k in range(len(level) - 2, -1, -1):
            if np.isfinite(steps[k + 1]) and np.isfinite(level[k]):
                level[k] = level[k + 1] - steps[k + 1]
        out.loc[s.index] = np.exp(level) if log else level
    return out


# ----------------------------------------------------------------------------------------------


def _assert_same(report: JumpReport, frame: pd.DataFrame, **options: Any) -> None:
    summary, jumps, breaks, changes = _reference(frame, **options)
    pd.testing.assert_frame_equal(report.summary, summary, check_exact=True)
    pd.testing.assert_frame_equal(report.jumps, jumps, check_exact=True)
    pd.testing.assert_frame_equal(report.breaks, breaks, check_exact=True)
    pd.testing.assert_frame_equal(report.changes, changes, check_exact=True)
    # the lists in the summary, element by element (assert_frame_equal compares object cells)
    for col in ("jump_years", "break_years"):
        assert [list(v) for v in report.summary[col]] == [list(v) for v in summary[col]]


# the defaults; lower ones; and ones so low that nearly every region-year and year is flagged, so
# that every region's and year's median reaches the report (usual_change, median_change, ratio)
SETTINGS = [
    {},
    {"threshold": 3.0, "year_threshold": 1.0},
    {"threshold": 1e-3, "year_threshold": 1e-3},
]


@pytest.mark.parametrize("options", SETTINGS)
@pytest.mark.parametrize(
    "name", ["china-demo-synthetic", "china-provinces-nbs", "china-cities-synthetic"]
)
def test_bundled_panels_give_the_former_report(name: str, options: dict[str, float]) -> None:
    frame = sp.load_example(name)
    if name == "china-cities-synthetic" and options == SETTINGS[2]:
        frame = frame[frame.columns[:4]]  # the reference's row-by-row look-ups take a while
    report = detect_jumps(frame, **options)
    _assert_same(report, frame, **options)
    if name == "china-provinces-nbs" and not options:
        # the real panel has both kinds of flag: the comparison covers them
        assert len(report.jumps) > 10 and len(report.breaks) > 0


def test_the_data_stage_frame_gives_the_former_report() -> None:
    """The demo panel with its missing cells and a column subset, as the stages call it."""
    frame = sp.load_example("china-demo-synthetic")
    early = frame.index.get_level_values(1) < 2016
    frame.loc[early, frame.columns[:6]] = np.nan  # cells outside a variable's years
    cols = list(frame.columns[::3])
    _assert_same(detect_jumps(frame, columns=cols), frame, columns=cols)


def _constructed(seed: int, *, regions: int = 10, years: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    index = pd.MultiIndex.from_product(
        [range(1, regions + 1), range(2011, 2011 + years)], names=["region", "year"]
    )
    shape = (regions, years)
    base = np.linspace(5.0, 40.0, regions)[:, None]
    growth = base * np.exp(np.cumsum(rng.normal(0.05, 0.02, shape), axis=1))
    growth[min(3, regions - 1), 6:] *= 4.0  # one region's jump
    growth[:, 4:] *= 0.7  # a common break
    signed = np.cumsum(rng.normal(0.0, 1.0, shape), axis=1) - 2.0  # crosses zero: differences
    signed[0, 5:] += 25.0
    zeros = np.round(growth, 0)
    zeros[rng.random(shape) < 0.15] = 0.0  # non-positive: differences
    steps = np.cumsum(np.where(rng.random(shape) < 0.2, 1.0, 0.0), axis=1)  # mostly unchanged
    holes = growth * np.exp(rng.normal(0, 0.1, shape))
    holes[rng.random(shape) < 0.25] = np.nan
    columns = {
        "growth": growth,
        "signed": signed,
        "zeros": zeros,
        "flat": np.full(shape, 7.5),  # usual change 0 and mean deviation 0: nothing tested
        "steps": steps,  # median deviation 0: the mean deviation is the usual one
        "holes": holes,
        "empty": np.full(shape, np.nan),
        "count": np.round(growth).astype(np.int64),
    }
    frame = pd.DataFrame({k: v.reshape(-1) for k, v in columns.items()}, index=index)
    frame["label"] = "text"  # not numeric: not examined
    return frame


@pytest.mark.parametrize("options", SETTINGS)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_constructed_panels_give_the_former_report(seed: int, options: dict[str, float]) -> None:
    frame = _constructed(seed)
    report = detect_jumps(frame, **options)
    _assert_same(report, frame, **options)
    assert set(report.summary["scale"]) == {"log", "difference"}
    assert report.summary.loc["steps", "usual"] > 0  # the mean-deviation fallback was taken
    assert report.summary.loc["flat", "usual"] == 0  # no change at all: nothing tested
    assert np.isnan(report.summary.loc["empty", "usual"])


def test_group_medians_are_pandas_groupby_medians() -> None:
    """The kernel behind the region and year medians, on 20,000 groups of 0 to 9 values with
    ties, missing values and infinities (about 3 % of means of two values differ in the last bit
    between ``(a + b) / 2`` and other ways of averaging: this comparison would see it)."""
    rng = np.random.default_rng(13)
    size = 20_000
    groups = rng.integers(0, size, 90_000)
    values = rng.normal(0.05, 0.02, len(groups))
    values[rng.random(len(values)) < 0.1] = np.round(values[:1], 2)[0]  # ties
    values[rng.random(len(values)) < 0.05] = np.nan
    values[rng.random(len(values)) < 0.01] = np.inf
    values[rng.random(len(values)) < 0.01] = -np.inf
    expected = pd.Series(values).groupby(groups).median().reindex(range(size))
    got = pd.Series(_group_median(values, groups, size), index=range(size))
    pd.testing.assert_series_equal(got, expected, check_exact=True, check_index_type=False)
    assert expected.isna().any() and np.isinf(expected).any()


def test_medians_of_even_groups_give_the_former_values() -> None:
    """12 changes per region and 24 regions per year: every median is a mean of two values,
    and with (nearly) every region-year and year flagged each of them is in the report."""
    frame = _constructed(12, regions=24, years=13)[["growth", "signed", "holes"]]
    options = SETTINGS[2]
    report = detect_jumps(frame, **options)
    _assert_same(report, frame, **options)
    assert len(report.jumps) > 0.9 * report.changes.notna().sum().sum()
    assert len(report.breaks) > 30


@pytest.mark.parametrize("seed", [4, 5, 6])
def test_unbalanced_panels_with_gaps_give_the_former_report(seed: int) -> None:
    frame = _constructed(seed, regions=12)
    rng = np.random.default_rng(seed)
    frame = frame[rng.random(len(frame)) > 0.2]  # region-years absent: gaps in the series
    report = detect_jumps(frame)
    _assert_same(report, frame)
    assert len(report.jumps) and len(report.breaks)


def test_a_single_region_and_a_single_year_give_the_former_report() -> None:
    one = _constructed(7, regions=1)
    _assert_same(detect_jumps(one), one)
    _assert_same(detect_jumps(one, threshold=1.0), one, threshold=1.0)
    year = _constructed(8, years=1)
    _assert_same(detect_jumps(year), year)


def test_text_regions_give_the_former_report() -> None:
    frame = _constructed(9)
    frame.index = frame.index.set_levels([f"R{i}" for i in range(1, 11)], level=0)
    _assert_same(detect_jumps(frame), frame)


def test_an_unsorted_frame_reports_the_year_before_as_previous() -> None:
    frame = _constructed(10, regions=12)
    shuffled = frame.iloc[np.random.default_rng(10).permutation(len(frame))]
    report = detect_jumps(shuffled)
    summary, jumps, breaks, changes = _reference(shuffled)
    pd.testing.assert_frame_equal(report.summary, summary, check_exact=True)
    pd.testing.assert_frame_equal(report.breaks, breaks, check_exact=True)
    pd.testing.assert_frame_equal(report.changes, changes, check_exact=True)
    pd.testing.assert_frame_equal(
        report.jumps.drop(columns="previous"), jumps.drop(columns="previous"), check_exact=True
    )
    assert len(report.jumps)
    for row in report.jumps.to_dict("records"):
        before = float(shuffled.loc[(row["entity"], row["time"] - 1), row["indicator"]])
        assert row["previous"] == before
    # the same flags as the sorted frame, in the shuffled frame's row order
    ordered = detect_jumps(frame).jumps.set_index(["indicator", "entity", "time"])
    pd.testing.assert_frame_equal(
        report.jumps.set_index(["indicator", "entity", "time"]).sort_index(),
        ordered.sort_index(),
        check_exact=True,
    )


def test_years_must_be_numbers() -> None:
    frame = _constructed(11)
    frame.index = frame.index.set_levels(frame.index.levels[1].astype(str), level=1)
    with pytest.raises(DataError, match=r"time level 'year' must hold the years as numbers"):
        detect_jumps(frame)


def _flagged_cases() -> list[tuple[str, pd.DataFrame, dict[str, float]]]:
    """(label, frame, settings): the bundled panels (the city panel, whose every indicator is
    flagged at low settings, at the defaults only: the reference takes a while) and constructed
    ones, balanced, with gaps, and with gaps and rows in no order."""
    cases = []
    for name in ("china-demo-synthetic", "china-provinces-nbs", "china-cities-synthetic"):
        frame = sp.load_example(name)
        chosen = SETTINGS[:1] if name == "china-cities-synthetic" else SETTINGS[:2]
        cases += [(f"{name}-{i}", frame, options) for i, options in enumerate(chosen)]
    constructed = _constructed(14, regions=12)
    rng = np.random.default_rng(14)
    gaps = constructed[rng.random(len(constructed)) > 0.2]
    shuffled = gaps.iloc[rng.permutation(len(gaps))]
    for label, frame in (("constructed", constructed), ("gaps", gaps), ("shuffled", shuffled)):
        cases += [(f"{label}-{i}", frame, options) for i, options in enumerate(SETTINGS)]
    return cases


@pytest.mark.parametrize(
    ("label", "frame", "options"), _flagged_cases(), ids=[c[0] for c in _flagged_cases()]
)
def test_splice_gives_the_former_series(
    label: str, frame: pd.DataFrame, options: dict[str, float]
) -> None:
    report = detect_jumps(frame, **options)
    flagged = [c for c in report.summary.index if report.flagged(c)]
    assert flagged
    for col in flagged:
        expected = _reference_splice(frame, report, col)
        pd.testing.assert_series_equal(splice(frame, report, col), expected, check_exact=True)


def test_splice_refuses_a_report_of_another_frame() -> None:
    frame = _constructed(15)
    report = detect_jumps(frame)
    entity, time = report.jumps.iloc[0][["entity", "time"]]
    with pytest.raises(DataError, match=rf"in region {entity}, year {time}, which frame does not"):
        splice(frame.drop(index=(entity, time)), report, report.jumps.iloc[0]["indicator"])
