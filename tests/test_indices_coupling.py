"""Coupling coordination degree and obstacle degree.

References: ``shared/reference/genre.md`` ("Coupling coordination", "Obstacle degree"), computed
there with independent implementations; to 1e-6 (obstacle degrees in %, to 1e-4 as printed).
The three-system modified coupling is hand-worked below from Wang et al. (2021, J. Natural
Resources 36(3)) eq. for n systems, the same formula as R ``mathmodels::coupling_degree(type =
"adjusted")``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from spatialpanel.errors import ConfigError, DataError
from spatialpanel.indices.coupling import CoordinationLevels, coupling_coordination
from spatialpanel.indices.obstacle import obstacle_degree


def two(u1: float, u2: float) -> pd.DataFrame:
    return pd.DataFrame({"uri": [u1], "cp": [u2]})


@pytest.mark.parametrize(
    ("u", "c_classic", "d_classic", "c_modified", "d_modified"),
    [
        ((0.30, 0.60), 0.942809, 0.651356, 0.591608, 0.515969),
        ((0.12, 0.80), 0.673562, 0.556632, 0.219089, None),
    ],
)
def test_genre_two_systems(
    u: tuple[float, float],
    c_classic: float,
    d_classic: float,
    c_modified: float,
    d_modified: float | None,
) -> None:
    classic = coupling_coordination(two(*u)).table.iloc[0]
    assert classic["C"] == pytest.approx(c_classic, abs=1e-6)
    assert classic["T"] == pytest.approx(sum(u) / 2, abs=1e-15)
    assert classic["D"] == pytest.approx(d_classic, abs=1e-6)
    modified = coupling_coordination(two(*u), form="modified").table.iloc[0]
    assert modified["C"] == pytest.approx(c_modified, abs=1e-6)
    if d_modified is not None:
        assert modified["D"] == pytest.approx(d_modified, abs=1e-6)
    # D = sqrt(C T) by construction
    assert modified["D"] == pytest.approx(math.sqrt(modified["C"] * modified["T"]), abs=1e-15)


def test_the_erroneous_variant_is_not_ours() -> None:
    # genre.md: sqrt(U1 U2)/(U1+U2) caps at 0.5 (0.471405 for (0.3, 0.6)); ours is 2x that
    c = coupling_coordination(two(0.3, 0.6)).table["C"].iloc[0]
    assert c == pytest.approx(2 * 0.471405, abs=2e-6)


def test_three_systems_hand_worked() -> None:
    u = (0.2, 0.4, 0.8)
    # classic: 3 (0.2 * 0.4 * 0.8)^(1/3) / 1.4 = 3 * 0.4 / 1.4 (the geometric mean is 0.4)
    res = coupling_coordination(pd.DataFrame([u], columns=["a", "b", "c"]))
    assert res.table["C"].iloc[0] == pytest.approx(3 * 0.4 / 1.4, abs=1e-12)
    # modified: pair gaps 0.2 + 0.6 + 0.4 = 1.2 over 1 + 2 = 3 pairs -> 1 - 0.4 = 0.6;
    # prod(U / max U) = 0.25 * 0.5 * 1 = 0.125, ^(1/2) = sqrt(0.125); C = sqrt(0.6 sqrt(0.125))
    mod = coupling_coordination(
        pd.DataFrame([u], columns=["a", "b", "c"]), form="modified", weights=[0.5, 0.25, 0.25]
    )
    assert mod.table["C"].iloc[0] == pytest.approx(math.sqrt(0.6 * math.sqrt(0.125)), abs=1e-12)
    assert mod.table["T"].iloc[0] == pytest.approx(0.5 * 0.2 + 0.25 * 0.4 + 0.25 * 0.8, abs=1e-15)


def test_levels_closure_and_cutoffs() -> None:
    # D = sqrt(C T) with U1 = U2 = u gives C = 1 and D = sqrt(u): u = 0.25 -> D = 0.5 exactly
    frame = pd.DataFrame({"a": [0.25, 0.0, 1.0, 0.36], "b": [0.25, 0.0, 1.0, 0.36]})
    left = coupling_coordination(frame).table
    assert left["D"].tolist() == [0.5, 0.0, 1.0, 0.6]
    assert left["level"].tolist() == [6, 1, 10, 7]  # [0.5, 0.6) and [0.6, 0.7)
    assert left["label"].iloc[0] == "Barely coordinated"
    right = coupling_coordination(frame, levels=CoordinationLevels(closed="right")).table
    assert right["level"].tolist() == [5, 1, 10, 6]  # (0.4, 0.5] and (0.5, 0.6]
    custom = CoordinationLevels(cutoffs=(0.4, 0.7), labels=("low", "mid", "high"))
    assert coupling_coordination(frame, levels=custom).table["label"].tolist() == [
        "mid", "low", "high", "mid",
    ]  # fmt: skip
    assert CoordinationLevels().intervals()[0] == "[0, 0.1)"
    assert CoordinationLevels().intervals()[-1] == "[0.9, 1]"
    assert CoordinationLevels(closed="right").intervals()[1] == "(0.1, 0.2]"
    # all-zero row: C undefined, set to 0; D = 0
    assert left.iloc[1][["C", "T", "D"]].tolist() == [0.0, 0.0, 0.0]


def test_coupling_errors() -> None:
    with pytest.raises(DataError, match=r"systems\['cp'\] at row 0 is 1.2"):
        coupling_coordination(two(0.3, 1.2))
    with pytest.raises(ConfigError, match=r"form='modifed'.*Did you mean 'modified'"):
        coupling_coordination(two(0.3, 0.6), form="modifed")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match=r"sum to 1"):
        coupling_coordination(two(0.3, 0.6), weights={"uri": 0.6, "cp": 0.6})
    with pytest.raises(ConfigError, match=r"strictly increasing"):
        CoordinationLevels(cutoffs=(0.5, 0.2), labels=("a", "b", "c"))
    with pytest.raises(ConfigError, match=r"one label more"):
        CoordinationLevels(cutoffs=(0.5,), labels=("a",))
    with pytest.raises(DataError, match=r"at least two systems"):
        coupling_coordination(pd.DataFrame({"a": [0.2]}))


# ------------------------------------------------------------------------------ obstacles
GENRE_Z = pd.DataFrame(
    [[0.2, 0.9, 0.5, 1.0], [1.0, 0.0, 0.3, 0.6], [0.0, 1.0, 1.0, 0.0]],
    index=pd.Index(["R1", "R2", "R3"], name="region"),
    columns=["j1", "j2", "j3", "j4"],
)
GENRE_W = {"j1": 0.4, "j2": 0.1, "j3": 0.3, "j4": 0.2}


def test_genre_obstacle_degree() -> None:
    res = obstacle_degree(
        GENRE_Z,
        weights=GENRE_W,
        dimensions={"j1": "S1", "j2": "S1", "j3": "S2", "j4": "S2"},
    )
    np.testing.assert_allclose(res.indicator.iloc[0], [66.6667, 2.0833, 31.25, 0.0], atol=1e-4)
    # hand-worked first row: w I = [0.32, 0.01, 0.15, 0], sum 0.48
    np.testing.assert_allclose(
        res.indicator.iloc[0], np.array([0.32, 0.01, 0.15, 0.0]) / 0.48 * 100, atol=1e-12
    )
    np.testing.assert_allclose(res.dimension.iloc[0], [68.75, 31.25], atol=1e-12)
    np.testing.assert_allclose(res.indicator.sum(axis=1), 100.0, atol=1e-12)
    top = res.top(2)
    assert top.loc["R1", "obstacle_1"] == "j1"
    assert top.loc["R1", "obstacle_2"] == "j3"
    assert top.loc["R1", "degree_1"] == pytest.approx(200 / 3, abs=1e-12)


def test_obstacles_panel_top_and_no_obstacle() -> None:
    idx = pd.MultiIndex.from_product([["A", "B"], [2020, 2021]], names=["entity", "time"])
    z = pd.DataFrame(
        [[0.0, 1.0], [0.5, 0.5], [1.0, 1.0], [1.0, 0.0]], index=idx, columns=["p", "q"]
    )
    res = obstacle_degree(z, weights={"p": 0.75, "q": 0.25})
    assert bool(res.no_obstacle.loc[("B", 2020)])
    assert res.indicator.loc[("B", 2020)].tolist() == [0.0, 0.0]
    # A 2021: w I = [0.375, 0.125] -> [75, 25] %
    np.testing.assert_allclose(res.indicator.loc[("A", 2021)], [75.0, 25.0], atol=1e-12)
    assert res.top(1, time=2021).loc["B", "obstacle_1"] == "q"
    # mean over years for A: p (100 + 75) / 2
    assert res.top(1).loc["A", "degree_1"] == pytest.approx(87.5, abs=1e-12)
    with pytest.raises(ConfigError, match=r"time=1999"):
        res.top(1, time=1999)


def test_obstacle_errors() -> None:
    with pytest.raises(DataError, match=r"row 'R2', indicator 'j2'"):
        obstacle_degree(GENRE_Z.replace(0.0, -0.1), weights=GENRE_W)
    with pytest.raises(ConfigError, match=r"no entry for indicator\(s\) \['j4'\]"):
        obstacle_degree(GENRE_Z, weights={"j1": 0.4, "j2": 0.1, "j3": 0.3})
