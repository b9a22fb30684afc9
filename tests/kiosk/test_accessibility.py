"""The accessible kiosk: read aloud with real speech, the keypad, more time, high contrast."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from display.speech.audio import read_wav
from display.speech.engines import Pyttsx3Engine
from display.speech.sinks import WavSink
from kiosk.controller import PATIENT_FACTOR, Timing
from kiosk.flow import Screen
from kiosk.reading import Reader, Utterance, words_for
from kiosk.theme import HIGH_CONTRAST, PALETTE, Palette
from tests.kiosk.support import FAST, MakeKiosk, on_screen, tap, text_of

pytestmark = pytest.mark.gui


def edge_colour(button: QWidget) -> str:
    image = button.grab().toImage()
    return QColor(image.pixel(3, image.height() // 2)).name()


def contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("palette", [PALETTE, HIGH_CONTRAST], ids=["normal", "high-contrast"])
def test_every_text_pair_of_both_themes_is_above_7_to_1(palette: Palette) -> None:
    pairs = [
        (palette.text, palette.page),
        (palette.muted, palette.page),
        (palette.header_text, palette.header),
        (palette.primary_text, palette.primary),
        (palette.text, palette.card),
        (palette.disabled_text, palette.disabled_card),
        (palette.text, palette.highlight),
        (palette.alert, palette.card),
    ]
    assert min(contrast(a, b) for a, b in pairs) >= 7.0


def test_the_words_say_marks_and_ticket_numbers_as_a_person_would() -> None:
    said = words_for(["☑ Bilet priorytetowy", "A020", "⊘ Na dziś zakończone"], "pl")
    assert "zaznaczone" in said and "niedostępne" in said
    assert "A020" not in said and "dwadzieścia" in said  # the number as the hall says it
    assert "☑" not in said and "⊘" not in said


def test_the_reader_speaks_real_audio_in_the_visitors_language(tmp_path: Path) -> None:
    reader = Reader(Pyttsx3Engine(), WavSink(tmp_path))
    try:
        reader.say([Utterance("Будь ласка, оберіть мову.", "uk")])
        assert reader.wait_idle(30)
    finally:
        reader.close()
    (wav,) = tmp_path.glob("*.wav")
    audio = read_wav(wav)
    assert audio.seconds > 0.5 and audio.rms() > 0.02  # speech, not silence
    assert [u.language for u in reader.said] == ["uk"]


def test_a_visitor_who_cannot_see_the_screen_takes_a_ticket_by_keys_and_voice(
    qtbot: QtBot, make_kiosk: MakeKiosk, tmp_path: Path
) -> None:
    window = make_kiosk(read_aloud_sink=f"wav:{tmp_path / 'voice'}")
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_F1)  # the kiosk's audio key
    assert window.read_aloud.on
    assert window.controller.patience == PATIENT_FACTOR  # the time-outs wait longer
    reader = window.read_aloud.reader
    assert reader is not None
    qtbot.waitUntil(lambda: reader.wait_idle(0), timeout=60_000)
    # Every language is offered in its own voice before one is chosen.
    assert {u.language for u in reader.said} == set(window.config.languages)

    qtbot.keyClick(window, Qt.Key.Key_Tab)  # the cursor on the first choice: Polski
    cursor = window.read_aloud.cursor
    assert cursor is not None and cursor.objectName() == "language-pl"
    qtbot.waitUntil(lambda: edge_colour(cursor) == PALETTE.cursor)  # a frame shows where
    qtbot.waitUntil(lambda: reader.wait_idle(0), timeout=30_000)
    assert reader.said[-1].text.startswith("Polski")
    qtbot.keyClick(window, Qt.Key.Key_Return)  # pressed through the keypad
    on_screen(qtbot, window, Screen.SERVICES)
    qtbot.waitUntil(lambda: any("W jakiej sprawie" in u.text for u in reader.said), timeout=30_000)
    # Walk to a matter and take it; what the cursor reaches is said.
    for _ in range(10):
        qtbot.keyClick(window, Qt.Key.Key_Tab)
        cursor = window.read_aloud.cursor
        if cursor is not None and cursor.objectName().startswith("service-"):
            break
    assert cursor is not None and cursor.objectName().startswith("service-")
    qtbot.keyClick(window, Qt.Key.Key_Return)
    on_screen(qtbot, window, Screen.TICKET)
    qtbot.waitUntil(
        lambda: any("Proszę odebrać bilet" in u.text for u in reader.said), timeout=30_000
    )
    assert list((tmp_path / "voice").glob("*.wav"))  # it was heard, not only listed

    qtbot.keyClick(window, Qt.Key.Key_F1)  # and off again
    assert not window.read_aloud.on and window.controller.patience == 1.0


def test_a_long_press_on_the_start_screen_starts_read_aloud(
    qtbot: QtBot, make_kiosk: MakeKiosk, tmp_path: Path
) -> None:
    window = make_kiosk(read_aloud_sink=f"wav:{tmp_path}")
    window.long_press.held.emit()  # what LongPress emits after two seconds' press
    assert window.read_aloud.on
    window.controller._on_timeout()  # the visitor walked away
    assert not window.read_aloud.on  # the next visitor does not find the kiosk talking


def test_more_time_on_the_ticket_screen_doubles_the_countdown(
    qtbot: QtBot, make_kiosk: MakeKiosk
) -> None:
    window = make_kiosk(
        timing=Timing(
            idle_timeout_s=60, confirmation_s=10, refresh_s=60, retry_s=0.2, printer_poll_s=60
        )
    )
    tap(qtbot, window, "language-en")
    tap(qtbot, window, "service-C")
    on_screen(qtbot, window, Screen.TICKET)
    assert window.controller.remaining_s() <= 10
    tap(qtbot, window, "moreTime")
    assert 15 < window.controller.remaining_s() <= 20
    assert window.state.screen is Screen.TICKET


def test_an_unattended_screen_warns_before_it_goes_back_to_the_start(
    qtbot: QtBot, make_kiosk: MakeKiosk
) -> None:
    window = make_kiosk(
        timing=Timing(
            idle_timeout_s=12, confirmation_s=60, refresh_s=60, retry_s=0.2, printer_poll_s=60
        )
    )
    tap(qtbot, window, "language-uk")
    window._tick()
    notice = text_of(window, "timeNotice")
    assert window.time_notice.isVisible() and "Через" in notice and "більше часу" in notice
    window.controller.more_time()  # a touch or the button: the countdown starts again, doubled
    window._tick()
    assert not window.time_notice.isVisible()


def test_high_contrast_turns_on_and_is_reset_for_the_next_visitor(
    qtbot: QtBot, make_kiosk: MakeKiosk
) -> None:
    window = make_kiosk(timing=FAST)
    tap(qtbot, window, "language-pl")
    tap(qtbot, window, "highContrast")
    assert window.high_contrast and HIGH_CONTRAST.page in window.styleSheet()
    assert window.footer.contrast.text().startswith("☑")
    tap(qtbot, window, "back")
    on_screen(qtbot, window, Screen.LANGUAGE)
    assert not window.high_contrast and PALETTE.page in window.styleSheet()
