"""docs/edition-file.md is tested like the README: every key teikit reads is documented, every example loads."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from teikit.edition import TOP_KEYS, _edition_from_data
from teikit.errors import InputError

from conftest import REPO

DOC = (REPO / "docs" / "edition-file.md").read_text(encoding="utf-8")
PROBE = "zz_not_a_key"


def _allowed(data: dict) -> set[str] | None:
    """The keys the edition reader allows where PROBE stands, from its own 'unknown key' message."""
    try:
        _edition_from_data(Path("probe.toml"), "", {"source": "probe.txt", **data})
    except InputError as error:
        if f"unknown key '{PROBE}'" in error.message:
            return set(error.hint.removeprefix("allowed keys: ").split(", "))
        raise
    return None


def accepted_keys() -> dict[str, set[str]]:
    """Every table of the edition file and the keys teikit accepts in it, asked of edition.py itself."""
    tables = {"top": _allowed({PROBE: 1})}
    assert tables["top"] == TOP_KEYS
    for key in sorted(TOP_KEYS):
        for shape, value in (("table", {PROBE: 1}), ("array", [{PROBE: 1}])):
            try:
                allowed = _allowed({key: value})
            except InputError:
                continue  # not this shape (e.g. a string key given a table)
            if allowed is not None:
                tables[f"[{key}]" if shape == "table" else f"[[{key}]]"] = allowed
    return tables


def documented_keys() -> dict[str, set[str]]:
    """Per section of the doc (``## `[[author]]` ``, ``## Top-level keys``): the keys in its table's first column."""
    sections = {}
    for chunk in re.split(r"^## ", DOC, flags=re.M)[1:]:
        heading, _, body = chunk.partition("\n")
        name = "top" if heading.startswith("Top-level") else heading.strip().strip("`")
        rows = [line.split("|")[1] for line in body.splitlines() if line.startswith("| `")]
        sections[name] = {key for cell in rows for key in re.findall(r"`(\w+)`", cell)}
    return sections


def test_every_key_teikit_reads_is_documented_and_nothing_else():
    accepted, documented = accepted_keys(), documented_keys()
    assert len(accepted) >= 12, accepted  # the probe found the tables
    assert sorted(accepted) == sorted(documented), "a table is missing from docs/edition-file.md, or extra"
    for table, keys in accepted.items():
        assert documented[table] == keys, f"{table}: documented {sorted(documented[table])}, read {sorted(keys)}"


def toml_examples() -> list[str]:
    return re.findall(r"```toml\n(.*?)```", DOC, re.S)


@pytest.mark.parametrize("example", toml_examples(), ids=lambda text: text.split("\n", 1)[0])
def test_every_example_parses_and_loads(example):
    text = example if re.search(r"^source\s*=", example, re.M) else 'source = "example.txt"\n' + example
    edition = _edition_from_data(Path("example.toml"), text, tomllib.loads(text))
    assert edition.source


def test_the_examples_cover_every_table():
    shown = {match for example in toml_examples() for match in re.findall(r"^\[\[?(\w+)\]\]?$", example, re.M)}
    tables = {name.strip("[]") for name in accepted_keys() if name != "top"}
    assert tables <= shown, f"no example of {sorted(tables - shown)}"


def test_the_seed_edition_file_uses_only_documented_keys():
    seed = tomllib.loads((REPO / "seeds" / "workers-group-manifesto-1.toml").read_text(encoding="utf-8"))
    documented = documented_keys()
    assert set(seed) <= documented["top"]
    for key, value in seed.items():
        for entry in value if isinstance(value, list) else [value] if isinstance(value, dict) else []:
            table = f"[[{key}]]" if isinstance(value, list) else f"[{key}]"
            assert set(entry) <= documented[table], (table, set(entry) - documented[table])


@pytest.mark.parametrize("key", ["publication", "source_description", "creation", "notes"])
def test_a_table_written_as_an_array_is_one_clear_line(key):
    with pytest.raises(InputError, match=rf"'{key}' must be a table \(\[{key}\]\)"):
        _edition_from_data(Path("e.toml"), "", {"source": "e.txt", key: [{"text": "x"}]})
