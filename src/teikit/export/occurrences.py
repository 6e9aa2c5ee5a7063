"""Read any TEI document once into plain data for the exporters: metadata, register, blocks, occurrences.

:func:`extract` is the one entry point; the exporters never walk XML. It reads
TEI, never teikit's document model, so every exporter works on anyone's TEI:

* **document metadata** and **the register** (:mod:`teikit.export.metadata`);
* **blocks** of reading text split into sentences (:mod:`teikit.export.blocks`,
  :mod:`teikit.export.sentences`);
* **occurrences**: every ``persName``, ``orgName``, ``placeName``,
  ``geogName``, ``rs``, ``name`` and ``date`` in the text, with its entity, the
  block, division and sentence it sits in and its offsets in the block text
  (this module).

An occurrence's type comes from its element; for ``rs`` and ``name`` from
``@type`` (person, org, place and their synonyms), else from the register entry
it points to, else it is ``name``.

Entities found without a register entry (foreign TEI) are grouped by what the
element says: ``@ref="#x"`` → ``x``; ``@ref`` with an external URI → that URI
(which becomes an authority link); ``@key`` → ``TYPE:key``; nothing → ``TYPE:``
plus the surface text folded to a slug (``person:karl-marx``). Such an entity's
preferred name is its most frequent surface form. A colon never occurs in an
``xml:id``, so these keys never collide with register ids.

Elements without ``@xml:id`` are located by an XPath path from their nearest
identified ancestor (``id('p9')/date[2]``) or from the root (see
:class:`teikit.export.xmltext.Locators`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from lxml import etree

from ..xmlio import check_tei_root
from .blocks import RawMention, read_blocks
from .genres import read_genres
from .metadata import authority_from_uri, expand_pointer, prefix_definitions, read_date, read_document, read_register
from .records import Block, Entity, Extract, Occurrence
from .xmltext import Locators, slug

# The element that marks a mention → the entity type (None: decided by @type or by the register entry).
MENTION_ELEMENTS = {
    "persName": "person",
    "orgName": "org",
    "placeName": "place",
    "geogName": "place",
    "rs": None,
    "name": None,
    "date": "date",
    "title": "work",
}
# @type words on rs/name, lower-cased → entity type.
TYPE_WORDS = {
    "person": "person",
    "persname": "person",
    "pers": "person",
    "people": "person",
    "character": "person",
    "org": "org",
    "orgname": "org",
    "organisation": "org",
    "organization": "org",
    "institution": "org",
    "place": "place",
    "placename": "place",
    "geogname": "place",
    "location": "place",
    "settlement": "place",
    "country": "place",
    "city": "place",
    "region": "place",
    "event": "event",
    "work": "work",
    "title": "work",
    "bibl": "work",
}


def _mention_type(element: etree._Element, name: str, register: dict[str, Entity], key: str | None) -> str:
    fixed = MENTION_ELEMENTS[name]
    if fixed is not None:
        return fixed
    word = (element.get("type") or "").lower()
    if word in TYPE_WORDS:
        return TYPE_WORDS[word]
    if key in register:
        return register[key].type
    return "name"


def _entity_key(
    element: etree._Element, kind: str, surface: str, register: dict[str, Entity], prefixes: list
) -> tuple[str, str]:
    """(entity id, how it was found) for one name element: register, reference or surface."""
    pointers = [expand_pointer(p, prefixes) for p in (element.get("ref") or "").split()]
    for pointer in pointers:
        if pointer.startswith("#") and pointer[1:] in register:
            return pointer[1:], "register"
    if pointers:
        first = pointers[0]
        if first.startswith("#"):
            return first[1:], "reference"
        authority = authority_from_uri(first)
        return (authority.uri or first), "reference"  # canonical (wiki/Q42 → entity/Q42); a plain URI is itself
    if element.get("key"):
        return f"{kind}:{element.get('key')}", "reference"
    return f"{kind}:{slug(surface)}", "surface"


def _implicit_entities(found: dict[str, list[tuple[str, str, str]]]) -> list[Entity]:
    entities = []
    for key, mentions in found.items():
        kind, source = mentions[0][0], mentions[0][2]
        counts = Counter(surface for _, surface, _ in mentions if surface)
        order = list(dict.fromkeys(surface for _, surface, _ in mentions if surface))
        name = max(order, key=lambda s: (counts[s], -order.index(s))) if order else key
        authorities = (authority_from_uri(key),) if re.match(r"^https?://", key) else ()
        entities.append(
            Entity(
                id=key,
                type=kind,
                subtype=None,
                name=name,
                variants=tuple(s for s in order if s != name),
                description=None,
                authorities=authorities,
                dates=(),
                source=source,
            )
        )
    return entities


def _contains(outer: RawMention, inner: RawMention, outer_first: bool) -> bool:
    """Whether ``inner`` lies inside ``outer`` (of two identical spans, the later one is the nested one)."""
    if (outer.start, outer.end) == (inner.start, inner.end):
        return outer_first
    return outer.start <= inner.start and inner.end <= outer.end


def _occurrence(
    block: Block,
    mention: RawMention,
    mentions: list[RawMention],
    number: int,
    register: dict,
    prefixes: list,
    locate: Locators,
    implicit: dict,
) -> Occurrence:
    surface = block.text[mention.start : mention.end]
    nested = any(
        _contains(other, mention, other_number < number)
        for other_number, other in enumerate(mentions)
        if other_number != number
    )
    date = entity_id = None
    if mention.name == "date":
        kind = "date"
        date = read_date(mention.element)
    else:
        pointers = [expand_pointer(p, prefixes) for p in (mention.element.get("ref") or "").split()]
        local_key = next((p[1:] for p in pointers if p.startswith("#")), None)
        kind = _mention_type(mention.element, mention.name, register, local_key)
        entity_id, found_by = _entity_key(mention.element, kind, surface, register, prefixes)
        if entity_id not in register:
            implicit.setdefault(entity_id, []).append((kind, surface, found_by))
    sentence = next((i for i, s in enumerate(block.sentences) if mention.start < s.end), len(block.sentences) - 1)
    return Occurrence(
        index=0,
        entity=entity_id,
        type=kind,
        element=locate(mention.element),
        surface=surface,
        block=block.index,
        division=block.division,
        start=mention.start,
        end=mention.end,
        sentence=sentence,
        date=date,
        nested=nested,
    )


def extract(tree: etree._ElementTree | etree._Element, source: str) -> Extract:
    """Read one TEI document (any TEI P5, teikit's or not) into an :class:`Extract`."""
    root = tree.getroot() if isinstance(tree, etree._ElementTree) else tree
    check_tei_root(root, root.getroottree().docinfo.URL or source)
    locate = Locators()
    reading = read_blocks(root, locate)
    register = read_register(root)
    prefixes = prefix_definitions(root)
    occurrences: list[Occurrence] = []
    implicit: dict[str, list[tuple[str, str, str]]] = {}
    for block, mentions in zip(reading.blocks, reading.mentions, strict=True):
        for number, mention in enumerate(mentions):
            occurrences.append(_occurrence(block, mention, mentions, number, register, prefixes, locate, implicit))
    occurrences.sort(key=lambda o: (o.block, o.start, -o.end))
    return Extract(
        document=read_document(root, source),
        register=tuple(register.values()) + tuple(_implicit_entities(implicit)),
        divisions=reading.divisions,
        blocks=reading.blocks,
        occurrences=tuple(replace(o, index=i) for i, o in enumerate(occurrences)),
        genres=read_genres(root, locate),
    )
