"""Labels: what a reader sees instead of an identifier, in each language.

A study gives its variables, indices, dimensions and weights matrices labels (``label``,
``label_zh``, ``label_LANG`` in the study file); :class:`Labels` holds them as data, travels in
``stages.json`` and resolves a :class:`~spatialpanel.text.message.Label` per language:

1. the study's label in the language, else its English label, else a label derived from the
   identifier (``gov_intervention`` -> ``"Gov intervention"``);
2. regions (``kind="region"``): the study's region-set names when it gives them (cities, US
   states, the user's boundaries), else Chinese provinces by GB/T 2260 code or English name from
   the bundled table (short Chinese names such as 北京, 广西), other regions as written;
3. other kinds (``"group"``, ``"model"``, ...): the catalogue entry with the kind as context.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

__all__ = ["STUDY_KINDS", "Labels", "default_label", "is_region", "region_name"]

#: The kinds of labels a study gives (anything else is looked up elsewhere, see the module).
STUDY_KINDS: tuple[str, ...] = ("variable", "dimension", "weights")


def default_label(key: str, kind: str = "variable") -> str:
    """A readable label derived mechanically from an identifier.

    ``"gov_intervention"`` -> ``"Gov intervention"``, ``"gdp_per_capita"`` -> ``"Gdp per
    capita"``; identifiers that already read as text (``"Economic integration"``) are kept.
    Weights matrices are named mid-sentence ("the inverse distance weights"), so their
    default keeps its case: ``"inverse_distance"`` -> ``"inverse distance"``.
    """
    text = re.sub(r"[_\s]+", " ", str(key)).strip()
    if not text:
        return str(key)
    return text if kind == "weights" else text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Labels:
    """Labels by kind, identifier and language: ``table[kind][key][lang] = text``."""

    table: Mapping[str, Mapping[str, Mapping[str, str]]] = field(default_factory=dict)

    def has(self, kind: str, key: str) -> bool:
        """Whether the study gives ``key`` of ``kind`` a label."""
        return bool(self.table.get(kind, {}).get(str(key)))

    def get(self, kind: str, key: str, lang: str) -> str:
        """The label of ``key`` in ``lang`` (see the module docstring for the fallbacks)."""
        key = str(key)
        entry = self.table.get(kind, {}).get(key)
        if kind == "region":
            if entry is not None:
                return entry.get(lang) or entry.get("en") or key
            return region_name(key, lang)
        if entry is not None:
            return entry.get(lang) or entry.get("en") or default_label(key, kind)
        if kind in STUDY_KINDS:
            return default_label(key, kind)
        from spatialpanel.text.message import Message
        from spatialpanel.text.render import render

        return render(Message(key, context=kind), lang)

    def find(self, text: str) -> tuple[str, str] | None:
        """The (kind, key) of an identifier that has a label, else ``None``."""
        for kind in STUDY_KINDS:
            if str(text) in self.table.get(kind, {}):
                return kind, str(text)
        return None

    def merged(self, other: Labels) -> Labels:
        """These labels with ``other``'s added (``other`` wins)."""
        table = {k: dict(v) for k, v in self.table.items()}
        for kind, entries in other.table.items():
            table.setdefault(kind, {}).update(entries)
        return Labels(table)

    def to_json(self) -> dict[str, Any]:
        """``{kind: {key: {lang: text}}}``."""
        return {k: {key: dict(v) for key, v in e.items()} for k, e in self.table.items()}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Labels:
        """The labels of :meth:`to_json`'s output (``None``: no labels)."""
        if not data:
            return cls()
        return cls(
            {
                str(kind): {
                    str(key): {str(lang): str(text) for lang, text in v.items()}
                    for key, v in e.items()
                }
                for kind, e in data.items()
            }
        )


def _short_zh(name: str) -> str:
    """Short Chinese province name: 北京市 -> 北京, 广西壮族自治区 -> 广西."""
    if name.endswith("自治区"):
        return name[:3] if name.startswith("内蒙古") else name[:2]
    if name.endswith("特别行政区"):
        return name[:2]
    return name[:-1] if name.endswith(("省", "市")) else name


@lru_cache(maxsize=1)
def _provinces() -> dict[str, dict[str, str]]:
    """English name or code -> {lang: name} for the bundled provinces."""
    from spatialpanel.data.china import provinces

    prov = provinces()
    out: dict[str, dict[str, str]] = {}
    langs = {c.removeprefix("name_") for c in prov.columns if c.startswith("name_")}
    for code, row in prov.iterrows():
        names = {lang: str(row[f"name_{lang}"]) for lang in langs}
        if "zh" in names:
            names["zh"] = _short_zh(names["zh"])
        out[str(code)] = names
        out[names.get("en", str(code))] = names
    return out


def region_name(key: str, lang: str) -> str:
    """A region's name in ``lang``: bundled Chinese provinces by code or English name."""
    names = _provinces().get(str(key))
    if names is None:
        return str(key)
    return names.get(lang) or names.get("en") or str(key)


def is_region(key: str) -> bool:
    """Whether ``key`` names a bundled region (a province's code or English name)."""
    return str(key) in _provinces()
