"""Hostile and broken input: every command that reads XML or text fails clearly, leaks nothing,
touches no network and never prints a traceback."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading

import pytest
from click.testing import CliRunner

from teikit.cli import cli

from conftest import REPO

SECRET = "TOP-SECRET-4711"
XML_COMMANDS = [
    ["text"],
    ["text", "--lossless"],
    ["render", "--format", "both", "-o", "{out}"],
    ["export", "--format", "json", "-o", "{out}"],
]


def run(args: list[str], out) -> object:
    return CliRunner().invoke(cli, [a.replace("{out}", str(out)) for a in args])


def assert_clean_failure(result, path, *, code: int = 1, says: str = "") -> None:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert str(path) in result.output
    assert says in result.output


@pytest.fixture
def secret_file(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    return secret


@pytest.mark.parametrize("command", XML_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_external_entity_is_refused_and_leaks_nothing(command, tmp_path, secret_file):
    doc = tmp_path / "xxe.xml"
    doc.write_text(
        f'<!DOCTYPE TEI [<!ENTITY x SYSTEM "file://{secret_file}">]>'
        f'<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>&x;</p></body></text></TEI>'
    )
    result = run([*command, str(doc)], tmp_path / "out")
    assert_clean_failure(result, doc, says="declares the entity 'x'")
    assert SECRET not in result.output
    written = [p for p in (tmp_path / "out").rglob("*") if p.is_file()] if (tmp_path / "out").exists() else []
    assert all(SECRET not in p.read_text(errors="replace") for p in written)


@pytest.mark.parametrize("command", XML_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_billion_laughs_fails_with_a_clear_message(command, tmp_path):
    entities = '<!ENTITY l0 "lol">' + "".join(
        f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 12)
    )
    doc = tmp_path / "lol.xml"
    doc.write_text(f"<!DOCTYPE TEI [{entities}]><TEI>&l11;</TEI>")
    result = run([*command, str(doc)], tmp_path / "out")
    assert_clean_failure(result, doc)
    assert "entity" in result.output


@pytest.mark.parametrize("command", XML_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_deep_nesting_is_refused(command, tmp_path):
    doc = tmp_path / "deep.xml"
    doc.write_text("<TEI>" + "<hi>" * 100_000 + "x" + "</hi>" * 100_000 + "</TEI>")
    result = run([*command, str(doc)], tmp_path / "out")
    assert_clean_failure(result, doc, says="nested deeper than")
    assert "XML_PARSE_HUGE" not in result.output


@pytest.mark.parametrize("command", XML_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_200_mb_file_is_refused_before_it_is_read(command, tmp_path):
    doc = tmp_path / "huge.xml"
    with doc.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: costs no disk and no time
    result = run([*command, str(doc)], tmp_path / "out")
    assert_clean_failure(result, doc, says="more than teikit's limit")


def test_the_size_limit_can_be_raised(tmp_path, monkeypatch):
    doc = tmp_path / "small.xml"
    doc.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>' + "x" * 3000 + "</p></body></text></TEI>")
    monkeypatch.setenv("TEIKIT_MAX_XML_MB", "0.001")
    assert run(["text", str(doc)], tmp_path).exit_code == 1
    monkeypatch.setenv("TEIKIT_MAX_XML_MB", "1")
    assert run(["text", str(doc)], tmp_path).exit_code == 0


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        (
            "latin1.xml",
            b'<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>na\xefve</p></body></text></TEI>',
            "malformed XML",
        ),
        (
            "control.xml",
            b'<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>a\x01b</p></body></text></TEI>',
            "malformed XML",
        ),
        (
            "charref.xml",
            b'<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>a&#1;b</p></body></text></TEI>',
            "malformed XML",
        ),
    ],
)
def test_invalid_characters_name_line_and_column(tmp_path, name, data, says):
    doc = tmp_path / name
    doc.write_bytes(data)
    result = run(["text", str(doc)], tmp_path)
    assert_clean_failure(result, doc, says=says)
    assert f"{doc}:1:" in result.output


class _Listener:
    """A loopback TCP listener that counts connections: proof that nothing reached for the network."""

    def __init__(self) -> None:
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(8)
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.running:
            try:
                connection, _ = self.server.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self.running = False
        self.thread.join()
        self.server.close()


@pytest.mark.parametrize("command", XML_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_remote_dtd_and_xinclude_are_never_fetched(command, tmp_path, secret_file):
    listener = _Listener()
    try:
        doc = tmp_path / "remote.xml"
        doc.write_text(
            f'<!DOCTYPE TEI SYSTEM "http://127.0.0.1:{listener.port}/tei.dtd">'
            '<TEI xmlns="http://www.tei-c.org/ns/1.0" xmlns:xi="http://www.w3.org/2001/XInclude">'
            "<teiHeader><fileDesc><titleStmt><title>T</title></titleStmt><publicationStmt><p>p</p>"
            "</publicationStmt><sourceDesc><p>s</p></sourceDesc></fileDesc></teiHeader><text><body>"
            f'<p>Before.<xi:include href="http://127.0.0.1:{listener.port}/part.xml" parse="text"/>'
            f'<xi:include href="{secret_file}" parse="text"/></p></body></text></TEI>'
        )
        result = run([*command, str(doc)], tmp_path / "out")
        assert result.exit_code == 0, result.output
    finally:
        listener.close()
    assert listener.connections == 0
    written = [p for p in (tmp_path / "out").rglob("*") if p.is_file()] if (tmp_path / "out").exists() else []
    assert SECRET not in result.output
    assert all(SECRET not in p.read_text() for p in written)


def test_no_traceback_from_the_installed_command_on_bad_input(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text("<TEI><unclosed></TEI>")
    result = subprocess.run(
        [sys.executable, "-m", "teikit", "text", str(bad)], capture_output=True, text=True, timeout=60, cwd=REPO
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"{bad}:1:")


# --------------------------------------------------------------------------- plain text in


def _manifesto_like(size: int, *, one_line: bool = False) -> str:
    words = (REPO / "seeds" / "workers-group-manifesto-1.txt").read_text(encoding="utf-8").replace("[", "(").split()
    lines, total, index = ["A Generated Title", ""], 0, 0
    while total < size:
        paragraph = " ".join(words[(index + k) % len(words)] for k in range(120)).replace("]", ")")
        lines += [paragraph, ""] if not one_line else [paragraph]
        total += len(paragraph) + 2
        index += 120
    return ("\n".join(lines[:2]) + "\n" + (" ".join(lines[2:]) if one_line else "\n".join(lines[2:]))) + "\n"


@pytest.mark.slow
def test_a_50_mb_text_converts_to_well_formed_tei(tmp_path):
    source = tmp_path / "big.txt"
    source.write_text(_manifesto_like(50_000_000), encoding="utf-8")
    out = tmp_path / "big.xml"
    result = CliRunner().invoke(cli, ["convert", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    from teikit.render.lossless import render_lossless
    from teikit.xmlio import parse_xml

    assert render_lossless(parse_xml(out)) == source.read_text(encoding="utf-8")


def test_a_single_5_mb_line_converts(tmp_path):
    source = tmp_path / "line.txt"
    source.write_text(_manifesto_like(5_000_000, one_line=True), encoding="utf-8")
    out = tmp_path / "line.xml"
    result = CliRunner().invoke(cli, ["convert", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 5_000_000


def test_mixed_line_endings_are_normalised_and_declared(tmp_path):
    source = tmp_path / "mixed.txt"
    source.write_bytes(b"Title\r\n\r\nOne paragraph.\n\nAnother one.\r\rLast.\n")
    out = tmp_path / "mixed.xml"
    assert CliRunner().invoke(cli, ["convert", str(source), "-o", str(out)]).exit_code == 0
    header = out.read_text(encoding="utf-8")
    assert "Line ends (CRLF and CR) were normalised to LF." in header
    assert header.count("<p ") == 3


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "the text is empty"),
        (b"\xff\xfe\x00T\x00i", "not valid UTF-8"),
        (b"Title\n\nText with a bell \x07 inside.\n", "U+0007"),
        (b"Title\n\nA claim.[1]\n\n[1]. One.\n\n[1]. Again.\n", "appears twice"),
    ],
)
def test_broken_texts_fail_with_one_line_and_no_output(tmp_path, data, says):
    source = tmp_path / "broken.txt"
    source.write_bytes(data)
    out = tmp_path / "broken.xml"
    result = CliRunner().invoke(cli, ["convert", str(source), "-o", str(out)])
    assert_clean_failure(result, source, says=says)
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists()
