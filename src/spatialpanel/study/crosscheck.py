"""Checks between the sections of a study file, after each section is checked on its own.

:func:`cross_check` is called once by ``spatialpanel.study.config.validate``: weights and
variables named in one section must be defined in another, years must lie inside the study's
years, the geography and divisions must fit the data, and combinations of keys that ``run``
would otherwise refuse after some of the work (bias correction without fixed effects, a
specification curve without a model, ...) are refused at once, naming the keys and the fix.
"""

from __future__ import annotations

import math
from typing import Any

from spatialpanel.errors import ConfigError, did_you_mean
from spatialpanel.study.rules import DIVISIONS

__all__ = ["cross_check"]


def cross_check(cfg: dict[str, Any], *, where: str) -> None:
    """References between sections: weights and variables named elsewhere must exist."""
    weights = cfg.get("weights", {})
    indices = cfg.get("indices", {})
    _check_geography(cfg, where=where)
    _check_divisions(cfg, where=where)
    data = cfg["data"]
    _check_years(data.get("years"), where=where, label="[data]", within=None)
    for name, body in indices.items():
        _check_years(body["years"], where=where, label=f"[indices.{name}]", within=data["years"])
    if "model" in cfg:
        _check_years(cfg["model"]["years"], where=where, label="[model]", within=data["years"])
    ac = cfg.get("autocorrelation")
    if ac is not None:
        for name in [*ac["weights"], *([ac["local_weights"]] if ac["local_weights"] else [])]:
            if name not in weights:
                raise ConfigError(
                    f"{where}: [autocorrelation] refers to weights {name!r}, which no "
                    f"[weights.{name}] section defines." + did_you_mean(name, list(weights))
                )
    model = cfg.get("model")
    if model is not None and model["weights"] not in weights:
        raise ConfigError(
            f"{where}: [model] weights = {model['weights']!r} is not defined by a "
            f"[weights.NAME] section." + did_you_mean(model["weights"], list(weights))
        )
    for name, body in indices.items():
        for col in body["indicators"]:
            if col in indices:
                raise ConfigError(
                    f"{where}: [indices.{name}] uses {col!r} as an indicator, but {col!r} is also "
                    "the name of an index; rename one of them."
                )
    _cross_rules(cfg, where=where)


def _cross_rules(cfg: dict[str, Any], *, where: str) -> None:
    """Rules between keys that ``run`` would otherwise refuse after some of the work."""
    model = cfg.get("model")
    weights = cfg.get("weights", {})
    fixed = ("entity", "time", "twoway")
    if model is not None:
        bias, effects, kind = model["bias_correction"], model["effects"], model["kind"]
        if bias != "none" and effects not in fixed:
            raise ConfigError(
                f"{where}: [model] bias_correction = {bias!r} corrects fixed-effects estimates, "
                f'but effects = {effects!r}; set bias_correction = "none" or effects = '
                '"entity", "time" or "twoway".'
            )
        if bias != "none" and kind == "slx":
            raise ConfigError(
                f"{where}: [model] bias_correction = {bias!r} corrects the spatial parameter, "
                'which kind = "slx" does not have; set bias_correction = "none".'
            )
        w = weights.get(model["weights"], {})
        if (
            bias == "transformation"
            and effects in ("time", "twoway")
            and w.get("transform") != "row"
        ):
            raise ConfigError(
                f'{where}: [model] bias_correction = "transformation" with {effects} effects needs '
                f"a row-standardised W, but [weights.{model['weights']}] transform = "
                f'{w.get("transform")!r}; set transform = "row" or bias_correction = "elhorst".'
            )
    dyn = cfg.get("dynamic")
    if dyn is not None and dyn["enabled"]:
        if model is None:
            raise ConfigError(
                f"{where}: [dynamic] enabled = true needs a [model] section (y, core, weights); "
                "add one or set enabled = false."
            )
        if model["effects"] not in fixed:
            raise ConfigError(
                f"{where}: [dynamic] enabled = true needs fixed effects, but [model] effects = "
                f'{model["effects"]!r}; set effects = "entity", "time" or "twoway", or '
                "[dynamic] enabled = false."
            )
    _check_specification(cfg, where=where)
    ac = cfg.get("autocorrelation")
    if ac is not None and 1.0 / (ac["permutations"] + 1) > ac["alpha"]:
        raise ConfigError(
            f"{where}: [autocorrelation] permutations = {ac['permutations']} cannot give a "
            f"p-value below alpha = {ac['alpha']} (the smallest is 1/(permutations + 1) = "
            f"{1.0 / (ac['permutations'] + 1):.3g}); use permutations >= "
            f"{math.ceil(1.0 / ac['alpha']) - 1}."
        )
    disp = cfg.get("disparity")
    if disp is not None:
        if disp["sigma_measure"] == "cv" and disp["sigma_log"]:
            raise ConfigError(
                f'{where}: [disparity] sigma_measure = "cv" with sigma_log = true is not '
                "meaningful (the mean of logs can be zero or negative); use sigma_measure = "
                '"sd" with logs, or sigma_log = false.'
            )
        indices = cfg.get("indices", {})
        missing = [n for n in disp["coupling_systems"] if n not in indices]
        if "coupling" in disp["tools"] and missing:
            raise ConfigError(
                f"{where}: [disparity] coupling_systems = {disp['coupling_systems']!r}: {missing} "
                "are not [indices.NAME] sections; coupling needs two or more composite indices "
                '(or remove "coupling" from tools).' + did_you_mean(str(missing[0]), list(indices))
            )
    for name, body in cfg.get("indices", {}).items():
        if body["normalisation"] != "minmax" and body["method"] != "topsis":
            raise ConfigError(
                f"{where}: [indices.{name}] normalisation = {body['normalisation']!r} applies to "
                f'method = "topsis" only, but method = {body["method"]!r}; remove it or set '
                'method = "topsis".'
            )
    for name, body in weights.items():
        if body["kind"] == "file" and not body["file"]:
            raise ConfigError(
                f'{where}: [weights.{name}] kind = "file" needs file = "matrix.csv" (the '
                "matrix file, relative to the study file)."
            )


def _check_specification(cfg: dict[str, Any], *, where: str) -> None:
    """``[specification]`` needs a ``[model]`` and names existing matrices; ``[compute]``
    ``scheduler`` goes with ``backend = "dask"``, which needs dask.distributed installed."""
    spec = cfg.get("specification")
    if spec is not None:
        if spec["enabled"] and "model" not in cfg:
            raise ConfigError(
                f"{where}: [specification] enabled = true varies the choices of the [model] "
                "section (y, core, weights, kind, effects); add one or set enabled = false."
            )
        known = list(cfg.get("weights", {}))
        for name in spec["weights"]:
            if name not in known:
                raise ConfigError(
                    f"{where}: [specification] weights names {name!r}, which no "
                    f"[weights.{name}] section defines (defined: {', '.join(known) or 'none'})."
                    + did_you_mean(str(name), known)
                )
    compute = cfg.get("compute")
    if compute is None:
        return
    if compute["scheduler"] is not None and compute["backend"] != "dask":
        raise ConfigError(
            f"{where}: [compute] scheduler = {compute['scheduler']!r} is the address of a Dask "
            f'scheduler, but backend = {compute["backend"]!r}; set backend = "dask" or remove '
            "scheduler."
        )
    if compute["backend"] == "dask":
        import importlib.util

        if importlib.util.find_spec("distributed") is None:
            raise ConfigError(
                f'{where}: [compute] backend = "dask" needs dask.distributed, which is not '
                'installed; install it with pip install "spatialpanel[dask]", or set backend = '
                '"serial".'
            )


def _check_geography(cfg: dict[str, Any], *, where: str) -> None:
    """[geography]: one of file (with id) or bundled; consistent with [data] entity_kind."""
    geo = cfg.get("geography")
    if geo is None:
        return
    if (geo["file"] is None) == (geo["bundled"] is None):
        raise ConfigError(
            f'{where}: [geography] needs either file = "BOUNDARIES.geojson" (with id = '
            '"COLUMN") or bundled = "china_cities", not both or neither.'
        )
    if geo["file"] is not None and geo["id"] is None:
        raise ConfigError(
            f'{where}: [geography] file = {geo["file"]!r} needs id = "COLUMN", the column '
            "holding the region ids that the panel uses."
        )
    if geo["file"] is None:
        extra = [k for k in ("id", "layer", "crs", "label_en", "label_zh", "points") if geo[k]]
        if extra or geo["aliases"] or geo["points_columns"] or geo["points_id"]:
            raise ConfigError(
                f"{where}: [geography] bundled = {geo['bundled']!r} takes no other keys; remove "
                f"{extra or ['aliases/points_columns/points_id']}."
            )
    columns = geo["points_columns"]
    if columns is not None and (len(columns) != 2 or not all(isinstance(c, str) for c in columns)):
        raise ConfigError(
            f"{where}: [geography] points_columns = {columns!r} must name two columns, "
            '["LON", "LAT"].'
        )
    kind = cfg["data"]["entity_kind"]
    if kind == "china" and geo["bundled"] != "china_provinces":
        raise ConfigError(
            f'{where}: [data] entity_kind = "china" reads China\'s province names; with '
            '[geography] set entity_kind = "generic" (the region labels are then matched to '
            "the geography's ids and names)."
        )


def _check_divisions(cfg: dict[str, Any], *, where: str) -> None:
    """``[disparity]`` / ``[evolution] division``: one of China's divisions; with a
    ``[geography]`` also a column of its region set, which ``validate`` looks up when it reads the
    data (:func:`spatialpanel.study.references.check_references`)."""
    if "geography" in cfg:
        return
    for section in ("disparity", "evolution"):
        division = cfg.get(section, {}).get("division")
        if division is not None and division not in DIVISIONS:
            raise ConfigError(
                f"{where}: [{section}] division = {division!r} is not one of "
                f"{', '.join(DIVISIONS)}." + did_you_mean(str(division), DIVISIONS) + " A "
                "study with a [geography] section may name a column of its boundary file instead."
            )


def _check_years(years: Any, *, where: str, label: str, within: list[int] | None) -> None:
    """``years = [first, last]``: two integers in order, inside the study's [data] years."""
    if years is None:
        return
    if len(years) != 2 or not all(type(y) is int for y in years) or years[0] > years[1]:
        raise ConfigError(
            f"{where}: {label} years = {years!r} must be [first, last], e.g. [2014, 2023]."
        )
    if within is not None and not (within[0] <= years[0] and years[1] <= within[1]):
        raise ConfigError(
            f"{where}: {label} years = {years!r} lie outside the study's [data] years "
            f"{within!r}; choose years within them."
        )
