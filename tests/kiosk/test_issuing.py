"""The work behind a tap, without Qt: a real server, the printer emulator at the edge."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator

import pytest

from kiosk.errors import TicketNotPrinted
from kiosk.issuing import TicketIssuer
from kolejka.client import KolejkaClient, ServerUnreachable
from printers import open_printer
from tests.display.netcut import NetworkCut
from tests.kiosk.thermal import RollRunsOut, network, printed_numbers
from tests.support import KIOSK_TOKEN, PASSWORD, LiveServer


@pytest.fixture
def issuer(sqlite_server: LiveServer, thermal_printer: RollRunsOut) -> Iterator[TicketIssuer]:
    client = KolejkaClient(sqlite_server.url, "test", KIOSK_TOKEN, retries=0)
    # A long status timeout: the printer's answer must not be taken for silence while the
    # test stops the server from inside the printer's thread.
    printer = open_printer(network(thermal_printer).model_copy(update={"status_timeout_s": 30}))
    yield TicketIssuer(client, printer, status_base=sqlite_server.url)
    client.close()
    printer.close()


def staff_view(server: LiveServer) -> list[tuple[str, str]]:
    with KolejkaClient(server.url, "test") as boss:
        boss.login("boss", PASSWORD)
        events = boss.list_events().data
    return [
        (
            e.type,
            e.payload["ticket"]["number"] if e.type.startswith("ticket.") else e.payload["status"],
        )
        for e in events
        if e.type.startswith(("ticket.", "printer."))
    ]


def test_a_ticket_that_could_not_be_taken_back_is_cancelled_when_the_server_returns(
    issuer: TicketIssuer, sqlite_server: LiveServer, thermal_printer: RollRunsOut
) -> None:
    issuer.refresh()
    assert issuer.printer_status() == "online"
    # The roll ends after the kiosk's own look, and the network goes with it: the server
    # issued A001, but neither the cancellation nor the fault can reach it.
    thermal_printer.empty_after = thermal_printer.paper_reads + 1
    thermal_printer.on_empty = sqlite_server.stop
    with pytest.raises(TicketNotPrinted) as refused:
        issuer.issue("A", "pl", priority=False)
    assert (refused.value.ticket.number, refused.value.cancelled) == ("A001", False)
    assert refused.value.reason == "paper_out"
    assert printed_numbers(thermal_printer) == []

    sqlite_server.start()
    assert staff_view(sqlite_server) == [("printer.status", "online"), ("ticket.issued", "A001")]
    issuer.refresh()  # the next background refresh takes the ticket back…
    assert issuer.printer_status() == "paper_out"  # …and the next look reports the fault
    assert staff_view(sqlite_server) == [
        ("printer.status", "online"),
        ("ticket.issued", "A001"),
        ("ticket.cancelled", "A001"),
        ("printer.status", "paper_out"),
    ]
    with KolejkaClient(sqlite_server.url, "test", KIOSK_TOKEN) as client:
        assert client.queue_snapshot().waiting == []


class AnswerThief(NetworkCut):
    """A relay that, while `steal` is on, passes the kiosk's request to the server and
    throws the server's answer away (a network that drops just at the wrong moment)."""

    steal = False

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                if self.steal and source.getpeername() == self.target:
                    break  # the server answered; the kiosk never hears it
                sink.sendall(data)
        self._drop(source, sink)


def test_a_ticket_whose_answer_was_lost_is_taken_back_when_the_server_answers_again(
    sqlite_server: LiveServer, thermal_printer: RollRunsOut
) -> None:
    relay = AnswerThief(sqlite_server.port)
    client = KolejkaClient(relay.url, "test", KIOSK_TOKEN, retries=0)
    printer = open_printer(network(thermal_printer))
    issuer = TicketIssuer(client, printer, status_base=sqlite_server.url)
    try:
        issuer.refresh()
        relay.steal = True
        with pytest.raises(ServerUnreachable):
            issuer.issue("A", "pl", priority=False)
        with KolejkaClient(sqlite_server.url, "test", KIOSK_TOKEN) as direct:
            assert [t.number for t in direct.queue_snapshot().waiting] == ["A001"]
        assert printed_numbers(thermal_printer) == []  # nobody holds A001

        relay.steal = False
        issuer.refresh()  # the next background refresh asks again with the same key…
        assert staff_view(sqlite_server) == [
            ("printer.status", "online"),
            ("ticket.issued", "A001"),
            ("ticket.cancelled", "A001"),  # …gets A001 back, not a second ticket, and cancels it
        ]
        issuer.refresh()
        assert len(staff_view(sqlite_server)) == 3  # taken back once
    finally:
        client.close()
        printer.close()
        relay.close()


def test_a_refused_connection_issued_nothing_and_leaves_nothing_to_take_back(
    sqlite_server: LiveServer, thermal_printer: RollRunsOut
) -> None:
    relay = AnswerThief(sqlite_server.port)
    client = KolejkaClient(relay.url, "test", KIOSK_TOKEN, retries=0)
    printer = open_printer(network(thermal_printer))
    issuer = TicketIssuer(client, printer, status_base=sqlite_server.url)
    try:
        issuer.refresh()
        relay.cut()  # nothing listens: the request cannot have reached the server
        with pytest.raises(ServerUnreachable):
            issuer.issue("A", "pl", priority=False)
        relay.restore()
        issuer.refresh()
        assert [e for e in staff_view(sqlite_server) if e[0].startswith("ticket.")] == []
    finally:
        client.close()
        printer.close()
        relay.close()


def test_the_kiosk_prints_again_what_the_console_asks_it_to(
    issuer: TicketIssuer, sqlite_server: LiveServer, thermal_printer: RollRunsOut
) -> None:
    from tests.console.helpers import console, page_csrf
    from tests.support import KIOSK2_TOKEN, kiosk_actor

    issuer.refresh()  # the first look notes where the event log stands
    ticket = issuer.issue("A", "pl", priority=False)
    with KolejkaClient(sqlite_server.url, "test", KIOSK2_TOKEN) as other:
        theirs = other.issue_ticket("B", "en", "normal")
    with console(sqlite_server) as desk:
        token = page_csrf(desk)
        for ticket_id, device in ((ticket.id, kiosk_actor(sqlite_server.services.db).id),):
            answer = desk.post(
                "/admin/monitor/actions/reprint",
                data={"csrf": token, "ticket": str(ticket_id), "device": str(device)},
            )
            assert answer.status_code == 200, answer.text
    assert issuer.reprint_requested() == [ticket.number]
    assert printed_numbers(thermal_printer) == [ticket.number, ticket.number]
    assert issuer.reprint_requested() == []  # once
    assert theirs.number not in printed_numbers(thermal_printer)
