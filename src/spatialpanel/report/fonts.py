"""Fonts for figures: find an installed CJK font so Chinese labels render in matplotlib.

matplotlib's default font (DejaVu Sans) has no Chinese glyphs; figures with ``lang="zh"`` need a
font such as Noto Sans CJK, Source Han Sans, WenQuanYi, SimHei or Microsoft YaHei. We look in
matplotlib's font list first and then, because that list is cached from the time matplotlib was
first imported, among the font files installed on the system.

The font is resolved once per process (:func:`cjk_font` is cached) and registered so that it
serves every weight the figures ask for: a CJK font often ships one weight only (WenQuanYi Zen
Hei declares 500, "medium"), and matplotlib then logs ``findfont: Failed to find font weight
normal for ...`` for every text drawn in it. The font's own file is registered under its exact
family name for the normal and bold weights it lacks (glyphs unchanged), as matplotlib itself
registers a font's alternative names, so every lookup finds an exact match and nothing is logged.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
from functools import cache
from pathlib import Path

from spatialpanel.errors import ConfigError

__all__ = ["CJK_FAMILIES", "cjk_font", "require_cjk_font"]

#: Families tried in order (simplified Chinese first).
CJK_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Sarasa Gothic SC",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "STHeiti",
    "Noto Sans CJK JP",
    "Noto Serif CJK SC",
    "AR PL UMing CN",
    "AR PL UKai CN",
    "Arial Unicode MS",
)
_FILE_HINT = re.compile(
    r"(cjk|wqy|wenquanyi|sourcehan|simhei|msyh|yahei|pingfang|heiti|uming)", re.I
)

_INSTALL_HINT = (
    "Install one, e.g. `sudo apt-get install fonts-noto-cjk` (Debian/Ubuntu), "
    "`sudo dnf install google-noto-sans-cjk-fonts` (Fedora), or download Noto Sans CJK SC from "
    "https://github.com/notofonts/noto-cjk and add it with "
    "`matplotlib.font_manager.fontManager.addfont(path)`; or use lang='en'."
)


def _known_families() -> set[str]:
    from matplotlib import font_manager

    return {f.name for f in font_manager.fontManager.ttflist}


def _first_known() -> str | None:
    known = _known_families()
    return next((name for name in CJK_FAMILIES if name in known), None)


#: The weights the figures use (normal text; bold for the north arrow's "N").
_WEIGHTS: tuple[int, ...] = (400, 700)


def _weight(value: str | int) -> int:
    """A font weight as a number (``"normal"`` -> 400, ``"medium"`` -> 500, ``"bold"`` -> 700)."""
    from matplotlib import font_manager

    return value if isinstance(value, int) else int(font_manager.weight_dict.get(value, 400))


def _serve_every_weight(family: str) -> None:
    """Register ``family``'s font file under the weights in :data:`_WEIGHTS` it lacks."""
    from matplotlib import font_manager

    entries = [f for f in font_manager.fontManager.ttflist if f.name == family]
    if not entries:  # pragma: no cover - the family was just found in the list
        return
    have = {_weight(f.weight) for f in entries}
    regular = min(entries, key=lambda f: abs(_weight(f.weight) - 400))
    for weight in _WEIGHTS:
        if weight not in have:
            font_manager.fontManager.ttflist.append(dataclasses.replace(regular, weight=weight))
    # lookups made before the registration must not be served from the cache
    cached = getattr(font_manager.fontManager, "_findfont_cached", None)
    if cached is not None and hasattr(cached, "cache_clear"):
        cached.cache_clear()


@cache
def _scan_system() -> str | None:
    from matplotlib import font_manager

    for path in font_manager.findSystemFonts():
        if not _FILE_HINT.search(Path(path).name):
            continue
        with contextlib.suppress(Exception):  # unreadable or unsupported font file
            font_manager.fontManager.addfont(path)
    return _first_known()


@cache
def cjk_font() -> str | None:
    """The family name of an installed CJK font, or ``None`` when there is none.

    Families in :data:`CJK_FAMILIES` are tried in order; fonts installed after matplotlib built
    its font cache are found by scanning the system font folders once (they are then added to
    matplotlib's font manager for this session). Resolved once per process; the font is
    registered for every weight the figures use (see the module docstring).
    """
    family = _first_known() or _scan_system()
    if family is not None:
        _serve_every_weight(family)
    return family


def require_cjk_font() -> str:
    """Like :func:`cjk_font`, but raise a clear error when no CJK font is installed.

    Raises
    ------
    ConfigError
        Naming ``lang='zh'`` and how to install a font.
    """
    name = cjk_font()
    if name is None:
        raise ConfigError(
            "lang='zh' needs a font with Chinese characters, and none of "
            f"{', '.join(CJK_FAMILIES[:6])}, ... is installed. " + _INSTALL_HINT
        )
    return name
