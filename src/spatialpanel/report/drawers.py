"""The drawer registry: a figure specification drawn in one language.

A drawer is a function ``(spec, words) -> Figure``: it reads the spec's data and options and
renders its texts through ``words`` (a :class:`Words`: the language, the study's labels and the
catalogue), inside the one style of :mod:`spatialpanel.report.style`. :func:`draw` looks the
drawer up, applies the style and the fonts of the language and prints the provenance mark, so
every figure gets them the same way. Drawers are imported on first use (matplotlib and the map
geometry load only when a figure is drawn).

Add a figure type by writing a drawer and naming it in :data:`DRAWERS`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from spatialpanel.errors import ConfigError, did_you_mean
from spatialpanel.report.figspec import FigureSpec, FigureText, TextValue
from spatialpanel.text import Labels, render

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["DRAWERS", "Drawer", "Words", "draw", "get_drawer"]

#: Drawer name -> ``"module:function"``.
DRAWERS: dict[str, str] = {
    "map": "spatialpanel.report.maps:draw_map_spec",
    "moran_scatter": "spatialpanel.report.moran_plots:draw_moran_spec",
    "trends": "spatialpanel.report.evolution_plots:draw_trends_spec",
    "dagum": "spatialpanel.disparity.plots:draw_dagum_spec",
    "kde_curves": "spatialpanel.disparity.plots:draw_kde_curves_spec",
    "kde_surface": "spatialpanel.disparity.plots:draw_kde_surface_spec",
    "sigma": "spatialpanel.disparity.plots:draw_sigma_spec",
    "specification_curve": "spatialpanel.report.specification_plots:draw_specification_spec",
}


@dataclass(frozen=True)
class Words:
    """Renders a figure's texts in one language.

    Attributes
    ----------
    lang
        The language (``"en"``, ``"zh"``, or any language with a catalogue).
    labels
        The study's labels (variables, indices, dimensions, weights matrices).
    """

    lang: str = "en"
    labels: Labels = field(default_factory=Labels)

    def __call__(self, text: TextValue) -> str:
        """``text`` as reader text (``""`` for ``None``)."""
        if text is None:
            return ""
        if isinstance(text, Mapping) or (isinstance(text, Sequence) and not isinstance(text, str)):
            raise TypeError(f"expected one text, got {text!r}")
        one: FigureText = text
        return render(one, self.lang, self.labels)

    def each(self, texts: TextValue) -> list[str]:
        """A list of texts, rendered."""
        if texts is None:
            return []
        if isinstance(texts, Sequence) and not isinstance(texts, str):
            return [self(t) for t in texts]
        raise TypeError(f"expected a list of texts, got {texts!r}")

    def by_name(self, texts: TextValue) -> dict[str, str]:
        """Texts by name, rendered."""
        if texts is None:
            return {}
        if isinstance(texts, Mapping):
            return {str(k): self(v) for k, v in texts.items()}
        raise TypeError(f"expected texts by name, got {texts!r}")


Drawer = Callable[[FigureSpec, Words], "Figure"]


def get_drawer(name: str) -> Drawer:
    """The drawer registered as ``name`` (imported on first use)."""
    target = DRAWERS.get(name)
    if target is None:
        raise ConfigError(
            f"figure drawer {name!r} is not known; known drawers: {', '.join(DRAWERS)}."
            + did_you_mean(name, list(DRAWERS))
        )
    module, function = target.split(":")
    found: Drawer = getattr(importlib.import_module(module), function)
    return found


def draw(spec: FigureSpec, lang: str = "en", labels: Labels | None = None) -> Figure:
    """Draw ``spec`` in ``lang``: a new matplotlib figure, not registered with pyplot.

    Raises
    ------
    ConfigError
        For an unknown drawer, or ``lang="zh"`` without a CJK font installed.
    """
    from spatialpanel.report.style import add_mark, figure_style

    words = Words(lang, labels if labels is not None else Labels())
    drawer = get_drawer(spec.drawer)
    with figure_style(lang):
        fig = drawer(spec, words)
        add_mark(fig, words(spec.mark) if spec.mark is not None else None)
    return fig


def option(spec: FigureSpec, name: str, default: Any = None) -> Any:
    """An option of ``spec`` (``default`` when absent)."""
    return spec.options.get(name, default)
