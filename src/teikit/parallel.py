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

A caller's executor gets batches of consecutive items sized by their cost (``order``: bytes), at most
:data:`IN_FLIGHT` batches submitted at a time, results handed on in the order of the items as they come: the
caller holds a bounded number of results whatever the size of the run (see :func:`_in_executor`).

A worker process that dies (a crash in C code, a kill) breaks the pool: the files it was working on are run
again one at a time in a fresh single-worker pool, so the file that kills its worker is found and reported
through ``on_crash`` while every other file still gets its result.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import threading
from collections.abc import Callable, Hashable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Generic, Protocol, TypeVar

from .errors import UsageError

Item = TypeVar("Item")

# Works compiled in this thread, by the work itself (works are hashable; see Work).
_PREPARED = threading.local()
# How many prepared works a thread keeps: a caller's long-lived executor serves run after run, and each
# run's work holds compiled schemas; the oldest are let go.
KEEP_PREPARED = 4
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
        while len(cache) > KEEP_PREPARED and getattr(_PREPARED, "by_index", None) is None:
            del cache[next(iter(cache))]
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
    # When a worker dies, the pool terminates the others (SIGTERM): make that an exception, so that a file
    # being written is cleaned up by the atomic writer instead of leaving its temporary file behind.
    signal.signal(signal.SIGTERM, _stop)
    cache = _PREPARED.works = {}
    _PREPARED.by_index = works
    for work in works:
        try:
            cache[work] = work.prepare()
        except Exception as exc:
            cache[work] = _Failed(exc)


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


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
    collect: bool = True,
) -> list[Any]:
    """Run every ``(work, item)``; the results in the order of ``pairs``, ``on_result`` called in that order.

    ``on_crash(item, reason)`` makes the result of an item whose worker died or raised an unexpected
    exception. ``order`` (a cost, e.g. the file size) submits the costliest items first in a pool, so that
    no worker is left with a run of big ones at the end; results stay in the order of ``pairs``.
    ``collect=False`` keeps no list of results (an empty list is returned): ``on_result`` has them all.
    """
    pairs = list(pairs)
    jobs = default_jobs() if jobs is None else max(1, jobs)
    if executor is None and (jobs == 1 or len(pairs) <= 1):
        raw: Iterator[object] = _in_this_process(pairs)
    elif executor is not None:
        raw = _in_executor(pairs, executor, order)
    else:
        raw = _in_pool(pairs, jobs, executor, order)
    results: list[Any] = []
    for (_, item), outcome in zip(pairs, raw, strict=True):
        result = on_crash(item, outcome.reason) if isinstance(outcome, Crash) else outcome
        if collect:
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


def _own_pool(jobs: int, works: tuple) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context(START_METHOD),
        initializer=_initialise,
        initargs=(works,),
    )


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
    pool: Executor = executor or _own_pool(min(jobs, len(batches)), works)
    results: dict[int, object] = {}
    position = 0
    suspects: list[tuple[int, tuple]] = []
    try:
        index_of = {work: number for number, work in enumerate(works)}
        futures: list[tuple[list, Future]] = [
            (batch, pool.submit(_run_batch, [(index_of[work] if own else work, item) for _, (work, item) in batch]))
            for batch in batches
        ]
        for batch, future in futures:
            try:
                for (index, _), outcome in zip(batch, future.result(), strict=True):
                    results[index] = outcome
            except UsageError:
                raise
            except BrokenProcessPool:
                suspects.extend(batch)  # some worker died: which file killed it is found below
            except Exception as exc:  # a caller's executor failed in its own way (a lost worker, a timeout…)
                if own:
                    raise
                for index, (_, item) in batch:
                    results[index] = Crash(item, f"the executor failed on this file: {type(exc).__name__}: {exc}")
            while position in results:
                yield results.pop(position)
                position += 1
    finally:
        if own:
            pool.shutdown(wait=True, cancel_futures=True)
    if own:
        results.update(_rerun(sorted(suspects), works, jobs))
    else:  # not ours, so not ours to start again
        results.update(
            (index, Crash(item, "the executor's worker stopped while working on this file"))
            for index, (_, item) in suspects
        )
    while position in results:
        yield results.pop(position)
        position += 1


def _rerun(suspects: list[tuple[int, tuple]], works: tuple, jobs: int) -> Iterator[tuple[int, object]]:
    """Run again the items a dead worker may have held, until each has a result or is known to kill.

    Each round runs the remaining items one per task in a fresh pool; the items that complete are done.
    A round that completes none runs its first item alone: if that kills its worker, it is the culprit
    (and if compiling its work alone kills a worker, so is every item of that work).
    """
    index_of = {work: number for number, work in enumerate(works)}
    remaining = suspects
    fatal: set = set()  # works whose compilation alone kills a worker: no item of theirs can be checked
    while remaining:
        for index, (_, item) in [entry for entry in remaining if entry[1][0] in fatal]:
            yield index, Crash(item, "the worker process died while compiling the schemas for this file")
        remaining = [entry for entry in remaining if entry[1][0] not in fatal]
        if not remaining:
            return
        still: list[tuple[int, tuple]] = []
        with _own_pool(min(jobs, len(remaining)), works) as pool:
            futures = [(entry, pool.submit(_run_batch, [(index_of[entry[1][0]], entry[1][1])])) for entry in remaining]
            for entry, future in futures:
                try:
                    yield entry[0], future.result()[0]
                except BrokenProcessPool:
                    still.append(entry)
        if len(still) == len(remaining):  # no progress: try the first alone
            (index, (work, item)), still = still[0], still[1:]
            outcome, compiles = _alone(work, item)
            if not compiles:
                fatal.add(work)
            yield index, outcome
        remaining = still


def _alone(work: Work, item: object) -> tuple[object, bool]:
    """An item's outcome in a worker of its own, and whether its work compiles without killing a worker."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context(START_METHOD)) as pool:
        try:
            pool.submit(_warm, work).result()
        except BrokenProcessPool:
            return Crash(item, "the worker process died while compiling the schemas for this file"), False
        try:
            return pool.submit(_run_one, work, item).result(), True
        except BrokenProcessPool:
            return Crash(item, "the worker process died while working on this file"), True


# A caller's executor (a Dask cluster): how much work one task carries, and how many tasks are out at once.
# A task costs the scheduler about a millisecond, a small TEI file about as much to check: batches of a few
# hundred kilobytes keep the scheduler's share small, and a bounded number of them out keeps the caller's
# memory flat for a million files (results wait only for the slowest of the batches out).
BATCH_BYTES = 512 * 1024
BATCH_ITEMS = 64
IN_FLIGHT = 64


def cost_batches(pairs: Sequence[tuple], cost: Callable[[Any], int] | None) -> Iterator[list[tuple[int, tuple]]]:
    """Consecutive ``(index, pair)`` in batches of at most BATCH_ITEMS items and about BATCH_BYTES of cost."""
    batch: list[tuple[int, tuple]] = []
    spent = 0
    for index, pair in enumerate(pairs):
        weight = cost(pair[1]) if cost is not None else 0
        if batch and (len(batch) >= BATCH_ITEMS or spent + weight > BATCH_BYTES):
            yield batch
            batch, spent = [], 0
        batch.append((index, pair))
        spent += weight
    if batch:
        yield batch


def _in_executor(pairs: list[tuple[Work, object]], executor: Executor, cost: Callable | None) -> Iterator[object]:
    """Results in the order of ``pairs``, from batches run by the caller's executor, IN_FLIGHT at most at once.

    A batch whose task fails in the executor (its worker died, twice for Dask) is run again one item per task,
    so that the item that kills is the only one reported, as a Crash naming it, and the others get their results.
    """
    from collections import deque

    batches = cost_batches(pairs, cost)
    out: deque[tuple[list, Future]] = deque()
    refs: dict[Hashable, WorkRef] = {}

    def submit_next() -> bool:
        batch = next(batches, None)
        if batch is None:
            return False
        tasks = [(_ref(refs, work), item) for _, (work, item) in batch]
        out.append((batch, executor.submit(_run_batch, tasks)))
        return True

    while len(out) < IN_FLIGHT and submit_next():
        pass
    while out:
        batch, future = out.popleft()
        try:
            outcomes = future.result()
        except UsageError:
            raise
        except Exception as exc:
            submit_next()
            if len(batch) > 1:
                outcomes = [_alone_in_executor(executor, pair) for _, pair in batch]
            else:
                outcomes = [Crash(batch[0][1][1], _executor_failure(exc))]
        else:
            submit_next()  # one out of the way: the next one in
        yield from outcomes


def _ref(refs: dict[Hashable, WorkRef], work: Hashable) -> WorkRef:
    ref = refs.get(work)
    if ref is None:
        ref = refs[work] = WorkRef(pickle.dumps(work))
    return ref


class WorkRef:
    """A work as it travels to a caller's executor: its pickled bytes, unpickled only by a worker that has not
    prepared it yet.

    Unpickling a work can cost as much as loading its schemas (a RelaxNGSchema reads its grammar file), and an
    executor such as Dask's sends a task's arguments with every task: without this, every batch would pay it.
    Equal (and hashed) by its bytes, so that a worker's prepared functions (per thread) are found by them.
    """

    def __init__(self, payload: bytes) -> None:
        self.payload = payload

    def __hash__(self) -> int:
        return hash(self.payload)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WorkRef) and other.payload == self.payload

    def prepare(self) -> Callable[[Any], Any]:
        return pickle.loads(self.payload).prepare()


def _alone_in_executor(executor: Executor, pair: tuple[Work, object]) -> object:
    work, item = pair
    try:
        return executor.submit(_run_batch, [(WorkRef(pickle.dumps(work)), item)]).result()[0]
    except UsageError:
        raise
    except Exception as exc:
        return Crash(pair[1], _executor_failure(exc))


def _executor_failure(exc: Exception) -> str:
    if type(exc).__name__ == "KilledWorker":  # Dask: every worker that ran it died
        return "the worker processes that ran this file died (twice); the file may crash the validator"
    return f"the executor failed on this file: {type(exc).__name__}: {exc}"
