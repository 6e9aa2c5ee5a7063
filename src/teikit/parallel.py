"""One parallel map over files, shared by validate and render: results in file order, a crash is a result.

A run is a list of ``(work, item)`` pairs. ``work`` describes what to do (which schemas, which stylesheets)
and is compiled once per worker by :meth:`Work.prepare`; the prepared function is then called on each item.

* ``jobs=1`` (or one item) runs in this process, with no pool at all.
* Otherwise a ``concurrent.futures.ProcessPoolExecutor`` started with "spawn" (the same on Linux, macOS and
  Windows; nothing is forked from the caller, so it is safe from threads and notebooks). Its workers are
  initialised with the run's works, so each compiles its schemas or stylesheets once, before its first file.
* A caller may pass any ``concurrent.futures.Executor`` instead (a thread pool, a cluster's executor): batches
  of items are submitted to it with the work they need, and prepared once per worker thread or process.

Prepared works are kept per thread (``threading.local``), never in a module global that two runs would share,
so two threads running validations at once each get their own.

A worker process that dies (a crash in C code, a kill) breaks the pool: the files it was working on are run
again one at a time in a fresh single-worker pool, so the file that kills its worker is found and reported
through ``on_crash`` while every other file still gets its result.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Hashable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Generic, Protocol, TypeVar

from .errors import UsageError

Item = TypeVar("Item")

# Works compiled in this thread, by the work itself (works are hashable; see Work).
_PREPARED = threading.local()
# "spawn" everywhere: the workers start from a fresh interpreter, so the caller's threads, locks and open files
# are never copied into them, and the behaviour is the one macOS and Windows have anyway.
START_METHOD = "spawn"


class Work(Protocol):
    """What to do with each item: hashable and picklable, compiled once per worker by ``prepare``."""

    def __hash__(self) -> int: ...

    def prepare(self) -> Callable[[Any], Any]: ...


class Crash(Generic[Item]):
    """An item whose worker died or raised something that is not a teikit error."""

    def __init__(self, item: Item, reason: str) -> None:
        self.item = item
        self.reason = reason


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _prepared(work: Hashable) -> Callable:
    cache = getattr(_PREPARED, "works", None)
    if cache is None:
        cache = _PREPARED.works = {}
    function = cache.get(work)
    if function is None:
        function = cache[work] = work.prepare()  # type: ignore[attr-defined]
    if isinstance(function, _Failed):
        raise function.error
    return function


class _Failed:
    """A work whose preparation raised in the initializer: its first task raises the same error."""

    def __init__(self, error: Exception) -> None:
        self.error = error


def _initialise(works: tuple) -> None:
    """Compile every work once, when the worker starts (an error is kept for the first task to raise:
    an initializer that raises only breaks the pool, and the error's message would be lost).

    The works arrive here once per worker; tasks then name them by their index in ``works``, so that
    a batch does not carry (and unpickle) the schemas again."""
    cache = _PREPARED.works = {}
    _PREPARED.by_index = works
    for work in works:
        try:
            cache[work] = work.prepare()
        except Exception as exc:
            cache[work] = _Failed(exc)


def _warm(work: Hashable) -> bool:
    _prepared(work)
    return True


def _run_one(work: Work, item: object, prepared: Callable | None = None) -> object:
    """The item's result, or a Crash for anything but a usage error (which stops the run: a schema is broken)."""
    try:
        function = prepared if prepared is not None else _prepared(work)
        return function(item)
    except UsageError:
        raise
    except Exception as exc:  # a bug must not cost the other files their verdicts: report it on this file
        return Crash(item, f"{type(exc).__name__}: {exc}")


def _run_batch(batch: Sequence[tuple[Work | int, object]]) -> list[object]:
    """Each item's result; a work given as an int is the one of that index given to the initializer."""
    return [_run_one(_PREPARED.by_index[work] if isinstance(work, int) else work, item) for work, item in batch]


def _batches(pairs: Sequence[tuple], size: int) -> list[list[tuple]]:
    return [list(pairs[start : start + size]) for start in range(0, len(pairs), size)]


def batch_size(count: int, jobs: int) -> int:
    """Items per task: small enough to balance the workers, big enough to save on messages."""
    return max(1, min(32, count // (jobs * 8)))


def map_in_order(
    pairs: Sequence[tuple[Work, Any]],
    *,
    jobs: int | None = None,
    executor: Executor | None = None,
    on_result: Callable[[Any], None] | None = None,
    on_crash: Callable[[Any, str], Any],
    order: Callable[[Any], int] | None = None,
) -> list[Any]:
    """Run every ``(work, item)``; the results in the order of ``pairs``, ``on_result`` called in that order.

    ``on_crash(item, reason)`` makes the result of an item whose worker died or raised an unexpected
    exception. ``order`` (a cost, e.g. the file size) submits the costliest items first in a pool, so that
    no worker is left with a run of big ones at the end; results stay in the order of ``pairs``.
    """
    pairs = list(pairs)
    jobs = default_jobs() if jobs is None else max(1, jobs)
    if executor is None and (jobs == 1 or len(pairs) <= 1):
        raw: Iterator[object] = _in_this_process(pairs)
    else:
        raw = _in_pool(pairs, jobs, executor, order)
    results: list[Any] = []
    for (_, item), outcome in zip(pairs, raw, strict=True):
        result = on_crash(item, outcome.reason) if isinstance(outcome, Crash) else outcome
        results.append(result)
        if on_result:
            on_result(result)
    return results


def _in_this_process(pairs: list[tuple[Work, object]]) -> Iterator[object]:
    prepared: dict[Hashable, Callable] = {}  # local to this call: another thread's run has its own
    for work, item in pairs:
        if work not in prepared:
            prepared[work] = work.prepare()
        yield _run_one(work, item, prepared[work])


def _in_pool(
    pairs: list[tuple[Work, object]], jobs: int, executor: Executor | None, order: Callable | None
) -> Iterator[object]:
    """Results in the order of ``pairs``, from batches run in a pool (ours, or the caller's executor)."""
    indexed = list(enumerate(pairs))
    if order is not None:
        indexed.sort(key=lambda entry: order(entry[1][1]), reverse=True)
    size = 1 if order is not None else batch_size(len(pairs), jobs)
    batches = _batches(indexed, size)
    works = tuple(dict.fromkeys(work for work, _ in pairs))
    own = executor is None
    pool: Executor = executor or ProcessPoolExecutor(
        max_workers=min(jobs, len(batches)),
        mp_context=multiprocessing.get_context(START_METHOD),
        initializer=_initialise,
        initargs=(works,),
    )
    results: dict[int, object] = {}
    try:
        index_of = {work: number for number, work in enumerate(works)}
        futures: list[tuple[list, Future]] = [
            (batch, pool.submit(_run_batch, [(index_of[work] if own else work, item) for _, (work, item) in batch]))
            for batch in batches
        ]
        position = 0
        suspects: list[tuple[int, tuple]] = []
        for batch, future in futures:
            try:
                for (index, _), outcome in zip(batch, future.result(), strict=True):
                    results[index] = outcome
            except BrokenProcessPool:
                suspects.extend(batch)  # some worker died: who, is found below
            while position in results:
                yield results.pop(position)
                position += 1
    finally:
        if own:
            pool.shutdown(wait=True, cancel_futures=True)
    for index, outcome in _isolate(sorted(suspects), works, own):
        results[index] = outcome
    while position in results:
        yield results.pop(position)
        position += 1


def _isolate(suspects: list[tuple[int, tuple]], works: tuple, retry: bool) -> Iterator[tuple[int, object]]:
    """Run again, one at a time, the items a dead worker may have held; a new worker after each death."""
    pool: ProcessPoolExecutor | None = None
    dead_works: set = set()  # works whose compilation alone kills a worker: no file of theirs can be checked
    try:
        for index, (work, item) in suspects:
            if not retry:  # the caller's executor is broken: we do not own it, so cannot start it again
                yield index, Crash(item, "the executor's worker stopped while working on this file")
                continue
            if work in dead_works:
                yield index, Crash(item, "the worker process died while compiling the schemas for this file")
                continue
            if pool is None:
                pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context(START_METHOD))
                try:
                    pool.submit(_warm, work).result()
                except BrokenProcessPool:
                    dead_works.add(work)
                    pool.shutdown(wait=True)
                    pool = None
                    yield index, Crash(item, "the worker process died while compiling the schemas for this file")
                    continue
            try:
                yield index, pool.submit(_run_one, work, item).result()
            except BrokenProcessPool:
                yield index, Crash(item, "the worker process died while working on this file")
                pool.shutdown(wait=True)
                pool = None
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
