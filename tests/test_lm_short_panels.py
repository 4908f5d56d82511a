"""One period: the LM, residual-Moran and BSK tests say why, by name (found in review: a
ZeroDivisionError and a misleading 'collinear' message)."""

from __future__ import annotations

import pytest

import spatialpanel as sp
from spatialpanel.errors import DataError
from spatialpanel.inference.lm import bsk_tests, residual_moran
from tests.cigar import cigar_data, cigar_weights


def _one_year() -> object:
    data = cigar_data()
    return data[data.index.get_level_values(1) == 1970]


def test_entity_effects_with_one_period_are_refused() -> None:
    for f in (sp.lm_tests, residual_moran):
        with pytest.raises(DataError, match="effects='entity' needs at least two periods"):
            f(_one_year(), y="logc", x=["logp"], w=cigar_weights(), effects="entity")


def test_bsk_with_one_period_is_refused() -> None:
    with pytest.raises(DataError, match="Baltagi-Song-Koh tests need at least two periods"):
        bsk_tests(_one_year(), y="logc", x=["logp"], w=cigar_weights())


def test_pooled_lm_tests_still_run_on_one_period() -> None:
    out = sp.lm_tests(_one_year(), y="logc", x=["logp"], w=cigar_weights(), effects="pooled")
    assert len(out) == 4
