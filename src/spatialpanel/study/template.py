"""`spatialpanel init`: a study template and an Excel data-entry template."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from spatialpanel.errors import ConfigError

__all__ = ["write_template"]


def write_template(directory: Path, *, overwrite: bool = False) -> list[Path]:
    """Write ``study.toml`` and ``data.xlsx`` (31 provinces × study years, empty cells).

    The study file is the bundled demo study with ``[data] file`` pointing at ``data.xlsx``; the
    workbook has one row per province-year (code, Chinese and English name, year) and one empty
    column per variable the study uses, with a second sheet describing each variable.
    """
    from spatialpanel.data.china import provinces
    from spatialpanel.study.config import demo_study_text, load_study
    from spatialpanel.study.stages.data import required_variables

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    study_path = directory / "study.toml"
    data_path = directory / "data.xlsx"
    for p in (study_path, data_path):
        if p.exists() and not overwrite:
            raise ConfigError(f"{p} exists already; pass --force to overwrite it.")
    text = demo_study_text().replace('file = "demo"', 'file = "data.xlsx"', 1)
    study_path.write_text(text, encoding="utf-8")
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
    about = []
    for name, body in config.section("indices").items():
        for col, spec in body["indicators"].items():
            about.append(
                {
                    "variable": col,
                    "index": name,
                    "dimension": spec["dimension"],
                    "direction": spec["direction"],
                }
            )
    for col in config.section("model").get("controls", []):
        about.append({"variable": col, "index": "", "dimension": "control", "direction": ""})
    with pd.ExcelWriter(data_path, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name="data", index=False)
        pd.DataFrame(about).to_excel(writer, sheet_name="variables", index=False)
    return [study_path, data_path]
