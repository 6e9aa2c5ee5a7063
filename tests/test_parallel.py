"""The one parallel map (teikit.parallel) under validate and render: order, executors, threads, dying workers."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from teikit import parallel
from teikit.render import render_many
from teikit.validate import FileReport, SchemaSet, load_schemas, validate_paths

from conftest import REPO

FIXTURES = REPO / "tests" / "fixtures" / "validate"
LETTERS = FIXTURES / "letters"
LETTER_RNG = FIXTURES / "schemas" / "letter.rng"
SRC = REPO / "src"


def letters_copy(tmp_path: Path, copies: int = 3) -> Path:
    corpus = tmp_path / "letters"
    for number in range(copies):
        for fixture in sorted(LETTERS.glob("*.xml")):
            target = corpus / f"part{number}" / fixture.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(fixture, target)
    return corpus


# --------------------------------------------------------------------------- the map itself


@dataclass(frozen=True)
class Square:
    """A work as small as works come: prepare once, then square each item."""

    offset: int = 0

    def prepare(self):
        return lambda item: item * item + self.offset


def test_results_come_in_the_order_given_whatever_runs_them():
    pairs = [(Square(), n) for n in range(40)]
    expected = [n * n for n in range(40)]
    crash = lambda item, reason: None  # noqa: E731
    assert parallel.map_in_order(pairs, jobs=1, on_crash=crash) == expected
    assert parallel.map_in_order(pairs, jobs=2, on_crash=crash) == expected
    assert parallel.map_in_order(pairs, jobs=2, on_crash=crash, order=lambda n: n % 7) == expected
    with ThreadPoolExecutor(3) as executor:
        assert parallel.map_in_order(pairs, executor=executor, on_crash=crash) == expected


def test_two_works_in_one_run_each_prepared_for_their_own_items():
    pairs = [(Square(offset), n) for n in range(10) for offset in (0, 1000)]
    got = parallel.map_in_order(pairs, jobs=2, on_crash=lambda item, reason: None)
    assert got == [n * n + offset for n in range(10) for offset in (0, 1000)]


@dataclass(frozen=True)
class Faulty:
    def prepare(self):
        def run(item):
            if item == 3:
                raise RuntimeError("a bug on item 3")
            return item

        return run


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_unexpected_exception_is_reported_on_its_item_and_the_others_go_on(jobs):
    got = parallel.map_in_order(
        [(Faulty(), n) for n in range(6)], jobs=jobs, on_crash=lambda item, reason: f"crash {item}: {reason}"
    )
    assert got == [0, 1, 2, "crash 3: RuntimeError: a bug on item 3", 4, 5]


# --------------------------------------------------------------------------- a worker that dies


class KillingSchema:
    """A schema whose check kills its own process on files called kill-me.xml (as a crash in C would)."""

    name = "killer"
    kind = "test"

    def __reduce__(self):
        return (KillingSchema, ())

    def prepare(self, names):
        pass

    def check(self, tree, path, names, locator):
        if Path(path).name == "kill-me.xml":
            os.kill(os.getpid(), signal.SIGKILL)
        return []


def test_a_worker_that_dies_is_an_internal_error_on_its_file_and_the_others_get_verdicts(tmp_path):
    corpus = letters_copy(tmp_path, copies=2)
    shutil.copy(LETTERS / "good.xml", corpus / "part0" / "kill-me.xml")
    schemas = load_schemas(rng=[LETTER_RNG])
    schemas = SchemaSet([*schemas.schemas, KillingSchema()])
    report = validate_paths([corpus], schemas, jobs=2)
    by_name = {Path(file.path).relative_to(corpus).as_posix(): file for file in report.files}
    killed = by_name.pop("part0/kill-me.xml")
    assert not killed.checked and killed.problems[0].rule == "internal-error"
    assert "worker process died" in killed.problems[0].message and killed.problems[0].path.endswith("kill-me.xml")
    # every other file has its real verdict: the same as a run without the killer
    plain = validate_paths([corpus], load_schemas(rng=[LETTER_RNG]), jobs=1)
    expected = {Path(f.path).relative_to(corpus).as_posix(): f.problems for f in plain.files}
    expected.pop("part0/kill-me.xml")
    assert {name: file.problems for name, file in by_name.items()} == expected
    assert report.exit_code == 2 and "1 not checked" in report.summary()


def test_the_validate_command_exits_2_not_by_a_signal_when_a_worker_dies(tmp_path, monkeypatch):
    corpus = letters_copy(tmp_path, copies=1)
    shutil.copy(LETTERS / "good.xml", corpus / "part0" / "kill-me.xml")
    code = (
        "import os, signal\n"
        "from teikit.validate import run\n"
        "real = run.CheckFiles.check\n"
        "def check(self, path):\n"
        "    if path.name == 'kill-me.xml': os.kill(os.getpid(), signal.SIGSEGV)\n"
        "    return real(self, path)\n"
        "run.CheckFiles.check = check\n"
    )
    (tmp_path / "sitecustomize.py").write_text(code, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path), str(SRC)]))
    command = [sys.executable, "-m", "teikit", "validate", "--schema", str(LETTER_RNG), "--jobs", "2", str(corpus)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 2, result.stderr
    assert re.search(
        r"kill-me\.xml: error: internal error: the worker process died while working on this file", result.stdout
    )
    assert result.stdout.endswith("5 files, 4 invalid, 4 errors, 1 not checked\n")


def test_a_render_worker_that_dies_fails_its_file_only(tmp_path, monkeypatch):
    sources = tmp_path / "tei"
    sources.mkdir()
    for name in ("a", "b", "kill-me", "c"):
        shutil.copy(REPO / "edition" / "workers-group-manifesto-1.xml", sources / f"{name}.xml")
    # Worker processes start from a fresh interpreter, which runs sitecustomize: there the killer is planted.
    code = (
        "import sys, os, signal, pathlib\n"
        "from teikit.render import batch\n"
        "real = batch.RenderFiles.render\n"
        "def render(self, source):\n"
        "    if source.name == 'kill-me.xml': os.kill(os.getpid(), signal.SIGKILL)\n"
        "    return real(self, source)\n"
        "batch.RenderFiles.render = render\n"
    )
    (tmp_path / "sitecustomize.py").write_text(code, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(tmp_path), str(SRC)]))
    run = subprocess.run(
        [sys.executable, "-m", "teikit", "render", str(sources), "-o", str(tmp_path / "out"), "--jobs", "2"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 2, run.stderr
    assert "kill-me.xml" in run.stderr and "internal error" in run.stderr
    written = sorted(path.name for path in (tmp_path / "out").iterdir())
    assert written == ["a.html", "a.txt", "b.html", "b.txt", "c.html", "c.txt"]


class KilledByCompiling(KillingSchema):
    """A schema whose compilation kills its process, as the restricted grammar of a crash in libxml2 would."""

    def __reduce__(self):
        return (KilledByCompiling, ())

    def prepare(self, names):
        if os.environ.get("TEIKIT_TEST_PARENT") != str(os.getpid()):
            os.kill(os.getpid(), signal.SIGKILL)


def test_schemas_whose_compilation_kills_every_worker_give_every_file_an_internal_error(tmp_path, monkeypatch):
    monkeypatch.setenv("TEIKIT_TEST_PARENT", str(os.getpid()))  # the killer spares this process
    corpus = letters_copy(tmp_path, copies=3)
    schemas = SchemaSet([*load_schemas(rng=[LETTER_RNG]).schemas, KilledByCompiling()])
    report = validate_paths([corpus], schemas, jobs=2)
    assert report.file_count == 12 and report.unchecked_count == 12 and report.exit_code == 2
    assert all(
        "while compiling the schemas" in f.problems[0].message and "--full-grammar" in f.problems[0].message
        for f in report.files
    )


def test_two_files_that_kill_their_workers_are_both_found(tmp_path):
    corpus = letters_copy(tmp_path, copies=2)
    for name in ("part0/kill-me.xml", "part1/kill-me.xml"):
        shutil.copy(LETTERS / "good.xml", corpus / name)
    schemas = SchemaSet([*load_schemas(rng=[LETTER_RNG]).schemas, KillingSchema()])
    report = validate_paths([corpus], schemas, jobs=2)
    unchecked = sorted(Path(f.path).relative_to(corpus).as_posix() for f in report.files if not f.checked)
    assert unchecked == ["part0/kill-me.xml", "part1/kill-me.xml"]
    assert report.file_count == 10 and report.invalid_count == 2 + 2 * 3  # the 2 unchecked, 3 invalid letters a copy


# --------------------------------------------------------------------------- threads


def test_two_threads_validating_at_once_get_correct_reports(tmp_path):
    corpus = letters_copy(tmp_path)
    expected = validate_paths([corpus], load_schemas(rng=[LETTER_RNG]), jobs=1)
    reports: dict[str, object] = {}

    def run(name: str, jobs: int) -> None:
        reports[name] = validate_paths([corpus], load_schemas(rng=[LETTER_RNG]), jobs=jobs)

    threads = [threading.Thread(target=run, args=(f"t{n}", jobs)) for n, jobs in enumerate((1, 1, 2, 2))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(reports) == 4 and all(report == expected for report in reports.values())


def test_one_schema_set_shared_by_threads_gives_each_the_right_report(tmp_path):
    corpus = letters_copy(tmp_path, copies=4)
    schemas = load_schemas(rng=[LETTER_RNG])
    expected = validate_paths([corpus], schemas, jobs=1)
    with ThreadPoolExecutor(4) as executor:
        assert validate_paths([corpus], schemas, executor=executor) == expected


def test_validating_from_two_threads_warns_of_nothing(tmp_path):
    """Python 3.12 warns when a process forks while threads run: teikit never forks, so no warning."""
    corpus = letters_copy(tmp_path)
    code = (
        "import threading, teikit\n"
        f"paths, schema = [{str(corpus)!r}], [{str(LETTER_RNG)!r}]\n"
        "out = []\n"
        "def run(jobs): out.append(teikit.validate_files(paths, rng=schema, jobs=jobs).summary())\n"
        "threads = [threading.Thread(target=run, args=(j,)) for j in (1, 2, 2)]\n"
        "[t.start() for t in threads]; [t.join() for t in threads]\n"
        "assert len(set(out)) == 1 and len(out) == 3, out\n"
        "print(out[0])\n"
    )
    run = subprocess.run(
        [sys.executable, "-W", "error::DeprecationWarning", "-c", code],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(SRC)},
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "12 files, 9 invalid, 9 errors"


def test_no_library_code_forks_or_loads_shared_libraries():
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "os.fork" not in text and "ctypes" not in text, path


def test_reports_pickle_for_workers():
    report = FileReport("a.xml", (), ("x.rng",), "option")
    import pickle

    assert pickle.loads(pickle.dumps(report)) == report


def test_render_passes_its_work_to_a_callers_executor(tmp_path):
    files = [REPO / "edition" / "workers-group-manifesto-1.xml"]
    with ThreadPoolExecutor(2) as executor:
        report = render_many(files, tmp_path, executor=executor)
    assert not report.failures and sorted(p.name for p in tmp_path.iterdir()) == [
        "workers-group-manifesto-1.html",
        "workers-group-manifesto-1.txt",
    ]
