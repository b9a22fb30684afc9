"""Qt bridge: network work off the GUI thread, results back as signals.

- `ApiCall.run(fn, *args)` runs a blocking client call on Qt's thread pool; the
  `succeeded(object)` / `failed(object)` signals arrive in the GUI thread.
- `EventStreamThread` runs `EventStream` in its own thread with its own asyncio loop and
  emits `eventReceived(object)` (an EventPublic) and `connectionChanged(bool)`.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThread, QThreadPool, Signal

from kolejka.client.errors import ClientError
from kolejka.client.events import EventStream

log = logging.getLogger(__name__)
RESTART_DELAY_S = 1.0


class ApiCall(QObject):
    succeeded = Signal(object)
    failed = Signal(object)  # a ClientError (or any exception, as a last resort)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.running = False

    def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self.running = True
        QThreadPool.globalInstance().start(_Task(self, fn, args, kwargs))

    def _finish(self, ok: bool, value: object) -> None:
        self.running = False
        (self.succeeded if ok else self.failed).emit(value)


class _Task(QRunnable):
    """One call on the pool. A class of its own, not one made per call: each such class
    was a new Shiboken type, left for the cyclic collector to free later."""

    def __init__(
        self, call: ApiCall, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        super().__init__()
        self.call, self.fn, self.args, self.kwargs = call, fn, args, kwargs

    def run(self) -> None:  # worker thread
        try:
            result = self.fn(*self.args, **self.kwargs)
        except Exception as exc:  # a ClientError, or any other as a last resort
            self.call._finish(False, exc)
        else:
            self.call._finish(True, result)


class EventStreamThread(QThread):
    eventReceived = Signal(object)
    connectionChanged = Signal(bool)
    fatalError = Signal(object)

    def __init__(self, stream: EventStream, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.stream = stream
        self.stream.on_connection = self.connectionChanged.emit
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        _STREAMS.add(self)

    def run(self) -> None:
        self._loop = asyncio.new_event_loop()
        try:
            self._task = self._loop.create_task(self._consume())
            self._loop.run_until_complete(self._task)
        except asyncio.CancelledError:
            pass
        finally:
            try:
                self._loop.run_until_complete(self._loop.shutdown_asyncgens())
                # A closed websocket's transport closes its socket in a callback; let it
                # run, or the socket is left to the garbage collector (ResourceWarning).
                self._loop.run_until_complete(asyncio.sleep(0.05))
            finally:
                self._loop.close()

    async def _consume(self) -> None:
        while True:
            try:
                async for event in self.stream.events():
                    self.eventReceived.emit(event)
                return  # the stream was closed
            except ClientError as exc:
                self.fatalError.emit(exc)
                return
            except Exception:
                # Something the stream does not retry by itself (e.g. a peer that closes
                # before the HTTP handshake answer: InvalidMessage). The stream keeps its
                # last seq and epoch, so following it again resumes without a gap.
                log.warning("event stream failed; following it again", exc_info=True)
                await asyncio.sleep(RESTART_DELAY_S)

    def stop(self, wait_ms: int = 3000) -> None:
        loop, task = self._loop, self._task
        if loop is not None and task is not None and not loop.is_closed():
            loop.call_soon_threadsafe(task.cancel)
        self.wait(wait_ms)


# Every stream still running when the interpreter exits is stopped first: Qt aborts the
# process ("QThread: Destroyed while thread is still running") if one is torn down alive,
# e.g. an app closed by a signal before its windows had stopped their streams.
_STREAMS: weakref.WeakSet[EventStreamThread] = weakref.WeakSet()


@atexit.register
def _stop_streams() -> None:
    for thread in list(_STREAMS):
        try:
            if thread.isRunning():
                thread.stop(2000)
        except RuntimeError:  # its C++ object already gone
            pass
