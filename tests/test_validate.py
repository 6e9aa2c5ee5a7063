"""Tests for teikit validate: schemas, messages, formats, exit codes, speed machinery."""

from __future__ import annotations

import json
import os
import pickle
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from teikit import relaxng
from teikit.cli import cli
from teikit.errors import UsageError, XMLInputError
from teikit.validate import (
    FileReport,
    Locator,
    Problem,
    Report,
    load_schemas,
    validate_file,
    validate_paths,
    validate_tree,
)
from teikit.validate.formats import FORMATTERS, format_report
from teikit.xmlio import parse_xml, parse_xml_bytes

from conftest import SHARED

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "validate"
VALID = FIXTURES / "valid"
INVALID = FIXTURES / "invalid"
LETTERS = FIXTURES / "letters"
SCHEMAS = FIXTURES / "schemas"
# The official schema and real TEI live beside the repository (../shared/tei); TEIKIT_TEI_DIR overrides.
TEI_DIR = Path(os.environ.get("TEIKIT_TEI_DIR", SHARED / "tei"))
TEI_ALL = TEI_DIR / "tei_all.rng"
SAMPLES = TEI_DIR / "samples"
TEIKIT_SCH = ROOT / "schemas" / "teikit.sch"
TEI = "http://www.tei-c.org/ns/1.0"

needs_tei_all = pytest.mark.skipif(not TEI_ALL.is_file(), reason="tei_all.rng not at ../shared/tei")
needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason="TEI samples not at ../shared/tei/samples")


@pytest.fixture(scope="session")
def tei_schemas():
    """tei_all (restricted per document) and teikit.sch, loaded once for the session."""
    if not TEI_ALL.is_file():
        pytest.skip("tei_all.rng not at ../shared/tei")
    return load_schemas(rng=[TEI_ALL], schematron=[TEIKIT_SCH])


@pytest.fixture(scope="session")
def sch_only():
    return load_schemas(schematron=[TEIKIT_SCH])


@pytest.fixture(scope="session")
def letter_schemas():
    return load_schemas(rng=[SCHEMAS / "letter.rng"])


def tei_doc(body: str) -> etree._ElementTree:
    """A minimal TEI document with ``body`` inside <body>."""
    text = (
        f'<TEI xmlns="{TEI}"><teiHeader><fileDesc><titleStmt><title>t</title></titleStmt>'
        "<publicationStmt><p>p</p></publicationStmt><sourceDesc><p>s</p></sourceDesc></fileDesc></teiHeader>"
        f"<text><body>{body}</body></text></TEI>"
    )
    return parse_xml_bytes(text.encode())


# --- expected problems written in the fixtures ------------------------------------------

_EXPECT = re.compile(r"^\s*expect (\S+) \[([^\]]+)\] (.*)$", re.MULTILINE)


def expected_problems(path: Path) -> set[tuple]:
    """The ``expect LINE:COLUMN [rule] message`` lines of a fixture's closing comment."""
    found = set()
    for where, rule, message in _EXPECT.findall(path.read_text(encoding="utf-8")):
        if where == "-":
            line = column = None
        else:
            line_text, column_text = where.split(":")
            line, column = int(line_text), (None if column_text == "None" else int(column_text))
        found.add((line, column, rule, message.strip()))
    return found


@needs_tei_all
@pytest.mark.parametrize("fixture", sorted(INVALID.glob("*.xml")), ids=lambda p: p.stem)
def test_invalid_fixture_reports_exactly_the_expected_problems(fixture, tei_schemas):
    expected = expected_problems(fixture)
    assert expected, f"{fixture.name} states no expected problem"
    report = validate_file(fixture, tei_schemas)
    got = {(p.line, p.column, p.rule, p.message) for p in report.problems}
    assert got == expected
    assert not report.valid


@needs_tei_all
@pytest.mark.parametrize("fixture", sorted(VALID.glob("*.xml")), ids=lambda p: p.stem)
def test_valid_fixture_has_no_problem(fixture, tei_schemas):
    assert validate_file(fixture, tei_schemas).problems == ()


def test_every_schematron_assert_has_an_invalid_fixture():
    sch = parse_xml(TEIKIT_SCH)
    ids = {a.get("id") for a in sch.iter("{http://purl.oclc.org/dsdl/schematron}assert")}
    covered = set()
    for fixture in INVALID.glob("*.xml"):
        covered |= {rule for _, _, rule, _ in expected_problems(fixture)}
    assert ids and ids <= covered


# --- Schematron rules on literal documents ----------------------------------------------


@pytest.mark.parametrize(
    ("when", "ok"),
    [
        ("1923", True),
        ("1923-05", True),
        ("1923-05-31", True),
        ("1924-02-29", True),  # divisible by 4
        ("2000-02-29", True),  # divisible by 400
        ("1900-02-29", False),  # divisible by 100, not 400
        ("1923-02-29", False),
        ("1923-02-28", True),
        ("1923-04-31", False),
        ("1923-12-31", True),
        ("1923-00", False),
        ("1923-13", False),
        ("1923-01-00", False),
        ("1923-01-32", False),
        ("1923-5-1", False),
        ("May 1923", False),
        ("1923-05-01T10:00:00", True),
        ("-0044-03-15", True),  # BCE: left to the grammar
    ],
)
def test_date_attributes_must_be_real_iso_dates(sch_only, when, ok):
    report = validate_tree(tei_doc(f'<p><date when="{when}">d</date></p>'), sch_only)
    assert report.valid is ok, report.problems


@pytest.mark.parametrize(
    ("attributes", "ok"),
    [
        ('from="1923" to="1923-05"', True),  # mixed precision: May 1923 lies in 1923
        ('from="1923-05" to="1923"', True),
        ('from="1923-05-15" to="1923-05"', True),
        ('from="1923-06" to="1923-05-31"', False),
        ('from="1924" to="1923-12"', False),
        ('from="1923-05-02" to="1923-05-01"', False),
        ('notBefore="1923-06-01" notAfter="1923-08-31"', True),
        ('notBefore="1923-09" notAfter="1923-08-31"', False),
        ('notBefore="1923" notAfter="1923"', True),
    ],
)
def test_ranges_run_forwards(sch_only, attributes, ok):
    report = validate_tree(tei_doc(f"<p><date {attributes}>d</date></p>"), sch_only)
    assert report.valid is ok, report.problems


def test_pointer_lists_are_checked_token_by_token(sch_only):
    body = (
        '<p xml:id="a">x</p><p xml:id="b">y</p>'
        '<p corresp="#a #b">ok</p><p corresp="#a #missing https://example.org/#a other.xml#zzz">bad</p>'
    )
    report = validate_tree(tei_doc(body), sch_only)
    assert [(p.rule, p.message) for p in report.problems] == [
        ("pointer-resolves", "@corresp points to #missing, but no element has that xml:id")
    ]


def test_unique_ids_in_a_tree_built_in_memory(sch_only):
    tree = tei_doc('<p xml:id="x">a</p>\n<p>b</p>')
    second = tree.getroot().find(f".//{{{TEI}}}body")[1]
    second.set("{http://www.w3.org/XML/1998/namespace}id", "x")  # the parser would refuse this; a program may not
    report = validate_tree(tree, sch_only)
    assert [(p.line, p.rule) for p in report.problems] == [(1, "unique-id"), (2, "unique-id")]


def test_note_pointed_at_without_footnote_type_is_checked_too(sch_only):
    body = '<p>a<ptr target="#n1"/><ptr target="#n1"/></p><note xml:id="n1">n</note><note>inline note</note>'
    report = validate_tree(tei_doc(body), sch_only)
    assert [p.rule for p in report.problems] == ["note-referenced-once"]
    assert "referenced 2 times" in report.problems[0].message


def test_schematron_lines_are_real_lines_not_zero(sch_only):
    report = validate_file(INVALID / "pointer-unresolved.xml", sch_only)
    assert [p.line for p in report.problems] == [17, 18]
    assert all(p.schema == "teikit.sch" for p in report.problems)


def test_schematron_warning_is_not_an_error(tmp_path):
    schemas = load_schemas(schematron=[SCHEMAS / "warning.sch"])
    report = validate_paths([LETTERS / "good.xml"], schemas, jobs=1)
    (problem,) = report.files[0].problems
    assert problem.severity == "warning" and problem.rule == "paragraph-not-too-long"
    assert report.valid and report.exit_code == 0 and report.warning_count == 1


# --- the grammar ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        (
            "closer-first.xml",
            (
                3,
                3,
                "element <closer> is not allowed here in <letter> (as the first child); expected <opener>",
            ),
        ),
        (
            "no-paragraph.xml",
            (4, 3, "element <closer> is not allowed here in <letter> (after <opener>); expected <p>"),
        ),
        ("empty-letter.xml", (2, 1, "element <letter> is incomplete: expected <p> after <opener>")),
    ],
)
def test_grammar_messages_name_the_element_the_place_and_what_was_expected(letter_schemas, fixture, expected):
    report = validate_file(LETTERS / fixture, letter_schemas)
    assert [(p.line, p.column, p.message) for p in report.problems] == [expected]
    assert report.problems[0].schema == "letter.rng"


def test_an_attribute_value_outside_its_list_is_named_with_the_values_allowed(tmp_path):
    # teikit.rng lists the division types; libxml2 alone blames <body>, <head> and <closer>.
    text = (ROOT / "edition" / "workers-group-manifesto-1.xml").read_text(encoding="utf-8")
    assert text.count('<div type="preface"') == 1
    edited = tmp_path / "appendix.xml"
    edited.write_text(text.replace('<div type="preface"', '<div type="appendix"'), encoding="utf-8")
    line = next(n for n, x in enumerate(edited.read_text().splitlines(), 1) if 'type="appendix"' in x)
    report = validate_file(edited, load_schemas())
    assert [(p.line, p.column, p.rule, p.message) for p in report.problems] == [
        (
            line,
            9,
            "relaxng-attribute",
            'the value "appendix" of @type on <div> is not allowed; expected one of: address, afterword, '
            "chapter, endnotes, footnotes, introduction, manifesto, notes, preface, section",
        )
    ]


def test_other_mistakes_are_still_reported_beside_a_value_outside_its_list(tmp_path):
    text = (ROOT / "edition" / "workers-group-manifesto-1.xml").read_text(encoding="utf-8")
    text = text.replace('<div type="preface"', '<div type="appendix"')
    text = text.replace("<head>By way of a preface</head>", "<hed>By way of a preface</hed>")
    edited = tmp_path / "two-mistakes.xml"
    edited.write_text(text, encoding="utf-8")
    found = {(p.rule, p.message.split(";")[0]) for p in validate_file(edited, load_schemas()).problems}
    assert ("relaxng-attribute", 'the value "appendix" of @type on <div> is not allowed') in found
    assert any(rule == "relaxng-content" and "<hed> is not allowed here" in message for rule, message in found)


def test_locator_finds_the_nth_start_tag_of_a_name_on_its_line(tmp_path):
    source = tmp_path / "line.xml"
    source.write_text('<a>\n<b><c/><b><c/></b> <x:c xmlns:x="u"/><c/></b>\n<c/></a>\n', encoding="utf-8")
    tree = parse_xml(source)
    locator = Locator(tree, str(source))
    positions = [locator.position(e) for e in tree.iter() if isinstance(e.tag, str)]
    assert positions == [(1, 1), (2, 1), (2, 4), (2, 8), (2, 11), (2, 20), (2, 38), (3, 1)]


def test_grammar_with_include_gives_the_same_messages(letter_schemas):
    included = load_schemas(rng=[SCHEMAS / "letter-include.rng"])
    for fixture in sorted(LETTERS.glob("*.xml")):
        plain = [(p.line, p.message) for p in validate_file(fixture, letter_schemas).problems]
        via_include = [(p.line, p.message) for p in validate_file(fixture, included).problems]
        assert plain == via_include


def test_xml_schema_is_supported():
    schemas = load_schemas(xsd=[SCHEMAS / "letter.xsd"])
    report = validate_file(LETTERS / "good.xml", schemas)
    assert not report.valid and report.problems[0].schema == "letter.xsd" and report.problems[0].line


@needs_tei_all
@needs_samples
def test_real_tei_against_tei_all_grammar():
    grammar_only = load_schemas(rng=[TEI_ALL])
    hamlet = validate_file(SAMPLES / "hamlet.xml", grammar_only)
    assert hamlet.valid, hamlet.problems[:3]
    eltec = validate_file(SAMPLES / "ENG19011_Jerome.xml", grammar_only)
    assert [(p.line, p.message) for p in eltec.problems] == [
        (
            56,
            "element <authorGender> is not allowed here in <textDesc> (as the first child); expected <channel>",
        )
    ]


@needs_tei_all
@needs_samples
def test_real_tei_schematron_finds_dangling_pointers_in_hamlet(sch_only):
    report = validate_file(SAMPLES / "hamlet.xml", sch_only)
    messages = {p.message for p in report.problems}
    # Hamlet's @ana="#short" points to no element (DraCor's encoding); the rule says so, with a line.
    assert "@ana points to #short, but no element has that xml:id" in messages
    assert all(p.line and p.line > 1 for p in report.problems)


# --- restricted grammars: same verdicts, cached -----------------------------------------


def _mutations(tree: etree._ElementTree) -> list[etree._ElementTree]:
    """Invalid-or-not variants of a document: children dropped, swapped or duplicated, deterministically."""
    variants = []
    elements = [e for e in tree.iter() if isinstance(e.tag, str) and len(e)]
    for element in elements[:: max(1, len(elements) // 12)]:
        path = tree.getpath(element)
        for operation in ("drop-first", "swap", "duplicate-last", "drop-attributes", "odd-attribute"):
            copy = etree.ElementTree(etree.fromstring(etree.tostring(tree)))
            target = copy.xpath(path)[0]
            children = [c for c in target if isinstance(c.tag, str)]
            if operation == "drop-first":
                target.remove(children[0])
            elif operation == "swap" and len(children) > 1:
                children[0].addprevious(children[-1])
            elif operation == "duplicate-last":
                children[-1].addnext(etree.fromstring(etree.tostring(children[-1], with_tail=False)))
            elif operation == "drop-attributes":  # may remove a required attribute
                for child in children:
                    child.attrib.clear()
            elif operation == "odd-attribute":  # an attribute the element may not have, or a bad value
                children[0].set("when", "not a date")
            variants.append(copy)
    return variants


def test_restricted_letter_grammar_agrees_with_the_full_one():
    full = etree.RelaxNG(parse_xml(SCHEMAS / "letter.rng"))
    grammar = parse_xml(SCHEMAS / "letter.rng")
    for fixture in sorted(LETTERS.glob("*.xml")):
        for tree in [parse_xml(fixture), *_mutations(parse_xml(fixture))]:
            names = relaxng.names_in_tree(tree)
            elements_only = {name for name in names if not name.startswith("@")}
            verdict = full.validate(tree)
            for restriction in (names, elements_only):
                restricted = etree.RelaxNG(relaxng.restrict_grammar(grammar, restriction))
                assert restricted.validate(tree) == verdict


_COMBINED = """<grammar xmlns="http://relaxng.org/ns/structure/1.0">
  <start><element name="doc"><optional><attribute name="b"/></optional><ref name="content"/></element></start>
  <define name="content" combine="{combine}"><optional><attribute name="a"/></optional></define>
  <define name="content" combine="{combine}"><optional><element name="x"><empty/></element></optional></define>
  <define name="content" combine="{combine}"><optional><element name="y"><empty/></element></optional></define>
</grammar>"""


@pytest.mark.parametrize("combine", ["choice", "interleave"])
def test_restriction_keeps_the_parts_of_a_combined_definition_together(combine):
    # One part of "content" loses its only attribute and becomes empty; the other parts
    # still mean something, so references to "content" must not become empty.
    grammar = parse_xml_bytes(_COMBINED.format(combine=combine).encode())
    full = etree.RelaxNG(grammar)
    documents = ['<doc b="1"><x/></doc>', '<doc b="1"><y/></doc>', '<doc b="1"/>', '<doc b="1"><x/><y/></doc>']
    for text in documents:
        tree = parse_xml_bytes(text.encode())
        restricted = etree.RelaxNG(relaxng.restrict_grammar(grammar, relaxng.names_in_tree(tree)))
        assert restricted.validate(tree) == full.validate(tree), (combine, text)
    assert full.validate(parse_xml_bytes(b'<doc b="1"><x/></doc>'))  # both kinds were compared
    assert full.validate(parse_xml_bytes(b"<doc b='1'><x/><y/></doc>")) == (combine == "interleave")


@pytest.fixture(scope="session")
def full_tei_all(tei_all_schema):
    return tei_all_schema  # compiled once per session, by conftest


@pytest.mark.slow
@needs_tei_all
def test_restricted_tei_all_agrees_with_full_tei_all(full_tei_all):
    grammar = parse_xml(TEI_ALL)
    paths = sorted(FIXTURES.rglob("*.xml")) + (sorted(SAMPLES.glob("*.xml")) if SAMPLES.is_dir() else [])
    documents = []
    for path in paths:
        try:
            documents.append(parse_xml(path))
        except XMLInputError:  # malformed or hostile fixtures have no verdict to compare
            continue
    trees = []
    for tree in documents:
        trees.append(tree)
        trees.extend(_mutations(tree)[:20])
    verdicts = {True: 0, False: 0}
    restricted_by_names: dict[frozenset, etree.RelaxNG] = {}  # variants often share their names
    for tree in trees:
        names = relaxng.names_in_tree(tree)  # element and attribute names
        if names not in restricted_by_names:
            restricted_by_names[names] = etree.RelaxNG(relaxng.restrict_grammar(grammar, names))
        restricted = restricted_by_names[names]
        verdict = full_tei_all.validate(tree)
        assert restricted.validate(tree) == verdict, tree.getroot().base
        verdicts[verdict] += 1
    assert verdicts[True] >= 3 and verdicts[False] >= 10  # both kinds were really compared


@needs_tei_all
def test_restricted_grammar_is_small_and_cached(cache_dir):
    # A name no grammar declares makes a set no other test compiled (extra names are harmless).
    names = relaxng.element_names_in_file(VALID / "edition.xml") | {"cacheProbe"}
    first = relaxng.compile_grammar(TEI_ALL, names)
    again = relaxng.compile_grammar(TEI_ALL, names)
    assert first.restricted and not first.from_cache and again.from_cache
    entry = cache_dir / "relaxng" / f"{relaxng.restriction_key(TEI_ALL.read_bytes(), names)}.rng"
    assert entry.is_file() and entry.stat().st_size < TEI_ALL.stat().st_size / 5


def test_corrupt_cache_entry_is_rebuilt(cache_dir):
    schema = SCHEMAS / "letter.rng"
    names = relaxng.element_names_in_file(LETTERS / "good.xml")
    entry = cache_dir / "relaxng" / f"{relaxng.restriction_key(schema.read_bytes(), names)}.rng"
    relaxng.compile_grammar(schema, names)
    entry.write_bytes(b"<grammar xmlns='http://relaxng.org/ns/structure/1.0'><start><ref name='nowhere'")
    rebuilt = relaxng.compile_grammar(schema, names)
    assert not rebuilt.from_cache and rebuilt.relaxng.validate(parse_xml(LETTERS / "good.xml"))
    assert parse_xml(entry).getroot().tag.endswith("grammar")  # rewritten whole


def test_cache_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("TEIKIT_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert relaxng.cache_dir() == tmp_path / "teikit"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert relaxng.cache_dir() == Path.home() / ".cache" / "teikit"


def test_element_name_scan_finds_every_element_and_prefixed_names():
    data = b'<?xml version="1.0"?><t:TEI xmlns:t="x"><t:p>a<!-- <ghost> --><b/></t:p></t:TEI>'
    names = relaxng.element_names_in_bytes(data)
    assert {"TEI", "p", "b"} <= names  # "ghost" may be there too: extra names are harmless
    assert relaxng.element_names_in_bytes("<a/>".encode("utf-16")) is None
    tricky = b"""<a x="1>2" y = 'it"s'\n   z='3'><b\tq="w"/><c/></a>"""
    assert {"a", "b", "c", "@x", "@y", "@z", "@q"} <= relaxng.element_names_in_bytes(tricky)


@needs_samples
def test_name_scan_agrees_with_the_parsed_tree_on_real_tei():
    for sample in sorted(SAMPLES.glob("*.xml")):
        scanned = relaxng.element_names_in_file(sample)
        assert relaxng.names_in_tree(parse_xml(sample)) <= scanned


# --- many files: parallel = serial, order, bad input ------------------------------------


def test_parallel_and_serial_runs_give_the_same_report(tmp_path, tei_schemas):
    corpus = tmp_path / "corpus"
    for index, fixture in enumerate(sorted(FIXTURES.glob("*valid/*.xml")) * 2):
        target = corpus / f"part{index % 3}" / f"{index:02d}-{fixture.name}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(fixture, target)
    serial = validate_paths([corpus], tei_schemas, jobs=1)
    parallel = validate_paths([corpus], tei_schemas, jobs=2)
    assert serial == parallel
    assert [f.path for f in serial.files] == sorted(f.path for f in serial.files)
    assert serial.invalid_count > 0 and serial.file_count > 20


def test_a_malformed_file_does_not_stop_the_run(letter_schemas):
    report = validate_paths([INVALID / "malformed.xml", LETTERS / "good.xml"], letter_schemas, jobs=1)
    malformed, good = report.files
    assert (malformed.problems[0].line, malformed.problems[0].column) == (5, 38)
    assert malformed.problems[0].rule == "well-formed"
    assert good.valid and report.summary() == "2 files, 1 invalid, 1 error"


def test_hostile_xml_is_refused_with_a_clear_message(letter_schemas):
    laughs = validate_file(INVALID / "billion-laughs.xml", letter_schemas).problems[0]
    assert "entity expansion" in laughs.message and "billion laughs" in laughs.message
    secret = validate_file(INVALID / "external-entity.xml", letter_schemas).problems[0]
    assert "declares the entity 'secret'" in secret.message
    assert "root:" not in secret.message


def test_missing_path_and_missing_schema_are_usage_errors(letter_schemas):
    with pytest.raises(UsageError):
        validate_paths([FIXTURES / "nowhere"], letter_schemas)
    with pytest.raises(UsageError):
        load_schemas(rng=[SCHEMAS / "nowhere.rng"])
    with pytest.raises(UsageError):
        load_schemas(schematron=["teikit:nothing.sch"])


def test_an_xpath2_schematron_runs_through_saxon():
    """Issue 12: queryBinding="xslt2" is no longer refused; Saxon runs it (tests/test_schematron_xpath2.py)."""
    pytest.importorskip("saxonche")
    schemas = load_schemas(schematron=[SCHEMAS / "xpath2.sch"])
    assert [schema.kind for schema in schemas.schemas] == ["schematron-xpath2"]


def test_results_and_errors_survive_pickling():
    problem = Problem("a.xml", 1, 2, "error", "m", "r", "s")
    report = Report((FileReport("a.xml", (problem,)),), ("s",))
    assert pickle.loads(pickle.dumps(report)) == report
    error = pickle.loads(pickle.dumps(UsageError("bad", "x.xml", 3, 4, hint="fix")))
    assert (error.path, error.line, error.hint) == ("x.xml", 3, "fix")


def test_default_schemas_are_the_packaged_ones():
    schemas = load_schemas()
    assert "teikit.sch" in schemas.names
    assert all(name.endswith((".rng", ".sch")) for name in schemas.names)


# --- report formats ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def mixed_report(letter_schemas):
    return validate_paths([LETTERS, INVALID / "malformed.xml"], letter_schemas, jobs=1)


def test_text_format_groups_per_file_and_ends_with_the_summary(mixed_report):
    lines = format_report(mixed_report, "text").splitlines()
    assert lines[-2:] == ["judged by letter.rng (given)", "5 files, 4 invalid, 4 errors"]
    assert any(
        re.fullmatch(r".+closer-first\.xml:3:3: error: element <closer> .+ \[relaxng-content\]", x) for x in lines
    )
    paths = [line.split(":")[0] for line in lines[:-2]]
    assert paths == sorted(paths)


def test_json_format_parses_back(mixed_report):
    data = json.loads(format_report(mixed_report, "json"))
    assert data["summary"] == {
        "files": 5,
        "invalid": 4,
        "errors": 4,
        "warnings": 0,
        "valid": False,
        "not_checked": 0,
        "checks": "",
    }
    assert {(tuple(f["schemas"]), f["chosen_by"], f["checked"]) for f in data["files"]} == {
        (("letter.rng",), "given", True)
    }
    first = data["files"][0]["problems"][0]
    assert set(first) == {"path", "line", "column", "severity", "message", "rule", "schema"}


def test_junit_format_parses_back(mixed_report):
    suite = parse_xml_bytes(format_report(mixed_report, "junit").encode()).getroot()
    assert suite.tag == "testsuite" and suite.get("tests") == "5" and suite.get("failures") == "4"
    cases = suite.findall("testcase")
    assert len(cases) == 5 and sum(1 for c in cases if c.find("failure") is not None) == 4
    closer_first = next(c for c in cases if c.get("name").endswith("closer-first.xml"))
    assert "expected <opener>" in closer_first.find("failure").text
    assert closer_first.find("failure").get("type") == "relaxng-content"
    assert {c.find("properties/property[@name='schemas']").get("value") for c in cases} == {"letter.rng (given)"}


def test_github_format_is_workflow_commands(mixed_report):
    lines = format_report(mixed_report, "github").splitlines()
    pattern = (
        r"::error file=.+closer-first\.xml,line=3,col=3,"
        r"title=teikit validate%3A relaxng-content::element <closer> .+"
    )
    assert any(re.fullmatch(pattern, line) for line in lines)
    assert all(line.startswith("::error file=") for line in lines[:-1])
    assert lines[-1] == "::notice title=teikit validate::5 files, 4 invalid, 4 errors; judged by letter.rng (given)"


def test_every_registered_format_is_a_cli_choice():
    choices = next(p for p in cli.commands["validate"].params if p.name == "format_name").type.choices
    assert set(choices) == set(FORMATTERS)


# --- the command ------------------------------------------------------------------------


def run(*args):
    return CliRunner().invoke(cli, ["validate", *args])


def test_cli_exit_codes():
    letter = ["--schema", str(SCHEMAS / "letter.rng")]
    assert run(*letter, str(LETTERS / "good.xml")).exit_code == 0
    assert run(*letter, str(LETTERS)).exit_code == 1
    assert run(*letter, str(INVALID / "malformed.xml")).exit_code == 1
    missing = run(*letter, str(LETTERS / "nowhere.xml"))
    assert missing.exit_code == 2 and "no such file or folder" in missing.output
    assert run("--schema", str(SCHEMAS / "nowhere.rng"), str(LETTERS)).exit_code == 2
    assert run("--format", "yaml", str(LETTERS)).exit_code == 2
    assert run().exit_code == 2


def test_cli_text_output_and_quiet():
    letter = ["--schema", str(SCHEMAS / "letter.rng"), "-j", "1"]
    result = run(*letter, str(LETTERS))
    assert result.output.endswith("4 files, 3 invalid, 3 errors\n")
    assert "closer-first.xml:3:3: error:" in result.output
    quiet = run(*letter, "--quiet", str(LETTERS / "good.xml"))
    assert quiet.exit_code == 0 and quiet.output == ""


def test_cli_output_file_is_written(tmp_path):
    target = tmp_path / "reports" / "validate.xml"
    result = run("--schema", str(SCHEMAS / "letter.rng"), "--format", "junit", "-o", str(target), str(LETTERS))
    assert result.exit_code == 1
    assert parse_xml(target).getroot().get("tests") == "4"
    assert [p.name for p in target.parent.iterdir()] == ["validate.xml"]  # no temporary file left


@needs_tei_all
def test_cli_tei_all_with_teikit_schematron():
    result = run("--tei-all", str(TEI_ALL), "--schematron", "teikit:teikit.sch", str(VALID))
    assert result.exit_code == 0, result.output
    assert result.output == (
        "judged by tei_all.rng + teikit.sch (option)\n1 file, 0 invalid, 0 errors (grammar + 89 Schematron checks)\n"
    )


# --- packaging --------------------------------------------------------------------------


def test_schemas_are_reachable_from_the_package():
    import teikit

    packaged = Path(teikit.__file__).parent / "schemas" / "teikit.sch"
    assert packaged.is_file() and packaged.read_bytes() == TEIKIT_SCH.read_bytes()


@pytest.mark.slow
def test_wheel_contains_the_schemas(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    (wheel,) = tmp_path.glob("teikit-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "teikit/schemas/teikit.sch" in names
    for schema in (ROOT / "schemas").glob("*.rng"):
        assert f"teikit/schemas/{schema.name}" in names
