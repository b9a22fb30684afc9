"""The read-aloud mode's wiring: which screen to say, the keypad's cursor, the long press.

The words and the speaking are in `kiosk.reading`; this module only watches the window.
F1 turns the mode on and off; a long press on the start screen turns it on. While it is on,
Tab and the arrow keys move a cursor over the screen's buttons (a thick frame shows where
it is, for a helper standing by), Enter presses the one under it, every screen is said when
it appears and every choice when the cursor reaches it, and the time-outs last longer.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QAbstractButton, QWidget

from kiosk.flow import KioskState, Screen
from kiosk.reading import Reader, Utterance, choice_words, visible_texts, words_for
from kolejka.i18n import N_, NATIVE_NAMES, translator

LONG_PRESS_MS = 2000
FORWARD = {int(Qt.Key.Key_Tab), int(Qt.Key.Key_Down), int(Qt.Key.Key_Right)}
BACKWARD = {int(Qt.Key.Key_Backtab), int(Qt.Key.Key_Up), int(Qt.Key.Key_Left)}
HELP = N_("Press Tab or the arrow keys to move between the choices, and Enter to choose.")
ON = N_("Read aloud is on.")
OFF = N_("Read aloud is off.")


class LongPress(QObject):
    """Application event filter: a press held LONG_PRESS_MS on `window` emits `held`."""

    held = Signal()

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(LONG_PRESS_MS)
        self.timer.timeout.connect(self.held)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not isinstance(watched, QWidget) or watched.window() is not self.window:
            return False
        kind = event.type()
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin):
            self.timer.start()
        elif kind in (QEvent.Type.MouseButtonRelease, QEvent.Type.TouchEnd):
            self.timer.stop()
        return False


class ReadAloud(QObject):
    """The mode: on or off, the cursor, and what to say when."""

    toggled = Signal(bool)

    def __init__(
        self,
        make_reader: Callable[[], Reader],
        screen: Callable[[], QWidget],
        footer: QWidget,
        state: Callable[[], KioskState],
        languages: tuple[str, ...],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._make_reader = make_reader
        self._screen = screen
        self._footer = footer
        self._state = state
        self.languages = languages
        self.reader: Reader | None = None
        self.on = False
        self._cursor: QAbstractButton | None = None
        self._said_for: object = None

    # --- on and off ----------------------------------------------------------------------

    @Slot()
    def toggle(self) -> None:
        self.set_on(not self.on)

    @Slot()
    def start(self) -> None:
        self.set_on(True)

    def set_on(self, on: bool) -> None:
        if on == self.on:
            return
        self.on = on
        if on and self.reader is None:
            self.reader = self._make_reader()
        self._move_cursor(None)
        self._said_for = None
        self.toggled.emit(on)
        if on:
            self.screen_shown(force=True)
        elif self.reader is not None:
            language = self._state().language or "pl"
            self.reader.say([Utterance(translator(language).gettext(OFF), language)])

    def close(self) -> None:
        if self.reader is not None:
            self.reader.close()
            self.reader = None

    # --- what is said --------------------------------------------------------------------

    def screen_shown(self, *, force: bool = False) -> None:
        """Say the screen when it is new (or its language or content changed)."""
        if not self.on or self.reader is None:
            return
        state = self._state()
        # What makes it another screen for the visitor; a waiting count that changed does not.
        key = (
            state.screen,
            state.language,
            state.group,
            state.notice,
            state.tries_left,
            state.ticket.id if state.ticket else None,
            state.pending_code is not None,
            state.printer_fault,
            state.server_up,
        )
        if key == self._said_for and not force:
            return
        self._said_for = key
        self._move_cursor(None)
        texts = visible_texts(self._screen())
        self.reader.say(
            self.screen_words(state.screen, state.language, self.languages, texts, force)
        )

    def screen_words(
        self,
        screen: Screen,
        language: str | None,
        languages: tuple[str, ...],
        texts: list[str],
        announce: bool,
    ) -> list[Utterance]:
        if screen is Screen.LANGUAGE or language is None:
            # Before a language is chosen every language is offered in its own voice.
            said = []
            for code in languages:
                _ = translator(code).gettext
                intro = f"{_(ON)} " if announce else ""
                said.append(
                    Utterance(
                        f"{intro}{_('Choose your language')}: {NATIVE_NAMES[code]}. {_(HELP)}",
                        code,
                    )
                )
            return said
        _ = translator(language).gettext
        said = [Utterance(words_for(texts, language), language)]
        if announce:
            said.insert(0, Utterance(f"{_(ON)} {_(HELP)}", language))
        return said

    def say_text(self, text: str, *, private: bool = False) -> None:
        if self.on and self.reader is not None:
            language = self._state().language or "pl"
            self.reader.say([Utterance(text, language, private)])

    # --- the keypad ----------------------------------------------------------------------

    def choices(self) -> list[QAbstractButton]:
        """The buttons a visitor can press now, in reading order: the screen's, then the
        footer's."""
        window = self._footer.window()

        def at(button: QAbstractButton) -> tuple[int, int]:
            point = button.mapTo(window, QPoint(0, 0))
            return point.y(), point.x()

        found: list[QAbstractButton] = []
        for root in (self._screen(), self._footer):
            buttons = [
                b for b in root.findChildren(QAbstractButton) if b.isVisible() and b.isEnabled()
            ]
            found += sorted(buttons, key=at)
        return found

    @Slot(int)
    def navigate(self, key: int) -> None:
        if key == int(Qt.Key.Key_F1):
            self.toggle()
            return
        if not self.on:
            return
        choices = self.choices()
        if not choices:
            return
        step = 1 if key in FORWARD else -1 if key in BACKWARD else 0
        if self._cursor in choices:
            index = (choices.index(self._cursor) + step) % len(choices)
        else:
            index = 0 if step >= 0 else len(choices) - 1
        self._move_cursor(choices[index])
        assert self.reader is not None
        chosen = choices[index]
        own = chosen.property("language") or getattr(chosen, "language", None)
        language = own if isinstance(own, str) else (self._state().language or "pl")
        self.reader.say([Utterance(choice_words(chosen, language), language)])

    @Slot()
    def enter(self) -> None:
        if self.on and self._cursor is not None and self._cursor.isVisible():
            target = self._cursor
            self._move_cursor(None)
            target.click()
            if target.property("typing") and target.isVisible():
                self._typed(target)

    def _typed(self, key: QAbstractButton) -> None:
        """A key of an on-screen keyboard was pressed: the cursor stays on it (the next
        letter is near) and the visitor hears what is typed so far."""
        if key.isEnabled():
            self._move_cursor(key)
        words = getattr(self._screen(), "typed_words", None)
        if callable(words):
            self.say_text(str(words()), private=True)

    def _move_cursor(self, button: QAbstractButton | None) -> None:
        for widget in (self._cursor, button):
            if widget is None:
                continue
            widget.setProperty("pointed", widget is button)
            style = widget.style()
            style.unpolish(widget)
            style.polish(widget)
        self._cursor = button

    @property
    def cursor(self) -> QAbstractButton | None:
        return self._cursor
