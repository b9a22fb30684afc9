"""The outbox and its sender: retries with back-off, never twice, what failed for the
admin, and a mail server that is down (messages wait and go out once it is back)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from kolejka.core.booking import MAX_ATTEMPTS, DeliveryStatus, backoff
from server import outbox
from server.mailer import DeliveryError, FolderTransport, SmtpMailer
from server.models import OutboxMessage, Site
from server.outbox import Outgoing
from server.sender import Sender
from server.sms import SmsApiGateway, WebhookGateway
from tests.messaging import SMTP_PASSWORD, SMTP_USER, Mailbox, SmsGateway
from tests.support import T0


def site_id(db: Any) -> int:
    with db.read() as session:
        return session.exec(select(Site.id)).one()


def queue(db: Any, n: int, *, channel: str = "email", at: Any = T0) -> None:
    sid = site_id(db)
    with db.write() as session:
        for i in range(n):
            outbox.enqueue(
                session,
                site_id=sid,
                kind="reminder",
                channel=channel,
                recipient=f"v{i}@example.com" if channel == "email" else f"+4860010{i:04d}",
                language="pl",
                subject=f"Przypomnienie {i}",
                body=f"Kod {i}",
                now=at,
                attachments={"qr": "KA1.TEST"} if i == 0 else None,
            )


def rows(db: Any) -> list[OutboxMessage]:
    with db.read() as session:
        return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)))


def mailer(box: Mailbox) -> SmtpMailer:
    return SmtpMailer(
        "127.0.0.1",
        box.port,
        sender="wizyty@urzad.example",
        username=SMTP_USER,
        password=SMTP_PASSWORD,
        starttls=True,
        ca_file=box.cert,
        timeout_s=10,
    )


def sender(db: Any, clock: Any, transports: dict[str, Any]) -> Sender:
    return Sender(db, clock, transports, secret="s", base_url=None, concurrency=4)


def test_backoff_grows_and_is_capped() -> None:
    pauses = [backoff(n).total_seconds() for n in range(1, 12)]
    assert pauses[:4] == [30, 60, 120, 240]
    assert max(pauses) == 6 * 3600
    assert backoff(3, jitter=0.99) < backoff(3) * 1.1


async def test_a_dead_mail_server_makes_messages_wait_and_they_go_out_once_when_back(
    site_db: Any, clock: Any, tmp_path: Path
) -> None:
    box = Mailbox(tmp_path)  # not started: nobody listens on its port
    queue(site_db, 3)
    smtp = mailer(box)
    run = sender(site_db, clock, {"email": smtp})
    assert await run.round() == 3
    waiting = rows(site_db)
    assert {r.status for r in waiting} == {"pending"}
    assert all(r.attempts == 1 and "cannot reach" in (r.last_error or "") for r in waiting)
    assert all(r.next_attempt_at > T0 for r in waiting)
    assert await run.round() == 0  # not due yet: the back-off holds them

    box.start()
    try:
        clock.advance(minutes=2)
        assert await run.round() == 3
        got = sorted(box.next()["To"] for _ in range(3))
        assert got == ["v0@example.com", "v1@example.com", "v2@example.com"]
        done = rows(site_db)
        assert {r.status for r in done} == {"sent"}
        assert all(r.recipient is None and r.body is None for r in done)  # erased when sent
        clock.advance(hours=7)
        assert await run.round() == 0  # never again
        assert box.empty() and box.count == 3
    finally:
        await run.close()
        box.stop()


def test_a_refusal_is_retried_until_the_attempts_run_out_then_listed(
    site_db: Any, clock: Any
) -> None:
    class Refusing:
        async def send(self, message: Outgoing) -> None:
            raise DeliveryError("refused: 451 try later")

        async def close(self) -> None:
            return None

    queue(site_db, 1)
    run = sender(site_db, clock, {"email": Refusing()})
    for _ in range(MAX_ATTEMPTS):
        assert asyncio.run(run.round()) == 1
        clock.advance(hours=7)
    row = rows(site_db)[0]
    assert (row.status, row.attempts) == ("failed", MAX_ATTEMPTS)
    failed = outbox.failed_messages(site_db, site_id(site_db))
    assert [f.id for f in failed] == [row.id]
    assert outbox.mask(failed[0].recipient) == "v***@example.com"


def test_an_unknown_outcome_is_never_sent_again(site_db: Any, clock: Any) -> None:
    class Dropping:
        calls = 0

        async def send(self, message: Outgoing) -> None:
            Dropping.calls += 1
            raise DeliveryError("connection lost while sending", unknown=True)

        async def close(self) -> None:
            return None

    queue(site_db, 1)
    run = sender(site_db, clock, {"email": Dropping()})
    asyncio.run(run.round())
    clock.advance(hours=7)
    asyncio.run(run.round())
    assert Dropping.calls == 1
    assert rows(site_db)[0].status == "failed"


def test_a_sender_that_died_mid_delivery_leaves_it_for_the_admin(site_db: Any, clock: Any) -> None:
    queue(site_db, 1)
    claimed = outbox.claim(site_db, clock.now(), 10)
    assert len(claimed) == 1
    assert outbox.claim(site_db, clock.now(), 10) == []  # leased: nobody else takes it
    clock.advance(minutes=10)  # the lease ran out; did it go out? nobody knows
    assert outbox.claim(site_db, clock.now(), 10) == []
    row = rows(site_db)[0]
    assert row.status == DeliveryStatus.FAILED.value and "interrupted" in (row.last_error or "")


@pytest.mark.postgres
def test_two_senders_on_postgres_never_take_the_same_message(
    password_hash: str, clock: Any
) -> None:
    from server.db import Database
    from server.provisioning import apply_config
    from server.siteconfig import parse_config
    from tests.support import postgres_database, site_config_dict

    urls = postgres_database()
    url = next(urls)
    try:
        db = Database(url)
        db.upgrade()
        apply_config(db, parse_config(site_config_dict(password_hash)))
        queue(db, 40)
        other = Database(url)
        first = outbox.claim(db, clock.now(), 25)
        second = outbox.claim(other, clock.now(), 25)
        assert len(first) == 25 and len(second) == 15
        assert not {m.id for m in first} & {m.id for m in second}
        other.dispose()
        db.dispose()
    finally:
        with __import__("contextlib").suppress(StopIteration):
            next(urls)


def test_smsapi_format_and_a_permanent_error(site_db: Any, clock: Any) -> None:
    gateway = SmsGateway("tok").start()
    try:
        queue(site_db, 2, channel="sms")
        sms = SmsApiGateway("tok", sender="Urzad", base_url=gateway.url)
        gateway.fail_with = None
        run = sender(site_db, clock, {"sms": sms})
        asyncio.run(run.round())
        first, second = gateway.next(), gateway.next()
        assert first["path"] == "/sms.do" and first["auth"] == "Bearer tok"
        assert {first["to"], second["to"]} == {"48600100000", "48600100001"}
        assert first["from"] == "Urzad"
        assert first["format"] == "json" and first["encoding"] == "utf-8"
        gateway.fail_with = {"error": 13, "message": "Invalid phone number"}
        queue(site_db, 1, channel="sms")
        asyncio.run(run.round())
        failed = [r for r in rows(site_db) if r.status == "failed"]
        assert len(failed) == 1 and "SMSAPI error 13" in (failed[0].last_error or "")
        asyncio.run(sms.close())
    finally:
        gateway.stop()


def test_the_webhook_gateway_posts_json(site_db: Any, clock: Any) -> None:
    gateway = SmsGateway("hook").start()
    try:
        queue(site_db, 1, channel="sms")
        hook = WebhookGateway(gateway.url + "/hook", token="hook", sender="Urzad")
        asyncio.run(sender(site_db, clock, {"sms": hook}).round())
        got = gateway.next()
        assert got["path"] == "/hook" and got["message"] == "Kod 0" and got["kind"] == "reminder"
        assert rows(site_db)[0].status == "sent"
        asyncio.run(hook.close())
    finally:
        gateway.stop()


def test_the_demo_folder_holds_readable_messages(site_db: Any, clock: Any, tmp_path: Path) -> None:
    queue(site_db, 2)
    folder = tmp_path / "outbox"
    asyncio.run(sender(site_db, clock, {"email": FolderTransport(folder)}).round())
    files = sorted(p.name for p in folder.iterdir())
    assert files == ["000001-reminder.eml", "000002-reminder.eml"]
    assert "Przypomnienie 0" in (folder / files[0]).read_text()


async def test_a_send_cancelled_mid_message_closes_its_connection(tmp_path: Path) -> None:
    """The sender stopping while a message is on the wire: the connection is closed, not
    left for the garbage collector (an unclosed socket)."""
    box = Mailbox(tmp_path, delay_s=30).start()  # DATA is answered only after 30 s
    smtp = mailer(box)
    opened: list[Any] = []
    connect = smtp._connect

    async def recorded() -> Any:
        client = await connect()
        opened.append(client)
        return client

    smtp._connect = recorded  # type: ignore[method-assign]
    message = Outgoing(1, 1, "confirmed", "email", "v@example.com", "en", "S", "B", {}, 1)
    try:
        sending = asyncio.create_task(smtp.send(message))
        while not box.count and not (opened and opened[0].is_connected):
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.2)  # into MAIL/RCPT/DATA
        sending.cancel()
        with pytest.raises(asyncio.CancelledError):
            await sending
        assert opened and not opened[0].is_connected
        assert smtp._idle == []
    finally:
        await smtp.close()
        box.stop()


def test_a_large_claim_and_its_report_write_in_short_transactions(site_db: Any, clock: Any) -> None:
    """On SQLite every request's write waits for the sender's: a claim or a report of
    hundreds of messages is written WRITE_CHUNK rows a transaction, and still takes each
    message once and records each outcome."""
    import sqlalchemy as sa

    queue(site_db, 2 * outbox.WRITE_CHUNK + 7)
    updated: list[int] = []

    def count(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE OUTBOX"):
            updated.append(cursor.rowcount)

    sa.event.listen(site_db.engine, "after_cursor_execute", count)
    try:
        claimed = outbox.claim(site_db, clock.now(), 2 * outbox.WRITE_CHUNK + 5)
        assert len({m.id for m in claimed}) == len(claimed) == 2 * outbox.WRITE_CHUNK + 5
        assert max(updated) <= outbox.WRITE_CHUNK and len(updated) >= 3
        rest = outbox.claim(site_db, clock.now(), 100)
        assert len(rest) == 2 and not {m.id for m in rest} & {m.id for m in claimed}
        updated.clear()
        outcomes = [outbox.Outcome(m.id, m.attempts, True) for m in claimed + rest]
        outcomes[3] = outbox.Outcome(claimed[3].id, claimed[3].attempts, False, "refused")
        outbox.report(site_db, outcomes, clock.now())
        assert max(updated) <= outbox.WRITE_CHUNK
    finally:
        sa.event.remove(site_db.engine, "after_cursor_execute", count)
    statuses = [r.status for r in rows(site_db)]
    assert statuses.count(DeliveryStatus.SENT.value) == len(statuses) - 1
    assert rows(site_db)[3].status == DeliveryStatus.PENDING.value  # tried again later


def test_a_call_is_claimed_before_the_reminders_queued_earlier(site_db: Any, clock: Any) -> None:
    """3,000 reminders in line must not keep "please go to counter 5" waiting."""
    queue(site_db, 30)
    clock.advance(seconds=5)
    sid = site_id(site_db)
    with site_db.write() as session:
        for kind in ("booking_confirmed", "called"):
            outbox.enqueue(
                session,
                site_id=sid,
                kind=kind,
                channel="sms",
                recipient="+48600100200",
                language="uk",
                body=kind,
                now=clock.now(),
            )
    first = outbox.claim(site_db, clock.now(), 3)
    assert [m.kind for m in first] == ["called", "booking_confirmed", "reminder"]
    # A call that failed waits for its back-off like any other message.
    outbox.report(site_db, [outbox.Outcome(first[0].id, 1, False, "gateway busy")], clock.now())
    rest = outbox.claim(site_db, clock.now(), 100)
    assert [m.kind for m in rest] == ["reminder"] * 29
    assert [m.id for m in rest] == sorted(m.id for m in rest)  # in the order they fell due
    clock.advance(minutes=2)
    again = outbox.claim(site_db, clock.now(), 100)
    assert [(m.id, m.kind, m.attempts) for m in again] == [(first[0].id, "called", 2)]
