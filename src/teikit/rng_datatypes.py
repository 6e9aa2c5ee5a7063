"""XML Schema dates and times read as jing reads them, not as libxml2 does.

Two edge values of ``xsd:dateTime`` and ``xsd:time`` get different verdicts
from the two validators:

* hour 24 (``24:00:00``, ``1999-12-31T24:00:00``): libxml2 accepts it (the
  reading of XML Schema 1.1, where it means the end of the day); jing rejects it;
* a leap second (``23:59:60``, seconds from 60 up to but not including 61):
  jing accepts it (the lexical space of XML Schema 1.0 as published in 2001);
  libxml2 rejects it.

TEI's schemas are written for, and tested with, jing; so teikit decides as jing
does. :func:`align_datatypes` rewrites each plain ``<data type="dateTime"/>`` or
``<data type="time"/>`` of the XML Schema library into a choice of the same
datatype restricted to hours 00-23 (a ``pattern`` facet) and a ``token`` pattern
for the same value with a leap second (with real month lengths and leap years).
A ``data`` element with its own parameters or ``except`` is left as libxml2
reads it (none of TEI's is).
"""

from __future__ import annotations

import copy

from lxml import etree

RNG = "{http://relaxng.org/ns/structure/1.0}"
XSD = "http://www.w3.org/2001/XMLSchema-datatypes"

_TIMEZONE = r"(Z|[+\-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
_LEAP_SECOND_TIME = r"([01][0-9]|2[0-3]):[0-5][0-9]:60(\.[0-9]+)?" + _TIMEZONE
_YEAR = r"-?([1-9][0-9]{3,}|0([1-9][0-9]{2}|0[1-9][0-9]|00[1-9]))"
_LEAP_YEAR = r"-?([0-9]{2,}(0[48]|[2468][048]|[13579][26])|([0-9]*(0[48]|[2468][048]|[13579][26]))00)"
_MONTH_DAY = r"((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)"
_LEAP_SECOND = {
    "time": _LEAP_SECOND_TIME,
    "dateTime": f"({_YEAR}-{_MONTH_DAY}|{_LEAP_YEAR}-02-29)T{_LEAP_SECOND_TIME}",
}
_NOT_HOUR_24 = {"time": r"([01][0-9]|2[0-3]):.*", "dateTime": r"[^T]*T([01][0-9]|2[0-3]):.*"}


def _library(node: etree._Element) -> str:
    for ancestor in (node, *node.iterancestors()):
        if ancestor.get("datatypeLibrary") is not None:
            return ancestor.get("datatypeLibrary")
    return ""


def _aligned(type_: str) -> etree._Element:
    choice = etree.Element(RNG + "choice")
    same = etree.SubElement(choice, RNG + "data", type=type_, datatypeLibrary=XSD)
    etree.SubElement(same, RNG + "param", name="pattern").text = _NOT_HOUR_24[type_]
    leap = etree.SubElement(choice, RNG + "data", type="token", datatypeLibrary=XSD)
    etree.SubElement(leap, RNG + "param", name="pattern").text = _LEAP_SECOND[type_]
    return choice


def _targets(tree: etree._ElementTree) -> list[etree._Element]:
    return [
        node
        for node in tree.iter(RNG + "data")
        if (node.get("type") or "").strip() in _LEAP_SECOND
        and not any(isinstance(child.tag, str) for child in node)
        and _library(node) == XSD
    ]


def align_datatypes(tree: etree._ElementTree) -> etree._ElementTree:
    """The grammar with its dateTime and time datatypes read as jing reads them (a copy; the tree if none)."""
    if not _targets(tree):
        return tree
    tree = copy.deepcopy(tree)
    for node in _targets(tree):
        replacement = _aligned(node.get("type").strip())
        replacement.tail = node.tail
        node.getparent().replace(node, replacement)
    return tree
