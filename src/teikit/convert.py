"""Seed text → TEI: the pipeline read → tag → TEI for one source text."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .edition import Edition, default_edition, load_edition
from .model import Document
from .read import check_notes, read_file
from .tei import build_tei


@dataclass(frozen=True)
class Conversion:
    """What converting one text produced: the document model and its TEI."""

    edition: Edition
    document: Document
    tree: etree._ElementTree


def edition_for(source: Path) -> Edition:
    """The edition file beside a source text (same name, .toml), or a default one."""
    candidate = source.with_suffix(".toml")
    return load_edition(candidate) if candidate.is_file() else default_edition(source)


def convert(source: str | Path, edition: Edition | None = None) -> Conversion:
    """Convert one plain-text source into TEI, following its edition file."""
    source = Path(source)
    edition = edition or edition_for(source)
    document = read_file(source, edition)
    check_notes(document)
    tree = build_tei(document, edition)
    return Conversion(edition=edition, document=document, tree=tree)
