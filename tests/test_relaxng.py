"""The grammar restriction: exact for any grammar, never bigger than the full one, its cache checked before use."""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from teikit import relaxng
from teikit.cli import cli

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("TEIKIT_TEI_DATA", "/work/data"))
TEIC_SOURCES = sorted(glob.glob(str(DATA / "tei/P5/Source/Guidelines/en/*.xml"))) + sorted(
    glob.glob(str(DATA / "tei/P5/Test/*.xml"))
)
from conftest import TEI_ALL  # noqa: E402

RNG = 'xmlns="http://relaxng.org/ns/structure/1.0"'
XSD = "http://www.w3.org/2001/XMLSchema-datatypes"


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    """Each test has its own grammar cache (never the user's)."""
    monkeypatch.setenv("TEIKIT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _verdicts(schema: Path, document: Path) -> tuple[int, int]:
    """Exit status of ``teikit validate`` by default (restricted grammar) and with --full-grammar."""
    runner = CliRunner()
    restricted = runner.invoke(cli, ["validate", "--schema", str(schema), "--no-cache", str(document)])
    full = runner.invoke(cli, ["validate", "--schema", str(schema), "--full-grammar", str(document)])
    return restricted.exit_code, full.exit_code


# The counter-example of issue 11: the attribute's name class inherits ns="urn:b" from the div;
# copied into the element without it, it named an attribute in no namespace, and <doc x="1"/> passed.
INHERITED_NS = f"""<grammar {RNG}>
  <start><element name="doc"><ref name="x"/></element></start>
  <div ns="urn:b"><define name="x"><attribute><name>x</name></attribute></define></div>
</grammar>"""

# The same with a datatype library: "integer" exists only in the library the div declares.
INHERITED_LIBRARY = f"""<grammar {RNG}>
  <start><element name="doc"><ref name="n"/></element></start>
  <div datatypeLibrary="{XSD}"><define name="n"><attribute name="n"><data type="integer"/></attribute></define></div>
</grammar>"""


def _jing_exit(schema: Path, document: Path) -> int | None:
    if not shutil.which("jing"):
        return None
    return subprocess.run(["jing", str(schema), str(document)], capture_output=True).returncode


@pytest.mark.parametrize(
    ("grammar", "document", "valid"),
    [
        (INHERITED_NS, '<doc x="1"/>', False),
        (INHERITED_NS, '<doc xmlns:b="urn:b" b:x="1"/>', True),
        (INHERITED_LIBRARY, '<doc n="abc"/>', False),
        (INHERITED_LIBRARY, '<doc n="12"/>', True),
    ],
)
def test_restriction_keeps_inherited_context(tmp_path, grammar, document, valid):
    schema, doc = tmp_path / "g.rng", tmp_path / "d.xml"
    schema.write_text(grammar)
    doc.write_text(document)
    restricted, full = _verdicts(schema, doc)
    assert restricted == (0 if valid else 1)
    # libxml2 itself does not look for datatypeLibrary on a div, so the full grammar may not even
    # compile (exit 2, a usage error); where it does, it agrees. jing (the reference) always agrees.
    assert full in (restricted, 2)
    assert _jing_exit(schema, doc) in (None, restricted)


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).write_text(text)


# Includes with an override inside a div, an external reference inheriting ns, a nested grammar with
# parentRef, prefixed names declared only in the included file, combine="interleave".
COMPOSED = {
    "main.rng": f"""<grammar {RNG} ns="urn:m" xmlns:z="urn:z">
  <include href="lib.rng" ns="urn:lib">
    <div><define name="item"><element name="z:item"><text/></element></define></div></include>
  <start><element name="doc"><ref name="items"/><ref name="extra"/><optional><ref name="note"/></optional>
    <optional><externalRef href="ext.rng"/></optional></element></start>
  <define name="extra" combine="interleave"><optional><attribute name="a"/></optional></define>
  <define name="note"><grammar><start><element name="note"><parentRef name="item"/></element></start></grammar></define>
</grammar>""",
    "lib.rng": f"""<grammar {RNG} xmlns:q="urn:q">
  <define name="items"><oneOrMore><ref name="item"/></oneOrMore></define>
  <div><define name="item"><element name="item"><empty/></element></define></div>
  <define name="extra" combine="interleave"><attribute name="q:b"/></define>
</grammar>""",
    "ext.rng": f"""<element name="ext" {RNG}><attribute><name>c</name></attribute></element>""",
}
COMPOSED_DOCUMENTS = {
    "ok.xml": '<doc xmlns="urn:m" xmlns:q="urn:q" q:b="1"><z:item xmlns:z="urn:z">t</z:item></doc>',
    "ok2.xml": '<doc xmlns="urn:m" xmlns:q="urn:q" q:b="1" a="2"><z:item xmlns:z="urn:z"/>'
    '<note><z:item xmlns:z="urn:z"/></note><ext xmlns:m="urn:m" m:c="3"/></doc>',
    "overridden.xml": '<doc xmlns="urn:m" xmlns:q="urn:q" q:b="1"><item xmlns="urn:lib"/></doc>',
    "no-b.xml": '<doc xmlns="urn:m"><z:item xmlns:z="urn:z"/></doc>',
    "ext-ns.xml": '<doc xmlns="urn:m" xmlns:q="urn:q" q:b="1"><z:item xmlns:z="urn:z"/><ext c="3"/></doc>',
}


@pytest.mark.parametrize("document", sorted(COMPOSED_DOCUMENTS))
def test_restriction_of_a_composed_grammar_agrees_with_the_full_one(tmp_path, document):
    _write(tmp_path, COMPOSED)
    _write(tmp_path, COMPOSED_DOCUMENTS)
    full = etree.RelaxNG(etree.parse(str(tmp_path / "main.rng")))
    tree = etree.parse(str(tmp_path / document))
    restriction = relaxng.restrict(
        etree.parse(str(tmp_path / "main.rng")), relaxng.names_in_tree(tree), tmp_path / "main.rng"
    )
    assert restriction.reason is None
    assert etree.RelaxNG(restriction.grammar).validate(tree) == full.validate(tree) == document.startswith("ok")


def test_what_cannot_be_made_explicit_falls_back_with_a_reason(tmp_path):
    schema = tmp_path / "g.rng"
    schema.write_text(f"""<grammar {RNG} datatypeLibrary="{XSD}">
      <start><element name="doc"><attribute name="q"><data type="QName"/></attribute></element></start></grammar>""")
    names = {"doc", "@q"}
    assert "QName" in relaxng.restriction_fallback_reason(schema, names)
    compiled = relaxng.compile_grammar(schema, names)
    assert not compiled.restricted and "QName" in compiled.fallback_reason
    assert compiled.relaxng.validate(etree.fromstring('<doc xmlns:p="urn:p" q="p:x"/>').getroottree())


# --- the bound: never bigger, never deeper ------------------------------------------------


def test_restriction_never_grows_a_grammar_whose_definitions_are_copied_everywhere():
    # One attribute class used by 40 elements: copying it into each would make the grammar
    # many times its size (what overflowed libxml2's stack with tei_all); within the bound, it stays a ref.
    attributes = "".join(f'<optional><attribute name="a{i}"/></optional>' for i in range(30))
    elements = "".join(
        f'<define name="e{i}"><element name="e{i}"><ref name="att"/><zeroOrMore><choice>'
        f'<ref name="e{(i + 1) % 40}"/><text/></choice></zeroOrMore></element></define>'
        for i in range(40)
    )
    grammar = etree.fromstring(
        f'<grammar {RNG}><start><ref name="e0"/></start><define name="att">{attributes}</define>{elements}</grammar>'
    ).getroottree()
    names = {f"e{i}" for i in range(40)} | {f"@a{i}" for i in range(30)}
    restriction = relaxng.restrict(grammar, names, ".")
    assert restriction.reason is None
    assert restriction.nodes <= restriction.full_nodes and restriction.depth <= restriction.full_depth
    assert any(True for _ in restriction.grammar.iter(f"{{{relaxng.RNG_NS}}}ref"))


@pytest.mark.skipif(not (TEI_ALL.is_file() and TEIC_SOURCES), reason="tei_all.rng or TEIC/TEI sources absent")
def test_tei_all_restricted_to_the_teic_sources_is_within_bounds_and_compiles(tmp_path):
    names = frozenset().union(*(relaxng.element_names_in_file(path) for path in TEIC_SOURCES))
    restriction = relaxng.restrict(relaxng.parse_xml(TEI_ALL), names, TEI_ALL)
    assert restriction.reason is None
    assert restriction.nodes <= restriction.full_nodes and restriction.depth <= restriction.full_depth
    assert len(etree.tostring(restriction.grammar)) <= TEI_ALL.stat().st_size
    # Compiled in a child: a stack overflow would kill the test run, not fail one test.
    grammar = tmp_path / "restricted.rng"
    grammar.write_bytes(etree.tostring(restriction.grammar))
    compiled = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from lxml import etree; etree.RelaxNG(etree.parse(sys.argv[1]))",
            str(grammar),
        ],
        capture_output=True,
    )
    assert compiled.returncode == 0, compiled.stderr.decode()


# --- the cache is checked before it is trusted ---------------------------------------------

LETTER = ROOT / "tests" / "fixtures" / "validate" / "schemas" / "letter.rng"
ACCEPT_ANYTHING = (
    f"<grammar {RNG}><start><element><anyName/><zeroOrMore><choice><attribute><anyName/></attribute>"
    '<text/><ref name="any"/></choice></zeroOrMore></element></start><define name="any"><element>'
    '<anyName/><zeroOrMore><choice><attribute><anyName/></attribute><text/><ref name="any"/></choice>'
    "</zeroOrMore></element></define></grammar>"
).encode()


def _invalid_letter(tmp_path: Path) -> Path:
    path = tmp_path / "bad.xml"
    path.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><nonsense/></TEI>')
    return path


def _tampered_entries(entry: Path):
    original = entry.read_bytes()
    header, _, body = original.partition(b"\n")
    yield "replaced by an accept-anything grammar", ACCEPT_ANYTHING
    yield "body replaced, header kept", header + b"\n" + ACCEPT_ANYTHING
    yield "truncated", original[: len(original) // 2]
    yield "empty", b""
    yield "other code's header", header.replace(b"code=", b"code=0") + b"\n" + body
    yield "not even bytes of XML", b"\xff\xfe\x00garbage"


def test_a_tampered_cache_entry_is_rebuilt_never_trusted(tmp_path, own_cache):
    bad = _invalid_letter(tmp_path)
    names = relaxng.element_names_in_file(bad)
    first = relaxng.compile_grammar(LETTER, names)
    assert first.restricted and not first.relaxng.validate(etree.parse(str(bad)))
    [entry] = (own_cache / "relaxng").glob("*.rng")
    for what, data in list(_tampered_entries(entry)):
        entry.write_bytes(data)
        again = relaxng.compile_grammar(LETTER, names)
        assert not again.from_cache, what
        assert not again.relaxng.validate(etree.parse(str(bad))), what
        assert relaxng.restricted_grammar_bytes(LETTER, names) is not None, what
        assert relaxng.compile_grammar(LETTER, names).from_cache, what
    assert relaxng.compile_grammar(LETTER, names).from_cache  # the rebuilt entry is used


def test_the_cli_rebuilds_a_replaced_entry(tmp_path, own_cache):
    bad = _invalid_letter(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli, ["validate", "--schema", str(LETTER), str(bad)]).exit_code == 1
    for entry in (own_cache / "relaxng").glob("*.rng"):
        entry.write_bytes(ACCEPT_ANYTHING)
    assert runner.invoke(cli, ["validate", "--schema", str(LETTER), str(bad)]).exit_code == 1


def test_an_entry_depends_on_the_included_files(tmp_path, own_cache):
    _write(tmp_path, COMPOSED)
    names = frozenset({"doc", "item", "@b"})
    relaxng.compile_grammar(tmp_path / "main.rng", names)
    (tmp_path / "ext.rng").write_text(COMPOSED["ext.rng"].replace("<name>c</name>", "<name>d</name>"))
    assert not relaxng.compile_grammar(tmp_path / "main.rng", names).from_cache


# --- dates and times: read as jing reads them -------------------------------------------------

DATES = f"""<grammar {RNG} datatypeLibrary="{XSD}"><start><element name="r"><zeroOrMore><choice>
  <element name="d"><attribute name="v"><data type="dateTime"/></attribute></element>
  <element name="t"><attribute name="v"><data type="time"/></attribute></element></choice></zeroOrMore>
</element></start></grammar>"""
DATE_EDGES = [
    ("d", "1999-12-31T24:00:00", False),
    ("d", "1999-12-31T24:00:00Z", False),
    ("t", "24:00:00", False),
    ("t", "24:00:00.0", False),
    ("d", "1999-12-31T23:59:60", True),
    ("d", "1999-12-31T12:30:60.5", True),
    ("t", "23:59:60Z", True),
    ("d", " 2004-02-29T23:59:60 ", True),
    ("d", "2001-02-29T23:59:60", False),
    ("d", "1900-02-29T23:59:60", False),
    ("d", "2000-02-29T23:59:60", True),
    ("d", "1999-04-31T23:59:60", False),
    ("d", "0000-01-01T23:59:60", False),
    ("d", "1999-12-31T23:59:61", False),
    ("d", "1999-12-31T23:59:60+14:01", False),
    ("d", "2000-01-01T00:00:00", True),
    ("t", "00:00:00", True),
]


@pytest.mark.parametrize(("element", "value", "valid"), DATE_EDGES)
@pytest.mark.parametrize("mode", ["restricted", "full"])
def test_dates_and_times_are_read_as_jing_reads_them(tmp_path, element, value, valid, mode):
    schema = tmp_path / "dates.rng"
    schema.write_text(DATES)
    document = etree.fromstring(f'<r><{element} v="{value}"/></r>').getroottree()
    names = relaxng.names_in_tree(document) if mode == "restricted" else None
    assert relaxng.compile_grammar(schema, names).relaxng.validate(document) == valid


@pytest.mark.skipif(not shutil.which("jing"), reason="jing is not installed")
def test_the_date_edges_are_jings_verdicts(tmp_path):
    schema = tmp_path / "dates.rng"
    schema.write_text(DATES)
    paths = []
    for index, (element, value, _) in enumerate(DATE_EDGES):
        paths.append(tmp_path / f"{index}.xml")
        paths[-1].write_text(f'<r><{element} v="{value}"/></r>')
    out = subprocess.run(["jing", str(schema), *map(str, paths)], capture_output=True, text=True).stdout
    assert [f"{path}:" not in out for path in paths] == [valid for _, _, valid in DATE_EDGES]


@pytest.mark.skipif(not TEI_ALL.is_file(), reason="tei_all.rng absent")
@pytest.mark.parametrize("switch", [[], ["--full-grammar"]])
def test_tei_dates_follow_jing_with_and_without_restriction(tmp_path, switch):
    expected = {"hour-24.xml": ("1999-12-31T24:00:00", False), "leap-second.xml": ("1999-12-31T23:59:60", True)}
    for name, (when, _) in expected.items():
        (tmp_path / name).write_text(
            '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>t</title></titleStmt>'
            "<publicationStmt><p>p</p></publicationStmt><sourceDesc><p>s</p></sourceDesc></fileDesc></teiHeader>"
            f'<text><body><p><date when="{when}">then</date></p></body></text></TEI>'
        )
    result = CliRunner().invoke(
        cli,
        [
            "validate",
            "--format",
            "json",
            "--tei-all",
            str(TEI_ALL),
            *switch,
            *(str(tmp_path / name) for name in expected),
        ],
    )
    files = {Path(f["path"]).name: not f["problems"] for f in json.loads(result.output)["files"]}
    assert files == {name: valid for name, (_, valid) in expected.items()}
