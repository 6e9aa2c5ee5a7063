"""The command line, driven through click's CliRunner: thin commands, one-line errors, exit codes."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from teikit.cli import cli

from conftest import REPO, SEED_TEXT


@pytest.fixture
def runner():
    return CliRunner()


def test_every_command_has_help(runner):
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    commands = [line.split()[0] for line in result.output.split("Commands:")[1].splitlines() if line.strip()]
    for command in commands:
        sub = runner.invoke(cli, [command, "--help"])
        assert sub.exit_code == 0, command
        assert "Usage: " in sub.output


def test_convert_writes_tei_to_a_file(runner, tmp_path):
    out = tmp_path / "m.xml"
    result = runner.invoke(cli, ["convert", str(SEED_TEXT), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == (REPO / "edition" / "workers-group-manifesto-1.xml").read_bytes()


def test_convert_to_stdout(runner):
    result = runner.invoke(cli, ["convert", str(SEED_TEXT)])
    assert result.exit_code == 0
    assert result.output.startswith("<?xml version='1.0' encoding='UTF-8'?>\n<?xml-model href=\"teikit:teikit.rng\"")
    assert "\n<TEI " in result.output


def test_bad_input_is_one_line_exit_1_and_no_output_file(runner, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"Title\n\nA claim.\n\n[1]. A note.\n")
    out = tmp_path / "out.xml"
    result = runner.invoke(cli, ["convert", str(bad), "-o", str(out)])
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"{bad}:5: error: footnote [1] is never referenced in the text "
        "(add the marker [1] where the note belongs, or remove the note)"
    )
    assert "Traceback" not in result.output
    assert not out.exists()


def test_missing_file_is_reported(runner, tmp_path):
    result = runner.invoke(cli, ["convert", str(tmp_path / "nope.txt")])
    assert result.exit_code == 2  # a path that does not exist is a usage error, like in every command
    assert "no such source text" in result.output


def test_build_then_rebuild_changes_nothing(runner, tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(REPO / "seeds", seeds)
    args = ["build", str(seeds), "--edition-dir", str(tmp_path / "edition"), "--output-dir", str(tmp_path / "output")]
    first = runner.invoke(cli, args)
    assert first.exit_code == 0, first.output
    second = runner.invoke(cli, args)
    assert second.exit_code == 0
    assert "0 files written" in second.output


def test_build_refuses_to_overwrite_a_hand_edited_edition(runner, tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(REPO / "seeds", seeds)
    args = ["build", str(seeds), "--edition-dir", str(tmp_path / "edition"), "--output-dir", str(tmp_path / "output")]
    assert runner.invoke(cli, args).exit_code == 0
    tei = tmp_path / "edition" / "workers-group-manifesto-1.xml"
    edited = tei.read_text(encoding="utf-8").replace("Our introduction", "Our Introduction")
    tei.write_text(edited, encoding="utf-8")
    (seeds / "workers-group-manifesto-1.toml").write_text(
        (seeds / "workers-group-manifesto-1.toml")
        .read_text(encoding="utf-8")
        .replace('subtitle = "A TEI P5 edition"', 'subtitle = "A TEI P5 edition, revised"'),
        encoding="utf-8",
    )
    refused = runner.invoke(cli, args)
    assert refused.exit_code == 2
    assert "changed by hand" in refused.output and "--force" in refused.output
    assert tei.read_text(encoding="utf-8") == edited
    forced = runner.invoke(cli, [*args, "--force"])
    assert forced.exit_code == 0
    assert "revised" in tei.read_text(encoding="utf-8")


def test_text_lossless(runner):
    result = runner.invoke(cli, ["text", "--lossless", str(REPO / "edition" / "workers-group-manifesto-1.xml")])
    assert result.exit_code == 0
    assert result.output.startswith("The Communist Left in Russia: Manifesto")
    assert "Printer-friendly version" not in result.output


def test_malformed_tei_is_one_line(runner, tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text("<TEI><text>\n</TEI>")
    result = runner.invoke(cli, ["text", "--lossless", str(bad)])
    assert result.exit_code == 1
    assert result.output.startswith(f"{bad}:2:")
    assert len(result.output.strip().splitlines()) == 1


def test_suggest_proposes_no_new_entry_on_the_seed(runner):
    """Every name of the seed is in its register; what is left are phrases longer than a registered name."""
    result = runner.invoke(cli, ["suggest", str(SEED_TEXT)])
    assert result.exit_code == 0
    assert "0 proposed entries (0 unsure)" in result.stderr
    lines = result.stdout.splitlines()
    assert lines and all(line.split()[1] == "longer" for line in lines)
    expected = "Twelfth Congress of the RCP  (longer than a registered name: twelfth-congress, rcp;"
    assert any(expected in line for line in lines)


def test_suggest_lists_a_name_the_register_lacks(runner, tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(REPO / "seeds", seeds)
    register = seeds / "register.toml"
    text = register.read_text(encoding="utf-8")
    start = text.index('[[person]]\nid = "kollontai"')
    end = text.index("[[person]]", start + 1)
    register.write_text(text[:start] + text[end:], encoding="utf-8")
    result = runner.invoke(cli, ["suggest", str(seeds / SEED_TEXT.name)])
    assert result.exit_code == 0
    # "In contrast to Kollontai's Workers' Opposition": no cue says what Kollontai is, so the guess says so.
    assert result.stdout.splitlines()[0].split()[:3] == ["1", "person", "Kollontai"]
    assert "(id kollontai; UNSURE: no cue decided the type (guessed person); line 30)" in result.stdout


@pytest.mark.parametrize(
    "command",
    [
        ["convert"],
        ["suggest"],
        ["text"],
        ["text", "--lossless"],
        ["render", "-o", "{tmp}"],
        ["export", "--format", "json", "-o", "{tmp}"],
        ["validate"],
        ["build"],
    ],
)
def test_exit_codes_are_consistent_across_commands(runner, tmp_path, command):
    """A path that does not exist is a usage error (2); a malformed file is invalid input (1)."""
    args = [a.replace("{tmp}", str(tmp_path / "out")) for a in command]
    missing = runner.invoke(cli, [*args, str(tmp_path / "missing")])
    assert missing.exit_code == 2, missing.output
    assert "Traceback" not in missing.output
    if command[0] == "build":
        return
    bad = tmp_path / ("bad.txt" if command[0] in {"convert", "suggest"} else "bad.xml")
    bad.write_bytes(b"\xff\xfe broken" if command[0] in {"convert", "suggest"} else b"<TEI><unclosed></TEI>")
    broken = runner.invoke(cli, [*args, str(bad)])
    assert broken.exit_code == 1, broken.output
    assert str(bad) in broken.output and "Traceback" not in broken.output


def test_an_internal_error_is_one_line_unless_debugging(runner, monkeypatch, tmp_path):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("teikit.convert.convert", broken)
    result = runner.invoke(cli, ["convert", str(SEED_TEXT)])
    assert result.exit_code == 2
    assert result.output.startswith("teikit: internal error: ZeroDivisionError: division by zero")
    assert "Traceback" not in result.output
    monkeypatch.setenv("TEIKIT_DEBUG", "1")
    debugging = runner.invoke(cli, ["convert", str(SEED_TEXT)])
    assert isinstance(debugging.exception, ZeroDivisionError)
