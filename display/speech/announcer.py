"""The announcer: one worker thread says the calls one after another.

    announcer = Announcer(Pyttsx3Engine(), make_sink("auto"))
    announcer.announce(Announcement(number="A023", counter=5, language="uk"))  # returns at once
    ...
    announcer.close()

Each announcement is a chime, the call in Polish and, when the visitor chose another
language, the call again in that language; it is rendered whole and then played, so two
announcements never overlap, and the queue keeps every call in the order it came (a recall
is a call of its own: "Ponownie: numer …"). `announce()` only puts the call in the queue,
so the window's thread never waits for the sound.

A failure in one announcement (a missing clip, a busy sound device) is logged and recorded
in `history`; the worker goes on with the next. When the engine cannot start at all, the
hall still hears the chime for every call, and the log says why there is no speech.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from dataclasses import dataclass

from display.speech.audio import Audio, chime, concat
from display.speech.engines import Engine
from display.speech.errors import SpeechError
from display.speech.sinks import Sink
from kolejka.i18n import normalize_language

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Announcement:
    """One call to say: `number` as printed ("A023"), the `counter`, the visitor's language."""

    number: str
    counter: int
    language: str = "pl"
    recall: bool = False

    @property
    def label(self) -> str:
        return f"{self.number}-{self.counter}" + ("-again" if self.recall else "")

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages it is said in: Polish, then the visitor's if that is another."""
        visitor = normalize_language(self.language)
        return ("pl",) if visitor == "pl" else ("pl", visitor)


@dataclass(frozen=True, slots=True)
class Spoken:
    """What became of one announcement (the announcer's `history`)."""

    announcement: Announcement
    languages: tuple[str, ...]  # the languages actually said
    seconds: float  # the length of the sound played
    error: str | None = None


_STOP = object()


class Announcer:
    def __init__(
        self, engine: Engine, sink: Sink, *, gap: float = 0.45, history: int = 200
    ) -> None:
        self.engine = engine
        self.sink = sink
        self.gap = gap
        self.engine_error: str | None = None
        self._history: deque[Spoken] = deque(maxlen=history)
        self._queue: queue.Queue[object] = queue.Queue()
        self._pending = 0
        self._idle = threading.Condition()
        self._closed = False
        self._cancelled = threading.Event()
        self._started = threading.Event()
        self._unspoken: set[str] = set()
        self._thread = threading.Thread(target=self._run, name="kolejka-announcer", daemon=True)
        self._thread.start()

    # --- the window's side ----------------------------------------------------------------

    def announce(self, announcement: Announcement) -> None:
        """Queue `announcement`; returns at once."""
        with self._idle:  # never behind the stop sign that close() queues
            if self._closed:
                log.warning("speech: %s not announced: the announcer is closed", announcement.label)
                return
            self._pending += 1
            self._queue.put(announcement)

    @property
    def pending(self) -> int:
        """Announcements queued or being said."""
        with self._idle:
            return self._pending

    @property
    def history(self) -> list[Spoken]:
        """The latest announcements said (or failed), oldest first."""
        return list(self._history)

    def wait_started(self, timeout: float) -> bool:
        """Wait until the engine has started (or failed to); True when it has."""
        return self._started.wait(timeout)

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every queued announcement has been said; True when none is left."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._pending:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True

    def close(self, timeout: float = 3.0) -> None:
        """Stop taking calls, say what is queued for up to `timeout` seconds, then cut the
        sound short, drop the rest (logged) and stop the worker."""
        with self._idle:
            if self._closed:
                return
            self._closed = True
            self._queue.put(_STOP)
        self._thread.join(timeout)
        if self._thread.is_alive():
            self._cancelled.set()
            self.sink.stop()
            self._thread.join(2.0)
            if self._thread.is_alive():
                log.warning("speech: the announcer did not stop (a sound still playing?)")

    # --- the worker -----------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self.engine.start()
        except Exception as exc:
            self.engine_error = str(exc)
            log.error(
                "speech: the %s engine did not start, calls get the chime only: %s",
                type(self.engine).__name__,
                exc,
            )
        try:
            self.sink.prepare()
        except Exception:
            log.exception("speech: the sound output is not ready")
        finally:
            self._started.set()
        dropped = 0
        try:
            while True:
                item = self._queue.get()
                if item is _STOP:
                    break
                assert isinstance(item, Announcement)
                try:
                    if self._cancelled.is_set():
                        dropped += 1
                    else:
                        self._say(item)
                finally:
                    with self._idle:
                        self._pending -= 1
                        self._idle.notify_all()
        finally:
            if dropped:
                log.warning("speech: %d queued announcements dropped at shutdown", dropped)
            for closing in (self.engine.close, self.sink.close):
                try:
                    closing()
                except Exception:
                    log.exception("speech: closing %s failed", closing)

    def _say(self, announcement: Announcement) -> None:
        errors: list[str] = []
        said: list[str] = []
        parts: list[Audio] = []
        try:
            parts.append(self.engine.chime())
        except Exception as exc:
            errors.append(f"chime: {exc}")
            parts.append(chime(self.engine.rate))
        if self.engine_error is None:
            for language in announcement.languages:
                if not self.engine.speaks(language) and language != "pl":
                    if language not in self._unspoken:
                        self._unspoken.add(language)
                        log.warning(
                            "speech: no %s speech here; those calls are said in Polish", language
                        )
                    continue
                try:
                    parts.append(
                        self.engine.render(
                            announcement.number, announcement.counter, language, announcement.recall
                        )
                    )
                    said.append(language)
                except SpeechError as exc:
                    errors.append(f"{language}: {exc}")
                except Exception as exc:  # an engine's own failure: logged with its trace
                    log.exception("speech: rendering %s in %s failed", announcement.label, language)
                    errors.append(f"{language}: {type(exc).__name__}: {exc}")
        for error in errors:
            log.error("speech: %s: %s", announcement.label, error)
        if self.engine_error is not None:  # logged once, when the engine failed to start
            errors.append(f"no speech: {self.engine_error}")
        audio = concat(parts, self.engine.rate, gap=self.gap)
        try:
            self.sink.play(audio, announcement.label)
        except Exception as exc:
            log.error("speech: %s not played: %s", announcement.label, exc)
            errors.append(f"playback: {exc}")
        self._history.append(
            Spoken(announcement, tuple(said), audio.seconds, "; ".join(errors) or None)
        )
