"""Rendering a message in one language from its catalogue."""

from __future__ import annotations

from spatialpanel.text.catalogue import catalogue
from spatialpanel.text.labels import Labels
from spatialpanel.text.message import Label, Message, Param, Text, TextList, pmsg

__all__ = ["render", "translate"]

_NO_LABELS = Labels()


def translate(message: Message, lang: str) -> str:
    """The text of ``message`` in ``lang`` with its placeholders still in it.

    Order: the edge form (context ``case``) of ``lang``, the general form of ``lang``, then the
    same in English, then the id itself (the English source text).
    """
    contexts: list[str | None] = []
    if message.case:
        contexts.append(f"{message.context}:{message.case}" if message.context else message.case)
    contexts.append(message.context)
    for code in dict.fromkeys([lang, "en"]):
        cat = catalogue(code)
        for ctx in contexts:
            found = cat.lookup(message.id, context=ctx, n=message.n)
            if found is not None:
                return found
    if message.plural is not None and message.n != 1:
        return message.plural
    return message.id


def render(text: Text | Param, lang: str, labels: Labels | None = None) -> str:
    """``text`` as reader text in ``lang``.

    Plain strings are returned as they are, labels and lists resolved; a
    :class:`~spatialpanel.text.message.Message` is looked up in the catalogue of ``lang``
    (:func:`translate`) and its parameters are rendered in the same language: labels through
    ``labels``, nested messages and lists recursively.
    """
    labels = labels if labels is not None else _NO_LABELS
    if not isinstance(text, Message):
        return _param(text, lang, labels)
    values = {k: _param(v, lang, labels) for k, v in text.params.items()}
    if text.n is not None:
        values.setdefault("n", str(text.n))
    return translate(text, lang).format_map(values)


def _param(value: Param, lang: str, labels: Labels) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Label):
        return labels.get(value.kind, value.key, lang)
    if isinstance(value, Message):
        return render(value, lang, labels)
    return _join(value, lang, labels)


#: The join patterns of each list style: (between items, before the last item); their
#: translations are the catalogue entries with context ``list:STYLE``.
_JOINS: dict[str, tuple[Message, Message]] = {
    "and": (pmsg("list:and", "{a}, {b}", a="", b=""), pmsg("list:and", "{a} and {b}", a="", b="")),
    "or": (pmsg("list:or", "{a}, {b}", a="", b=""), pmsg("list:or", "{a} or {b}", a="", b="")),
    "series": (
        pmsg("list:series", "{a}, {b}", a="", b=""),
        pmsg("list:series", "{a}, {b}", a="", b=""),
    ),
    "rank": (
        pmsg("list:rank", "{a} > {b}", a="", b=""),
        pmsg("list:rank", "{a} > {b}", a="", b=""),
    ),
}
_NONE = pmsg("list", "none")


def _join(value: TextList, lang: str, labels: Labels) -> str:
    """Items joined by the catalogue's list patterns; no items render as the ``"none"`` entry."""
    items = [_param(v, lang, labels) for v in value.items]
    if not items:
        return render(_NONE, lang, labels)
    middle, last = _JOINS[value.style]
    head = items[0]
    for i, item in enumerate(items[1:], start=1):
        pattern = translate(last if i == len(items) - 1 else middle, lang)
        head = pattern.format(a=head, b=item)
    return head
