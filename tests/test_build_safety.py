"""A build interrupted anywhere never blocks the next one; two builds at once never trip over each other."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from teikit.build import FINGERPRINTS, build, read_fingerprints
from teikit.errors import UsageError
from teikit.files import LOCK_NAME, folder_lock, remove_stale_temporaries

from conftest import REPO

SRC = str(REPO / "src")
TIMEOUT = 120  # seconds for any one subprocess: a regression fails instead of hanging CI


def _seeds(tmp_path: Path, subtitle: str) -> Path:
    """The seeds with a second text (two edition files to interrupt between), both with this subtitle."""
    seeds = tmp_path / "seeds"
    if not seeds.exists():
        shutil.copytree(REPO / "seeds", seeds)
        shutil.copy(seeds / "workers-group-manifesto-1.txt", seeds / "copy.txt")
    edition = seeds / "workers-group-manifesto-1.toml"
    text = re.sub(r'subtitle = ".*"', f'subtitle = "{subtitle}"', edition.read_text(encoding="utf-8"))
    edition.write_text(text, encoding="utf-8")
    (seeds / "copy.toml").write_text(
        text.replace('id = "workers-group-manifesto-1"', 'id = "copy"').replace(
            'source = "workers-group-manifesto-1.txt"', 'source = "copy.txt"'
        ),
        encoding="utf-8",
    )
    return seeds


def _snapshot(*folders: Path) -> dict[str, bytes]:
    return {f"{folder.name}/{p.name}": p.read_bytes() for folder in folders for p in folder.iterdir() if p.is_file()}


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}


# A real build process that SIGKILLs itself just before its Nth rename (os.replace) of a finished temporary:
# N = 1 is before anything is published, N = k + 1 right after the kth file (SHA256SUMS included) is in place,
# with the (k + 1)th written to its temporary but not yet renamed.
KILLED_BUILD = textwrap.dedent("""
    import os, signal, sys
    limit, calls = int(sys.argv[1]), [0]
    real_replace = os.replace

    def replace(src, dst):
        calls[0] += 1
        if calls[0] == limit:
            os.kill(os.getpid(), signal.SIGKILL)
        return real_replace(src, dst)

    os.replace = replace
    from teikit.cli import main
    main(sys.argv[2:], prog_name="teikit")
""")


def _renames_of_a_build(tmp_path: Path, seeds: Path, edition: Path, output: Path) -> int:
    """How many files a build from the current seeds publishes (by counting in a throw-away copy)."""
    probe = tmp_path / "probe"
    shutil.copytree(edition, probe / "edition")
    shutil.copytree(output, probe / "output")
    result = build(seeds, probe / "edition", probe / "output")
    shutil.rmtree(probe)
    return len(result.written) + 1  # and the journal of fingerprints written before the edition files


@pytest.mark.slow
def test_a_build_killed_at_any_write_never_blocks_the_next(tmp_path):
    """Kill real builds before each of their renames; the next build (without --force) ends as a fresh one."""
    edition, output = tmp_path / "edition", tmp_path / "output"
    build(_seeds(tmp_path, "version 0"), edition, output)
    seeds = _seeds(tmp_path, "version 1")
    renames = _renames_of_a_build(tmp_path, seeds, edition, output)
    assert renames >= 7  # the journal, two TEI files, their pages, the index, the fingerprints
    fresh = tmp_path / "fresh"
    for version, point in enumerate(range(1, renames + 1), start=1):
        seeds = _seeds(tmp_path, f"version {version}")
        command = [
            sys.executable,
            "-c",
            KILLED_BUILD,
            str(point),
            "build",
            str(seeds),
            "--edition-dir",
            str(edition),
            "--output-dir",
            str(output),
        ]
        killed = subprocess.run(command, env=_env(), capture_output=True, timeout=TIMEOUT)
        assert killed.returncode == -9, (point, killed.stderr)
        recorded = read_fingerprints(edition)
        for path in edition.glob("*.xml"):
            assert _sha(path) in recorded.get(path.name, set()), f"kill at {point}: {path.name} is not recognised"
        # The next build finishes the job, seeds changed once more in between (the worst case for fingerprints).
        seeds = _seeds(tmp_path, f"version {version}b")
        build(seeds, fresh / "edition", fresh / "output", force=True)
        expected = _snapshot(fresh / "edition", fresh / "output")
        build(seeds, edition, output)  # no force: an interruption is not a hand edit
        assert _snapshot(edition, output) == expected, f"kill at {point}: the next build did not end as a fresh one"


def _sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_fingerprints_are_written_last(tmp_path, monkeypatch):
    """The journal (old and new fingerprints) comes before the edition files, the final fingerprints after."""
    edition, output = tmp_path / "edition", tmp_path / "output"
    build(_seeds(tmp_path, "first"), edition, output)
    order = []
    from teikit import build as build_module

    real = build_module.write_atomic

    def recording(path, data, mode=0o644):
        order.append((Path(path).name, data if isinstance(data, str) else data.decode("utf-8", "replace")))
        return real(path, data, mode)

    monkeypatch.setattr(build_module, "write_atomic", recording)
    build(_seeds(tmp_path, "second"), edition, output)
    names = [name for name, _ in order]
    assert names[0] == FINGERPRINTS and names[-1] == FINGERPRINTS
    journal = order[0][1]
    assert journal.count("workers-group-manifesto-1.xml") == 2, "old and new fingerprint of the changed file"
    assert order[-1][1].count("workers-group-manifesto-1.xml") == 1


def test_a_dead_builds_lock_file_is_taken_over(tmp_path):
    """A lock file left by a killed build (no process holds its OS lock) does not stop the next build."""
    edition, output = tmp_path / "edition", tmp_path / "output"
    for folder in (edition, output):
        folder.mkdir()
        (folder / LOCK_NAME).write_text("teikit build: pid 999999 on elsewhere, since yesterday\n")
    build(_seeds(tmp_path, "first"), edition, output)
    assert not (edition / LOCK_NAME).exists() and not (output / LOCK_NAME).exists(), "released on exit"


def test_a_held_lock_names_its_holder(tmp_path):
    """While another run holds the folders, a build waits, then says who holds them (exit 2), writing nothing."""
    seeds = _seeds(tmp_path, "first")
    edition, output = tmp_path / "edition", tmp_path / "output"
    with folder_lock([edition, output], purpose="teikit build"):
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "teikit",
                "build",
                str(seeds),
                "--edition-dir",
                str(edition),
                "--output-dir",
                str(output),
                "--wait",
                "0.5",
            ],
            env=_env(),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
    assert result.returncode == 2, result.stderr
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1
    assert "another teikit run is writing into this folder" in line
    assert f"pid {os.getpid()}" in line
    assert sorted(p.name for p in edition.iterdir()) == [], "nothing written while the lock was held"


def test_the_lock_is_released_when_the_block_raises(tmp_path):
    with pytest.raises(RuntimeError), folder_lock([tmp_path / "a"]):
        raise RuntimeError("boom")
    with folder_lock([tmp_path / "a"], wait=0):
        assert (tmp_path / "a" / LOCK_NAME).is_file()


def test_a_second_lock_in_the_same_folder_waits_then_fails(tmp_path):
    with (
        folder_lock([tmp_path]),
        pytest.raises(UsageError, match="another teikit run"),
        folder_lock([tmp_path], wait=0.1),
    ):
        pass


def test_stale_temporaries_are_only_those_of_ended_writers(tmp_path):
    """What made a concurrent build fail with 'cannot write': one build deleting the other's temporary."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
        live = tmp_path / f".page.html.{child.pid}-abc123.tmp"
        mine = tmp_path / f".page.txt.{os.getpid()}-def456.tmp"
        stale = tmp_path / f".page.json.{int(dead.stdout)}-xyz789.tmp"
        legacy = tmp_path / ".page.md.k2j4l5m6.tmp"  # named by a teikit that wrote no pid
        for path in (live, mine, stale, legacy):
            path.write_text("partial")
        assert sorted(remove_stale_temporaries(tmp_path)) == sorted([stale, legacy])
        assert live.exists() and mine.exists()
    finally:
        child.kill()
        child.wait()


@pytest.mark.slow
def test_two_builds_at_once_both_succeed(tmp_path):
    """Two real builds into one clone's folders: no false 'cannot write', and the result is a fresh build's."""
    edition, output = tmp_path / "edition", tmp_path / "output"
    seeds = _seeds(tmp_path, "version 0")
    build(seeds, edition, output)
    fresh = tmp_path / "fresh"
    for trial in range(1, 7):  # the old race (a build deleting the other's temporary) showed in 3 of 12
        seeds = _seeds(tmp_path, f"version {trial}")
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
            "--wait",
            "60",
        ]
        processes = [
            subprocess.Popen(command, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        outcomes = [process.communicate(timeout=TIMEOUT) for process in processes]
        for process, (_, stderr) in zip(processes, outcomes, strict=True):
            assert process.returncode == 0, stderr
            assert "cannot write" not in stderr
        build(seeds, fresh / "edition", fresh / "output", force=True)
        assert _snapshot(edition, output) == _snapshot(fresh / "edition", fresh / "output")


def test_a_forced_build_interrupted_after_its_journal_is_finished_without_force(tmp_path, monkeypatch):
    """--force over a hand edit, interrupted: the next build (no --force) recognises the state as its own."""
    edition, output = tmp_path / "edition", tmp_path / "output"
    seeds = _seeds(tmp_path, "first")
    build(seeds, edition, output)
    tei = edition / "workers-group-manifesto-1.xml"
    tei.write_text(tei.read_text(encoding="utf-8").replace("Our introduction", "Our Introduction"), encoding="utf-8")
    from teikit import build as build_module

    real, calls = build_module.write_atomic, []

    def interrupted(path, data, mode=0o644):
        calls.append(path)
        if len(calls) == 2:  # the journal is in place, no edition file yet
            raise KeyboardInterrupt
        return real(path, data, mode)

    monkeypatch.setattr(build_module, "write_atomic", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(_seeds(tmp_path, "second"), edition, output, force=True)
    monkeypatch.setattr(build_module, "write_atomic", real)
    build(seeds, edition, output)
    fresh = tmp_path / "fresh"
    build(seeds, fresh / "edition", fresh / "output")
    assert _snapshot(edition, output) == _snapshot(fresh / "edition", fresh / "output")
