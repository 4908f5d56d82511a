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
