"""Messages: an id (the English source text) plus named parameters, serialisable to JSON.

A :class:`Message` follows gettext's conventions: its ``id`` is the English text with named
``{placeholders}`` (``str.format`` syntax, ``{{`` for a literal brace), optionally with a plural
id and a count (``ngettext``) and a context (``pgettext``). Parameters are never floats: a number
is formatted once, by :mod:`spatialpanel.text.numbers`, before it enters a message. A parameter is

* ``str`` or ``int`` — copied as it is (a formatted number, a year, a proper name);
* :class:`Label` — a reference to a label (a variable, index, dimension, weights matrix, region),
  resolved per language when the message is rendered;
* :class:`Message` — a nested message (a verdict, a phrase), rendered in the same language;
* :class:`TextList` — a list of parameters joined per language ("a, b and c" / "a、b和c").
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

__all__ = [
    "Label",
    "ListStyle",
    "Message",
    "Param",
    "Text",
    "TextList",
    "from_json",
    "msg",
    "nmsg",
    "pmsg",
    "to_json",
]

ListStyle = Literal["and", "or", "series", "rank"]
_STYLES: tuple[str, ...] = ("and", "or", "series", "rank")


@dataclass(frozen=True)
class Label:
    """A reference to a label, resolved per language by :class:`~spatialpanel.text.labels.Labels`.

    Attributes
    ----------
    kind
        ``"variable"`` (indicators, data columns, indices), ``"dimension"``, ``"weights"`` (the
        study's labels); ``"region"`` (a region of the panel: GB/T 2260 code or English name of a
        Chinese province, named from the bundled table); any other kind is looked up in the
        catalogue with the kind as context (e.g. ``Label("group", "east")``).
    key
        The identifier.
    """

    kind: str
    key: str


@dataclass(frozen=True)
class TextList:
    """Items joined per language: ``style`` ``"and"`` (a, b and c), ``"or"``, ``"series"``
    (a, b, c) or ``"rank"`` (a > b > c). The join patterns are catalogue entries (context
    ``list:STYLE``), so a language brings its own."""

    items: tuple[Param, ...]
    style: ListStyle = "and"

    def __post_init__(self) -> None:
        if self.style not in _STYLES:
            raise ValueError(f"TextList style={self.style!r}; use one of {', '.join(_STYLES)}.")
        object.__setattr__(self, "items", tuple(_checked(v, "item") for v in self.items))


@dataclass(frozen=True)
class Message:
    """One translatable text: an id and its parameters.

    Attributes
    ----------
    id
        The English source text with named ``{placeholders}`` (gettext's msgid).
    params
        Placeholder name -> parameter (see the module docstring).
    plural
        The English plural text (gettext's msgid_plural); ``n`` selects the form.
    n
        The count that selects the plural form; it is also the parameter ``{n}`` unless
        ``params`` gives ``n``.
    context
        gettext's msgctxt: ``"column"`` for table headers, ``"cell"`` for table cells, ``"term"``,
        ``"model"``, ... ; ``None`` for sentences, titles and notes.
    case
        An edge form (``"equal"``, ``"all"``, ``"none"``, ``"one"``, ...): the catalogues may give
        the message a different wording under the context ``case`` (or ``context:case``); a
        catalogue without it uses the general form. The stage says which case holds; the
        catalogue says how it reads.
    """

    id: str
    params: Mapping[str, Param] = field(default_factory=dict)
    plural: str | None = None
    n: int | None = None
    context: str | None = None
    case: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "params", {str(k): _checked(v, str(k)) for k, v in self.params.items()}
        )
        if (self.plural is None) != (self.n is None):
            raise ValueError(f"message {self.id!r}: plural and n go together.")
        wanted = set(placeholders(self.id)) | set(placeholders(self.plural or ""))
        given = set(self.params) | ({"n"} if self.n is not None else set())
        if wanted - given:
            raise ValueError(f"message {self.id!r} lacks the parameters {sorted(wanted - given)}.")

    def __str__(self) -> str:
        from spatialpanel.text.render import render

        return render(self, "en")

    def messages(self) -> Iterator[Message]:
        """This message and every message nested in its parameters."""
        yield self
        for value in self.params.values():
            yield from _nested(value)


Param: TypeAlias = str | int | Label | Message | TextList
#: Reader text: a message, or a plain string shown as it is in every language.
Text: TypeAlias = str | Message


def _checked(value: Any, name: str) -> Param:
    if isinstance(value, bool | float) or not isinstance(
        value, str | int | Label | Message | TextList
    ):
        raise TypeError(
            f"message parameter {name!r} = {value!r}: pass str, int, Label, Message or TextList; "
            "format numbers first with spatialpanel.text.numbers."
        )
    return value


def _nested(value: Param) -> Iterator[Message]:
    if isinstance(value, Message):
        yield from value.messages()
    elif isinstance(value, TextList):
        for item in value.items:
            yield from _nested(item)


def placeholders(text: str) -> list[str]:
    """The placeholder names of ``text`` in order (``str.format`` syntax)."""
    return [name for _, name, _, _ in string.Formatter().parse(text) if name]


def msg(id: str, /, *, case: str | None = None, **params: Param) -> Message:
    """A message: ``msg("Moran's I of {label} is {value}.", label=Label(...), value="0.21")``."""
    return Message(id, params, case=case)


def nmsg(
    singular: str, plural: str, /, *, n: int, case: str | None = None, **params: Param
) -> Message:
    """A message with plural forms: ``nmsg("{n} peak", "{n} peaks", n=2)``."""
    return Message(singular, params, plural=plural, n=int(n), case=case)


def pmsg(context: str, id: str, /, *, case: str | None = None, **params: Param) -> Message:
    """A message with a context: ``pmsg("column", "I_stars")``, ``pmsg("model", "SDM")``."""
    return Message(id, params, context=context, case=case)


# --------------------------------------------------------------------------- JSON


def to_json(value: Text | Param) -> Any:
    """The JSON form of a message or parameter (plain strings and ints stay as they are)."""
    if isinstance(value, str | int):
        return value
    if isinstance(value, Label):
        return {"label": [value.kind, value.key]}
    if isinstance(value, TextList):
        return {"list": [to_json(v) for v in value.items], "style": value.style}
    out: dict[str, Any] = {"id": value.id}
    if value.params:
        out["params"] = {k: to_json(v) for k, v in value.params.items()}
    for key in ("plural", "n", "context", "case"):
        if getattr(value, key) is not None:
            out[key] = getattr(value, key)
    return out


def from_json(data: Any) -> Any:
    """The message or parameter of :func:`to_json`'s output."""
    if isinstance(data, str | int) and not isinstance(data, bool):
        return data
    if isinstance(data, Mapping):
        if "label" in data:
            kind, key = data["label"]
            return Label(str(kind), str(key))
        if "list" in data:
            return TextList(tuple(from_json(v) for v in data["list"]), data.get("style", "and"))
        if "id" in data:
            return Message(
                str(data["id"]),
                {str(k): from_json(v) for k, v in (data.get("params") or {}).items()},
                plural=data.get("plural"),
                n=data.get("n"),
                context=data.get("context"),
                case=data.get("case"),
            )
    raise ValueError(f"not a message or message parameter: {data!r}")


def texts(values: Sequence[Text]) -> list[Any]:
    """JSON forms of a sequence of texts."""
    return [to_json(v) for v in values]
