"""``timeline``: TimelineJS 3 JSON, one slide per dated passage of the text, in date order.

Each date the text tags with a normalised value becomes an event: its start
(and end, for ranges and approximate spans) from the TEI attributes, the
text's own wording as ``display_date`` and headline, and as text the sentence
the date stands in (HTML, the date in bold); the headline adds the entities
named in that sentence. ``group`` is the heading of the
division, so TimelineJS draws one row per part of the text. Dates whose value
is not ISO 8601 (``<date>about then</date>``) are left out.

The header's dates are events too: when the object was made (``origDate`` of an
inscription or manuscript), when a letter was sent and received (``correspDesc``),
when the work was created (``creation/date``). Every event says where its date came
from: an event of the text has the sentence the date stands in as its text; a header
event says which element in its headline ("(date of the object)"), its group and its
text ("origDate in the header"). A bibliography's dates (years of publication) are not
events.
"""

from __future__ import annotations

import html
import json
import re

from . import Exporter
from .genre_records import HeaderDate
from .records import Entity, Extract, Occurrence

_ISO = re.compile(r"^(-?\d{1,})(?:-(\d{2})(?:-(\d{2}))?)?(?:T.*)?$")


def _html(text: str) -> str:
    """Text as HTML content (TimelineJS renders slide text as HTML; quotes need no escaping there)."""
    return html.escape(text, quote=False)


def timeline_date(value: str | None) -> dict[str, int] | None:
    """An ISO 8601 date as a TimelineJS date object (year, month, day as numbers); None if it is not one."""
    match = _ISO.match(value or "")
    if match is None:
        return None
    year, month, day = match.groups()
    date = {"year": int(year)}
    if month:
        date["month"] = int(month)
    if day:
        date["day"] = int(day)
    return date


def _sort_key(date: dict[str, int] | None) -> tuple[int, int, int]:
    if date is None:
        return (0, 0, 0)
    return (date["year"], date.get("month", 0), date.get("day", 0))


def _names_by_sentence(extracted: Extract) -> dict[tuple[int, int], list[tuple[int, str]]]:
    """The preferred names of the entities each sentence names, in order, once each, with where they start."""
    names: dict[tuple[int, int], list[tuple[int, str]]] = {}
    for occurrence in extracted.occurrences:
        if occurrence.entity is not None:
            found = names.setdefault((occurrence.block, occurrence.sentence), [])
            name = extracted.entity(occurrence.entity).name
            if name not in (n for _, n in found):
                found.append((occurrence.start, name))
    return names


def _names_for(date: Occurrence, names: list[tuple[int, str]]) -> list[str]:
    """The names a date is about: those before it in its sentence ("the KAI (…, 1921-22), …, not to be
    confused with the IVth International" dates the KAI), else those after it."""
    before = [name for start, name in names if start < date.start]
    return before or [name for _, name in names]


def event(
    extracted: Extract, occurrence: Occurrence, group: str, names: list[tuple[int, str]]
) -> dict[str, object] | None:
    """One TimelineJS slide for a dated occurrence; None when its value is not an ISO 8601 date."""
    value = occurrence.date
    if value is None:
        return None
    start = timeline_date(value.when or value.start or value.not_before)
    if start is None:
        return None
    end = None if value.when else timeline_date(value.end or value.not_after)
    block = extracted.blocks[occurrence.block]
    sentence = extracted.sentence_of(occurrence)
    offset = block.sentences[occurrence.sentence].start if occurrence.sentence >= 0 else 0
    before = sentence[: occurrence.start - offset]
    after = sentence[occurrence.end - offset :]
    about = _names_for(occurrence, names)
    slide: dict[str, object] = {"start_date": start}
    if end is not None:
        slide["end_date"] = end
    slide["display_date"] = occurrence.surface
    slide["text"] = {
        # the date as the text words it, then the entities named in the same sentence (at most three)
        "headline": f"{occurrence.surface}: {', '.join(about[:3])}" if about else occurrence.surface,
        "text": f"{_html(before)}<b>{_html(occurrence.surface)}</b>{_html(after)}",
    }
    slide["group"] = group
    # TimelineJS puts unique_id in the page's URL: an xml:id is fine, a path is not.
    plain_id = re.fullmatch(r"[\w.-]+", occurrence.element)
    slide["unique_id"] = occurrence.element if plain_id else f"date-{occurrence.index}"
    slide["autolink"] = False
    return slide


def register_event(entity: Entity) -> dict[str, object] | None:
    """A slide for an event of the register (listEvent) with its own dates, in the group "Events"."""
    if entity.type != "event":
        return None
    own = next((d.value for d in entity.dates if d.label == "date"), None)
    start = timeline_date(own.when or own.start or own.not_before) if own else None
    if own is None or start is None:
        return None
    slide: dict[str, object] = {"start_date": start}
    end = None if own.when else timeline_date(own.end or own.not_after)
    if end is not None:
        slide["end_date"] = end
    slide["display_date"] = own.iso().replace("/", "–")
    slide["text"] = {"headline": _html(entity.name), "text": _html(entity.description or "")}
    slide["group"] = "Events"
    if re.fullmatch(r"[\w.-]+", entity.id):
        slide["unique_id"] = entity.id
    slide["autolink"] = False
    return slide


SOURCE_WORDS = {
    "origDate": "date of the object",
    "correspDesc/sent": "letter sent",
    "correspDesc/received": "letter received",
    "creation": "date of creation",
}


def header_event(extracted: Extract, date: HeaderDate, number: int) -> dict[str, object] | None:
    """One slide for a date of the header; None when its value is not an ISO 8601 date."""
    value = date.value
    start = timeline_date(value.when or value.start or value.not_before)
    if start is None:
        return None
    end = None if value.when else timeline_date(value.end or value.not_after)
    slide: dict[str, object] = {"start_date": start}
    if end is not None:
        slide["end_date"] = end
    slide["display_date"] = date.text
    slide["text"] = {
        "headline": f"{date.text} ({SOURCE_WORDS[date.source]})",
        "text": f"{_html(extracted.document.title)}: <i>{date.source}</i> in the header",
    }
    slide["group"] = SOURCE_WORDS[date.source]
    plain_id = re.fullmatch(r"[\w.-]+", date.element)
    slide["unique_id"] = date.element if plain_id else f"header-date-{number}"
    slide["autolink"] = False
    return slide


def _slide_order(item: tuple[int, dict[str, object]]) -> tuple[tuple[int, int, int], tuple[int, int, int], int]:
    """Slides by start, then end, then document order (header dates, numbered below zero, first on a tie)."""
    position, slide = item
    start, end = slide["start_date"], slide.get("end_date")
    return (
        _sort_key(start if isinstance(start, dict) else None),
        _sort_key(end if isinstance(end, dict) else None),
        position,
    )


def build(extracted: Extract) -> dict[str, object]:
    """The TimelineJS document as plain data."""
    headings = {division.locator: division.heading or division.type for division in extracted.divisions}
    names = _names_by_sentence(extracted)
    slides = []
    # A bibliography's dates are years of publication, not events of the text.
    bibliographies = {d.locator for d in extracted.divisions if d.type == "bibliography"}
    for occurrence in extracted.occurrences:
        if occurrence.division in bibliographies:
            continue
        if occurrence.type == "date" and occurrence.date is not None:
            slide = event(
                extracted,
                occurrence,
                headings.get(occurrence.division or "", ""),
                names.get((occurrence.block, occurrence.sentence), []),
            )
            if slide is not None:
                slides.append((occurrence.index, slide))
    for number, entity in enumerate(extracted.register):
        slide = register_event(entity)
        if slide is not None:
            slides.append((len(extracted.occurrences) + number, slide))
    for number, date in enumerate(extracted.genres.header_dates):
        slide = header_event(extracted, date, number)
        if slide is not None:
            slides.append((-len(extracted.genres.header_dates) + number, slide))
    slides.sort(key=_slide_order)
    info = extracted.document
    byline = "; ".join(author.name for author in info.authors)
    title = {"text": {"headline": info.title, "text": _html(byline)}}
    return {"title": title, "events": [slide for _, slide in slides]}


def render(extracted: Extract) -> dict[str, bytes]:
    text = json.dumps(build(extracted), ensure_ascii=False, indent=2) + "\n"
    return {"timeline.json": text.encode("utf-8")}


EXPORTER = Exporter(
    name="timeline",
    description="TimelineJS JSON: one event per dated passage and per header date (origDate, correspDesc, creation), "
    "each with the source of its date",
    suffixes=("timeline.json",),
    needs="dates",
    render=render,
)
