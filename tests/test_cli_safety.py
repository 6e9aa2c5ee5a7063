"""Commands never destroy their input, never hang on a FIFO, and say every usage error in one line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from teikit.cli import cli

from conftest import REPO, SEED_TEXT

EDITION = REPO / "edition" / "workers-group-manifesto-1.xml"
TIMEOUT = 60  # a command that blocks on a FIFO fails the test instead of hanging it


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def work(tmp_path):
    """A folder with the seed (text, edition file, register) and its TEI as E.xml."""
    for path in (REPO / "seeds").iterdir():
        shutil.copy(path, tmp_path / path.name)
    shutil.copy(EDITION, tmp_path / "E.xml")
    return tmp_path


def _same_file_variants(work, original):
    """The original's own name, a hard link and a symbolic link to it."""
    os.link(original, work / "hard.link")
    os.symlink(original.name, work / "soft.link")
    return [original, work / "hard.link", work / "soft.link"]


def _refused(result, before: bytes, original):
    assert result.exit_code == 2, result.output
    line = result.output.strip()
    assert len(line.splitlines()) == 1 and "the output is also an input" in line, line
    assert original.read_bytes() == before


def test_convert_never_writes_over_its_source_text(runner, work):
    source = work / SEED_TEXT.name
    before = source.read_bytes()
    for target in _same_file_variants(work, source):
        _refused(runner.invoke(cli, ["convert", str(source), "-o", str(target)]), before, source)
    edition = source.with_suffix(".toml")
    kept = edition.read_bytes()
    _refused(runner.invoke(cli, ["convert", str(source), "-o", str(edition)]), kept, edition)
    register = work / "register.toml"
    kept = register.read_bytes()
    _refused(runner.invoke(cli, ["convert", str(source), "-o", str(register)]), kept, register)


def test_text_never_writes_over_its_tei(runner, work):
    tei = work / "E.xml"
    before = tei.read_bytes()
    for target in _same_file_variants(work, tei):
        for extra in ([], ["--lossless"]):
            _refused(runner.invoke(cli, ["text", *extra, str(tei), "-o", str(target)]), before, tei)


def test_validate_never_writes_its_report_over_a_validated_file(runner, work):
    tei = work / "E.xml"
    before = tei.read_bytes()
    for target in _same_file_variants(work, tei):
        _refused(runner.invoke(cli, ["validate", str(tei), "-o", str(target)]), before, tei)
    # A report written into a validated folder under the name of one of its files.
    _refused(runner.invoke(cli, ["validate", str(work), "-o", str(work / "E.xml")]), before, tei)


def test_render_never_writes_over_an_input_in_its_output_folder(runner, work):
    tei = work / "E.txt"  # a TEI file whose name ends like the reading text render writes beside it
    shutil.copy(EDITION, tei)
    before = tei.read_bytes()
    _refused(runner.invoke(cli, ["render", str(tei), "-o", str(work), "--format", "text"]), before, tei)
    ok = runner.invoke(cli, ["render", str(work / "E.xml"), "-o", str(work), "--format", "html"])
    assert ok.exit_code == 0, ok.output  # E.html is not an input: rendering beside the input is fine


def test_export_never_writes_over_an_input_in_its_output_folder(runner, work):
    tei = work / "E.json"  # a TEI file named as the json export of E would be
    shutil.copy(EDITION, tei)
    before = tei.read_bytes()
    _refused(runner.invoke(cli, ["export", str(tei), "--format", "json", "-o", str(work)]), before, tei)
    shutil.copy(EDITION, work / "E.md")
    kept = (work / "E.md").read_bytes()
    _refused(
        runner.invoke(cli, ["export", str(work / "E.md"), "--format", "markdown", "-o", str(work)]), kept, work / "E.md"
    )


def test_build_never_writes_over_a_seed(runner, work):
    seeds = work / "seeds"
    seeds.mkdir()
    for name in ("register.toml", SEED_TEXT.name, "workers-group-manifesto-1.toml"):
        shutil.move(work / name, seeds / name)
    # The edition file names an id whose output page is the seeds' own text: writing it would destroy the seed.
    toml = seeds / "workers-group-manifesto-1.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(
            'id = "workers-group-manifesto-1"', 'id = "workers-group-manifesto-1"'
        ),
        encoding="utf-8",
    )
    before = (seeds / SEED_TEXT.name).read_bytes()
    result = runner.invoke(
        cli, ["build", str(seeds), "--edition-dir", str(work / "edition"), "--output-dir", str(seeds)]
    )
    _refused(result, before, seeds / SEED_TEXT.name)
    assert not (work / "edition").exists(), "nothing written"


# --------------------------------------------------------------------------- FIFOs and other non-regular files


FIFO_COMMANDS = [
    (["convert"], "fifo.txt"),
    (["suggest"], "fifo.txt"),
    (["text"], "fifo.xml"),
    (["text", "--lossless"], "fifo.xml"),
    (["export", "--format", "json", "-o", "{out}"], "fifo.xml"),
    (["render", "-o", "{out}"], "fifo.xml"),
    (["validate"], "fifo.xml"),
]


@pytest.mark.parametrize(("command", "name"), FIFO_COMMANDS, ids=lambda v: " ".join(v) if isinstance(v, list) else v)
def test_a_fifo_is_refused_without_being_opened(tmp_path, command, name):
    fifo = tmp_path / name
    os.mkfifo(fifo)
    args = [a.replace("{out}", str(tmp_path / "out")) for a in command]
    # A real process with a timeout: opening a FIFO blocks until a writer comes, which would hang the test run.
    result = subprocess.run(
        [sys.executable, "-m", "teikit", *args, str(fifo)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == (
        f"{fifo}: error: is a named pipe (FIFO), not a regular file; teikit reads "
        "only regular files (save what it gives into a file and pass that file)"
    )


def test_a_fifo_in_the_seeds_is_refused(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(REPO / "seeds", seeds)
    os.mkfifo(seeds / "a-pipe.txt")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "teikit",
            "build",
            str(seeds),
            "--edition-dir",
            str(tmp_path / "e"),
            "--output-dir",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
    )
    assert result.returncode == 2
    assert "a-pipe.txt: error: is a named pipe (FIFO)" in result.stderr


def test_a_fifo_as_stylesheet_is_refused(tmp_path):
    os.mkfifo(tmp_path / "style.xsl")
    result = subprocess.run(
        [sys.executable, "-m", "teikit", "text", str(EDITION), "--stylesheet", str(tmp_path / "style.xsl")],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
    )
    assert result.returncode == 2 and "is a named pipe (FIFO)" in result.stderr


def test_a_character_device_is_named(runner):
    result = runner.invoke(cli, ["text", "/dev/null"])
    assert result.exit_code == 2
    assert result.output.strip().startswith("/dev/null: error: is a character device, not a regular file")


def test_a_folder_where_a_file_is_wanted(runner, tmp_path):
    result = runner.invoke(cli, ["convert", str(tmp_path)])
    assert result.exit_code == 2 and result.output.strip().endswith("is a directory (try 'teikit convert --help')")


# --------------------------------------------------------------------------- usage errors in one line

USAGE_ERRORS = [
    (["--bogus"], "teikit", "No such option '--bogus'"),
    (["bogus"], "teikit", "No such command 'bogus'"),
    (["convert"], "teikit convert", "Missing argument 'SOURCE'"),
    (["convert", "a.txt", "--bogus"], "teikit convert", "No such option '--bogus'"),
    (["convert", "a.txt", "-o"], "teikit convert", "Option '-o' requires an argument"),
    (["text"], "teikit text", "Missing argument 'TEI_FILE'"),
    (["text", "e.xml", "--width", "5"], "teikit text", "Invalid value for '--width': 5 is not in the range x>=10"),
    (["text", "e.xml", "--width", "wide"], "teikit text", "Invalid value for '--width': 'wide' is not a valid integer"),
    (["render"], "teikit render", "Missing argument 'SOURCES...'"),
    (["render", "e.xml", "--format", "pdf"], "teikit render", "Invalid value for '--format': 'pdf' is not one of"),
    (["render", "e.xml", "--jobs", "0"], "teikit render", "Invalid value for '--jobs': 0 is not in the range x>=1"),
    (["validate"], "teikit validate", "Missing argument 'PATHS...'"),
    (["validate", "e.xml", "--format", "xml"], "teikit validate", "Invalid value for '--format': 'xml' is not one"),
    (["validate", "e.xml", "-j", "x"], "teikit validate", "Invalid value for '--jobs'"),
    (["suggest", "a.txt", "--min-count", "many"], "teikit suggest", "Invalid value for '--min-count'"),
    (["build", "--wait", "-1"], "teikit build", "Invalid value for '--wait'"),
    (["export", "--bogus"], "teikit export", "No such option '--bogus'"),
    (["convert", "a.txt", "b.txt"], "teikit convert", "Got unexpected extra argument (b.txt)"),
    (["render", "e.xml", "--index=yes"], "teikit render", "Option '--index' does not take a value"),
    (["validate", "--tei-all"], "teikit validate", "Option '--tei-all' requires an argument"),
]


@pytest.mark.parametrize(
    ("args", "command", "message"), USAGE_ERRORS, ids=lambda v: " ".join(v) if isinstance(v, list) else None
)
def test_a_usage_error_is_one_line_exit_2(runner, args, command, message):
    result = runner.invoke(cli, args)
    assert result.exit_code == 2, result.output
    line = result.output.strip()
    assert len(line.splitlines()) == 1, result.output
    assert line.startswith(f"{command}: error: {message}"), line
    assert line.endswith(f"(try '{command} --help')")


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["export", str(EDITION), "--format", "bogus"], "teikit export: error: no export format called 'bogus'"),
        (["export", str(EDITION)], "teikit export: error: no export format chosen"),
        (
            ["text", "--lossless", "--width", "20", str(EDITION)],
            "teikit text: error: --lossless regenerates the source exactly and takes no other option",
        ),
    ],
)
def test_a_wrong_combination_of_options_names_the_command(runner, args, line):
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert result.output.strip().startswith(line) and len(result.output.strip().splitlines()) == 1


def test_no_command_still_shows_the_help(runner):
    result = runner.invoke(cli, [])
    assert "Commands:" in result.output


# --------------------------------------------------------------------------- documents that are not TEI P5

NOT_TEI = [
    (
        b"<article xmlns='http://docbook.org/ns/docbook'><title>D</title><para>x</para></article>",
        "not a TEI P5 document: the root element is <article> in the namespace http://docbook.org/ns/docbook",
    ),
    (
        b"<project name='x'><target name='build'/></project>",
        "not a TEI P5 document: the root element is <project> in no namespace",
    ),
    (
        b"<TEI.2><teiHeader/><text><body><p>x</p></body></text></TEI.2>",
        "TEI P4 `TEI.2`: not supported, convert it to P5 first (the TEI Consortium's p4top5.xsl",
    ),
]


@pytest.mark.parametrize(("data", "message"), NOT_TEI, ids=["docbook", "ant", "tei-p4"])
@pytest.mark.parametrize(
    "command",
    [["text"], ["text", "--lossless"], ["render", "-o", "{out}"], ["export", "--format", "markdown", "-o", "{out}"]],
)
def test_a_document_that_is_not_tei_p5_is_refused_alike(runner, tmp_path, data, message, command):
    path = tmp_path / "doc.xml"
    path.write_bytes(data)
    args = [a.replace("{out}", str(tmp_path / "out")) for a in command]
    result = runner.invoke(cli, [*args, str(path)])
    assert result.exit_code == 1, result.output
    assert f"{path}:1: error: {message}" in result.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


# --------------------------------------------------------------------------- paper cuts


def test_a_tag_ref_without_hash_names_the_edition_file_and_what_to_write(runner, work):
    edition = work / "workers-group-manifesto-1.toml"
    edition.write_text(
        edition.read_text(encoding="utf-8") + '\n[[tag]]\nline = 30\ntext = "Kollontai"\n'
        'element = "persName"\nref = "iwma"\n',
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["convert", str(work / SEED_TEXT.name)])
    assert result.exit_code == 1
    line = result.output.strip()
    assert line.startswith(f"{edition}:"), line
    assert "ref = 'iwma' does not point into the register" in line and 'write ref = "#iwma"' in line
    assert "wma'" not in line.replace("'iwma'", "")


def test_lossless_keeps_a_missing_final_line_end(runner, tmp_path):
    source = tmp_path / "t.txt"
    for text in ("Title\n\nA paragraph.", "Title\n\nA paragraph.\n", "Title\n\nA paragraph.\n\n\n"):
        source.write_text(text, encoding="utf-8")
        assert runner.invoke(cli, ["convert", str(source), "-o", str(tmp_path / "t.xml")]).exit_code == 0
        result = runner.invoke(cli, ["text", "--lossless", str(tmp_path / "t.xml")])
        assert result.exit_code == 0
        assert result.output == text


def test_convert_warns_about_bracketed_numbers_left_as_text(tmp_path):
    source = tmp_path / "t.txt"
    source.write_text("Title\n\nIn [1923] the group wrote.[1]\n\n[1]. A note.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["convert", str(source), "-o", str(tmp_path / "t.xml")])
    assert result.exit_code == 0
    assert result.stderr.splitlines()[0] == (
        f"{source}:3: warning: [1923] left as text: no note has its number "
        "(declare [notes] in the edition file if the notes are marked otherwise)"
    )
    listed = CliRunner().invoke(cli, ["suggest", str(source)])
    assert "[1923]  (line 3): left as text" in listed.stdout


def test_a_size_limit_below_a_megabyte_is_said_in_kilobytes(runner, monkeypatch):
    monkeypatch.setenv("TEIKIT_MAX_XML_MB", "0.05")
    result = runner.invoke(cli, ["text", str(EDITION)])
    assert result.exit_code == 1
    size = EDITION.stat().st_size / 1024  # the generated edition grows with the encoding: not a pinned figure
    assert size >= 10
    assert f"the file is {size:.0f} KB, more than teikit's limit of 51 KB" in result.output


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (
            '<xsl:message>n</xsl:message><xsl:value-of select="1 div $nope"/>',
            "runtime error in element 'value-of': Variable 'nope' has not been declared.",
        ),
        (
            '<xsl:message>n</xsl:message><xsl:value-of select="u:f()" xmlns:u="urn:u"/>',
            "runtime error in element 'value-of': Unregistered function",
        ),
        (
            '<xsl:message terminate="yes">stopped on purpose</xsl:message>',
            "the stylesheet stopped with xsl:message: stopped on purpose",
        ),
    ],
)
def test_a_failing_stylesheet_says_where_and_why(runner, tmp_path, body, says):
    mine = tmp_path / "mine.xsl"
    mine.write_text(
        '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">\n'
        f'<xsl:template match="/">{body}</xsl:template></xsl:stylesheet>',
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["text", str(EDITION), "--stylesheet", str(mine)])
    assert result.exit_code == 1
    assert f"the stylesheet failed: {says}" in result.output
    assert "failed: n " not in result.output
    if "runtime" in says:
        assert result.output.startswith(f"{mine}:2: error:")
