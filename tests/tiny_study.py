"""A tiny study on disk for the tests of the results folder and the CLI's error path: 31
provinces x 5 years of three synthetic indicators, one composite index, no figures; a run takes
about a second."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from spatialpanel.data.china import provinces

STUDY = """[study]
title = "{title}"
seed = 7

[data]
file = "{data}"
years = [2016, 2020]

[indices.x]
label = "Index x"
method = "entropy"

[indices.x.indicators]
a = {{ dimension = "One", direction = "positive" }}
b = {{ dimension = "One", direction = "negative" }}
c = {{ dimension = "Two", direction = "positive" }}

[outputs]
figure_formats = ["png"]
dpi = 50
"""


def tiny_data(seed: int = 3) -> pd.DataFrame:
    """The panel in the long layout (province code, year, a, b, c)."""
    rng = np.random.default_rng(seed)
    codes = provinces()["code"].tolist()
    idx = pd.MultiIndex.from_product([codes, range(2016, 2021)], names=["province", "year"])
    values = rng.uniform(1.0, 10.0, size=(len(idx), 3))
    return pd.DataFrame(values, index=idx, columns=["a", "b", "c"]).reset_index()


def write_tiny_study(
    folder: Path, *, title: str = "Tiny study", data_name: str = "data.csv", extra: str = ""
) -> Path:
    """Write ``folder/study.toml`` and its data file; return the study file."""
    folder.mkdir(parents=True, exist_ok=True)
    tiny_data().to_csv(folder / data_name, index=False)
    text = STUDY.format(title=title, data=data_name) + extra
    study = folder / "study.toml"
    study.write_text(text, encoding="utf-8")
    return study
