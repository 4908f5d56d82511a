"""The specification curve (issue 18 item 6): many fits through ``run_many``, serially and on a
Dask ``LocalCluster``, with the same table bit for bit; its table, figure and study keys.

References: each row of the curve is checked against the same specification fitted directly
with ``SpatialPanelModel(...).fit(...).impacts(method="delta")`` (the estimator itself is
checked against R/PySAL elsewhere); the Dask table is checked against the serial one (identity
is the claim).
"""

from __future__ import annotations

import copy
import tomllib
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from spatialpanel.errors import ConfigError
from spatialpanel.inference.specification import COLUMNS, curve_shares, specification_curve
from spatialpanel.study.config import StudyConfig, demo_study_text, validate

DEMO: dict[str, Any] = tomllib.loads(demo_study_text())


def _lattice(side: int, queen: bool) -> Any:
    from spatialpanel.weights.core import SpatialWeights

    n = side * side
    a = np.zeros((n, n))
    steps = ((0, 1), (1, 0)) + (((1, 1), (1, -1)) if queen else ())
    for i in range(n):
        r, c = divmod(i, side)
        for dr, dc in steps:
            rr, cc = r + dr, c + dc
            if 0 <= rr < side and 0 <= cc < side:
                a[i, rr * side + cc] = a[rr * side + cc, i] = 1.0
    return SpatialWeights.from_array(a)


def _panel(seed: int = 5, side: int = 6, t: int = 5) -> tuple[dict[str, pd.DataFrame], dict]:
    """Two versions of the data (as two index weightings would give) and two matrices."""
    n = side * side
    rng = np.random.default_rng(seed)
    idx = pd.MultiIndex.from_arrays(
        [np.tile(np.arange(n), t), np.repeat(np.arange(t), n)], names=["region", "year"]
    )
    core = rng.standard_normal(n * t)
    ctrl = rng.standard_normal(n * t)
    y = 0.5 * core + 0.2 * ctrl + rng.standard_normal(n * t)
    a = pd.DataFrame({"y": y, "core": core, "ctrl": ctrl}, index=idx)
    b = a.assign(core=core + 0.3 * rng.standard_normal(n * t))
    weights = {"rook": _lattice(side, False), "queen": _lattice(side, True)}
    return {"entropy": a, "equal": b}, weights


STUDY = ("entropy", "rook", "sdm", "twoway")


@pytest.fixture(scope="module")
def curve() -> pd.DataFrame:
    frames, weights = _panel()
    return specification_curve(
        frames,
        weights,
        y="y",
        x=["core", "ctrl"],
        core="core",
        kinds=["sar", "sem", "sdm", "sdem"],
        effects=["entity", "twoway"],
        bias_correction="elhorst",
        study=STUDY,
    )


def test_the_table_has_one_row_per_specification_and_its_columns(curve: pd.DataFrame) -> None:
    assert list(curve.columns) == list(COLUMNS)
    assert len(curve) == 2 * 2 * 4 * 2
    assert curve["specification"].tolist() == list(range(1, 33))
    choices = curve[["index_weighting", "weights", "model", "fixed_effects"]]
    assert not choices.duplicated().any()
    assert curve["study"].sum() == 1
    own = curve[curve["study"]].iloc[0]
    assert tuple(own[["index_weighting", "weights", "model", "fixed_effects"]]) == STUDY
    assert curve["converged"].all() and (curve["n"] == 36 * 5).all()
    z = stats.norm.ppf(0.975)
    for part in ("direct", "total"):
        np.testing.assert_allclose(curve[f"{part}_ci_low"], curve[part] - z * curve[f"{part}_se"])
        np.testing.assert_allclose(curve[f"{part}_ci_high"], curve[part] + z * curve[f"{part}_se"])
    sem = curve[curve["model"] == "sem"]
    assert (sem["direct"] == sem["total"]).all()  # no spillover in the SEM: both are beta


def test_each_row_is_the_fit_of_its_specification(curve: pd.DataFrame) -> None:
    from spatialpanel.models.model import SpatialPanelModel

    frames, weights = _panel()
    for i in (0, 5, 13, 30):  # a SAR, the study's SDM, a SEM and an SDM, on both data and W
        row = curve.iloc[i]
        effects = row["fixed_effects"]
        res = SpatialPanelModel(
            frames[row["index_weighting"]],
            y="y",
            x=["core", "ctrl"],
            w=weights[row["weights"]],
            model=row["model"],
            effects=effects,
        ).fit(bias_correction="elhorst")
        eff = res.impacts(method="delta")
        assert row["direct"] == eff.loc["core", ("direct", "estimate")]
        assert row["total_se"] == eff.loc["core", ("total", "se")]
        assert row["direct_p"] == eff.loc["core", ("direct", "p")]
        assert row["loglik"] == res.loglik


def test_a_failed_fit_is_kept_with_its_error() -> None:
    frames, weights = _panel()
    broken = frames["equal"].assign(ctrl=2.0 * frames["equal"]["core"])  # collinear regressors
    table = specification_curve(
        {"entropy": frames["entropy"], "equal": broken},
        {"rook": weights["rook"]},
        y="y",
        x=["core", "ctrl"],
        core="core",
        kinds=["sar"],
        effects=["twoway"],
    )
    assert table["converged"].tolist() == [True, False]
    assert "collinear" in table["note"].iloc[1] and np.isnan(table["direct"].iloc[1])
    shares = curve_shares(table)
    assert shares["n"] == 2 and shares["converged"] == 1


def test_the_shares_are_counted_against_the_studys_sign(curve: pd.DataFrame) -> None:
    shares = curve_shares(curve, alpha=0.05)
    own = float(curve.loc[curve["study"], "direct"].iloc[0])
    expected = int(((np.sign(curve["direct"]) == np.sign(own)) & (curve["direct_p"] < 0.05)).sum())
    assert shares["same_sign_significant"] == expected
    assert shares["share"] == expected / 32 and shares["reference"] == own
    with pytest.raises(ConfigError, match="estimate='indirect'"):
        curve_shares(curve, estimate="indirect")


def test_bad_options_name_the_argument() -> None:
    frames, weights = _panel()
    common: dict[str, Any] = {"y": "y", "x": ["core", "ctrl"], "core": "core"}
    with pytest.raises(ConfigError, match="kinds='sac'"):
        specification_curve(frames, weights, kinds=["sac"], **common)
    with pytest.raises(ConfigError, match="core='gdp'"):
        specification_curve(frames, weights, **{**common, "core": "gdp"})
    with pytest.raises(ConfigError, match=r"backend='spark'.*'serial', 'dask'"):
        specification_curve(frames, weights, backend="spark", **common)


# --------------------------------------------------------------------------- the figure


def test_the_figure_draws_with_readable_labels_in_both_languages(curve: pd.DataFrame) -> None:
    from spatialpanel.report.drawers import draw
    from spatialpanel.report.figspec import FigureSpec
    from spatialpanel.report.fonts import cjk_font
    from spatialpanel.report.specification_plots import specification_spec
    from spatialpanel.text import Labels, msg

    spec = specification_spec(curve, ylabel=msg("Direct effect of {core}", core="x"))
    again = FigureSpec.from_json(spec.to_json())  # figures are data: what the report redraws
    labels = Labels({"weights": {"rook": {"en": "rook contiguity"}}})
    fig = draw(again, "en", labels)
    top, bottom = fig.axes
    ticks = [t.get_text() for t in bottom.get_yticklabels()]
    assert ticks == [
        "Index weighting",
        "Entropy",
        "Equal weights",
        "Weights matrix",
        "rook contiguity",
        "queen",
        "Model",
        "SAR",
        "SEM",
        "SDM",
        "SDEM",
        "Fixed effects",
        "Region",
        "Region and year",
    ]
    assert top.get_ylabel() == "Direct effect of x"
    assert bottom.get_xlabel() == "Specifications, sorted by the estimate"
    # the estimates sorted, the study's own highlighted once, the zero line drawn
    from matplotlib.collections import PathCollection

    dots = [c for c in top.collections if isinstance(c, PathCollection)]
    points = np.concatenate([c.get_offsets()[:, 1] for c in dots])
    assert sorted(points) == sorted(curve["direct"])
    assert any(line.get_ydata()[0] == 0.0 for line in top.get_lines())
    legend = [t.get_text() for t in top.get_legend().get_texts()]
    assert "The study's specification" in legend
    if cjk_font() is None:
        pytest.skip("no CJK font installed")
    zh = draw(again, "zh", labels)
    zh_ticks = [t.get_text() for t in zh.axes[1].get_yticklabels()]
    assert "熵值法" in zh_ticks and "双向固定" in zh_ticks and "指数赋权方法" in zh_ticks


# --------------------------------------------------------------------------- study keys


def _with(**sections: dict[str, Any]) -> dict[str, Any]:
    study = copy.deepcopy(DEMO)
    for name, body in sections.items():
        study[name] = {**study.get(name, {}), **body}
    return study


@pytest.mark.parametrize(
    ("sections", "match"),
    [
        (
            {"compute": {"backend": "daks"}},
            r"\[compute\] backend = 'daks' is not one of serial, "
            r"dask\. Did you mean 'dask'",
        ),
        (
            {"compute": {"scheduler": "tcp://10.0.0.5:8786"}},
            r'scheduler = .*backend = "dask" or '
            "remove scheduler",
        ),
        (
            {"compute": {"backend": "dask", "scheduler": "10.0.0.5:8786"}},
            r"scheduler = '10.0.0.5:8786' is not allowed; use the address of a running Dask "
            r'scheduler, e.g. "tcp://',
        ),
        ({"specification": {"weights": ["rook"]}}, r"\[specification\] weights names 'rook'"),
        ({"specification": {"kinds": ["sar", "sac"]}}, r"kinds = \['sar', 'sac'\].*sar, sem, sdm"),
        (
            {"specification": {"estimate": "indirect"}},
            r"estimate = 'indirect' is not one of "
            "direct, total",
        ),
    ],
)
def test_the_study_keys_are_validated_with_the_fix(
    sections: dict[str, dict[str, Any]], match: str
) -> None:
    with pytest.raises(ConfigError, match=match):
        validate(_with(**sections))


def test_a_curve_without_a_model_is_refused() -> None:
    study = _with(specification={"enabled": True})
    del study["model"], study["dynamic"]
    with pytest.raises(ConfigError, match=r"\[specification\] enabled = true .*\[model\]"):
        validate(study)
    study["specification"]["enabled"] = False
    validate(study)


def test_the_demo_keeps_the_curve_off_and_serial() -> None:
    raw = validate(copy.deepcopy(DEMO))
    assert raw["specification"]["enabled"] is False
    assert raw["compute"] == {"backend": "serial", "scheduler": None}


# --------------------------------------------------------------------------- the stage


def _stage_context(**sections: dict[str, Any]) -> Any:
    """The demo's data, indices and weights, with a small curve configured."""
    from spatialpanel.study.stages import data, indices, weights

    small = {
        "enabled": True,
        "methods": ["entropy", "equal"],
        "weights": ["contiguity", "nested"],
        "kinds": ["sar", "sdm"],
        "effects": ["twoway"],
    }
    raw = _with(specification=small, **sections)
    ctx, _ = data.load(StudyConfig(raw=validate(raw)), lang="en")
    indices.run(ctx)
    weights.run(ctx)
    return ctx


@pytest.fixture(scope="module")
def serial_stage() -> Any:
    from spatialpanel.study.stages import specification

    return specification.run(_stage_context())


def test_the_stage_builds_the_table_summary_figure_and_sentence(serial_stage: Any) -> None:
    from spatialpanel.text import render

    out = serial_stage
    keys = [t.key for t in out.tables]
    assert keys == ["specification_curve", "specification_summary"]
    table = out.tables[0].frame
    assert len(table) == 2 * 2 * 2 * 1
    own = table[table["study"]]
    assert own[["index_weighting", "weights", "model", "fixed_effects"]].values.tolist() == [
        ["entropy", "contiguity", "sdm", "twoway"]
    ]
    summary = out.tables[1].frame
    assert summary["specifications"].iloc[0] == 8
    first = summary.iloc[0]
    sentence = render(out.sentences[0].text, "en")
    assert f"Across 8 specifications ({first['converged']} converged)" in sentence
    assert f"{first['share_pct']:.0f}%" in sentence
    assert out.figures[0].key == "specification_curve"
    assert out.settings["reweighted_indices"] == ["uri", "cp"]


def test_the_studys_own_specification_is_the_model_stages_fit(serial_stage: Any) -> None:
    """The highlighted row is the study's model: the same direct effect as the model stage's."""
    from spatialpanel.models.model import SpatialPanelModel

    ctx = _stage_context()
    cfg = ctx.config.section("model")
    x = [cfg["core"], *cfg["controls"]]
    res = SpatialPanelModel(
        ctx.model_frame([cfg["y"], *x]),
        y=cfg["y"],
        x=x,
        w=ctx.weights["contiguity"],
        model="sdm",
        effects="twoway",
    ).fit(bias_correction="elhorst")
    eff = res.impacts(method="delta")
    table = serial_stage.tables[0].frame
    assert table.loc[table["study"], "direct"].iloc[0] == eff.loc["uri", ("direct", "estimate")]


def test_the_stage_on_a_local_dask_cluster_gives_the_serial_table(serial_stage: Any) -> None:
    """``[compute] backend = "dask"`` without a scheduler: run_many starts a LocalCluster of
    worker processes for the stage; the table is the serial one bit for bit."""
    pytest.importorskip("dask.distributed")
    from spatialpanel.study.stages import specification

    out = specification.run(_stage_context(compute={"backend": "dask"}))
    assert out.settings["backend"] == "dask"
    pd.testing.assert_frame_equal(
        out.tables[0].frame, serial_stage.tables[0].frame, check_exact=True
    )
    pd.testing.assert_frame_equal(
        out.tables[1].frame, serial_stage.tables[1].frame, check_exact=True
    )
