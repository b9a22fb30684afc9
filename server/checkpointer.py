"""SQLite's WAL copied back into the database file from a thread of its own.

By default SQLite checkpoints inside the commit that takes the WAL past 1,000 pages, so
one write in fifty or so — a ticket, a call — paid 3–8 ms for copying and syncing
everyone's pages, the sender's and the reminders' among them (`bench/booking.py`). The
server's connections leave that to this thread instead: a PASSIVE checkpoint once a
second, which takes no lock a writer waits for and runs with the GIL released. Their own
automatic checkpoint stays, at `SAFETY_PAGES`, so that a stalled thread cannot let the WAL
grow without bound.
"""

from __future__ import annotations

import logging
import sqlite3
import threading

log = logging.getLogger(__name__)

INTERVAL_S = 1.0
# The connections' own checkpoint, a fallback only: 10,000 pages is 40 MB of WAL.
SAFETY_PAGES = 10_000


class WalCheckpointer:
    def __init__(self, path: str, interval_s: float = INTERVAL_S) -> None:
        self.path = path
        self.interval_s = interval_s
        self.passes = 0
        self._stop = threading.Event()
        self._done = threading.Condition()
        self._thread: threading.Thread | None = None

    def start(self) -> WalCheckpointer:
        self._thread = threading.Thread(target=self._run, name="kolejka-checkpoint", daemon=True)
        self._thread.start()
        return self

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def stop(self) -> None:
        """After one last pass, so a clean shutdown leaves little to replay."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def wait_passes(self, count: int, timeout_s: float) -> bool:
        """Until `count` passes in all have run (the tests wait on this)."""
        with self._done:
            return self._done.wait_for(lambda: self.passes >= count, timeout_s)

    def _run(self) -> None:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            while True:
                stopping = self._stop.wait(self.interval_s)
                try:
                    # (busy, frames, copied): a busy or partial pass is finished by the next.
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                except sqlite3.Error as exc:  # locked or gone for a moment: the next pass
                    log.warning("WAL checkpoint failed: %s", exc)
                with self._done:
                    self.passes += 1
                    self._done.notify_all()
                if stopping:
                    return
        finally:
            conn.close()
