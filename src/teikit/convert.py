"""Seed text → TEI: the pipeline read → tag → TEI for one source text."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path

from lxml import etree

from .edition import Edition, default_edition, load_edition
from .errors import InputError
from .files import read_input
from .model import Document
from .read import check_notes, decode, read_file
from .register import Register, load_register, register_to_tei
from .tag.document import tag_document
from .tag.names import NameMatcher, given_name_test
from .tag.propose import Furniture, Proposals, default_cues, furniture_lines, propose
from .tag.suggest import Suggestion, suggest
from .tei import build_tei
from .xmlio import PACKAGE_DIR, XML_NS, parse_xml, parse_xml_bytes, serialize

DEFAULT_REGISTER = "register.toml"


@dataclass(frozen=True)
class Conversion:
    """What converting one text produced: the document model, the register entries it uses, its TEI."""

    edition: Edition
    document: Document
    used_ids: tuple[str, ...]
    tree: etree._ElementTree


def edition_for(source: Path) -> Edition:
    """The edition file beside a source text (same name, .toml), or a default one."""
    candidate = source.with_suffix(".toml")
    return load_edition(candidate) if candidate.is_file() else default_edition(source)


def register_path(edition: Edition, source: Path) -> Path | None:
    """The register an edition uses: the one its file names, else ``register.toml`` beside the source."""
    if edition.register:
        return Path(edition.path).parent / edition.register
    candidate = source.parent / DEFAULT_REGISTER
    return candidate if candidate.is_file() else None


@lru_cache(maxsize=8)
def _register_and_matcher(path: Path, mtime_ns: int) -> tuple[Register, NameMatcher]:
    # One register serves a whole corpus: load and compile it once per run (and again if the file changes).
    register = load_register(path)
    return register, NameMatcher(register, given_name_test(register))


def register_and_matcher(path: Path | None) -> tuple[Register | None, NameMatcher | None]:
    """The loaded register and its compiled matcher, cached per file."""
    if path is None:
        return None, None
    resolved = path.resolve()
    try:
        mtime = resolved.stat().st_mtime_ns
    except FileNotFoundError:
        raise InputError(
            "the register named by the edition file does not exist",
            path,
            hint="create it or fix 'register =' in the edition file",
        ) from None
    return _register_and_matcher(resolved, mtime)


def convert(source: str | Path, edition: Edition | None = None) -> Conversion:
    """Convert one plain-text source into TEI: read, check the notes, tag names and dates, build the TEI."""
    source = Path(source)
    edition = edition or edition_for(source)
    register, matcher = register_and_matcher(register_path(edition, source))
    document = read_file(source, edition)
    check_notes(document)
    levels = {e.id: e.fact("level") or "m" for e in register if e.type == "title"} if register is not None else {}
    tagged = tag_document(document, edition, matcher, levels)
    standoff = register_to_tei(with_text_notes(register, edition), tagged.used_ids) if register is not None else []
    tree = build_tei(tagged.document, edition, standoff, tagged.decisions)
    check_output(tree, source, edition)
    return Conversion(edition=edition, document=tagged.document, used_ids=tagged.used_ids, tree=tree)


def with_text_notes(register: Register, edition: Edition) -> Register:
    """The register as this text's TEI shows it: the edition's [[entity_note]] descriptions and notes applied."""
    if not edition.entity_notes:
        return register
    notes = {note.ref: note for note in edition.entity_notes}
    unknown = sorted(set(notes) - {entity.id for entity in register})
    if unknown:
        raise InputError(
            f"[[entity_note]] ref = {unknown[0]!r}: no such entry in the register",
            edition.path,
            hint="give the id of a register entry",
        )
    entities = []
    for entity in register:
        note = notes.get(entity.id)
        if note is not None:
            joined = " ".join(part for part in (entity.note, note.note) if part) or None
            entity = replace(entity, description=note.description or entity.description, note=joined)
        entities.append(entity)
    return Register(entities=tuple(entities), path=register.path, not_names=register.not_names)


def document_ids(source: str | Path, edition: Edition | None = None) -> dict[str, str]:
    """The xml:ids a text's TEI has before any register entry joins it, each with what bears it."""
    source = Path(source)
    edition = edition or edition_for(source)
    document = read_file(source, edition)
    check_notes(document)
    tagged = tag_document(document, edition, None)
    tree = build_tei(tagged.document, edition, [], tagged.decisions)
    found = {}
    for element in tree.getroot().iter():
        value = element.get(f"{{{XML_NS}}}id")
        if value is not None:
            kind = element.get("type")
            found[value] = (
                f"the {etree.QName(element).localname}"
                + (f" of type '{kind}'" if kind else "")
                + (f" in {source.name}")
            )
    return found


@cache
def _teikit_grammar() -> etree.RelaxNG:
    # Compiled once (it is small: ~20 ms); lxml's RelaxNG objects may be shared between threads.
    return etree.RelaxNG(parse_xml(PACKAGE_DIR / "schemas" / "teikit.rng"))


def check_output(tree: etree._ElementTree, source: str | Path, edition: Edition | None = None) -> None:
    """The converter's promise: its TEI is valid against teikit.rng, or the conversion fails with one line."""
    grammar = _teikit_grammar()
    if grammar.validate(tree):
        return
    if edition is not None:
        # The validator words the problem best (the element, the attribute, what is allowed) and the build
        # already reports it so: the same message here. Only on failure, so its cost does not matter.
        from .build import check_valid
        from .validate import load_schemas, validate_tree

        schemas = load_schemas(rng=[PACKAGE_DIR / "schemas" / "teikit.rng"], restrict=False, use_cache=False)
        reparsed = parse_xml_bytes(serialize(tree), str(source))
        check_valid(validate_tree(reparsed, schemas, str(source)), edition)
    error = grammar.error_log.last_error
    message = error.message if error is not None else "invalid"
    raise InputError(
        f"the converted TEI is invalid against teikit.rng: {message}",
        source,
        hint="if no declaration of the edition file or the register explains it, this is a bug in "
        "teikit's reader: report it with the text that caused it",
    )


def _text_without_furniture(source: Path, edition: Edition) -> str:
    text = decode(read_input(source, "source text"), source).text
    furniture = {f.line_text.strip() for f in edition.furniture}
    # Blank the furniture lines rather than drop them, so that line numbers stay those of the source.
    return "\n".join("" if line.strip() in furniture else line for line in text.split("\n"))


def left_as_text_warnings(document: Document) -> list[str]:
    """One line per bracketed number the reader left as text because no note has its number."""
    return [
        f"{document.source}:{line}: warning: {text} left as text: no note has its number "
        "(declare [notes] in the edition file if the notes are marked otherwise)"
        for line, text in document.left_as_text
    ]


def bracketed_numbers_left(source: str | Path, edition: Edition | None = None) -> list[tuple[int, str]]:
    """The (line, text) of each bracketed number in a source text that is not a note reference."""
    source = Path(source)
    return list(read_file(source, edition or edition_for(source)).left_as_text)


def suggest_names(
    source: str | Path, edition: Edition | None = None, min_count: int = 1, longer: bool = False
) -> list[Suggestion]:
    """Name-like phrases of a source text that its register does not cover (furniture lines left out)."""
    source = Path(source)
    edition = edition or edition_for(source)
    register, _ = register_and_matcher(register_path(edition, source))
    return suggest(_text_without_furniture(source, edition), register, min_count=min_count, longer=longer)


def undeclared_furniture(source: str | Path, edition: Edition) -> tuple[Furniture, ...]:
    """Lines of the text that look like web-page furniture when the edition file declares none."""
    if edition.furniture:
        return ()
    source = Path(source)
    return furniture_lines(decode(read_input(source, "source text"), source).text, default_cues())


def propose_entries(source: str | Path, edition: Edition | None = None, *, gazetteer: bool = True) -> Proposals:
    """Typed register proposals for a source text: ids clear of its register's and of its TEI's own ids."""
    source = Path(source)
    edition = edition or edition_for(source)
    register, _ = register_and_matcher(register_path(edition, source))
    notes: tuple[str, ...] = ()
    try:
        taken = document_ids(source, edition)
    except InputError as error:
        # The text does not convert yet (a note without its reference, say): propose anyway, and say what the ids
        # were not checked against; convert will name any clash once the text converts.
        taken, notes = {}, (f"ids not checked against the text's TEI, which does not build: {error.one_line()}",)
    proposals = propose(_text_without_furniture(source, edition), register, taken_ids=taken, gazetteer=gazetteer)
    proposals = replace(proposals, notes=proposals.notes + notes)
    if edition.furniture:  # the edition file already says what its furniture is
        proposals = replace(proposals, furniture=())
    return proposals
