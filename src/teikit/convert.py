"""Seed text → TEI: the pipeline read → tag → TEI for one source text."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml import etree

from .edition import Edition, default_edition, load_edition
from .errors import InputError
from .files import read_input
from .model import Document
from .read import check_notes, decode, read_file
from .register import Register, load_register, register_to_tei
from .tag.document import tag_document
from .tag.names import NameMatcher
from .tag.suggest import Suggestion, suggest
from .tei import build_tei

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
    return register, NameMatcher(register)


def register_and_matcher(path: Path | None) -> tuple[Register | None, NameMatcher | None]:
    """The loaded register and its compiled matcher, cached per file."""
    if path is None:
        return None, None
    resolved = path.resolve()
    try:
        mtime = resolved.stat().st_mtime_ns
    except FileNotFoundError:
        raise InputError("the register named by the edition file does not exist", path,
                         hint="create it or fix 'register =' in the edition file") from None
    return _register_and_matcher(resolved, mtime)


def convert(source: str | Path, edition: Edition | None = None) -> Conversion:
    """Convert one plain-text source into TEI: read, check the notes, tag names and dates, build the TEI."""
    source = Path(source)
    edition = edition or edition_for(source)
    register, matcher = register_and_matcher(register_path(edition, source))
    document = read_file(source, edition)
    check_notes(document)
    tagged = tag_document(document, edition, matcher)
    standoff = register_to_tei(register, tagged.used_ids) if register is not None else []
    tree = build_tei(tagged.document, edition, standoff, tagged.decisions)
    return Conversion(edition=edition, document=tagged.document, used_ids=tagged.used_ids, tree=tree)


def left_as_text_warnings(document: Document) -> list[str]:
    """One line per bracketed number the reader left as text because no note has its number."""
    return [f"{document.source}:{line}: warning: {text} left as text: no note has its number "
            "(declare [notes] in the edition file if the notes are marked otherwise)"
            for line, text in document.left_as_text]


def bracketed_numbers_left(source: str | Path, edition: Edition | None = None) -> list[tuple[int, str]]:
    """The (line, text) of each bracketed number in a source text that is not a note reference."""
    source = Path(source)
    return list(read_file(source, edition or edition_for(source)).left_as_text)


def suggest_names(source: str | Path, edition: Edition | None = None, min_count: int = 1) -> list[Suggestion]:
    """Name-like phrases of a source text that its register does not cover (furniture lines left out)."""
    source = Path(source)
    edition = edition or edition_for(source)
    register, _ = register_and_matcher(register_path(edition, source))
    text = decode(read_input(source, "source text"), source).text
    furniture = {f.line_text.strip() for f in edition.furniture}
    # Blank the furniture lines rather than drop them, so that line numbers stay those of the source.
    kept = "\n".join("" if line.strip() in furniture else line for line in text.split("\n"))
    return suggest(kept, register, min_count=min_count)
