"""The HTML report renders in a real headless Chromium: figures load, no console errors.

Needs Debian's ``chromium`` (``.ci/run`` installs it when absent) and the ``playwright`` package
(test extra), which drives the system browser (no browser download). The screenshot is saved to
``tests/artifacts/`` for a person to look at.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.test_report import _ctx, _stage

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).parent / "artifacts"

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")

_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def render(html: Path, screenshot: Path, *, width: int = 1100) -> dict:
    """Open ``html`` in headless Chromium; return console errors and image states."""
    sync_api = pytest.importorskip("playwright.sync_api")
    errors: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=_ARGS)
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))
        page.goto(html.resolve().as_uri())
        page.wait_for_load_state("load")
        images = page.evaluate(
            "Array.from(document.images).map(i => [i.alt, i.complete && i.naturalWidth > 0])"
        )
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
        page.screenshot(path=str(screenshot), full_page=True)
        browser.close()
    return {"errors": errors, "images": images, "overflow": overflow}


def test_report_renders_in_chromium(tmp_path: Path) -> None:
    from spatialpanel.study.config import load_study
    from spatialpanel.study.outputs import write_results

    write_results(tmp_path, config=load_study(), ctx=_ctx(), stages=(_stage(),), report=True)
    ARTIFACTS.mkdir(exist_ok=True)
    state = render(tmp_path / "report.html", ARTIFACTS / "report_small.png")
    assert state["errors"] == []
    assert state["images"] and all(ok for _, ok in state["images"])
    phone = render(tmp_path / "report.html", ARTIFACTS / "report_small_phone.png", width=390)
    assert phone["errors"] == []
    assert not phone["overflow"], "the page must not scroll sideways on a phone"


def test_chinese_report_renders_in_chromium(tmp_path: Path) -> None:
    from spatialpanel.report.build import build_report
    from spatialpanel.study.config import load_study
    from spatialpanel.study.outputs import write_results

    write_results(tmp_path, config=load_study(), ctx=_ctx(), stages=(_stage(),), report=False)
    build_report(tmp_path, lang="zh")
    ARTIFACTS.mkdir(exist_ok=True)
    phone = render(tmp_path / "report.zh.html", ARTIFACTS / "report_small_zh_phone.png", width=390)
    assert phone["errors"] == []
    assert phone["images"] and all(ok for _, ok in phone["images"])
    assert not phone["overflow"], "the page must not scroll sideways on a phone"
