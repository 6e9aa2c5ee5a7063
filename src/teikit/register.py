"""The entity register: load and check ``register.toml``, normalise name forms, write TEI lists.

The format is described in schemas/register-format.md. Every problem in a register is an
:class:`~teikit.errors.InputError` naming the file, the line of the offending
entry (or key) and what to do about it.
"""

from __future__ import annotations

import datetime
import difflib
import re
import sys
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from .errors import InputError
from .files import read_input
from .xmlio import TEI_NS, XML_NS

FORMAT_VERSION = 1
ENTITY_TYPES = ("person", "org", "place", "title", "event")
CASE_RULES = ("initial", "exact", "any")
CONTEXT_RULES = ("followed_by", "not_followed_by", "preceded_by", "not_preceded_by")

# The characters that matching treats as one (schemas/register-format.md, "Matching semantics"): the typographic
# apostrophe is the plain one, the hyphen (U+2010) and non-breaking hyphen (U+2011) are the ASCII one.
# Runs of white space (str.isspace, which includes U+00A0) are one space; see normalise_form.
EQUIVALENT_CHARACTERS = {"\u2019": "'", "\u2010": "-", "\u2011": "-"}
_EQUIVALENTS = str.maketrans(EQUIVALENT_CHARACTERS)


@dataclass(frozen=True)
class Authority:
    """An authority file whose identifiers the register may carry."""

    label: str
    id_pattern: str
    uri_template: str
    example: str


# Identifier shapes: Wikidata items, VIAF clusters and GeoNames features are numbers; the GND pattern is
# the one Wikidata documents for property P227. URIs are each authority's published entity URI.
AUTHORITIES = {
    "wikidata": Authority("Wikidata", r"Q[1-9][0-9]*", "http://www.wikidata.org/entity/{}", "Q1001"),
    "viaf": Authority("VIAF", r"[1-9][0-9]{0,21}", "http://viaf.org/viaf/{}", "113230702"),
    "gnd": Authority(
        "GND",
        r"1[012]?[0-9]{7}[0-9X]|[47][0-9]{6}-[0-9]|[1-9][0-9]{0,7}-[0-9X]|3[0-9]{7}[0-9X]",
        "https://d-nb.info/gnd/{}",
        "118640445",
    ),
    "geonames": Authority("GeoNames", r"[1-9][0-9]*", "https://sws.geonames.org/{}/", "2017370"),
}

COMMON_KEYS = ("id", "name", "forms", "description", "note", *AUTHORITIES)
# Keys that only some entity types take: dates for persons and organisations, a subtype for orgs and places.
# The structured keys (forename, surname, affiliation, latitude, longitude) are optional, for editors who want them.
TYPE_KEYS = {
    "person": ("birth", "death", "forename", "surname", "affiliation"),
    "org": ("kind", "founded", "dissolved"),
    "place": ("kind", "latitude", "longitude"),
    # Works (TEI title with @level) and events (TEI event in listEvent): see _work_and_event_facts.
    "title": ("level", "author", "date"),
    "event": ("kind", "when", "from", "to", "where"),
}
TITLE_LEVELS = ("a", "m", "j", "s", "u")
EVENT_DATE_KEYS = ("when", "from", "to")
DATE_KEYS = ("birth", "death", "founded", "dissolved")
REQUIRED_KEYS = ("id", "name", "forms", "description")
FORM_KEYS = ("text", "case", *CONTEXT_RULES)


@dataclass(frozen=True)
class NameForm:
    """One way an entity is named in the texts, with the rules that say where it counts."""

    text: str
    case: str = "initial"
    followed_by: str | None = None
    not_followed_by: str | None = None
    preceded_by: str | None = None
    not_preceded_by: str | None = None

    @property
    def rules(self) -> tuple[tuple[str, str], ...]:
        """The context rules that are set, as (rule, regex) pairs in the spec's order."""
        return tuple((rule, getattr(self, rule)) for rule in CONTEXT_RULES if getattr(self, rule) is not None)

    @property
    def normalised(self) -> str:
        """The form as the matcher compares it (see :func:`normalise_form`)."""
        return normalise_form(self.text)


@dataclass(frozen=True)
class Entity:
    """A person, organisation or place of the register."""

    id: str
    type: str
    name: str
    forms: tuple[NameForm, ...]
    description: str
    kind: str | None = None
    dates: tuple[tuple[str, str], ...] = ()
    authorities: tuple[tuple[str, str], ...] = ()
    note: str | None = None
    forename: str | None = None
    surname: str | None = None
    affiliations: tuple[str, ...] = ()
    coordinates: tuple[float, float] | None = None
    # Facts of works and events: level, author, date of a title; when/from/to and where (a place id) of an event.
    facts: tuple[tuple[str, str], ...] = ()

    def fact(self, key: str) -> str | None:
        return dict(self.facts).get(key)

    @property
    def match_forms(self) -> tuple[NameForm, ...]:
        """The forms the matcher looks for: the written ones, and the preferred name if they lack it."""
        wanted = normalise_form(self.name)
        if any(form.normalised == wanted for form in self.forms):
            return self.forms
        return (*self.forms, NameForm(text=self.name))


def _type_order(entity_type: str) -> int:
    return ENTITY_TYPES.index(entity_type) if entity_type in ENTITY_TYPES else len(ENTITY_TYPES)


@dataclass(frozen=True)
class Register:
    """All entities of a register, persons then organisations then places, each sorted by id.

    The file may list its entries in any order (``teikit register sort`` writes the canonical one);
    the loaded register is always in this order, so that nothing depends on how the file was written.
    """

    entities: tuple[Entity, ...]
    path: str | None = None
    # Capitalised phrases the editor has reviewed and decided are not entities: `teikit suggest` skips them.
    not_names: tuple[str, ...] = ()
    _by_id: dict[str, Entity] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {entity.id: entity for entity in self.entities})

    def get(self, entity_id: str) -> Entity | None:
        """The entity with this id, or None."""
        return self._by_id.get(entity_id)

    def __getitem__(self, entity_id: str) -> Entity:
        return self._by_id[entity_id]

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self._by_id

    def __iter__(self) -> Iterator[Entity]:
        return iter(self.entities)

    def __len__(self) -> int:
        return len(self.entities)


def normalise_form(text: str) -> str:
    """A form as matched: outer space stripped, space runs one space, apostrophes and hyphens unified."""
    return " ".join(text.split()).translate(_EQUIVALENTS)


def first_letter_index(normalised: str) -> int | None:
    """Where the first letter of a normalised form is (the one the "initial" case rule keeps exact)."""
    for index, char in enumerate(normalised):
        if char.isalpha():
            return index
    return None


# --- locating entries in the raw text --------------------------------------------------------------------

_HEADER = re.compile(r"^\s*\[\[\s*(\w+)\s*\]\]")
_TABLE_HEADER = re.compile(r"^\s*\[\[?\s*[\w.\"' -]+\s*\]\]?\s*(?:#.*)?$")
# Characters XML 1.0 cannot hold (TOML escapes can write them): C0 controls but tab and newlines.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


class _SourceLines:
    """Finds the line of an entry, or of one key in it, in the register's raw text."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        # A line that begins inside a multi-line string ('note = """…') is text, not TOML: it may well
        # look like "[see below]" or "id = …".
        self.in_string = _lines_in_multiline_strings(self.lines)
        self.headers: dict[str, list[int]] = {}
        for number, line in enumerate(self.lines, start=1):
            match = _HEADER.match(line)
            if match and not self.in_string[number - 1]:
                self.headers.setdefault(match.group(1), []).append(number)

    def _block(self, entity_type: str, index: int) -> tuple[int, int] | None:
        starts = self.headers.get(entity_type, [])
        if index >= len(starts):
            return None
        start = starts[index]
        end = len(self.lines)
        for number in range(start, len(self.lines)):  # the next header of any kind ends the entry
            if _TABLE_HEADER.match(self.lines[number]) and not self.in_string[number]:
                end = number
                break
        return start, end

    def entry_line(self, entity_type: str, index: int, entity_id: str | None = None) -> int | None:
        """The ``id = "…"`` line of an entry, else its ``[[type]]`` line."""
        found = self.key_line(entity_type, index, "id")
        if found is not None:
            return found
        if entity_id is not None:
            pattern = re.compile(r"""^\s*id\s*=\s*["']""" + re.escape(entity_id) + r"""["']""")
            for number, line in enumerate(self.lines, start=1):
                if pattern.match(line):
                    return number
        block = self._block(entity_type, index)
        return block[0] if block else None

    def key_line(self, entity_type: str, index: int, key: str) -> int | None:
        """The line where ``key = …`` is set in an entry, if the entry is written as a ``[[type]]`` table."""
        block = self._block(entity_type, index)
        if block is None:
            return None
        pattern = re.compile(r"^\s*" + re.escape(key) + r"\s*=")
        for number in range(block[0] + 1, block[1] + 1):
            if pattern.match(self.lines[number - 1]) and not self.in_string[number - 1]:
                return number
        return None

    def text_line(self, entity_type: str, index: int, needle: str) -> int | None:
        """The first line of an entry that contains ``needle`` (a form's text, say)."""
        block = self._block(entity_type, index)
        if block is None or not needle:
            return None
        for number in range(block[0], block[1] + 1):
            if needle in self.lines[number - 1]:
                return number
        return None


def _lines_in_multiline_strings(lines: list[str]) -> list[bool]:
    """For each line, whether it begins inside a \"\"\" or \'\'\' string."""
    inside: str | None = None
    result = []
    for line in lines:
        result.append(inside is not None)
        position = 0
        while True:
            if inside is not None:
                found = line.find(inside, position)
                if found < 0:
                    break
                inside, position = None, found + 3
            else:
                starts = [(line.find(q, position), q) for q in ('"""', "'''") if line.find(q, position) >= 0]
                if not starts:
                    break
                found, inside = min(starts)
                position = found + 3
    return result


# --- loading --------------------------------------------------------------------------------------------


class _Checker:
    """Turns the parsed TOML into entities, raising an InputError at the first problem."""

    def __init__(self, path: str, source: _SourceLines) -> None:
        self.path = path
        self.source = source

    def fail(self, message: str, line: int | None, hint: str) -> InputError:
        return InputError(message, self.path, line, None, hint)

    def entities(self, data: dict) -> tuple[Entity, ...]:
        fmt = data.get("format")
        if type(fmt) is not int or fmt != FORMAT_VERSION:
            line = next((n for n, text in enumerate(self.source.lines, 1) if text.startswith("format")), None)
            raise self.fail(
                f"the register must declare format = {FORMAT_VERSION}, not {fmt!r}",
                line,
                f"put 'format = {FORMAT_VERSION}' at the top of the file",
            )
        for key in data:
            if key not in ("format", "not_names") and key not in ENTITY_TYPES:
                raise self.fail(
                    f"unknown table '{key}'",
                    self.source.headers.get(key, [None])[0],
                    "a register has only [[person]], [[org]], [[place]], [[title]] and [[event]] entries"
                    + _did_you_mean(key, ENTITY_TYPES),
                )
        entities: list[Entity] = []
        seen: dict[str, tuple[str, int | None]] = {}
        for entity_type in ENTITY_TYPES:
            entries = data.get(entity_type, [])
            if not isinstance(entries, list):
                raise self.fail(
                    f"'{entity_type}' must be an array of tables",
                    None,
                    f"write each entry as a [[{entity_type}]] table",
                )
            for index, entry in enumerate(entries):
                entity = self.entity(entity_type, index, entry)
                line = self.source.entry_line(entity_type, index, entity.id)
                if entity.id in seen:
                    other_type, other_line = seen[entity.id]
                    raise self.fail(
                        f"duplicate id '{entity.id}' (already used by a {other_type} on line {other_line})",
                        line,
                        "ids are unique across persons, organisations and places; rename one of them",
                    )
                seen[entity.id] = (entity_type, line)
                entities.append(entity)
        self.check_ambiguous_forms(entities)
        self.check_affiliations(entities)
        # Order-free: whatever order the file has, the register is persons, orgs, places, each by id.
        entities.sort(key=lambda entity: (_type_order(entity.type), entity.id))
        self.check_event_places(entities)
        return tuple(entities)

    def check_event_places(self, entities: list[Entity]) -> None:
        places = {entity.id for entity in entities if entity.type == "place"}
        for index, entity in enumerate(e for e in entities if e.type == "event"):
            where = entity.fact("where")
            if where is not None and where not in places:
                raise self.fail(
                    f"'where' of event '{entity.id}' names no [[place]] '{where}'",
                    self.source.key_line("event", index, "where"),
                    "add the place or fix the id",
                )

    def entity(self, entity_type: str, index: int, entry: object) -> Entity:
        if not isinstance(entry, dict):
            raise self.fail(f"a {entity_type} entry must be a table", None, f"write it as a [[{entity_type}]] table")
        raw_id = entry.get("id")
        entity_id = raw_id if isinstance(raw_id, str) else None
        entry_line = self.source.entry_line(entity_type, index, entity_id)
        label = f"{entity_type} '{entity_id}'" if entity_id else f"{entity_type} entry {index + 1}"
        allowed = COMMON_KEYS + TYPE_KEYS[entity_type]
        for key in entry:
            if key not in allowed:
                line = self.source.key_line(entity_type, index, key) or entry_line
                raise self.fail(f"unknown key '{key}' in {label}", line, _unknown_key_hint(key, entity_type, allowed))
        for key in REQUIRED_KEYS:
            if key not in entry:
                raise self.fail(
                    f"{label} has no '{key}'",
                    entry_line,
                    f"add '{key} = …' to the entry (required keys: id, name, forms, description)",
                )

        def line_of(key: str) -> int | None:
            return self.source.key_line(entity_type, index, key) or entry_line

        def text(key: str, *, one_line: bool = True) -> str | None:
            value = entry.get(key)
            if value is None:
                return None
            if not isinstance(value, str):
                raise self.fail(f"'{key}' of {label} must be a string", line_of(key), f'write {key} = "…"')
            if not value.strip():
                raise self.fail(f"'{key}' of {label} is empty", line_of(key), f"write the {key} or remove the key")
            if one_line and ("\n" in value or "\r" in value):
                raise self.fail(f"'{key}' of {label} must be one line", line_of(key), "join the lines into one")
            self.check_xml_characters(value, f"'{key}' of {label}", line_of(key))
            return value

        entity_id = text("id")
        assert entity_id is not None
        if not _is_ncname(entity_id):
            raise self.fail(
                f"the id '{entity_id}' is not an XML name (NCName)",
                line_of("id"),
                "an id starts with a letter or '_' and holds only letters, digits, '-', '_' and '.'"
                " (no spaces, no ':')",
            )
        kind = text("kind")
        # It becomes @type, a TEI token: no space, control, format or private-use character.
        if kind is not None and any(unicodedata.category(char)[0] in "CZ" for char in kind):
            raise self.fail(
                f"the kind '{kind}' of {label} is not one word",
                line_of("kind"),
                'write one word, e.g. kind = "party"',
            )
        dates = []
        for key in TYPE_KEYS[entity_type]:
            if key in DATE_KEYS and key in entry:
                dates.append((key, self.date(entry[key], label, key, line_of(key))))
        authorities = []
        for scheme, authority in AUTHORITIES.items():
            value = entry.get(scheme)
            if value is None:
                continue
            if not isinstance(value, str) or not re.fullmatch(authority.id_pattern, value):
                raise self.fail(
                    f"'{scheme}' of {label} is not a {authority.label} identifier: {value!r}",
                    line_of(scheme),
                    f'write the bare identifier, shaped like {scheme} = "{authority.example}", and only when certain',
                )
            authorities.append((scheme, value))
        facts = self.work_and_event_facts(entity_type, entry, label, line_of, text)
        forms = self.forms(entry["forms"], entity_type, index, label, line_of("forms"))
        name = text("name")
        description = text("description")
        note = text("note", one_line=False)
        assert name is not None and description is not None
        forename, surname = text("forename"), text("surname")
        self.check_name_parts(name, forename, surname, label, line_of("forename") or line_of("surname"))
        return Entity(
            forename=forename,
            surname=surname,
            affiliations=self.affiliations(entry.get("affiliation"), label, line_of("affiliation")),
            coordinates=self.coordinates(entry, label, line_of("latitude") or line_of("longitude")),
            id=entity_id,
            type=entity_type,
            name=name,
            forms=forms,
            description=description,
            kind=kind,
            dates=tuple(dates),
            authorities=tuple(authorities),
            note=note,
            facts=facts,
        )

    def check_name_parts(
        self, name: str, forename: str | None, surname: str | None, label: str, line: int | None
    ) -> None:
        """Forename and surname are parts of the preferred name, in that order (they become its children)."""
        if forename is None and surname is None:
            return
        if _name_parts(name, forename, surname) is None:
            raise self.fail(
                f"the forename and surname of {label} are not parts of its name '{name}'",
                line,
                "write them exactly as they stand in the preferred name, the forename before the surname",
            )

    def affiliations(self, value: object, label: str, line: int | None) -> tuple[str, ...]:
        if value is None:
            return ()
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items or not all(isinstance(i, str) and _is_ncname(i) for i in items):
            raise self.fail(
                f"'affiliation' of {label} must be an org id or a list of org ids",
                line,
                'write affiliation = "workers-group" (the id of an [[org]] entry)',
            )
        return tuple(items)

    def check_affiliations(self, entities: list[Entity]) -> None:
        orgs = {entity.id for entity in entities if entity.type == "org"}
        for entity in entities:
            for target in entity.affiliations:
                if target not in orgs:
                    raise self.fail(
                        f"the affiliation '{target}' of person '{entity.id}' is not an org of the register",
                        self.source_line_of(entity),
                        "give the id of an [[org]] entry, or add the organisation",
                    )

    def source_line_of(self, entity: Entity) -> int | None:
        for number, line in enumerate(self.source.lines, start=1):
            if re.match(r"""^\s*id\s*=\s*["']""" + re.escape(entity.id) + r"""["']""", line):
                return number
        return None

    def coordinates(self, entry: dict, label: str, line: int | None) -> tuple[float, float] | None:
        latitude, longitude = entry.get("latitude"), entry.get("longitude")
        if latitude is None and longitude is None:
            return None
        numbers = (latitude, longitude)
        if not all(isinstance(n, (int, float)) and not isinstance(n, bool) for n in numbers):
            raise self.fail(
                f"{label} needs both latitude and longitude, as numbers",
                line,
                "write latitude = 59.992 and longitude = 29.77616 (decimal degrees, WGS84)",
            )
        assert latitude is not None and longitude is not None
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise self.fail(
                f"the coordinates of {label} are out of range: {latitude}, {longitude}",
                line,
                "latitude is between -90 and 90, longitude between -180 and 180",
            )
        return float(latitude), float(longitude)

    def work_and_event_facts(self, entity_type: str, entry: dict, label: str, line_of, text) -> tuple:
        """The level, author and date of a title; the dates and place (a register id) of an event."""
        facts: list[tuple[str, str]] = []
        if entity_type == "title":
            level = entry.get("level")
            if level not in TITLE_LEVELS:
                raise self.fail(
                    f"{label} needs a level: one of {', '.join(TITLE_LEVELS)}",
                    line_of("level"),
                    "a = article, m = book or pamphlet, j = journal, s = series, u = unpublished",
                )
            facts.append(("level", level))
            author = text("author")
            facts.extend([("author", author)] if author else [])
            if "date" in entry:
                facts.append(("date", self.date(entry["date"], label, "date", line_of("date"))))
        elif entity_type == "event":
            for key in EVENT_DATE_KEYS:
                if key in entry:
                    facts.append((key, self.date(entry[key], label, key, line_of(key))))
            where = text("where")
            if where is not None:
                if not _is_ncname(where):
                    raise self.fail(
                        f"'where' of {label} must be the id of a [[place]]",
                        line_of("where"),
                        'write where = "genoa" (the place entry\'s id)',
                    )
                facts.append(("where", where))
        return tuple(facts)

    def check_xml_characters(self, value: str, what: str, line: int | None) -> None:
        bad = _NOT_XML.search(value)
        if bad:
            raise self.fail(
                f"{what} holds the character U+{ord(bad.group()):04X}, which XML cannot hold",
                line,
                "remove the control character",
            )

    def date(self, value: object, label: str, key: str, line: int | None) -> str:
        if not isinstance(value, str):
            raise self.fail(
                f"'{key}' of {label} must be a quoted ISO 8601 date",
                line,
                f'write {key} = "YYYY", "YYYY-MM" or "YYYY-MM-DD"',
            )
        if not _is_calendar_date(value):
            raise self.fail(
                f"'{key}' of {label} is not an ISO 8601 calendar date: '{value}'",
                line,
                "write YYYY, YYYY-MM or YYYY-MM-DD with a real month and day, and only if certain",
            )
        return value

    def forms(self, value: object, entity_type: str, index: int, label: str, line: int | None) -> tuple[NameForm, ...]:
        if not isinstance(value, list) or not value:
            raise self.fail(
                f"'forms' of {label} must be a non-empty list",
                line,
                'write forms = ["Name", …] with every form used in the texts',
            )
        forms = []
        for item in value:
            forms.append(self.form(item, entity_type, index, label, line))
        return tuple(forms)

    def form(self, item: object, entity_type: str, index: int, label: str, line: int | None) -> NameForm:
        if isinstance(item, str):
            item = {"text": item}
        if not isinstance(item, dict):
            raise self.fail(
                f"a form of {label} is neither a string nor a table",
                line,
                'write "Name" or { text = "Name", … }',
            )
        form_text = item.get("text")
        where = (self.source.text_line(entity_type, index, form_text) if isinstance(form_text, str) else None) or line
        for key in item:
            if key not in FORM_KEYS:
                raise self.fail(
                    f"unknown key '{key}' in a form of {label}",
                    where,
                    "a form table takes " + ", ".join(FORM_KEYS) + _did_you_mean(key, FORM_KEYS),
                )
        if not isinstance(form_text, str):
            raise self.fail(f"a form of {label} has no text", where, 'write { text = "Name", … }')
        self.check_xml_characters(form_text, f"the form {form_text!r} of {label}", where)
        normalised = normalise_form(form_text)
        if not normalised:
            raise self.fail(f"{label} has an empty form", where, "remove the empty string from forms")
        if not any(char.isalnum() for char in normalised):
            raise self.fail(
                f"the form '{form_text}' of {label} has no letter or digit",
                where,
                "a form names something: write the name",
            )
        case = item.get("case", "initial")
        if case not in CASE_RULES:
            raise self.fail(
                f"the form '{form_text}' of {label} has an unknown case rule {case!r}",
                where,
                'case is "initial" (the default), "exact" or "any"',
            )
        rules: dict[str, str] = {}
        for rule in CONTEXT_RULES:
            pattern = item.get(rule)
            if pattern is None:
                continue
            if not isinstance(pattern, str) or not pattern:
                raise self.fail(
                    f"'{rule}' of the form '{form_text}' of {label} must be a regex string",
                    where,
                    f'write {rule} = "…"',
                )
            problem = _regex_problem(rule, pattern)
            if problem:
                raise self.fail(
                    f"the {rule} regex {pattern!r} of the form '{form_text}' of {label} does not compile: {problem}",
                    where,
                    "fix the Python regular expression (a TOML literal string '…' keeps backslashes as they are)",
                )
            rules[rule] = pattern
        return NameForm(text=form_text, case=case, **rules)

    def check_ambiguous_forms(self, entities: list[Entity]) -> None:
        """Two entities may share a form only if their case rules or context rules can tell them apart."""
        claims: dict[tuple[str, ...], list[tuple[Entity, NameForm]]] = {}
        for entity in entities:
            for form in entity.match_forms:
                claims.setdefault(form_keys(form.normalised), []).append((entity, form))
        positions: dict[str, tuple[str, int]] = {}
        counts = dict.fromkeys(ENTITY_TYPES, 0)
        for entity in entities:
            positions[entity.id] = (entity.type, counts[entity.type])
            counts[entity.type] += 1
        for claimants in claims.values():
            if len({entity.id for entity, _ in claimants}) < 2:
                continue
            for i, (first, first_form) in enumerate(claimants):
                for second, second_form in claimants[i + 1 :]:
                    if first.id == second.id or not _indistinguishable(first_form, second_form):
                        continue
                    entity_type, index = positions[second.id]
                    line = self.source.text_line(entity_type, index, second_form.text) or self.source.entry_line(
                        entity_type, index, second.id
                    )
                    raise self.fail(
                        f"the form '{second_form.text}' is claimed by both '{first.id}' and '{second.id}'"
                        " with nothing to tell them apart",
                        line,
                        "keep the form in one entity, or give the forms different case or context rules"
                        " (preceded_by, followed_by, …)",
                    )


def _name_parts(name: str, forename: str | None, surname: str | None) -> tuple[int, int, int, int] | None:
    """Where forename and surname stand in the name: (forename start, end, surname start, end), or None."""
    start = end = 0
    if forename is not None:
        start = name.find(forename)
        if start < 0:
            return None
        end = start + len(forename)
    surname_start, surname_end = end, end
    if surname is not None:
        surname_start = name.find(surname, end)
        if surname_start < 0:
            return None
        surname_end = surname_start + len(surname)
    return start, end, surname_start, surname_end


def form_keys(normalised: str) -> tuple[str, ...]:
    """The case-folded characters of a normalised form: what the matcher compares letter by letter."""
    # Interned: casefold() makes a new string each time, and a large register holds millions of these.
    return tuple(sys.intern(char.casefold()) for char in normalised)


def exact_positions(form: NameForm) -> frozenset[int]:
    """Positions of a form's normalised text that its case rule keeps exact."""
    normalised = form.normalised
    if form.case == "exact":
        return frozenset(range(len(normalised)))
    if form.case == "initial":
        index = first_letter_index(normalised)
        return frozenset() if index is None else frozenset({index})
    return frozenset()


def _indistinguishable(first: NameForm, second: NameForm) -> bool:
    """True if a text can match both forms (same folded text, compatible case rules) and their rules agree."""
    if set(first.rules) != set(second.rules):
        return False
    a, b = first.normalised, second.normalised
    return all(a[i] == b[i] for i in exact_positions(first) & exact_positions(second))


def _regex_problem(rule: str, pattern: str) -> str | None:
    try:
        # preceded_by rules are searched as (?:REGEX)\Z: compile them that way, so that a pattern that is
        # only valid alone (one ending in an unescaped '|', say) cannot pass here and fail in the matcher.
        re.compile(pattern if rule.endswith("followed_by") else f"(?:{pattern})\\Z")
    except re.error as exc:
        where = f" at position {exc.pos}" if exc.pos is not None else ""
        return f"{exc.msg}{where}"
    return None


# XML 1.0 (fifth edition) NameStartChar and NameChar, without ':' (an NCName).
_NAME_START = (
    "A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_NCNAME = re.compile(f"[{_NAME_START}][{_NAME_START}\\-.0-9\u00b7\u0300-\u036f\u203f-\u2040]*")


def _is_ncname(value: str) -> bool:
    return _NCNAME.fullmatch(value) is not None


def _is_calendar_date(value: str) -> bool:
    match = re.fullmatch(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?", value)
    if not match:
        return False
    year = int(match[1])
    month, day = (int(part) if part else None for part in match.groups()[1:])
    try:
        datetime.date(year, month or 1, day or 1)
    except ValueError:
        return False
    return True


def _did_you_mean(key: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(key, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _unknown_key_hint(key: str, entity_type: str, allowed: tuple[str, ...]) -> str:
    for other_type, keys in TYPE_KEYS.items():
        if key in keys and other_type != entity_type:
            takers = [t for t, ks in TYPE_KEYS.items() if key in ks]
            return f"'{key}' is only for {' and '.join(takers)} entries"
    return "keys are " + ", ".join(allowed) + _did_you_mean(key, allowed)


def load_register(path: str | Path) -> Register:
    """Read and check a register file; raise InputError naming the file, the line and the fix."""
    path = Path(path)
    source = str(path)
    raw = read_input(path, "register file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InputError("the register is not UTF-8", source, line, None, "save the file as UTF-8") from None
    return parse_register(text, source)


def parse_register(text: str, source: str = "<register>") -> Register:
    """Check a register held in memory (the text of a TOML file); ``source`` names it in errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        position = _TOML_POSITION.search(message)
        line = column = None
        if position:
            line, column = int(position.group(1)), int(position.group(2))
            message = message[: position.start()]
        raise InputError(
            f"not valid TOML: {message}", source, line, column, "fix the TOML syntax at that place"
        ) from None
    entities = _Checker(source, _SourceLines(text)).entities(data)
    return Register(entities=entities, path=source, not_names=_not_names(data, source, text))


def _not_names(data: dict, source: str, text: str) -> tuple[str, ...]:
    value = data.get("not_names", [])
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        line = next((n for n, line in enumerate(text.splitlines(), 1) if line.startswith("not_names")), None)
        raise InputError(
            "not_names must be a list of non-empty strings",
            source,
            line,
            None,
            'write not_names = ["Russian", "Manifesto"]',
        )
    return tuple(value)


# --- TEI --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _TeiShape:
    list_element: str
    element: str
    name_element: str


TEI_SHAPES = {
    "person": _TeiShape("listPerson", "person", "persName"),
    "org": _TeiShape("listOrg", "org", "orgName"),
    "place": _TeiShape("listPlace", "place", "placeName"),
    "title": _TeiShape("listBibl", "bibl", "title"),
    "event": _TeiShape("listEvent", "event", "label"),
}


def _tei(name: str) -> str:
    return f"{{{TEI_NS}}}{name}"


def _life_event(element_name: str):
    def build(parent: etree._Element, key: str, value: str) -> None:
        etree.SubElement(parent, _tei(element_name), when=value)

    return build


def _org_event(parent: etree._Element, key: str, value: str) -> None:
    # org has no birth/death; the Guidelines record what happened to an organisation as an <event>
    # (13.3.1 "Events": event may appear in place, person or org), and event needs a label or p.
    event = etree.SubElement(parent, _tei("event"), type=key, when=value)
    etree.SubElement(event, _tei("label")).text = key


DATE_ELEMENTS = {
    "birth": _life_event("birth"),
    "death": _life_event("death"),
    "founded": _org_event,
    "dissolved": _org_event,
}


def _variant_names(entity: Entity) -> list[str]:
    """Each distinct form text once, in register order, leaving out the preferred name."""
    seen = {normalise_form(entity.name)}
    variants = []
    for form in entity.forms:
        key = form.normalised
        if key not in seen:
            seen.add(key)
            variants.append(form.text.strip())
    return variants


def _decimal(value: float) -> str:
    """A coordinate in plain decimal notation (never 1e-05), to six places (about 0.1 m)."""
    return f"{value:.6f}".rstrip("0").rstrip(".") or "0"


def _preferred_name(name_element: etree._Element, entity: Entity) -> None:
    """The preferred name's text; with forename and surname given, those parts as children (13.2.1)."""
    name = entity.name.strip()
    parts = _name_parts(name, entity.forename, entity.surname)
    if parts is None or (entity.forename is None and entity.surname is None):
        name_element.text = name
        return
    start, end, surname_start, surname_end = parts
    name_element.text = name[:start]
    last = None
    if entity.forename is not None:
        last = etree.SubElement(name_element, _tei("forename"))
        last.text = name[start:end]
        last.tail = name[end:surname_start] if entity.surname is not None else name[end:]
    if entity.surname is not None:
        if last is None:
            name_element.text = name[:surname_start]
        last = etree.SubElement(name_element, _tei("surname"))
        last.text = name[surname_start:surname_end]
        last.tail = name[surname_end:]


def work_to_tei(entity: Entity) -> etree._Element:
    """A work as a <bibl>: its titles (preferred and variant, with @level), author, date, identifiers, notes."""
    element = etree.Element(_tei("bibl"), nsmap={None: TEI_NS})
    element.set(f"{{{XML_NS}}}id", entity.id)
    level = entity.fact("level") or "m"
    etree.SubElement(element, _tei("title"), level=level, type="preferred").text = entity.name.strip()
    for variant in _variant_names(entity):
        etree.SubElement(element, _tei("title"), level=level, type="variant").text = variant
    if entity.fact("author"):
        etree.SubElement(element, _tei("author")).text = entity.fact("author")
    if entity.fact("date"):
        etree.SubElement(element, _tei("date"), when=entity.fact("date") or "").text = entity.fact("date")
    _authorities_and_notes(element, entity)
    return element


def event_to_tei(entity: Entity) -> etree._Element:
    """An <event> with its dates and @where (the place where it happened, a register pointer; 13.3.1)."""
    element = etree.Element(_tei("event"), nsmap={None: TEI_NS})
    element.set(f"{{{XML_NS}}}id", entity.id)
    for key in ("when", "from", "to"):
        if entity.fact(key):
            element.set(key, entity.fact(key) or "")
    if entity.fact("where"):
        element.set("where", f"#{entity.fact('where')}")
    if entity.kind is not None:
        element.set("type", entity.kind)
    etree.SubElement(element, _tei("label"), type="preferred").text = entity.name.strip()
    for variant in _variant_names(entity):
        etree.SubElement(element, _tei("label"), type="variant").text = variant
    _authorities_and_notes(element, entity)
    return element


def _authorities_and_notes(element: etree._Element, entity: Entity) -> None:
    for scheme, identifier in entity.authorities:
        idno = etree.SubElement(element, _tei("idno"), type="URI", subtype=scheme)
        idno.text = AUTHORITIES[scheme].uri_template.format(identifier)
    etree.SubElement(element, _tei("note")).text = entity.description.strip()
    if entity.note is not None:
        etree.SubElement(element, _tei("note"), type="editorial").text = entity.note.strip()


def event_places(register: Register, ids: Iterable[str]) -> set[str]:
    """The places the given events happened at: the register must hold them too, for @where to resolve."""
    found = set()
    for entity_id in ids:
        entity = register.get(entity_id)
        if entity is not None and entity.type == "event" and entity.fact("where"):
            found.add(entity.fact("where") or "")
    return found


def entity_to_tei(entity: Entity) -> etree._Element:
    """One <person>, <org>, <place>, <bibl> (a work) or <event> element for an entity."""
    if entity.type == "title":
        return work_to_tei(entity)
    if entity.type == "event":
        return event_to_tei(entity)
    shape = TEI_SHAPES[entity.type]
    element = etree.Element(_tei(shape.element), nsmap={None: TEI_NS})
    element.set(f"{{{XML_NS}}}id", entity.id)
    if entity.kind is not None:
        element.set("type", entity.kind)
    preferred = etree.SubElement(element, _tei(shape.name_element), type="preferred")
    _preferred_name(preferred, entity)
    for variant in _variant_names(entity):
        etree.SubElement(element, _tei(shape.name_element), type="variant").text = variant
    for key, value in entity.dates:
        DATE_ELEMENTS[key](element, key, value)
    for target in entity.affiliations:
        # Guidelines 13.3.2.1: affiliation, pointing at the organisation's entry.
        etree.SubElement(element, _tei("affiliation"), ref=f"#{target}")
    if entity.coordinates is not None:
        # Guidelines 13.3.4.1: location/geo holds "latitude longitude" (WGS84 decimal degrees, the default).
        location = etree.SubElement(element, _tei("location"))
        etree.SubElement(location, _tei("geo")).text = " ".join(_decimal(value) for value in entity.coordinates)
    for scheme, identifier in entity.authorities:
        # A resolvable URI (type "URI", a value the Guidelines suggest), with the authority as subtype.
        idno = etree.SubElement(element, _tei("idno"), type="URI", subtype=scheme)
        idno.text = AUTHORITIES[scheme].uri_template.format(identifier)
        if scheme == "geonames":
            # The bare GeoNames id as well, as gazetteer-aware tools look it up (idno/@type="GeoNames").
            etree.SubElement(element, _tei("idno"), type="GeoNames").text = identifier
    etree.SubElement(element, _tei("note")).text = entity.description.strip()
    if entity.note is not None:
        etree.SubElement(element, _tei("note"), type="editorial").text = entity.note.strip()
    return element


def register_to_tei(register: Register, used_ids: Iterable[str] | None = None) -> list[etree._Element]:
    """The non-empty <listPerson>, <listOrg>, <listPlace>, <listBibl>, <listEvent> for a register (or only for
    ``used_ids`` and the places of their events)."""
    if used_ids is None:
        chosen = list(register.entities)
    else:
        wanted = set(used_ids)
        wanted |= event_places(register, wanted)
        unknown = sorted(wanted - {entity.id for entity in register.entities})
        if unknown:
            raise InputError(
                f"no entity {', '.join(repr(u) for u in unknown)} in the register",
                register.path,
                hint="add the entity to the register or remove the reference",
            )
        # An affiliation points at an org: the org's entry comes along, so that the pointer resolves.
        wanted |= {target for entity in register.entities if entity.id in wanted for target in entity.affiliations}
        chosen = [entity for entity in register.entities if entity.id in wanted]
    lists = []
    for entity_type in ENTITY_TYPES:
        members = sorted((e for e in chosen if e.type == entity_type), key=lambda e: e.id)
        if not members:
            continue
        list_element = etree.Element(_tei(TEI_SHAPES[entity_type].list_element), nsmap={None: TEI_NS})
        for entity in members:
            list_element.append(entity_to_tei(entity))
        lists.append(list_element)
    return lists
