"""What the stylesheets get instead of the source tree when the source needs it: one copy, prepared once.

Two things are done in Python before the XSLT runs, each only when the document needs it,
on one shared copy (the caller's tree is never changed):

* every ``@style`` sanitised (:func:`teikit.render.rendition.sanitise_declarations`);
* every entry of the apparatus criticus numbered (``tk:n`` in the namespace urn:teikit),
  so that a user's stylesheet that imports teikit's can read the number from the app itself
  (XSLT 1.0's ``xsl:number level="any"`` would walk every preceding node for each app, which
  makes a large critical edition quadratic). The stylesheets number an app without ``tk:n``
  themselves from the serial table of common.xsl (linear too), with the same result
  (``tests/test_genres.py`` renders with and without this step and compares the pages);
  ``number_apparatus=False`` turns it off.
"""

from __future__ import annotations

import copy

from lxml import etree

from ..xmlio import TEI_NS
from .rendition import sanitise_declarations

TK_NS = "urn:teikit"
APP = f"{{{TEI_NS}}}app"
# An app inside one of these is not an entry of its own (apparatus-core.xsl's tk:apps says the same).
NOT_ENTRIES = {APP, f"{{{TEI_NS}}}teiHeader", f"{{{TEI_NS}}}listApp"}


def _entries(root: etree._Element) -> list[etree._Element]:
    """The apps that are apparatus entries, in document order."""
    return [app for app in root.iter(APP) if not any(a.tag in NOT_ENTRIES for a in app.iterancestors())]


def _needs_styles(root: etree._Element) -> bool:
    return any(sanitise_declarations(el.get("style", "")) != el.get("style") for el in root.iterfind(".//*[@style]"))


def prepared(tree: etree._ElementTree, *, number_apparatus: bool = True) -> etree._ElementTree:
    """The tree the stylesheets should read: ``tree`` itself, or one copy with styles sanitised and apps numbered."""
    root = tree.getroot()
    styles = _needs_styles(root)
    numbering = number_apparatus and root.find(f".//{APP}") is not None
    if not styles and not numbering:
        return tree
    copied = copy.deepcopy(root)
    if styles:
        for element in copied.iterfind(".//*[@style]"):
            value = sanitise_declarations(element.get("style", ""))
            if value:
                element.set("style", value)
            else:
                del element.attrib["style"]
    if numbering:
        for number, app in enumerate(_entries(copied), start=1):
            app.set(f"{{{TK_NS}}}n", str(number))
    return copied.getroottree()
