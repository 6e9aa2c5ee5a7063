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
from .direction import document_directions
from .leiden import leiden_parameters
from .prepare import prepared
from .rendition import rendition_css
from .stylesheets import GENERATOR, Stylesheet

ASSETS = Path(__file__).resolve().parent / "assets"
INDEX_NS = "urn:teikit"


@functools.lru_cache(maxsize=1)
def default_css() -> str:
    """teikit's page stylesheet (inlined into every page)."""
    # genres.css: the numbering, apparatus, Leiden, manuscript and letter parts of the page.
    return "".join((ASSETS / name).read_text(encoding="utf-8") for name in ("teikit.css", "genres.css"))


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
    leiden: str = "auto",
    number_apparatus: bool = True,
) -> str:
    """One TEI document as one HTML page (CSS inlined); ``stylesheet`` may be a user's XSLT importing teikit's.

    ``downloads`` are (label, relative href) pairs the page links to: its TEI and its exports. ``leiden`` is
    ``auto`` (Leiden conventions in EpiDoc editions), ``yes`` or ``no``; ``number_apparatus=False`` lets the
    stylesheet number the apparatus itself (same page, quadratic time: see teikit.render.prepare).
    """
    for label, href in downloads:
        if not label or not href or any(c.isspace() or c == "=" for c in label + href):
            raise ValueError(f"a download needs a label and an href without spaces or '=': {label!r} {href!r}")
    check_tei_root(tree, unnamespaced=True)  # DocBook or TEI P4 would give a page of loose words: refuse them
    xslt = stylesheets.load(stylesheet, "html.xsl")
    tei = prepared(stylesheets.as_tei(tree), number_apparatus=number_apparatus)
    rtl, auto = document_directions(tei.getroot())
    page_css = default_css() if css is None else css
    own = rendition_css(tei.getroot())
    result = stylesheets.run(
        xslt,
        tei,
        css=f"{page_css}\n{own}" if own and page_css else page_css,
        generator=GENERATOR,
        notes="yes" if notes else "no",
        downloads=" ".join(f"{label}={href}" for label, href in downloads),
        leiden=_leiden(leiden),
        **{"rtl-languages": rtl, "auto-languages": auto, **leiden_parameters()},
    )
    return _page(result)


LEIDEN_CHOICES = ("auto", "yes", "no")


def _leiden(value: str) -> str:
    if value not in LEIDEN_CHOICES:
        raise ValueError(f"leiden must be one of {LEIDEN_CHOICES}, not {value!r}")
    return value


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
