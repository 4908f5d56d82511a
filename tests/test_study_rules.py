"""`validate` is complete (issue 15 §5): a walk over the whole study schema proves, key by key,
that every value `run` would refuse is refused by the study's validation, with a message naming
the key, the value and what is allowed; names that must exist in the data are checked when
`validate` reads the data; and the rules between keys that `run` used to hit half-way through
(bias correction without fixed effects, a dynamic model without fixed effects, ...) are
refused up front."""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Iterator
from typing import Any

import pytest

from spatialpanel.errors import ConfigError
from spatialpanel.study.config import demo_study_text, load_study, validate
from spatialpanel.study.pipeline import check_run_options, validate_study
from spatialpanel.study.rules import CHOICES, DIVISIONS, REFERENCES, RULES, is_free
from spatialpanel.study.schema import INDICATOR_KEYS, NAMED_SECTIONS, SECTIONS

DEMO: dict[str, Any] = tomllib.loads(demo_study_text())
#: For each named section, the item the walk edits; the indicator walked is its first one.
ITEMS = {"indices": "uri", "weights": "contiguity", "variables": "gov_intervention"}
CANDIDATES: list[Any] = ["text", 3, 2.5, True, [1], {"a": 1}]


def _keys() -> Iterator[tuple[str, str, tuple[type, ...]]]:
    """(choice key, key, accepted types) for every key of the schema."""
    for section, spec in SECTIONS.items():
        for key, (types, _) in spec.items():
            yield section, key, types
    for section, spec in NAMED_SECTIONS.items():
        for key, (types, _) in spec.items():
            yield section, key, types
    for key, (types, _) in INDICATOR_KEYS.items():
        yield "indicator", key, types


def _with(section: str, key: str, value: Any) -> dict[str, Any]:
    """The demo study with one key set to ``value``."""
    study = copy.deepcopy(DEMO)
    if section in ITEMS:
        study[section][ITEMS[section]][key] = value
    elif section == "indicator":
        first = next(iter(study["indices"]["uri"]["indicators"]))
        study["indices"]["uri"]["indicators"][first][key] = value
    else:
        study.setdefault(section, {})[key] = value
    return study


def _wrong_type(types: tuple[type, ...]) -> Any:
    for value in CANDIDATES:
        if isinstance(value, bool) and bool not in types:
            return value
        if not isinstance(value, types):
            return value
    raise AssertionError(f"no wrongly typed candidate for {types}")


KEYS = list(_keys())


def test_every_key_is_classified() -> None:
    """A new key must say what it accepts: a choice, a rule, a reference or free text (see
    spatialpanel/study/rules.py); otherwise `validate` could accept what `run` refuses."""
    unclassified = [
        (s, k)
        for s, k, _ in KEYS
        if (s, k) not in CHOICES and (s, k) not in RULES and (s, k) not in REFERENCES
        and not is_free(s, k)
    ]  # fmt: skip
    assert unclassified == []


@pytest.mark.parametrize(("section", "key", "types"), KEYS, ids=[f"{s}.{k}" for s, k, _ in KEYS])
def test_a_wrong_type_is_refused_naming_key_and_value(
    section: str, key: str, types: tuple[type, ...]
) -> None:
    value = _wrong_type(types)
    with pytest.raises(ConfigError) as err:
        validate(_with(section, key, value))
    assert f"{key} = {value!r}" in str(err.value)


CHOICE_KEYS = sorted(CHOICES)


@pytest.mark.parametrize(("section", "key"), CHOICE_KEYS, ids=[f"{s}.{k}" for s, k in CHOICE_KEYS])
def test_an_unknown_choice_is_refused_listing_the_choices(section: str, key: str) -> None:
    with pytest.raises(ConfigError) as err:
        validate(_with(section, key, "no-such-choice"))
    message = str(err.value)
    assert f"{key} = 'no-such-choice'" in message
    assert all(choice in message for choice in CHOICES[(section, key)])


@pytest.mark.parametrize("section", ["disparity", "evolution"])
def test_a_division_is_one_of_chinas_or_with_a_geography_any_column(section: str) -> None:
    """Without [geography] a division is one of China's three (a choice, refused listing them);
    with one, any column of its region set passes here and is looked up when `validate` reads
    the data (tests/test_geography.py, both ways)."""
    for division in DIVISIONS:
        validate(_with(section, "division", division))
    with pytest.raises(ConfigError) as err:
        validate(_with(section, "division", "region4"))
    message = str(err.value)
    assert f"[{section}] division = 'region4' is not one of" in message
    assert all(d in message for d in DIVISIONS) and "Did you mean 'region_4'" in message
    assert "[geography]" in message
    study = _with(section, "division", "SUB_REGION")
    study["data"]["entity_kind"] = "generic"
    study["geography"] = {"file": "us48.shp", "id": "STATE_NAME"}
    assert validate(study)[section]["division"] == "SUB_REGION"
    assert (section, "division") in REFERENCES


RULE_KEYS = sorted(RULES)


@pytest.mark.parametrize(("section", "key"), RULE_KEYS, ids=[f"{s}.{k}" for s, k in RULE_KEYS])
def test_a_value_out_of_range_is_refused_stating_the_range(section: str, key: str) -> None:
    rule = RULES[(section, key)]
    with pytest.raises(ConfigError) as err:
        validate(_with(section, key, rule.bad))
    message = str(err.value)
    assert f"{key} = {rule.bad!r}" in message and rule.allowed in message


@pytest.mark.parametrize(
    ("section", "key", "value"),
    [
        ("outputs", "dpi", 0),
        ("study", "seed", -1),
        ("autocorrelation", "permutations", 0),
        ("autocorrelation", "alpha", 5),
        ("disparity", "tools", ["dagum", "gini"]),
        ("outputs", "figure_formats", ["jpg"]),
        ("outputs", "figure_formats", []),
    ],
)
def test_the_values_issue_15_found_validated_ok(section: str, key: str, value: Any) -> None:
    with pytest.raises(ConfigError, match=rf"{key} = {value!r}".replace("[", r"\[")):
        validate(_with(section, key, value))


def test_the_demo_study_is_valid_and_its_boundary_values_too() -> None:
    validate(copy.deepcopy(DEMO))
    for section, key, value in [
        ("outputs", "dpi", 50),
        ("outputs", "dpi", 1200),
        ("study", "seed", 0),
        ("study", "seed", 2**32 - 1),
        ("autocorrelation", "permutations", 19),
        ("disparity", "bandwidth", "0.05"),
        ("disparity", "tools", []),
        ("weights", "phi", 0),
        ("indices", "shift", 0),
    ]:
        validate(_with(section, key, value))


@pytest.mark.parametrize(
    ("edits", "match"),
    [
        ({("model", "effects"): "random"}, r"bias_correction = 'elhorst' .*effects = 'random'"),
        ({("model", "kind"): "slx"}, r"bias_correction = 'elhorst'.*slx"),
        (
            {("model", "bias_correction"): "transformation", ("weights", "transform"): "binary"},
            r"row-standardised W.*transform = 'binary'",
        ),
        (
            {("model", "effects"): "pooled", ("model", "bias_correction"): "none"},
            r"\[dynamic\] enabled = true needs fixed effects.*'pooled'",
        ),
        ({("autocorrelation", "alpha"): 0.01, ("autocorrelation", "permutations"): 19}, "99"),
        (
            {("disparity", "sigma_measure"): "cv", ("disparity", "sigma_log"): True},
            'sigma_measure = "cv" with sigma_log',
        ),
        ({("disparity", "coupling_systems"): ["uri", "zz"]}, r"\['zz'\] are not \[indices"),
        ({("indices", "normalisation"): "vector"}, 'applies to method = "topsis"'),
        ({("weights", "kind"): "file"}, r'kind = "file" needs file'),
        ({("disparity", "weights"): "rook"}, r"\[disparity\] weights = 'rook'"),
        ({("autocorrelation", "local_weights"): "rook"}, "weights 'rook'"),
        ({("model", "weights"): "rook"}, r"\[model\] weights = 'rook'"),
    ],
)
def test_rules_between_keys_are_refused_up_front(
    edits: dict[tuple[str, str], Any], match: str
) -> None:
    study = copy.deepcopy(DEMO)
    for (section, key), value in edits.items():
        study = _edit(study, section, key, value)
    with pytest.raises(ConfigError, match=match):
        validate(study)


def _edit(study: dict[str, Any], section: str, key: str, value: Any) -> dict[str, Any]:
    if section in ITEMS:
        study[section][ITEMS[section]][key] = value
    else:
        study[section][key] = value
    return study


@pytest.mark.parametrize("lang", ["fr", "EN", ""])
def test_an_unknown_report_language_is_refused_before_any_work(lang: str) -> None:
    with pytest.raises(ConfigError, match=f"lang={lang!r}"):
        check_run_options(load_study(), lang=lang)


# --- names checked against the data (validate with the data) ---------------------------------
@pytest.fixture(scope="module")
def demo_config_text() -> str:
    return demo_study_text()


@pytest.mark.parametrize(
    ("old", "new", "match"),
    [
        ('variable = "cp"\nweights = ["nested"', 'variable = "cq"\nweights = ["nested"', "cq"),
        ('y = "cp"', 'y = "cq"', "cq"),
        ('variables = ["cp", "uri"]', 'variables = ["cp", "urj"]', r"\[disparity\] variables.*urj"),
        ("years = [2014, 2017, 2020, 2023]", "years = [2014, 2030]", r"\[2030\]"),
        ('"Beijing", "Tianjin"', '"Beijing", "Atlantis"', "Atlantis"),
        (
            'variable = "gdp_per_capita"\n\n[weights.nested]',
            'variable = "gdp"\n\n[weights.nested]',
            "gdp",
        ),
        ('hainan = "guangdong"', 'hainan = "none"', r"islands.*allow"),
        (
            'hainan = "guangdong"',
            'hainan = "none"\nislands = "allow"',
            r"\[weights.contiguity\] keeps regions without neighbours \(460000.*\[model\]",
        ),
    ],
)
def test_names_are_looked_up_in_the_data_by_validate(
    tmp_path: Any, demo_config_text: str, old: str, new: str, match: str
) -> None:
    assert old in demo_config_text
    study = tmp_path / "study.toml"
    study.write_text(demo_config_text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(Exception, match=match) as err:
        validate_study(load_study(study))
    assert err.type.__module__ == "spatialpanel.errors"
