"""The real kiosk window, offscreen, against a real server on a free port.

Each test drives the widgets as a visitor would (taps, scanner keystrokes) and checks what
the server recorded and what the printer produced.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton
from pytestqt.qtbot import QtBot

from kiosk.controller import Timing
from kiosk.flow import Screen
from kiosk.screens import ServicesScreen
from kiosk.theme import MIN_TOUCH_MM, mm_to_px
from kiosk.window import KioskWindow
from kolejka.client import KolejkaClient
from tests.kiosk.support import MakeKiosk, on_screen, tap, text_of, visible_buttons
from tests.kiosk.thermal import PAPER_OUT, READY, RollRunsOut, network, printed_numbers
from tests.support import (
    KIOSK2_TOKEN,
    KIOSK_TOKEN,
    PASSWORD,
    T0,
    LiveServer,
    site_config_dict,
)

pytestmark = pytest.mark.gui


def test_a_visitor_picks_a_language_and_a_service_and_takes_one_printed_ticket(
    qtbot: QtBot, make_kiosk: MakeKiosk, sqlite_server: LiveServer, tmp_path: Path
) -> None:
    window = make_kiosk()
    tap(qtbot, window, "language-uk")
    assert window.state.screen is Screen.SERVICES
    card = window.findChild(QPushButton, "service-A")
    assert card is not None and "Temporary residence (uk)" in card.accessibleName()
    closed = window.findChild(QPushButton, "service-D")  # opens 08-09 only
    assert closed is not None and not closed.isEnabled()
    assert all(b.height() >= mm_to_px(MIN_TOUCH_MM) for b in visible_buttons(window))

    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)  # an impatient double tap
    on_screen(qtbot, window, Screen.TICKET)

    assert text_of(window, "ticketNumber") == "A001"
    assert text_of(window, "ticketAhead") == "Перед вами нікого немає."
    with KolejkaClient(sqlite_server.url, "test", KIOSK_TOKEN) as client:
        waiting = client.queue_snapshot().waiting
    assert [(t.number, t.language) for t in waiting] == [("A001", "uk")]
    printed = list((tmp_path / "tickets").glob("*.png"))
    assert len(printed) == 1


def test_an_appointment_checks_in_by_scanner_and_refusals_are_explained(
    qtbot: QtBot, make_kiosk: MakeKiosk, sqlite_server: LiveServer
) -> None:
    with KolejkaClient(sqlite_server.url, "test") as boss:
        boss.login("boss", PASSWORD)
        now = boss.create_appointment("A", T0 + timedelta(minutes=15), "ru")
        later = boss.create_appointment("B", T0 + timedelta(hours=3), "ru")
    window = make_kiosk()
    tap(qtbot, window, "language-ru")

    qtbot.keyClicks(window, now.token)  # the scanner types the QR payload…
    qtbot.keyClick(window, Qt.Key.Key_Return)  # …and ends it with Enter
    on_screen(qtbot, window, Screen.TICKET)
    assert text_of(window, "ticketNumber") == "A001"
    assert window.state.ticket is not None
    assert window.state.ticket.appointment_at == now.start

    tap(qtbot, window, "done")
    tap(qtbot, window, "language-ru")
    tap(qtbot, window, "appointment")
    for key in later.code.replace("-", ""):
        tap(qtbot, window, f"key-{key}")
    tap(qtbot, window, "checkIn")
    on_screen(qtbot, window, Screen.NOTICE)
    assert text_of(window, "noticeBody").startswith("Регистрироваться ещё рано.")

    tap(qtbot, window, "noticeOk")
    qtbot.keyClicks(window, now.token)  # the same booking again
    qtbot.keyClick(window, Qt.Key.Key_Return)
    on_screen(qtbot, window, Screen.NOTICE)
    assert window.state.notice == "appointment_used"
    assert text_of(window, "noticeBody").startswith("По этой записи талон уже получен.")


def test_the_server_going_away_is_said_and_the_kiosk_comes_back_by_itself(
    qtbot: QtBot, make_kiosk: MakeKiosk, sqlite_server: LiveServer, tmp_path: Path
) -> None:
    window = make_kiosk()
    tap(qtbot, window, "language-pl")
    sqlite_server.stop()
    tap(qtbot, window, "service-A")
    on_screen(qtbot, window, Screen.UNAVAILABLE)
    assert text_of(window, "unavailableReason") == "Brak połączenia z systemem kolejkowym."
    assert not list((tmp_path / "tickets").glob("*.png"))  # nothing printed

    sqlite_server.start()
    on_screen(qtbot, window, Screen.LANGUAGE)
    with KolejkaClient(sqlite_server.url, "test", KIOSK_TOKEN) as client:
        assert client.queue_snapshot().waiting == []  # and nothing issued


def test_an_idle_kiosk_returns_to_the_start_and_forgets_the_visitor(
    qtbot: QtBot, make_kiosk: MakeKiosk
) -> None:
    window = make_kiosk(
        timing=Timing(
            idle_timeout_s=0.3, confirmation_s=0.3, refresh_s=60, retry_s=0.2, printer_poll_s=60
        )
    )
    tap(qtbot, window, "language-en")
    tap(qtbot, window, "priority")
    assert window.state.priority
    on_screen(qtbot, window, Screen.LANGUAGE)
    assert (window.state.language, window.state.priority) == (None, False)

    tap(qtbot, window, "language-en")
    tap(qtbot, window, "service-B")
    on_screen(qtbot, window, Screen.TICKET)
    on_screen(qtbot, window, Screen.LANGUAGE)  # the confirmation leaves by itself


# --- the printer at the hardware edge ----------------------------------------------------


def printer_reports(server: LiveServer) -> list[str]:
    """What staff see: the kiosk's printer states, in the site's event log."""
    with KolejkaClient(server.url, "test") as boss:
        boss.login("boss", PASSWORD)
        events = boss.list_events().data
    return [
        e.payload["status"]
        for e in events
        if e.type == "printer.status" and e.payload["device"] == "k1"
    ]


def ticket_events(server: LiveServer) -> list[tuple[str, str]]:
    with KolejkaClient(server.url, "test") as boss:
        boss.login("boss", PASSWORD)
        events = boss.list_events().data
    return [(e.type, e.payload["ticket"]["number"]) for e in events if e.type.startswith("ticket.")]


def wait_for_printer_read(qtbot: QtBot, window: KioskWindow, printer: RollRunsOut) -> None:
    """The kiosk's start-up look at the printer is over (so the next read is the tap's)."""
    qtbot.waitUntil(
        lambda: printer.paper_reads >= 1 and not window.controller._printer_call.running,
        timeout=10_000,
    )


def test_paper_running_out_as_a_ticket_is_printed_takes_the_ticket_back_and_says_so(
    qtbot: QtBot,
    make_kiosk: MakeKiosk,
    sqlite_server: LiveServer,
    thermal_printer: RollRunsOut,
) -> None:
    window = make_kiosk(printer_config=network(thermal_printer))
    wait_for_printer_read(qtbot, window, thermal_printer)
    assert printer_reports(sqlite_server) == ["online"]
    tap(qtbot, window, "language-uk")
    # The kiosk's look before asking for a ticket still finds paper; the printer's own
    # check just before the job finds the roll empty.
    thermal_printer.empty_after = thermal_printer.paper_reads + 1
    tap(qtbot, window, "service-A")
    on_screen(qtbot, window, Screen.UNAVAILABLE)

    assert text_of(window, "unavailableReason") == "У принтері талонів закінчився папір."
    assert text_of(window, "unavailableTitle") == "Зараз талони не видаються."
    assert printed_numbers(thermal_printer) == []
    # The server issued A001, heard why it was not printed, and has it cancelled:
    # nobody waits for a number that never reached paper.
    assert ticket_events(sqlite_server) == [("ticket.issued", "A001"), ("ticket.cancelled", "A001")]
    assert printer_reports(sqlite_server) == ["online", "paper_out"]
    with KolejkaClient(sqlite_server.url, "test", KIOSK_TOKEN) as client:
        assert client.queue_snapshot().waiting == []

    thermal_printer.empty_after = None
    thermal_printer.set(**READY)  # staff put in a new roll
    on_screen(qtbot, window, Screen.LANGUAGE)  # the kiosk notices by itself
    qtbot.waitUntil(lambda: printer_reports(sqlite_server)[-1] == "online", timeout=10_000)
    tap(qtbot, window, "language-uk")
    tap(qtbot, window, "service-A")
    on_screen(qtbot, window, Screen.TICKET)
    assert text_of(window, "ticketNumber") == "A002"
    qtbot.waitUntil(lambda: printed_numbers(thermal_printer) == ["A002"], timeout=10_000)


def test_an_empty_printer_stops_tickets_before_any_is_issued(
    qtbot: QtBot,
    make_kiosk: MakeKiosk,
    sqlite_server: LiveServer,
    thermal_printer: RollRunsOut,
) -> None:
    window = make_kiosk(printer_config=network(thermal_printer))
    wait_for_printer_read(qtbot, window, thermal_printer)
    tap(qtbot, window, "language-ru")
    thermal_printer.set(**PAPER_OUT)  # the roll ends while the visitor reads the cards
    tap(qtbot, window, "service-B")
    qtbot.mouseClick(window.findChild(QPushButton, "service-B"), Qt.MouseButton.LeftButton)
    on_screen(qtbot, window, Screen.UNAVAILABLE)

    assert text_of(window, "unavailableReason") == "В принтере талонов закончилась бумага."
    assert ticket_events(sqlite_server) == []  # no number was asked for
    assert printer_reports(sqlite_server) == ["online", "paper_out"]
    # Nothing left to tap but the language, the larger text and the contrast.
    assert {b.objectName() for b in visible_buttons(window)} == {
        "largeText",
        "highContrast",
        *(f"footer-language-{lang}" for lang in ("pl", "en", "uk", "ru")),
    }

    thermal_printer.set(**READY)
    on_screen(qtbot, window, Screen.LANGUAGE)
    qtbot.waitUntil(
        lambda: printer_reports(sqlite_server) == ["online", "paper_out", "online"], timeout=10_000
    )


# --- what the cards offer ------------------------------------------------------------------

RESIDENCE = {"pl": "Pobyt", "en": "Residence", "uk": "Проживання", "ru": "Пребывание"}


@pytest.fixture
def grouped_server(sqlite_url: str, clock: Any, password_hash: str) -> Iterator[LiveServer]:
    """The test office with temporary and permanent residence under one "Residence" card."""
    from server.app import create_app
    from server.settings import Settings
    from server.siteconfig import parse_config

    data = site_config_dict(password_hash)
    for service in data["sites"][0]["services"]:
        if service["code"] in ("A", "B"):
            service["group"] = "residence"
            service["group_names"] = RESIDENCE
    config = parse_config(data)
    settings = Settings(environment="test", database_url=sqlite_url, kiosk_rate_per_minute=100_000)
    server = LiveServer(lambda: create_app(settings, clock=clock, site_config=config)).start()
    yield server
    server.stop()


def cards(window: KioskWindow) -> set[str]:
    """The cards on show (new ones appear with the next turn of the event loop)."""
    return {b.objectName() for b in visible_buttons(window) if b.property("role") == "card"}


def test_grouped_services_open_in_two_levels(
    qtbot: QtBot, make_kiosk: MakeKiosk, grouped_server: LiveServer
) -> None:
    window = make_kiosk(server=grouped_server)
    tap(qtbot, window, "language-uk")
    qtbot.waitUntil(
        lambda: cards(window) == {"group-residence", "service-C", "service-D"}, timeout=10_000
    )
    group = window.findChild(QPushButton, "group-residence")
    assert group is not None and group.accessibleName().startswith("Проживання")

    tap(qtbot, window, "group-residence")
    qtbot.waitUntil(lambda: cards(window) == {"service-A", "service-B"}, timeout=10_000)
    services = window.screens[Screen.SERVICES]
    assert isinstance(services, ServicesScreen)
    assert services.title.text() == "Проживання"
    qtbot.mouseClick(services.back, Qt.MouseButton.LeftButton)  # one level up, not out
    assert (window.state.screen, window.state.group) == (Screen.SERVICES, None)
    tap(qtbot, window, "group-residence")
    tap(qtbot, window, "service-B")
    on_screen(qtbot, window, Screen.TICKET)
    assert text_of(window, "ticketNumber") == "B001"
    assert text_of(window, "ticketService") == "Permanent residence (uk)"


def test_a_service_out_of_tickets_for_today_says_so_and_cannot_be_chosen(
    qtbot: QtBot, make_kiosk: MakeKiosk, sqlite_server: LiveServer
) -> None:
    with KolejkaClient(sqlite_server.url, "test", KIOSK2_TOKEN) as other_kiosk:
        other_kiosk.issue_ticket("C")
        other_kiosk.issue_ticket("C")  # one of the day's three is left
        window = make_kiosk()
        tap(qtbot, window, "language-ru")
        card = window.findChild(QPushButton, "service-C")
        assert card is not None and card.isEnabled()

        other_kiosk.issue_ticket("C")  # …and someone at the other kiosk takes it
    tap(qtbot, window, "service-C")
    on_screen(qtbot, window, Screen.NOTICE)
    assert text_of(window, "noticeBody") == "Талоны на эту услугу на сегодня закончились."

    tap(qtbot, window, "noticeOk")

    def c_closed() -> bool:
        card = window.findChild(QPushButton, "service-C")
        return card is not None and not card.isEnabled()

    qtbot.waitUntil(c_closed, timeout=10_000)
    card = window.findChild(QPushButton, "service-C")
    assert card is not None
    assert "Талоны на сегодня закончились" in card.accessibleName()
    reason = [label.text() for label in card.findChildren(QLabel) if label.isVisibleTo(card)]
    assert "⊘  Талоны на сегодня закончились" in reason  # in words, not by colour alone
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    assert window.state.screen is Screen.SERVICES  # a disabled card does nothing
    with KolejkaClient(sqlite_server.url, "test", KIOSK_TOKEN) as client:
        assert [t.number for t in client.queue_snapshot().waiting] == ["C001", "C002", "C003"]


@pytest.fixture
def no_priority_server(sqlite_url: str, clock: Any, password_hash: str) -> Iterator[LiveServer]:
    """The test office with priority tickets turned off by the office (not the kiosk)."""
    from tests.support import make_server

    server = make_server(sqlite_url, clock, password_hash, rules={"priority_enabled": False})
    server.start()
    yield server
    server.stop()


def test_the_priority_option_follows_the_offices_rule_not_only_the_kiosks(
    qtbot: QtBot, make_kiosk: MakeKiosk, no_priority_server: LiveServer, tmp_path: Path
) -> None:
    window = make_kiosk(server=no_priority_server)  # this kiosk's own setting allows it
    tap(qtbot, window, "language-en")
    priority = window.findChild(QPushButton, "priority")
    assert priority is not None and not priority.isVisibleTo(window)

    tap(qtbot, window, "service-A")
    on_screen(qtbot, window, Screen.TICKET)
    assert text_of(window, "ticketNumber") == "A001"
    with KolejkaClient(no_priority_server.url, "test", KIOSK_TOKEN) as client:
        assert [t.priority for t in client.queue_snapshot().waiting] == ["normal"]


def test_a_reprint_from_the_console_and_a_renamed_service_reach_the_kiosk_at_once(
    qtbot: QtBot, make_kiosk: MakeKiosk, sqlite_server: LiveServer, tmp_path: Path
) -> None:
    """The kiosk follows the site's events: neither waits for its next refresh (a minute
    away here)."""
    import httpx

    from tests.console.helpers import console, page_csrf
    from tests.support import PASSWORD, kiosk_actor

    window = make_kiosk()
    stream = window.controller.stream
    assert stream is not None
    qtbot.waitUntil(lambda: stream.stream.connected, timeout=10_000)
    tap(qtbot, window, "language-pl")
    tap(qtbot, window, "service-A")
    on_screen(qtbot, window, Screen.TICKET)
    tickets = tmp_path / "tickets"
    assert len(list(tickets.glob("*.png"))) == 1
    with KolejkaClient(sqlite_server.url, "test", KIOSK_TOKEN) as client:
        [ticket] = client.queue_snapshot().waiting
    with console(sqlite_server) as desk:
        answer = desk.post(
            "/admin/monitor/actions/reprint",
            data={
                "csrf": page_csrf(desk),
                "ticket": str(ticket.id),
                "device": str(kiosk_actor(sqlite_server.services.db).id),
            },
        )
        assert answer.status_code == 200, answer.text
    qtbot.waitUntil(lambda: len(list(tickets.glob("*.png"))) == 2, timeout=10_000)

    login = httpx.post(
        f"{sqlite_server.url}/api/v1/auth/login",
        json={"site": "test", "username": "root", "password": PASSWORD},
    )
    config = f"{sqlite_server.url}/api/v1/sites/test/config"
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    listing = httpx.get(f"{config}/services", headers=headers).json()
    service = next(s for s in listing["services"] if s["code"] == "A")
    service["names"]["pl"] = "Pobyt czasowy — wnioski"
    saved = httpx.put(
        f"{config}/services/A",
        json={"revision": listing["revision"], "service": service},
        headers=headers,
    )
    assert saved.status_code == 200, saved.text
    qtbot.waitUntil(
        lambda: any(
            s.names.get("pl") == "Pobyt czasowy — wnioski" for s in window.controller.services
        ),
        timeout=10_000,
    )
