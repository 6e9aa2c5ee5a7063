"""The plain data of :mod:`teikit.export.genres` (apart from it so that ``records`` can hold it without a cycle)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .records import DateValue


@dataclass(frozen=True)
class Scene:
    """A division holding speeches, and who speaks in it (ids without '#', in order of first speech)."""

    locator: str
    heading: str | None
    speakers: tuple[str, ...]


@dataclass(frozen=True)
class Party:
    """A sender or addressee of a letter: its register id (or None) and its name."""

    id: str | None
    name: str


@dataclass(frozen=True)
class Letter:
    """One correspDesc."""

    senders: tuple[Party, ...]
    addressees: tuple[Party, ...]
    place: str | None
    date: DateValue | None
    date_text: str | None


@dataclass(frozen=True)
class HeaderDate:
    """A date the header gives the document or its object, and the element it came from."""

    source: str  # origDate | correspDesc/sent | correspDesc/received | creation
    value: DateValue
    text: str
    element: str


@dataclass(frozen=True)
class Genres:
    """The genre data of one document (empty tuples and dicts where the TEI has none)."""

    scenes: tuple[Scene, ...] = ()
    speeches: dict[str, int] = field(default_factory=dict)  # speaker id → number of speeches
    letters: tuple[Letter, ...] = ()
    manuscript: dict[str, str] = field(default_factory=dict)
    header_dates: tuple[HeaderDate, ...] = ()
