"""The README is tested: its two commands, every command with an example, every export format."""

from __future__ import annotations

import re

from teikit.cli import cli
from teikit.export import list_formats

from conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def fenced_blocks(text: str) -> list[tuple[str, str]]:
    return re.findall(r"```(\w*)\n(.*?)```", text, re.S)


def test_readme_starts_with_the_two_commands():
    before_first_heading = README.split("\n## ", 1)[0]
    blocks = fenced_blocks(before_first_heading)
    assert [language for language, _ in blocks] == ["sh", "sh"]
    build, test = (body.strip() for _, body in blocks)
    assert "\n" not in build and "\n" not in test
    assert build.endswith("teikit build seeds")
    assert "pip install -e '.[test]'" in test


def test_ci_runs_the_readmes_test_command():
    test_command = fenced_blocks(README)[1][1].strip()
    runner = test_command.split("&&")[-1].strip()
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert runner in ci
    assert "pip install --quiet -e '.[test]'" in ci


def test_every_command_is_documented_with_an_example():
    for name in cli.commands:
        assert f"### `teikit {name}`" in README, f"no section for teikit {name}"
        assert re.search(rf"^\$ teikit {name}\b", README, re.M), f"no example of teikit {name}"


def test_every_option_of_every_command_is_mentioned():
    for name, command in cli.commands.items():
        for param in command.params:
            for option in param.opts:
                if option.startswith("--") and option != "--help":
                    assert option in README, f"teikit {name} {option} is not in the README"


def test_every_export_format_is_documented():
    for exporter in list_formats():
        assert f"| `{exporter.name}` |" in README, f"export format {exporter.name} has no row in the README"


def test_readme_examples_name_files_that_exist():
    for path in re.findall(r"\b((?:seeds|edition|schemas|docs|tests/benchmarks)/[\w./-]+\.\w+)\b", README):
        assert (REPO / path).exists(), path
