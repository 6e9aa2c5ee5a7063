"""The reading text of a TEI document as blocks, read in one pass over ``text``.

A block is a unit of reading text: a paragraph, heading, list item, verse line,
speaker, stage direction, salutation, note paragraph… Its text is what a reader
reads: ``corr`` over ``sic``, ``reg`` over ``orig``, ``expan`` over ``abbr``,
``lem`` over ``rdg``; no ``del``, ``fw`` or registers; white space collapsed;
line and page breaks a space unless ``@break='no'``. Notes are taken out of the
flow: a note that some ``ref`` or ``ptr`` points to, that points to an
``anchor`` (``note/@target``), or that stands inside a paragraph, becomes
footnote blocks, and a reference to it stays where the pointer, the anchor or
the note was.
Text standing directly in a container (a ``div``, a ``closer``) is a block of its
own. The walk also records every name and date element (its offsets in the
block's text), for :mod:`teikit.export.occurrences` to resolve."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from .records import Block, Division
from .sentences import Span, split_sentences
from .xmltext import TEI_NS, WHITE_SPACE, XML_ID, Locators, is_tei, local, normalise_space

# The elements that mark a mention of an entity or a date.
MENTIONS = frozenset({"persName", "orgName", "placeName", "geogName", "rs", "name", "date", "title"})
# Blocks: elements that always hold a unit of reading text → block kind.
BLOCKS = {
    "p": "paragraph",
    "ab": "paragraph",
    "head": "heading",
    "item": "item",
    "castItem": "item",
    "l": "line",
    "speaker": "speaker",
    "salute": "paragraph",
    "signed": "paragraph",
    "dateline": "paragraph",
    "byline": "paragraph",
    "docAuthor": "paragraph",
    "docDate": "paragraph",
    "docImprint": "paragraph",
    "titlePart": "title",
    "trailer": "paragraph",
    "cell": "paragraph",
}
# Elements that are a block where they stand outside one, and inline inside one. (Containers such as
# opener, closer, argument, epigraph, sp, lg or list are no blocks: text standing directly in them is.)
BLOCKS_OUTSIDE_TEXT = {
    "seg": "paragraph",
    "quote": "paragraph",
    "q": "paragraph",
    "said": "paragraph",
    "label": "paragraph",
    "stage": "stage",
    "bibl": "paragraph",
}
DIVISIONS = frozenset({"front", "body", "back", "div", "div1", "div2", "div3", "div4", "div5", "div6", "div7"})
# Not part of the reading text: the header and standOff (metadata, registers kept apart), apparatus readings,
# deletions, forme work, descriptions of images, and the elements that link rather than hold text.
SKIPPED = frozenset(
    {
        "teiHeader",
        "standOff",
        "facsimile",
        "sourceDoc",
        "fw",
        "figDesc",
        "del",
        "rdg",
        "rdgGrp",
        "surplus",
        "interpGrp",
        "interp",
        "linkGrp",
        "link",
        "join",
        "joinGrp",
        "alt",
        "altGrp",
        "certainty",
        "precision",
        "respons",
        "index",
        "spanGrp",
        "span",
        "timeline",
        "metamark",
        "classCode",
        "catRef",
    }
)
# Registers written inside the text (a letters edition's index in back, a body that is a listPlace) are read:
# each entry is an item. Names in them are the register's own, not mentions in the text.
REGISTERS = frozenset({"listPerson", "listOrg", "listPlace", "listEvent", "listRelation", "listNym", "listObject"})
REGISTER_ENTRIES = frozenset({"person", "personGrp", "org", "place", "event", "relation", "nym", "object"})
# In a choice, the reading text takes the first of these that is present.
_NO_MENTIONS: list = []  # shared by every block without mentions; never appended to
CHOICE_PREFERENCE = ("corr", "reg", "expan", "seg", "unclear")
NOTE_MARKER = re.compile(r"^[\[(]?[*†‡§\w]{0,4}[\])]?\.?$")
ORDERED_LIST = re.compile(r"\b(numbered|ordered|decimal|arabic|roman)\b", re.IGNORECASE)


@dataclass(slots=True)
class RawMention:
    """A name or date element met in a block: the element and its offsets in the block's text."""

    element: etree._Element
    name: str
    start: int
    end: int = -1


@dataclass
class _Builder:
    """A block being read: its text collapsed as it grows, note references and mentions by offset."""

    locator: str
    kind: str
    division: str | None
    level: int
    group: str
    ordered: bool
    note: str | None
    owner: etree._Element  # the element whose end closes this builder
    parts: list[str] = field(default_factory=list)
    length: int = 0
    trailing_space: bool = True  # nothing yet: a leading space is dropped
    refs: list[tuple[int, str]] = field(default_factory=list)
    mentions: list[RawMention] = field(default_factory=list)

    def append(self, text: str) -> None:
        text = WHITE_SPACE.sub(" ", text)
        if text.startswith(" ") and self.trailing_space:
            text = text[1:]
        if text:
            self.parts.append(text)
            self.length += len(text)
            self.trailing_space = text.endswith(" ")

    def join_word(self) -> None:
        """Drop the space before this point and any at the start of the next text (lb break="no")."""
        if self.parts and self.parts[-1].endswith(" "):
            self.parts[-1] = self.parts[-1][:-1]
            self.length -= 1
        self.trailing_space = True

    def has_content(self) -> bool:
        return bool(self.length or self.refs)


class _Walker:
    """One pass over the text: builds blocks, divisions and raw occurrences in document order."""

    def __init__(
        self,
        locate: Locators,
        ids: dict[str, etree._Element],
        footnotes: frozenset,
        anchored: dict[etree._Element, list[etree._Element]],
    ) -> None:
        self.locate = locate
        self.ids = ids
        self.footnotes = footnotes  # note elements that some ref or ptr points to, or that point to an anchor
        self.anchored = anchored  # anchor → the notes attached to it by their @target
        self.blocks: list[Block] = []
        self.block_mentions: list[list[RawMention]] = []
        self.divisions: list[dict] = []
        self.division_stack: list[dict] = []
        self.builder: _Builder | None = None
        self.note_stack: list[str] = []
        self.pending: list[etree._Element] = []  # notes met inside a block, read after it
        self.single_sentences: dict[tuple[int, int], tuple[Span, ...]] = {}
        self.registers = 0  # how many register lists (listPerson …) the walk is inside

    # ---- structure

    def walk(self, element: etree._Element) -> None:
        if element.text:
            self.text(element.text, element)
        for child in element:
            if isinstance(child.tag, str):
                self.element(child)
            if child.tail:
                self.text(child.tail, element)

    def element(self, element: etree._Element) -> None:
        name = local(element) if is_tei(element) else None
        if name is None:
            self.walk(element)
            return
        handler = _HANDLERS.get(name)
        if handler is not None:
            handler(self, element)
        elif name in SKIPPED:
            return
        elif name in DIVISIONS:
            self.division(element, name)
        elif name in REGISTERS:
            self.registers += 1
            self.flush()
            self.walk(element)
            self.flush()
            self.registers -= 1
        elif name in REGISTER_ENTRIES and self.registers:
            self.block(element, "item")
        elif name in BLOCKS or (name in BLOCKS_OUTSIDE_TEXT and self.builder is None):
            self.block(element, BLOCKS.get(name) or BLOCKS_OUTSIDE_TEXT[name])
        elif name in MENTIONS and not self.registers:
            self.mention(element, name)
        else:
            self.walk(element)
        if self.builder is not None and self.builder.owner is element:
            self.flush()

    def text(self, text: str, container: etree._Element) -> None:
        if self.builder is None and not text.strip():
            return
        self.current(container).append(text)

    def division(self, element: etree._Element, name: str) -> None:
        self.flush()
        depth = (
            0
            if name in ("front", "body", "back")
            else sum(1 for a in element.iterancestors() if is_tei(a) and local(a).startswith("div")) + 1
        )
        record = {"locator": self.locate(element), "type": element.get("type") or name, "heading": None, "depth": depth}
        self.divisions.append(record)
        self.division_stack.append(record)
        self.walk(element)
        self.flush()
        self.division_stack.pop()

    def current_division(self) -> str | None:
        return self.division_stack[-1]["locator"] if self.division_stack else None

    # ---- blocks

    def block(self, element: etree._Element, kind: str) -> None:
        resumed = None
        if self.builder is not None:
            # A block inside a block (a list inside a paragraph): close the outer part, read the inner
            # one, then go on with the rest of the outer block under the same locator.
            resumed = self.builder
            self.flush(keep_pending=True)
        self.open(element, kind)
        self.walk(element)
        self.flush(keep_pending=resumed is not None)
        if resumed is not None:
            self.builder = _Builder(
                resumed.locator,
                resumed.kind,
                resumed.division,
                resumed.level,
                resumed.group,
                resumed.ordered,
                resumed.note,
                resumed.owner,
            )

    def open(self, element: etree._Element, kind: str) -> None:
        parent = element.getparent()
        level, ordered = 0, False
        if kind == "heading":
            level = sum(1 for a in element.iterancestors() if is_tei(a) and local(a).startswith("div"))
            if parent is not None and not (is_tei(parent) and local(parent) in DIVISIONS):
                level += 1  # the head of a list, lg, castGroup or figure is below its division's
        elif kind == "item":
            level = sum(1 for a in element.iterancestors() if is_tei(a) and local(a) == "list") - 1
            rend = " ".join(filter(None, (parent.get("rend"), parent.get("type")))) if parent is not None else ""
            ordered = bool(ORDERED_LIST.search(rend))
        self.builder = _Builder(
            locator=self.locate(element),
            kind=kind,
            division=self.current_division(),
            level=max(level, 0),
            group=self.locate(parent) if parent is not None else "",
            ordered=ordered,
            note=self.note_stack[-1] if self.note_stack else None,
            owner=element,
        )

    def open_implicit(self, container: etree._Element) -> None:
        """Text standing outside any block (a mention in a div, text in a note): a block of its own."""
        kind = "note" if is_tei(container) and local(container) == "note" else "paragraph"
        self.open(container, kind)

    def current(self, container: etree._Element) -> _Builder:
        """The block being built; if none is, an implicit one in ``container``."""
        if self.builder is None:
            self.open_implicit(container)
        assert self.builder is not None  # open_implicit always opens one
        return self.builder

    def flush(self, keep_pending: bool = False) -> None:
        builder, self.builder = self.builder, None
        if builder is not None and builder.has_content():
            self._finish(builder)
        if not keep_pending and self.builder is None:
            pending, self.pending = self.pending, []
            for note in pending:
                self.read_note(note)

    def _finish(self, builder: _Builder) -> None:
        text = "".join(builder.parts)
        if text.endswith(" "):
            text = text[:-1]
        refs = sorted(((min(o, len(text)), i, target) for i, (o, target) in enumerate(builder.refs)))
        note_refs = tuple((offset, target) for offset, _, target in refs)
        mentions = []
        for mention in builder.mentions:
            start, end = min(mention.start, len(text)), min(mention.end, len(text))
            while start < end and text[start] == " ":
                start += 1
            while end > start and text[end - 1] == " ":
                end -= 1
            mentions.append(RawMention(mention.element, mention.name, start, end))
        protected = [Span(m.start, m.end) for m in mentions if m.end > m.start]
        sentences = split_sentences(text, protected)
        if len(sentences) == 1:  # most blocks are one sentence: equal spans are one shared (frozen) tuple
            sentences = self.single_sentences.setdefault((sentences[0].start, sentences[0].end), sentences)
        first = next((c for c in builder.owner if isinstance(c.tag, str)), None) if builder.kind == "note" else None
        labelled = first is not None and is_tei(first) and local(first) == "label"
        block = Block(
            index=len(self.blocks),
            locator=builder.locator,
            kind=builder.kind,
            division=builder.division,
            level=builder.level,
            group=builder.group,
            ordered=builder.ordered,
            note=builder.note,
            note_refs=note_refs,
            text=text,
            sentences=sentences,
            labelled=labelled,
        )
        self.blocks.append(block)
        self.block_mentions.append(mentions or _NO_MENTIONS)  # most blocks have none: one shared empty list
        innermost = self.division_stack[-1] if self.division_stack else None
        if block.kind in ("heading", "title") and innermost is not None and innermost["heading"] is None:
            innermost["heading"] = text

    # ---- inline

    def mention(self, element: etree._Element, name: str) -> None:
        builder = self.current(element.getparent())
        raw = RawMention(element, name, builder.length)  # leading white space is trimmed when the block ends
        self.walk(element)
        if self.builder is builder:
            raw.end = builder.length
            builder.mentions.append(raw)

    def choice(self, element: etree._Element) -> None:
        children = [c for c in element if is_tei(c)]
        for preferred in CHOICE_PREFERENCE:
            chosen = next((c for c in children if local(c) == preferred), None)
            if chosen is not None:
                self.element(chosen)
                return
        if children:
            self.element(children[0])

    def app(self, element: etree._Element) -> None:
        """The lemma (else the first reading), then the entry's notes (an EpiDoc apparatus is often only notes)."""
        lemma = next((c for c in element if is_tei(c) and local(c) == "lem"), None)
        if lemma is None:
            reading = next((c for c in element if is_tei(c) and local(c) == "rdg"), None)
            if reading is not None:
                self.walk(reading)
        else:
            self.element(lemma)
        for child in element:
            if is_tei(child) and local(child) == "note":
                self.element(child)

    def gap(self, element: etree._Element) -> None:
        """An omission leaves its mark, as in the reading text: [description], else […]."""
        description = normalise_space(
            " ".join("".join(d.itertext()) for d in element if is_tei(d) and local(d) == "desc")
        )
        self.current(element.getparent()).append(f"[{description}]" if description else "[…]")

    def line_break(self, element: etree._Element) -> None:
        if self.builder is None:
            return
        if element.get("break") != "no":
            self.builder.append(" ")
        else:
            self.builder.join_word()  # a word broken at the line: the layout space around the break goes

    def milestone(self, element: etree._Element) -> None:
        if self.builder is None and element.get("unit") in ("section", "part"):
            self.blocks.append(
                Block(
                    index=len(self.blocks),
                    locator=self.locate(element),
                    kind="break",
                    division=self.current_division(),
                    level=0,
                    group=self.locate(element.getparent()),
                    ordered=False,
                    note=None,
                    note_refs=(),
                    text="",
                    sentences=(),
                )
            )
            self.block_mentions.append(_NO_MENTIONS)

    def space(self, element: etree._Element) -> None:
        if self.builder is not None:
            self.builder.append(" ")

    def pointer(self, element: etree._Element) -> None:
        """ref/ptr: a reference to a footnote becomes a note reference; any other keeps its text."""
        notes = self._note_targets(element)
        if not notes:
            self.walk(element)
            return
        marker = normalise_space("".join(element.itertext()))
        self.current(element.getparent())
        if element.get("type") not in ("noteAnchor", "noteanchor") and not NOTE_MARKER.match(marker):
            self.walk(element)
        builder = self.builder
        assert builder is not None, "a reference's text closes no block"
        for target in notes:
            builder.refs.append((builder.length, target))

    def _note_targets(self, element: etree._Element) -> list[str]:
        found = []
        for target in (element.get("target") or "").split():
            if target.startswith("#"):
                note = self.ids.get(target[1:])
                if note is not None and note in self.footnotes:
                    found.append(self.locate(note))
        return found

    def anchor(self, element: etree._Element) -> None:
        """An anchor that notes point to (note/@target): the notes are referenced here."""
        notes = self.anchored.get(element, [])
        if not notes:
            return
        builder = self.current(element.getparent())
        for note in notes:
            builder.refs.append((builder.length, self.locate(note)))

    def note(self, element: etree._Element) -> None:
        if self.builder is not None:
            if element.get("place") == "inline":
                self.walk(element)  # printed in the line: part of the reading text
                return
            if element not in self.footnotes:
                self.builder.refs.append((self.builder.length, self.locate(element)))
            self.pending.append(element)
            return
        if element in self.footnotes:
            self.read_note(element)
        else:
            self.open(element, "note")
            self.walk(element)
            self.flush()

    def read_note(self, element: etree._Element) -> None:
        """A footnote's content, as blocks belonging to it; a leading label (its number) is left out."""
        saved_builder, saved_pending = self.builder, self.pending
        self.builder, self.pending = None, []
        self.note_stack.append(self.locate(element))
        skip_label = next((c for c in element if isinstance(c.tag, str)), None)
        if skip_label is not None and not (is_tei(skip_label) and local(skip_label) == "label"):
            skip_label = None
        self.open(element, "note")
        if element.text:
            self.text(element.text, element)
        for child in element:
            if isinstance(child.tag, str) and child is not skip_label:
                self.element(child)
            if child.tail:
                self.text(child.tail, element)
        self.flush()
        self.note_stack.pop()
        self.builder, self.pending = saved_builder, saved_pending


_HANDLERS = {
    "choice": _Walker.choice,
    "app": _Walker.app,
    "lb": _Walker.line_break,
    "pb": _Walker.line_break,
    "cb": _Walker.line_break,
    "milestone": _Walker.milestone,
    "space": _Walker.space,
    "ref": _Walker.pointer,
    "ptr": _Walker.pointer,
    "note": _Walker.note,
    "anchor": _Walker.anchor,
    "gap": _Walker.gap,
}


def _footnotes(root: etree._Element, ids: dict[str, etree._Element]) -> frozenset:
    """Notes that some ref or ptr in the text points to: read where they stand, referenced where pointed from."""
    found = set()
    for pointer in root.iter(f"{{{TEI_NS}}}ref", f"{{{TEI_NS}}}ptr"):
        for target in (pointer.get("target") or "").split():
            note = ids.get(target[1:]) if target.startswith("#") else None
            if note is not None and is_tei(note) and local(note) == "note":
                found.add(note)
    return frozenset(found)


def _anchored_notes(root: etree._Element, ids: dict[str, etree._Element]) -> dict[etree._Element, list]:
    """Notes attached to an ``anchor`` by their @target (TEI's other way of placing a note), by anchor."""
    anchored: dict[etree._Element, list] = {}
    for note in root.iter(f"{{{TEI_NS}}}note"):
        for target in (note.get("target") or "").split():
            anchor = ids.get(target[1:]) if target.startswith("#") else None
            if anchor is not None and is_tei(anchor) and local(anchor) == "anchor":
                anchored.setdefault(anchor, []).append(note)
    return anchored


@dataclass(frozen=True)
class Reading:
    """The blocks of a document, the mentions met in each block (by block index), and its divisions."""

    blocks: tuple[Block, ...]
    mentions: tuple[list[RawMention], ...]
    divisions: tuple[Division, ...]


def read_blocks(root: etree._Element, locate: Locators) -> Reading:
    """Walk every outermost ``text`` of a TEI document once."""
    ids = {
        element.get(XML_ID): element for element in root.iter() if isinstance(element.tag, str) and element.get(XML_ID)
    }
    anchored = _anchored_notes(root, ids)
    footnotes = _footnotes(root, ids) | {note for notes in anchored.values() for note in notes}
    walker = _Walker(locate, ids, footnotes, anchored)
    for text in root.iter(f"{{{TEI_NS}}}text"):
        if not any(is_tei(a) and local(a) == "text" for a in text.iterancestors()):
            walker.walk(text)
            walker.flush()
    return Reading(
        blocks=tuple(walker.blocks),
        mentions=tuple(walker.block_mentions),
        divisions=tuple(Division(**record) for record in walker.divisions),
    )
