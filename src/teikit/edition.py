"""The edition file: what the editor declares about one source text (TOML, beside the text in ``seeds/``).

It holds the bibliographic facts for the TEI header, the lines treated as
web-page furniture, the outline (which line opens which division), declared
corrections and manual tagging decisions. Everything teikit does to the text
beyond reading it is declared here and recorded in the TEI header.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, overload

from .errors import InputError
from .files import read_input

PARTS = ("front", "body", "back")


@dataclass(frozen=True)
class Person:
    """A named responsible party: a person or an organisation, optionally pointing into the register."""

    name: str
    ref: str | None = None
    role: str | None = None
    is_org: bool = False


@dataclass(frozen=True)
class Furniture:
    """A source line that is not part of the text: omitted (with a reason) or moved into the header."""

    line_text: str
    reason: str
    keyword: str | None = None


@dataclass(frozen=True)
class DivisionStart:
    """The outline: the block at source line ``line`` opens a division of ``type``."""

    line: int
    type: str
    level: int = 1
    part: str | None = None


@dataclass(frozen=True)
class Reading:
    """One proposed correction of a ``sic``, with the editor's certainty (TEI @cert: high, medium, low)."""

    text: str
    cert: str | None = None


@dataclass(frozen=True)
class Correction:
    """A declared correction on one source line.

    ``sic`` → ``corr`` (or several ``readings``, each with its certainty), ``supplied`` text after
    ``after``, or ``surplus``: a word of the source the editor reads as superfluous. ``resp`` is the
    xml:id of the editor responsible, ``cert`` the certainty of a single correction.
    """

    line: int
    reason: str
    sic: str | None = None
    corr: str | None = None
    after: str | None = None
    supplied: str | None = None
    surplus: str | None = None
    resp: str | None = None
    cert: str | None = None
    readings: tuple[Reading, ...] = ()


@dataclass(frozen=True)
class TagDecision:
    """An editor's decision overriding the automatic tagger on one line.

    ``element`` is persName/orgName/placeName/date, with ``ref`` or date attributes;
    ``element = "none"`` suppresses whatever the tagger would put on ``text``.
    """

    line: int
    text: str
    element: str
    attrs: tuple[tuple[str, str], ...] = ()
    reason: str = ""
    # For dates: "point", "period" or "uncertain", re-shaping what the recogniser found (see DATE_KINDS).
    kind: str | None = None


@dataclass(frozen=True)
class Editor:
    """A person or body responsible for the edition, with the xml:id that @resp points to."""

    id: str
    name: str
    resp: str
    orcid: str | None = None
    is_org: bool = False


@dataclass(frozen=True)
class Related:
    """A work related to the source (TEI relatedItem): its original, a translation, another edition."""

    type: str
    title: str
    author: str | None = None
    language: str | None = None
    language_name: str | None = None
    date: str | None = None
    place: str | None = None
    publisher: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Series:
    """The series the source belongs to (TEI seriesStmt): the article is part ``part`` of ``parts``."""

    title: str
    part: str | None = None
    parts: str | None = None


@dataclass(frozen=True)
class Calendar:
    """A calendar the text's dates are written in (TEI calendarDesc/calendar); ``id`` is what @calendar points to."""

    id: str
    description: str


@dataclass(frozen=True)
class Omission:
    """A passage of the work the source leaves out (TEI gap), declared at a point of a source line."""

    line: int
    after: str
    reason: str
    description: str
    resp: str | None = None


@dataclass(frozen=True)
class EditorialNote:
    """An editor's note anchored at a passage (a string on a source line), e.g. on a factual slip."""

    line: int
    at: str
    text: str
    resp: str
    type: str = "editorial"


@dataclass(frozen=True)
class EntityNote:
    """What this text says of a register entry: its own description or editorial note, for this text's TEI only.

    The register serves every text, so its descriptions are corpus-neutral; a remark about one text (one that
    cites its lines, say) lives here and travels into no other text.
    """

    ref: str
    description: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Genre:
    """Genre rules the reader applies only when the edition file turns them on (``[genre]``).

    They fit one kind of text (an address, a manifesto) and would be wrong on others: a short story's
    exclamations are not salutations. Off unless declared.
    """

    salutation: bool = False
    slogans: bool = False


GENRE_KEYS = {"salutation", "slogans"}


@dataclass(frozen=True)
class NoteSyntax:
    """How the text marks footnotes: the reference in running text and the marker that opens a note.

    Each is a template in which ``n`` stands for the note's number: ``"[n]"``, ``"(n)"``, ``"^n"``. A final
    full stop of the marker is optional in the text (``[1]. A note`` and ``[1] A note`` both open note 1).
    A reference counts only where a note of its number exists; other bracketed numbers stay text.
    """

    reference: str = "[n]"
    marker: str = "[n]."

    @functools.cached_property
    def reference_pattern(self) -> re.Pattern[str]:
        return _template_pattern(self.reference)

    @functools.cached_property
    def marker_pattern(self) -> re.Pattern[str]:
        """The marker at the start of a line, followed by white space."""
        body = self.marker[:-1] if self.marker.endswith(".") else self.marker
        optional_stop = r"\.?" if self.marker.endswith(".") else ""
        return re.compile("^" + _template_pattern(body).pattern + optional_stop + r"(?=\s)")


def _template_pattern(template: str) -> re.Pattern[str]:
    before, _, after = template.partition("n")
    return re.compile(re.escape(before) + r"(\d+)" + re.escape(after))


NOTE_TEMPLATE = re.compile(r"^[^\w\s]*n[^\w\s]*$")


@dataclass(frozen=True)
class Change:
    when: str
    who: str
    what: str


@dataclass(frozen=True)
class Edition:
    """All the editor's declarations for one text."""

    path: str
    id: str
    source: str
    language: str = "en"
    language_name: str = "English"
    title: str | None = None
    subtitle: str | None = None
    authors: tuple[Person, ...] = ()
    responsibility: tuple[tuple[str, str], ...] = ()
    # No publisher unless the editor declares one: teikit never names itself publisher of a text.
    publisher: str | None = None
    distributor: str | None = None
    pub_date: str | None = None
    availability: str | None = None
    licence: str | None = None
    licence_url: str | None = None
    address: str | None = None
    version: str | None = None
    source_bibl: tuple[tuple[str, str], ...] = ()
    editors: tuple[Editor, ...] = ()
    series: Series | None = None
    related: tuple[Related, ...] = ()
    calendars: tuple[Calendar, ...] = ()
    date_conventions: str | None = None
    omissions: tuple[Omission, ...] = ()
    notes: tuple[EditorialNote, ...] = ()
    division_labels: tuple[tuple[int, str], ...] = ()
    notes_by: str | None = None
    source_note: str | None = None
    creation: str | None = None
    creation_date: str | None = None
    project: str | None = None
    register: str | None = None
    default_century: int = 1900
    furniture: tuple[Furniture, ...] = ()
    outline: tuple[DivisionStart, ...] = ()
    corrections: tuple[Correction, ...] = ()
    tag_decisions: tuple[TagDecision, ...] = ()
    changes: tuple[Change, ...] = ()
    genre: Genre = Genre()
    entity_notes: tuple[EntityNote, ...] = ()
    note_syntax: NoteSyntax = NoteSyntax()
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def keywords(self) -> tuple[str, ...]:
        return tuple(f.keyword for f in self.furniture if f.keyword)


NCNAME = re.compile(r"^[A-Za-z_][\w.\-]*$")
ISO_DAY = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

TOP_KEYS = {
    "source",
    "id",
    "language",
    "language_name",
    "title",
    "subtitle",
    "author",
    "responsibility",
    "publication",
    "source_description",
    "creation",
    "project",
    "register",
    "default_century",
    "furniture",
    "division",
    "correction",
    "tag",
    "change",
    "genre",
    "entity_note",
    "editor",
    "series",
    "related",
    "calendar",
    "dates",
    "omission",
    "note",
    "notes",
}
CERTAINTY = ("high", "medium", "low", "unknown")
RELATED_TYPES = ("original", "translation", "edition", "partOf", "reviewed", "other")
ORCID = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")


def _line_of(raw: str, needle: str) -> int | None:
    """The 1-based line of the first occurrence of ``needle`` in the raw TOML, to point editors at their entry."""
    index = raw.find(needle)
    return raw.count("\n", 0, index) + 1 if index >= 0 else None


class _Reader:
    """Checks one edition table at a time, raising InputError that points at the TOML line."""

    def __init__(self, path: Path, raw: str) -> None:
        self.path = path
        self.raw = raw

    def fail(self, message: str, locate: str | None = None, hint: str | None = None) -> InputError:
        line = _line_of(self.raw, locate) if locate else None
        return InputError(message, self.path, line, hint=hint or "fix the edition file")

    @overload
    def string(self, table: dict, key: str, where: str, required: Literal[True] = True) -> str: ...

    @overload
    def string(self, table: dict, key: str, where: str, required: bool) -> str | None: ...

    def string(self, table: dict, key: str, where: str, required: bool = True) -> str | None:
        value = table.get(key)
        if value is None:
            if required:
                raise self.fail(f"{where}: '{key}' is required", where.split("[")[0])
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{where}: '{key}' must be a non-empty string", f"{key} =")
        return value

    def boolean(self, table: dict, key: str, where: str) -> bool:
        value = table.get(key, False)
        if not isinstance(value, bool):
            # bool("false") is True: a quoted value must not pass for a switch.
            raise self.fail(f"{where}: '{key}' must be true or false (unquoted)", f"{key} =")
        return value

    def integer(self, table: dict, key: str, where: str, default: int | None = None) -> int:
        value = table.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise self.fail(f"{where}: '{key}' must be a whole number", f"{key} =")
        return value

    def table(self, data: dict, key: str) -> dict:
        value = data.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(f"'{key}' must be a table ([{key}])", f"{key}")
        return value

    def tables(self, data: dict, key: str) -> list[dict]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise self.fail(f"'{key}' must be an array of tables ([[{key}]])", f"{key}")
        return value

    def known_keys(self, table: dict, allowed: set[str], where: str) -> None:
        unknown = sorted(set(table) - allowed)
        if unknown:
            raise self.fail(
                f"{where}: unknown key '{unknown[0]}'",
                f"{unknown[0]}",
                hint=f"allowed keys: {', '.join(sorted(allowed))}",
            )


def load_edition(path: str | Path) -> Edition:
    """Read and check an edition file; every problem is an InputError naming the file and line."""
    path = Path(path)
    try:
        raw = read_input(path, "edition file").decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 (byte offset {exc.start})", path, hint="save the file as UTF-8") from None
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line, column = (int(match.group(1)), int(match.group(2))) if match else (None, None)
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise InputError(f"invalid TOML: {message}", path, line, column, hint="fix the TOML syntax") from None
    return _edition_from_data(path, raw, data)


def _edition_from_data(path: Path, raw: str, data: dict) -> Edition:
    reader = _Reader(path, raw)
    reader.known_keys(data, TOP_KEYS, "edition file")
    source = reader.string(data, "source", "edition file")
    edition_id = data.get("id", Path(source).stem)
    if not isinstance(edition_id, str) or not NCNAME.match(edition_id):
        raise reader.fail(
            f"id '{edition_id}' is not a valid XML name",
            "id =",
            hint="use letters, digits, '-', '_' and '.', starting with a letter",
        )
    publication = reader.table(data, "publication")
    source_desc = reader.table(data, "source_description")
    creation = reader.table(data, "creation")
    reader.known_keys(
        publication,
        {"publisher", "distributor", "date", "availability", "licence", "licence_url", "address", "version"},
        "[publication]",
    )
    reader.known_keys(creation, {"text", "date"}, "[creation]")
    pub_date = publication.get("date")
    if pub_date is not None:
        pub_date = str(pub_date)
        if not ISO_DAY.match(pub_date):
            raise reader.fail("[publication]: date must be YYYY, YYYY-MM or YYYY-MM-DD", "date =")
    creation_date = creation.get("date")
    century = reader.integer(data, "default_century", "edition file", default=1900)
    editors = tuple(_editors(reader, data))
    editor_ids = {editor.id for editor in editors}
    dates = reader.table(data, "dates")
    reader.known_keys(dates, {"conventions"}, "[dates]")
    return Edition(
        path=str(path),
        id=edition_id,
        source=source,
        language=reader.string(data, "language", "edition file", required=False) or "en",
        language_name=reader.string(data, "language_name", "edition file", required=False) or "English",
        title=reader.string(data, "title", "edition file", required=False),
        subtitle=reader.string(data, "subtitle", "edition file", required=False),
        authors=tuple(_authors(reader, data)),
        responsibility=tuple(_responsibility(reader, data)),
        publisher=reader.string(publication, "publisher", "[publication]", required=False),
        distributor=reader.string(publication, "distributor", "[publication]", required=False),
        pub_date=pub_date,
        availability=reader.string(publication, "availability", "[publication]", required=False),
        licence=reader.string(publication, "licence", "[publication]", required=False),
        licence_url=reader.string(publication, "licence_url", "[publication]", required=False),
        address=reader.string(publication, "address", "[publication]", required=False),
        version=reader.string(publication, "version", "[publication]", required=False),
        editors=editors,
        series=_series(reader, data),
        related=tuple(_related(reader, data)),
        calendars=tuple(_calendars(reader, data)),
        date_conventions=reader.string(dates, "conventions", "[dates]", required=False),
        omissions=tuple(_omissions(reader, data, editor_ids)),
        notes=tuple(_notes(reader, data, editor_ids)),
        division_labels=tuple((d.line, d.label) for d in _outline_labels(reader, data)),
        notes_by=reader.string(source_desc, "notes_by", "[source_description]", required=False),
        source_bibl=tuple(_source_bibl(reader, source_desc)),
        source_note=reader.string(source_desc, "note", "[source_description]", required=False),
        creation=reader.string(creation, "text", "[creation]", required=False),
        creation_date=str(creation_date) if creation_date is not None else None,
        project=reader.string(data, "project", "edition file", required=False),
        register=reader.string(data, "register", "edition file", required=False),
        default_century=century,
        furniture=tuple(_furniture(reader, data)),
        outline=tuple(_outline(reader, data)),
        corrections=tuple(_corrections(reader, data, editor_ids)),
        tag_decisions=tuple(_tag_decisions(reader, data)),
        changes=tuple(_changes(reader, data)),
        genre=_genre(reader, data),
        entity_notes=tuple(_entity_notes(reader, data)),
        note_syntax=_note_syntax(reader, data),
    )


def _entity_notes(reader: _Reader, data: dict):
    seen: set[str] = set()
    for entry in reader.tables(data, "entity_note"):
        reader.known_keys(entry, {"ref", "description", "note"}, "[[entity_note]]")
        ref = reader.string(entry, "ref", "[[entity_note]]")
        assert ref is not None  # required: string() raised otherwise
        where = f"[[entity_note]] ref = {ref!r}"
        if ref in seen:
            raise reader.fail(
                f"{where}: the entry has two [[entity_note]] tables", f'ref = "{ref}"', hint="join them into one"
            )
        seen.add(ref)
        description = reader.string(entry, "description", where, required=False)
        note = reader.string(entry, "note", where, required=False)
        if description is None and note is None:
            raise reader.fail(f"{where}: give a description or a note", f'ref = "{ref}"')
        yield EntityNote(ref=ref, description=description, note=note)


def _genre(reader: _Reader, data: dict) -> Genre:
    table = reader.table(data, "genre")
    if not isinstance(table, dict):
        raise reader.fail("'genre' must be a table ([genre])", "genre")
    reader.known_keys(table, GENRE_KEYS, "[genre]")
    for key, value in table.items():
        if not isinstance(value, bool):
            raise reader.fail(f"[genre]: '{key}' must be true or false", f"{key} =")
    return Genre(**table)


def _authors(reader: _Reader, data: dict):
    for entry in reader.tables(data, "author"):
        reader.known_keys(entry, {"name", "ref", "role", "org"}, "[[author]]")
        yield Person(
            name=reader.string(entry, "name", "[[author]]"),
            ref=reader.string(entry, "ref", "[[author]]", required=False),
            role=reader.string(entry, "role", "[[author]]", required=False),
            is_org=reader.boolean(entry, "org", "[[author]]"),
        )


def _responsibility(reader: _Reader, data: dict):
    for entry in reader.tables(data, "responsibility"):
        reader.known_keys(entry, {"resp", "name"}, "[[responsibility]]")
        yield (reader.string(entry, "resp", "[[responsibility]]"), reader.string(entry, "name", "[[responsibility]]"))


SOURCE_KEYS = ("title", "journal", "author", "publisher", "issue", "date", "url", "note")


def _source_bibl(reader: _Reader, table: dict):
    reader.known_keys(table, {*SOURCE_KEYS, "notes_by"}, "[source_description]")
    for key in SOURCE_KEYS:
        if key != "note" and table.get(key):
            yield (key, str(table[key]))


def _furniture(reader: _Reader, data: dict):
    for entry in reader.tables(data, "furniture"):
        reader.known_keys(entry, {"line", "reason", "keyword"}, "[[furniture]]")
        yield Furniture(
            line_text=reader.string(entry, "line", "[[furniture]]"),
            reason=reader.string(entry, "reason", "[[furniture]]"),
            keyword=reader.string(entry, "keyword", "[[furniture]]", required=False),
        )


def _outline(reader: _Reader, data: dict):
    previous_line = 0
    previous_part = 0
    for entry in reader.tables(data, "division"):
        where = f"[[division]] line = {entry.get('line')}"
        reader.known_keys(entry, {"line", "type", "level", "part", "label"}, where)
        line = reader.integer(entry, "line", where)
        kind = reader.string(entry, "type", where)
        if not NCNAME.match(kind):
            raise reader.fail(f"{where}: type '{kind}' is not a single word", f'type = "{kind}"')
        level = reader.integer(entry, "level", where, default=1)
        part = entry.get("part")
        if part is not None and part not in PARTS:
            raise reader.fail(f"{where}: part must be one of {', '.join(PARTS)}", f'part = "{part}"')
        if line <= previous_line:
            raise reader.fail(f"{where}: divisions must be listed in source order", f"line = {line}")
        if part is not None:
            if PARTS.index(part) < previous_part:
                raise reader.fail(
                    f"{where}: part '{part}' comes after a later part",
                    f"line = {line}",
                    hint="front, body and back follow each other in the source",
                )
            previous_part = PARTS.index(part)
        if level < 1:
            raise reader.fail(f"{where}: level starts at 1", f"line = {line}")
        previous_line = line
        yield DivisionStart(line=line, type=kind, level=level, part=part)


def _resp(reader: _Reader, entry: dict, where: str, editor_ids: set[str], required: bool = False) -> str | None:
    """A pointer to who is responsible: an [[editor]]'s id, or '#id' of another agent (a register entry)."""
    resp = reader.string(entry, "resp", where, required=required)
    if resp is None or (resp.startswith("#") and NCNAME.match(resp[1:])):
        return resp
    if resp not in editor_ids:
        raise reader.fail(
            f"{where}: resp '{resp}' is not the id of an [[editor]]",
            f'resp = "{resp}"',
            hint="declare the editor in [[editor]] with that id, or point elsewhere with '#id'",
        )
    return f"#{resp}"


def _cert(reader: _Reader, entry: dict, where: str) -> str | None:
    cert = entry.get("cert")
    if cert is not None and cert not in CERTAINTY:
        raise reader.fail(f"{where}: cert must be one of {', '.join(CERTAINTY)}", f'cert = "{cert}"')
    return cert


def _readings(reader: _Reader, entry: dict, where: str) -> tuple[Reading, ...]:
    readings = entry.get("readings", [])
    if not isinstance(readings, list) or not all(isinstance(item, dict) for item in readings):
        raise reader.fail(f"{where}: readings must be a list of tables {{ corr = …, cert = … }}", "readings")
    found = []
    for item in readings:
        reader.known_keys(item, {"corr", "cert"}, f"{where} readings")
        found.append(Reading(reader.string(item, "corr", f"{where} readings"), _cert(reader, item, where)))
    certs = [r.cert for r in found]
    if found and (len(found) < 2 or None in certs):
        raise reader.fail(
            f"{where}: give two or more readings, each with its cert",
            "readings",
            hint="a single correction is written with corr = … and cert = …",
        )
    return tuple(found)


CORRECTION_KEYS = {"line", "sic", "corr", "after", "supplied", "surplus", "reason", "resp", "cert", "readings"}


def _corrections(reader: _Reader, data: dict, editor_ids: set[str]):
    for entry in reader.tables(data, "correction"):
        where = f"[[correction]] line = {entry.get('line')}"
        reader.known_keys(entry, CORRECTION_KEYS, where)
        line = reader.integer(entry, "line", where)
        reason = reader.string(entry, "reason", where)
        resp, cert = _resp(reader, entry, where, editor_ids), _cert(reader, entry, where)
        kinds = [
            ("sic" in entry or "corr" in entry or "readings" in entry),
            ("after" in entry or "supplied" in entry),
            "surplus" in entry,
        ]
        if sum(kinds) != 1:
            raise reader.fail(
                f"{where}: give either sic and corr (or readings), after and supplied, or surplus", f"line = {line}"
            )
        if kinds[0]:
            readings = _readings(reader, entry, where)
            if readings and "corr" in entry:
                raise reader.fail(f"{where}: give corr or readings, not both", f"line = {line}")
            yield Correction(
                line,
                reason,
                sic=reader.string(entry, "sic", where),
                corr=entry.get("corr", ""),
                readings=readings,
                resp=resp,
                cert=cert,
            )
        elif kinds[1]:
            yield Correction(
                line,
                reason,
                after=reader.string(entry, "after", where),
                supplied=reader.string(entry, "supplied", where),
                resp=resp,
                cert=cert,
            )
        else:
            yield Correction(line, reason, surplus=reader.string(entry, "surplus", where), resp=resp, cert=cert)


def _editors(reader: _Reader, data: dict):
    seen: set[str] = set()
    for entry in reader.tables(data, "editor"):
        where = f"[[editor]] id = {entry.get('id')}"
        reader.known_keys(entry, {"id", "name", "resp", "orcid", "org"}, where)
        editor_id = reader.string(entry, "id", where)
        if not NCNAME.match(editor_id) or editor_id in seen:
            raise reader.fail(f"{where}: the id must be an XML name used once", f'id = "{editor_id}"')
        seen.add(editor_id)
        orcid = reader.string(entry, "orcid", where, required=False)
        if orcid is not None and not ORCID.match(orcid):
            raise reader.fail(
                f"{where}: orcid must be the bare identifier 0000-0000-0000-0000",
                "orcid =",
                hint="write only an ORCID iD you have checked",
            )
        yield Editor(
            id=editor_id,
            name=reader.string(entry, "name", where),
            resp=reader.string(entry, "resp", where),
            orcid=orcid,
            is_org=reader.boolean(entry, "org", where),
        )


def _series(reader: _Reader, data: dict) -> Series | None:
    if "series" not in data:
        return None
    table = reader.table(data, "series")
    reader.known_keys(table, {"title", "part", "parts"}, "[series]")
    part, parts = table.get("part"), table.get("parts")
    return Series(
        title=reader.string(table, "title", "[series]"),
        part=str(part) if part is not None else None,
        parts=str(parts) if parts is not None else None,
    )


def _related(reader: _Reader, data: dict):
    for entry in reader.tables(data, "related"):
        where = f"[[related]] title = {entry.get('title')!r}"
        reader.known_keys(
            entry, {"type", "title", "author", "language", "language_name", "date", "place", "publisher", "note"}, where
        )
        kind = reader.string(entry, "type", where)
        if kind not in RELATED_TYPES:
            raise reader.fail(f"{where}: type must be one of {', '.join(RELATED_TYPES)}", f'type = "{kind}"')
        date = entry.get("date")
        if date is not None and not ISO_DAY.match(str(date)):
            raise reader.fail(f"{where}: date must be YYYY, YYYY-MM or YYYY-MM-DD", "date =")
        yield Related(
            type=kind,
            title=reader.string(entry, "title", where),
            author=reader.string(entry, "author", where, required=False),
            language=reader.string(entry, "language", where, required=False),
            language_name=reader.string(entry, "language_name", where, required=False),
            date=str(date) if date is not None else None,
            place=reader.string(entry, "place", where, required=False),
            publisher=reader.string(entry, "publisher", where, required=False),
            note=reader.string(entry, "note", where, required=False),
        )


def _calendars(reader: _Reader, data: dict):
    for entry in reader.tables(data, "calendar"):
        where = f"[[calendar]] id = {entry.get('id')}"
        reader.known_keys(entry, {"id", "description"}, where)
        calendar_id = reader.string(entry, "id", where)
        if not NCNAME.match(calendar_id):
            raise reader.fail(f"{where}: the id must be an XML name", f'id = "{calendar_id}"')
        yield Calendar(id=calendar_id, description=reader.string(entry, "description", where))


def _omissions(reader: _Reader, data: dict, editor_ids: set[str]):
    for entry in reader.tables(data, "omission"):
        where = f"[[omission]] line = {entry.get('line')}"
        reader.known_keys(entry, {"line", "after", "reason", "description", "resp"}, where)
        reason = reader.string(entry, "reason", where)
        if not NCNAME.match(reason.replace(" ", "-")):
            raise reader.fail(f"{where}: reason is a word or two (editorial, irrelevant, …)", "reason =")
        yield Omission(
            line=reader.integer(entry, "line", where),
            after=reader.string(entry, "after", where),
            reason=reason,
            description=reader.string(entry, "description", where),
            resp=_resp(reader, entry, where, editor_ids),
        )


def _notes(reader: _Reader, data: dict, editor_ids: set[str]):
    for entry in reader.tables(data, "note"):
        where = f"[[note]] line = {entry.get('line')}"
        reader.known_keys(entry, {"line", "at", "text", "resp"}, where)
        resp = _resp(reader, entry, where, editor_ids, required=True)
        assert resp is not None
        yield EditorialNote(
            line=reader.integer(entry, "line", where),
            at=reader.string(entry, "at", where),
            text=reader.string(entry, "text", where),
            resp=resp,
        )


@dataclass(frozen=True)
class _Label:
    line: int
    label: str


def _outline_labels(reader: _Reader, data: dict):
    for entry in reader.tables(data, "division"):
        label = entry.get("label")
        if label is not None:
            where = f"[[division]] line = {entry.get('line')}"
            yield _Label(reader.integer(entry, "line", where), reader.string(entry, "label", where))


TAG_ELEMENTS = {"persName", "orgName", "placeName", "date", "title", "event", "bibl", "none"}
DATE_ATTRS = ("when", "from", "to", "notBefore", "notAfter")
# The kind of a date, whatever its wording (encoding guide, Dates): a point (@when), a period (@from/@to)
# or an uncertain point (@notBefore/@notAfter).
DATE_KINDS = ("point", "period", "uncertain")
TITLE_LEVELS = ("a", "m", "j", "s", "u")


def _tag_decisions(reader: _Reader, data: dict):
    for entry in reader.tables(data, "tag"):
        where = f"[[tag]] line = {entry.get('line')}"
        reader.known_keys(
            entry,
            {"line", "text", "element", "ref", "reason", "kind", "calendar", "level", "scope", *DATE_ATTRS},
            where,
        )
        element = reader.string(entry, "element", where)
        if element not in TAG_ELEMENTS:
            raise reader.fail(
                f"{where}: element must be one of {', '.join(sorted(TAG_ELEMENTS))}", f'element = "{element}"'
            )
        attrs: list[tuple[str, str]] = []
        kind = entry.get("kind")
        if element in {"persName", "orgName", "placeName", "event"}:
            attrs.append(("ref", _register_pointer(reader, entry, where)))
        elif element == "title":
            level = reader.string(entry, "level", where)
            if level not in TITLE_LEVELS:
                raise reader.fail(f"{where}: level must be one of {', '.join(TITLE_LEVELS)}", "level =")
            attrs.append(("level", level))
            ref = reader.string(entry, "ref", where, required=False)
            attrs.extend([("ref", ref)] if ref else [])
        elif element == "bibl":
            scope = reader.string(entry, "scope", where, required=False)
            attrs.extend([("scope", scope)] if scope else [])
        elif element == "date":
            attrs.extend((key, str(entry[key])) for key in DATE_ATTRS if key in entry)
            if kind is not None and kind not in DATE_KINDS:
                raise reader.fail(f"{where}: kind must be one of {', '.join(DATE_KINDS)}", f'kind = "{kind}"')
            if not attrs and kind is None:
                raise reader.fail(f"{where}: a date needs kind, when, from/to or notBefore/notAfter", where)
            calendar = reader.string(entry, "calendar", where, required=False)
            attrs.extend([("calendar", f"#{calendar}")] if calendar else [])
        yield TagDecision(
            line=reader.integer(entry, "line", where),
            text=reader.string(entry, "text", where),
            element=element,
            attrs=tuple(attrs),
            reason=reader.string(entry, "reason", where, required=False) or "",
            kind=kind,
        )


def _register_pointer(reader: _Reader, entry: dict, where: str) -> str:
    """A ``ref`` into the register: ``#`` and an entity id (``ref = "iwma"`` would point at nothing)."""
    ref = reader.string(entry, "ref", where) or ""
    if ref.startswith("#") and NCNAME.match(ref[1:]):
        return ref
    ident = ref.lstrip("#").strip()
    suggestion = f'ref = "#{ident}"' if NCNAME.match(ident) else 'ref = "#ID" with an id of the register'
    raise reader.fail(
        f"{where}: ref = {ref!r} does not point into the register",
        f"ref = {ref!r}".replace("'", '"'),
        hint=f"write {suggestion}: a register id after '#'",
    )


def _changes(reader: _Reader, data: dict):
    for entry in reader.tables(data, "change"):
        reader.known_keys(entry, {"when", "who", "what"}, "[[change]]")
        when = str(entry.get("when", ""))
        if not ISO_DAY.match(when):
            raise reader.fail("[[change]]: when must be an ISO date (YYYY-MM-DD)", "[[change]]")
        yield Change(
            when=when, who=reader.string(entry, "who", "[[change]]"), what=reader.string(entry, "what", "[[change]]")
        )


NOTES_KEYS = {"reference", "marker"}


def _note_syntax(reader: _Reader, data: dict) -> NoteSyntax:
    table = reader.table(data, "notes")
    reader.known_keys(table, NOTES_KEYS, "[notes]")
    values: dict[str, str] = {}
    for key in sorted(NOTES_KEYS):
        if key not in table:
            continue
        value = reader.string(table, key, "[notes]") or ""
        if not NOTE_TEMPLATE.match(value or ""):
            raise reader.fail(
                f"[notes]: {key} = {value!r} is not a note template",
                f"{key} =",
                hint='write the number as n between punctuation, e.g. "[n]", "(n)", "^n" or "n."',
            )
        values[key] = value
    return NoteSyntax(**values)


def default_edition(source: Path) -> Edition:
    """The edition of a text that has no edition file: everything from the text itself."""
    return Edition(path=str(source.with_suffix(".toml")), id=_id_from_name(source.stem), source=source.name)


def _id_from_name(stem: str) -> str:
    cleaned = re.sub(r"[^\w.\-]+", "-", stem).strip("-") or "text"
    return cleaned if NCNAME.match(cleaned) else f"t-{cleaned}"
