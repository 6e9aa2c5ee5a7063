"""``csv``: one row per entity occurrence, one per register entry, and one for the document, for spreadsheets.

The register includes a play's cast (``particDesc/listPerson``) with each character's
number of speeches (``speeches``), so a play without tagged names still has its cast
table. ``document.csv`` is one row: the document's title and, for a manuscript or an
inscription, its ``msDesc`` (identifier, origin, support, extent, dimensions…).

UTF-8 without a byte-order mark, RFC 4180 (CRLF line ends, fields quoted when
they must be), a header row. In the occurrences file ``element``, ``division``
and ``block`` are xml:ids, or XPath paths (``id('p9')/date``) where the TEI has none; ``date``
is ISO 8601 (a value, or an interval ``start/end``) and ``date_kind`` says
whether it is a ``point``, an explicit ``range`` or an ``approximate`` span.
"""

from __future__ import annotations

import csv
import io

from . import Exporter
from .genres import MANUSCRIPT_FIELDS
from .records import Entity, Extract

OCCURRENCE_COLUMNS = (
    "document",
    "position",
    "entity_id",
    "type",
    "preferred_name",
    "surface",
    "element",
    "division",
    "heading",
    "block",
    "date",
    "date_kind",
)
REGISTER_COLUMNS = (
    "id",
    "type",
    "subtype",
    "preferred_name",
    "variant_names",
    "description",
    "mentions",
    "source",
    "wikidata",
    "viaf",
    "gnd",
    "geonames",
    "same_as",
    "dates",
    "location",
    "level",
    "speeches",
)
DOCUMENT_COLUMNS = ("document", "title", *MANUSCRIPT_FIELDS)
# Authority schemes with a column of their own; every authority URI also goes into same_as.
AUTHORITY_COLUMNS = {"wikidata": "Wikidata", "viaf": "VIAF", "gnd": "GND", "geonames": "GeoNames"}


def _table(columns: tuple[str, ...], rows: list[dict[str, object]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def occurrence_rows(extracted: Extract) -> list[dict[str, object]]:
    headings = {division.locator: division.heading or "" for division in extracted.divisions}
    rows = []
    for occurrence in extracted.occurrences:
        entity = extracted.entity(occurrence.entity) if occurrence.entity else None
        rows.append(
            {
                "document": extracted.document.source,
                "position": occurrence.index + 1,
                "entity_id": occurrence.entity or "",
                "type": occurrence.type,
                "preferred_name": entity.name if entity else "",
                "surface": occurrence.surface,
                "element": occurrence.element,
                "division": occurrence.division or "",
                "heading": headings.get(occurrence.division or "", ""),
                "block": extracted.blocks[occurrence.block].locator,
                "date": occurrence.date.iso() if occurrence.date else "",
                "date_kind": occurrence.date.kind if occurrence.date else "",
            }
        )
    return rows


def _register_row(entity: Entity, mentions: int, speeches: int | None = None) -> dict[str, object]:
    row: dict[str, object] = {
        "id": entity.id,
        "type": entity.type,
        "subtype": entity.subtype or "",
        "preferred_name": entity.name,
        "variant_names": " | ".join(entity.variants),
        "description": entity.description or "",
        "mentions": mentions,
        "source": entity.source,
        "same_as": " ".join(a.uri for a in entity.authorities if a.uri),
        "dates": "; ".join(f"{d.label} {d.value.iso()}" for d in entity.dates),
        "location": entity.location or "",
        "level": entity.level or "",
        "speeches": "" if speeches is None else speeches,
    }
    for column, scheme in AUTHORITY_COLUMNS.items():
        row[column] = " ".join(a.value for a in entity.authorities if a.scheme == scheme)
    return row


def render(extracted: Extract) -> dict[str, bytes]:
    counts = extracted.mention_counts()
    speeches = extracted.genres.speeches
    register = [
        _register_row(entity, counts[entity.id], speeches.get(entity.id, 0) if speeches else None)
        for entity in extracted.register
    ]
    document: dict[str, object] = {
        "document": extracted.document.source,
        "title": extracted.document.title,
        **extracted.genres.manuscript,
    }
    return {
        "entities.csv": _table(OCCURRENCE_COLUMNS, occurrence_rows(extracted)),
        "register.csv": _table(REGISTER_COLUMNS, register),
        "document.csv": _table(DOCUMENT_COLUMNS, [document]),
    }


EXPORTER = Exporter(
    name="csv",
    description="entity occurrences, the register (a play's cast with its speeches) and the document (its msDesc) "
    "as CSV tables",
    suffixes=("entities.csv", "register.csv", "document.csv"),
    needs="entities or a register",
    render=render,
)
