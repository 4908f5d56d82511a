"""SpatialPanelModel.from_formula (issue 19 item 2): the same model as the y=/x= form, to the last
digit, for plain names, transformations, categorical controls and interactions; pyfixest-style
fixed effects after '|'; clear errors.

The y=/x= references are built here by hand from the cigarette panel (tests/cigar.py): the
transformed columns with numpy (np.log, **, *), the dummies with pandas; the formula path must
give bit-identical parameters, covariance and likelihood.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import spatialpanel as sp
from spatialpanel.errors import ConfigError
from tests.cigar import cigar_data, cigar_weights


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    frame = cigar_data()
    frame["income"] = np.exp(frame["logy"])
    states = frame.index.get_level_values("state")
    frame["group"] = np.where(states % 3 == 0, "a", np.where(states % 3 == 1, "b", "c"))
    return frame


def _same(left: object, right: object) -> None:
    pd.testing.assert_series_equal(left.params, right.params, check_exact=True)  # type: ignore[attr-defined]
    pd.testing.assert_frame_equal(left.cov, right.cov, check_exact=True)  # type: ignore[attr-defined]
    assert left.loglik == right.loglik  # type: ignore[attr-defined]
    assert left.sigma2 == right.sigma2  # type: ignore[attr-defined]


def test_plain_names_give_the_y_x_model_to_the_last_digit(data: pd.DataFrame) -> None:
    w = cigar_weights()
    by_formula = sp.SpatialPanelModel.from_formula(
        "logc ~ logp + logy", data, w=w, model="sdm", effects="twoway"
    )
    by_names = sp.SpatialPanelModel(data, y="logc", x=["logp", "logy"], w=w, model="sdm")
    assert by_formula.spec == by_names.spec
    assert by_formula.formula == "logc ~ logp + logy" and by_names.formula is None
    _same(by_formula.fit(), by_names.fit())
    # the written order is kept (formulaic would sort by degree, not here)
    reordered = sp.SpatialPanelModel.from_formula("logc ~ logy + logp", data, w=w)
    assert reordered.spec.x == ("logy", "logp")


@pytest.mark.parametrize(
    ("part", "effects"),
    [
        ("| state + year", "twoway"),
        ("| year + state", "twoway"),
        ("| state", "entity"),
        ("| year", "time"),
    ],
)
def test_fixed_effects_after_the_bar(data: pd.DataFrame, part: str, effects: str) -> None:
    w = cigar_weights()
    model = sp.SpatialPanelModel.from_formula(f"logc ~ logp + logy {part}", data, w=w, model="sar")
    assert model.spec.effects == effects
    ref = sp.SpatialPanelModel(
        data, y="logc", x=["logp", "logy"], w=w, model="sar", effects=effects
    )  # type: ignore[arg-type]
    _same(model.fit(), ref.fit())
    same = sp.SpatialPanelModel.from_formula(
        f"logc ~ logp + logy {part}",
        data,
        w=w,
        model="sar",
        effects=effects,  # type: ignore[arg-type]
    )
    assert same.spec.effects == effects


def test_transformations_categoricals_and_interactions(data: pd.DataFrame) -> None:
    w = cigar_weights()
    formula = "logc ~ logp + log(income) + I(logy**2) + logp:logy + C(group)"
    model = sp.SpatialPanelModel.from_formula(formula, data, w=w, model="sdm", effects="time")
    names = ["logp", "log(income)", "I(logy**2)", "logp:logy", "C(group)[T.b]", "C(group)[T.c]"]
    assert list(model.spec.x) == names
    manual = pd.DataFrame(
        {
            "logc": data["logc"],
            "logp": data["logp"],
            "log(income)": np.log(data["income"].to_numpy()),
            "I(logy**2)": data["logy"].to_numpy() ** 2,
            "logp:logy": data["logp"].to_numpy() * data["logy"].to_numpy(),
            "C(group)[T.b]": (data["group"] == "b").astype(float),
            "C(group)[T.c]": (data["group"] == "c").astype(float),
        },
        index=data.index,
    )
    ref = sp.SpatialPanelModel(manual, y="logc", x=names, w=w, model="sdm", effects="time")
    res = model.fit()
    _same(res, ref.fit())
    assert "W*I(logy**2)" in res.params.index and "W*C(group)[T.b]" in res.params.index
    durbin = sp.SpatialPanelModel.from_formula(
        formula, data, w=w, model="sdm", effects="time", durbin=["log(income)"]
    )
    assert durbin.spec.durbin == ("log(income)",)


def test_transformed_dependent_variable(data: pd.DataFrame) -> None:
    w = cigar_weights()
    model = sp.SpatialPanelModel.from_formula("I(logc*100) ~ logp + logy", data, w=w, model="sar")
    assert model.spec.y == "I(logc*100)"
    manual = data.assign(**{"I(logc*100)": data["logc"].to_numpy() * 100})
    ref = sp.SpatialPanelModel(manual, y="I(logc*100)", x=["logp", "logy"], w=w, model="sar")
    _same(model.fit(), ref.fit())


@pytest.mark.parametrize(
    ("formula", "options", "message"),
    [
        ("logc = logp", {}, r"must read 'y ~ x1 \+ x2'"),
        ("logc ~ logp + logyy", {}, r"uses 'logyy', which is not a column.*Did you mean 'logy'"),
        ("logc ~ logp | region", {}, r"'region' is not one of them.*C\(name\)"),
        ("logc ~ logp | state | year", {}, r"has 2 '\|' parts"),
        ("logc ~ logp | state", {"effects": "twoway"}, r"names 'entity' fixed effects"),
        ("logc ~ ", {}, r"needs a variable on each side"),
        ("logc ~ nosuch(logp)", {}, r"uses nosuch\(\.\.\.\), which is not a function"),
    ],
)
def test_formula_errors(
    data: pd.DataFrame, formula: str, options: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        sp.SpatialPanelModel.from_formula(formula, data, w=cigar_weights(), **options)  # type: ignore[arg-type]


def test_missing_values_are_not_dropped_silently(data: pd.DataFrame) -> None:
    gap = data.copy()
    gap.iloc[3, gap.columns.get_loc("logp")] = np.nan
    with pytest.raises(sp.DataError):
        sp.SpatialPanelModel.from_formula("logc ~ logp + logy", gap, w=cigar_weights())


# --- the study file's [model] formula ---------------------------------------------------------

STUDY = """[study]
title = "formula"
seed = 1

[data]
file = "{data}"
years = [2014, 2023]

[weights.contiguity]
kind = "contiguity"

[model]
{model}
weights = "contiguity"
draws = 100

[outputs]
figure_formats = ["png"]
dpi = 72
"""


def _study(tmp_path: Path, model: str, name: str) -> Path:
    data = Path(__file__).parent / "data" / "formats" / "panel_long.csv"
    folder = tmp_path / name
    folder.mkdir()
    (folder / "study.toml").write_text(STUDY.format(data=data, model=model), encoding="utf-8")
    return folder / "study.toml"


@pytest.mark.parametrize(
    ("model", "message"),
    [
        (
            'formula = "urbanization_rate ~ openness"\ny = "urbanization_rate"',
            r"gives formula and y; the formula names the variables",
        ),
        ('core = "openness"', r"\[model\] needs the key 'y' \(or a formula"),
        ('formula = "urbanization_rate ~ C(openness)"', r"makes several columns"),
        ('formula = "urbanization_rate ~ openness*gdp_per_capita"', r"makes several columns"),
        (
            'formula = "urbanization_rate ~ openness | province"\neffects = "twoway"',
            r"names 'entity' fixed effects after '\|' but effects = 'twoway'",
        ),
        (
            'formula = "urbanization_rate ~ openness | region"',
            r"must be the \[data\] entity 'province' and/or time 'year'",
        ),
        ('formula = "urbanization_rate = openness"', r"must read 'y ~ x1 \+ x2'"),
    ],
)
def test_study_formula_errors(tmp_path: Path, model: str, message: str) -> None:
    from spatialpanel.study.config import load_study

    with pytest.raises(ConfigError, match=message):
        load_study(_study(tmp_path, model, "s"))


@pytest.mark.slow
def test_study_formula_runs_as_the_y_core_controls_study(tmp_path: Path) -> None:
    from spatialpanel.study.config import load_study
    from spatialpanel.study.pipeline import run_study

    plain = load_study(
        _study(
            tmp_path,
            'y = "urbanization_rate"\ncore = "gdp_per_capita"\ncontrols = ["openness"]',
            "plain",
        )
    )
    formula = load_study(
        _study(
            tmp_path,
            'formula = "urbanization_rate ~ gdp_per_capita + openness | province + year"',
            "formula",
        )
    )
    assert formula.section("model")["effects"] == "twoway"
    assert formula.section("model")["controls"] == ["openness"]
    a = run_study(plain, out_dir=tmp_path / "a", report=False)
    b = run_study(formula, out_dir=tmp_path / "b", report=False)
    ta = next(t for s in a.stages for t in s.tables if t.key == "table7_sdm").frame
    tb = next(t for s in b.stages for t in s.tables if t.key == "table7_sdm").frame
    pd.testing.assert_frame_equal(ta, tb, check_exact=True)
    # a transformed term is computed from the data and named as written
    logged = load_study(
        _study(tmp_path, 'formula = "urbanization_rate ~ log(gdp_per_capita) + openness"', "log")
    )
    c = run_study(logged, out_dir=tmp_path / "c", report=False)
    tc = next(t for s in c.stages for t in s.tables if t.key == "table7_sdm").frame
    # Table 7 is a regression payload (report.regression): rows (row kind, term)
    terms = [term for kind, term in tc.index if kind == "coef"]
    assert terms[:2] == ["log(gdp_per_capita)", "openness"]
