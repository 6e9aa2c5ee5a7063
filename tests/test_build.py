"""The committed edition/ and output/ are exactly what `teikit build` makes from seeds/."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
import time

import pytest

from teikit.build import build, check_valid
from teikit.errors import InputError, UsageError
from teikit.files import write_atomic
from teikit.validate import FileReport, Problem

from conftest import REPO


def test_committed_files_match_a_fresh_build(tmp_path):
    result = build(REPO / "seeds", tmp_path / "edition", tmp_path / "output")
    assert result.written
    for folder in ("edition", "output"):
        built_dir = tmp_path / folder
        fresh = {p.relative_to(built_dir): p.read_bytes() for p in built_dir.rglob("*") if p.is_file()}
        committed_dir = REPO / folder
        committed = {
            p.relative_to(committed_dir): p.read_bytes()
            for p in committed_dir.rglob("*")
            if p.is_file() and p.name != ".gitkeep"
        }
        assert sorted(fresh) == sorted(committed), f"{folder}/ lists different files: run `teikit build`"
        drifted = [str(name) for name in fresh if fresh[name] != committed[name]]
        assert not drifted, f"{folder}/ drifted from the build: {drifted}; run `teikit build` and commit"


def _snapshot(folder):
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def _seeds_with_change(tmp_path, subtitle):
    seeds = tmp_path / "seeds"
    if not seeds.exists():
        shutil.copytree(REPO / "seeds", seeds)
    edition = seeds / "workers-group-manifesto-1.toml"
    text = re.sub(r'subtitle = ".*"', f'subtitle = "{subtitle}"', edition.read_text(encoding="utf-8"))
    edition.write_text(text, encoding="utf-8")
    return seeds


def test_a_failing_write_leaves_every_file_whole(tmp_path, monkeypatch):
    edition, output = tmp_path / "edition", tmp_path / "output"
    build(_seeds_with_change(tmp_path, "first"), edition, output)
    before = _snapshot(edition) | _snapshot(output)
    calls = []

    def failing_write(path, data, mode=0o644):
        calls.append(path)
        if len(calls) == 3:
            raise UsageError("cannot write: No space left on device", path)
        return write_atomic(path, data, mode)

    monkeypatch.setattr("teikit.build.write_atomic", failing_write)
    with pytest.raises(UsageError):
        build(_seeds_with_change(tmp_path, "second"), edition, output)
    after = _snapshot(edition) | _snapshot(output)
    assert sorted(after) == sorted(before), "no file appeared or vanished; no temporary was left"
    changed = {name for name in after if after[name] != before[name]}
    assert changed == {p.name for p in calls[:2]}, "only the files written before the failure are new"


def test_a_build_that_fails_before_writing_changes_nothing(tmp_path):
    edition, output = tmp_path / "edition", tmp_path / "output"
    seeds = _seeds_with_change(tmp_path, "first")
    build(seeds, edition, output)
    before = _snapshot(edition) | _snapshot(output)
    (seeds / "broken.txt").write_text("Title\n\nA claim.[1]\n", encoding="utf-8")
    with pytest.raises(InputError):
        build(seeds, edition, output)
    assert _snapshot(edition) | _snapshot(output) == before


def test_killing_builds_midway_never_leaves_a_partial_file(tmp_path):
    """Kill real `teikit build` processes at different moments; every file is always one whole version."""
    edition, output = tmp_path / "edition", tmp_path / "output"
    seeds = _seeds_with_change(tmp_path, "version 0")
    for copy in range(4):  # more texts make a longer write phase to interrupt
        shutil.copy(seeds / "workers-group-manifesto-1.txt", seeds / f"copy-{copy}.txt")
        (seeds / f"copy-{copy}.toml").write_text(
            (seeds / "workers-group-manifesto-1.toml")
            .read_text(encoding="utf-8")
            .replace('id = "workers-group-manifesto-1"', f'id = "copy-{copy}"')
            .replace('source = "workers-group-manifesto-1.txt"', f'source = "copy-{copy}.txt"'),
            encoding="utf-8",
        )
    build(seeds, edition, output)
    command = [
        sys.executable,
        "-m",
        "teikit",
        "build",
        str(seeds),
        "--edition-dir",
        str(edition),
        "--output-dir",
        str(output),
        "--force",
    ]
    for attempt, delay in enumerate([0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5], start=1):
        before = _snapshot(edition) | _snapshot(output)
        _seeds_with_change(tmp_path, f"version {attempt}")
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        killed = _snapshot(edition) | _snapshot(output)
        finished = subprocess.run(command, capture_output=True, timeout=300)  # the next build completes
        assert finished.returncode == 0, finished.stderr
        after = _snapshot(edition) | _snapshot(output)
        for name, data in killed.items():
            if name.startswith(".") and name.endswith((".tmp", ".lock")):
                continue  # a temporary or the lock file the kill left; the next build removes them
            assert data in (before.get(name), after[name]), f"{name} is neither the old nor the new version"
    for folder in (edition, output):
        assert not list(folder.glob(".*.tmp")), "the completed build cleared the temporaries"
    final = _snapshot(edition) | _snapshot(output)
    fresh = tmp_path / "fresh"
    build(seeds, fresh / "edition", fresh / "output")
    assert final == _snapshot(fresh / "edition") | _snapshot(fresh / "output")


def test_build_fails_on_tei_the_project_schemas_refuse(tmp_path):
    seeds = _seeds_with_change(tmp_path, "first")
    edition = seeds / "workers-group-manifesto-1.toml"
    edition.write_text(
        edition.read_text(encoding="utf-8").replace('type = "preface"', 'type = "appendix"'), encoding="utf-8"
    )
    with pytest.raises(InputError) as error:
        build(seeds, tmp_path / "edition", tmp_path / "output")
    message = error.value.one_line()
    assert "the converted TEI is invalid" in message
    assert '"appendix" of @type on <div> is not allowed' in message and "[relaxng-attribute]" in message
    assert not (tmp_path / "edition").exists() and not (tmp_path / "output").exists()


def test_a_failed_build_names_the_most_specific_problem():
    # libxml2's own kinds blame ancestors (lines 10, 12); teikit's wording names the mistake (line 14).
    problems = (
        Problem("e.xml", 10, 5, "error", "the content of <body> is not valid", "relaxng-contentvalid", "teikit.rng"),
        Problem("e.xml", 12, 7, "error", "expected element <closer>, found <head>", "relaxng-elemname", "teikit.rng"),
        Problem("e.xml", 14, 9, "error", 'the value "x" of @type on <div> is not allowed', "relaxng-attribute", "r"),
    )

    class Edition:
        path = "seeds/e.toml"

    with pytest.raises(InputError) as error:
        check_valid(FileReport("e.xml", problems), Edition())
    assert error.value.line == 14 and "[relaxng-attribute] (and 2 more)" in error.value.one_line()
