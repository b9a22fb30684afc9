"""The mailer's connections: many messages over one (no TLS handshake and AUTH each), a
connection the server dropped before a message replaced at once without sending anything
twice, and one dropped while the text was on the wire left for the admin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from server.mailer import SmtpMailer
from server.models import OutboxMessage
from server.sender import Sender
from tests.messaging import SMTP_PASSWORD, SMTP_USER, Mailbox
from tests.server.test_outbox import queue, rows


def one_connection(db: Any, clock: Any, box: Mailbox) -> tuple[Sender, SmtpMailer]:
    """One connection, so the messages go one after another and which meets a drop is
    known; a round claims 8."""
    smtp = SmtpMailer(
        "127.0.0.1",
        box.port,
        sender="wizyty@urzad.example",
        username=SMTP_USER,
        password=SMTP_PASSWORD,
        ca_file=box.cert,
        timeout_s=10,
        connections=1,
    )
    return Sender(db, clock, {"email": smtp}, secret="s", base_url=None, concurrency=2), smtp


def arrived(box: Mailbox, n: int) -> list[str]:
    got = sorted(str(box.next()["To"]) for _ in range(n))
    assert box.empty()
    return got


async def test_many_messages_go_over_one_connection(
    site_db: Any, clock: Any, tmp_path: Path
) -> None:
    box = Mailbox(tmp_path).start()
    run, _smtp = one_connection(site_db, clock, box)
    queue(site_db, 5)
    try:
        assert await run.round() == 5
        assert arrived(box, 5) == [f"v{i}@example.com" for i in range(5)]
        queue(site_db, 2)
        assert await run.round() == 2  # the next round keeps the connection too
        assert len(arrived(box, 2)) == 2
        assert box.logins == 1
    finally:
        await run.close()
        box.stop()


async def test_a_connection_dropped_before_a_message_is_replaced_and_nothing_twice(
    site_db: Any, clock: Any, tmp_path: Path
) -> None:
    box = Mailbox(tmp_path).start()
    box.drop_at_mail = {3}  # the third message finds its connection gone
    run, _smtp = one_connection(site_db, clock, box)
    queue(site_db, 5)
    try:
        assert await run.round() == 5
        assert arrived(box, 5) == [f"v{i}@example.com" for i in range(5)]
        assert box.logins == 2
        assert all(r.status == "sent" and r.attempts == 1 for r in rows(site_db))
    finally:
        await run.close()
        box.stop()


async def test_a_connection_dropped_during_the_text_is_never_sent_again(
    site_db: Any, clock: Any, tmp_path: Path
) -> None:
    box = Mailbox(tmp_path).start()
    box.drop_at_data = {2}  # the second message's text went out, its answer never came
    run, _smtp = one_connection(site_db, clock, box)
    queue(site_db, 4)
    try:
        assert await run.round() == 4
        assert arrived(box, 3) == ["v0@example.com", "v2@example.com", "v3@example.com"]
        by_status: dict[str, list[OutboxMessage]] = {}
        for r in rows(site_db):
            by_status.setdefault(r.status, []).append(r)
        assert len(by_status["sent"]) == 3
        (lost,) = by_status["failed"]  # the admin decides: it may have arrived
        assert "connection lost while sending" in (lost.last_error or "")
        clock.advance(hours=7)
        assert await run.round() == 0
        assert box.empty() and box.logins == 2
    finally:
        await run.close()
        box.stop()


async def test_closing_leaves_no_socket_open_even_before_the_server_says_goodbye(
    site_db: Any, clock: Any, tmp_path: Path
) -> None:
    """Over STARTTLS a closed connection waits for the server's TLS goodbye; a slow server
    answered it after the sender's loop had ended, and the socket stayed open (found by the
    garbage collector in some later test). `close` returns with every socket closed."""
    box = Mailbox(tmp_path).start()
    run, smtp = one_connection(site_db, clock, box)
    queue(site_db, 2)
    try:
        assert await run.round() == 2
        assert len(arrived(box, 2)) == 2
        (pooled,) = smtp._idle
        sock = pooled.get_transport_info("socket")
        assert sock.fileno() != -1
        await run.close()
        assert sock.fileno() == -1  # closed now, not when the server gets round to it
        assert not smtp._idle
    finally:
        await run.close()
        box.stop()
