"""The text package: messages, JSON round trip, catalogues, plural and edge forms, labels.

The toy catalogues here are written in the tests (gettext ``.po`` text); they prove that a
language is a catalogue: adding ``xx`` needs no code.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from spatialpanel.text import (
    Label,
    Labels,
    Message,
    TextList,
    default_label,
    from_json,
    languages,
    msg,
    nmsg,
    numbers,
    pmsg,
    render,
    to_json,
)

HEADER = """msgid ""
msgstr ""
"Language: {lang}\\n"
"Content-Type: text/plain; charset=utf-8\\n"
"Plural-Forms: {plural}\\n"

"""


def write_catalogue(root: Path, lang: str, body: str, *, plural: str) -> Path:
    folder = root / lang / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "spatialpanel.po"
    path.write_text(HEADER.format(lang=lang, plural=plural) + body, encoding="utf-8")
    return path


TOY = """
msgid "The {name} matrix gives each region between {a} and {b} neighbours."
msgstr "La matrice {name} donne à chaque région entre {a} et {b} voisins."

msgctxt "equal"
msgid "The {name} matrix gives each region between {a} and {b} neighbours."
msgstr "La matrice {name} donne {a} voisins à chaque région."

msgid "{n} peak"
msgid_plural "{n} peaks"
msgstr[0] "{n} pic"
msgstr[1] "{n} pics"

msgid "Moran's I of {label} is {value}; {peaks}."
msgstr "Le I de Moran de {label} vaut {value} ; {peaks}."

msgctxt "list:and"
msgid "{a}, {b}"
msgstr "{a}, {b}"

msgctxt "list:and"
msgid "{a} and {b}"
msgstr "{a} et {b}"

msgctxt "group"
msgid "east"
msgstr "Est"
"""


@pytest.fixture
def toy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_catalogue(tmp_path, "xx", TOY, plural="nplurals=2; plural=(n > 1);")
    monkeypatch.setenv("SPATIALPANEL_LOCALE_PATH", str(tmp_path))
    return tmp_path


def _neighbours(a: int, b: int) -> Message:
    return msg(
        "The {name} matrix gives each region between {a} and {b} neighbours.",
        name="nested",
        a=a,
        b=b,
        case="equal" if a == b else None,
    )


def test_a_third_language_is_a_catalogue(toy: Path) -> None:
    assert "xx" in languages()
    labels = Labels({"variable": {"cp": {"en": "Common prosperity", "xx": "Prospérité commune"}}})
    sentence = msg(
        "Moran's I of {label} is {value}; {peaks}.",
        label=Label("variable", "cp"),
        value=numbers.fixed(0.20611, 3),
        peaks=nmsg("{n} peak", "{n} peaks", n=2),
    )
    assert (
        render(sentence, "xx", labels) == "Le I de Moran de Prospérité commune vaut 0.206 ; 2 pics."
    )
    assert render(sentence, "en", labels) == "Moran's I of Common prosperity is 0.206; 2 peaks."
    # the toy language's plural rule (n > 1): 1 is singular, 0 too
    assert render(nmsg("{n} peak", "{n} peaks", n=0), "xx") == "0 pic"
    assert render(nmsg("{n} peak", "{n} peaks", n=0), "en") == "0 peaks"
    assert render(TextList(("a", Label("group", "east"), "c")), "xx") == "a, Est et c"
    # what the toy catalogue lacks falls back to English
    assert render(msg("Hausman test."), "xx") == "Hausman test."


def test_edge_forms_live_in_the_catalogue(toy: Path) -> None:
    assert render(_neighbours(1, 8), "xx") == (
        "La matrice nested donne à chaque région entre 1 et 8 voisins."
    )
    assert (
        render(_neighbours(30, 30), "xx") == "La matrice nested donne 30 voisins à chaque région."
    )
    # English has the edge form in en.po; a language without it uses its general form
    write_catalogue(toy, "yy", "", plural="nplurals=1; plural=0;")
    assert render(_neighbours(30, 30), "en") == render(_neighbours(30, 30), "yy")


def test_catalogues_follow_their_files(toy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Catalogues are cached, but by file and modification time: a catalogue edited, one added
    in a folder searched first, one removed, and a new ``SPATIALPANEL_LOCALE_PATH`` are all
    seen at the next lookup."""
    from spatialpanel.text import catalogue
    from spatialpanel.text.catalogue import catalogue_path

    peak = nmsg("{n} peak", "{n} peaks", n=2)
    assert render(peak, "xx") == "2 pics"
    path = catalogue_path("xx")
    assert path is not None and path.parent.parent.parent == toy
    edited = TOY.replace('msgstr[1] "{n} pics"', 'msgstr[1] "{n} pointes"')
    path.write_text(path.read_text(encoding="utf-8").replace(TOY, edited), encoding="utf-8")
    os.utime(path, (1_000_000_000, 1_000_000_000))  # a new mtime, however coarse the clock
    assert render(peak, "xx") == "2 pointes"
    # a folder searched first shadows the catalogue found before
    first = toy.parent / "first"
    write_catalogue(
        first, "xx", TOY.replace("{n} pics", "{n} sommets"), plural="nplurals=2; plural=(n > 1);"
    )
    monkeypatch.setenv("SPATIALPANEL_LOCALE_PATH", os.pathsep.join([str(first), str(toy)]))
    assert render(peak, "xx") == "2 sommets"
    assert catalogue_path("xx") == first / "xx" / "LC_MESSAGES" / "spatialpanel.po"
    # removed: the next folder's again; removed everywhere: English
    (first / "xx" / "LC_MESSAGES" / "spatialpanel.po").unlink()
    assert render(peak, "xx") == "2 pointes"
    monkeypatch.setenv("SPATIALPANEL_LOCALE_PATH", str(first))
    assert catalogue_path("xx") is None
    assert catalogue("xx").lookup("{n} peak") is None
    assert render(peak, "xx") == "2 peaks"


def test_messages_round_trip_through_json() -> None:
    message = msg(
        "In {years} the {label} rose in {k} of {n} provinces ({verdict}).",
        years=TextList(("2014", "2023"), "series"),
        label=Label("variable", "cp"),
        k=31,
        n="31",
        verdict=pmsg("verdict", "supported"),
        case="all",
    )
    data = json.loads(json.dumps(to_json(message)))
    assert from_json(data) == message
    plural = nmsg("{n} peak", "{n} peaks", n=3)
    assert from_json(json.loads(json.dumps(to_json(plural)))) == plural
    assert from_json("plain text") == "plain text"
    with pytest.raises(ValueError, match="not a message"):
        from_json({"text": "x"})


def test_numbers_enter_messages_formatted() -> None:
    with pytest.raises(TypeError, match=r"format numbers first"):
        msg("I = {value}", value=0.2061)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="lacks the parameters"):
        msg("I = {value} ({p})", value="0.206")
    assert numbers.fixed(-0.0001, 3) == "0.000"
    assert numbers.fixed(-0.1, 3) == "-0.100"
    assert numbers.p_value(0.0004) == "p < 0.001"
    assert numbers.p_value(0.0153) == "p = 0.015"
    assert numbers.percent(2.04) == "2.0%"
    assert numbers.level(0.05) == "5%" and numbers.level(0.1) == "10%"
    assert numbers.integer(31.0) == "31"


def test_lists_are_joined_per_language() -> None:
    items = TextList(("Beijing", "Tianjin", "Hebei"))
    assert render(items, "en") == "Beijing, Tianjin and Hebei"
    assert render(items, "zh") == "Beijing、Tianjin和Hebei"
    regions = TextList(tuple(Label("region", p) for p in ("Beijing", "Guangxi", "Inner Mongolia")))
    assert render(regions, "zh") == "北京、广西和内蒙古"
    assert render(TextList(("a", "b"), "rank"), "en") == "a > b"
    assert render(TextList(()), "en") == "none" and render(TextList(()), "zh") == "无"
    assert render(TextList(("a",)), "en") == "a"


def test_labels_resolve_per_language_with_readable_defaults() -> None:
    labels = Labels(
        {
            "variable": {"cp": {"en": "Common prosperity", "zh": "共同富裕"}},
            "weights": {"nested": {"en": "Economic-geographic nested"}},
        }
    )
    assert labels.get("variable", "cp", "zh") == "共同富裕"
    assert labels.get("weights", "nested", "zh") == "Economic-geographic nested"
    assert labels.get("variable", "gov_intervention", "en") == "Gov intervention"
    assert labels.get("region", "110000", "zh") == "北京"
    assert labels.get("region", "Guangxi", "en") == "Guangxi"
    assert labels.get("region", "Atlantis", "zh") == "Atlantis"
    assert Labels.from_json(json.loads(json.dumps(labels.to_json()))) == labels
    assert default_label("gdp_per_capita") == "Gdp per capita"
    assert default_label("Economic integration") == "Economic integration"
    assert labels.find("cp") == ("variable", "cp") and labels.find("uri") is None


def test_message_cells_leave_the_frame_and_come_back_per_language(toy: Path) -> None:
    """split_cells gives the English text and the messages by position; apply_cells puts them
    back in a language (a column at a time), the rest of the frame and its dtypes untouched."""
    import numpy as np
    import pandas as pd

    from spatialpanel.text.frames import apply_cells, split_cells

    labels = Labels({"variable": {"cp": {"en": "Common prosperity", "xx": "Prospérité commune"}}})
    peaks = nmsg("{n} peak", "{n} peaks", n=2)
    frame = pd.DataFrame(
        {
            "x": [1.5, np.nan, 3.0],
            "note": [peaks, "plain", np.nan],
            "who": ["a", Label("variable", "cp"), "c"],
            "n": [1, 2, 3],
        }
    )
    split, cells = split_cells(frame, labels)
    assert [c[:2] for c in cells] == [[0, 1], [1, 2]]
    assert split["note"].tolist()[:2] == ["2 peaks", "plain"]
    assert split["who"].tolist() == ["a", "Common prosperity", "c"]
    english = apply_cells(split, cells, "en", labels)
    assert english.equals(split) and list(english.dtypes) == list(split.dtypes)
    toy_lang = apply_cells(split, cells, "xx", labels)
    assert toy_lang["note"].tolist()[:2] == ["2 pics", "plain"] and np.isnan(toy_lang["note"][2])
    assert toy_lang["who"].tolist() == ["a", "Prospérité commune", "c"]
    assert toy_lang["x"].equals(split["x"]) and toy_lang["n"].dtype == split["n"].dtype
    assert split["who"].tolist()[1] == "Common prosperity"  # the input is not changed
    assert apply_cells(split, [], "xx", labels).equals(split)
