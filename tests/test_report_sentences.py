"""Every interpretation sentence follows its numbers: change the number, the sentence changes.

Each generator is driven twice, once with a baseline and once with the underlying number moved
across the threshold that the sentence reports (sign, the 5% level, quadrant membership, the
ranking), and the text is compared with what the cited table cells say, recomputed here:

- Moran significance years and the HH/LL persistence: through the autocorrelation stage on the
  small synthetic China panel of ``tests/test_autocorr_stages.py`` (the stage builds the sentence
  inline; nothing was refactored), moving the values of one year / one province;
- ρ, the direct and indirect effects of the core variable and the hypotheses verdicts: the model
  stage's ``_sentences`` and ``hypotheses_table`` on hand-set estimates (one-sided p-values
  recomputed with ``math.erfc``);
- growth sentences of the evolution stage, the AIC and robustness sentences of the robustness stage.
"""

from __future__ import annotations

import math
import re
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest

from spatialpanel.study.artifacts import Sentence
from spatialpanel.study.stages import autocorrelation as ac_stage
from spatialpanel.study.stages import evolution as evo_stage
from spatialpanel.study.stages import model as model_stage
from spatialpanel.study.stages import robustness as rob_stage
from spatialpanel.study.stages import weights as w_stage
from spatialpanel.text import Labels
from tests.test_autocorr_stages import make_ctx
from tests.texts import english

YEARS = list(range(2014, 2024))
LABELS = Labels({"variable": {"cp": {"en": "Common prosperity", "zh": "共同富裕"}}})


def _one_sided(z: float) -> float:
    """P(Z > z) for a standard normal Z, written out independently of scipy."""
    return 0.5 * math.erfc(z / math.sqrt(2.0))


# --------------------------------------------------------------------------- autocorrelation


def _autocorr(cp_change: Any = None) -> tuple[Any, Any]:
    auto = {
        "variable": "cp",
        "weights": ["contiguity"],
        "local_weights": "contiguity",
        "years": [2014, 2023],
        "permutations": 99,
    }
    ctx = make_ctx({"contiguity": {"kind": "contiguity", "hainan": "guangdong"}}, auto)
    if cp_change is not None:
        scores = ctx.scores["cp"].copy()
        cp_change(scores)
        ctx.scores["cp"] = scores
    w_stage.run(ctx)
    return ctx, ac_stage.run(ctx)


def _table(out: Any, key: str) -> pd.DataFrame:
    frames = {t.key: t.frame for t in out.tables}
    return frames[key]


def _moran_expected(frame: pd.DataFrame) -> str:
    sig = [str(t) for t, p in frame["p"].items() if p < 0.05]
    if len(sig) == len(frame):
        return "every year"
    listed = ", ".join(sig[:-1]) + f" and {sig[-1]}" if len(sig) > 1 else "".join(sig)
    return f"{len(sig)} of {len(frame)} years ({listed})"


@pytest.fixture(scope="module")
def autocorr_base() -> tuple[Any, Any]:
    return _autocorr()


def test_moran_years_sentence_follows_the_p_values(autocorr_base: tuple[Any, Any]) -> None:
    _, out = autocorr_base
    table = _table(out, "moran_contiguity")
    text = english(out.sentences[0].text)
    assert _moran_expected(table) in text
    moran_i = {str(t): float(v) for t, v in table["I"].items()}
    lo, hi = min(moran_i, key=moran_i.__getitem__), max(moran_i, key=moran_i.__getitem__)
    assert f"ranges from {moran_i[lo]:.3f} ({lo}) to {moran_i[hi]:.3f} ({hi})" in text

    # destroy the spatial pattern of 2016: the east-high values shuffled across provinces
    def shuffle_2016(scores: pd.DataFrame) -> None:
        mask = scores.index.get_level_values(1) == 2016
        values = scores.loc[mask, "score"].to_numpy()
        scores.loc[mask, "score"] = np.random.default_rng(5).permutation(values)

    _, moved = _autocorr(shuffle_2016)
    table2 = _table(moved, "moran_contiguity")
    assert float(table2["p"].loc[2016]) >= 0.05, "the shuffled year must lose significance"
    text2 = english(moved.sentences[0].text)
    assert text2 != text
    assert _moran_expected(table2) in text2
    assert "2016" not in text2.split("years (")[1].split(")")[0]


def _stayers(local: pd.DataFrame, quadrant: str) -> list[str]:
    out = []
    for _, rows in local.groupby("entity", sort=False):
        if set(rows["quadrant"]) == {quadrant}:
            out.append(str(rows["name"].iloc[0]))
    return out


def _listed(text: str, quadrant: str) -> set[str]:
    """The provinces the sentence lists for a quadrant (its edge forms name none)."""
    name = {"HH": "high–high", "LL": "low–low"}[quadrant]
    folded = text.casefold()
    if (
        f"no province stays in the {name}" in folded
        or "no province stays in the high–high or" in folded
    ):
        return set()
    part = {
        "HH": r"stay in the high–high quadrant in every year shown \(.*?\) are (.*?)"
        r"(?:; those that stay|; no province)",
        "LL": r"stay in the low–low quadrant are (.*?) \(",
    }[quadrant]
    found = re.search(part, text)
    assert found is not None, text
    return set(re.split(r", | and ", found.group(1)))


def test_hh_ll_persistence_sentence_follows_the_quadrants(autocorr_base: tuple[Any, Any]) -> None:
    _ctx, out = autocorr_base
    local = _table(out, "local_moran").reset_index()
    text = english(out.sentences[-1].text)
    for q in ("HH", "LL"):
        assert _listed(text, q) == set(_stayers(local, q))
    hh = _stayers(local, "HH")
    assert hh, "the east-high synthetic panel has high-high provinces"
    leaving = local.loc[local["name"] == hh[0], "entity"].iloc[0]

    # that province's 2023 value drops far below every other: it leaves the HH quadrant
    def drop(scores: pd.DataFrame) -> None:
        scores.loc[(leaving, 2023), "score"] = float(scores["score"].min()) - 1.0

    _, moved = _autocorr(drop)
    local2 = _table(moved, "local_moran").reset_index()
    text2 = english(moved.sentences[-1].text)
    assert hh[0] not in _listed(text2, "HH")
    for q in ("HH", "LL"):
        assert _listed(text2, q) == set(_stayers(local2, q))


# --------------------------------------------------------------------------- model stage


def _fake_fit(rho: float, se_rho: float) -> SimpleNamespace:
    names = ["uri", "W*uri", "rho"]
    params = pd.Series([0.2, 0.1, rho], index=names)
    se = pd.Series([0.03, 0.06, se_rho], index=names)
    z = params / se
    p = pd.Series([2 * _one_sided(abs(v)) for v in z], index=names)
    spec = SimpleNamespace(model="sdm", effects="twoway", x=("uri",), spatial_name="rho")
    return SimpleNamespace(params=params, std_errors=se, zvalues=z, pvalues=p, spec=spec)


def _fake_battery() -> SimpleNamespace:
    lm = pd.DataFrame(
        {"statistic": [32.7757, 22.5903], "pvalue": [1.03e-8, 2.00e-6]},
        index=["LM_lag", "LM_error"],
    )
    test = SimpleNamespace(df=6, statistic=15.58, pvalue=0.016)
    return SimpleNamespace(
        lm=lm,
        effects="twoway",
        moran=SimpleNamespace(statistic=0.1926, z=5.6953, pvalue=6.16e-9),
        wald={"sar": test, "sem": test},
        model="sdm",
        recommended_effects="twoway",
        hausman=None,
    )


def _effects(direct: tuple[float, float], indirect: tuple[float, float]) -> pd.DataFrame:
    cols = pd.MultiIndex.from_product([["direct", "indirect"], ["estimate", "se"]])
    return pd.DataFrame(
        [[*direct, *indirect]], index=pd.Index(["uri"], name="variable"), columns=cols
    )


def _model_sentences(
    rho: float, se_rho: float, direct: tuple[float, float], indirect: tuple[float, float]
) -> tuple[list[Sentence], pd.DataFrame]:
    res = _fake_fit(rho, se_rho)
    hyp = model_stage.hypotheses_table(res, _effects(direct, indirect), core="uri", alpha=0.05)
    return model_stage._sentences(_fake_battery(), res, hyp, core="uri", alpha=0.05), hyp


def _sentence(sentences: list[Sentence], start: str) -> str:
    hits = [english(s.text) for s in sentences if english(s.text).startswith(start)]
    assert len(hits) == 1, [english(s.text) for s in sentences]
    return hits[0]


def test_rho_sentence_follows_sign_and_significance() -> None:
    base, _ = _model_sentences(0.4825, 0.0582, (0.2368, 0.0331), (0.3764, 0.1040))
    text = _sentence(base, "ρ = ")
    # z = 0.4825 / 0.0582 = 8.29; two-sided p far below 0.001
    assert text.startswith("ρ = 0.482 (z = 8.29, p < 0.001)")
    assert "positive and significant at 5%" in text

    moved, _ = _model_sentences(-0.1000, 0.0800, (0.2368, 0.0331), (0.3764, 0.1040))
    text2 = _sentence(moved, "ρ = ")
    # z = -1.25, two-sided p = erfc(1.25/sqrt 2) = 0.211
    assert text2.startswith("ρ = -0.100 (z = -1.25, p = 0.211)")
    assert "negative but not significant at 5%" in text2

    weak, _ = _model_sentences(0.1000, 0.0800, (0.2368, 0.0331), (0.3764, 0.1040))
    assert "positive but not significant at 5%" in _sentence(weak, "ρ = ")


def test_direct_and_indirect_effect_sentences_follow_the_effects() -> None:
    base, hyp = _model_sentences(0.4825, 0.0582, (0.2368, 0.0331), (0.3764, 0.1040))
    h1 = _sentence(base, "H1")
    h3 = _sentence(base, "H3")
    assert "direct effect 0.237 (se 0.033, one-sided p < 0.001): supported." in h1
    # indirect: z = 0.3764 / 0.1040 = 3.619, one-sided p = 1.48e-4
    assert _one_sided(0.3764 / 0.1040) == pytest.approx(float(hyp["p_one_sided"].loc["H3"]))
    assert "indirect effect 0.376 (se 0.104, one-sided p < 0.001): supported." in h3

    moved, _hyp2 = _model_sentences(0.4825, 0.0582, (0.0200, 0.0330), (-0.0500, 0.1040))
    h1b, h3b = _sentence(moved, "H1"), _sentence(moved, "H3")
    # direct: z = 0.0200 / 0.0330 = 0.606, one-sided p = 0.272
    p1 = _one_sided(0.0200 / 0.0330)
    assert f"{p1:.3f}" == "0.272"
    assert "direct effect 0.020 (se 0.033, one-sided p = 0.272): not supported." in h1b
    # indirect: z = -0.481, one-sided p = 0.685
    assert "indirect effect -0.050 (se 0.104, one-sided p = 0.685): not supported." in h3b
    assert h1b != h1 and h3b != h3


def test_hypotheses_verdicts_follow_the_one_sided_rule() -> None:
    # a positive direct effect just above / below the one-sided 5% critical value 1.6449
    _, above = _model_sentences(0.48, 0.058, (1.66 * 0.1, 0.1), (0.3764, 0.1040))
    _, below = _model_sentences(0.48, 0.058, (1.63 * 0.1, 0.1), (0.3764, 0.1040))
    assert above.loc["H1", "p_one_sided"] == pytest.approx(_one_sided(1.66))
    assert above.loc["H1", "verdict"] == "supported"
    assert below.loc["H1", "p_one_sided"] == pytest.approx(_one_sided(1.63))
    assert below.loc["H1", "verdict"] == "not supported"
    # H2 is ρ > 0: a negative, "significant" ρ is not support
    _, negative = _model_sentences(-0.48, 0.058, (0.2, 0.03), (0.3, 0.1))
    assert negative.loc["H2", "verdict"] == "not supported"
    assert negative.loc["H2", "p_one_sided"] == pytest.approx(_one_sided(-0.48 / 0.058))


# --------------------------------------------------------------------------- evolution stage


def _growth(aagr: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "first_year": 2014,
            "last_year": 2023,
            "change": [1.0 if v > 0 else -1.0 for v in aagr.values()],
            "aagr_pct": list(aagr.values()),
        },
        index=pd.Index(list(aagr), name="province"),
    )


def test_growth_sentence_follows_the_growth_table() -> None:
    base = {"Beijing": 3.0, "Tianjin": 2.0, "Hebei": 1.0, "Shanxi": 0.5, "Gansu": -0.4}
    (s,) = evo_stage._province_sentences("cp", LABELS, _growth(base), "cp_growth")
    text = english(s.text, LABELS)
    assert "the Common prosperity index rose in 4 of 5 provinces" in text
    assert "highest in Beijing (3.00%), Tianjin (2.00%) and Hebei (1.00%)" in text
    assert "lowest in Gansu (-0.40%)" in text
    (s2,) = evo_stage._province_sentences("cp", LABELS, _growth(base | {"Gansu": 4.2}), "cp_growth")
    text2 = english(s2.text, LABELS)
    # all provinces rose: the edge form of the catalogue, not "5 of 5"
    assert "rose in all 5 provinces" in text2
    assert "highest in Gansu (4.20%), Beijing (3.00%) and Tianjin (2.00%)" in text2
    assert "lowest in Shanxi (0.50%)" in text2
    assert "cp_growth:Gansu:aagr_pct" in s2.sources


# --------------------------------------------------------------------------- robustness stage


def _spatial(estimates: list[float], ps: list[float]) -> pd.DataFrame:
    names = ["contiguity", "distance", "economic"]
    return pd.DataFrame(
        {"parameter": "rho", "estimate": estimates, "se": 0.05, "z": 0.0, "p": ps},
        index=pd.Index(names, name="fit"),
    )


def test_robustness_sentence_follows_sign_and_significance() -> None:
    kwargs = {"key": "robustness_spatial", "model": "sdm", "reference": "contiguity", "alpha": 0.05}
    same = rob_stage.robustness_sentence(
        _spatial([0.48, 0.36, 0.25], [1e-9, 0.004, 0.01]), **kwargs
    )
    assert same is not None
    assert english(same.text).startswith(
        "Across 3 weight matrices, ρ of the SDM keeps its sign (positive) and its significance "
        "(significant at 5%)"
    )
    assert "ranges from 0.250 (economic) to 0.480 (contiguity)" in english(same.text)
    flipped = rob_stage.robustness_sentence(
        _spatial([0.48, -0.12, 0.25], [1e-9, 0.004, 0.20]), **kwargs
    )
    assert flipped is not None
    assert "is positive and significant at 5% with the study's contiguity weights" in english(
        flipped.text
    )
    assert "changes sign under distance" in english(flipped.text)
    assert "changes significance under economic" in english(flipped.text)
    assert "robustness_spatial:economic:p" in flipped.sources


def _fit_rows(aic: list[float], loglik: list[float]) -> pd.DataFrame:
    """The AIC and log-likelihood rows of a regression payload (``report.regression``)."""
    index = pd.MultiIndex.from_tuples([("stat", "aic"), ("stat", "loglik")], names=["part", "term"])
    columns = pd.MultiIndex.from_product(
        [["SAR", "SEM", "SDM"], ["coef", "se", "z", "p"]], names=["model", "statistic"]
    )
    rows = [[v if k == 0 else np.nan for v in values for k in range(4)] for values in (aic, loglik)]
    return pd.DataFrame(rows, index=index, columns=columns)


def test_aic_sentence_follows_the_fit_rows() -> None:
    table = _fit_rows([-1803.71, -1796.30, -1806.93], [909.8569, 906.1504, 917.4648])
    s = rob_stage.aic_sentence(table, key="compare_models")
    assert s is not None and "the SDM has the lowest AIC" in english(s.text)
    assert "compare_models:stat|aic:SDM|coef" in s.sources
    table.loc[("stat", "aic"), ("SEM", "coef")] = -1810.00
    s2 = rob_stage.aic_sentence(table, key="compare_models")
    assert s2 is not None and "the SEM has the lowest AIC" in english(s2.text)
