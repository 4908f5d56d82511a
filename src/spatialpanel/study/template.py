"""`spatialpanel init`: a study file for the user's own data and an Excel data-entry template.

The study file has the structure of the bundled study (indices with their indicators, labels and
units, weights, the model, the optional stages) with ``[data] file = "data.xlsx"``, written
afresh: each section says what it configures, each option lists its choices, and nothing refers
to the demonstration panel. The workbook has a ``data`` sheet (one row per province and year,
one empty column per variable the study uses) and a ``definitions`` sheet (variable, label,
label_zh, unit, direction, source, index, dimension).
"""

from __future__ import annotations

import textwrap
import tomllib
from pathlib import Path
from typing import Any

import pandas as pd

from spatialpanel.errors import ConfigError

__all__ = ["study_template_text", "write_template"]

#: What each section configures (the comment above it in the template).
_SECTION_HELP: dict[str, str] = {
    "study": "The study: its title (title_zh: in Chinese), the paper it follows, the seed.",
    "data": (
        "The data file (CSV or Excel, long or wide; regions by name or GB/T 2260 code) and how "
        "gaps are filled."
    ),
    "indices": (
        "A composite index: its label, weighting method and indicators. Each indicator names "
        "its dimension and direction, its label (label_zh), unit and source."
    ),
    "evolution": "Trend figures: the provinces drawn (empty: the four highest and lowest).",
    "weights": "A spatial weight matrix (its label names it in tables and sentences).",
    "autocorrelation": "Global and local Moran's I: the variable, the matrices, the years.",
    "model": "The spatial panel model: y, the core variable, the controls, the matrix.",
    "variables": "Labels, units and sources of the data columns that are not indicators.",
    "dynamic": "The dynamic spatial Durbin model (short- and long-run effects).",
    "disparity": "Regional disparities: Dagum Gini, kernel density, Markov chains, convergence.",
    "outputs": "The results folder and the figure formats.",
}
_ORDER = tuple(_SECTION_HELP)
_DROP = {("study", "reference")}  # the demonstration's paper


def _value(value: Any) -> str:
    """A TOML value (strings, numbers, booleans, lists and inline tables of them)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {value!r} as TOML")


def _key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() and key.isascii() else _value(key)


def _table(name: str, body: dict[str, Any], choice_key: str) -> list[str]:
    """``[name]`` with its plain keys (choices as comments); sub-tables after it."""
    from spatialpanel.study.config import _CHOICES

    lines = [f"[{name}]"]
    subtables = []
    for key, value in body.items():
        if isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()):
            subtables.append((key, value))
            continue
        line = f"{_key(key)} = {_value(value)}"
        choices = _CHOICES.get((choice_key, key))
        if choices:
            line = f"{line:<40}# {' | '.join(choices)}"
        lines.append(line)
    for key, value in subtables:
        lines.append("")
        inline = all(len(_value(v)) < 70 for v in value.values())
        if inline:
            lines.append(f"[{name}.{_key(key)}]")
            lines.extend(f"{_key(k)} = {_value(v)}" for k, v in value.items())
        else:
            for sub, body_ in value.items():
                lines.append(f"[{name}.{_key(key)}.{_key(sub)}]")
                lines.extend(f"{_key(k)} = {_value(v)}" for k, v in body_.items())
                lines.append("")
            lines.pop()
    return lines


def study_template_text() -> str:
    """The study file of ``spatialpanel init`` (see the module docstring)."""
    from spatialpanel.study.config import demo_study_text

    raw = tomllib.loads(demo_study_text())
    raw["data"]["file"] = "data.xlsx"
    raw["study"]["title"] = "My spatial panel study"
    raw["study"]["title_zh"] = "我的空间面板研究"
    out = [
        "# Study file written by `spatialpanel init`.",
        "# Type your data into data.xlsx (sheet 'data'; the sheet 'definitions' describes each",
        "# variable), then run `spatialpanel validate study.toml` and",
        "# `spatialpanel run study.toml`.",
        "# Every key is described in docs/user-guide.md; labels (label, label_zh) are what readers",
        "# see in tables, figures and sentences instead of the identifiers.",
    ]
    for section in _ORDER:
        if section not in raw:
            continue
        body = {k: v for k, v in raw[section].items() if (section, k) not in _DROP}
        out += [
            "",
            *textwrap.wrap(_SECTION_HELP[section], 98, initial_indent="# ", subsequent_indent="# "),
        ]
        named = section in ("indices", "weights", "variables")
        if not named:
            out += _table(section, body, section)
            continue
        for i, (item, spec) in enumerate(body.items()):
            if i:
                out.append("")
            out += _table(f"{section}.{_key(item)}", spec, section)
    return "\n".join(out) + "\n"


def write_template(directory: Path, *, overwrite: bool = False) -> list[Path]:
    """Write ``study.toml`` and ``data.xlsx`` (31 provinces × study years, empty cells).

    The workbook has one row per province-year (code, Chinese and English name, year) and one
    empty column per variable the study uses, and a ``definitions`` sheet with each variable's
    label, Chinese label, unit, direction and source.
    """
    from spatialpanel.data.china import provinces
    from spatialpanel.results_folder import normalise_zip
    from spatialpanel.study.config import load_study
    from spatialpanel.study.labels import study_labels, variable_info
    from spatialpanel.study.stages.data import required_variables

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    study_path = directory / "study.toml"
    data_path = directory / "data.xlsx"
    for p in (study_path, data_path):
        if p.exists() and not overwrite:
            raise ConfigError(f"{p} exists already; pass --force to overwrite it.")
    study_path.write_text(study_template_text(), encoding="utf-8")
    config = load_study(study_path)
    first, last = config.section("data")["years"] or [2014, 2023]
    prov = provinces()
    rows = [
        {
            "province": code,
            "name_zh": prov.loc[code, "name_zh"],
            "name_en": prov.loc[code, "name_en"],
            "year": year,
        }
        for code in prov.index
        for year in range(first, last + 1)
    ]
    frame = pd.DataFrame(rows)
    variables = required_variables(config)
    for v in variables:
        frame[v] = pd.Series(dtype=float)
    labels = study_labels(config)
    info = variable_info(config)
    where: dict[str, tuple[str, str]] = {}
    for name, body in config.section("indices").items():
        for col, spec in body["indicators"].items():
            where[col] = (name, str(spec["dimension"]))
    definitions = pd.DataFrame(
        [
            {
                "variable": v,
                "label": labels.get("variable", v, "en"),
                "label_zh": labels.get("variable", v, "zh")
                if labels.get("variable", v, "zh") != labels.get("variable", v, "en")
                else "",
                "unit": info.get(v, {}).get("unit") or "",
                "direction": info.get(v, {}).get("direction") or "",
                "source": info.get(v, {}).get("source") or "",
                "index": where.get(v, ("", ""))[0],
                "dimension": where.get(v, ("", ""))[1],
            }
            for v in variables
        ]
    )
    with pd.ExcelWriter(data_path, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name="data", index=False)
        definitions.to_excel(writer, sheet_name="definitions", index=False)
    normalise_zip(data_path)
    return [study_path, data_path]
