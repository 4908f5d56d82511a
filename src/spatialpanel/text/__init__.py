"""Text as data: messages, labels and gettext catalogues, one language at a time.

Neither :mod:`spatialpanel.study` nor ``spatialpanel.report`` is imported here; both import
this package. A stage *emits* messages; the report *renders* them in the language it is asked for.

Emitting
--------
A message is gettext's msgid — the English source text with named ``{placeholders}`` — plus its
parameters::

    from spatialpanel.text import Label, TextList, msg, nmsg, numbers, pmsg

    sentence = msg(
        "With the {w} weights, Moran's I of {label} is {value} ({p}).",
        w=Label("weights", "nested"),          # resolved per language from the study's labels
        label=Label("variable", "cp"),
        value=numbers.fixed(0.2061, 3),        # numbers are formatted ONCE, here, never later
        p=numbers.p_value(0.0004),
    )
    peaks = nmsg("{n} peak", "{n} peaks", n=2)          # plural forms from the catalogue
    model = pmsg("model", "SDM")                         # a term with a context
    years = TextList(("2014", "2017", "2023"))           # joined per language: "a, b and c"
    bounds = msg("between {a} and {b} neighbours", a="30", b="30", case="equal")  # edge form

Parameters are ``str``/``int`` (copied), :class:`~spatialpanel.text.message.Label` (a study label, a
region, a catalogue term), a nested :class:`~spatialpanel.text.message.Message` (verdicts, phrases)
or a :class:`~spatialpanel.text.message.TextList`; a float is refused. ``case`` names an edge form
("equal", "all", "none", "one", ...): the catalogues may word it differently (context ``case``); the
stage only says which case holds.

Messages serialise with :func:`~spatialpanel.text.message.to_json` /
:func:`~spatialpanel.text.message.from_json` (``stages.json`` stores them), and ``str(message)`` is
its English rendering.

Rendering
---------
``render(message, "zh", labels)`` looks the id up in the language's catalogue
(``spatialpanel/text/locales/zh/LC_MESSAGES/spatialpanel.po``, read with Babel), picks the
plural form and the edge form, renders every parameter in the same language and fills the
placeholders. A language is a catalogue: add ``locales/LANG/LC_MESSAGES/spatialpanel.po`` (or put
it under a folder named in ``$SPATIALPANEL_LOCALE_PATH``) and ``render(..., "LANG")`` uses it;
what it lacks falls back to English. English itself is the msgids; ``en.po`` holds only table
headers and edge forms. Every message the code can emit is extracted from the sources with
Babel's extractor (keywords ``msg``, ``nmsg``, ``pmsg``) and checked against the shipped
catalogues by the tests.
"""

from __future__ import annotations

from spatialpanel.text import numbers
from spatialpanel.text.catalogue import Catalogue, catalogue, languages
from spatialpanel.text.labels import Labels, default_label, region_name
from spatialpanel.text.message import (
    Label,
    Message,
    Param,
    Text,
    TextList,
    from_json,
    msg,
    nmsg,
    pmsg,
    to_json,
)
from spatialpanel.text.render import render, translate

__all__ = [
    "KEYWORDS",
    "Catalogue",
    "Label",
    "Labels",
    "Message",
    "Param",
    "Text",
    "TextList",
    "catalogue",
    "default_label",
    "from_json",
    "languages",
    "msg",
    "nmsg",
    "numbers",
    "pmsg",
    "region_name",
    "render",
    "to_json",
    "translate",
]

#: Babel extraction keywords of the message constructors (``pybabel extract -k ...``).
KEYWORDS: dict[str, object] = {"msg": None, "nmsg": (1, 2), "pmsg": ((1, "c"), 2)}
