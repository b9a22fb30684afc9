"""Where write transactions run.

SQLite takes one writer at a time. Letting every worker thread of the pool try (and wait
on the lock, and hand the GIL back and forth) cost a quarter of the CPU of issuing a
ticket; one dedicated writer thread takes the writes in turn instead, while reads keep
the pool. And since a commit is the dearest part of a small write, the writer takes every
write that queued up while it was busy (up to `MAX_BATCH`) into one transaction, each in
its own savepoint: one failing is rolled back alone, and no answer leaves before the
commit that makes it true (group commit).

PostgreSQL writers run side by side in the pool, each in its own transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from anyio import to_thread

from server.db import Database

T = TypeVar("T")
MAX_BATCH = 64


@dataclass(eq=False)
class _Job:
    fn: Callable[..., Any]
    args: tuple[object, ...]
    future: asyncio.Future[Any]
    context: contextvars.Context = field(default_factory=contextvars.copy_context)


class Writer:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.single_thread = not db.is_postgres
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    async def run(self, fn: Callable[..., T], *args: object) -> T:
        """`fn(*args)` off the event loop, in the writer thread (SQLite) or the pool."""
        if not self.single_thread:
            return await to_thread.run_sync(fn, *args)
        job = _Job(fn, args, asyncio.get_running_loop().create_future())
        self._start()
        self._jobs.put(job)
        return await job.future

    def _start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._work, name="kolejka-writer", daemon=True
                )
                self._thread.start()

    def _work(self) -> None:
        while True:
            first = self._jobs.get()
            if first is None:
                return
            jobs = [first]
            while len(jobs) < MAX_BATCH:
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    self._jobs.put(None)  # stop after this batch
                    break
                jobs.append(job)
            self._run_batch(jobs)

    def _run_batch(self, jobs: list[_Job]) -> None:
        jobs = [job for job in jobs if not job.future.cancelled()]  # callers gone before
        outcomes: list[tuple[_Job, bool, Any]] = []
        if len(jobs) == 1:  # alone: its own transaction, no savepoint needed
            outcomes = [_outcome(jobs[0])]
        elif jobs:
            try:
                with self.db.batch():
                    outcomes = [_outcome(job) for job in jobs]
            except BaseException as exc:  # no transaction, or no commit: none of it happened
                outcomes = [(job, False, exc) for job in jobs]
        # One wake-up of each event loop for the whole batch, not one per answer.
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[_Job, bool, Any]]] = {}
        for outcome in outcomes:
            by_loop.setdefault(outcome[0].future.get_loop(), []).append(outcome)
        for loop, answers in by_loop.items():
            with contextlib.suppress(RuntimeError):  # that loop has closed: nobody waits
                loop.call_soon_threadsafe(_answer, answers)

    def close(self) -> None:
        """Finish the writes already taken, then stop the thread (a later write starts a
        new one, so an app that is started again keeps working)."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._jobs.put(None)
            thread.join()


def _outcome(job: _Job) -> tuple[_Job, bool, Any]:
    try:
        return job, True, job.context.run(job.fn, *job.args)
    except BaseException as exc:  # the caller gets it; a batch goes on without it
        return job, False, exc


def _answer(outcomes: list[tuple[_Job, bool, Any]]) -> None:
    """In the event loop: hand each caller its result or exception."""
    for job, ok, value in outcomes:
        if job.future.done():  # cancelled meanwhile
            continue
        if ok:
            job.future.set_result(value)
        else:
            job.future.set_exception(value)
