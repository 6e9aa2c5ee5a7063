"""A validation run as a user meets it: which files, which schemas judge them, includes, big files, exit codes."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from teikit.cli import cli
from teikit.validate import load_schemas, validate_file, validate_paths

from conftest import REPO, TEI_ALL

FIXTURES = REPO / "tests" / "fixtures" / "validate"
LETTERS = FIXTURES / "letters"
LETTER_RNG = FIXTURES / "schemas" / "letter.rng"
EDITION = REPO / "edition" / "workers-group-manifesto-1.xml"
RNG_NS = "http://relaxng.org/ns/structure/1.0"
SCH_NS = "http://purl.oclc.org/dsdl/schematron"

needs_tei_all = pytest.mark.skipif(not TEI_ALL.is_file(), reason="tei_all.rng not found")


def run(*args: str):
    return CliRunner().invoke(cli, ["validate", *args])


def one_line(output: str) -> str:
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    return lines[0]


TEI_NS = 'xmlns="http://www.tei-c.org/ns/1.0"'
GOOD = f"<letter {TEI_NS}><opener><salute>Dear</salute></opener><p>Text.</p></letter>"


def letter(text: str = GOOD, model: str | None = None) -> str:
    prolog = f"<?xml-model {model}?>\n" if model else ""
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{prolog}{text}\n'


# --------------------------------------------------------------------------- no file found (issue 18, item 2)


def test_an_empty_folder_is_an_error_unless_allowed(tmp_path):
    empty = tmp_path / "nothing-here"
    empty.mkdir()
    (empty / "notes.txt").write_text("not XML", encoding="utf-8")
    result = run("--schema", str(LETTER_RNG), str(empty))
    assert result.exit_code == 2
    assert re.fullmatch(r".+nothing-here: error: no \.xml file found \(.+--allow-empty\)", one_line(result.output))
    allowed = run("--schema", str(LETTER_RNG), "--allow-empty", str(empty))
    assert allowed.exit_code == 0 and allowed.output.endswith("0 files, 0 invalid, 0 errors\n")


def test_a_mistyped_folder_is_an_error(tmp_path):
    result = run("--schema", str(LETTER_RNG), str(tmp_path / "edtion"))
    assert result.exit_code == 2 and "no such file or folder" in one_line(result.output)


# --------------------------------------------------------------------------- which schema (issue 18, item 3)


def test_an_xml_model_line_chooses_the_schema_relative_to_the_document(tmp_path):
    (tmp_path / "schema").mkdir()
    shutil.copy(LETTER_RNG, tmp_path / "schema" / "letter.rng")
    texts = tmp_path / "texts"
    texts.mkdir()
    model = f'href="../schema/letter.rng" type="application/xml" schematypens="{RNG_NS}"'
    (texts / "good.xml").write_text(letter(model=model), encoding="utf-8")
    (texts / "bad.xml").write_text(letter(f"<letter {TEI_NS}><p>No opener.</p></letter>", model), encoding="utf-8")
    result = run("--format", "json", str(texts))
    data = json.loads(result.output)
    assert result.exit_code == 1
    assert [(Path(f["path"]).name, f["valid"], f["schemas"], f["chosen_by"]) for f in data["files"]] == [
        ("bad.xml", False, ["letter.rng"], "xml-model"),
        ("good.xml", True, ["letter.rng"], "xml-model"),
    ]


def test_an_xml_model_line_may_name_a_schema_teikit_ships(tmp_path):
    text = EDITION.read_text(encoding="utf-8")
    assert 'href="teikit:teikit.rng"' in text  # teikit's editions declare their schemas
    report = validate_paths([EDITION])
    assert report.valid and report.files[0].schemas == ("teikit.rng", "teikit.sch")
    assert report.files[0].chosen_by == "xml-model"


def test_a_remote_schema_is_never_fetched(tmp_path):
    model = f'href="https://tei-c.org/release/xml/tei/custom/schema/relaxng/tei_all.rng" schematypens="{RNG_NS}"'
    (tmp_path / "play.xml").write_text(letter(model=model), encoding="utf-8")
    result = run(str(tmp_path))
    assert result.exit_code == 2
    line = one_line(result.output)
    assert re.fullmatch(
        r".+play\.xml:2: error: the schema https://\S+ is remote and teikit never fetches schemas "
        r"\(download it and pass --tei-all FILE\)",
        line,
    )


def test_options_override_the_documents_own_choice(tmp_path):
    model = 'href="https://example.org/schema.rng"'
    (tmp_path / "a.xml").write_text(letter(model=model), encoding="utf-8")
    result = run("--schema", str(LETTER_RNG), str(tmp_path))
    assert result.exit_code == 0 and "judged by letter.rng (option)" in result.output


def test_without_any_schema_one_line_says_so(tmp_path):
    (tmp_path / "someone-elses.xml").write_text(letter(), encoding="utf-8")
    result = run(str(tmp_path))
    assert result.exit_code == 2
    assert re.fullmatch(
        r".+someone-elses\.xml: error: no schema given for this file \(pass --schema FILE .+\)", one_line(result.output)
    )


def test_a_teikit_edition_without_xml_model_lines_gets_teikits_schemas(tmp_path):
    text = re.sub(r"<\?xml-model [^?]*\?>\n", "", EDITION.read_text(encoding="utf-8"))
    (tmp_path / "edition.xml").write_text(text, encoding="utf-8")
    report = validate_paths([tmp_path])
    assert report.valid and report.files[0].chosen_by == "teikit edition"
    assert report.files[0].schemas == ("teikit.rng", "teikit.sch")


@pytest.mark.parametrize("config", ["pyproject.toml", "teikit.toml"])
def test_a_project_configuration_gives_schemas_and_excludes(tmp_path, config):
    project = tmp_path / "project"
    (project / "schema").mkdir(parents=True)
    shutil.copy(LETTER_RNG, project / "schema" / "letter.rng")
    table = "[tool.teikit.validate]" if config == "pyproject.toml" else "[validate]"
    (project / config).write_text(
        f'{table}\nschemas = ["schema/letter.rng"]\nexclude = ["drafts/*"]\n', encoding="utf-8"
    )
    (project / "texts" / "deep").mkdir(parents=True)
    (project / "drafts").mkdir()
    (project / "texts" / "deep" / "one.xml").write_text(letter(), encoding="utf-8")
    (project / "drafts" / "broken.xml").write_text("<letter><p>unfinished", encoding="utf-8")
    report = validate_paths([project])
    assert [Path(f.path).name for f in report.files] == ["one.xml"]
    assert report.valid and report.files[0].chosen_by == config


def test_the_xml_model_line_comes_before_the_project_configuration(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.teikit.validate]\nschemas = ["nothing.rng"]\n', encoding="utf-8")
    shutil.copy(LETTER_RNG, tmp_path / "letter.rng")
    (tmp_path / "a.xml").write_text(letter(model='href="letter.rng"'), encoding="utf-8")
    report = validate_paths([tmp_path])
    assert report.valid and report.files[0].chosen_by == "xml-model"


def test_a_schematron_xml_model_line_is_run_too(tmp_path):
    schematron = (
        f'<schema xmlns="{SCH_NS}" queryBinding="xslt"><ns prefix="t" uri="http://www.tei-c.org/ns/1.0"/>'
        '<pattern><rule context="t:letter">'
        '<assert test="t:opener" id="has-opener">a letter opens with an opener</assert></rule></pattern></schema>'
    )
    (tmp_path / "rules.sch").write_text(schematron, encoding="utf-8")
    model = f'href="rules.sch" schematypens="{SCH_NS}"'
    (tmp_path / "a.xml").write_text(letter(f"<letter {TEI_NS}><p>x</p></letter>", model), encoding="utf-8")
    report = validate_paths([tmp_path])
    assert [(p.line, p.rule, p.message) for p in report.files[0].problems] == [
        (3, "has-opener", "a letter opens with an opener")
    ]


# --------------------------------------------------------------------------- --xinclude


def _assembled(tmp_path: Path, part: str) -> Path:
    root = tmp_path / "book"
    (root / "parts").mkdir(parents=True)
    (root / "parts" / "body.xml").write_text(part, encoding="utf-8")
    (root / "main.xml").write_text(
        f'<?xml version="1.0"?>\n<letter {TEI_NS} xmlns:xi="http://www.w3.org/2001/XInclude">\n'
        '  <opener><salute>Dear</salute></opener>\n  <xi:include href="parts/body.xml"/>\n</letter>\n',
        encoding="utf-8",
    )
    return root


def test_xinclude_expands_local_files_and_reports_at_the_included_files_lines(tmp_path):
    root = _assembled(tmp_path, f'<?xml version="1.0"?>\n<!-- a part -->\n\n<p {TEI_NS}>Text <bogus/></p>\n')
    schemas = load_schemas(rng=[LETTER_RNG])
    plain = validate_file(root / "main.xml", schemas)
    assert any("<include>" in p.message for p in plain.problems)  # without --xinclude: an unknown element
    report = validate_paths([root], schemas, xinclude=True, jobs=1)
    main = next(f for f in report.files if f.path.endswith("main.xml"))
    assert [(Path(p.path).name, p.line) for p in main.problems] == [("body.xml", 4)]
    assert "<bogus>" in main.problems[0].message


def test_xinclude_of_a_valid_part_is_valid(tmp_path):
    root = _assembled(tmp_path, f"<p {TEI_NS}>Fine.</p>")
    report = validate_paths([root / "main.xml"], load_schemas(rng=[LETTER_RNG]), xinclude=True)
    assert report.valid, report.files[0].problems


def test_xinclude_never_leaves_the_folders_validated(tmp_path):
    outside = tmp_path / "secret.xml"
    outside.write_text("<p>secret</p>", encoding="utf-8")
    root = tmp_path / "book"
    root.mkdir()
    (root / "main.xml").write_text(
        f'<letter {TEI_NS} xmlns:xi="http://www.w3.org/2001/XInclude"><opener><salute>x</salute></opener>'
        '<xi:include href="../secret.xml"/><xi:include href="http://example.org/p.xml"/></letter>',
        encoding="utf-8",
    )
    report = validate_paths([root], load_schemas(rng=[LETTER_RNG]), xinclude=True, jobs=1)
    messages = [p.message for p in report.files[0].problems if p.rule == "xinclude"]
    assert any("outside the folders being validated" in m for m in messages)
    assert any("remote and teikit never fetches it" in m for m in messages)


def test_xinclude_parses_included_files_as_safely_as_any(tmp_path):
    # An internal entity with a literal value is ordinary TEI and is read; an external one is refused, here too.
    root = _assembled(tmp_path, f'<!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]><p {TEI_NS}>&x;</p>')
    report = validate_paths([root / "main.xml"], load_schemas(rng=[LETTER_RNG]), xinclude=True)
    assert any(p.rule == "xinclude" and "entit" in p.message for p in report.files[0].problems)


# --------------------------------------------------------------------------- big files


@needs_tei_all
def test_lines_past_65535_are_right(tmp_path):
    header = (
        "<teiHeader><fileDesc><titleStmt><title>t</title></titleStmt><publicationStmt><p>p</p>"
        "</publicationStmt><sourceDesc><p>s</p></sourceDesc></fileDesc></teiHeader>"
    )
    lines = [f'<TEI xmlns="http://www.tei-c.org/ns/1.0">{header}', "<text><body>"]
    lines += ["<p>line</p>"] * 70_000 + ["<p><bogus/></p>", "<p>x<p/></p>", "</body></text></TEI>"]
    path = tmp_path / "long.xml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = validate_file(path, load_schemas(rng=[TEI_ALL]))
    # The grammar's two errors, and tei_all's Schematron rule on the nested p (issue 12), at the same place.
    assert [(p.line, p.column, p.rule) for p in report.problems] == [
        (70_003, 4, "relaxng-content"),
        (70_004, 5, "relaxng-content"),
        (70_004, 5, "tei_all-p-abstractModel-structure-p-constraint-report-5"),
    ]


def test_a_file_above_the_size_limit_is_not_checked_and_says_how_to_raise_it(tmp_path, monkeypatch):
    monkeypatch.setenv("TEIKIT_MAX_XML_MB", "0.01")  # 10 KB: the schema is smaller, the file bigger
    path = tmp_path / "big.xml"
    path.write_text(letter(GOOD.replace("<p>Text.</p>", "<p>Text.</p>" * 2000)), encoding="utf-8")
    result = run("--schema", str(LETTER_RNG), str(path))
    assert result.exit_code == 2
    line = result.output.splitlines()[0]
    assert "not validated: the file is" in line and "TEIKIT_MAX_XML_MB" in line and "[too-big]" in line
    assert "[well-formed]" not in result.output
    assert result.output.endswith("1 file, 1 invalid, 1 error, 1 not checked\n")


# --------------------------------------------------------------------------- teikit's own schema on a bad date


def test_one_bad_date_is_one_problem_per_schema_at_its_own_line(tmp_path):
    text = EDITION.read_text(encoding="utf-8")
    where = text.rindex('when="1923"')
    line = text.count("\n", 0, where) + 1
    path = tmp_path / "edition.xml"
    path.write_text(text[:where] + 'when="1923-13"' + text[where + len('when="1923"') :], encoding="utf-8")
    report = validate_paths([path])
    assert [(p.line, p.schema) for p in report.files[0].problems] == [(line, "teikit.rng"), (line, "teikit.sch")]
    assert '"1923-13" of @when on <date>' in report.files[0].problems[0].message


# --------------------------------------------------------------------------- messages in teikit's words

# libxml2's own wordings, which a report must never show raw (each has a plain-words replacement).
RAW_LIBXML2 = re.compile(
    r"Did not expect|Expecting a namespace|has extra content|Invalid attribute|failed to validate|"
    r"doesn't allow value|Expecting element|Expecting an element|Element \S+ has wrong namespace"
)


def test_a_child_that_fits_but_is_wrongly_written_is_named_with_its_attributes(tmp_path):
    text = EDITION.read_text(encoding="utf-8")
    where = text.index('<date when="1923">', text.index("<creation>"))  # the date of the text's creation
    line = text.count("\n", 0, where) + 1
    path = tmp_path / "edition.xml"
    path.write_text(
        text[:where] + '<date when="1923-13">' + text[where + len('<date when="1923">') :], encoding="utf-8"
    )
    report = validate_paths([path], load_schemas(rng=["teikit:teikit.rng"]))
    [problem] = report.files[0].problems
    assert problem.line == line and not RAW_LIBXML2.search(problem.message)
    assert problem.message.startswith("element <date> may appear here in <creation>, but does not match")
    assert '@when="1923-13"' in problem.message


@needs_tei_all
def test_no_report_on_broken_variants_of_real_tei_shows_libxml2s_raw_wording(tmp_path):
    from teikit.xmlio import parse_xml

    from test_validate import _mutations

    schemas = load_schemas(rng=[TEI_ALL])
    sources = [FIXTURES / "valid" / "edition.xml", *sorted((FIXTURES / "invalid").glob("*.xml"))]
    checked = 0
    for source in sources:
        try:
            tree = parse_xml(source)
        except Exception:  # malformed and hostile fixtures: nothing to mutate
            continue
        for number, variant in enumerate([tree, *_mutations(tree)[:6]]):
            path = tmp_path / f"{source.stem}-{number}.xml"
            variant.write(str(path), encoding="UTF-8", xml_declaration=True)
            for problem in validate_file(path, schemas).problems:
                assert not RAW_LIBXML2.search(problem.message), (path.name, problem)
                checked += 1
    assert checked > 50


# --------------------------------------------------------------------------- --verbose: grammars compiled whole


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_verbose_says_why_a_grammar_was_compiled_whole(tmp_path, jobs):
    """restrict's fallback_reason reaches --verbose, from the worker that compiled the grammar."""
    schema = tmp_path / "g.rng"
    schema.write_text(
        f'<grammar xmlns="{RNG_NS}" datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes">'
        '<start><element name="doc"><attribute name="q"><data type="QName"/></attribute></element></start>'
        "</grammar>",
        encoding="utf-8",
    )
    for name in ("a", "b"):
        (tmp_path / f"{name}.xml").write_text('<doc xmlns:p="urn:p" q="p:x"/>', encoding="utf-8")
    args = ["--schema", str(schema), "--jobs", jobs, str(tmp_path / "a.xml"), str(tmp_path / "b.xml")]
    quiet, verbose = run(*args), run(*args, "--verbose")
    assert quiet.exit_code == verbose.exit_code == 0
    assert "compiled whole" not in quiet.stderr
    lines = [line for line in verbose.stderr.splitlines() if "compiled whole" in line]
    assert len(lines) == 1 and lines[0].startswith(f"{schema}: the grammar is compiled whole, not restricted: ")
    assert "QName" in lines[0]
    restricted = run(
        "--schema",
        str(REPO / "tests/fixtures/validate/schemas/letter.rng"),
        "--verbose",
        str(REPO / "tests/fixtures/validate/letters/good.xml"),
    )
    assert "compiled whole" not in restricted.stderr
