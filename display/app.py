"""Build the hall display: board + window + live event stream + announcer.

    window = build_display_window("http://10.0.0.5:8420", "demo", "demo-display-token-0001",
                                  zone={5, 6, 7, 8}, fullscreen=True)
    window.show()
    ...
    window.shutdown()   # stops the event thread and the announcer

No QApplication is created here; `kolejka demo` and `display.cli` own it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import Qt

from display.board import DEFAULT_HISTORY, Board, BoardCall, parse_zone
from display.config import DEFAULT_LANGUAGES, DisplayConfig, SpeechSettings
from display.controller import DisplayController
from display.window import DisplayWindow
from kolejka.client import EventStream
from kolejka.client.qt import EventStreamThread


def build_display_window(
    server_url: str,
    site: str,
    token: str,
    *,
    zone: Iterable[int] | str | None = None,
    announcer: Any = None,
    speech: SpeechSettings | None = None,
    fullscreen: bool = False,
    portrait: bool | None = None,
    language: str = "pl",
    languages: Sequence[str] = DEFAULT_LANGUAGES,
    history: int = DEFAULT_HISTORY,
    ticker: dict[str, str] | None = None,
    now: Any = None,
    start: bool = True,
) -> DisplayWindow:
    """The display window, already following the server's events (unless start=False).

    `announcer`: an Announcer from display.speech (kept open: the caller owns it); without
    one, an announcer is made from `speech` (default: speech synthesis, silent where there
    is no sound device) and closed by `window.shutdown()`.
    """
    board = Board(zone=parse_zone(zone), history=history)
    owned = announcer is None
    if announcer is None:
        announcer = make_announcer(speech or SpeechSettings())
    stream = EventStreamThread(EventStream(server_url, site, token))
    speak = None if announcer is None else _speak_with(announcer)
    controller = DisplayController(board, stream, speak=speak)
    window = DisplayWindow(
        board,
        controller=controller,
        portrait=portrait,
        primary=language,
        languages=languages,
        ticker=ticker,
        now=now,
    )
    controller.setParent(window)

    def stop() -> None:
        controller.stop()
        if owned and announcer is not None:
            announcer.close()

    window.on_shutdown(stop)
    if fullscreen:
        window.setWindowState(Qt.WindowState.WindowFullScreen)
        window.setCursor(Qt.CursorShape.BlankCursor)
    if start:
        controller.start()
    return window


def build_from_config(config: DisplayConfig, *, now: Any = None) -> DisplayWindow:
    return build_display_window(
        config.server,
        config.site,
        config.token,
        zone=config.zone,
        speech=config.speech,
        fullscreen=config.fullscreen,
        portrait=config.portrait,
        languages=config.languages,
        history=config.history,
        ticker=None if config.ticker is None else {str(k): v for k, v in config.ticker.items()},
        now=now,
    )


def make_announcer(settings: SpeechSettings) -> Any:
    """An announcer for `settings` (started, speaking from its own thread), or None when
    speech is off."""
    from display.speech import make_announcer as make

    return make(settings)


def _speak_with(announcer: Any) -> Callable[[BoardCall], None]:
    from display.speech import Announcement

    def speak(call: BoardCall) -> None:
        announcer.announce(
            Announcement(
                number=call.number,
                counter=call.counter,
                language=call.language,
                recall=call.recall,
            )
        )

    return speak
