"""Where the build's jobs run: in this process, in a pool of forked processes, or on a Dask
cluster (a local one, ``local:N``, or a running scheduler, ``tcp://host:8786``).

Every runner takes the jobs as a stream, keeps a bounded number of batches in flight (so a
corpus of millions of documents is never held in memory), and gives the results back in the
jobs' order, which is what makes a distributed build byte-identical to a single-process one:
each job is a pure function of its document and the seed (see :func:`harness.corpus.build.process`).

Dask, not Ray: it installs from PyPI alone (``pip install "spinbench[distributed]"``), a
``LocalCluster`` needs no head node or daemon (so CI tests the same code path a real cluster
runs), and ``Client("tcp://...")`` reaches an existing cluster (``dask-scheduler`` /
``dask-worker``, dask-jobqueue on SLURM, dask-kubernetes, Coiled) with no change.

>>> list(run_jobs(abs, [-1, 2, -3], Runner()))
[1, 2, 3]
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import TypeVar

from harness.core.errors import SpinbenchError
from harness.core.progress import progress

J = TypeVar("J")
R = TypeVar("R")
BATCH = 4  # jobs sent to a worker at a time
CONNECT_TIMEOUT_S = 5  # a scheduler that does not answer by then is not there (Dask's default waits 30 s)
IN_FLIGHT = 8  # batches per worker queued or running at once


@dataclass(frozen=True)
class Runner:
    """``num_proc`` forked processes (1: this process), or ``dask``: ``local:N`` or a scheduler's address."""

    num_proc: int = 1
    dask: str | None = None

    def __post_init__(self):
        if self.num_proc < 1:
            raise SpinbenchError(f"--num-proc {self.num_proc}: give a number of processes, 1 or more")
        if self.dask:
            local_workers(self.dask)  # a bad spec fails now, not after the sources are planned

    def describe(self) -> str:
        if self.dask:
            return f"dask {self.dask}"
        return f"{self.num_proc} process(es)"


def single_threaded_blas() -> None:
    """Limit numpy's BLAS to one thread in this process. The GloVe engines rank neighbours with
    one matrix-vector product per word; OpenBLAS splits it over threads that then fight the
    build's own processes for the cores (8 ms a product on 2 busy cores against 1.2 ms on one
    thread). Threads split the rows, not the sums, so the products are the same bits."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)


_blas_limited = False


def _apply(fn: Callable[[J], R], batch: list[J]) -> list[R]:
    global _blas_limited
    if not _blas_limited:
        single_threaded_blas()
        _blas_limited = True
    return [fn(job) for job in batch]


def _batches(jobs: Iterable[J], size: int) -> Iterator[list[J]]:
    it = iter(jobs)
    while batch := list(islice(it, size)):
        yield batch


def _ordered(submit: Callable[[list[J]], Callable[[], list[R]]], jobs: Iterable[J], in_flight: int) -> Iterator[R]:
    """Submit batches, at most ``in_flight`` outstanding, and yield their results in order."""
    pending: deque = deque()
    for batch in _batches(jobs, BATCH):
        pending.append(submit(batch))
        if len(pending) >= in_flight:
            yield from pending.popleft()()
    while pending:
        yield from pending.popleft()()


def local_workers(spec: str) -> int | None:
    """N for ``local:N``; None for a scheduler's address; a clear error for anything else."""
    if spec.startswith("local:"):
        n = spec.partition(":")[2]
        if not n.isdigit() or int(n) < 1:
            raise SpinbenchError(f"--dask {spec}: give local:N with N a number of workers, 1 or more")
        return int(n)
    if "://" not in spec:
        raise SpinbenchError(f"--dask {spec}: give local:N or a scheduler address such as tcp://host:8786")
    return None


def dask_client(spec: str):
    """A ``distributed.Client`` for ``local:N`` (a new local cluster of N worker processes) or an address."""
    import logging

    try:
        from distributed import Client, LocalCluster
    except ImportError as err:
        raise SpinbenchError('--dask needs Dask: pip install "spinbench[distributed]"') from err
    workers = local_workers(spec)
    if workers is None:
        try:
            return Client(spec, timeout=CONNECT_TIMEOUT_S)
        except (OSError, TimeoutError) as err:
            raise SpinbenchError(f"--dask {spec}: no scheduler answered within {CONNECT_TIMEOUT_S} s ({err.__class__.__name__}); "
                                 "start one (dask-scheduler) or give local:N") from err
    # Workers' own logs off: a failed job reaches the build as its exception, and a worker's
    # heartbeat meeting the closed scheduler at shutdown is not worth a traceback.
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.CRITICAL)
    return Client(cluster)


def _run_dask(fn: Callable[[J], R], jobs: Iterable[J], spec: str) -> Iterator[R]:
    client = dask_client(spec)
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        yield from _ordered(lambda batch: client.submit(_apply, fn, batch, pure=False).result, jobs, IN_FLIGHT * workers)
    finally:
        cluster = getattr(client, "cluster", None)
        client.close()
        if cluster is not None:
            cluster.close()


def _ignore_interrupts() -> None:
    """A worker leaves Ctrl-C to the building process, which stops the pool."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_pool(fn: Callable[[J], R], jobs: Iterable[J], num_proc: int) -> Iterator[R]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # fork shares the engines' tables (warmed in the parent) with the workers. A worker that dies
    # (killed, out of memory) breaks the pool, which fails the build at once rather than leaving
    # it waiting for a batch that will never come back.
    pool = ProcessPoolExecutor(num_proc, mp_context=multiprocessing.get_context("fork"), initializer=_ignore_interrupts)
    try:
        yield from _ordered(lambda batch: pool.submit(_apply, fn, batch).result, jobs, IN_FLIGHT * num_proc)
    except BrokenProcessPool as err:
        raise SpinbenchError("a build worker process died before it finished its documents (was it killed, or out of memory?); "
                             "nothing was written: run the build again, with fewer processes (--num-proc) if memory is short") from err
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    # Workers let go, not killed: each ends normally and runs its exit hooks (multiprocessing's
    # Finalize), which keep what it looked up for the next build (harness.core.glove.NeighbourLists).
    pool.shutdown(wait=True)


def run_jobs(fn: Callable[[J], R], jobs: Iterable[J], runner: Runner, total: int | None = None, desc: str = "") -> Iterator[R]:
    """``fn(job)`` for every job, in the jobs' order, on ``runner``, with a progress bar when
    ``total`` is given."""
    if runner.dask:
        results = _run_dask(fn, jobs, runner.dask)
    elif runner.num_proc > 1:
        results = _run_pool(fn, jobs, runner.num_proc)
    else:
        results = (r for batch in _batches(jobs, BATCH) for r in _apply(fn, batch))
    if total is None:
        yield from results
        return
    with progress(total, desc, "doc", watch=runner.num_proc <= 1 or bool(runner.dask)) as bar:  # no thread where workers are forked
        for result in results:
            bar.update()
            yield result
