"""Loading and validating a study configuration (TOML).

Validation happens once, here: unknown or misspelt keys and sections, wrong types, missing
required keys and bad option values are refused with a :class:`~spatialpanel.errors.ConfigError`
that names the file, the section and the key and suggests the fix. Defaults are filled in, so the
stages can trust ``StudyConfig.section(name)``.
"""

from __future__ import annotations

import copy
import hashlib
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from spatialpanel.errors import ConfigError, did_you_mean
from spatialpanel.study.schema import (
    INDICATOR_KEYS,
    NAMED_SECTIONS,
    REQUIRED_SECTIONS,
    SECTIONS,
    Spec,
)

__all__ = ["DEMO", "StudyConfig", "load_study"]

DEMO = "demo"

_CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("data", "missing"): ("linear", "nearest", "mean", "none"),
    ("data", "layout"): ("auto", "long", "wide", "tidy"),
    ("data", "entity_kind"): ("china", "generic"),
    ("study", "lang"): ("en", "zh"),
    ("model", "kind"): ("sar", "sem", "sdm", "sdem", "slx"),
    ("model", "effects"): ("pooled", "entity", "time", "twoway", "random"),
    ("model", "bias_correction"): ("none", "elhorst", "transformation"),
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
    ("disparity", "markov_scheme"): ("pooled", "per_year"),
    ("disparity", "neighbour_classes"): ("own_quantiles", "variable_cutoffs"),
    ("disparity", "sigma_measure"): ("sd", "cv"),
    ("disparity", "coupling_form"): ("classic", "modified"),
    ("weights", "hainan"): ("guangdong", "guangdong+guangxi", "none"),
    ("weights", "transform"): ("row", "binary", "spectral", "minmax", "none"),
    ("indicator", "direction"): ("positive", "negative"),
    ("outputs", "parentheses"): ("se", "z"),
}


@dataclass(frozen=True)
class StudyConfig:
    """A validated study configuration.

    Attributes
    ----------
    raw
        The validated configuration with defaults filled in (a private deep copy).
    path
        The TOML file it came from (``None`` for the bundled demo study).
    text_hash
        SHA-256 of the TOML text, for the manifest.
    """

    raw: dict[str, Any]
    path: Path | None = None
    text_hash: str = ""

    def section(self, name: str) -> dict[str, Any]:
        """A deep copy of one section (defaults filled in); ``{}`` if the study omits it."""
        return copy.deepcopy(self.raw.get(name, {}))

    def has(self, name: str) -> bool:
        """Whether the study configures the section ``name``."""
        return name in self.raw

    @property
    def is_demo(self) -> bool:
        """Whether the data is the bundled synthetic demonstration panel."""
        return bool(self.raw["data"]["file"] == DEMO)

    @property
    def base_dir(self) -> Path:
        """Folder against which relative paths in the study are resolved."""
        return self.path.parent if self.path is not None else Path.cwd()

    def data_path(self) -> Path:
        """The data file, resolved against the study file's folder."""
        p = Path(self.raw["data"]["file"]).expanduser()
        return p if p.is_absolute() else self.base_dir / p


def demo_study_text() -> str:
    """The TOML text of the bundled demonstration study."""
    return resources.files("spatialpanel.study").joinpath("demo_study.toml").read_text("utf-8")


def load_study(path: str | Path | None = None) -> StudyConfig:
    """Read and validate a study file; ``None`` loads the bundled demonstration study.

    Raises
    ------
    ConfigError
        Naming the file, section and key, for any unknown, misspelt, missing or mistyped entry.
    """
    if path is None:
        text, where, p = demo_study_text(), "the bundled demo study", None
    else:
        p = Path(path)
        if not p.is_file():
            raise ConfigError(
                f"study file {str(p)!r} does not exist. Create one with "
                "`spatialpanel init DIR` or pass the path of an existing STUDY.toml."
            )
        text, where = p.read_text(encoding="utf-8-sig"), str(p)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where} is not valid TOML: {exc}.") from None
    raw = validate(data, where=where)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return StudyConfig(raw=raw, path=p.resolve() if p else None, text_hash=digest)


def validate(data: dict[str, Any], *, where: str = "the study") -> dict[str, Any]:
    """Validate a parsed study and return it with defaults filled in."""
    known = [*SECTIONS, *NAMED_SECTIONS]
    for name in data:
        if name not in known:
            raise ConfigError(
                f"{where}: unknown section [{name}]."
                + did_you_mean(name, known)
                + f" Known sections: {', '.join(known)}."
            )
    for name in REQUIRED_SECTIONS:
        if name not in data:
            raise ConfigError(f"{where}: the section [{name}] is required.")
    out: dict[str, Any] = {}
    for name, value in data.items():
        if name in SECTIONS:
            out[name] = _check_table(
                value, SECTIONS[name], where=where, label=f"[{name}]", choice_key=name
            )
        else:
            if not isinstance(value, dict) or not value:
                raise ConfigError(
                    f"{where}: [{name}] must hold named tables such as [{name}.NAME]."
                )
            items: dict[str, Any] = {}
            for item, body in value.items():
                label = f"[{name}.{item}]"
                if not isinstance(body, dict):
                    raise ConfigError(f"{where}: {label} must be a table, got {body!r}.")
                items[item] = _check_table(
                    body, NAMED_SECTIONS[name], where=where, label=label, choice_key=name
                )
                if name == "indices":
                    items[item]["indicators"] = _check_indicators(
                        items[item]["indicators"], where=where, label=label
                    )
                    if items[item]["label"] is None:
                        items[item]["label"] = item
            out[name] = items
    _cross_check(out, where=where)
    return out


def _check_table(
    body: dict[str, Any], spec: Spec, *, where: str, label: str, choice_key: str
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in body:
        if key not in spec:
            raise ConfigError(
                f"{where}: unknown key {key!r} in {label}."
                + did_you_mean(key, list(spec))
                + f" Allowed keys: {', '.join(spec)}."
            )
    for key, (types, default) in spec.items():
        if key in body:
            value = body[key]
            if isinstance(value, bool) and bool not in types:
                raise ConfigError(f"{where}: {label} {key} = {value!r} must be {_names(types)}.")
            if not isinstance(value, types):
                raise ConfigError(
                    f"{where}: {label} {key} = {value!r} must be {_names(types)}, "
                    f"not {type(value).__name__}."
                )
            choices = _CHOICES.get((choice_key, key))
            if choices is not None and value not in choices:
                raise ConfigError(
                    f"{where}: {label} {key} = {value!r} is not one of {', '.join(choices)}."
                    + did_you_mean(str(value), choices)
                )
            out[key] = copy.deepcopy(value)
        elif default is ...:
            raise ConfigError(f"{where}: {label} needs the key {key!r}.")
        else:
            out[key] = copy.deepcopy(default)
    return out


def _check_indicators(body: dict[str, Any], *, where: str, label: str) -> dict[str, Any]:
    if not body:
        raise ConfigError(f"{where}: {label} indicators is empty; list at least two indicators.")
    out = {}
    for name, spec in body.items():
        if not isinstance(spec, dict):
            raise ConfigError(
                f"{where}: {label} indicator {name!r} must be a table like "
                '{ dimension = "...", direction = "positive" }.'
            )
        out[name] = _check_table(
            spec,
            INDICATOR_KEYS,
            where=where,
            label=f"{label} indicator {name!r}",
            choice_key="indicator",
        )
    return out


def _cross_check(cfg: dict[str, Any], *, where: str) -> None:
    """References between sections: weights and variables named elsewhere must exist."""
    weights = cfg.get("weights", {})
    indices = cfg.get("indices", {})
    data = cfg["data"]
    if data.get("years") is not None:
        years = data["years"]
        if len(years) != 2 or not all(isinstance(y, int) for y in years) or years[0] > years[1]:
            raise ConfigError(
                f"{where}: [data] years = {years!r} must be [first, last], e.g. [2014, 2023]."
            )
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


def _names(types: tuple[type, ...]) -> str:
    words = {
        str: "a string",
        int: "an integer",
        float: "a number",
        list: "a list",
        dict: "a table",
        bool: "true or false",
    }
    return " or ".join(words.get(t, t.__name__) for t in types)
