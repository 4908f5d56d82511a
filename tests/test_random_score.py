"""The random-effects SAR's exact derivative of the concentrated log-likelihood in ρ equals a
central difference of that likelihood (review found its sign flipped, so the derivative-based
polish of ρ̂ never ran)."""

from __future__ import annotations

from typing import Any

import pytest

import spatialpanel as sp
import spatialpanel.models.engine as engine
from tests.cigar import cigar_data, cigar_weights


def test_re_sar_derivative_matches_a_central_difference(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}
    original = engine.concentrated_max

    def spy(f: Any, bounds: Any, **kw: Any) -> Any:
        seen["f"], seen["deriv"] = f, kw.get("deriv")
        return original(f, bounds, **kw)

    import spatialpanel.models.random as random_mod

    monkeypatch.setattr(random_mod, "concentrated_max", spy)
    sp.SpatialPanelModel(
        cigar_data(), y="logc", x=["logp", "logy"], w=cigar_weights(), model="sar",
        effects="random",
    ).fit()  # fmt: skip
    f, deriv = seen["f"], seen["deriv"]
    assert deriv is not None
    for r in (0.1, 0.29, 0.5):
        h = 1e-5
        numeric = (f(r + h) - f(r - h)) / (2 * h)
        assert deriv(r) == pytest.approx(numeric, rel=1e-5, abs=1e-4)
