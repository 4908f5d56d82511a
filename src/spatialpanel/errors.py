"""The one error module of spatialpanel.

Every error raised on purpose by the toolkit derives from :class:`SpatialPanelError`, and every
message names the offending argument (and, where it applies, the file, column, region and year)
and says what to change. Warnings that flag numerical trouble derive from
:class:`SpatialPanelWarning`.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "DataError",
    "EstimationError",
    "NumericalWarning",
    "ResultsError",
    "SpatialPanelError",
    "SpatialPanelWarning",
    "WeightsError",
    "check_option",
    "did_you_mean",
]


class SpatialPanelError(Exception):
    """Base class of every error raised by spatialpanel."""


class DataError(SpatialPanelError, ValueError):
    """Bad input data: unreadable file, unknown region, duplicate region-year, bad cell, ..."""


class ConfigError(SpatialPanelError, ValueError):
    """Bad study configuration or bad option passed to a function."""


class WeightsError(SpatialPanelError, ValueError):
    """Bad spatial weights: not square, self-neighbours, ids not matching, islands, ..."""


class EstimationError(SpatialPanelError, RuntimeError):
    """An estimator cannot produce a result it can stand behind (singular design, ...)."""


class ResultsError(SpatialPanelError, ValueError):
    """A results folder that cannot be written where asked, or that is not as it was written
    (incomplete, files changed or added since its manifest, a path leading outside it)."""


class SpatialPanelWarning(UserWarning):
    """Base class of the warnings issued by spatialpanel."""


class NumericalWarning(SpatialPanelWarning):
    """A numerical problem that was detected and handled (e.g. ρ on the boundary).

    ``text``, when given, is the same statement as a :class:`~spatialpanel.text.message.Message`, so
    a report can print the warning in its own language.
    """

    def __init__(self, *args: object, text: object = None) -> None:
        super().__init__(*args)
        self.text = text


def did_you_mean(value: str, options: list[str] | tuple[str, ...], *, n: int = 3) -> str:
    """Return ``" Did you mean 'x'?"`` for the closest options, or an empty string."""
    import difflib

    close = difflib.get_close_matches(str(value), [str(o) for o in options], n=n, cutoff=0.5)
    if not close:
        return ""
    quoted = ", ".join(f"'{c}'" for c in close)
    return f" Did you mean {quoted}?"


def check_option(name: str, value: object, options: tuple[str, ...]) -> None:
    """Raise a :class:`~spatialpanel.errors.ConfigError` naming ``name`` when ``value`` is not one
    of ``options``.

    The message lists the options and suggests the closest ones (see
    :func:`~spatialpanel.errors.did_you_mean`).
    """
    if value not in options:
        raise ConfigError(
            f"{name}={value!r} is not known; use one of {options}."
            + did_you_mean(str(value), options)
        )
