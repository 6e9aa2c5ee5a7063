"""TEI → a self-contained HTML5 reading edition, and the index page of several editions.

The work is done by ``xslt/html.xsl`` (XSLT 1.0 in libxslt); this module picks the
stylesheet (teikit's or the user's, compiled once), inlines the CSS so that one file is
the whole page, and builds the index from the editions' headers.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..xmlio import NS, TEI_NS, check_tei_root, parse_xml_bytes
from . import stylesheets
from .stylesheets import GENERATOR, Stylesheet

ASSETS = Path(__file__).resolve().parent / "assets"
INDEX_NS = "urn:teikit"


@functools.lru_cache(maxsize=1)
def default_css() -> str:
    """teikit's page stylesheet (inlined into every page)."""
    return (ASSETS / "teikit.css").read_text(encoding="utf-8")


def _page(result: etree._XSLTResultTree) -> str:
    text = str(result)
    return text if text.endswith("\n") else text + "\n"


def render_html(
    tree: etree._ElementTree | etree._Element,
    *,
    stylesheet: Stylesheet = None,
    css: str | None = None,
    notes: bool = True,
    downloads: Sequence[tuple[str, str]] = (),
) -> str:
    """One TEI document as one HTML page (CSS inlined); ``stylesheet`` may be a user's XSLT importing teikit's.

    ``downloads`` are (label, relative href) pairs the page links to: its TEI and its exports.
    """
    for label, href in downloads:
        if not label or not href or any(c.isspace() or c == "=" for c in label + href):
            raise ValueError(f"a download needs a label and an href without spaces or '=': {label!r} {href!r}")
    check_tei_root(tree, unnamespaced=True)  # DocBook or TEI P4 would give a page of loose words: refuse them
    xslt = stylesheets.load(stylesheet, "html.xsl")
    result = stylesheets.run(
        xslt,
        tree,
        css=default_css() if css is None else css,
        generator=GENERATOR,
        notes="yes" if notes else "no",
        downloads=" ".join(f"{label}={href}" for label, href in downloads),
    )
    return _page(result)


@dataclass(frozen=True)
class IndexEntry:
    """One edition on the index page: where its renderings are and its TEI header (as XML bytes, so it pickles)."""

    html: str
    header: bytes
    text: str | None = None
    tei: str | None = None

    @classmethod
    def from_tree(
        cls, tree: etree._ElementTree | etree._Element, html: str, text: str | None = None, tei: str | None = None
    ) -> IndexEntry:
        """The entry for a TEI document whose page is at ``html`` (links relative to the index page)."""
        root = stylesheets.as_tei(tree).getroot()
        header = root.find("tei:teiHeader", NS)
        if header is None:
            header = etree.Element(f"{{{TEI_NS}}}teiHeader")
        return cls(html=html, header=etree.tostring(header, encoding="UTF-8"), text=text, tei=tei)


def index_document(entries: Iterable[IndexEntry], title: str) -> etree._ElementTree:
    """The XML the index stylesheet reads: one tk:edition (with links) around each header."""
    root = etree.Element(f"{{{INDEX_NS}}}index", nsmap={"tk": INDEX_NS, None: TEI_NS}, title=title)
    for entry in entries:
        edition = etree.SubElement(root, f"{{{INDEX_NS}}}edition", html=entry.html)
        for name in ("text", "tei"):
            if getattr(entry, name):
                edition.set(name, getattr(entry, name))
        header = parse_xml_bytes(entry.header, entry.html).getroot()
        edition.append(copy.deepcopy(header))
    return root.getroottree()


def render_index(
    entries: Iterable[IndexEntry],
    *,
    title: str = "Editions",
    stylesheet: Stylesheet = None,
    css: str | None = None,
) -> str:
    """An HTML page listing editions with their header metadata and links to each rendering."""
    xslt = stylesheets.load(stylesheet, "index.xsl")
    result = stylesheets.run(
        xslt, index_document(entries, title), css=default_css() if css is None else css, generator=GENERATOR
    )
    return _page(result)
