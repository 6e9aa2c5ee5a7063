"""The source's own rendering: ``tagsDecl/rendition`` as CSS classes and ``@style``, both sanitised.

CSS from a TEI file is hostile like the rest of it: every declaration is checked by
cssutils' property profiles (CSS 2.1 and CSS 3 colours, fonts, box model) and kept only
when it is valid and holds no URL, ``@import``, ``expression()`` or escape — so a page
never fetches anything and the Nu HTML Checker finds no CSS errors.
"""

from __future__ import annotations

import logging
import re

from lxml import etree

from ..xmlio import TEI_NS

SAFE_ID = re.compile(r"^[A-Za-z0-9_-]+$")
FORBIDDEN = re.compile(r"url\(|@import|expression|javascript:|\\|<|>|[{}]", re.IGNORECASE)
PROPERTY = re.compile(r"^[a-z-]+$")


def _profile():
    import cssutils

    # cssutils logs every declaration it does not know at WARNING; these are the source's, not ours.
    cssutils.log.setLevel(logging.CRITICAL)
    return cssutils.profile


def sanitise_declarations(css: str) -> str:
    """``color: red; background: url(x)`` → ``color: red``: only valid declarations without URLs or escapes."""
    profile = _profile()
    kept = []
    for declaration in css.split(";"):
        name, colon, value = declaration.partition(":")
        name, value = name.strip().lower(), value.strip()
        if not colon or not PROPERTY.match(name) or not value or FORBIDDEN.search(value):
            continue
        if value.lower().endswith("!important"):
            value = value[: -len("!important")].strip()
        if profile.validate(name, value):
            kept.append(f"{name}: {value}")
    return "; ".join(kept)


def rendition_css(root: etree._Element) -> str:
    """CSS rules ``.tk-r-ID { … }`` for the header's CSS renditions (``rendition[@xml:id]``, scheme css or none)."""
    rules = []
    for rendition in root.iter(f"{{{TEI_NS}}}rendition"):
        rendition_id = rendition.get("{http://www.w3.org/XML/1998/namespace}id", "")
        if not SAFE_ID.match(rendition_id) or rendition.get("scheme", "css") != "css":
            continue
        body = sanitise_declarations("".join(rendition.itertext()))
        if body:
            rules.append(f".tk-r-{rendition_id} {{ {body}; }}")
    return "\n".join(rules)
