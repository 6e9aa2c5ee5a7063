"""Which of a document's languages are written right to left: from CLDR (through Babel), never a list of our own.

The stylesheet gets two lists of the document's ``xml:lang`` values: those written right
to left (``dir="rtl"``) and those whose direction is unknown (``dir="auto"``: the browser
decides from the first strong character). A script subtag decides when there is one
(``ar-Latn`` is left to right, ``ota-Arab`` right to left), else the language's own
script in CLDR's likely subtags.
"""

from __future__ import annotations

import functools

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from lxml import etree

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@functools.lru_cache(maxsize=512)
def language_direction(tag: str) -> str:
    """``rtl``, ``ltr`` or ``auto`` for one BCP 47 / ISO 639 language tag."""
    parts = tag.replace("_", "-").split("-")
    language = parts[0].lower()
    script = next((p.title() for p in parts[1:] if len(p) == 4 and p.isalpha()), None)
    likely = get_global("likely_subtags")
    candidates = []
    if script:
        # The script decides: CLDR's most likely language written in it gives the direction
        # (Latin, the default script of 'und', has no entry of its own).
        default = likely.get("und", "")
        candidates.append(likely.get(f"und_{script}", "") or (default if f"_{script}_" in f"{default}_" else ""))
    candidates.append(language)
    candidates.append(likely.get(language, ""))
    for candidate in candidates:
        if not candidate:
            continue
        try:
            return Locale.parse(candidate).text_direction
        except (UnknownLocaleError, ValueError, TypeError):
            continue
    return "auto"


def document_directions(root: etree._Element) -> tuple[str, str]:
    """The document's xml:lang values written right to left, and those of unknown direction (space-padded lists)."""
    languages = {value for value in root.xpath("//@xml:lang") if value.strip()}
    rtl = sorted(lang for lang in languages if language_direction(lang.strip()) == "rtl")
    auto = sorted(lang for lang in languages if language_direction(lang.strip()) == "auto")
    return " " + " ".join(rtl) + " ", " " + " ".join(auto) + " "
