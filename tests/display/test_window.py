"""The board window on its own (offscreen Qt): what it shows for a given board."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from display.board import Board, BoardCall
from display.controller import DisplayController
from display.widgets import Blinker, FitLabel, TickerWidget
from display.window import Connection, DisplayWindow
from tests.display.events import T0, call_entry, call_payload, event, reset, ticket

pytestmark = pytest.mark.gui


def loaded_board(history: int = 6, calls: int = 4) -> Board:
    board = Board(history=history)
    entries = [
        call_entry(n, f"A{n:03d}", n, T0 - timedelta(minutes=n)) for n in range(1, calls + 1)
    ]
    board.apply(
        reset(
            10, calls=entries, waiting=[ticket(50, "A050"), ticket(51, "B051"), ticket(52, "B052")]
        )
    )
    return board


@pytest.fixture
def make_window(qtbot: QtBot) -> Iterator[Callable[..., DisplayWindow]]:
    made: list[DisplayWindow] = []

    def make(board: Board | None = None, **options: object) -> DisplayWindow:
        window = DisplayWindow(board or loaded_board(), **options)  # type: ignore[arg-type]
        qtbot.addWidget(window)
        made.append(window)
        return window

    yield make
    for window in made:
        window.shutdown()


def test_it_shows_the_newest_call_the_previous_calls_and_the_waiting_counts(
    make_window: Callable[..., DisplayWindow],
) -> None:
    window = make_window()
    assert window.shown_calls() == [("A001", "1"), ("A002", "2"), ("A003", "3"), ("A004", "4")]
    assert {code: row.count.text() for code, row in window.service_rows.items()} == {
        "A": "1",
        "B": "2",
        "C": "0",
    }
    assert window.service_rows["B"].name.text() == "B pl"
    assert window.service_rows["B"].translation.text() == "B en"
    assert window.site_name.text() == "Test Office"
    assert not window.recall_label.isVisibleTo(window)


def test_an_empty_board_shows_dashes_not_stale_numbers(
    make_window: Callable[..., DisplayWindow],
) -> None:
    window = make_window(Board())
    assert window.number_label.text() == "—" and window.counter_label.text() == "—"
    assert window.shown_calls() == []
    assert window.service_rows == {}


def test_a_new_call_blinks_and_brings_the_callers_language(
    make_window: Callable[..., DisplayWindow],
) -> None:
    board = loaded_board()
    window = make_window(board)
    (call,) = board.apply(call_payload(11, "B077", 7, tid=77, language="ru")).announce
    window.refresh()
    window.flash(call)
    assert window.blinker.active and window.blinker.lit
    assert "#ffc21a" in window.current_panel.styleSheet().split("background:")[1][:10]
    assert window.language == "ru"
    assert window.now_caption.primary.text() == "Zapraszamy"
    assert window.now_caption.secondary.text() == "Приглашаем"
    assert window.counter_caption.secondary.text() == "Окно"
    assert window.shown_calls()[0] == ("B077", "7")


def test_a_recalled_call_is_marked_in_words(make_window: Callable[..., DisplayWindow]) -> None:
    board = loaded_board()
    window = make_window(board)
    board.apply(call_payload(11, "A002", 2, tid=2, recall=True))
    window.refresh()
    assert window.recall_label.isVisibleTo(window)
    assert window.recall_label.text() == "↻ Ponowne wezwanie · Called again"


def test_the_blinker_blinks_then_settles_unlit(qtbot: QtBot) -> None:
    blinker = Blinker(interval_ms=5, flashes=2)
    seen: list[bool] = []
    blinker.toggled.connect(seen.append)
    with qtbot.waitSignal(blinker.finished, timeout=5000):
        blinker.start()
    assert seen == [True, False, True, False]
    assert not blinker.lit and not blinker.active


def test_the_second_language_rotates_through_the_others(
    make_window: Callable[..., DisplayWindow],
) -> None:
    window = make_window()
    shown = []
    for _ in range(4):
        shown.append((window.language, window.waiting_caption.secondary.text()))
        window.rotate_language()
    assert shown == [
        ("en", "In the queue"),
        ("uk", "У черзі"),
        ("ru", "В очереди"),
        ("en", "In the queue"),
    ]
    assert window.waiting_caption.primary.text() == "W kolejce"


def test_another_primary_language_leads_the_captions(
    make_window: Callable[..., DisplayWindow],
) -> None:
    window = make_window(primary="en", languages=("pl",))
    assert window.now_caption.primary.text() == "Now calling"
    assert window.now_caption.secondary.text() == "Zapraszamy"
    assert window.service_rows["A"].name.text() == "A en"


def test_portrait_stacks_the_panels_and_lists_calls_in_one_column(
    make_window: Callable[..., DisplayWindow],
) -> None:
    window = make_window()
    window.show()  # a hidden widget gets its resize events only when shown
    window.resize(1920, 1080)
    assert not window.portrait
    assert window.recent_grid.columnCount() == 2
    landscape_font = window.number_label.font().pixelSize()
    window.resize(1080, 1920)
    assert window.portrait
    positions = [
        window.recent_grid.getItemPosition(window.recent_grid.indexOf(row))
        for row in window.recent_rows
    ]
    assert {column for _, column, _, _ in positions} == {0}
    assert window.number_label.font().pixelSize() < landscape_font


def test_a_forced_layout_ignores_the_window_shape(
    make_window: Callable[..., DisplayWindow],
) -> None:
    window = make_window(portrait=True)
    window.show()
    window.resize(1920, 1080)
    assert window.portrait
    window.set_portrait(None)
    assert not window.portrait


def test_fonts_scale_with_the_window(make_window: Callable[..., DisplayWindow]) -> None:
    window = make_window()
    window.show()
    window.resize(1920, 1080)
    big = window.recent_rows[0].arrow.font().pixelSize()
    window.resize(960, 540)
    assert window.recent_rows[0].arrow.font().pixelSize() == pytest.approx(big / 2, abs=1)


def test_a_long_number_shrinks_to_fit_its_place(qtbot: QtBot) -> None:
    label = FitLabel()
    qtbot.addWidget(label)
    label.resize(300, 200)
    label.set_max_pixels(200)
    label.setText("A1")
    short = label.font().pixelSize()
    label.setText("ABC123")
    assert label.font().pixelSize() < short
    assert label.fontMetrics().horizontalAdvance("ABC123") <= 300


def test_the_ticker_runs_the_office_messages_polish_first(
    make_window: Callable[..., DisplayWindow],
    qtbot: QtBot,
) -> None:
    window = make_window()
    assert window.ticker.text.split("•")[0].strip() == "Witamy"
    assert "Welcome" in window.ticker.text
    window.show()
    qtbot.waitUntil(lambda: window.ticker.offset < 0)
    assert window.ticker.animating
    window.hide()
    assert not window.ticker.animating


def test_a_ticker_override_replaces_the_office_messages(
    make_window: Callable[..., DisplayWindow],
) -> None:
    window = make_window(ticker={"uk": "Каса на першому поверсі", "pl": "Kasa na parterze"})
    assert window.ticker.text.startswith("Kasa na parterze")
    assert "Каса" in window.ticker.text and "Witamy" not in window.ticker.text


def test_no_messages_hide_the_ticker(qtbot: QtBot) -> None:
    ticker = TickerWidget()
    qtbot.addWidget(ticker)
    ticker.set_messages(["  ", ""])
    assert ticker.text == "" and not ticker.isVisibleTo(None)  # type: ignore[arg-type]


def test_the_banner_tells_the_connection_state_and_keeps_the_calls(
    make_window: Callable[..., DisplayWindow],
) -> None:
    window = make_window()
    assert window.connection is Connection.CONNECTING
    assert "Łączenie z serwerem" in window.banner.text()
    window.set_online(True)
    assert not window.banner.isVisibleTo(window)
    window.set_online(False)
    assert window.banner.isVisibleTo(window)
    assert "Brak połączenia z serwerem" in window.banner.text()
    assert "No connection to the server" in window.banner.text()
    assert window.shown_calls()[0] == ("A001", "1")
    window.set_connection(Connection.REFUSED)
    window.set_online(False)  # a refused display stays refused until it connects
    assert window.connection is Connection.REFUSED


def test_the_clock_shows_local_time_and_the_polish_date(
    make_window: Callable[..., DisplayWindow],
) -> None:
    now = datetime(2026, 11, 24, 10, 5, tzinfo=UTC)
    window = make_window(now=lambda: now)
    assert window.clock.time_label.text() == "10:05"
    assert window.clock.date_label.text() == "wtorek, 24 listopada 2026"


def test_unknown_languages_are_refused() -> None:
    with pytest.raises(ValueError, match="xx"):
        DisplayWindow(Board(), languages=("en", "xx"))
    with pytest.raises(ValueError, match="de"):
        DisplayWindow(Board(), primary="de")


def test_shutdown_runs_its_hooks_once_also_when_the_window_closes(
    make_window: Callable[..., DisplayWindow],
) -> None:
    window = make_window()
    calls: list[str] = []
    window.on_shutdown(lambda: calls.append("first"))
    window.on_shutdown(lambda: calls.append("second"))
    window.show()
    window.close()
    window.shutdown()
    assert calls == ["second", "first"]


def test_the_controller_skips_an_unreadable_event_and_keeps_announcing(
    make_window: Callable[..., DisplayWindow],
) -> None:
    board = loaded_board()
    said: list[str] = []

    def speak(call: BoardCall) -> None:
        said.append(call.number)
        if len(said) == 1:
            raise OSError("the sound card is gone")

    controller = DisplayController(board, None, speak=speak)
    window = make_window(board, controller=controller)
    controller.setParent(window)
    announced: list[BoardCall] = []
    controller.callAnnounced.connect(announced.append)
    controller.on_event(event(11, "ticket.called", {"ticket": "garbage"}))
    controller.on_event(call_payload(12, "A100", 3, tid=100))
    controller.on_event(call_payload(13, "A101", 4, tid=101))
    assert [e.seq for e in controller.errors] == [11]
    assert said == ["A100", "A101"]
    assert [c.number for c in announced] == ["A100", "A101"]
    assert window.shown_calls()[0] == ("A101", "4")


def test_the_window_shows_the_connection_its_controller_reports(
    make_window: Callable[..., DisplayWindow],
) -> None:
    board = loaded_board()
    controller = DisplayController(board, None)
    window = make_window(board, controller=controller)
    assert window.controller is controller and window.connection is Connection.CONNECTING
    controller.on_connection(True)
    assert window.connection is Connection.ONLINE and window.banner.isHidden()
    controller.on_connection(False)
    assert window.connection is Connection.OFFLINE
    controller.on_fatal("invalid_token")
    controller.on_connection(False)  # a refused display does not pretend to reconnect
    assert window.connection is Connection.REFUSED


def test_windows_do_not_leak_into_each_other(make_window: Callable[..., DisplayWindow]) -> None:
    first, second = make_window(), make_window(Board())
    assert isinstance(first, QWidget) and first.board is not second.board
