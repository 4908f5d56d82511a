"""The study's labels: what readers see instead of the identifiers of the study file.

Labels come from the study file — ``label`` / ``label_LANG`` on ``[indices.NAME]``, on each
indicator, on ``[indices.NAME.dimensions]`` entries, on ``[weights.NAME]`` and on
``[variables.NAME]`` (data columns: model variables, controls, weight variables) — and travel in
``stages.json`` as a :class:`~spatialpanel.text.labels.Labels` table. An identifier without a label
gets a readable default when it is shown (:func:`spatialpanel.text.labels.default_label`).

Where the study file gives no label, the data may: the variable labels of a Stata or SPSS file
(``labels`` of :class:`~spatialpanel.data.readers.PanelData`) and the English/Chinese labels of a
bundled dataset's metadata become the default labels of those columns. The regions of a region set
other than China's provinces (cities, US states, the user's own boundaries) are labelled by the
set's English and Chinese names (China's provinces are named from the bundled table, see
:func:`spatialpanel.text.labels.region_name`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from spatialpanel.study.config import StudyConfig
from spatialpanel.study.schema import LABEL_KEY
from spatialpanel.text import Labels

if TYPE_CHECKING:  # pragma: no cover
    from spatialpanel.data.regions import RegionSet

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


def study_labels(
    config: StudyConfig,
    *,
    file_labels: Mapping[str, str] | None = None,
    regions: RegionSet | None = None,
    dataset: str | None = None,
) -> Labels:
    """Every label the study file gives, by kind (``variable``, ``dimension``, ``weights``), over
    the defaults the data give.

    Parameters
    ----------
    config
        The study.
    file_labels
        Variable labels stated in the data file (Stata/SPSS), used (as English labels) for the
        columns the study file does not label.
    regions
        The study's region set: its names label the regions (kind ``region``) unless it is
        China's provinces, which the bundled table names.
    dataset
        A bundled dataset whose metadata labels (``label``, ``label_LANG``) its variables.
    """
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
    for col, entry in _data_labels(file_labels, dataset).items():
        variables.setdefault(col, entry)
    table: dict[str, Mapping[str, Mapping[str, str]]] = {
        "variable": variables,
        "dimension": dimensions,
        "weights": weights,
    }
    if regions is not None and regions.name != "china_provinces":
        table["region"] = _region_labels(regions)
    return Labels(table)


def _data_labels(
    file_labels: Mapping[str, str] | None, dataset: str | None
) -> dict[str, dict[str, str]]:
    """Default labels from the data: the file's variable labels, a bundled dataset's metadata."""
    out: dict[str, dict[str, str]] = {}
    if dataset is not None:
        from spatialpanel.data.bundled import dataset_meta

        for col, body in (dataset_meta(dataset).get("variables") or {}).items():
            if isinstance(body, Mapping) and (entry := _entry(body)):
                out[str(col)] = entry
    for col, text in (file_labels or {}).items():
        if str(text).strip():
            out.setdefault(str(col), {"en": str(text).strip()})
    return out


def _region_labels(regions: RegionSet) -> dict[str, dict[str, str]]:
    """``{id: {"en": name, "zh": name}}`` of a region set (ids as text)."""
    english, chinese = regions.labels(lang="en"), regions.labels(lang="zh")
    return {
        str(ident): {"en": str(english[ident]), "zh": str(chinese[ident])}
        for ident in regions.table.index
    }


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
