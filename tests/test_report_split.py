"""The HTML and Word reports are built before their figures are drawn and finished after.

``spatialpanel run`` prepares the report (:func:`~spatialpanel.report.build.prepare_report`)
while its figures are still being drawn and only embeds them afterwards
(:meth:`~spatialpanel.report.build.PreparedReport.finish`). The files must be those of a report
written when every figure was already there, and a figure that never appears is left out with
its caption, as before the split.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import pandas as pd
import pytest

from spatialpanel.report.build import prepare_report, render_html, write_report
from spatialpanel.report.evolution_plots import trends_spec
from spatialpanel.report.word import write_docx
from spatialpanel.study.artifacts import FigureArtifact, StageOutput, TableArtifact
from spatialpanel.study.config import load_study
from spatialpanel.study.context import StudyContext
from spatialpanel.study.outputs import write_results

KEYS = ("rise", "fall", "flat")
REPORT = ("report.html", "report.docx")
EMU_PER_INCH = 914400


def _stage() -> StageOutput:
    years = [2014, 2015, 2016]
    lines = {"rise": [1.0, 2.0, 4.0], "fall": [3.0, 2.0, 0.5], "flat": [1.0, 1.1, 1.0]}
    figures = tuple(
        FigureArtifact(
            key,
            f"The {key} trend",
            trends_spec(
                pd.DataFrame([values], index=["a"], columns=years),
                names={"a": "A"},
                ylabel="Value",
            ),
        )
        for key, values in lines.items()
    )
    table = pd.DataFrame(
        {"I": [0.709, 0.701], "p": [0.0001, 0.002]}, index=pd.Index([2014, 2015], name="year")
    )
    return StageOutput(
        name="demo",
        title="Demo stage",
        tables=(TableArtifact("moran", "Moran's I", table),),
        figures=figures,
    )


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("split") / "results"
    cfg = load_study()
    panel = pd.DataFrame({"x": [1.0]}, index=pd.MultiIndex.from_tuples([(110000, 2014)]))
    ctx = StudyContext(config=cfg, panel=panel, audit=pd.DataFrame(), synthetic=True, seed=1)
    write_results(out, config=cfg, ctx=ctx, stages=(_stage(),), report=True)
    return out


def _figures(root: Path) -> list[Path]:
    """The drawn figures (PNG and web copy); not their data."""
    return [p for p in (root / "figures").rglob("*.png") if "data" not in p.parts]


def _without_figures(results: Path, into: Path) -> Path:
    """A copy of the results folder whose figures are not drawn yet."""
    early = into / "early"
    shutil.copytree(results, early)
    for path in _figures(early):
        path.unlink()
    return early


def _folders(tmp_path: Path) -> tuple[Path, Path]:
    """Where the report is written split (prepared, then finished) and at once."""
    split, once = tmp_path / "split", tmp_path / "once"
    split.mkdir()
    once.mkdir()
    return split, once


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {info.filename: z.read(info) for info in z.infolist()}


def test_prepared_before_the_figures_equals_written_after(results: Path, tmp_path: Path) -> None:
    split, once = _folders(tmp_path)
    early = _without_figures(results, tmp_path)
    prepared = prepare_report(early, into=split)
    for path in _figures(results):  # the figures arrive after the report was prepared
        shutil.copy2(path, early / path.relative_to(results))
    prepared.finish()
    write_report(results, into=once)
    for name in REPORT:
        written = (split / name).read_bytes()
        assert written == (once / name).read_bytes(), name
        assert written == (results / name).read_bytes(), name  # as `run` wrote it
    parts = _parts(results / "report.docx")
    assert [n for n in parts if n.startswith("word/media/")] == [
        f"word/media/image{i}.png" for i in (1, 2, 3)
    ]


def test_pictures_in_document_order(results: Path) -> None:
    """Each figure's web PNG sits in the paragraph above its caption, as python-docx's
    ``add_picture`` would put it: drawing ids 1, 2, 3, image parts numbered in the order of the
    document, 6 in across unless the figure is tall."""
    from docx.image.image import Image

    parts = _parts(results / "report.docx")
    xml = parts["word/document.xml"].decode("utf-8")
    rels = dict(
        re.findall(
            r'Id="(rId\d+)" Type="[^"]*/image" Target="([^"]+)"',
            parts["word/_rels/document.xml.rels"].decode("utf-8"),
        )
    )
    drawings = re.findall(
        r'<wp:extent cx="(\d+)" cy="(\d+)"/>\s*<wp:docPr id="(\d+)" name="Picture \d+"/>'
        r'.*?r:embed="(rId\d+)".*?</w:p>\s*<w:p>\s*<w:pPr>\s*<w:pStyle w:val="Caption"/>'
        r".*?SEQ Figure.*?<w:t>(\d+)</w:t>.*?The (\w+) trend",
        xml,
        flags=re.S,
    )
    assert [(d[2], d[4], d[5]) for d in drawings] == [
        (str(i), str(i), key) for i, key in enumerate(KEYS, start=1)
    ]
    for n, (cx, cy, _, rid, _, key) in enumerate(drawings, start=1):
        assert rels[rid] == f"media/image{n}.png"
        web = (results / "figures" / "web" / f"{key}.png").read_bytes()
        assert parts[f"word/media/image{n}.png"] == web
        image = Image.from_blob(web)
        width = min(6.0, 4.1 * image.px_width / image.px_height)
        assert int(cx) == int(width * EMU_PER_INCH)
        assert int(cy) == pytest.approx(int(cx) * image.px_height / image.px_width, abs=1)


def test_a_figure_that_never_appears_is_left_out(results: Path, tmp_path: Path) -> None:
    """The middle figure is missing when the report is finished: it is left out of both
    reports with its caption, and the next Word caption restarts its field at 3 (``\\r 3``)
    so that it keeps the report's number, as when the report is written without it."""
    split, once = _folders(tmp_path)
    early = _without_figures(results, tmp_path)
    prepared = prepare_report(early, into=split)
    for path in _figures(results):
        if path.stem != "fall":
            shutil.copy2(path, early / path.relative_to(results))
    prepared.finish()
    # written at once without it (write_report would draw it from its data first)
    html = render_html(prepared.doc, root=early, staged=split)
    assert (split / "report.html").read_text(encoding="utf-8") == html
    write_docx(prepared.doc, once / "report.docx", root=early, staged=split)
    assert (split / "report.docx").read_bytes() == (once / "report.docx").read_bytes()
    assert re.findall(r'<figure id="f-(\w+)"><img src="data:image/png;base64,', html) == [
        "rise",
        "flat",
    ]
    parts = _parts(split / "report.docx")
    xml = parts["word/document.xml"].decode("utf-8")
    assert "The fall trend" not in xml
    assert xml.count("<w:drawing>") == 2
    fields = re.findall(r"SEQ Figure( \\r \d+)? \\\* ARABIC", xml)
    assert fields == ["", " \\r 3"]
    assert sorted(n for n in parts if n.startswith("word/media/")) == [
        "word/media/image1.png",
        "word/media/image2.png",
    ]
    assert parts["word/media/image2.png"] == (results / "figures/web/flat.png").read_bytes()


def test_a_prepared_word_report_is_saved_once(results: Path, tmp_path: Path) -> None:
    prepared = prepare_report(results, into=tmp_path)
    prepared.finish()
    with pytest.raises(RuntimeError, match="once"):
        prepared.docx.save(tmp_path / "again.docx")


def test_word_pictures_are_stored_not_deflated_again(results: Path) -> None:
    """The PNGs are compressed already: the container stores them (deflating them again cost
    0.12 CPU-s for the demo's figures and saved 4 % of their size), as python-docx's thumbnail
    JPEG; the XML parts are deflated."""
    with zipfile.ZipFile(results / "report.docx") as z:
        methods = {info.filename: info.compress_type for info in z.infolist()}
        assert z.testzip() is None
    images = [name for name in methods if name.endswith((".png", ".jpeg"))]
    assert [name for name in images if name.startswith("word/media/")] == [
        f"word/media/image{i}.png" for i in (1, 2, 3)
    ]
    assert all(methods[name] == zipfile.ZIP_STORED for name in images)
    assert methods["word/document.xml"] == zipfile.ZIP_DEFLATED
    assert all(methods[name] == zipfile.ZIP_DEFLATED for name in methods if name not in images)
