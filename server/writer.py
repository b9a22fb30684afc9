"""Where write transactions run.

SQLite takes one writer at a time. Letting every worker thread of the pool try (and wait
on the lock, and hand the GIL back and forth) cost a quarter of the CPU of issuing a
ticket; one dedicated writer thread takes the writes in turn instead, while reads keep
the pool. PostgreSQL writers run side by side in the pool, as before.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from anyio import to_thread

T = TypeVar("T")


class Writer:
    def __init__(self, single_thread: bool) -> None:
        self.single_thread = single_thread
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    async def run(self, fn: Callable[..., T], *args: object) -> T:
        """`fn(*args)` off the event loop, in the writer thread (SQLite) or the pool."""
        if not self.single_thread:
            return await to_thread.run_sync(fn, *args)
        context = contextvars.copy_context()
        future = self._writer().submit(context.run, fn, *args)
        return await asyncio.wrap_future(future)

    def _writer(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(1, thread_name_prefix="kolejka-writer")
            return self._executor

    def close(self) -> None:
        """Finish the writes already taken, then stop the thread (a later write starts a
        new one, so an app that is started again keeps working)."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)
