"""The study's labels: what readers see instead of the identifiers of the study file.

Labels come from the study file — ``label`` / ``label_LANG`` on ``[indices.NAME]``, on each
indicator, on ``[indices.NAME.dimensions]`` entries, on ``[weights.NAME]`` and on
``[variables.NAME]`` (data columns: model variables, controls, weight variables) — and travel in
``stages.json`` as a :class:`~spatialpanel.text.Labels` table. An identifier without a label gets a
readable default when it is shown (:func:`spatialpanel.text.default_label`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from spatialpanel.study.config import StudyConfig
from spatialpanel.study.schema import LABEL_KEY
from spatialpanel.text import Labels

__all__ = ["study_labels", "variable_info"]


def _entry(body: Mapping[str, Any]) -> dict[str, str]:
    """``{"en": label, "zh": label_zh, ...}`` of one item (empty when it has no label)."""
    out: dict[str, str] = {}
    if body.get("label"):
        out["en"] = str(body["label"])
    for key, value in body.items():
        if LABEL_KEY.match(str(key)) and value:
            out[str(key).removeprefix("label_")] = str(value)
    return out


def study_labels(config: StudyConfig) -> Labels:
    """Every label the study file gives, by kind (``variable``, ``dimension``, ``weights``)."""
    variables: dict[str, dict[str, str]] = {}
    dimensions: dict[str, dict[str, str]] = {}
    weights: dict[str, dict[str, str]] = {}
    for name, body in config.section("variables").items():
        if entry := _entry(body):
            variables[name] = entry
    for name, body in config.section("indices").items():
        if entry := _entry(body):
            variables[name] = entry
        for col, spec in body.get("indicators", {}).items():
            if entry := _entry(spec):
                variables.setdefault(col, entry)
        for dim, spec in body.get("dimensions", {}).items():
            if entry := _entry(spec):
                dimensions[dim] = entry
    for name, body in config.section("weights").items():
        if entry := _entry(body):
            weights[name] = entry
    return Labels({"variable": variables, "dimension": dimensions, "weights": weights})


def variable_info(config: StudyConfig) -> dict[str, dict[str, Any]]:
    """Unit, direction and source of each data column the study describes (for templates)."""
    out: dict[str, dict[str, Any]] = {}
    for body in config.section("indices").values():
        for col, spec in body.get("indicators", {}).items():
            out[col] = {k: spec.get(k) for k in ("unit", "direction", "source")}
    for name, body in config.section("variables").items():
        out.setdefault(name, {}).update(
            {k: body.get(k) for k in ("unit", "direction", "source") if body.get(k) is not None}
        )
    return out
