"""The pieces the two browser pages share, and the status page's polling rule, on their own."""

from __future__ import annotations

import json

import pytest

from kolejka.core.states import TicketStatus
from server.routes.pages import BOOT_MARK, page_headers, with_boot
from server.ticket_status import POLL_MS, poll_after_ms


@pytest.mark.parametrize(
    ("status", "ahead", "poll_ms"),
    [
        (TicketStatus.WAITING, 0, POLL_MS),
        (TicketStatus.WAITING, 3, POLL_MS),
        (TicketStatus.WAITING, 4, 2 * POLL_MS),
        (TicketStatus.WAITING, 10, 2 * POLL_MS),
        (TicketStatus.WAITING, 11, 5 * POLL_MS),
        (TicketStatus.WAITING, None, POLL_MS),
        (TicketStatus.CALLED, None, POLL_MS),
        (TicketStatus.DONE, None, POLL_MS),
    ],
)
def test_a_ticket_far_back_is_asked_about_less_often(
    status: TicketStatus, ahead: int | None, poll_ms: int
) -> None:
    assert poll_after_ms(status, ahead) == poll_ms


def test_the_boot_data_is_spliced_in_and_cannot_close_its_script() -> None:
    page = f"<script>{BOOT_MARK}</script>"
    spliced = with_boot(page, {"name": "</script><script>alert(1)</script>", "n": "Łódź"})
    inner = spliced.removeprefix("<script>").removesuffix("</script>")
    assert "</" not in inner and "Łódź" in inner
    assert json.loads(inner.replace("<\\/", "</"))["name"].startswith("</script>")


def test_only_the_board_may_open_a_socket_and_only_the_ticket_page_hides_from_search() -> None:
    ticket_page, board = page_headers(noindex=True), page_headers(connect_src="'self' ws: wss:")
    assert "connect-src 'self';" in ticket_page["Content-Security-Policy"]
    assert "connect-src 'self' ws: wss:;" in board["Content-Security-Policy"]
    assert ticket_page["X-Robots-Tag"] == "noindex, nofollow" and "X-Robots-Tag" not in board
    for headers in (ticket_page, board):
        assert headers["Cache-Control"] == "no-store"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Content-Type-Options"] == "nosniff"
