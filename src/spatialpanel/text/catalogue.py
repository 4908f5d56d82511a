"""gettext catalogues (``.po``), one per language, read with Babel.

The shipped catalogues live in ``spatialpanel/text/locales/LANG/LC_MESSAGES/spatialpanel.po``;
folders named in the environment variable ``SPATIALPANEL_LOCALE_PATH`` (separated by
``os.pathsep``) are searched first, so a new language is a new ``.po`` file in the same layout —
no code. English is the source language: ``en.po`` holds only what differs from the ids (table
headers, edge forms such as "30 neighbours each").
"""

from __future__ import annotations

import errno
import gettext
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

__all__ = ["DOMAIN", "Catalogue", "catalogue", "catalogue_path", "languages", "locale_dirs"]

DOMAIN = "spatialpanel"
_ENV = "SPATIALPANEL_LOCALE_PATH"


def locale_dirs() -> list[Path]:
    """Folders searched for catalogues: ``$SPATIALPANEL_LOCALE_PATH`` first, then the shipped."""
    extra = [Path(p) for p in os.environ.get(_ENV, "").split(os.pathsep) if p]
    return [*extra, Path(__file__).with_name("locales")]


def catalogue_path(lang: str) -> Path | None:
    """The ``.po`` file of ``lang``, or ``None``."""
    found = _find(lang)
    return None if found is None else Path(found[0])


_SHIPPED = str(Path(__file__).with_name("locales"))
#: What ``Path.is_file`` takes for "no such file" (it raises on any other error).
_ABSENT = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP})


@lru_cache(maxsize=64)
def _candidates(lang: str, extra: str) -> tuple[str, ...]:
    """The ``.po`` files ``lang`` may have, in the order of :func:`locale_dirs` for the
    ``$SPATIALPANEL_LOCALE_PATH`` value ``extra`` (names only: nothing is looked at)."""
    folders = [p for p in extra.split(os.pathsep) if p] + [_SHIPPED]
    return tuple(os.path.join(folder, lang, "LC_MESSAGES", f"{DOMAIN}.po") for folder in folders)


def _find(lang: str) -> tuple[str, float] | None:
    """The first ``.po`` file of ``lang`` that exists, and its modification time: one ``stat``
    per folder searched (a catalogue is looked up for every message rendered, so this is the
    common path; the files are looked at every time, so a catalogue added or edited meanwhile
    is found)."""
    for path in _candidates(lang, os.environ.get(_ENV, "")):
        try:
            info = os.stat(path)
        except OSError as error:
            if error.errno not in _ABSENT:
                raise
            continue
        except ValueError:  # e.g. a NUL in the path, as Path.is_file
            continue
        if stat.S_ISREG(info.st_mode):
            return path, info.st_mtime
    return None


def languages() -> list[str]:
    """Every language with a catalogue, English first."""
    found = {"en"}
    for folder in locale_dirs():
        if folder.is_dir():
            found |= {p.name for p in folder.iterdir() if (p / "LC_MESSAGES").is_dir()}
    return ["en", *sorted(found - {"en"})]


@dataclass(frozen=True)
class Catalogue:
    """The messages of one language.

    Attributes
    ----------
    lang
        The language code (``"en"``, ``"zh"``, ...).
    catalog
        Babel's catalogue read from the ``.po`` file (empty for a language without one).
    """

    lang: str
    catalog: Catalog

    def lookup(self, id: str, *, context: str | None = None, n: int | None = None) -> str | None:
        """The translation of ``id`` in ``context``, in the plural form for ``n``; ``None`` when
        the catalogue has no (non-empty, non-fuzzy) entry."""
        entry = self.catalog.get(id, context=context)
        if entry is None or entry.fuzzy:
            return None
        text = entry.string
        if isinstance(text, tuple | list):
            forms = [str(t) for t in text]
            index = self.plural(1 if n is None else n)
            chosen = forms[min(index, len(forms) - 1)] if forms else ""
            return chosen or None
        return str(text) or None

    @property
    def plural(self) -> Callable[[int], int]:
        """The catalogue's plural rule (gettext's ``Plural-Forms``): count -> form index."""
        return _plural_rule(self.catalog.plural_expr)

    def entries(self) -> Iterator[tuple[str | None, str]]:
        """(context, id) of every entry with a translation."""
        for entry in self.catalog:
            if entry.id and not entry.fuzzy and entry.string:
                key = entry.id[0] if isinstance(entry.id, tuple | list) else entry.id
                yield entry.context, str(key)


@lru_cache(maxsize=32)
def _plural_rule(expr: str) -> Callable[[int], int]:
    return gettext.c2py(expr)


@lru_cache(maxsize=16)
def _read(path: str, mtime: float) -> Catalog:
    with open(path, "rb") as fh:
        return read_po(fh)


def catalogue(lang: str) -> Catalogue:
    """The catalogue of ``lang`` (an empty one when no ``.po`` file exists).

    The file is read once per path and modification time: a catalogue edited, added (in a
    folder searched first) or removed since the last call is the one returned."""
    found = _find(lang)
    if found is None:
        return Catalogue(lang, Catalog(locale=None))
    return Catalogue(lang, _read(*found))
