"""The study configuration schema: every section, its keys, their types and defaults.

Unknown or misspelt keys are refused with a suggestion (see :mod:`spatialpanel.study.config`).
A section listed in ``NAMED_SECTIONS`` holds one sub-table per named item (``[indices.cp]``,
``[weights.nested]``, ``[variables.openness]``), each validated against the item schema.

Labels: wherever a schema has a ``label`` key, ``label_LANG`` keys (``label_zh``, a two- or
three-letter language code) are accepted too; readers see the label of their language, and
identifiers stay in the machine-readable files only (see :mod:`spatialpanel.study.labels`).
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "DIMENSION_KEYS",
    "INDICATOR_KEYS",
    "LABEL_KEY",
    "NAMED_SECTIONS",
    "SECTIONS",
    "TITLE_KEY",
]

#: ``label_zh``, ``label_fr``, ...: a label in another language, wherever ``label`` is allowed.
LABEL_KEY = re.compile(r"^label_[a-z]{2,3}$")
#: ``title_zh``, ...: the study's title in another language.
TITLE_KEY = re.compile(r"^title_[a-z]{2,3}$")

# key -> (accepted python types, default); a default of ... means required
Spec = dict[str, tuple[tuple[type, ...], Any]]

SECTIONS: dict[str, Spec] = {
    "study": {
        "title": ((str,), "Spatial panel study"),
        "reference": ((str,), ""),
        "seed": ((int,), 12345),
        "lang": ((str,), "en"),
    },
    "data": {
        "file": ((str,), ...),
        "entity": ((str,), "province"),
        "time": ((str,), "year"),
        "years": ((list,), None),
        "missing": ((str,), "linear"),
        "sheet": ((str,), None),
        "layout": ((str,), "auto"),
        "encoding": ((str,), "auto"),
        "entity_kind": ((str,), "china"),
        "bounds": ((dict,), {}),
        "extra_years": ((str,), "error"),
        # the data's mark on every output (spatialpanel.report.marks): more cautious only
        "mark": ((str,), None),
    },
    "geography": {
        "bundled": ((str,), None),
        "file": ((str,), None),
        "id": ((str,), None),
        "layer": ((str,), None),
        "crs": ((str,), None),
        "label_en": ((str,), None),
        "label_zh": ((str,), None),
        "aliases": ((list,), []),
        "points": ((str,), None),
        "points_columns": ((list,), None),
        "points_id": ((str,), None),
    },
    "evolution": {
        "provinces": ((list,), []),
        "division": ((str,), "region_4"),
    },
    "autocorrelation": {
        "variable": ((str,), ...),
        "weights": ((list,), ...),
        "local_weights": ((str,), None),
        "years": ((list,), []),
        "permutations": ((int,), 999),
        "alpha": ((float, int), 0.05),
        "fdr": ((bool,), False),
    },
    "model": {
        # either formula = "y ~ core + control + ... [| entity + year]" or y, core, controls
        "formula": ((str,), None),
        "y": ((str,), None),
        "core": ((str,), None),
        "controls": ((list,), []),
        "weights": ((str,), ...),
        "kind": ((str,), "sdm"),
        "effects": ((str,), "twoway"),
        "bias_correction": ((str,), "elhorst"),
        "alpha": ((float, int), 0.05),
        "draws": ((int,), 1000),
        "years": ((list,), None),
    },
    "dynamic": {
        "enabled": ((bool,), False),
        "lags": ((list,), ["time", "spacetime"]),
        "bias_correction": ((str,), "lee-yu"),
    },
    "disparity": {
        "variables": ((list,), ["cp", "uri"]),
        "division": ((str,), "region_4"),
        "tools": ((list,), ["dagum", "kde", "markov", "convergence", "coupling", "obstacle"]),
        "markov_classes": ((int,), 4),
        "bandwidth": ((str,), "silverman"),
        "weights": ((str,), "contiguity"),
        "markov_scheme": ((str,), "pooled"),
        "neighbour_classes": ((str,), "own_quantiles"),
        "sigma_measure": ((str,), "sd"),
        "sigma_log": ((bool,), False),
        "population": ((str,), None),
        "controls": ((list,), None),
        "coupling_systems": ((list,), ["uri", "cp"]),
        "coupling_form": ((str,), "classic"),
        "obstacle_top": ((int,), 3),
        "kde_min_group_size": ((int,), 5),
    },
    # the specification curve (stage "specification"): every combination of the choices below
    "specification": {
        "enabled": ((bool,), True),
        # index weighting methods for the model's composite indices of two or more indicators
        "methods": ((list,), ["entropy", "critic", "cv", "equal"]),
        # [weights.NAME] matrices; empty = every matrix of the study
        "weights": ((list,), []),
        "kinds": ((list,), ["sar", "sem", "sdm", "sdem"]),
        "effects": ((list,), ["entity", "twoway"]),
        # the estimate the curve sorts and draws: the core regressor's direct or total effect
        "estimate": ((str,), "direct"),
    },
    # where many independent fits run (the specification curve): serially or on Dask
    "compute": {
        "backend": ((str,), "serial"),
        # a running Dask scheduler ("tcp://HOST:8786"); none = a local cluster for the run
        "scheduler": ((str,), None),
    },
    "outputs": {
        "dir": ((str,), "spatialpanel-results"),
        "figure_formats": ((list,), ["png"]),
        "dpi": ((int,), 300),
        "report": ((bool,), True),
        # beneath each coefficient of the regression tables: standard error or z statistic
        "parentheses": ((str,), "se"),
    },
}

NAMED_SECTIONS: dict[str, Spec] = {
    "indices": {
        "label": ((str,), None),
        "method": ((str,), "entropy"),
        "variant": ((str,), "panel"),
        "shift": ((float, int), 0.0001),
        "normalisation": ((str,), "minmax"),
        "dimension_scale": ((str,), "contribution"),
        "years": ((list,), None),
        "indicators": ((dict,), ...),
        "dimensions": ((dict,), {}),
    },
    "weights": {
        "kind": ((str,), ...),
        "hainan": ((str,), "guangdong"),
        "rook": ((bool,), False),
        "islands": ((str,), "raise"),
        "power": ((int, float), 1),
        "cutoff_km": ((int, float), None),
        "k": ((int,), 4),
        "variable": ((str,), "gdp_per_capita"),
        "form": ((str,), "product"),
        "phi": ((float, int), 0.5),
        "transform": ((str,), "row"),
        "file": ((str,), None),
        "label": ((str,), None),
    },
    # data columns (model variables, controls, weight variables): labels, units, sources
    "variables": {
        "label": ((str,), None),
        "unit": ((str,), None),
        "source": ((str,), None),
        "direction": ((str,), None),
    },
}

INDICATOR_KEYS: Spec = {
    "dimension": ((str,), ...),
    "direction": ((str,), ...),
    "label": ((str,), None),
    "unit": ((str,), None),
    "source": ((str,), None),
}

#: ``[indices.NAME.dimensions]``: one entry per dimension named by the indicators.
DIMENSION_KEYS: Spec = {
    "label": ((str,), None),
}

REQUIRED_SECTIONS = ("data",)
