"""The display against a real server: live events, resume after cuts, announcements.

Offscreen Qt, a real uvicorn server (sqlite_server), a real event stream; the network
cut is a relay the test unplugs (tests/display/netcut.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from display.app import build_display_window
from display.board import BoardCall
from display.config import SpeechSettings
from display.window import Connection, DisplayWindow
from kolejka.client import KolejkaClient
from kolejka.schemas import TicketPublic
from tests.display.netcut import NetworkCut
from tests.support import DISPLAY_TOKEN, KIOSK_TOKEN, LiveServer

pytestmark = pytest.mark.gui
SILENT = SpeechSettings(engine="off")
WAIT_MS = 20_000  # generous: the test machine is shared; waits end as soon as true


class Hall:
    """A display window plus what it announced, in order."""

    def __init__(self, window: DisplayWindow) -> None:
        self.window = window
        self.said: list[BoardCall] = []
        self.resets = 0
        assert window.controller is not None
        window.controller.callAnnounced.connect(self.said.append)
        window.controller.boardReset.connect(self._reset)

    def _reset(self) -> None:
        self.resets += 1

    @property
    def spoken(self) -> list[tuple[str, int, bool]]:
        return [(c.number, c.counter, c.recall) for c in self.said]


@pytest.fixture
def open_display(qtbot: QtBot) -> Iterator[Callable[..., Hall]]:
    windows: list[DisplayWindow] = []

    def make(url: str, **options: Any) -> Hall:
        options.setdefault("speech", SILENT)
        window = build_display_window(url, "test", DISPLAY_TOKEN, **options)
        qtbot.addWidget(window)
        windows.append(window)
        hall = Hall(window)
        qtbot.waitUntil(
            lambda: window.board.loaded and window.connection is Connection.ONLINE,
            timeout=WAIT_MS,
        )
        return hall

    yield make
    for window in windows:
        window.shutdown()


@pytest.fixture
def kiosk(sqlite_server: LiveServer) -> Iterator[KolejkaClient]:
    with KolejkaClient(sqlite_server.url, "test", KIOSK_TOKEN) as client:
        yield client


def issue(
    kiosk: KolejkaClient, count: int, service: str = "A", language: str = "pl"
) -> list[TicketPublic]:
    return [kiosk.issue_ticket(service, language, "normal") for _ in range(count)]


def call_after(clerk: KolejkaClient, counter: int, previous: TicketPublic | None) -> TicketPublic:
    """Call the next ticket at `counter`, marking the one still called there a no-show."""
    if previous is not None:
        clerk.mark_no_show(previous.id)
    ticket = clerk.call_next(counter)
    assert ticket is not None
    return ticket


def test_events_from_the_server_update_the_board(
    sqlite_server: LiveServer,
    kiosk: KolejkaClient,
    clerk_client: Any,
    open_display: Callable[..., Hall],
    qtbot: QtBot,
) -> None:
    issue(kiosk, 2, "A", "uk")
    hall = open_display(sqlite_server.url)
    window = hall.window
    assert window.number_label.text() == "—"
    assert window.service_rows["A"].count.text() == "2"
    assert window.site_name.text() == "Test Office"

    clerk = clerk_client(sqlite_server, "clerk1", counter=4)
    called = clerk.call_next(4)
    assert called is not None
    qtbot.waitUntil(lambda: window.number_label.text() == called.number, timeout=WAIT_MS)
    assert window.counter_label.text() == "4"
    assert window.service_rows["A"].count.text() == "1"
    assert window.blinker.active
    assert window.language == "uk"  # the caller's language joins Polish while it blinks
    assert window.now_caption.secondary.text() == "Запрошуємо"
    assert hall.spoken == [(called.number, 4, False)]


def test_a_burst_of_five_calls_is_announced_five_times_in_order(
    sqlite_server: LiveServer,
    kiosk: KolejkaClient,
    clerk_client: Any,
    open_display: Callable[..., Hall],
    qtbot: QtBot,
) -> None:
    issue(kiosk, 5)
    hall = open_display(sqlite_server.url)
    calls = []
    for counter in (1, 2, 4, 5, 6):  # counters serving A (3 serves only C)
        ticket = clerk_client(sqlite_server, f"clerk{counter}", counter=counter).call_next(counter)
        assert ticket is not None
        calls.append((ticket.number, counter, False))
    qtbot.waitUntil(lambda: len(hall.said) == 5, timeout=WAIT_MS)
    assert hall.spoken == calls
    assert hall.window.shown_calls() == [(n, str(c)) for n, c, _ in reversed(calls)]


def test_a_recall_is_announced_again(
    sqlite_server: LiveServer,
    kiosk: KolejkaClient,
    clerk_client: Any,
    open_display: Callable[..., Hall],
    qtbot: QtBot,
) -> None:
    issue(kiosk, 2)
    hall = open_display(sqlite_server.url)
    first = clerk_client(sqlite_server, "clerk1", counter=1)
    second = clerk_client(sqlite_server, "clerk2", counter=2)
    a = first.call_next(1)
    b = second.call_next(2)
    assert a is not None and b is not None
    first.recall_ticket(a.id)
    qtbot.waitUntil(lambda: len(hall.said) == 3, timeout=WAIT_MS)
    assert hall.spoken == [(a.number, 1, False), (b.number, 2, False), (a.number, 1, True)]
    assert hall.window.shown_calls() == [(a.number, "1"), (b.number, "2")]
    assert hall.window.recall_label.isVisibleTo(hall.window)


def test_a_fresh_display_shows_earlier_calls_without_announcing_them(
    sqlite_server: LiveServer,
    kiosk: KolejkaClient,
    clerk_client: Any,
    open_display: Callable[..., Hall],
    qtbot: QtBot,
) -> None:
    issue(kiosk, 3)
    clerk = clerk_client(sqlite_server, "clerk1", counter=1)
    earlier = [call_after(clerk, 1, None)]
    earlier.append(call_after(clerk, 1, earlier[-1]))
    hall = open_display(sqlite_server.url)
    assert [n for n, _ in hall.window.shown_calls()] == [t.number for t in reversed(earlier)]
    assert hall.said == [] and hall.resets == 1
    later = call_after(clerk, 1, earlier[-1])
    assert later is not None
    qtbot.waitUntil(lambda: len(hall.said) == 1, timeout=WAIT_MS)
    assert hall.spoken == [(later.number, 1, False)]


@pytest.mark.parametrize("refuse", [True, False], ids=["refused", "hung-up"])
def test_a_network_cut_misses_no_call_and_repeats_none(
    sqlite_server: LiveServer,
    kiosk: KolejkaClient,
    clerk_client: Any,
    open_display: Callable[..., Hall],
    qtbot: QtBot,
    refuse: bool,
) -> None:
    issue(kiosk, 4)
    cable = NetworkCut(sqlite_server.port)
    try:
        hall = open_display(cable.url)
        clerk = clerk_client(sqlite_server, "clerk1", counter=1)
        first = clerk.call_next(1)
        assert first is not None
        qtbot.waitUntil(lambda: len(hall.said) == 1, timeout=WAIT_MS)

        cable.cut(refuse=refuse)
        qtbot.waitUntil(lambda: hall.window.connection is Connection.OFFLINE, timeout=WAIT_MS)
        assert hall.window.banner.isVisibleTo(hall.window)
        assert "Brak połączenia" in hall.window.banner.text()
        assert hall.window.number_label.text() == first.number  # the last known call stays
        missed = [call_after(clerk, 1, first)]  # called while the display is cut off
        for _ in range(2):
            missed.append(call_after(clerk, 1, missed[-1]))

        if not refuse:  # the display tried (and was hung up on) before the cable is back
            qtbot.waitUntil(lambda: cable.hung_up >= 2, timeout=WAIT_MS)
        cable.restore()
        qtbot.waitUntil(lambda: len(hall.said) == 4, timeout=WAIT_MS)
        assert hall.window.connection is Connection.ONLINE
        assert not hall.window.banner.isVisibleTo(hall.window)
    finally:
        cable.close()
    assert hall.spoken == [(t.number, 1, False) for t in [first, *missed]]
    assert hall.resets == 1  # resumed after the last sequence number: no reload
    assert hall.window.number_label.text() == missed[-1].number


def test_a_server_restart_misses_no_call(
    sqlite_server: LiveServer,
    kiosk: KolejkaClient,
    clerk_client: Any,
    open_display: Callable[..., Hall],
    qtbot: QtBot,
) -> None:
    issue(kiosk, 2)
    hall = open_display(sqlite_server.url)
    clerk = clerk_client(sqlite_server, "clerk1", counter=1)
    first = clerk.call_next(1)
    assert first is not None
    qtbot.waitUntil(lambda: len(hall.said) == 1, timeout=WAIT_MS)
    sqlite_server.restart()
    second = call_after(clerk, 1, first)
    qtbot.waitUntil(lambda: len(hall.said) == 2, timeout=WAIT_MS)
    assert hall.spoken == [(first.number, 1, False), (second.number, 1, False)]
    assert hall.resets == 1


def test_a_zone_display_shows_and_announces_only_its_counters(
    sqlite_server: LiveServer,
    kiosk: KolejkaClient,
    clerk_client: Any,
    open_display: Callable[..., Hall],
    qtbot: QtBot,
) -> None:
    issue(kiosk, 1, "A")
    issue(kiosk, 1, "C")
    hall = open_display(sqlite_server.url, zone="3")
    assert list(hall.window.service_rows) == ["C"]  # counter 3 serves only C
    outside = clerk_client(sqlite_server, "clerk1", counter=1).call_next(1)
    inside = clerk_client(sqlite_server, "clerk3", counter=3).call_next(3)
    assert outside is not None and inside is not None
    qtbot.waitUntil(lambda: len(hall.said) == 1, timeout=WAIT_MS)
    last_seq = sqlite_server.services.reads.site_state(1)[1]
    qtbot.waitUntil(lambda: (hall.window.board.seq or 0) >= last_seq, timeout=WAIT_MS)
    assert hall.spoken == [(inside.number, 3, False)]
    assert hall.window.shown_calls() == [(inside.number, "3")]


def test_a_refused_token_says_so_on_the_board(
    sqlite_server: LiveServer,
    qtbot: QtBot,
) -> None:
    window = build_display_window(sqlite_server.url, "test", "not-a-token", speech=SILENT)
    qtbot.addWidget(window)
    try:
        qtbot.waitUntil(lambda: window.connection is Connection.REFUSED, timeout=WAIT_MS)
        assert "Serwer odrzucił" in window.banner.text()
    finally:
        window.shutdown()
