"""Chinese renderings of sentence branches the demo study does not produce (found in review)."""

from __future__ import annotations

import pytest

from spatialpanel.report.i18n import translate_text


@pytest.mark.parametrize(
    ("measure", "zh"), [("standard deviation", "标准差"), ("coefficient of variation", "变异系数")]
)
def test_sigma_convergence_sentence_for_both_measures(measure: str, zh: str) -> None:
    en = (
        f"The national {measure} of cp went from 0.300 in 2010 to 0.350 in 2020, "
        "no σ convergence over the period."
    )
    out = translate_text(en, "zh")
    assert out.startswith(f"全国层面 cp 的{zh}由 2010 年的 0.300 变为 2020 年的 0.350")
    assert "variation" not in out and "deviation" not in out


@pytest.mark.parametrize(
    ("en", "zh"),
    [
        (
            "w_ij = 1 if j is one of the 4 capitals nearest to i",
            "j 为距 i 最近的 4 个省会城市之一时 w_ij = 1",
        ),
        (
            "w_ij = 1/d_ij, d = great-circle km between capitals (R = 6371.0088), 0 beyond 800 km",
            "w_ij = 1/d_ij，d 为省会城市间的大圆距离（千米，R = 6371.0088），超过 800 千米时为 0",
        ),
        (
            "w_ij = 1/d_ij^3, d = great-circle km between capitals (R = 6371.0088)",
            "w_ij = 1/d_ij^3，d 为省会城市间的大圆距离（千米，R = 6371.0088）",
        ),
    ],
)
def test_weights_formula_cells_of_the_other_options(en: str, zh: str) -> None:
    from spatialpanel.report.i18n import translate_cell

    assert translate_cell(en, "zh") == zh


def test_disparity_notes_of_the_other_options() -> None:
    assert (
        translate_text("Dagum (1997) decomposition, population-weighted; groups: division.", "zh")
        == "Dagum（1997）分解，按人口加权；分组：division。"
    )
    assert (
        translate_text("Spatial β skipped: no weights named 'inv'.", "zh")
        == "未估计空间 β 收敛：没有名为 'inv' 的权重矩阵。"
    )


@pytest.mark.parametrize(("label", "zh"), [("time", "time"), ("total", "total"), ("cp", "cp")])
def test_user_labels_that_equal_a_generic_term_stay_as_written(label: str, zh: str) -> None:
    en = (
        f"With the contiguity weights, Moran's I of {label} is significant at the 5% level "
        "(two-sided) in every year; it ranges from 0.100 (2014) to 0.200 (2020)."
    )
    assert translate_text(en, "zh").startswith(f"在 contiguity 权重矩阵下，{zh}的全局莫兰指数")


def test_demo_labels_are_still_translated() -> None:
    en = "Global Moran's I of Common prosperity (contiguity weights)"
    assert translate_text(en, "zh") == "共同富裕的全局莫兰指数（contiguity 权重矩阵）"
