"""Study configuration: the bundled demo study validates; every bad entry has a clear message."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from spatialpanel.errors import ConfigError
from spatialpanel.study.config import demo_study_text, load_study, validate


def _demo() -> dict:
    return tomllib.loads(demo_study_text())


def test_demo_study_loads_with_defaults() -> None:
    cfg = load_study()
    assert cfg.is_demo
    assert cfg.section("model")["kind"] == "sdm"
    assert cfg.section("model")["alpha"] == 0.05  # default filled in
    assert len(cfg.section("indices")["uri"]["indicators"]) == 13
    assert len(cfg.section("indices")["cp"]["indicators"]) == 12
    dims = {v["dimension"] for v in cfg.section("indices")["uri"]["indicators"].values()}
    assert len(dims) == 3
    dims = {v["dimension"] for v in cfg.section("indices")["cp"]["indicators"].values()}
    assert len(dims) == 2
    assert len(cfg.section("model")["controls"]) == 5
    assert len(cfg.text_hash) == 64


def test_section_is_a_copy() -> None:
    cfg = load_study()
    cfg.section("model")["kind"] = "sar"
    assert cfg.section("model")["kind"] == "sdm"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update({"modle": {}}), r"unknown section \[modle\]\. Did you mean 'model'"),
        (lambda d: d["model"].update({"efects": "twoway"}), r"unknown key 'efects' in \[model\]"),
        (lambda d: d["model"].update({"kind": "sdn"}), r"kind = 'sdn' is not one of .*'sdm'"),
        (lambda d: d["model"].update({"controls": "openness"}), r"controls = .* must be a list"),
        (lambda d: d["model"].pop("y"), r"\[model\] needs the key 'y'"),
        (lambda d: d.pop("data"), r"the section \[data\] is required"),
        (lambda d: d["data"].update({"years": [2023, 2014]}), r"years = \[2023, 2014\]"),
        (lambda d: d["model"].update({"weights": "nestd"}), r"weights = 'nestd'.*'nested'"),
        (
            lambda d: d["autocorrelation"].update({"weights": ["contiguty"]}),
            r"refers to weights 'contiguty'.*'contiguity'",
        ),
        (
            lambda d: d["indices"]["cp"]["indicators"]["urbanization_rate"].update(
                {"direction": "postive"}
            ),
            r"direction = 'postive' is not one of positive, negative",
        ),
        (
            lambda d: d["indices"]["cp"]["indicators"].update({"gdp": {"dimension": "x"}}),
            r"indicator 'gdp'.* needs the key 'direction'",
        ),
        (lambda d: d["weights"]["nested"].update({"form": "sum"}), r"form = 'sum' is not one"),
        (lambda d: d["data"].update({"missing": True}), r"missing = True must be a string"),
        (
            lambda d: d["outputs"].update({"parentheses": "t"}),
            r"\[outputs\] parentheses = 't' is not one of se, z",
        ),
    ],
)
def test_bad_entries_are_refused_with_a_message(mutate, message) -> None:  # type: ignore[no-untyped-def]
    data = _demo()
    mutate(data)
    with pytest.raises(ConfigError, match=message):
        validate(data, where="study.toml")


def test_missing_file_and_bad_toml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"does not exist.*spatialpanel init"):
        load_study(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[data\nfile = 1", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.toml is not valid TOML"):
        load_study(bad)


def test_relative_data_path_resolves_against_study(tmp_path: Path) -> None:
    text = demo_study_text().replace('file = "demo"', 'file = "mydata.csv"', 1)
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    cfg = load_study(path)
    assert not cfg.is_demo
    assert cfg.data_path() == tmp_path.resolve() / "mydata.csv"
