"""Region names: every common spelling of China's 31 provinces mapped to its GB/T 2260 code.

Accepted for each province (after NFKC normalisation, so full-width characters are read as their
ordinary forms, with surrounding and inner spaces ignored and letters compared case-insensitively):

- the code, 6-digit or 2-digit, as an integer or text: ``110000``, ``"110000"``, ``11``, ``"11"``;
- the full Chinese name and the short one: ``北京市`` / ``北京``, ``内蒙古自治区`` / ``内蒙古``,
  ``广西壮族自治区`` / ``广西``;
- the English name and the pinyin, alone or with the usual suffix: ``Beijing``, ``Beijing
  Municipality``, ``Hebei Province``, ``Inner Mongolia``, ``Nei Mongol``, ``Neimenggu``,
  ``Guangxi Zhuang Autonomous Region``, ``Tibet`` / ``Xizang``, ``Xinjiang Uygur`` or ``Uyghur``
  ``Autonomous Region``.

The traditional-character forms of the names (``遼寧省`` / ``遼寧``, ``廣東``, ``內蒙古自治區``,
``黑龍江``, ``陝西``, ``雲南``, ``貴州``, ...) are accepted too, from a small explicit table (no
general converter: only province names are mapped).

Matching is exact on these spellings: ``Shanxi`` (山西, 140000) and ``Shaanxi`` (陕西, 610000) are
never matched into each other. Hong Kong, Macao and Taiwan, and the national total (全国, 合计,
Total, 100000), are recognised and refused with a message, because the study covers the 31
mainland provinces; :func:`is_national_total` tells the reader which rows are national totals,
which it drops by default. An
unknown name is refused with the closest spellings; a name that begins two provinces' names
(``广``, ``Jiang``) is refused as ambiguous.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from numbers import Integral, Real

from spatialpanel.data.china import provinces
from spatialpanel.errors import DataError

__all__ = [
    "NameTable",
    "Spellings",
    "is_national_total",
    "lookup_key",
    "normalize_label",
    "region_label",
    "resolve_region",
]

_ZH_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市")
_LATIN_SUFFIXES = (
    "",
    "province",
    "sheng",
    "municipality",
    "city",
    "shi",
    "autonomousregion",
    "zizhiqu",
)
# extra Latin spellings beyond provinces.csv's name_en and pinyin (normalised later)
_EXTRA_LATIN: dict[int, tuple[str, ...]] = {
    150000: ("Nei Mongol", "Nei Menggu", "Inner Mongolia Autonomous Region"),
    450000: ("Guangxi Zhuang", "Guangxi Zhuang Autonomous Region"),
    540000: ("Tibet Autonomous Region", "Xizang Autonomous Region"),
    640000: ("Ningxia Hui", "Ningxia Hui Autonomous Region"),
    650000: (
        "Xinjiang Uygur",
        "Xinjiang Uyghur",
        "Xinjiang Uygur Autonomous Region",
        "Xinjiang Uyghur Autonomous Region",
    ),
}
# traditional-character names (full and short) where they differ from the simplified ones
_TRADITIONAL: dict[int, tuple[str, ...]] = {
    150000: ("內蒙古自治區", "內蒙古", "内蒙古自治區"),
    210000: ("遼寧省", "遼寧"),
    230000: ("黑龍江省", "黑龍江"),
    320000: ("江蘇省", "江蘇"),
    370000: ("山東省", "山東"),
    440000: ("廣東省", "廣東"),
    450000: ("廣西壯族自治區", "廣西"),
    500000: ("重慶市", "重慶"),
    520000: ("貴州省", "貴州"),
    530000: ("雲南省", "雲南"),
    540000: ("西藏自治區",),
    610000: ("陝西省", "陝西"),
    620000: ("甘肅省", "甘肅"),
    640000: ("寧夏回族自治區", "寧夏"),
    650000: ("新疆維吾爾自治區",),
}
_OUTSIDE: dict[int, tuple[str, tuple[str, ...]]] = {
    710000: (
        "Taiwan",
        ("台湾", "台湾省", "臺灣", "臺灣省", "台灣", "台灣省", "Taiwan", "Taiwan Province"),
    ),
    810000: (
        "Hong Kong",
        (
            "香港",
            "香港特别行政区",
            "香港特別行政區",
            "Hong Kong",
            "Hongkong",
            "Hong Kong SAR",
            "HK",
            "Xianggang",
        ),
    ),
    820000: (
        "Macao",
        (
            "澳门",
            "澳门特别行政区",
            "澳門",
            "澳門特別行政區",
            "Macao",
            "Macau",
            "Macao SAR",
            "Macau SAR",
            "Aomen",
        ),
    ),
}
_TOTALS = (
    "全国",
    "全国合计",
    "全国总计",
    "合计",
    "总计",
    "全國",
    "全國合計",
    "全國總計",
    "合計",
    "總計",
    "National",
    "National total",
    "Nationwide",
    "China",
    "China total",
    "Total",
    "Grand total",
)
_TOTAL_CODES = ("100000", "0", "000000")
_SPACE = re.compile(r"\s+")
_LATIN_PUNCT = re.compile(r"[\s\-'’‘`.,_()]+")


def normalize_label(value: object) -> str:
    """Text of a label after NFKC normalisation, trimmed, with runs of spaces made single."""
    text = unicodedata.normalize("NFKC", str(value))
    return _SPACE.sub(" ", text).strip()


def _key(text: str) -> str:
    """The lookup key: normalised, case-folded, without spaces and Latin punctuation."""
    return _LATIN_PUNCT.sub("", normalize_label(text).casefold())


def _short_zh(name: str) -> str:
    for suffix in _ZH_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def lookup_key(value: object) -> str:
    """The key under which a region label is looked up (see :class:`NameTable`).

    Numbers and digit strings become their integer's digits (``110000.0``, ``"0110000"`` ->
    ``"110000"``); other text is NFKC-normalised, case-folded and stripped of spaces and Latin
    punctuation (``"New_Hampshire"`` -> ``"newhampshire"``).
    """
    digits = _as_code_text(value)
    if digits is not None:
        return digits
    key = _key(str(value))
    return str(int(key)) if key.isdigit() else key


@dataclass(frozen=True)
class Spellings:
    """How one region may be written: codes (matched first), names, and further variants.

    ``names`` also feed the suggestions of an unknown label; ``variants`` (e.g. a name with a
    suffix) are only matched.
    """

    ident: Hashable
    display: str
    codes: tuple[object, ...] = ()
    names: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()


@dataclass(frozen=True)
class NameTable:
    """Every accepted spelling of the regions of a region set, and the refused ones.

    Build it with :meth:`build`; :meth:`resolve` maps a label to its region id with the same
    messages for every region set (empty cell, refused region, ambiguous or unknown label with
    the closest spellings).

    Attributes
    ----------
    codes
        Lookup key (:func:`lookup_key`) -> region id.
    refused
        Key -> reason the label is refused (a region outside the set, a national total).
    ambiguous
        Key -> the ids of the several regions that share this spelling.
    display
        Region id -> ``"北京市 (Beijing, 110000)"``, used in messages and the audit.
    spellings
        Readable spelling -> region id, for suggestions.
    what
        Completes "region 'X' is not ..." (e.g. ``"one of the 31 provinces"``).
    fix
        Added to the message of an ambiguous label.
    hint
        Added to the message of an unknown label when no spelling is close.
    """

    codes: dict[str, Hashable]
    refused: dict[str, str]
    ambiguous: dict[str, tuple[Hashable, ...]]
    display: dict[Hashable, str]
    spellings: dict[str, Hashable]
    what: str
    fix: str = "Write the full name or the code."
    hint: str = ""

    @classmethod
    def build(
        cls,
        entries: Iterable[Spellings],
        *,
        what: str,
        refused: Mapping[str, str] | None = None,
        fix: str = "Write the full name or the code.",
        hint: str = "",
    ) -> NameTable:
        """A table from the :class:`Spellings` of every region.

        A key that two regions share is *ambiguous* (refused with both named), except that a
        code of one region wins over a name or variant of another.
        ``refused`` maps labels (spelled freely) to the reason they are refused.
        """
        codes: dict[str, Hashable] = {}
        tier: dict[str, int] = {}
        ambiguous: dict[str, set[Hashable]] = {}
        display: dict[Hashable, str] = {}
        spellings: dict[str, Hashable] = {}

        def put(value: object, ident: Hashable, level: int) -> None:
            key = lookup_key(value)
            if not key:
                return
            if key in ambiguous and level >= tier[key]:
                ambiguous[key].add(ident)
                return
            if key not in codes or level < tier[key]:
                codes[key], tier[key] = ident, level
                ambiguous.pop(key, None)
            elif codes[key] != ident and level == tier[key]:
                ambiguous[key] = {codes.pop(key), ident}

        for entry in entries:
            display[entry.ident] = entry.display
            for value in entry.codes:
                put(value, entry.ident, 0)
            for name in entry.names:
                put(name, entry.ident, 1)
                spellings.setdefault(name, entry.ident)
            for name in entry.variants:
                put(name, entry.ident, 1)
        for key in ambiguous:
            codes.pop(key, None)
        return cls(
            codes=codes,
            refused={lookup_key(k): v for k, v in (refused or {}).items()},
            ambiguous={k: tuple(sorted(v, key=str)) for k, v in ambiguous.items()},
            display=display,
            spellings=spellings,
            what=what,
            fix=fix,
            hint=hint,
        )

    def resolve(self, value: object, *, where: str = "") -> Hashable:
        """The id of the region that ``value`` names; see :func:`resolve_region`."""
        prefix = f"{where}: " if where else ""
        key = "" if value is None else lookup_key(value)
        if value is None or (isinstance(value, float) and math.isnan(value)) or not key:
            raise DataError(f"{prefix}the region cell is empty. Fill in the region's name or code.")
        if key in self.codes:
            return self.codes[key]
        if key in self.refused:
            raise DataError(f"{prefix}region {value!r} {self.refused[key]}.")
        candidates = self.ambiguous.get(key)
        if candidates is None and not key.isdigit():
            found = {code for k, code in self.codes.items() if k.startswith(key)}
            candidates = tuple(sorted(found, key=str)) if len(found) > 1 else None
        if candidates:
            names = ", ".join(self.display[c] for c in candidates[:6])
            raise DataError(
                f"{prefix}region {value!r} is ambiguous: it could be {names}. {self.fix}"
            )
        raise DataError(f"{prefix}region {value!r} is not {self.what}.{self.suggest(value)}")

    def suggest(self, value: object) -> str:
        """`` Closest: ...`` with up to three regions whose spellings are close to ``value``."""
        key = _key(str(value))
        by_key: dict[str, Hashable] = {}
        for spelling, code in self.spellings.items():
            by_key.setdefault(_key(spelling), code)
        close = difflib.get_close_matches(key, list(by_key), n=6, cutoff=0.5)
        found = [by_key[c] for c in close]
        found += [code for spelled, code in by_key.items() if len(spelled) >= 2 and spelled in key]
        unique = list(dict.fromkeys(found))[:3]
        if not unique:
            return self.hint
        return " Closest: " + "; ".join(self.display[c] for c in unique) + "."


@cache
def _table() -> NameTable:
    entries = []
    table = provinces()
    for code_value, name_zh, name_en, pinyin in zip(
        table["code"], table["name_zh"], table["name_en"], table["pinyin"], strict=True
    ):
        code = int(code_value)
        zh = [str(name_zh), _short_zh(str(name_zh)), *_TRADITIONAL.get(code, ())]
        latin = [str(name_en), str(pinyin), *_EXTRA_LATIN.get(code, ())]
        entries.append(
            Spellings(
                code,
                f"{name_zh} ({name_en}, {code})",
                codes=(code, code // 10000),
                names=(*zh, *latin),
                variants=tuple(_key(w) + suffix for w in latin for suffix in _LATIN_SUFFIXES),
            )
        )
    refused: dict[str, str] = {}
    for code, (name, spelled) in _OUTSIDE.items():
        reason = (
            f"is {name} ({code}); the study covers the 31 mainland provinces only (Hong Kong, "
            "Macao and Taiwan are excluded, as in the China Statistical Yearbook's provincial "
            "tables). Delete its rows from the file"
        )
        for spelling in (str(code), *spelled):
            refused[spelling] = reason
    total = (
        "is the national total, not a province. Delete the row from the file, or pass "
        "totals='drop' (read_panel's default), which drops national-total rows and audits them"
    )
    for key in (*_TOTALS, *_TOTAL_CODES):
        refused[key] = total
    out = NameTable.build(
        entries,
        what="one of the 31 provinces",
        refused=refused,
        fix="Write the full name or the 6-digit code.",
        hint=(
            " Use the code (e.g. 110000), the Chinese name (北京市 or 北京) or the English or "
            "pinyin name (Beijing)."
        ),
    )
    if out.ambiguous:  # pragma: no cover - guarded by a test
        raise RuntimeError(f"province spellings shared by two provinces: {out.ambiguous}")
    return out


def region_label(code: int) -> str:
    """``"北京市 (Beijing, 110000)"`` for a province code; the code itself if unknown."""
    return _table().display.get(int(code), str(code))


def is_national_total(value: object) -> bool:
    """True when ``value`` is a national-total label: 全国, 合计, 全国合计, 总计 (or their
    traditional forms), ``National``, ``Total``, ``China``, or the code ``100000`` / ``000000``.
    """
    if value is None or isinstance(value, bool):
        return False
    digits = _as_code_text(value)
    if digits is not None:
        return digits in _TOTAL_CODES
    key = _key(str(value))
    return bool(key) and (key in _TOTAL_CODES or key in _TOTAL_KEYS)


_TOTAL_KEYS = frozenset(_key(t) for t in _TOTALS)


def _as_code_text(value: object) -> str | None:
    """The digits of an integer-valued number (``110000.0`` -> ``"110000"``), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Integral):
        return str(int(value))
    if isinstance(value, Real):
        number = float(value)
        if math.isfinite(number) and number.is_integer():
            return str(int(number))
    return None


def resolve_region(value: object, *, where: str = "") -> int:
    """GB/T 2260 code of the province that ``value`` names.

    Parameters
    ----------
    value
        A code (``110000``, ``11``, as number or text) or a name in Chinese, English or pinyin.
    where
        Where the value was read (file, sheet, row), put at the front of error messages.

    Returns
    -------
    int
        The 6-digit province code, e.g. ``110000``.

    Raises
    ------
    DataError
        If the value is empty, names Hong Kong, Macao, Taiwan or the national total, is ambiguous
        or is not known; the message lists the closest spellings.
    """
    return int(_table().resolve(value, where=where))  # type: ignore[call-overload]
