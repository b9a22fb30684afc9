"""The sender as a child process of `kolejka server` and the demo, restarted if it dies.

The child is `kolejka sender --parent <pid>`, with this process's settings in its
environment (as the workers get them). It stops on SIGTERM after the round in hand, and
by itself when the parent is gone (a server killed with SIGKILL leaves no one to stop
it). A child that keeps dying is restarted less and less often, at most every
`RESTART_MAX_S`.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading

from server.settings import Settings

log = logging.getLogger(__name__)
RESTART_MIN_S = 1.0
RESTART_MAX_S = 60.0
STOP_TIMEOUT_S = 30.0


class SenderProcess:
    def __init__(self, settings: Settings, command: list[str] | None = None) -> None:
        self.env = {**os.environ, **settings.as_environment()}
        self.command = command or [sys.executable, "-m", "kolejka.cli", "sender"]
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0  # how many times a child was started (the tests watch it)
        self.started = threading.Condition()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> SenderProcess:
        self._thread = threading.Thread(target=self._supervise, name="kolejka-sender", daemon=True)
        self._thread.start()
        return self

    def _supervise(self) -> None:
        pause = RESTART_MIN_S
        while not self._stop.is_set():
            process = subprocess.Popen([*self.command, "--parent", str(os.getpid())], env=self.env)
            with self.started:
                self.process = process
                self.starts += 1
                self.started.notify_all()
            code = process.wait()
            if self._stop.is_set():
                return
            log.warning("the sender (pid %d) exited with %s; restarting", process.pid, code)
            if self._stop.wait(pause):
                return
            pause = min(pause * 2, RESTART_MAX_S)

    def wait_started(self, count: int, timeout: float) -> bool:
        with self.started:
            return self.started.wait_for(lambda: self.starts >= count, timeout)

    def stop(self) -> None:
        """SIGTERM: the child finishes its round (bounded by STOP_TIMEOUT_S), then goes."""
        self._stop.set()
        process = self.process
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._thread is not None:
            self._thread.join(timeout=STOP_TIMEOUT_S)
