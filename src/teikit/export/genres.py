"""What each genre's TEI says beyond names and dates: who is on stage, who wrote to whom, the manuscript, header dates.

Read once by :func:`teikit.export.occurrences.extract` into :class:`Genres`, for the
exporters (GEXF co-presence and correspondence networks, the cast and the manuscript in
CSV and JSON, the timeline's dated events from the header):

* **scenes**: every division of the body that holds speeches directly (a scene, or an
  act without scenes), with the characters who speak in it (``sp/@who``): characters
  are co-present when they speak in the same scene, as DraCor computes its networks;
* **letters**: each ``correspDesc`` with its sender(s), addressee(s), place and date;
* **manuscript**: the first ``msDesc``'s identifier, origin, support, extent, dimensions;
* **header dates**: ``origDate``, ``correspAction/date`` and ``creation/date``, each with
  the element it came from.
"""

from __future__ import annotations

from collections import Counter

from lxml import etree

from .genre_records import Genres, HeaderDate, Letter, Party, Scene
from .metadata import read_date
from .records import DateValue
from .xmltext import Locators, local

TEI = "{http://www.tei-c.org/ns/1.0}"
DIVISIONS = {"div", "div1", "div2", "div3", "div4", "div5", "div6", "div7"}


def _words(element: etree._Element | None) -> str:
    if element is None or not isinstance(element.tag, str):
        return ""
    return " ".join(" ".join(element.itertext()).split())  # the element's own tail is not part of it


def _speakers(speech: etree._Element) -> list[str]:
    return [token[1:] if token.startswith("#") else token for token in (speech.get("who") or "").split()]


def read_scenes(root: etree._Element, locate: Locators) -> tuple[tuple[Scene, ...], dict[str, int]]:
    """The divisions of the body that hold speeches directly, with their speakers; speeches per speaker."""
    scenes = []
    counts: Counter[str] = Counter()
    for body in root.iter(f"{TEI}body"):
        for division in body.iter():
            if not isinstance(division.tag, str) or local(division) not in DIVISIONS:
                continue
            if division.find(f"{TEI}sp") is None:
                continue
            speakers: dict[str, None] = {}
            for speech in division.iter(f"{TEI}sp"):
                for who in _speakers(speech):
                    speakers.setdefault(who)
            head = _words(division.find(f"{TEI}head"))
            if not head and division.get("n"):  # a headless numbered scene: "scene 2", as the page labels it
                head = " ".join(filter(None, (division.get("type"), division.get("n"))))
            scenes.append(Scene(locate(division), head or None, tuple(speakers)))
        for speech in body.iter(f"{TEI}sp"):
            counts.update(_speakers(speech))
    return tuple(scenes), dict(counts)


def _party(element: etree._Element) -> Party:
    ref = (element.get("ref") or "").split()
    pointer = ref[0] if ref else None
    entity = pointer[1:] if pointer and pointer.startswith("#") else pointer
    return Party(entity, _words(element) or entity or "")


def read_letters(root: etree._Element) -> tuple[Letter, ...]:
    letters = []
    for desc in root.iter(f"{TEI}correspDesc"):
        senders: list[Party] = []
        addressees: list[Party] = []
        place: str | None = None
        date: DateValue | None = None
        date_text: str | None = None
        for action in desc.iter(f"{TEI}correspAction"):
            names = [el for el in action if isinstance(el.tag, str) and local(el) in ("persName", "orgName", "name")]
            if action.get("type") == "sent":
                senders.extend(_party(el) for el in names)
                place_element = next(
                    (el for el in action if isinstance(el.tag, str) and local(el) in ("placeName", "settlement")), None
                )
                place = _words(place_element) or place
                date_element = action.find(f"{TEI}date")
                if date_element is not None:
                    date, date_text = read_date(date_element), _words(date_element) or None
            elif action.get("type") == "received":
                addressees.extend(_party(el) for el in names)
        letters.append(Letter(tuple(senders), tuple(addressees), place, date, date_text))
    return tuple(letters)


# The msDesc fields an export gives, each the words of the first element at this path (relative to msDesc).
MANUSCRIPT_FIELDS = {
    "country": "tei:msIdentifier/tei:country",
    "settlement": "tei:msIdentifier/tei:settlement",
    "repository": "tei:msIdentifier/tei:repository",
    "collection": "tei:msIdentifier/tei:collection",
    "idno": "tei:msIdentifier/tei:idno",
    "ms_name": "tei:msIdentifier/tei:msName",
    "orig_date": ".//tei:origin//tei:origDate",
    "orig_place": ".//tei:origin//tei:origPlace",
    "material": ".//tei:support//tei:material",
    "object_type": ".//tei:objectType",
    "support": ".//tei:supportDesc/tei:support",
    "extent": ".//tei:extent",
    "dimensions": ".//tei:dimensions",
    "summary": "tei:msContents/tei:summary",
    "text_language": "tei:msContents/tei:textLang",
    "items": "tei:msContents",
}
NS = {"tei": TEI[1:-1]}


def read_manuscript(root: etree._Element) -> dict[str, str]:
    """The first msDesc of the header as flat fields (empty when there is none)."""
    found = root.xpath("/*/tei:teiHeader//tei:sourceDesc//tei:msDesc", namespaces=NS)
    if not found:
        return {}
    desc = found[0]
    fields: dict[str, str] = {}
    for name, path in MANUSCRIPT_FIELDS.items():
        if name == "items":
            fields[name] = str(len(desc.xpath(".//tei:msItem | .//tei:msItemStruct", namespaces=NS)))
            continue
        element = next(iter(desc.xpath(path, namespaces=NS)), None)
        if name == "dimensions" and element is not None and len(element):
            parts = [_words(child) for child in element if isinstance(child.tag, str) and _words(child)]
            unit = element.get("unit") or next((c.get("unit") for c in element if c.get("unit")), "")
            fields[name] = " × ".join(parts) + (f" {unit}" if unit else "")
        else:
            fields[name] = _words(element)
    return {name: value for name, value in fields.items() if value and value != "0"}


HEADER_DATE_PATHS = (
    ("origDate", "/*/tei:teiHeader//tei:sourceDesc//tei:origDate"),
    ("correspDesc/sent", "/*/tei:teiHeader//tei:correspDesc/tei:correspAction[@type='sent']/tei:date"),
    ("correspDesc/received", "/*/tei:teiHeader//tei:correspDesc/tei:correspAction[@type='received']/tei:date"),
    ("creation", "/*/tei:teiHeader/tei:profileDesc/tei:creation//tei:date"),
)


CUSTOM_DATE_ATTRIBUTES = ("when", "from", "to", "notBefore", "notAfter")


def _header_date(element: etree._Element) -> DateValue | None:
    """read_date, and TEI's -custom attributes (a calendar of the project's own, often plain ISO years: 0101)."""
    value = read_date(element)
    if value is not None:
        return value
    custom = {name: element.get(f"{name}-custom") for name in CUSTOM_DATE_ATTRIBUTES}
    if not any(custom.values()):
        return None
    return DateValue(
        when=custom["when"],
        start=custom["from"],
        end=custom["to"],
        not_before=custom["notBefore"],
        not_after=custom["notAfter"],
    )


def read_header_dates(root: etree._Element, locate: Locators) -> tuple[HeaderDate, ...]:
    """Every normalised date of the header's origDate, correspAction and creation, with where it came from."""
    dates = []
    for source, path in HEADER_DATE_PATHS:
        for element in root.xpath(path, namespaces=NS):
            value = _header_date(element)
            if value is not None and value.earliest:
                dates.append(HeaderDate(source, value, _words(element) or value.iso(), locate(element)))
    return tuple(dates)


def read_genres(root: etree._Element, locate: Locators) -> Genres:
    scenes, speeches = read_scenes(root, locate)
    return Genres(
        scenes=scenes,
        speeches=speeches,
        letters=read_letters(root),
        manuscript=read_manuscript(root),
        header_dates=read_header_dates(root, locate),
    )
