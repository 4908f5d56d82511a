"""The statistical conventions of a run, stated plainly, from the stages' settings (messages)."""

from __future__ import annotations

from typing import Any

from spatialpanel.report.results_io import SavedResults
from spatialpanel.text import Label, Message, msg, pmsg

__all__ = ["conventions"]


def _settings(saved: SavedResults, name: str) -> dict[str, Any]:
    for stage in saved.stages:
        if stage["name"] == name:
            return dict(stage.get("settings", {}))
    return {}


def _bias(kind: str) -> Message:
    """What a bias correction does, in words."""
    return {
        "none": msg("none: the exact maximum-likelihood estimates."),
        "elhorst": msg(
            "Lee & Yu (2010) correction as implemented by Elhorst (direct approach): corrected "
            "estimates, σ² and standard errors; the log-likelihood is the maximum before the "
            "correction."
        ),
        "transformation": msg(
            "Lee & Yu (2010) transformation approach (exact ML of the transformed model)."
        ),
        "lee-yu": msg("Lee & Yu (2010) bias correction of the dynamic model."),
    }.get(kind, msg("{kind}.", kind=kind))


def _fill(method: str) -> Message:
    return {
        "linear": msg(
            "linear interpolation between the neighbouring years of the same region and "
            "variable, linear extrapolation at the ends"
        ),
        "nearest": msg("the value of the nearest observed year of the same region and variable"),
        "mean": msg("the mean of the observed years of the same region and variable"),
        "none": msg("no fill"),
    }.get(method, msg("{method}", method=method))


def conventions(saved: SavedResults) -> list[tuple[Message, Message]]:
    """(heading, statement) pairs for the report's conventions section."""
    items: list[tuple[Message, Message]] = []
    data = _settings(saved, "data")
    if data:
        method = str(data.get("missing", ""))
        filled = data.get("cells_filled")
        text = (
            msg(
                "{n} cells filled ({how}); every fill is one row of the audit table.",
                n=int(filled),
                how=_fill(method),
            )
            if filled
            else msg("No cell was missing ({how}).", how=_fill(method))
        )
        items.append((msg("Missing values"), text))
    model = _settings(saved, "model")
    if model:
        items.append(
            (
                msg("Fixed effects"),
                msg(
                    "{model} with {effects} effects, {w} weights. With fixed effects, W is "
                    "applied to the raw variables and the within transformation afterwards, "
                    "Q·(Wy) and Q·(WX) (Elhorst 2014; Lee & Yu 2010); R's splm uses W·(Qy), "
                    "which differs with time effects.",
                    model=pmsg("model", str(model.get("kind", "")).upper()),
                    effects=pmsg("effects", str(model.get("effects", ""))),
                    w=Label("weights", str(model.get("weights", ""))),
                ),
            )
        )
        items.append((msg("Bias correction"), _bias(str(model.get("bias_correction", "none")))))
        items.append(
            (
                msg("p-values of the models"),
                msg(
                    "coefficients and effects: two-sided, standard normal; LM, LR and Wald tests: "
                    "upper tail of χ²; model-selection tests use fits without bias correction."
                ),
            )
        )
        items.append(
            (
                msg("Hypotheses"),
                msg(
                    "one-sided tests, P(Z > z), at α = {alpha}; a hypothesis is supported when "
                    "the estimate is positive and the one-sided p-value is below α.",
                    alpha=f"{model.get('alpha', '')}",
                ),
            )
        )
        items.append((msg("σ²"), msg("e'e/NT (maximum likelihood), before any bias correction.")))
    dyn = _settings(saved, "dynamic")
    if dyn.get("enabled"):
        items.append(
            (
                msg("Dynamic model"),
                msg(
                    "bias correction: {bias}",
                    bias=_bias(str(dyn.get("bias_correction", "none"))),
                ),
            )
        )
    if _settings(saved, "autocorrelation"):
        items.append(
            (
                msg("Moran's I p-values"),
                msg(
                    "Global Moran's I: p two-sided, randomisation assumption (normal "
                    "approximation); the permutation pseudo p-value is twice the smaller "
                    "one-sided (k + 1)/(P + 1), k permutations at least as extreme. Local "
                    "Moran: one-sided in the direction of the observed I_i (conditional "
                    "permutation, as esda and GeoDa)."
                ),
            )
        )
    seed = saved.study.get("seed")
    if seed is not None:
        items.append(
            (
                msg("Random draws"),
                msg("permutations and simulation draws use seed {seed}.", seed=str(seed)),
            )
        )
    return items
