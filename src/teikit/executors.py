"""Where a run's files are checked: this process, a local process pool, or a Dask cluster.

``--executor`` names one of them; this module turns the name into what :func:`teikit.parallel.map_in_order`
takes (``None`` for its own process pool, or a ``concurrent.futures.Executor``):

* ``local`` (the default): teikit's own pool of worker processes (``--jobs`` of them; 1: this process);
* ``dask``: a Dask ``LocalCluster`` started for the run, on loopback (127.0.0.1) only, one single-threaded
  worker process per job, its HTTP endpoint on loopback too (a free port); closed when the run ends;
* ``dask://HOST:PORT``: the scheduler of an existing Dask cluster (``tcp://HOST:PORT``).

Dask is reached only through its ``concurrent.futures`` face (``Client.get_executor()``), so the run is the same
code whichever executor runs it. Dask is optional (``pip install 'teikit[dask]'``) and imported only here, only
when asked for. Workers must be able to read the files (a shared file system) unless the caller sends their
bytes (``--send-bytes``); the schemas and stylesheets are read by path on the workers in both cases.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from concurrent.futures import Executor

from .errors import UsageError

LOCAL = "local"
DASK = "dask"
DASK_PREFIX = "dask://"
INSTALL_HINT = "pip install 'teikit[dask]'"
# A task whose worker dies is run again once elsewhere; a second death makes it an error of its files
# (Dask's KilledWorker), which the run reports and goes on.
ALLOWED_FAILURES = 1


def check_spec(spec: str | None) -> str:
    """The executor's name, normalised; an unknown one is a usage error."""
    spec = (spec or LOCAL).strip()
    if spec in (LOCAL, DASK) or (spec.startswith(DASK_PREFIX) and len(spec) > len(DASK_PREFIX)):
        return spec
    raise UsageError(f"unknown executor '{spec}'", hint="use local, dask (a local Dask cluster) or dask://HOST:PORT")


def _distributed():
    try:
        import distributed
    except ImportError:
        raise UsageError(
            "--executor dask needs Dask distributed, which is not installed", hint=f"run {INSTALL_HINT}"
        ) from None
    return distributed


@contextlib.contextmanager
def open_executor(spec: str | None, jobs: int | None = None) -> Iterator[Executor | None]:
    """The executor a run uses while the block runs (None: teikit's own process pool), closed after it."""
    spec = check_spec(spec)
    if spec == LOCAL:
        yield None
        return
    distributed = _distributed()
    import dask

    with dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES}):
        if spec == DASK:
            from .parallel import default_jobs

            cluster = distributed.LocalCluster(
                n_workers=jobs or default_jobs(),
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address="127.0.0.1:0",
                silence_logs=50,
            )
            with cluster, distributed.Client(cluster) as client:
                yield client.get_executor()
        else:
            address = "tcp://" + spec[len(DASK_PREFIX) :]
            try:
                client = distributed.Client(address, timeout=10)
            except OSError as exc:
                raise UsageError(
                    f"cannot reach the Dask scheduler at {address}: {exc}",
                    hint="check the address and that the scheduler is running",
                ) from None
            with client:
                yield client.get_executor()
