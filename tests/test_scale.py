"""Corpora beyond one machine: the executor seam, Dask, the verdict cache of --changed-only, the progress line."""

from __future__ import annotations

import io
import json
import os
import pickle
import shutil
import sys
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner

from teikit import parallel
from teikit.cli import cli
from teikit.progress import Progress
from teikit.render import render_many
from teikit.validate import load_schemas, validate_paths
from teikit.validate.run import CheckFiles
from teikit.validate.sent import CheckSentFiles, SentFile
from teikit.validate.verdicts import VerdictCache

from conftest import REPO
from test_parallel import letters_copy

FIXTURES = REPO / "tests" / "fixtures" / "validate"
LETTERS = FIXTURES / "letters"
SCHEMAS = FIXTURES / "schemas"


def schema_copy(tmp_path: Path) -> Path:
    """letter-include.rng and the letter.rng it includes, in a folder of their own (to be edited)."""
    folder = tmp_path / "schemas"
    folder.mkdir()
    for name in ("letter.rng", "letter-include.rng"):
        shutil.copy(SCHEMAS / name, folder / name)
    return folder / "letter-include.rng"


class RecordingExecutor(Executor):
    """Runs each task at once in this process, after a round trip through pickle (as a worker would get it),
    and records what it was given."""

    def __init__(self) -> None:
        self.calls: list[tuple[object, list]] = []
        self.results_taken = 0
        self.most_out = 0

    def submit(self, fn, /, *args, **kwargs):
        fn, args = pickle.loads(pickle.dumps((fn, args)))
        self.calls.append((fn, args[0]))
        self.most_out = max(self.most_out, len(self.calls) - self.results_taken)
        future = _CountingFuture(self)
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future

    @property
    def items(self) -> list:
        return [item for _, batch in self.calls for _, item in batch]

    @property
    def works(self) -> list:
        """The works the tasks carried, unpickled (they travel as parallel.WorkRef bytes)."""
        return [pickle.loads(ref.payload) for _, batch in self.calls for ref, _ in batch]


class _CountingFuture(Future):
    def __init__(self, owner: RecordingExecutor) -> None:
        super().__init__()
        self.owner = owner

    def result(self, timeout=None):
        self.owner.results_taken += 1
        return super().result(timeout)


# --------------------------------------------------------------------------- the executor seam


def test_validate_hands_its_batches_to_the_callers_executor(tmp_path):
    corpus = letters_copy(tmp_path)
    schemas = load_schemas(rng=[SCHEMAS / "letter.rng"])
    expected = validate_paths([corpus], schemas, jobs=1)
    executor = RecordingExecutor()
    assert validate_paths([corpus], schemas, executor=executor) == expected
    assert {fn for fn, _ in executor.calls} == {parallel._run_batch}
    assert sorted(map(str, executor.items)) == [report.path for report in expected.files]
    assert all(isinstance(ref, parallel.WorkRef) for _, batch in executor.calls for ref, _ in batch)
    assert all(isinstance(work, CheckFiles) for work in executor.works)


def test_render_hands_its_files_to_the_callers_executor_and_writes_the_same_bytes(tmp_path):
    files = sorted((REPO / "edition").glob("*.xml"))
    executor = RecordingExecutor()
    render_many(files, tmp_path / "pool", jobs=2)
    render_many(files, tmp_path / "executor", executor=executor)
    assert sorted(map(str, executor.items)) == sorted(map(str, files))
    for made in (tmp_path / "pool").iterdir():
        assert (tmp_path / "executor" / made.name).read_bytes() == made.read_bytes()


def test_batches_are_sized_by_bytes_and_a_bounded_number_is_out_at_once(monkeypatch):
    monkeypatch.setattr(parallel, "IN_FLIGHT", 3)
    monkeypatch.setattr(parallel, "BATCH_BYTES", 100)
    sizes = [60, 30, 30, 150, 10, 10, 10, 99, 1] * 5
    pairs = [(Square(), n) for n in sizes]
    for batch in parallel.cost_batches(pairs, cost=lambda n: n):
        assert len(batch) == 1 or sum(pair[1] for _, pair in batch) <= 100
    executor = RecordingExecutor()
    results = parallel.map_in_order(pairs, executor=executor, on_crash=lambda i, r: None, order=lambda n: n)
    assert results == [n * n for n in sizes]
    assert len(executor.calls) > 3 and executor.most_out <= 3


@dataclass(frozen=True)
class Square:
    def prepare(self):
        return lambda item: item * item


@dataclass(frozen=True)
class KillOn:
    """Squares numbers; a negative number kills the worker process that holds it (as a crash in C would)."""

    def prepare(self):
        return self.run

    @staticmethod
    def run(item: int) -> int:
        if item < 0:
            os._exit(70)
        return item * item


class FailingOnNegatives(Executor):
    """An executor whose task fails (as Dask's KilledWorker does) when its batch holds a negative number."""

    def submit(self, fn, /, *args, **kwargs):
        future: Future = Future()
        if any(item < 0 for _, item in args[0]):
            future.set_exception(RuntimeError("worker lost"))
        else:
            future.set_result(fn(*args, **kwargs))
        return future


def test_a_failing_batch_is_rerun_file_by_file_and_only_the_culprit_is_a_crash():
    pairs = [(Square(), n) for n in [1, 2, -3, 4, 5]]
    results = parallel.map_in_order(pairs, executor=FailingOnNegatives(), on_crash=lambda i, r: ("crash", i, r))
    assert results[:2] == [1, 4] and results[3:] == [16, 25]
    assert results[2][:2] == ("crash", -3) and "worker lost" in results[2][2]


def test_the_send_bytes_item_carries_the_bytes_and_the_report_names_the_callers_path(tmp_path):
    corpus = letters_copy(tmp_path, copies=1)
    file = corpus / "part0" / "no-paragraph.xml"
    work = CheckFiles(load_schemas(rng=[SCHEMAS / "letter.rng"]), None)
    expected = work.prepare()(file)
    sent = pickle.loads(pickle.dumps(SentFile(file)))
    file.unlink()  # the worker never sees the caller's file
    report = CheckSentFiles(work).prepare()(sent)
    assert report == expected and not report.valid and all(p.path == str(file) for p in report.problems)


def test_send_bytes_through_an_executor_gives_the_same_report(tmp_path):
    corpus = letters_copy(tmp_path)
    schemas = load_schemas(rng=[SCHEMAS / "letter.rng"])
    expected = validate_paths([corpus], schemas, jobs=1)
    executor = RecordingExecutor()
    assert validate_paths([corpus], schemas, executor=executor, send_bytes=True) == expected
    assert all(isinstance(item, SentFile) and item.data == item.path.read_bytes() for item in executor.items)


def test_an_unknown_executor_and_a_missing_dask_are_one_line_and_exit_2(tmp_path, monkeypatch):
    result = CliRunner().invoke(cli, ["validate", str(LETTERS), "--executor", "spark"])
    assert result.exit_code == 2 and "unknown executor 'spark'" in result.output
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed raises ImportError
    result = CliRunner().invoke(cli, ["validate", str(LETTERS), "--executor", "dask"])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0 and "pip install 'teikit[dask]'" in result.output


# --------------------------------------------------------------------------- the verdict cache


def run_cached(corpus: Path, schema: Path, cache: Path) -> tuple[object, list]:
    executor = RecordingExecutor()
    verdicts = VerdictCache(cache)
    report = validate_paths([corpus], load_schemas(schemas=[schema]), executor=executor, verdicts=verdicts)
    verdicts.save()
    return report, executor.items


def test_changed_only_checks_the_changed_files_and_reports_all(tmp_path):
    corpus = letters_copy(tmp_path)
    schema = SCHEMAS / "letter.rng"
    cache = tmp_path / "cache" / "verdicts.json"
    full, checked = run_cached(corpus, schema, cache)
    assert len(checked) == 12
    again, checked = run_cached(corpus, schema, cache)
    assert again == full and checked == []
    edited = corpus / "part1" / "good.xml"
    edited.write_text(edited.read_text().replace("<p>", "<q>", 1).replace("</p>", "</q>", 1))
    after, checked = run_cached(corpus, schema, cache)
    assert checked == [edited]
    assert after == validate_paths([corpus], load_schemas(rng=[schema]), jobs=1)
    assert not next(f for f in after.files if f.path == str(edited)).valid


def test_a_change_in_an_included_schema_file_invalidates_every_verdict(tmp_path):
    corpus = letters_copy(tmp_path, copies=1)
    schema = schema_copy(tmp_path)
    cache = tmp_path / "verdicts.json"
    before, checked = run_cached(corpus, schema, cache)
    assert len(checked) == 4 and run_cached(corpus, schema, cache)[1] == []
    included = schema.parent / "letter.rng"  # the including file is unchanged
    included.write_text(
        included.read_text().replace(
            '<oneOrMore><ref name="p"/></oneOrMore>', '<zeroOrMore><ref name="p"/></zeroOrMore>'
        )
    )
    after, checked = run_cached(corpus, schema, cache)
    assert len(checked) == 4
    assert after != before and after == validate_paths([corpus], load_schemas(rng=[schema]), jobs=1)


def test_other_options_and_teikits_version_are_in_the_key(tmp_path, monkeypatch):
    corpus = letters_copy(tmp_path, copies=1)
    cache = tmp_path / "verdicts.json"
    run_cached(corpus, SCHEMAS / "letter.rng", cache)
    assert len(run_cached(corpus, SCHEMAS / "letter.xsd", cache)[1]) == 4
    run_cached(corpus, SCHEMAS / "letter.rng", cache)
    monkeypatch.setattr("teikit.validate.verdicts.__version__", "99.0")
    assert len(run_cached(corpus, SCHEMAS / "letter.rng", cache)[1]) == 4


@pytest.mark.parametrize("damage", ["garbage", "tampered", "truncated", "other-format"])
def test_a_damaged_cache_is_ignored_and_rebuilt_never_trusted(tmp_path, damage):
    corpus = letters_copy(tmp_path, copies=1)
    schema = SCHEMAS / "letter.rng"
    cache = tmp_path / "verdicts.json"
    full, _ = run_cached(corpus, schema, cache)
    document = json.loads(cache.read_text())
    if damage == "garbage":
        cache.write_bytes(b"\x00\xffnot json")
    elif damage == "truncated":
        cache.write_text(cache.read_text()[:-20])
    elif damage == "other-format":
        document["format"] = 0
        cache.write_text(json.dumps(document))
    else:  # every invalid file made valid, the checksum left as it was
        document["entries"] = {key: [] for key in document["entries"]}
        cache.write_text(json.dumps(document))
    assert VerdictCache(cache).warning is not None
    again, checked = run_cached(corpus, schema, cache)
    assert again == full and len(checked) == 4
    assert VerdictCache(cache).warning is None and run_cached(corpus, schema, cache)[1] == []


def test_the_cli_changed_only_reports_every_file_and_no_cache_checks_all(tmp_path):
    corpus = letters_copy(tmp_path)
    cache = tmp_path / "v.json"
    base = ["validate", str(corpus), "--schema", str(SCHEMAS / "letter.rng"), "--format", "json", "-j", "1"]
    plain = CliRunner().invoke(cli, base)
    first = CliRunner().invoke(cli, [*base, "--changed-only", "--verdict-cache", str(cache)])
    second = CliRunner().invoke(cli, [*base, "--changed-only", "--verdict-cache", str(cache)])
    assert plain.exit_code == first.exit_code == second.exit_code == 1
    assert plain.stdout == first.stdout == second.stdout
    cache.write_text("{}")
    ignored = CliRunner().invoke(cli, [*base, "--changed-only", "--verdict-cache", str(cache), "--no-cache"])
    assert ignored.stdout == plain.stdout and cache.read_text() == "{}"
    refused = CliRunner().invoke(cli, [*base, "--changed-only", "--verdict-cache", str(cache), "--xinclude"])
    assert refused.exit_code == 2 and "--changed-only" in refused.output


def test_two_runs_saving_at_once_leave_one_whole_cache(tmp_path):
    corpus = letters_copy(tmp_path, copies=1)
    cache = tmp_path / "verdicts.json"
    runs = [VerdictCache(cache), VerdictCache(cache)]
    for verdicts in runs:
        validate_paths([corpus], load_schemas(rng=[SCHEMAS / "letter.rng"]), jobs=1, verdicts=verdicts)
    runs[0].save()
    runs[1].save()
    assert VerdictCache(cache).warning is None
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


# --------------------------------------------------------------------------- progress


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_silent_when_not_a_terminal_or_quiet(tmp_path):
    files = sorted(LETTERS.glob("*.xml"))
    for progress, stream in [
        (Progress(stream=(s := io.StringIO())), s),
        (Progress(enabled=False, stream=(t := FakeTerminal())), t),
    ]:
        with progress:
            progress.start(files)
            for file in files:
                progress.done(str(file))
        assert stream.getvalue() == ""


def test_progress_on_a_terminal_shows_files_rate_and_time_left():
    files = sorted(LETTERS.glob("*.xml"))
    stream = FakeTerminal()
    with Progress(stream=stream, interval=0) as progress:
        progress.start(files)
        for file in files:
            progress.done(str(file))
        shown = stream.getvalue()
    assert f"{len(files)}/{len(files)} files" in shown and "B/s" in shown and "<" in shown


# --------------------------------------------------------------------------- a real Dask cluster


distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def dask_executor():
    import dask

    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        cluster = distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
            silence_logs=50,
        )
        with cluster, distributed.Client(cluster) as client:
            yield client.get_executor()


@pytest.mark.slow
def test_dask_gives_the_same_reports_as_the_process_pool(tmp_path, dask_executor):
    corpus = letters_copy(tmp_path)
    schemas = load_schemas(rng=[SCHEMAS / "letter.rng"], schematron=[SCHEMAS / "warning.sch"])
    expected = validate_paths([corpus], schemas, jobs=2)
    assert validate_paths([corpus], schemas, executor=dask_executor) == expected
    assert validate_paths([corpus], schemas, executor=dask_executor, send_bytes=True) == expected


@pytest.mark.slow
def test_dask_renders_the_same_bytes_as_the_process_pool(tmp_path, dask_executor):
    files = sorted((REPO / "edition").glob("*.xml")) + sorted((REPO / "tests" / "fixtures").glob("render/*.xml"))
    render_many(files, tmp_path / "pool", jobs=2)
    report = render_many(files, tmp_path / "dask", executor=dask_executor)
    assert not report.failures
    made = sorted(p.name for p in (tmp_path / "pool").iterdir())
    assert made == sorted(p.name for p in (tmp_path / "dask").iterdir())
    for name in made:
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "pool" / name).read_bytes(), name


@pytest.mark.slow
def test_a_file_that_kills_its_dask_worker_twice_is_an_error_naming_it_and_the_run_goes_on(dask_executor):
    pairs = [(KillOn(), n) for n in [1, 2, 3, -4, 5, 6]]
    results = parallel.map_in_order(pairs, executor=dask_executor, on_crash=lambda item, reason: (item, reason))
    assert results[:3] == [1, 4, 9] and results[4:] == [25, 36]
    item, reason = results[3]
    assert item == -4 and "died" in reason


@pytest.mark.slow
def test_the_cli_on_a_local_dask_cluster_writes_the_same_report_byte_for_byte(tmp_path):
    corpus = letters_copy(tmp_path)
    base = ["validate", str(corpus), "--schema", str(SCHEMAS / "letter.rng")]
    for format_name in ("json", "junit"):
        pool = CliRunner().invoke(cli, [*base, "--format", format_name, "-j", "2"])
        dask_run = CliRunner().invoke(cli, [*base, "--format", format_name, "-j", "2", "--executor", "dask"])
        assert dask_run.exit_code == pool.exit_code == 1
        assert dask_run.stdout == pool.stdout


def test_export_hands_its_files_to_the_callers_executor_and_writes_the_same_bytes(tmp_path):
    from teikit.export import ExportFiles, export_files

    files = sorted((REPO / "edition").glob("*.xml")) + [REPO / "tests" / "fixtures" / "render" / "features.xml"]
    files = [file for file in files if file.is_file()]
    executor = RecordingExecutor()
    plain = export_files(files, ["json", "csv"], tmp_path / "plain", jobs=1)
    through = export_files(files, ["json", "csv"], tmp_path / "executor", executor=executor)
    assert sorted(map(str, executor.items)) == sorted(map(str, files))
    assert all(isinstance(work, ExportFiles) for work in executor.works)
    assert [p.name for p in plain.written] == [p.name for p in through.written] and plain.written
    for made in plain.written:
        assert (tmp_path / "executor" / made.name).read_bytes() == made.read_bytes()


def test_an_export_error_in_a_worker_is_the_same_one_line_and_nothing_is_written(tmp_path):
    bare = tmp_path / "bare.xml"
    bare.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>No names.</p></body></text></TEI>')
    good = REPO / "edition" / "workers-group-manifesto-1.xml"
    base = ["export", str(good), str(bare), "--format", "gexf", "-o", str(tmp_path / "out")]
    alone = CliRunner().invoke(cli, [*base, "-j", "1"])
    pooled = CliRunner().invoke(cli, [*base, "-j", "2"])
    assert alone.exit_code == pooled.exit_code == 1
    assert alone.output == pooled.output and "bare.xml" in pooled.output
    assert not (tmp_path / "out").exists()


def test_a_run_that_keeps_only_files_with_problems_formats_text_and_github_the_same(tmp_path):
    from teikit.validate.formats import format_report

    corpus = letters_copy(tmp_path)
    (corpus / "teikit.toml").write_text(f'[validate]\nschemas = ["{SCHEMAS / "letter.rng"}"]\n')
    shutil.copytree(REPO / "edition", tmp_path / "edition")  # a second group of files, judged by xml-model
    full = validate_paths([corpus, tmp_path / "edition"], jobs=1)
    kept = validate_paths([corpus, tmp_path / "edition"], jobs=1, keep=lambda report: bool(report.problems))
    assert len(kept.files) < len(full.files) and kept.file_count == full.file_count
    assert kept.schema_groups() == full.schema_groups() and len(full.schema_groups()) == 2
    for format_name in ("text", "github"):
        assert format_report(kept, format_name) == format_report(full, format_name)


@dataclass(frozen=True)
class CountedSquare:
    """Squares; counts how often it is unpickled and prepared in this process (the test's own state)."""

    offset: int = 0
    unpickled: ClassVar[list] = []  # the test's counters, shared on purpose
    prepared: ClassVar[list] = []

    def __setstate__(self, state):
        CountedSquare.unpickled.append(1)
        object.__setattr__(self, "offset", state["offset"])

    def prepare(self):
        CountedSquare.prepared.append(1)
        return lambda item: item * item


def test_a_callers_executor_unpickles_and_prepares_each_work_once_per_worker_thread(monkeypatch):
    monkeypatch.setattr(parallel, "BATCH_ITEMS", 2)
    CountedSquare.unpickled.clear()
    CountedSquare.prepared.clear()
    executor = RecordingExecutor()
    results = parallel.map_in_order(
        [(CountedSquare(), n) for n in range(20)], executor=executor, on_crash=lambda i, r: None
    )
    assert results == [n * n for n in range(20)] and len(executor.calls) == 10
    assert len(CountedSquare.prepared) == 1 and len(CountedSquare.unpickled) == 1


def test_a_symbolic_link_takes_the_configuration_of_its_targets_folder(tmp_path):
    """The chooser resolves folders once each; a link to a file elsewhere still counts where the file is."""
    from teikit.validate.choose import Chooser

    project = tmp_path / "project"
    project.mkdir()
    (project / "teikit.toml").write_text(f'[validate]\nschemas = ["{SCHEMAS / "letter.rng"}"]\n')
    shutil.copy(LETTERS / "good.xml", project / "good.xml")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "link.xml").symlink_to(project / "good.xml")
    shutil.copy(LETTERS / "good.xml", elsewhere / "plain.xml")
    chooser = Chooser()
    assert chooser.config_for(project / "good.xml") is not None
    assert chooser.config_for(elsewhere / "plain.xml") is None
    assert chooser.config_for(elsewhere / "link.xml") == chooser.config_for(project / "good.xml")
