"""Model formulas (``"cp ~ uri + log(gov) + C(region) | province + year"``) via formulaic.

The right-hand side is expanded by `formulaic <https://matthewwardrop.github.io/formulaic/>`_ as
linearmodels and pyfixest do: transformations (``log(x)``, ``I(x**2)``), categorical controls
(``C(g)`` or a text column, treatment coding against the first level), interactions (``x:z``,
``x*z``). The intercept is left to the model (the fixed effects absorb it; the pooled model adds
its own), so it is dropped from the expansion, which keeps the categorical coding full rank.

A pyfixest-style part after ``|`` names the fixed effects: the data's entity and/or time index
level (``| province + year`` -> ``effects="twoway"``, ``| province`` -> ``"entity"``, ``| year``
-> ``"time"``).

Regressors keep the names the formula writes (``log(x)``, ``I(x**2)``, ``x:z``; a categorical
level is named ``C(g)[T.b]``), and come in the order the formula writes them, so that a formula of
plain names gives the same columns in the same order as the ``y=``/``x=`` form, hence the same
results to the last digit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from spatialpanel.errors import ConfigError, DataError, did_you_mean

__all__ = [
    "FormulaDesign",
    "StudyTerms",
    "formula_design",
    "formula_variables",
    "split_formula",
    "study_terms",
]


@dataclass(frozen=True)
class FormulaDesign:
    """A formula's expansion on a panel: the frame of y and x columns, their names, the effects."""

    frame: pd.DataFrame
    y: str
    x: tuple[str, ...]
    effects: str | None  # from the ``|`` part, None without one


def _top_level_split(text: str, sep: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == sep and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def split_formula(formula: str) -> tuple[str, str, list[str]]:
    """``(lhs, rhs, fixed effects)`` of ``"y ~ x + z | entity + year"``.

    Raises
    ------
    ConfigError
        If the formula has no ``~``, no left or right side, or more than one ``|`` part.
    """
    if not isinstance(formula, str) or "~" not in formula:
        raise ConfigError(
            f"formula={formula!r} must read 'y ~ x1 + x2' (optionally '| entity + year' for the "
            "fixed effects)."
        )
    lhs, _, rest = formula.partition("~")
    parts = _top_level_split(rest, "|")
    if len(parts) > 2:
        raise ConfigError(
            f"formula={formula!r} has {len(parts) - 1} '|' parts; write one, naming the fixed "
            "effects: 'y ~ x | entity + year'."
        )
    rhs = parts[0]
    fixed = [t.strip() for t in parts[1].split("+")] if len(parts) == 2 else []
    if not lhs.strip() or not rhs.strip():
        raise ConfigError(f"formula={formula!r} needs a variable on each side of '~'.")
    if any(not t for t in fixed):
        raise ConfigError(f"formula={formula!r}: the part after '|' must name effects, a + b.")
    return lhs.strip(), rhs.strip(), fixed


def formula_variables(formula: str) -> list[str]:
    """The data columns a formula uses (its variables, without the fixed-effect names)."""
    import formulaic

    lhs, rhs, _ = split_formula(formula)
    try:
        parsed = formulaic.Formula(f"{lhs} ~ {rhs}")
    except Exception as exc:  # formulaic's parser errors
        raise ConfigError(f"formula={formula!r} could not be parsed: {exc}") from None
    names = sorted(str(v) for v in parsed.required_variables)
    return [n for n in names if n not in _FUNCTIONS]


_FUNCTIONS = frozenset({"log", "exp", "sqrt", "abs", "C", "I", "np", "center", "scale", "poly"})


def _effects_of(fixed: Sequence[str], index: pd.MultiIndex, formula: str) -> str | None:
    if not fixed:
        return None
    entity, time = (str(n) for n in index.names)
    unknown = [f for f in fixed if f not in (entity, time)]
    if unknown:
        raise ConfigError(
            f"formula={formula!r}: the fixed effects after '|' must be the panel's entity "
            f"{entity!r} and/or time {time!r} index levels; {unknown[0]!r} is not one of them."
            + did_you_mean(unknown[0], [entity, time])
            + " Other categorical controls go on the right-hand side as C(name)."
        )
    has_e, has_t = entity in fixed, time in fixed
    return "twoway" if has_e and has_t else "entity" if has_e else "time"


def _key(text: str) -> str:
    return "".join(text.split())


def formula_design(formula: str, data: pd.DataFrame) -> FormulaDesign:
    """Expand ``formula`` on ``data`` (an (entity, time)-indexed panel); see the module docstring.

    Raises
    ------
    ConfigError
        For a malformed formula, fixed effects other than the index levels, or a variable the
        data does not have (with the closest column names).
    DataError
        If ``data`` is not an (entity, time)-indexed DataFrame.
    """
    import formulaic

    if not isinstance(data, pd.DataFrame) or not isinstance(data.index, pd.MultiIndex):
        raise DataError(
            "from_formula needs data as a DataFrame with an (entity, time) MultiIndex; use "
            "frame.set_index([entity, time])."
        )
    lhs, rhs, fixed = split_formula(formula)
    effects = _effects_of(fixed, data.index, formula)
    columns = [str(c) for c in data.columns]
    for name in formula_variables(formula):
        if re.search(rf"(?<![\w.]){re.escape(name)}\s*\(", formula):
            raise ConfigError(
                f"formula={formula!r} uses {name}(...), which is not a function formulaic knows "
                "(log, exp, sqrt, abs, I, C, center, scale, poly, np.<function>)."
            )
        if name not in columns and name not in data.index.names:
            raise ConfigError(
                f"formula={formula!r} uses {name!r}, which is not a column of the data."
                + did_you_mean(name, columns)
            )
    try:
        matrices = formulaic.model_matrix(f"{lhs} ~ {rhs}", data, na_action="ignore")
    except Exception as exc:  # formulaic's evaluation errors (unknown function, bad term)
        raise ConfigError(f"formula={formula!r} could not be evaluated: {exc}") from None
    ylhs, xrhs = matrices.lhs, matrices.rhs
    if ylhs.shape[1] != 1:
        raise ConfigError(
            f"formula={formula!r} has {ylhs.shape[1]} columns on the left of '~'; write one "
            "dependent variable."
        )
    written = [_key(t) for t in _top_level_split(rhs, "+")]
    spec = xrhs.model_spec
    order: list[tuple[float, int, str]] = []
    for pos, (term, cols) in enumerate(spec.term_slices.items()):
        name = str(term)
        if name == "1":
            continue
        at = written.index(_key(name)) if _key(name) in written else len(written) + pos
        for col in xrhs.columns[cols]:
            order.append((at, pos, str(col)))
    order.sort()
    rename = {}
    for t in _top_level_split(rhs, "+"):
        rename[_key(t)] = t.strip()
    names = [rename.get(_key(c), c) for _, _, c in order]
    if not names:
        raise ConfigError(f"formula={formula!r} has no regressor on the right of '~'.")
    yname = lhs if _key(lhs) == _key(str(ylhs.columns[0])) else str(ylhs.columns[0])
    frame = pd.DataFrame({yname: np.asarray(ylhs.iloc[:, 0], dtype=float)}, index=data.index)
    for (_, _, col), name in zip(order, names, strict=True):
        frame[name] = np.asarray(xrhs[col], dtype=float)
    if len(set(frame.columns)) != frame.shape[1]:
        raise ConfigError(f"formula={formula!r} names a column twice: {list(frame.columns)}.")
    return FormulaDesign(frame=frame, y=yname, x=tuple(names), effects=effects)


@dataclass(frozen=True)
class StudyTerms:
    """A study's ``[model] formula`` as the stages use it: y, the core variable (the first term),
    the controls (the other terms), each one column named as the formula writes it, and the
    effects named after ``|`` (None without)."""

    y: str
    core: str
    controls: tuple[str, ...]
    effects: str | None


def study_terms(formula: str, *, entity: str, time: str, where: str) -> StudyTerms:
    """Check a study's ``[model] formula`` and split it into y, core and controls.

    Each right-hand term must make one column (a variable, ``log(x)``, ``I(x**2)``, ``x:z``), so
    that the first is the core variable of the hypotheses; categorical expansions (``C(g)``) and
    ``*`` are refused here with the way around (dummy columns in the data, or
    :meth:`~spatialpanel.models.model.SpatialPanelModel.from_formula` in Python).

    Raises
    ------
    ConfigError
        Naming the file, ``[model] formula``, the term and the fix.
    """
    label = f"{where}: [model] formula = {formula!r}"
    try:
        lhs, rhs, fixed = split_formula(formula)
        formula_variables(formula)
    except ConfigError as exc:
        raise ConfigError(f"{label}: {exc}") from None
    terms = [t.strip() for t in _top_level_split(rhs, "+")]
    for term in terms:
        if not term or term in ("0", "1", "-1") or term.startswith("-"):
            raise ConfigError(
                f"{label}: the term {term!r} is not a regressor; write the regressors joined by "
                "'+' (the intercept is the model's business)."
            )
        if "*" in _top_level_split(term, "(")[0] or re.match(r"C\s*\(", term) or "-" in term:
            raise ConfigError(
                f"{label}: the term {term!r} makes several columns; in a study each term is one "
                "column (the first is the core variable). Write x + z + x:z for x*z, and add "
                "categorical controls to the data as 0/1 columns (or use "
                "SpatialPanelModel.from_formula in Python)."
            )
    unknown = [f for f in fixed if f not in (entity, time)]
    if unknown:
        raise ConfigError(
            f"{label}: the fixed effects after '|' must be the [data] entity {entity!r} and/or "
            f"time {time!r} columns; {unknown[0]!r} is not one of them."
            + did_you_mean(unknown[0], [entity, time])
        )
    effects = None
    if fixed:
        has_e, has_t = entity in fixed, time in fixed
        effects = "twoway" if has_e and has_t else "entity" if has_e else "time"
    return StudyTerms(y=lhs, core=terms[0], controls=tuple(terms[1:]), effects=effects)
