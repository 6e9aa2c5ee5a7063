"""Tests for streaming validation: its verdict is the tree path's, it falls back, hostile input never streams."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from teikit import relaxng, stream, validate
from teikit.cli import cli
from teikit.errors import XMLInputError
from teikit.validate import RelaxNGSchema, load_schemas, stream_verdict, validate_file, validate_paths
from teikit.xmlio import parse_xml, parse_xml_bytes

from test_hostile import _Listener
from test_validate import FIXTURES, INVALID, ROOT, SAMPLES, TEI_ALL, TEIKIT_SCH, VALID, _mutations

needs_tei_all = pytest.mark.skipif(not TEI_ALL.is_file(), reason="tei_all.rng not at ../shared/tei")
needs_libxml2 = pytest.mark.skipif(stream.load_libxml2() is None, reason="no shared libxml2 on this system")
needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason="TEI samples not at ../shared/tei/samples")
EDITION = ROOT / "edition" / "workers-group-manifesto-1.xml"
TEI = "http://www.tei-c.org/ns/1.0"
XML_NS = "{http://www.w3.org/XML/1998/namespace}"
NEVER = 1 << 62  # a file size no test reaches: streaming off


@pytest.fixture(scope="module")
def grammar_only():
    """tei_all alone: the schema set that streams."""
    if not TEI_ALL.is_file():
        pytest.skip("tei_all.rng not at ../shared/tei")
    return load_schemas(rng=[TEI_ALL], schematron_rules=False)


@pytest.fixture
def stream_small_files(monkeypatch):
    """Stream files of any size, so that small test files take the streaming path."""
    monkeypatch.setattr(validate, "STREAM_MIN_BYTES", 0)


def both_ways(path: Path, schemas, monkeypatch) -> tuple[validate.FileReport, validate.FileReport]:
    """The report of a file with streaming, and without (the tree path alone)."""
    monkeypatch.setattr(validate, "STREAM_MIN_BYTES", 0)
    streamed = validate_file(path, schemas)
    monkeypatch.setattr(validate, "STREAM_MIN_BYTES", NEVER)
    tree = validate_file(path, schemas)
    return streamed, tree


class StreamSpy:
    """Records the name sets each grammar was streamed with (and lets the stream run)."""

    def __init__(self, monkeypatch) -> None:
        self.calls: list[frozenset[str]] = []
        real = RelaxNGSchema.stream

        def spy(schema, path, names):
            self.calls.append(names)
            return real(schema, path, names)

        monkeypatch.setattr(RelaxNGSchema, "stream", spy)


# --- the verdict ------------------------------------------------------------------------


def _documents() -> list[Path]:
    found = sorted(FIXTURES.rglob("*.xml")) + [EDITION]
    return found + (sorted(SAMPLES.glob("*.xml")) if SAMPLES.is_dir() else [])


@needs_tei_all
@needs_libxml2
def test_streaming_gives_the_tree_path_report_on_fixtures_samples_edition_and_variants(
    tmp_path, grammar_only, monkeypatch
):
    files = _documents()
    for source in list(files):
        if source.stat().st_size > 200_000:  # Hamlet: itself, not a dozen copies of it
            continue
        try:
            tree = parse_xml(source)
        except Exception:  # malformed or hostile: no variants
            continue
        for index, variant in enumerate(_mutations(tree)[:6]):
            target = tmp_path / f"{source.stem}-{index}.xml"
            target.write_bytes(etree.tostring(variant, xml_declaration=True, encoding="UTF-8"))
            files.append(target)
    spy = StreamSpy(monkeypatch)
    verdicts = {True: 0, False: 0}
    for path in files:
        streamed, tree = both_ways(path, grammar_only, monkeypatch)
        assert streamed == tree, path
        verdicts[tree.valid] += 1
    assert verdicts[True] >= 5 and verdicts[False] >= 20  # both kinds were compared
    assert len(spy.calls) >= len(files) - 2  # every file but the two hostile ones was streamed


_EDITION_BYTES = (VALID / "edition.xml").read_bytes()


@needs_tei_all
@needs_libxml2
@pytest.mark.parametrize(
    "data",
    [
        _EDITION_BYTES + b"<junk/>\n",
        _EDITION_BYTES + b"text after the root\n",
        _EDITION_BYTES + b"<!-- a comment --><?pi after the root?>\n",
        _EDITION_BYTES[:1500],
        _EDITION_BYTES[: len(_EDITION_BYTES) // 2] + b"\x01" + _EDITION_BYTES[len(_EDITION_BYTES) // 2 :],
        b"\xef\xbb\xbf" + _EDITION_BYTES,
        b"",
    ],
    ids=["element-after-root", "text-after-root", "comment-after-root", "truncated", "control-byte", "bom", "empty"],
)
def test_well_formedness_at_the_edges_is_the_tree_paths(tmp_path, grammar_only, monkeypatch, data):
    path = tmp_path / "edge.xml"
    path.write_bytes(data)
    streamed, tree = both_ways(path, grammar_only, monkeypatch)
    assert streamed == tree


@needs_tei_all
@needs_libxml2
def test_a_valid_verdict_comes_from_streaming_alone(grammar_only, stream_small_files, monkeypatch):
    def no_tree(*_args, **_kwargs):
        raise AssertionError("the tree path was taken")

    monkeypatch.setattr(validate, "_parse_for_validation", no_tree)
    for path in [VALID / "edition.xml", EDITION]:
        assert validate_file(path, grammar_only) == validate.FileReport(str(path))


# Attribute values at the edges of the datatypes tei_all uses (dates, durations, URIs, language
# tags, ids, numbers): the system's libxml2 checks them while streaming, lxml's on the tree.
_VALUES = {
    ("date", "when"): [
        "1923", "1923-05", "1923-05-31", "1923-02-29", "1924-02-29", "1923-13", "0000", "-0044", "+1923",
        "1923-5-1", "19230", "1923-05-31T10:00:00", "1923-05-31T24:00:00", "1923-05-31T10:00", "1923-05-31Z",
        "1923-05-31+01:00", "1923-05-31+14:01", "--05-31", "---31", "10:00:00", " 1923 ", "", "soon",
    ],
    ("date", "dur-iso"): ["P1Y", "P", "PT", "P1Y2M", "-P1D", "P1.5D", "PT1.5S", "P1W", "1Y"],
    ("ptr", "target"): [
        "#a", "#a #b", "http://example.org/a", "http://exa mple.org", "%zz", "a%20b", "[", "http://[::1]/",
        "mailto:x@y", "#", "ü", "a\\b", "", "  #a  ", "http://example.org/#a#b", "a\u00a0b",
    ],
    ("p", "xml:lang"): ["en", "en-GB", "x-klingon", "english", "e", "en_GB", "", "123", "en-", "i-default"],
    ("p", "xml:id"): ["a", "1a", "a:b", "a b", "_x", "é", "a-1.b", ""],
    ("measure", "quantity"): ["1.5", "1e3", "NaN", "INF", "-0", "1,5", "½", ".5", "5.", "+1", ""],
    ("l", "n"): ["1", "", "a b", "<"],
    ("date", "cert"): ["high", "medium", "low", "unknown", "1", "0.5", "HIGH", ""],
}
_PROBE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc>'
    "<titleStmt><title>t</title></titleStmt><publicationStmt><p>p</p></publicationStmt>"
    "<sourceDesc><p>s</p></sourceDesc></fileDesc></teiHeader><text><body>"
    '<p xml:lang="en" xml:id="a"><date when="1923" dur-iso="P1Y" cert="high">d</date> <ptr target="#a"/> '
    '<measure quantity="1">m</measure></p><lg><l n="1">l</l></lg></body></text></TEI>'
)


@needs_tei_all
@needs_libxml2
def test_attribute_datatypes_agree_between_streaming_and_tree(tmp_path, grammar_only):
    (schema,) = grammar_only.schemas
    names = relaxng.names_in_tree(parse_xml_bytes(_PROBE.encode()))
    lxml_grammar = schema._grammar_for(names).relaxng
    stream_grammar = schema.stream_grammar(names)
    verdicts = {True: 0, False: 0}
    for (element, attribute), values in _VALUES.items():
        for value in values:
            root = etree.fromstring(_PROBE.encode())
            key = XML_NS + attribute[4:] if attribute.startswith("xml:") else attribute
            target = next(node for node in root.iter(f"{{{TEI}}}{element}") if node.get(key) is not None)
            target.set(key, value)
            path = tmp_path / "probe.xml"
            path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
            try:
                tree_valid = lxml_grammar.validate(parse_xml(path))
            except XMLInputError:  # lxml's parser refuses some xml:id values itself
                tree_valid = False
            streamed = stream.stream_validate(path, stream_grammar).valid
            # Only "valid" is taken from streaming; anything else goes to the tree path.
            assert (streamed is True) == tree_valid, (element, attribute, value, streamed)
            verdicts[tree_valid] += 1
    assert verdicts[True] >= 20 and verdicts[False] >= 20


# --- names from the head and the tail -----------------------------------------------------


def _long_document(middle: str, tail: str = "") -> str:
    paragraphs = "\n".join(f"<p>Paragraph {n} of a long text.</p>" for n in range(300))
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<TEI xmlns="{TEI}"><teiHeader><fileDesc>'
        "<titleStmt><title>t</title></titleStmt><publicationStmt><p>p</p></publicationStmt>"
        "<sourceDesc><p>s</p></sourceDesc></fileDesc></teiHeader><text><body>\n"
        f"{paragraphs}\n{middle}\n{paragraphs}\n{tail}\n</body></text></TEI>\n"
    )


@pytest.fixture
def small_head_and_tail(monkeypatch, stream_small_files):
    monkeypatch.setattr(validate, "HEAD_TAIL_BYTES", 2048)


def one_file_run(path: Path, schemas) -> validate.FileReport:
    """The report of ``teikit validate FILE``: the names are scanned by a child while the tree is parsed."""
    (report,) = validate_paths([path], schemas).files
    return report


# validate_file scans the whole file itself when the stream says invalid; a run on one file
# leaves it to a child process that scans while the tree is parsed. Both must stream again.
ENTRY_POINTS = pytest.mark.parametrize("check", [validate_file, one_file_run], ids=["file", "one-file-run"])


@needs_tei_all
@needs_libxml2
@ENTRY_POINTS
def test_a_name_only_in_the_middle_forces_a_second_pass(
    tmp_path, grammar_only, small_head_and_tail, monkeypatch, check
):
    path = tmp_path / "middle.xml"
    path.write_text(_long_document("<p>A <hi>highlighted</hi> word, only here.</p>"), encoding="utf-8")
    spy = StreamSpy(monkeypatch)
    report = check(path, grammar_only)
    assert report.valid
    first, second = spy.calls  # head and tail, then every name in the file
    assert "hi" not in first and "hi" in second and first < second


@needs_tei_all
@needs_libxml2
@ENTRY_POINTS
def test_an_invalid_name_in_the_middle_gives_the_tree_report(
    tmp_path, grammar_only, small_head_and_tail, monkeypatch, check
):
    path = tmp_path / "middle-invalid.xml"
    path.write_text(_long_document("<p>A <wrong>element</wrong> here.</p>"), encoding="utf-8")
    spy = StreamSpy(monkeypatch)
    streamed = check(path, grammar_only)
    monkeypatch.setattr(validate, "STREAM_MIN_BYTES", NEVER)
    tree = check(path, grammar_only)
    assert streamed == tree and not tree.valid
    assert "wrong" in spy.calls[-1]  # streamed again with every name before the tree took over
    assert any("<wrong>" in problem.message for problem in tree.problems)


@needs_tei_all
@needs_libxml2
def test_an_invalid_file_is_streamed_once_when_its_names_are_all_in_the_head_or_tail(
    tmp_path, grammar_only, small_head_and_tail, monkeypatch
):
    path = tmp_path / "invalid-known-names.xml"
    path.write_text(_long_document("<p>A paragraph <p>inside</p> a paragraph.</p>"), encoding="utf-8")
    spy = StreamSpy(monkeypatch)
    assert not one_file_run(path, grammar_only).valid
    assert len(spy.calls) == 1  # its names are all known: the stream's verdict was exact


@needs_tei_all
@needs_libxml2
def test_a_name_in_the_tail_is_found_without_a_second_pass(tmp_path, grammar_only, small_head_and_tail, monkeypatch):
    path = tmp_path / "tail.xml"
    path.write_text(_long_document("", tail="<p>The <hi>end</hi>.</p>"), encoding="utf-8")
    spy = StreamSpy(monkeypatch)
    assert validate_file(path, grammar_only).valid
    (only,) = spy.calls
    assert "hi" in only


_FOREIGN = '<xenoData><x:meta xmlns:x="urn:example" x:kind="k"><x:item/></x:meta></xenoData>'


@needs_tei_all
def test_a_grammar_restricted_to_fewer_names_accepts_no_more_documents():
    """What makes the head-and-tail shortcut exact: restriction only ever shrinks the language.

    Documents with names outside the set are not simply refused: <xenoData> admits
    any foreign element, under a wildcard that restriction keeps.
    """
    full_grammar = parse_xml(TEI_ALL)
    text = (VALID / "edition.xml").read_text(encoding="utf-8")
    with_foreign = parse_xml_bytes(text.replace("</fileDesc>", "</fileDesc>" + _FOREIGN, 1).encode())
    compiled: dict[frozenset[str], etree.RelaxNG] = {}

    def restricted_to(subset: frozenset[str]) -> etree.RelaxNG:
        if subset not in compiled:
            compiled[subset] = etree.RelaxNG(relaxng.restrict_grammar(full_grammar, subset))
        return compiled[subset]

    names = relaxng.names_in_tree(with_foreign)
    fewer = [names - {"hi", "@rend"}, names - {"note"}, names - {"meta", "item", "@kind"}]
    verdicts = {True: 0, False: 0}
    accepted_with_names_missing = 0
    for variant in [with_foreign, *_mutations(with_foreign)[:12]]:
        # The grammar restricted to all of a document's names gives the full grammar's verdict.
        variant_names = relaxng.names_in_tree(variant)
        full = restricted_to(variant_names).validate(variant)
        verdicts[full] += 1
        for subset in fewer:
            accepted = restricted_to(subset).validate(variant)
            assert not accepted or full
            accepted_with_names_missing += accepted and not variant_names <= subset
    assert verdicts[True] and verdicts[False] and accepted_with_names_missing


# --- falling back -----------------------------------------------------------------------


@needs_tei_all
def test_without_libxml2_every_file_takes_the_tree_path_with_the_same_report(
    tmp_path, stream_small_files, monkeypatch
):
    paths = [VALID / "edition.xml", INVALID / "grammar-attribute.xml", INVALID / "grammar-unexpected.xml"]
    with_stream = validate_paths(paths, load_schemas(rng=[TEI_ALL], schematron_rules=False), jobs=1)
    monkeypatch.setattr(stream, "load_libxml2", lambda: None)
    schemas = load_schemas(rng=[TEI_ALL], schematron_rules=False)  # fresh: no grammar compiled for streaming yet
    assert stream_verdict(paths[0], schemas) == validate.Streamed()
    assert validate_paths(paths, schemas, jobs=1) == with_stream
    assert [report.valid for report in with_stream.files] == [False, False, True]  # (in path order)


def test_teikit_libxml2_none_switches_streaming_off(monkeypatch):
    monkeypatch.setattr(stream, "_library_tried", False)
    monkeypatch.setenv("TEIKIT_LIBXML2", "none")
    assert stream.load_libxml2() is None
    monkeypatch.setattr(stream, "_library_tried", False)
    monkeypatch.setenv("TEIKIT_LIBXML2", str(Path(os.devnull)))
    assert stream.load_libxml2() is None  # not a library: no streaming, no crash
    monkeypatch.setattr(stream, "_library_tried", False)


@needs_tei_all
@needs_libxml2
def test_anything_unexpected_while_streaming_means_the_tree_path(grammar_only, stream_small_files, monkeypatch):
    def broken(*_args):
        raise OSError("libxml2 misbehaved")

    monkeypatch.setattr(stream, "_read_with", broken)
    path = INVALID / "grammar-unexpected.xml"
    assert stream.stream_validate(path, grammar_only.schemas[0].stream_grammar(frozenset({"TEI"}))).valid is None
    streamed, tree = both_ways(path, grammar_only, monkeypatch)
    assert streamed == tree and not tree.valid


@needs_libxml2
def test_a_grammar_libxml2_cannot_compile_is_no_grammar(capfd):
    assert stream.StreamGrammar.from_bytes(b"not a grammar") is None
    broken = b'<grammar xmlns="http://relaxng.org/ns/structure/1.0"><start><ref name="nowhere"/></start></grammar>'
    assert stream.StreamGrammar.from_bytes(broken) is None
    assert capfd.readouterr().err == ""  # libxml2 printed nothing


@needs_tei_all
@needs_libxml2
def test_streaming_prints_nothing_and_stops_at_the_first_problem(grammar_only, capfd):
    (schema,) = grammar_only.schemas
    for path in [INVALID / "malformed.xml", INVALID / "grammar-unexpected.xml", INVALID / "duplicate-id.xml"]:
        result = schema.stream(path, relaxng.element_names_in_file(path))
        assert result.valid is not True and result.error.line, path
    malformed = schema.stream(INVALID / "malformed.xml", relaxng.element_names_in_file(INVALID / "malformed.xml"))
    assert (malformed.valid, malformed.error.line, malformed.error.column) == (None, 5, 38)
    assert capfd.readouterr().err == ""


# --- hostile input ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prolog", "plain"),
    [
        (b'<?xml version="1.0" encoding="UTF-8"?>\n<TEI>', True),
        (b"\xef\xbb\xbf<TEI>", True),
        (b"<!-- a comment with <!ENTITY in it --><TEI>", False),
        (b"<!-- <fake> --><?pi x?>\n<TEI>", True),
        (b'<!DOCTYPE TEI SYSTEM "tei.dtd">\n<TEI>', True),
        (b'<!DOCTYPE TEI PUBLIC "-//TEI//x" "a[b].dtd"><TEI>', True),
        (b'<!DOCTYPE TEI [<!ENTITY x "y">]><TEI>', False),
        (b"<!DOCTYPE TEI [ ]><TEI>", False),
        (b'<!DOCTYPE TEI SYSTEM "a>b" [<!ENTITY x "y">]><TEI>', False),
        (b'<?xml version="1.0" encoding="ISO-8859-1"?><TEI>', False),
        ("<TEI>".encode("utf-16"), False),
        (b"\x00\x00\x00\x00", False),
        (b"<!-- never closed <TEI>", False),
        (b"plain text", False),
    ],
)
def test_only_a_plain_prolog_is_streamed(prolog, plain):
    assert stream.has_plain_prolog(prolog) is plain


@needs_tei_all
@needs_libxml2
def test_hostile_files_never_stream_and_are_refused_as_before(tmp_path, grammar_only, stream_small_files, monkeypatch):
    deep = tmp_path / "deep.xml"
    deep.write_text(f'<TEI xmlns="{TEI}">' + "<hi>" * 100_000 + "x" + "</hi>" * 100_000 + "</TEI>")
    spy = StreamSpy(monkeypatch)
    laughs = validate_file(INVALID / "billion-laughs.xml", grammar_only)
    secret = validate_file(INVALID / "external-entity.xml", grammar_only)
    assert spy.calls == []  # entity declarations: never streamed
    assert "entity expansion" in laughs.problems[0].message
    assert "declares the entity 'secret'" in secret.problems[0].message
    streamed, tree = both_ways(deep, grammar_only, monkeypatch)
    assert streamed == tree and "nested deeper than" in tree.problems[0].message
    assert spy.calls  # the deep file was streamed, failed, and went to the tree path


@needs_tei_all
@needs_libxml2
def test_streaming_never_reaches_the_network_or_leaks_a_file(tmp_path, stream_small_files):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-4711")
    listener = _Listener()
    try:
        doc = tmp_path / "remote.xml"
        doc.write_text(
            f'<!DOCTYPE TEI SYSTEM "http://127.0.0.1:{listener.port}/tei.dtd">'
            f'<TEI xmlns="{TEI}" xmlns:xi="http://www.w3.org/2001/XInclude"><teiHeader><fileDesc>'
            "<titleStmt><title>T</title></titleStmt><publicationStmt><p>p</p></publicationStmt>"
            "<sourceDesc><p>s</p></sourceDesc></fileDesc></teiHeader><text><body><p>Before."
            f'<xi:include href="http://127.0.0.1:{listener.port}/part.xml" parse="text"/>'
            f'<xi:include href="{secret}" parse="text"/></p></body></text></TEI>'
        )
        result = CliRunner().invoke(cli, ["validate", "--tei-all", str(TEI_ALL), str(doc)])
    finally:
        listener.close()
    assert listener.connections == 0
    assert "TOP-SECRET" not in result.output and "Traceback" not in result.output


# --- files above the size limit -----------------------------------------------------------


@needs_tei_all
@needs_libxml2
@needs_samples
def test_files_above_the_size_limit_are_validated_by_streaming(grammar_only, monkeypatch):
    with_rules = load_schemas(rng=[TEI_ALL], schematron=[TEIKIT_SCH])
    monkeypatch.setenv("TEIKIT_MAX_XML_MB", "0.1")  # Hamlet is 0.6 MB, Jerome 0.14 MB
    assert validate_file(SAMPLES / "hamlet.xml", grammar_only).valid
    (problem,) = validate_file(SAMPLES / "ENG19011_Jerome.xml", grammar_only).problems
    assert problem.line == 55 and problem.rule == "relaxng"
    assert "is not allowed here" in problem.message and "only the first problem is shown" in problem.message
    # Schematron needs a tree: such a file is refused as before.
    (refused,) = validate_file(SAMPLES / "hamlet.xml", with_rules).problems
    assert "more than teikit's limit" in refused.message


# --- many files -------------------------------------------------------------------------


@needs_tei_all
@needs_libxml2
def test_a_parallel_run_streams_big_files_with_the_same_report(tmp_path, grammar_only, monkeypatch):
    for fixture in sorted(FIXTURES.glob("*valid/*.xml")):
        (tmp_path / fixture.name).write_bytes(fixture.read_bytes())
    monkeypatch.setattr(validate, "STREAM_MIN_BYTES", NEVER)
    tree = validate_paths([tmp_path], grammar_only, jobs=2)
    monkeypatch.setattr(validate, "STREAM_MIN_BYTES", 0)
    spy = StreamSpy(monkeypatch)
    streamed = validate_paths([tmp_path], load_schemas(rng=[TEI_ALL], schematron_rules=False), jobs=1)
    assert streamed == tree and tree.invalid_count > 5
    assert spy.calls  # (the spy sees the serial run; the parallel run is the same code in workers)
    assert validate_paths([tmp_path], load_schemas(rng=[TEI_ALL], schematron_rules=False), jobs=2) == tree
