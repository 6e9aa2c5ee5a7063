"""The plain data every exporter reads: what :func:`teikit.export.occurrences.extract` makes of a TEI document."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .genre_records import Genres
from .sentences import Span


@dataclass(frozen=True, slots=True)
class DateValue:
    """A normalised TEI date: one of @when, @from/@to or @notBefore/@notAfter (ISO 8601 strings)."""

    when: str | None = None
    start: str | None = None
    end: str | None = None
    not_before: str | None = None
    not_after: str | None = None

    @property
    def kind(self) -> str:
        """``point`` (@when), ``range`` (@from/@to: explicit) or ``approximate`` (@notBefore/@notAfter: vague)."""
        if self.when:
            return "point"
        if self.start or self.end:
            return "range"
        return "approximate"

    @property
    def earliest(self) -> str | None:
        return self.when or self.start or self.not_before or self.end or self.not_after

    @property
    def latest(self) -> str | None:
        return self.when or self.end or self.not_after or self.start or self.not_before

    def iso(self) -> str:
        """The date as one ISO 8601 string: a value, or an interval ``start/end`` (``..`` for an open end)."""
        if self.when:
            return self.when
        low = self.start or self.not_before
        high = self.end or self.not_after
        return f"{low or '..'}/{high or '..'}"


@dataclass(frozen=True)
class LabelledDate:
    """A date of a register entry: ``birth``, ``death``, ``founded``…"""

    label: str
    value: DateValue


@dataclass(frozen=True)
class Authority:
    """An authority identifier: scheme (``Wikidata``, ``VIAF``, ``GND``, ``GeoNames``, ``URI``…), value and URI."""

    scheme: str
    value: str
    uri: str | None


@dataclass(frozen=True)
class Entity:
    """One entity: a register entry, or an entity known only from how the text refers to it."""

    id: str
    type: str  # person | org | place | work | event | name
    subtype: str | None
    name: str  # the preferred name
    variants: tuple[str, ...]
    description: str | None
    authorities: tuple[Authority, ...]
    dates: tuple[LabelledDate, ...]
    source: str  # register | reference | surface
    location: str | None = None  # an event's place (event/@where, the place's id)
    level: str | None = None  # a work's title level (a, m, j, s, u)


@dataclass(frozen=True)
class Author:
    """An author named in the titleStmt, with the entity it points to (if any)."""

    name: str
    ref: str | None
    authorities: tuple[Authority, ...]


@dataclass(frozen=True)
class Work:
    """A work the header describes: the source (sourceDesc/bibl) or one related to it (relatedItem)."""

    title: str
    relation: str  # source | original | translation | edition | … (relatedItem/@type)
    level: str | None = None
    authors: tuple[str, ...] = ()
    journal: str | None = None
    issue: str | None = None
    language: str | None = None
    place: str | None = None
    publisher: str | None = None
    date: str | None = None
    uri: str | None = None


@dataclass(frozen=True)
class DocumentInfo:
    """What the teiHeader says about the document."""

    source: str  # the name the caller gave (the file stem)
    id: str | None  # TEI/@xml:id
    title: str
    authors: tuple[Author, ...]
    language: str | None
    publisher: str | None
    published: str | None
    created: DateValue | None
    keywords: tuple[str, ...]
    uri: str | None  # publicationStmt/idno[@type='URI'] when the document declares one
    source_work: Work | None = None  # what the edition encodes (sourceDesc/bibl), when it has a title
    related: tuple[Work, ...] = ()  # the source's original, translations, other editions
    editors: tuple[str, ...] = ()
    licence: str | None = None  # the licence's URL, else its text


@dataclass(frozen=True, slots=True)
class Division:
    """A ``div`` (or front/body/back): locator, @type, first heading, depth (front/body/back are 0)."""

    locator: str
    type: str
    heading: str | None
    depth: int


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of a block's content: text, or a reference to a footnote (``note`` is the note's locator)."""

    text: str = ""
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Block:
    """A unit of reading text in document order."""

    index: int
    locator: str
    kind: str  # title | heading | paragraph | item | line | speaker | stage | note | break
    division: str | None
    level: int  # headings: number of enclosing divs; items: list nesting (0 = outermost)
    group: str  # locator of the element holding the block (list, lg, sp, div…)
    ordered: bool  # items of a numbered list
    note: str | None  # the footnote this block belongs to
    note_refs: tuple[tuple[int, str], ...]  # (offset in text, note locator) of each footnote reference, in order
    text: str
    sentences: tuple[Span, ...]
    labelled: bool = False  # a note block that opens with its own label ("Editor's note:")

    @property
    def pieces(self) -> tuple[Piece, ...]:
        """The block's content as runs of text and footnote references, in order (made when asked: a corpus
        has half a million blocks, most without a reference)."""
        pieces: list[Piece] = []
        position = 0
        for offset, target in self.note_refs:
            if offset > position:
                pieces.append(Piece(self.text[position:offset]))
            pieces.append(Piece(note=target))
            position = max(position, offset)
        if position < len(self.text):
            pieces.append(Piece(self.text[position:]))
        return tuple(pieces)


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One tagged name or date in the text."""

    index: int
    entity: str | None  # entity id; None for dates
    type: str  # person | org | place | work | event | name | date
    element: str  # the element's locator (its xml:id when it has one)
    surface: str
    block: int  # index into Extract.blocks
    division: str | None
    start: int  # offsets in the block text
    end: int
    sentence: int  # index into the block's sentences (-1 when the occurrence is empty)
    date: DateValue | None
    nested: bool  # inside another occurrence


@dataclass(frozen=True)
class Extract:
    """Everything the exporters need from one TEI document."""

    document: DocumentInfo
    register: tuple[Entity, ...]
    divisions: tuple[Division, ...]
    blocks: tuple[Block, ...]
    occurrences: tuple[Occurrence, ...]
    genres: Genres = field(default_factory=Genres)  # scenes, letters, manuscript, header dates
    _by_id: dict[str, Entity] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {entity.id: entity for entity in self.register})

    def entity(self, entity_id: str) -> Entity:
        """The register entry (or implicit entity) with this id."""
        return self._by_id[entity_id]

    def sentence_of(self, occurrence: Occurrence) -> str:
        """The text of the sentence an occurrence sits in (the whole block if it has none)."""
        block = self.blocks[occurrence.block]
        if occurrence.sentence < 0:
            return block.text
        span = block.sentences[occurrence.sentence]
        return block.text[span.start : span.end]

    def mention_counts(self) -> Counter[str]:
        return Counter(o.entity for o in self.occurrences if o.entity is not None)
