"""The register file as an editor's tool: canonical order, adding reviewed entries, a report of clashes.

The register is TOML written by hand, so these work on its text, entry by entry, and keep the comments:
a comment (or run of comments) directly above an entry moves with the entry; the comments before the first
entry that are separated from it by a blank line stay at the top; comments after the last entry stay at the
end. Every rewrite is checked: the sorted text must load as the same register, or nothing is written.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .files import read_input, write_atomic
from .register import (
    ENTITY_TYPES,
    Register,
    _lines_in_multiline_strings,
    form_keys,
    normalise_form,
    parse_register,
)

_ENTRY_HEADER = re.compile(r"^\s*\[\[\s*([\w-]+)\s*\]\]\s*(?:#.*)?$")
_COMMENT_OR_BLANK = re.compile(r"^\s*(?:#.*)?$")


@dataclass(frozen=True)
class _Entry:
    entity_type: str
    entity_id: str
    lines: tuple[str, ...]  # the comments above the entry, its [[type]] line and its keys


def _split(text: str, source: str) -> tuple[list[str], list[_Entry], list[str]]:
    """The register's text as (lines before the first entry, entries, lines after the last entry's keys)."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    inside = _lines_in_multiline_strings([line.rstrip("\n") for line in lines])
    starts = [i for i, line in enumerate(lines) if _ENTRY_HEADER.match(line) and not inside[i]]
    if not starts:
        return lines, [], []
    preamble = lines[: starts[0]]
    chunks = [lines[start:end] for start, end in zip(starts, [*starts[1:], len(lines)], strict=True)]
    # The comments right above a header belong to that entry: move them from the chunk (or preamble) before.
    moved: list[list[str]] = []
    for chunk_index in range(len(chunks)):
        before = preamble if chunk_index == 0 else chunks[chunk_index - 1]
        cut = len(before)
        while cut > 0 and _COMMENT_OR_BLANK.match(before[cut - 1]) and before[cut - 1].strip():
            cut -= 1
        moved.append(before[cut:])
        del before[cut:]
    epilogue: list[str] = []
    last = chunks[-1]
    while last and _COMMENT_OR_BLANK.match(last[-1]):
        epilogue.insert(0, last.pop())
    entries = []
    for comments, chunk in zip(moved, chunks, strict=True):
        while chunk and not chunk[-1].strip():
            chunk.pop()
        header = _ENTRY_HEADER.match(chunk[0])
        assert header is not None  # each chunk starts at an entry's header line
        entity_type = header.group(1)
        try:
            data = tomllib.loads("".join(chunk))
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"an entry is not valid TOML: {exc}", source, hint="fix the entry") from None
        (item,) = data.get(entity_type, [{}])
        entries.append(_Entry(entity_type, str(item.get("id", "")), tuple(comments + chunk)))
    while preamble and not preamble[-1].strip():
        preamble.pop()
    while epilogue and not epilogue[0].strip():
        epilogue.pop(0)
    return preamble, entries, epilogue


def _order(entry: _Entry) -> tuple[int, str]:
    rank = ENTITY_TYPES.index(entry.entity_type) if entry.entity_type in ENTITY_TYPES else len(ENTITY_TYPES)
    return rank, entry.entity_id


def _join(preamble: list[str], entries: Iterable[_Entry], epilogue: list[str]) -> str:
    parts = ["".join(preamble)] if preamble else []
    parts.extend("".join(entry.lines) for entry in entries)
    if epilogue:
        parts.append("".join(epilogue))
    return "\n".join(parts)


def sorted_register_text(text: str, source: str = "<register>") -> str:
    """The register's text with its entries in canonical order (persons, orgs, places, each by id)."""
    before = parse_register(text, source)
    preamble, entries, epilogue = _split(text, source)
    result = _join(preamble, sorted(entries, key=_order), epilogue)
    _check_same(before, parse_register(result, source), source)
    return result


def _check_same(before: Register, after: Register, source: str) -> None:
    if before.entities != after.entities or before.not_names != after.not_names:
        raise InputError(
            "the register's layout is beyond what `teikit register sort` can reorder safely; nothing was written",
            source,
            hint="write each entry as one [[type]] table with its keys below it",
        )


def sort_register_file(path: str | Path) -> bool:
    """Rewrite a register file in canonical order (atomically); False if it already was."""
    path = Path(path)
    text = read_input(path, "register file").decode("utf-8")
    result = sorted_register_text(text, str(path))
    if result == text:
        return False
    write_atomic(path, result)
    return True


def add_entries(register_file: str | Path, additions_file: str | Path) -> list[str]:
    """Append the entries of a reviewed file to the register, in canonical order; the ids added."""
    register_file, additions_file = Path(register_file), Path(additions_file)
    text = read_input(register_file, "register file").decode("utf-8")
    extra = read_input(additions_file, "file of entries").decode("utf-8")
    current = parse_register(text, str(register_file))
    # The additions alone must be entries (a format line is allowed, and dropped).
    _, new_entries, _ = _split(extra, str(additions_file))
    parse_register("format = 1\n" + "\n".join("".join(e.lines) for e in new_entries), str(additions_file))
    for entry in new_entries:
        if entry.entity_id in current:
            raise InputError(
                f"'{entry.entity_id}' is already an entry of {register_file}",
                str(additions_file),
                hint="give the new entry another id, or edit the existing one",
            )
    combined = text.rstrip("\n") + "\n\n" + "\n".join("".join(e.lines) for e in new_entries)
    result = sorted_register_text(combined, str(register_file))
    write_atomic(register_file, result)
    return [entry.entity_id for entry in new_entries]


# --- clashes ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clash:
    """Two things that cannot both stand as they are, named both."""

    first: str
    second: str
    message: str
    hint: str
    severity: str = "error"  # "error": the TEI cannot be built; "warning": worth a look

    def one_line(self, source: str) -> str:
        return f"{source}: {self.severity}: {self.first} and {self.second}: {self.message} ({self.hint})"


_CITES_LINES = re.compile(r"\blines? \d+")


def register_clashes(register: Register, document_ids: dict[str, str] | None = None) -> list[Clash]:
    """What clashes in a register that loads: ids taken by a document, forms two entries share, seed notes."""
    clashes: list[Clash] = []
    for entity in register:
        where = (document_ids or {}).get(entity.id)
        if where is not None:
            clashes.append(
                Clash(
                    f"the register's {entity.type} '{entity.id}'",
                    where,
                    f"both would have xml:id '{entity.id}'",
                    "rename the register entry (its id is only a key) and its references",
                )
            )
    claims: dict[tuple[str, ...], list[str]] = {}
    for entity in register:
        for form in entity.match_forms:
            owners = claims.setdefault(form_keys(normalise_form(form.text)), [])
            if entity.id not in owners:
                owners.append(entity.id)
    for key, owners in claims.items():
        if len(owners) > 1:
            # The loader refuses forms nothing tells apart; these differ by case or context rules.
            clashes.append(
                Clash(
                    f"'{owners[0]}'",
                    f"'{owners[1]}'",
                    f"both have the form '{''.join(key)}' (told apart only by case or context rules)",
                    "check that the rules say which is meant",
                    "warning",
                )
            )
    for entity in register:
        for field_name, value in (("description", entity.description), ("note", entity.note)):
            if value and _CITES_LINES.search(value):
                clashes.append(
                    Clash(
                        f"the {field_name} of '{entity.id}'",
                        "every other text of the corpus",
                        "it cites line numbers of one text, but the register serves them all",
                        "move the remark to that text's edition file, or say which text it means",
                        "warning",
                    )
                )
    return clashes


def texts_using(register_file: str | Path) -> list[Path]:
    """The texts beside a register that use it (their edition file names it, or they have none)."""
    from .convert import edition_for, register_path

    register_file = Path(register_file).resolve()
    found = []
    for text in sorted(register_file.parent.glob("*.txt")):
        path = register_path(edition_for(text), text)
        if path is not None and path.resolve() == register_file:
            found.append(text)
    return found


def check_register(register_file: str | Path, texts: Iterable[str | Path] | None = None) -> list[Clash]:
    """Load a register (the first mistake is an InputError) and report what clashes, with the texts' ids too."""
    from .convert import document_ids
    from .register import load_register

    register = load_register(register_file)
    chosen = texts_using(register_file) if texts is None else [Path(t) for t in texts]
    ids: dict[str, str] = {}
    for text in chosen:
        for key, where in document_ids(text).items():
            ids.setdefault(key, where)
    return register_clashes(register, ids)
