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


# Keys whose value goes into the TEI as text: a value of another type was read as is and broke the TEI writer
# (an internal error, "Argument must be bytes or unicode"). Each is now one line naming the key.
STRING_KEYS = [
    ("title", {}),
    ("subtitle", {}),
    ("language", {}),
    ("language_name", {}),
    ("project", {}),
    ("register", {}),
    ("availability", {"table": "publication"}),
    ("note", {"table": "source_description"}),
    ("text", {"table": "creation"}),
    ("ref", {"array": "author", "name": "x"}),
    ("role", {"array": "author", "name": "x"}),
    ("reason", {"array": "tag", "line": 1, "text": "1923", "element": "date", "when": "1923"}),
]


def _with(key: str, value, where: dict) -> dict:
    fixed = {k: v for k, v in where.items() if k not in {"table", "array"}}
    if "table" in where:
        return {where["table"]: {**fixed, key: value}}
    if "array" in where:
        return {where["array"]: [{**fixed, key: value}]}
    return {key: value}


@pytest.mark.parametrize(
    ("key", "where"), STRING_KEYS, ids=[f"{w.get('table') or w.get('array') or 'top'}.{k}" for k, w in STRING_KEYS]
)
@pytest.mark.parametrize("value", [5, [1], {"a": 1}], ids=["number", "array", "table"])
def test_a_text_key_given_another_type_is_one_clear_line(key, where, value):
    with pytest.raises(InputError, match=rf"'{key}' must be a non-empty string"):
        _edition_from_data(Path("e.toml"), "", {"source": "e.txt", **_with(key, value, where)})


@pytest.mark.parametrize("table", ["author", "editor"])
def test_org_must_be_a_boolean_not_a_quoted_word(table):
    entry = {"name": "n", "org": "false"} | ({"id": "e", "resp": "r"} if table == "editor" else {})
    with pytest.raises(InputError, match=r"'org' must be true or false"):
        _edition_from_data(Path("e.toml"), "", {"source": "e.txt", table: [entry]})
    entry["org"] = False
    edition = _edition_from_data(Path("e.toml"), "", {"source": "e.txt", table: [entry]})
    assert not (edition.authors or edition.editors)[0].is_org


def test_a_wrong_type_in_the_edition_file_is_an_error_line_from_the_cli_not_a_traceback(tmp_path):
    from click.testing import CliRunner

    from teikit.cli import cli

    (tmp_path / "t.txt").write_text("A title\n\nSome text of 1923.\n", encoding="utf-8")
    (tmp_path / "t.toml").write_text(
        'source = "t.txt"\n\n[publication]\ndistributor = "d"\navailability = 5\n', encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["convert", str(tmp_path / "t.txt"), "-o", str(tmp_path / "t.xml")])
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"{tmp_path / 't.toml'}:5: error: [publication]: 'availability' must be a "
        "non-empty string (fix the edition file)"
    )
    assert not (tmp_path / "t.xml").exists()
