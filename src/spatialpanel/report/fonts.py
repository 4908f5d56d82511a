"""Fonts for figures: find an installed CJK font so Chinese labels render in matplotlib.

matplotlib's default font (DejaVu Sans) has no Chinese glyphs; figures with ``lang="zh"`` need a
font such as Noto Sans CJK, Source Han Sans, WenQuanYi, SimHei or Microsoft YaHei. We look in
matplotlib's font list first and then, because that list is cached from the time matplotlib was
first imported, among the font files installed on the system.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import matplotlib as mpl
from matplotlib import font_manager

from spatialpanel.errors import ConfigError

__all__ = ["CJK_FAMILIES", "cjk_font", "figure_fonts", "require_cjk_font"]

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
    return {f.name for f in font_manager.fontManager.ttflist}


def _first_known() -> str | None:
    known = _known_families()
    return next((name for name in CJK_FAMILIES if name in known), None)


@cache
def _scan_system() -> str | None:
    for path in font_manager.findSystemFonts():
        if not _FILE_HINT.search(Path(path).name):
            continue
        with contextlib.suppress(Exception):  # unreadable or unsupported font file
            font_manager.fontManager.addfont(path)
    return _first_known()


def cjk_font() -> str | None:
    """The family name of an installed CJK font, or ``None`` when there is none.

    Families in :data:`CJK_FAMILIES` are tried in order; fonts installed after matplotlib built
    its font cache are found by scanning the system font folders once (they are then added to
    matplotlib's font manager for this session).
    """
    return _first_known() or _scan_system()


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


@contextlib.contextmanager
def figure_fonts(lang: str) -> Iterator[None]:
    """Context in which new matplotlib text uses fonts suitable for ``lang``.

    matplotlib fixes a text's font when the text is created, so build the whole figure inside the
    context; saving it later keeps the fonts. For ``lang="zh"`` the CJK font comes first and
    DejaVu Sans serves as fallback for the glyphs it lacks; the Unicode minus sign is replaced by
    a hyphen-minus, which every CJK font has.
    """
    if lang != "zh":
        yield
        return
    family = require_cjk_font()
    # explicit family names: a generic "sans-serif" would be resolved when the figure is drawn,
    # possibly outside this context
    with mpl.rc_context({"font.family": [family, "DejaVu Sans"], "axes.unicode_minus": False}):
        yield
