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
class Correction:
    """A declared correction on one source line: ``sic`` → ``corr``, or ``supplied`` text after ``after``."""

    line: int
    reason: str
    sic: str | None = None
    corr: str | None = None
    after: str | None = None
    supplied: str | None = None


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
    publisher: str = "teikit"
    pub_date: str | None = None
    availability: str | None = None
    source_bibl: tuple[tuple[str, str], ...] = ()
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
    notes: NoteSyntax = NoteSyntax()
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def keywords(self) -> tuple[str, ...]:
        return tuple(f.keyword for f in self.furniture if f.keyword)


NCNAME = re.compile(r"^[A-Za-z_][\w.\-]*$")
ISO_DAY = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

TOP_KEYS = {
    "source", "id", "language", "language_name", "title", "subtitle", "author", "responsibility", "publication",
    "source_description", "creation", "project", "register", "default_century", "furniture", "division",
    "correction", "tag", "change", "notes",
}


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

    def string(self, table: dict, key: str, where: str, required: bool = True) -> str | None:
        value = table.get(key)
        if value is None:
            if required:
                raise self.fail(f"{where}: '{key}' is required", where.split("[")[0])
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{where}: '{key}' must be a non-empty string", f"{key} =")
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
                f"{where}: unknown key '{unknown[0]}'", f"{unknown[0]}",
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
        raise reader.fail(f"id '{edition_id}' is not a valid XML name", "id =",
                          hint="use letters, digits, '-', '_' and '.', starting with a letter")
    publication = reader.table(data, "publication")
    source_desc = reader.table(data, "source_description")
    creation = reader.table(data, "creation")
    reader.known_keys(publication, {"publisher", "date", "availability"}, "[publication]")
    reader.known_keys(creation, {"text", "date"}, "[creation]")
    pub_date = publication.get("date")
    if pub_date is not None:
        pub_date = str(pub_date)
        if not ISO_DAY.match(pub_date):
            raise reader.fail("[publication]: date must be YYYY, YYYY-MM or YYYY-MM-DD", "date =")
    creation_date = creation.get("date")
    century = reader.integer(data, "default_century", "edition file", default=1900)
    return Edition(
        path=str(path),
        id=edition_id,
        source=source,
        language=data.get("language", "en"),
        language_name=data.get("language_name", "English"),
        title=data.get("title"),
        subtitle=data.get("subtitle"),
        authors=tuple(_authors(reader, data)),
        responsibility=tuple(_responsibility(reader, data)),
        publisher=publication.get("publisher", "teikit"),
        pub_date=pub_date,
        availability=publication.get("availability"),
        source_bibl=tuple(_source_bibl(reader, source_desc)),
        source_note=source_desc.get("note"),
        creation=creation.get("text"),
        creation_date=str(creation_date) if creation_date is not None else None,
        project=data.get("project"),
        register=data.get("register"),
        default_century=century,
        furniture=tuple(_furniture(reader, data)),
        outline=tuple(_outline(reader, data)),
        corrections=tuple(_corrections(reader, data)),
        tag_decisions=tuple(_tag_decisions(reader, data)),
        changes=tuple(_changes(reader, data)),
        notes=_notes(reader, data),
    )


def _authors(reader: _Reader, data: dict):
    for entry in reader.tables(data, "author"):
        reader.known_keys(entry, {"name", "ref", "role", "org"}, "[[author]]")
        yield Person(
            name=reader.string(entry, "name", "[[author]]"),
            ref=entry.get("ref"),
            role=entry.get("role"),
            is_org=bool(entry.get("org", False)),
        )


def _responsibility(reader: _Reader, data: dict):
    for entry in reader.tables(data, "responsibility"):
        reader.known_keys(entry, {"resp", "name"}, "[[responsibility]]")
        yield (reader.string(entry, "resp", "[[responsibility]]"), reader.string(entry, "name", "[[responsibility]]"))


SOURCE_KEYS = ("title", "journal", "author", "publisher", "date", "note")


def _source_bibl(reader: _Reader, table: dict):
    reader.known_keys(table, set(SOURCE_KEYS), "[source_description]")
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
        reader.known_keys(entry, {"line", "type", "level", "part"}, where)
        line = reader.integer(entry, "line", where)
        kind = reader.string(entry, "type", where)
        if not NCNAME.match(kind):
            raise reader.fail(f"{where}: type '{kind}' is not a single word", f"type = \"{kind}\"")
        level = reader.integer(entry, "level", where, default=1)
        part = entry.get("part")
        if part is not None and part not in PARTS:
            raise reader.fail(f"{where}: part must be one of {', '.join(PARTS)}", f"part = \"{part}\"")
        if line <= previous_line:
            raise reader.fail(f"{where}: divisions must be listed in source order", f"line = {line}")
        if part is not None:
            if PARTS.index(part) < previous_part:
                raise reader.fail(f"{where}: part '{part}' comes after a later part", f"line = {line}",
                                  hint="front, body and back follow each other in the source")
            previous_part = PARTS.index(part)
        if level < 1:
            raise reader.fail(f"{where}: level starts at 1", f"line = {line}")
        previous_line = line
        yield DivisionStart(line=line, type=kind, level=level, part=part)


def _corrections(reader: _Reader, data: dict):
    for entry in reader.tables(data, "correction"):
        where = f"[[correction]] line = {entry.get('line')}"
        reader.known_keys(entry, {"line", "sic", "corr", "after", "supplied", "reason"}, where)
        line = reader.integer(entry, "line", where)
        reason = reader.string(entry, "reason", where)
        has_sic = "sic" in entry or "corr" in entry
        has_supplied = "after" in entry or "supplied" in entry
        if has_sic == has_supplied:
            raise reader.fail(f"{where}: give either sic and corr, or after and supplied", f"line = {line}")
        if has_sic:
            yield Correction(line, reason, sic=reader.string(entry, "sic", where), corr=entry.get("corr", ""))
        else:
            yield Correction(line, reason, after=reader.string(entry, "after", where),
                             supplied=reader.string(entry, "supplied", where))


TAG_ELEMENTS = {"persName", "orgName", "placeName", "date", "none"}
DATE_ATTRS = ("when", "from", "to", "notBefore", "notAfter")


def _tag_decisions(reader: _Reader, data: dict):
    for entry in reader.tables(data, "tag"):
        where = f"[[tag]] line = {entry.get('line')}"
        reader.known_keys(entry, {"line", "text", "element", "ref", "reason", *DATE_ATTRS}, where)
        element = reader.string(entry, "element", where)
        if element not in TAG_ELEMENTS:
            raise reader.fail(f"{where}: element must be one of {', '.join(sorted(TAG_ELEMENTS))}",
                              f"element = \"{element}\"")
        attrs: list[tuple[str, str]] = []
        if element in {"persName", "orgName", "placeName"}:
            attrs.append(("ref", _register_pointer(reader, entry, where)))
        elif element == "date":
            attrs.extend((key, str(entry[key])) for key in DATE_ATTRS if key in entry)
            if not attrs:
                raise reader.fail(f"{where}: a date needs when, from/to or notBefore/notAfter", where)
        yield TagDecision(
            line=reader.integer(entry, "line", where),
            text=reader.string(entry, "text", where),
            element=element,
            attrs=tuple(attrs),
            reason=entry.get("reason", ""),
        )


def _register_pointer(reader: _Reader, entry: dict, where: str) -> str:
    """A ``ref`` into the register: ``#`` and an entity id (``ref = "iwma"`` would point at nothing)."""
    ref = reader.string(entry, "ref", where) or ""
    if ref.startswith("#") and NCNAME.match(ref[1:]):
        return ref
    ident = ref.lstrip("#").strip()
    suggestion = f'ref = "#{ident}"' if NCNAME.match(ident) else 'ref = "#ID" with an id of the register'
    raise reader.fail(f"{where}: ref = {ref!r} does not point into the register", f"ref = {ref!r}".replace("'", '"'),
                      hint=f"write {suggestion}: a register id after '#'")


def _changes(reader: _Reader, data: dict):
    for entry in reader.tables(data, "change"):
        reader.known_keys(entry, {"when", "who", "what"}, "[[change]]")
        when = str(entry.get("when", ""))
        if not ISO_DAY.match(when):
            raise reader.fail("[[change]]: when must be an ISO date (YYYY-MM-DD)", "[[change]]")
        yield Change(when=when, who=reader.string(entry, "who", "[[change]]"),
                     what=reader.string(entry, "what", "[[change]]"))


NOTES_KEYS = {"reference", "marker"}


def _notes(reader: _Reader, data: dict) -> NoteSyntax:
    table = reader.table(data, "notes")
    reader.known_keys(table, NOTES_KEYS, "[notes]")
    values: dict[str, str] = {}
    for key in sorted(NOTES_KEYS):
        if key not in table:
            continue
        value = reader.string(table, key, "[notes]") or ""
        if not NOTE_TEMPLATE.match(value or ""):
            raise reader.fail(f"[notes]: {key} = {value!r} is not a note template", f"{key} =",
                              hint='write the number as n between punctuation, e.g. "[n]", "(n)", "^n" or "n."')
        values[key] = value
    return NoteSyntax(**values)


def default_edition(source: Path) -> Edition:
    """The edition of a text that has no edition file: everything from the text itself."""
    return Edition(path=str(source.with_suffix(".toml")), id=_id_from_name(source.stem), source=source.name)


def _id_from_name(stem: str) -> str:
    cleaned = re.sub(r"[^\w.\-]+", "-", stem).strip("-") or "text"
    return cleaned if NCNAME.match(cleaned) else f"t-{cleaned}"
