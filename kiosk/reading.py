"""Read aloud: the kiosk says its screen and each choice, for a visitor who cannot see it.

Started with F1 (a kiosk's audio key) or a long press anywhere on the start screen; the
visitor then moves between the choices with Tab / the arrow keys and picks with Enter or
the space bar, hearing each one through the kiosk's headphone jack. What is said is what
the screen shows — the visible labels in reading order, top to bottom and left to right —
so nothing can drift from the screen; the marks that tell a state by shape (☑, ✓, ⊘) are
said in words. A ticket number is said the way the hall says it ("A, twenty-three").

Speech comes from the hall display's engine (espeak-ng through pyttsx3) on one worker
thread; a new screen cuts off what is still being said about the last one.
"""

from __future__ import annotations

import logging
import queue
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from display.speech.engines import Engine
from display.speech.errors import SpeechError
from display.speech.sinks import Sink
from display.speech.words import spoken_number
from kolejka.i18n import N_, translator

log = logging.getLogger(__name__)

TICKET_NUMBER = re.compile(r"^[A-Z]{1,3}\d{1,4}$")
# Marks that show a state by shape, and what they mean in words.
MARKS = {
    "☑": N_("selected"),
    "✓": N_("selected"),
    "⊘": N_("not available"),
}
SILENT = str.maketrans({"☐": None, "›": None, "→": None, "·": ",", "↻": None})


@dataclass(frozen=True)
class Utterance:
    text: str
    language: str
    # What the visitor typed (a document number): said into the headphones, never logged
    # nor kept in `Reader.said`.
    private: bool = False

    def __repr__(self) -> str:
        text = "…" if self.private else repr(self.text)
        return f"Utterance({text}, {self.language!r}, private={self.private})"


PRIVATE_TEXT = "…"


def visible_texts(root: QWidget) -> list[str]:
    """The texts a sighted visitor sees in `root`, in reading order."""
    found: list[tuple[int, int, str]] = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root) or not widget.isVisible():
            continue
        text = ""
        if widget.property("private"):
            continue  # typed personal data: spelled on request, never said with the screen
        if isinstance(widget, QLabel):
            text = widget.text()
        elif widget.property("role") == "key":
            continue  # a keyboard's keys are said when the cursor reaches them
        elif isinstance(widget, QAbstractButton) and not widget.findChildren(QLabel):
            text = widget.text() or widget.accessibleName()
        text = " ".join(text.split())
        if not text:
            continue
        at = widget.mapTo(root, QPoint(0, 0))
        found.append((at.y(), at.x(), text))
    found.sort()
    return [text for _, _, text in found]


def words_for(texts: Sequence[str], language: str) -> str:
    """The screen's texts as one sentence for speech in `language`."""
    _ = translator(language).gettext
    spoken = []
    for text in texts:
        marks = [_(MARKS[m]) for m in MARKS if m in text]
        for mark in MARKS:
            text = text.replace(mark, "")
        text = text.translate(SILENT).strip()
        if TICKET_NUMBER.match(text):
            text = spoken_number(text, language)
        if not text:
            continue
        spoken.append(", ".join([text, *marks]) if marks else text)
    return ". ".join(part.rstrip(".:") for part in spoken) + ("." if spoken else "")


def choice_words(widget: QWidget, language: str) -> str:
    """What a focused button is, said in `language`: its labels, or its own text."""
    texts = visible_texts(widget) if widget.findChildren(QLabel) else []
    if not texts and isinstance(widget, QAbstractButton):
        # A key drawn as a sign (⌫) has its name in words.
        texts = [widget.accessibleName() or widget.text()]
    if isinstance(widget, QAbstractButton) and widget.isCheckable() and widget.isChecked():
        texts.append("☑")
    if isinstance(widget, QAbstractButton) and not widget.isEnabled():
        texts.append("⊘")
    return words_for(texts, language)


class Reader:
    """Says utterances on one worker thread; `say` replaces whatever is still queued."""

    def __init__(self, engine: Engine, sink: Sink) -> None:
        self.engine = engine
        self.sink = sink
        self._queue: queue.Queue[list[Utterance] | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._said: list[Utterance] = []
        self._idle = threading.Event()
        self._idle.set()

    @property
    def said(self) -> list[Utterance]:
        """Everything said so far (for the kiosk's log and its tests)."""
        return list(self._said)

    def say(self, utterances: Sequence[Utterance]) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="kiosk-read-aloud", daemon=True)
            self._thread.start()
        while True:  # only the newest screen matters
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        self._idle.clear()
        self.sink.stop()
        self._queue.put([u for u in utterances if u.text])

    def wait_idle(self, timeout: float) -> bool:
        return self._idle.wait(timeout)

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self.sink.stop()
            self._thread.join(timeout=5)
            self._thread = None
        self.engine.close()
        self.sink.close()

    def _run(self) -> None:
        try:
            self.engine.start()
            self.sink.prepare()
        except (SpeechError, OSError, RuntimeError) as exc:
            log.error("read aloud: no speech engine: %s", exc)
        while True:
            batch = self._queue.get()
            if batch is None:
                return
            for utterance in batch:
                if not self._queue.empty():
                    break  # a newer screen came
                try:
                    audio = self.engine.render_text(utterance.text, utterance.language)
                    self.sink.play(audio, "read-aloud")
                    self._said.append(
                        Utterance(PRIVATE_TEXT, utterance.language, private=True)
                        if utterance.private
                        else utterance
                    )
                except (SpeechError, OSError) as exc:
                    log.warning("read aloud: %r not said: %s", utterance, exc)
            if self._queue.empty():
                self._idle.set()
