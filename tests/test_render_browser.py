"""The rendered pages in real tools: the Nu HTML Checker, axe-core in headless Chromium, a reader's keyboard.

The tools are installed by .ci/install-render-tools (Debian's chromium, a Java runtime, and the
npm packages vnu-jar and axe-core in .ci/node_modules); each test skips, saying which tool is
missing, where they are not. The browser is driven over its DevTools pipe (tests/chromium.py).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from teikit.render import render_many

from chromium import Chromium, find_chromium
from conftest import FIXTURES, REPO, SAMPLES

pytestmark = pytest.mark.slow

NODE_MODULES = Path(os.environ.get("TEIKIT_NODE_MODULES", REPO / ".ci" / "node_modules"))
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
SCREENSHOT = Path(tempfile.gettempdir()) / "teikit-render-browser.png"
HOW = "run .ci/install-render-tools"


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    """The pages under test: the edition, the tagged fixture, the feature and genre fixtures, real TEI, the index."""
    out = tmp_path_factory.mktemp("pages")
    sources = [
        REPO / "edition" / "workers-group-manifesto-1.xml",
        FIXTURES / "render" / "manifesto-tagged.xml",
        FIXTURES / "render" / "features.xml",
    ]
    sources += sorted((FIXTURES / "genres").glob("*.xml"))  # verse, apparatus, EpiDoc, msDesc, letters, RTL
    sources += [path for path in (SAMPLES / "hamlet.xml", SAMPLES / "ENG19011_Jerome.xml") if path.is_file()]
    report = render_many(sources, out, formats=("html",), index=True, jobs=1)  # no fork beside the browser thread
    assert report.failures == ()
    return {path.stem: path for path in out.glob("*.html")}


@pytest.fixture(scope="module")
def browser():
    executable = find_chromium()
    if not executable:
        pytest.skip(f"no Chromium found (install Debian's chromium, or set TEIKIT_CHROMIUM; {HOW})")
    with Chromium(executable) as chromium:
        yield chromium


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.skip(f"axe-core not found at {AXE} ({HOW})")
    return AXE.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- the Nu HTML Checker


def test_every_page_is_valid_html5(pages):
    java = shutil.which("java")
    if not java:
        pytest.skip(f"no Java runtime for the Nu HTML Checker ({HOW})")
    if not VNU_JAR.is_file():
        pytest.skip(f"the Nu HTML Checker (npm vnu-jar) not found at {VNU_JAR} ({HOW})")
    run = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always", *map(str, sorted(pages.values()))],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(run.stderr or run.stdout)["messages"]
    problems = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m.get('type')}/{m.get('subType', '')}: {m.get('message')}"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "warning"
    ]
    assert problems == []
    assert len(pages) >= 4


# --------------------------------------------------------------------------- axe-core


def axe_violations(browser: Chromium, axe_source: str) -> list[str]:
    if browser.evaluate("typeof axe") != "object":
        browser.evaluate(axe_source)
    found = browser.evaluate("""axe.run(document).then(result => result.violations.map(v =>
        v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')))""")
    return found


def test_no_accessibility_violations_on_any_page(pages, browser, axe_source):
    failures = {}
    for name, path in sorted(pages.items()):
        browser.open(path.as_uri())
        found = axe_violations(browser, axe_source)
        if found:
            failures[name] = found
    assert failures == {}


def test_no_accessibility_violations_with_every_highlight_on(pages, browser, axe_source):
    """The highlight colours must keep the text readable (axe checks the contrast of what it sees)."""
    browser.open(pages["manifesto-tagged"].as_uri())
    browser.evaluate("document.querySelectorAll('.tk-toolbar input').forEach(box => box.click())")
    assert browser.evaluate("[...document.querySelectorAll('.tk-toolbar input')].every(box => box.checked)")
    assert axe_violations(browser, axe_source) == []


# --------------------------------------------------------------------------- a reader at the keyboard


def focus(browser: Chromium, selector: str) -> None:
    assert browser.evaluate(
        f"(el => (el.focus(), document.activeElement === el))(document.querySelector({json.dumps(selector)}))"
    ), selector


def visible_in_viewport(browser: Chromium, element_id: str) -> bool:
    # A fragment target is scrolled to the top of the viewport up to sub-pixel rounding (-0.375 px is seen
    # when a block above has a fractional height): allow a pixel.
    return browser.evaluate(f"""(r => r.top >= -1 && r.top < innerHeight)(
        document.getElementById({json.dumps(element_id)}).getBoundingClientRect())""")


def settle() -> None:
    time.sleep(0.15)  # a fragment navigation scrolls on the next frame


def test_reader_follows_a_note_link_and_comes_back(pages, browser):
    browser.open(pages["manifesto-tagged"].as_uri())
    focus(browser, "a[href='#fn2']")
    assert browser.evaluate("getComputedStyle(document.activeElement.nextElementSibling).display") == "block"
    browser.press("Enter")
    settle()
    assert browser.evaluate("location.hash") == "#fn2"
    assert visible_in_viewport(browser, "fn2")
    assert not visible_in_viewport(browser, "fnref2")
    focus(browser, "#fn2 a.tk-backref")
    browser.press("Enter")
    settle()
    assert browser.evaluate("location.hash") == "#fnref2"
    assert visible_in_viewport(browser, "fnref2")


def test_note_preview_shows_on_focus_only(pages, browser):
    browser.open(pages["features"].as_uri())
    preview = "document.querySelector('a.tk-noteref + .tk-preview')"
    assert browser.evaluate(f"getComputedStyle({preview}).display") == "none"
    focus(browser, "a.tk-noteref")
    assert browser.evaluate(f"getComputedStyle({preview}).display") == "block"
    assert "A note at its point of attachment" in browser.evaluate(f"{preview}.innerText")


def test_entity_highlighting_toggles_with_the_keyboard(pages, browser):
    browser.open(pages["manifesto-tagged"].as_uri())
    person = "getComputedStyle(document.querySelector('.tk-text .tk-person')).backgroundColor"
    place = "getComputedStyle(document.querySelector('.tk-text .tk-place')).backgroundColor"
    plain = browser.evaluate(person)
    focus(browser, "#tk-show-person")
    browser.press(" ")
    assert browser.evaluate("document.getElementById('tk-show-person').checked")
    highlighted = browser.evaluate(person)
    assert highlighted != plain and browser.evaluate(place) == plain  # only persons
    browser.evaluate("document.querySelector('.tk-text .tk-person').scrollIntoView({block: 'center'})")
    browser.screenshot(SCREENSHOT)
    assert SCREENSHOT.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and SCREENSHOT.stat().st_size > 20_000
    browser.press(" ")
    assert browser.evaluate(person) == plain


def test_an_entity_link_leads_to_its_register_entry(pages, browser):
    browser.open(pages["manifesto-tagged"].as_uri())
    focus(browser, ".tk-text a.tk-person[href='#trotsky']")
    browser.press("Enter")
    settle()
    assert browser.evaluate("location.hash") == "#trotsky"
    assert visible_in_viewport(browser, "trotsky")


def test_print_keeps_the_text_and_notes_and_drops_the_controls(pages, browser):
    browser.open(pages["manifesto-tagged"].as_uri())
    browser.send("Emulation.setEmulatedMedia", session=True, media="print")
    try:
        display = "(s => getComputedStyle(document.querySelector(s)).display)"
        assert browser.evaluate(f"{display}('.tk-toolbar')") == "none"
        assert browser.evaluate(f"{display}('.tk-preview')") == "none"
        assert browser.evaluate(f"{display}('#fn1')") == "block"
        pdf = browser.send("Page.printToPDF", session=True)["data"]
        assert len(pdf) > 10_000
    finally:
        browser.send("Emulation.setEmulatedMedia", session=True, media="")
