"""Bundled datasets and the examples that run on them ("examples are data").

An *example* is a bundled study file plus a bundled dataset, listed in the registry
``spatialpanel/data/datasets/examples.toml``. :func:`examples` lists them, :func:`load_example`
returns an example's panel. The datasets are:

``demo``
    the SYNTHETIC demonstration panel (:mod:`spatialpanel.data.demo`, ``docs/demo-data.md``);
``china-provinces-nbs``
    published NBS statistics for the 31 provinces, 2014-2023 (``docs/data-china-nbs.md``),
    stored as a tidy table (``region, year, variable, value``; region 100000 holds the national
    figure where one is published) with one metadata record per variable (unit, labels in
    English and Chinese, definition, official source, the compilation it was taken from, its
    licence, how it is derived).
``china-cities-synthetic``
    the SYNTHETIC city panel: the demo generator run on the real geography of China's 296
    prefecture-level cities and municipalities, 2014-2023 (:mod:`spatialpanel.data.demo_cities`,
    ``docs/demo-data.md``).

A dataset is stored in one of two layouts, which its metadata names: ``"format": "long"`` (one
row per region and year, a column per variable; ``"entity"`` names the region column) or the
tidy table (``region, year, variable, value``; the default).

Every dataset's metadata says what kind of data it is (``"mark"``): ``"synthetic"`` or
``"real-reduced"`` (real statistics that cover the seed paper's indicator system only in part).
The study and the report print that mark on every table, figure and page.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

import numpy as np
import pandas as pd

from spatialpanel.errors import ConfigError, DataError, did_you_mean

__all__ = [
    "DEMO_DATASET",
    "NATIONAL",
    "TIDY_COLUMNS",
    "DataMark",
    "Example",
    "dataset_meta",
    "dataset_names",
    "default_example",
    "examples",
    "format_tidy_csv",
    "get_example",
    "load_dataset",
    "load_example",
    "read_long_csv",
    "read_tidy_csv",
    "real_counterpart",
]

DataMark = Literal["synthetic", "real-reduced"]
DEMO_DATASET = "demo"
NATIONAL = 100000
TIDY_COLUMNS: tuple[str, ...] = ("region", "year", "variable", "value")
_PACKAGE = "spatialpanel.data.datasets"
_MARKS: tuple[str, ...] = ("synthetic", "real-reduced")


@dataclass(frozen=True)
class Example:
    """One bundled example: a study file run on a bundled dataset.

    Attributes
    ----------
    name
        What ``spatialpanel run --example NAME`` and :func:`load_example` take.
    title, description
        One line each, for ``spatialpanel examples``.
    study
        File name of the study in the package ``spatialpanel.study``.
    dataset
        Name of the bundled dataset (:func:`dataset_names`).
    default
        Whether ``spatialpanel run`` without arguments runs this example.
    """

    name: str
    title: str
    description: str
    study: str
    dataset: str
    default: bool = False

    @property
    def mark(self) -> DataMark | None:
        """The dataset's mark: ``"synthetic"``, ``"real-reduced"`` or None."""
        return dataset_mark(self.dataset)


# --------------------------------------------------------------------------------- registry
@cache
def _registry() -> tuple[Example, ...]:
    text = resources.files(_PACKAGE).joinpath("examples.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    out = []
    for name, body in data["examples"].items():
        out.append(
            Example(
                name=name,
                title=str(body["title"]),
                description=str(body["description"]),
                study=str(body["study"]),
                dataset=str(body["dataset"]),
                default=bool(body.get("default", False)),
            )
        )
    if sum(e.default for e in out) != 1:  # pragma: no cover - guarded by the tests
        raise ConfigError("examples.toml must mark exactly one example as default.")
    return tuple(out)


def examples() -> tuple[Example, ...]:
    """The bundled examples, in the registry's order (the default first)."""
    return tuple(sorted(_registry(), key=lambda e: not e.default))


def default_example() -> Example:
    """The example that ``spatialpanel run`` runs when given no study."""
    return next(e for e in _registry() if e.default)


def get_example(name: str) -> Example:
    """The example called ``name``; a :class:`~spatialpanel.errors.ConfigError` lists the others
    if unknown."""
    names = [e.name for e in _registry()]
    for e in _registry():
        if e.name == name:
            return e
    raise ConfigError(
        f"example={name!r} is not a bundled example."
        + did_you_mean(str(name), names)
        + f" Bundled examples: {', '.join(names)} (list them with `spatialpanel examples`)."
    )


def load_example(name: str, *, national: bool = False) -> pd.DataFrame:
    """The panel of a bundled example, indexed by (region, year).

    Parameters
    ----------
    name
        An example name (see :func:`examples` or ``spatialpanel examples``), e.g.
        ``"china-provinces-nbs"`` (published NBS statistics), ``"china-demo-synthetic"`` or
        ``"china-cities-synthetic"`` (synthetic values for 296 prefecture-level cities).
    national
        Also return the national totals (region 100000) where the dataset has them (the NBS
        dataset: urban and rural disposable income, agricultural machinery, R&D intensity).

    Returns
    -------
    pandas.DataFrame
        One float column per variable, indexed by ``region`` (int GB/T 2260 code: 310000 for
        the province Shanghai, 420100 for the city Wuhan) and ``year`` (int), sorted; missing
        cells are NaN. ``attrs`` holds ``"mark"`` (``"synthetic"`` or ``"real-reduced"``),
        ``"synthetic"`` (bool), ``"source"`` and, for the NBS data and the city panel,
        ``"units"``. A fresh copy on every call.
    """
    return load_dataset(get_example(name).dataset, national=national)


# --------------------------------------------------------------------------------- datasets
def dataset_names() -> tuple[str, ...]:
    """Names of the bundled datasets (what a study's ``[data] file`` may name)."""
    return tuple(dict.fromkeys(e.dataset for e in _registry()))


def _stem(name: str) -> str:
    if name not in dataset_names():
        raise ConfigError(
            f"dataset={name!r} is not a bundled dataset."
            + did_you_mean(name, dataset_names())
            + f" Bundled datasets: {', '.join(dataset_names())}."
        )
    return "demo_panel" if name == DEMO_DATASET else name.replace("-", "_")


@cache
def _meta(name: str) -> dict[str, Any]:
    path = resources.files(_PACKAGE).joinpath(f"{_stem(name)}.meta.json")
    meta: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return meta


def dataset_meta(name: str) -> dict[str, Any]:
    """The metadata record of a bundled dataset (a deep copy)."""
    return json.loads(json.dumps(_meta(name)))


def dataset_mark(name: str) -> DataMark | None:
    """``"synthetic"``, ``"real-reduced"`` or None, from the dataset's metadata."""
    meta = _meta(name)
    mark = meta.get("mark", "synthetic" if meta.get("synthetic") else None)
    if mark is not None and mark not in _MARKS:  # pragma: no cover - guarded by the tests
        raise ConfigError(f"dataset {name!r} has the unknown mark {mark!r}; use one of {_MARKS}.")
    return mark


#: What synthetic figures are not, when a dataset's metadata does not say (``real_counterpart``):
#: the demonstration panel's provinces.
_COUNTERPART = "China Statistical Yearbook"


def real_counterpart(meta: dict[str, Any]) -> str:
    """The published statistics a synthetic dataset stands in for (and whose figures its numbers
    are not), for the marks on the outputs: ``meta["real_counterpart"]`` (the city panel: ``"China
    City Statistical Yearbook"``), else the provinces' ``"China Statistical Yearbook"``."""
    return str(meta.get("real_counterpart") or _COUNTERPART)


@cache
def _tidy(name: str) -> pd.DataFrame:
    with resources.files(_PACKAGE).joinpath(f"{_stem(name)}.csv").open("rb") as fh:
        return read_tidy_csv(fh)


@cache
def _long(name: str) -> pd.DataFrame:
    with resources.files(_PACKAGE).joinpath(f"{_stem(name)}.csv").open("rb") as fh:
        return read_long_csv(fh, entity=str(_meta(name)["entity"]))


def load_dataset(name: str, *, national: bool = False) -> pd.DataFrame:
    """A bundled dataset as a panel indexed by (region, year); see :func:`load_example`."""
    mark = dataset_mark(name)
    if name == DEMO_DATASET:
        from spatialpanel.data.demo import load_demo

        demo = load_demo()
        frame = demo.rename(columns={"province": "region"}).set_index(["region", "year"])
        frame.attrs = {**demo.attrs, "mark": mark}
        return frame
    meta = _meta(name)
    if meta.get("format") == "long":
        long = _long(name).rename(columns={str(meta["entity"]): "region"})
        panel = long.set_index(["region", "year"]).sort_index()
        panel.attrs = {
            "mark": mark,
            "synthetic": mark == "synthetic",
            "source": str(meta["title"]),
            "units": {str(k): str(v) for k, v in meta.get("units", {}).items()},
        }
        return panel
    tidy = _tidy(name)
    if not national:
        tidy = tidy[tidy["region"] != NATIONAL]
    order = list(meta["variables"])
    wide = tidy.pivot(index=["region", "year"], columns="variable", values="value")
    wide = wide.reindex(columns=order).sort_index().astype(np.float64)
    wide.columns.name = None
    wide.attrs = {
        "mark": mark,
        "synthetic": mark == "synthetic",
        "source": str(meta["title"]),
        "units": {k: str(v["unit"]) for k, v in meta["variables"].items()},
    }
    return wide


# --------------------------------------------------------------------------- tidy CSV files
def format_value(value: float, decimals: int | None) -> str:
    """A cell as written: fixed ``decimals``, or (None) the shortest exact form, no ``.0``."""
    if decimals is not None:
        return f"{value:.{decimals}f}"
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def format_tidy_csv(frame: pd.DataFrame, decimals: dict[str, int | None]) -> str:
    """The CSV text of a tidy dataset: ``region,year,variable,value``, LF line ends.

    Rows are written in the order given; ``decimals[variable]`` fixes the decimals of derived
    variables (None: the published value, written in its shortest exact form). Missing cells are
    not written (a tidy table lists only the facts it has).
    """
    missing = [c for c in TIDY_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(f"a tidy dataset needs the columns {list(TIDY_COLUMNS)}; {missing} lack.")
    lines = [",".join(TIDY_COLUMNS)]
    for region, year, variable, value in frame[list(TIDY_COLUMNS)].itertuples(index=False):
        if np.isnan(value):
            continue
        cell = format_value(float(value), decimals[str(variable)])
        lines.append(f"{int(region)},{int(year)},{variable},{cell}")
    return "\n".join(lines) + "\n"


def read_tidy_csv(source: Any) -> pd.DataFrame:
    """Parse a tidy dataset CSV exactly (every number through Python's ``float()``)."""
    raw = pd.read_csv(source, dtype=str, keep_default_na=False)
    if tuple(raw.columns) != TIDY_COLUMNS:
        raise DataError(
            f"a tidy dataset has the header {','.join(TIDY_COLUMNS)}; got {list(raw.columns)}."
        )
    return pd.DataFrame(
        {
            "region": raw["region"].astype("int64").to_numpy(),
            "year": raw["year"].astype("int64").to_numpy(),
            "variable": raw["variable"].astype(object).to_numpy(),
            "value": np.array([float(v) for v in raw["value"]], dtype=np.float64),
        }
    )


def read_long_csv(source: Any, *, entity: str) -> pd.DataFrame:
    """Parse a long-format dataset CSV exactly: the ``entity`` and ``year`` columns as integers,
    every other column through Python's ``float()`` (an empty field is NaN), in file order."""
    raw = pd.read_csv(source, dtype=str, keep_default_na=False)
    missing = [c for c in (entity, "year") if c not in raw.columns]
    if missing:
        raise DataError(
            f"a long dataset has the columns {entity!r} and 'year' first; {missing} lack "
            f"(got {list(raw.columns)[:5]})."
        )
    out = pd.DataFrame(
        {
            entity: raw[entity].astype("int64").to_numpy(),
            "year": raw["year"].astype("int64").to_numpy(),
        }
    )
    for column in raw.columns:
        if column not in (entity, "year"):
            out[column] = np.array(
                [float(v) if v else np.nan for v in raw[column]], dtype=np.float64
            )
    return out


def sha256_text(text: str) -> str:
    """SHA-256 of UTF-8 text (the ``sha256`` field of a dataset's metadata)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
