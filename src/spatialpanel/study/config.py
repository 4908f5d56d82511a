"""Loading and validating a study configuration (TOML).

Validation happens once, here: unknown or misspelt keys and sections, wrong types, missing
required keys and bad option values are refused with a :class:`~spatialpanel.errors.ConfigError`
that names the file, the section and the key and suggests the fix. Defaults are filled in, so the
stages can trust ``StudyConfig.section(name)``.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from spatialpanel.errors import ConfigError, did_you_mean
from spatialpanel.study.crosscheck import cross_check
from spatialpanel.study.rules import CHOICES, rule_for
from spatialpanel.study.schema import (
    DIMENSION_KEYS,
    INDICATOR_KEYS,
    LABEL_KEY,
    NAMED_SECTIONS,
    REQUIRED_SECTIONS,
    SECTIONS,
    TITLE_KEY,
    Spec,
)

__all__ = ["DEMO", "StudyConfig", "load_example_study", "load_study"]

DEMO = "demo"

_CHOICES = CHOICES


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
    example
        The bundled example the study comes from (``spatialpanel run --example NAME``), if any.
    """

    raw: dict[str, Any]
    path: Path | None = None
    text_hash: str = ""
    example: str | None = None

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
    def bundled_dataset(self) -> str | None:
        """The bundled dataset ``[data] file`` names (``"demo"``, ``"china-provinces-nbs"``)."""
        from spatialpanel.data.bundled import dataset_names

        name = str(self.raw["data"]["file"])
        return name if name in dataset_names() else None

    @property
    def source_label(self) -> str:
        """Where the study came from, for the manifest: its path or the bundled example."""
        if self.path is not None:
            return str(self.path)
        if self.example is None or self.is_demo:
            return "bundled demo study"
        return f"bundled example {self.example}"

    @property
    def base_dir(self) -> Path:
        """Folder against which relative paths in the study are resolved."""
        return self.path.parent if self.path is not None else Path.cwd()

    def data_path(self) -> Path:
        """The data file, resolved against the study file's folder."""
        p = Path(self.raw["data"]["file"]).expanduser()
        return p if p.is_absolute() else self.base_dir / p

    def input_files(self) -> dict[str, Path]:
        """Every file the study reads, by role: the study file, the data file, weights files.

        A results folder may never be, or contain, any of them (see
        :func:`spatialpanel.results_folder.check_target`).
        """
        out: dict[str, Path] = {}
        if self.path is not None:
            out["study file"] = self.path
        if not self.is_demo:
            out["data file"] = self.data_path()
        for name, body in self.raw.get("weights", {}).items():
            if body.get("kind") == "file" and body.get("file"):
                p = Path(str(body["file"])).expanduser()
                p = p if p.is_absolute() else self.base_dir / p
                out[f"weights file of [weights.{name}]"] = p
        return out


def demo_study_text() -> str:
    """The TOML text of the bundled demonstration study."""
    return resources.files("spatialpanel.study").joinpath("demo_study.toml").read_text("utf-8")


def load_example_study(name: str) -> StudyConfig:
    """The study file of the bundled example ``name`` (see ``spatialpanel examples``), validated.

    Raises
    ------
    ConfigError
        If ``name`` is not a bundled example (the message lists them).
    """
    from spatialpanel.data.bundled import get_example

    example = get_example(name)
    text = resources.files("spatialpanel.study").joinpath(example.study).read_text("utf-8")
    config = _parse(text, where=f"the bundled example {name!r}")
    return StudyConfig(raw=config.raw, path=None, text_hash=config.text_hash, example=example.name)


def _parse(text: str, *, where: str) -> StudyConfig:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where} is not valid TOML: {exc}.") from None
    raw = validate(data, where=where)
    return StudyConfig(raw=raw, text_hash=hashlib.sha256(text.encode("utf-8")).hexdigest())


def load_study(path: str | Path | None = None) -> StudyConfig:
    """Read and validate a study file; ``None`` loads the default bundled example's study.

    The default example is the synthetic replica of the seed paper (``spatialpanel examples``
    marks it); :func:`load_example_study` loads any other.

    Raises
    ------
    ConfigError
        Naming the file, section and key, for any unknown, misspelt, missing or mistyped entry.
    """
    if path is None:
        from spatialpanel.data.bundled import default_example

        return load_example_study(default_example().name)
    p = Path(path)
    if p.is_dir():
        raise ConfigError(
            f"study file {str(p)!r} is a folder; pass the STUDY.toml file in it (e.g. "
            f"{str(p / 'study.toml')!r})."
        )
    if not p.is_file():
        raise ConfigError(
            f"study file {str(p)!r} does not exist. Create one with "
            "`spatialpanel init DIR` or pass the path of an existing STUDY.toml."
        )
    parsed = _parse(_decode(p.read_bytes(), p), where=str(p))
    return StudyConfig(raw=parsed.raw, path=p.resolve(), text_hash=parsed.text_hash)


def _decode(raw: bytes, path: Path) -> str:
    """The study file's text: UTF-8 (with or without a BOM), as TOML requires; otherwise a
    :class:`ConfigError` saying where the first bad byte is and how to convert the file."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        guess = ""
        with contextlib.suppress(UnicodeDecodeError):
            raw.decode("gb18030")
            guess = " It reads as GBK/GB18030 (the default of Chinese Windows)."
        raise ConfigError(
            f"{path} is not UTF-8 text (byte 0x{raw[exc.start]:02x} on line {line}); a study file "
            f"must be saved as UTF-8.{guess} Save it again as UTF-8 (Notepad: File > Save as > "
            f"Encoding: UTF-8), or convert it: iconv -f GB18030 -t UTF-8 {path.name} > "
            f"{path.stem}-utf8.toml."
        ) from None


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
    disparity_weights = (data.get("disparity") or {}).get("weights")
    if isinstance(disparity_weights, str) and disparity_weights not in (data.get("weights") or {}):
        known = list(data.get("weights") or {})
        raise ConfigError(
            f"{where}: [disparity] weights = {disparity_weights!r} is not a [weights.NAME] "
            f"section (defined: {', '.join(known) or 'none'})."
            + did_you_mean(disparity_weights, known)
        )
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
                _check_characters(item, where=where, label=f"[{name}] name")
                if not isinstance(body, dict):
                    raise ConfigError(f"{where}: {label} must be a table, got {body!r}.")
                items[item] = _check_table(
                    body, NAMED_SECTIONS[name], where=where, label=label, choice_key=name
                )
                if name == "indices":
                    items[item]["indicators"] = _check_indicators(
                        items[item]["indicators"], where=where, label=label
                    )
                    items[item]["dimensions"] = _check_dimensions(
                        items[item], where=where, label=label
                    )
                    if items[item]["label"] is None:
                        items[item]["label"] = item
            out[name] = items
    if "model" in out:
        _model_terms(data["model"], out["model"], out["data"], where=where)
    cross_check(out, where=where)
    return out


def _model_terms(
    given: dict[str, Any], model: dict[str, Any], data: dict[str, Any], *, where: str
) -> None:
    """``[model] formula`` or ``y``/``core``/``controls``, one or the other; a formula fills
    them in (terms as written) and its ``|`` part the effects."""
    if model["formula"] is None:
        for key in ("y", "core"):
            if model[key] is None:
                raise ConfigError(
                    f'{where}: [model] needs the key {key!r} (or a formula = "y ~ core + '
                    'controls").'
                )
        return
    both = [k for k in ("y", "core", "controls") if k in given]
    if both:
        raise ConfigError(
            f"{where}: [model] gives formula and {', '.join(both)}; the formula names the "
            f"variables, so remove {', '.join(both)} (or the formula)."
        )
    from spatialpanel.models.formula import study_terms

    terms = study_terms(model["formula"], entity=data["entity"], time=data["time"], where=where)
    if terms.effects is not None:
        if "effects" in given and given["effects"] != terms.effects:
            raise ConfigError(
                f"{where}: [model] formula names {terms.effects!r} fixed effects after '|' but "
                f"effects = {given['effects']!r}; give the effects in one place."
            )
        model["effects"] = terms.effects
    model["y"], model["core"], model["controls"] = terms.y, terms.core, list(terms.controls)


def _check_table(
    body: dict[str, Any], spec: Spec, *, where: str, label: str, choice_key: str
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in body:
        if ("label" in spec and LABEL_KEY.match(str(key))) or (
            "title" in spec and TITLE_KEY.match(str(key))
        ):
            if not isinstance(body[key], str):
                raise ConfigError(
                    f"{where}: {label} {key} = {body[key]!r} must be a string, "
                    f"not {type(body[key]).__name__}."
                )
            _check_characters(body[key], where=where, label=f"{label} {key}")
            out[key] = body[key]
            continue
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
            _check_characters(value, where=where, label=f"{label} {key}")
            rule = rule_for(choice_key, key)
            if rule is not None and not rule.ok(value):
                raise ConfigError(
                    f"{where}: {label} {key} = {value!r} is not allowed; use {rule.allowed}."
                )
            out[key] = copy.deepcopy(value)
        elif default is ...:
            raise ConfigError(f"{where}: {label} needs the key {key!r}.")
        else:
            out[key] = copy.deepcopy(default)
    return out


#: Characters no output may carry: C0 controls but tab, newline and carriage return (illegal
#: in the XML of Word and Excel files, and terminal escapes), DEL, and the C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _check_characters(value: Any, *, where: str, label: str) -> None:
    """Refuse control characters in any text of the study (titles, labels, names)."""
    texts = value if isinstance(value, list | dict) else [value]
    for text in texts:
        if isinstance(text, str) and (bad := _CONTROL.search(text)):
            raise ConfigError(
                f"{where}: {label} = {text!r} holds the control character "
                f"U+{ord(bad.group()):04X}, which no report, workbook or terminal can show; "
                "remove it."
            )


def _check_indicators(body: dict[str, Any], *, where: str, label: str) -> dict[str, Any]:
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


def _check_dimensions(index: dict[str, Any], *, where: str, label: str) -> dict[str, Any]:
    """``[indices.NAME.dimensions]``: labels of the dimensions that the indicators name."""
    used = list(dict.fromkeys(str(v["dimension"]) for v in index["indicators"].values()))
    out: dict[str, Any] = {}
    for dim, spec in index["dimensions"].items():
        if dim not in used:
            raise ConfigError(
                f"{where}: {label} dimensions names {dim!r}, which no indicator of the index "
                f"has as its dimension." + did_you_mean(str(dim), used) + f" Dimensions: {used}."
            )
        if not isinstance(spec, dict):
            raise ConfigError(
                f"{where}: {label} dimension {dim!r} must be a table like "
                '{ label = "Economic integration", label_zh = "经济融合" }.'
            )
        out[dim] = _check_table(
            spec, DIMENSION_KEYS, where=where, label=f"{label} dimension {dim!r}", choice_key="dim"
        )
    return out


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
