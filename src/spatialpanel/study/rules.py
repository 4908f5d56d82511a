"""The values a study file may hold, key by key, and the rules between keys.

``spatialpanel.study.config.validate`` applies them, so that ``spatialpanel validate``
refuses everything ``spatialpanel run`` would refuse later. Each key of the schema is one of:

- a **choice** (``CHOICES``): one of a fixed set of words;
- a **ruled** value (``RULES``): a range or a shape, stated in ``Rule.allowed``;
- a **reference** (:data:`REFERENCES`): a name that must exist elsewhere in the study (checked
  by ``spatialpanel.study.config.validate``) or in the data (checked by
  :func:`spatialpanel.study.references.check_references` when ``validate`` reads the data);
  ``[disparity] division`` and ``[evolution] division`` are both: one of China's divisions
  (:data:`DIVISIONS`), or, when the study has a ``[geography]``, any column of its region set;
- **free** text (:data:`FREE`, and every ``label`` / ``label_*`` key).

``tests/test_study_rules.py`` walks the schema and proves, key by key, that a bad value is
refused with a message naming the key, the value and what is allowed.
"""

from __future__ import annotations

import codecs
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "CHOICES",
    "DIVISIONS",
    "FREE",
    "REFERENCES",
    "RULES",
    "Rule",
    "is_free",
    "rule_for",
]

#: China's regional divisions by province code (:func:`spatialpanel.data.china.region_of`): what
#: ``[disparity] division`` and ``[evolution] division`` name without a ``[geography]``.
DIVISIONS: tuple[str, ...] = ("region_4", "region_3belt", "region_3belt_1986")

CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("data", "missing"): ("linear", "nearest", "mean", "none"),
    ("data", "layout"): ("auto", "long", "wide", "tidy"),
    ("data", "entity_kind"): ("china", "generic"),
    ("data", "extra_years"): ("error", "drop"),
    ("data", "mark"): ("synthetic", "real-reduced", "real"),
    ("model", "kind"): ("sar", "sem", "sdm", "sdem", "slx"),
    ("model", "effects"): ("pooled", "entity", "time", "twoway", "random"),
    ("model", "bias_correction"): ("none", "elhorst", "transformation"),
    ("dynamic", "bias_correction"): ("lee-yu", "none"),
    ("indices", "method"): ("entropy", "critic", "cv", "equal", "topsis"),
    ("indices", "variant"): ("panel", "year"),
    ("indices", "normalisation"): ("minmax", "vector"),
    ("indices", "dimension_scale"): ("contribution", "renormalised"),
    ("weights", "kind"): (
        "contiguity",
        "inverse_distance",
        "knn",
        "economic",
        "economic_geographic",
        "file",
    ),
    ("weights", "form"): ("product", "mix"),
    ("weights", "islands"): ("raise", "allow", "nearest"),
    ("geography", "bundled"): ("china_cities", "china_provinces"),
    ("disparity", "markov_scheme"): ("pooled", "per_year"),
    ("disparity", "neighbour_classes"): ("own_quantiles", "variable_cutoffs"),
    ("disparity", "sigma_measure"): ("sd", "cv"),
    ("disparity", "coupling_form"): ("classic", "modified"),
    ("weights", "hainan"): ("guangdong", "guangdong+guangxi", "none"),
    ("weights", "transform"): ("row", "binary", "spectral", "minmax", "none"),
    ("indicator", "direction"): ("positive", "negative"),
    ("variables", "direction"): ("positive", "negative"),
    ("outputs", "parentheses"): ("se", "z"),
    ("specification", "estimate"): ("direct", "total"),
    ("compute", "backend"): ("serial", "dask"),
}

FIGURE_FORMATS = ("png", "svg", "pdf")
DISPARITY_TOOLS = ("dagum", "kde", "markov", "convergence", "coupling", "obstacle")
DYNAMIC_LAGS = ("time", "spacetime")
BANDWIDTHS = ("silverman", "scott", "scipy_scott", "scipy_silverman")
SPEC_METHODS = ("entropy", "critic", "cv", "equal", "topsis")
SPEC_KINDS = ("sar", "sem", "sdm", "sdem", "slx")
SPEC_EFFECTS = ("pooled", "entity", "time", "twoway", "random")
#: A Dask scheduler address: a protocol and a location, "tcp://10.0.0.5:8786".
_ADDRESS = re.compile(r"^[a-z][a-z0-9+.-]*://\S+$")


@dataclass(frozen=True)
class Rule:
    """What a key accepts: ``allowed`` says it in words, ``ok`` decides, ``bad`` is a value of
    the right type that the rule refuses (for the schema test)."""

    allowed: str
    ok: Callable[[Any], bool]
    bad: Any


def _int_in(lo: int, hi: int) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, int) and not isinstance(v, bool) and lo <= v <= hi


def _number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _text(v: Any) -> bool:
    return isinstance(v, str) and v.strip() != ""


def _texts(v: Any, *, empty: bool = False) -> bool:
    return isinstance(v, list) and (empty or len(v) > 0) and all(_text(x) for x in v)


def _codec(v: Any) -> bool:
    if v == "auto":
        return True
    try:
        codecs.lookup(str(v))
    except LookupError:
        return False
    return True


def _bounds(v: Any) -> bool:
    return isinstance(v, dict) and all(
        _text(k)
        and isinstance(b, list)
        and len(b) == 2
        and all(_number(x) for x in b)
        and b[0] < b[1]
        for k, b in v.items()
    )


def _bandwidth(v: Any) -> bool:
    if v in BANDWIDTHS:
        return True
    try:
        h = float(v)
    except (TypeError, ValueError):
        return False
    return math.isfinite(h) and h > 0


def _subset(choices: tuple[str, ...]) -> Callable[[Any], bool]:
    """A non-empty list of some of ``choices``, each once."""
    return lambda v: _texts(v) and set(v) <= set(choices) and len(set(v)) == len(v)


def _years(v: Any) -> bool:
    return (
        isinstance(v, list)
        and len(v) == 2
        and all(isinstance(y, int) and not isinstance(y, bool) for y in v)
        and v[0] <= v[1]
    )


def _language(v: Any) -> bool:
    from spatialpanel.text import languages

    return isinstance(v, str) and v in languages()


RULES: dict[tuple[str, str], Rule] = {
    ("study", "lang"): Rule(
        "a language with a catalogue: en, zh, or one whose spatialpanel.po lies under "
        "$SPATIALPANEL_LOCALE_PATH",
        _language,
        "no-such-language",
    ),
    ("study", "seed"): Rule("an integer from 0 to 4294967295", _int_in(0, 2**32 - 1), -1),
    ("data", "file"): Rule('a file name, or "demo"', _text, " "),
    ("data", "entity"): Rule("a column name (not empty)", _text, ""),
    ("data", "time"): Rule("a column name (not empty)", _text, ""),
    ("data", "years"): Rule("[first, last], two integers with first <= last", _years, [2020]),
    ("indices", "years"): Rule(
        "[first, last], two integers with first <= last, within [data] years", _years, [2020]
    ),
    ("model", "years"): Rule(
        "[first, last], two integers with first <= last, within [data] years", _years, [2020]
    ),
    ("data", "sheet"): Rule("a sheet name (not empty)", _text, ""),
    ("data", "encoding"): Rule('"auto" or an encoding Python knows (utf-8, gbk, ...)', _codec, "x"),
    ("data", "bounds"): Rule(
        "a table of variable = [low, high] with low < high",
        _bounds,
        {"x": [1, 0]},
    ),
    ("evolution", "division"): Rule(
        f"one of {', '.join(DIVISIONS)}, or a column of the [geography] region set", _text, " "
    ),
    ("disparity", "division"): Rule(
        f"one of {', '.join(DIVISIONS)}, or a column of the [geography] region set", _text, " "
    ),
    ("evolution", "provinces"): Rule(
        "a list of province names or codes",
        lambda v: isinstance(v, list) and all(_text(x) or _int_in(1, 10**9)(x) for x in v),
        [1.5],
    ),
    ("geography", "file"): Rule("a boundary file (GeoJSON, GeoPackage, Shapefile)", _text, " "),
    ("geography", "id"): Rule("a column name of the boundary file (not empty)", _text, ""),
    ("geography", "layer"): Rule("a layer name of the boundary file (not empty)", _text, ""),
    ("geography", "crs"): Rule('a coordinate reference system, e.g. "EPSG:4326"', _text, ""),
    ("geography", "aliases"): Rule(
        "a list of column names holding other spellings of the region names",
        lambda v: _texts(v, empty=True),
        [""],
    ),
    ("geography", "points"): Rule("a points file (capitals or centroids)", _text, " "),
    ("geography", "points_columns"): Rule(
        'two columns, ["LON", "LAT"]',
        lambda v: _texts(v) and len(v) == 2,
        ["lon"],
    ),
    ("geography", "points_id"): Rule("a column name of the points file (not empty)", _text, ""),
    ("autocorrelation", "weights"): Rule("a non-empty list of [weights.NAME] names", _texts, []),
    ("autocorrelation", "years"): Rule(
        "a list of years (integers)",
        lambda v: isinstance(v, list) and all(_int_in(-9999, 9999)(y) for y in v),
        ["2020"],
    ),
    ("autocorrelation", "permutations"): Rule(
        "an integer from 19 to 100000 (19 is the fewest with which p = 0.05 can be reached)",
        _int_in(19, 100_000),
        0,
    ),
    ("autocorrelation", "alpha"): Rule(
        "a number between 0 and 1 (exclusive), e.g. 0.05", lambda v: _number(v) and 0 < v < 1, 5
    ),
    # the formula's terms are then checked by spatialpanel.models.formula.study_terms
    ("model", "formula"): Rule(
        'a formula "y ~ core + control + ..." (optionally "| entity + year")', _text, " "
    ),
    ("model", "controls"): Rule("a list of variable names", lambda v: _texts(v, empty=True), [""]),
    ("model", "alpha"): Rule(
        "a number between 0 and 1 (exclusive), e.g. 0.05", lambda v: _number(v) and 0 < v < 1, 0
    ),
    ("model", "draws"): Rule("an integer from 100 to 1000000", _int_in(100, 1_000_000), 1),
    ("dynamic", "lags"): Rule(
        f"a non-empty list of {', '.join(DYNAMIC_LAGS)} (each once)",
        lambda v: _texts(v) and set(v) <= set(DYNAMIC_LAGS) and len(set(v)) == len(v),
        ["space"],
    ),
    ("disparity", "variables"): Rule("a non-empty list of variable or index names", _texts, []),
    ("disparity", "tools"): Rule(
        f"a list of some of {', '.join(DISPARITY_TOOLS)} (each once)",
        lambda v: (
            _texts(v, empty=True) and set(v) <= set(DISPARITY_TOOLS) and len(set(v)) == len(v)
        ),
        ["gini"],
    ),
    ("disparity", "markov_classes"): Rule("an integer from 2 to 10", _int_in(2, 10), 1),
    ("disparity", "bandwidth"): Rule(
        f"one of {', '.join(BANDWIDTHS)}, or a positive number as text (a fixed bandwidth)",
        _bandwidth,
        "-0.1",
    ),
    ("disparity", "controls"): Rule(
        "a list of variable names", lambda v: _texts(v, empty=True), [""]
    ),
    ("disparity", "coupling_systems"): Rule(
        "a list of two or more [indices.NAME] names",
        lambda v: _texts(v) and len(v) >= 2 and len(set(v)) == len(v),
        ["uri"],
    ),
    ("disparity", "obstacle_top"): Rule("an integer from 1 to 50", _int_in(1, 50), 0),
    ("disparity", "kde_min_group_size"): Rule(
        "an integer from 2 to 1000 (groups with fewer regions get no density of their own)",
        _int_in(2, 1000),
        1,
    ),
    ("outputs", "dir"): Rule("a folder name (not empty)", _text, ""),
    ("outputs", "figure_formats"): Rule(
        f"a non-empty list of {', '.join(FIGURE_FORMATS)} (each once)",
        lambda v: _texts(v) and set(v) <= set(FIGURE_FORMATS) and len(set(v)) == len(v),
        ["jpg"],
    ),
    ("outputs", "dpi"): Rule("an integer from 50 to 1200", _int_in(50, 1200), 0),
    ("indices", "shift"): Rule(
        "a number from 0 to 1, e.g. 0.0001", lambda v: _number(v) and 0 <= v <= 1, -1
    ),
    ("indices", "indicators"): Rule(
        "a table of one or more indicators", lambda v: isinstance(v, dict) and len(v) >= 1, {}
    ),
    ("weights", "power"): Rule(
        "a positive number (1 or 2)", lambda v: _number(v) and 0 < v <= 10, 0
    ),
    ("weights", "cutoff_km"): Rule("a positive distance in km", lambda v: _number(v) and v > 0, -5),
    ("weights", "k"): Rule("an integer from 1 to the number of regions - 1", _int_in(1, 10**6), 0),
    ("weights", "phi"): Rule("a number from 0 to 1", lambda v: _number(v) and 0 <= v <= 1, 1.5),
    ("weights", "file"): Rule("a file name (not empty)", _text, ""),
    ("indicator", "dimension"): Rule("a dimension name (not empty)", _text, ""),
    ("specification", "methods"): Rule(
        f"a non-empty list of {', '.join(SPEC_METHODS)} (each once)",
        _subset(SPEC_METHODS),
        ["entropy", "pca"],
    ),
    ("specification", "weights"): Rule(
        "a list of [weights.NAME] names (each once; empty: every matrix of the study)",
        lambda v: _texts(v, empty=True) and len(set(v)) == len(v),
        [""],
    ),
    ("specification", "kinds"): Rule(
        f"a non-empty list of {', '.join(SPEC_KINDS)} (each once)",
        _subset(SPEC_KINDS),
        ["sar", "sac"],
    ),
    ("specification", "effects"): Rule(
        f"a non-empty list of {', '.join(SPEC_EFFECTS)} (each once)",
        _subset(SPEC_EFFECTS),
        ["twoway", "region"],
    ),
    ("compute", "scheduler"): Rule(
        'the address of a running Dask scheduler, e.g. "tcp://10.0.0.5:8786" (leave it out '
        "to start a local cluster)",
        lambda v: isinstance(v, str) and _ADDRESS.match(v) is not None,
        "10.0.0.5:8786",
    ),
}

#: Names that must exist elsewhere: checked by config.validate (weights names, divisions without
#: a [geography]) or against the data (columns, indices, years, provinces, the columns of the
#: region set) by spatialpanel.study.references.check_references.
REFERENCES: frozenset[tuple[str, str]] = frozenset(
    {
        ("evolution", "division"),
        ("disparity", "division"),
        ("autocorrelation", "variable"),
        ("autocorrelation", "local_weights"),
        ("model", "y"),
        ("model", "core"),
        ("model", "weights"),
        ("disparity", "weights"),
        ("disparity", "population"),
        ("weights", "variable"),
    }
)

#: Free text (any string) and switches (any boolean): nothing to refuse but a wrong type.
FREE: frozenset[tuple[str, str]] = frozenset(
    {
        ("study", "title"),
        ("study", "reference"),
        ("autocorrelation", "fdr"),
        ("dynamic", "enabled"),
        ("specification", "enabled"),
        ("disparity", "sigma_log"),
        ("outputs", "report"),
        ("weights", "rook"),
        ("indices", "dimensions"),  # labels of the dimensions (checked against the indicators)
        ("indicator", "unit"),
        ("indicator", "source"),
        ("variables", "unit"),
        ("variables", "source"),
    }
)


def is_free(section: str, key: str) -> bool:
    """Free text: :data:`FREE`, and every ``label`` / ``label_*`` key (readers' labels)."""
    return (section, key) in FREE or key == "label" or key.startswith("label_")


def rule_for(section: str, key: str) -> Rule | None:
    """The :class:`Rule` of a key (``section`` is the choice key: ``"indices"``, ``"weights"``
    and ``"indicator"`` for the named items)."""
    return RULES.get((section, key))
