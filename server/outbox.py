"""The notification outbox: written in the change's own transaction, claimed by senders.

A message is added with `enqueue()` inside the transaction that books, moves, cancels or
calls, so it exists exactly when the change does. Senders (server/sender.py, one in each
server process) `claim()` due messages under a lease — PostgreSQL `FOR UPDATE SKIP
LOCKED`, so two processes never take the same row; SQLite has one writer — and report
each outcome:

- delivered → `sent`; recipient, text and attachments are erased at once;
- refused or unreachable → `pending` again after an exponential back-off, `failed` when
  the attempts run out or the refusal is permanent (a bad address);
- outcome unknown (the connection dropped after the text was handed over), or a lease
  that ran out while its sender died → `failed`, never sent again: at most once.

The admin lists what failed (`failed_messages`); recipients are shown masked.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from kolejka.core.booking import DeliveryStatus, after_failure, backoff, delivery_priority
from server.db import Database
from server.models import OutboxMessage
from server.prepared import Prepared

LEASE = timedelta(minutes=5)
ERROR_MAX = 500
# Rows a claim or a report writes per transaction. On SQLite each holds the one write lock
# every request's write waits for, and a waiting writer's busy handler sleeps 1, 2, 5, 10
# ms… between tries: 400 rows at once held it 5–9 ms (timed during 3,000 reminders); an
# eighth of that is an eighth of the wait for a kiosk's write that meets it.
WRITE_CHUNK = 50
_T = OutboxMessage.__table__  # type: ignore[attr-defined]
_INSERT = sa.insert(_T)
_INSERTS: dict[tuple[str, ...], Prepared] = {}  # by the rows' keys (message_row's, in practice)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message as a sender gets it."""

    id: int
    site_id: int
    kind: str
    channel: str
    recipient: str
    language: str
    subject: str | None
    body: str
    attachments: dict[str, Any]
    attempts: int  # including the one now being made


def message_row(
    *,
    site_id: int,
    kind: str,
    channel: str,
    recipient: str,
    language: str,
    body: str,
    now: datetime,
    subject: str | None = None,
    attachments: dict[str, Any] | None = None,
    ref: str | None = None,
) -> dict[str, Any]:
    """One message as the row `enqueue_rows` inserts (built before a transaction, if the
    caller likes: the texts need no lock)."""
    return {
        "site_id": site_id,
        "kind": kind,
        "channel": channel,
        "recipient": recipient,
        "language": language,
        "subject": subject,
        "body": body,
        "attachments": attachments,
        "ref": ref,
        "status": DeliveryStatus.PENDING.value,
        "priority": delivery_priority(kind),
        "attempts": 0,
        "next_attempt_at": now,
        "lease_until": None,
        "last_error": None,
        "created_at": now,
        "sent_at": None,
    }


_MESSAGE_KEYS = tuple(
    sorted(
        message_row(
            site_id=0, kind="", channel="", recipient="", language="", body="", now=datetime.min
        )
    )
)
_INSERTS[_MESSAGE_KEYS] = Prepared(_INSERT, _MESSAGE_KEYS)  # made now: compiled at start-up


def enqueue_rows(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Add messages in the caller's transaction: one Core statement (an ORM object per
    message and its flush cost more than the rest of a booking's work)."""
    if not rows:
        return
    keys = tuple(sorted(rows[0]))
    if any(len(row) != len(keys) or any(k not in row for k in keys) for row in rows):
        session.execute(_INSERT, list(rows))  # rows of different shapes: SQLAlchemy sorts them
        return
    prepared = _INSERTS.get(keys)
    if prepared is None:
        prepared = _INSERTS[keys] = Prepared(_INSERT, keys)
    prepared.execute_many(session.connection(), rows)


def enqueue(session: Session, **fields: Any) -> None:
    """Add one message in the caller's transaction (the fields of `message_row`)."""
    enqueue_rows(session, [message_row(**fields)])


def has_due(db: Database, now: datetime) -> bool:
    """A cheap read: is anything due (or a lease run out)? Saves an idle sender a write."""
    with db.read() as session:
        found = session.execute(
            sa.select(_T.c.id)
            .where(
                sa.or_(
                    sa.and_(
                        _T.c.status == DeliveryStatus.PENDING.value, _T.c.next_attempt_at <= now
                    ),
                    sa.and_(_T.c.status == DeliveryStatus.SENDING.value, _T.c.lease_until < now),
                )
            )
            .limit(1)
        ).first()
        return found is not None


def claim(db: Database, now: datetime, limit: int, lease: timedelta = LEASE) -> list[Outgoing]:
    """Take up to `limit` due messages under a lease; each is this sender's alone.

    Core statements, not ORM objects, in transactions of WRITE_CHUNK messages: on SQLite
    each holds the one write lock every request's write waits for, so it holds only the
    ids and the lease; the texts are read after the commits (the lease keeps the rows this
    sender's meanwhile)."""
    ids: list[int] = []
    while len(ids) < limit:
        chunk = _claim_chunk(db, now, min(WRITE_CHUNK, limit - len(ids)), lease, first=not ids)
        ids += chunk
        if len(chunk) < WRITE_CHUNK:
            break
    if not ids:
        return []
    with db.read() as session:
        rows = session.connection().execute(
            sa.select(
                _T.c.id,
                _T.c.site_id,
                _T.c.kind,
                _T.c.channel,
                _T.c.recipient,
                _T.c.language,
                _T.c.subject,
                _T.c.body,
                _T.c.attachments,
                _T.c.attempts,
            ).where(_T.c.id.in_(ids))
        )
        place = {message_id: n for n, message_id in enumerate(ids)}
        in_order = sorted(rows, key=lambda r: place[r.id])  # the claim's: the urgent first
        return [
            Outgoing(
                id=int(r.id),
                site_id=int(r.site_id),
                kind=r.kind,
                channel=r.channel,
                recipient=r.recipient or "",
                language=r.language,
                subject=r.subject,
                body=r.body or "",
                attachments=dict(r.attachments or {}),
                attempts=int(r.attempts),
            )
            for r in in_order
        ]


def _claim_chunk(
    db: Database, now: datetime, limit: int, lease: timedelta, first: bool
) -> list[int]:
    """Lease up to `limit` due messages in one short write transaction; their ids."""
    with db.write() as session:
        conn = session.connection()
        if first:
            _give_up_stale(session, now)
        due = (
            sa.select(_T.c.id)
            .where(_T.c.status == DeliveryStatus.PENDING.value, _T.c.next_attempt_at <= now)
            .order_by(_T.c.priority, _T.c.next_attempt_at, _T.c.id)
            .limit(limit)
        )
        if db.is_postgres:
            due = due.with_for_update(skip_locked=True)
        ids = [int(i) for i in conn.execute(due).scalars()]
        if ids:
            conn.execute(
                sa.update(_T)
                .where(_T.c.id.in_(ids))
                .values(
                    status=DeliveryStatus.SENDING.value,
                    attempts=_T.c.attempts + 1,
                    lease_until=now + lease,
                )
            )
        return ids


def _give_up_stale(session: Session, now: datetime) -> None:
    """A lease that ran out: its sender died mid-way, perhaps after handing the message
    over. Sending it again could send it twice, so the admin decides."""
    session.execute(
        sa.update(_T)
        .where(_T.c.status == DeliveryStatus.SENDING.value, _T.c.lease_until < now)
        .values(
            status=DeliveryStatus.FAILED.value,
            lease_until=None,
            last_error="interrupted: the sender stopped during delivery (may have arrived)",
        )
    )


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one attempt came to."""

    id: int
    attempts: int
    delivered: bool
    error: str | None = None
    permanent: bool = False  # do not try again (a bad address, a 5xx refusal)
    unknown: bool = False  # may have arrived: never again (at most once)


def report(db: Database, outcomes: Sequence[Outcome], now: datetime) -> None:
    """Write every outcome of a round in short transactions of WRITE_CHUNK outcomes: the
    delivered ones of a chunk in one statement (the common case), each failure on its own.
    A message stays leased (`sending`) until its own outcome is written, so a chunk written
    later changes nothing for the others."""
    for begin in range(0, len(outcomes), WRITE_CHUNK):
        _report_chunk(db, outcomes[begin : begin + WRITE_CHUNK], now)


def _report_chunk(db: Database, outcomes: Sequence[Outcome], now: datetime) -> None:
    delivered = [o.id for o in outcomes if o.delivered]
    with db.write() as session:
        if delivered:
            session.execute(
                sa.update(_T)
                .where(_T.c.id.in_(delivered), _T.c.status == DeliveryStatus.SENDING.value)
                .values(
                    status=DeliveryStatus.SENT.value,
                    sent_at=now,
                    lease_until=None,
                    last_error=None,
                    recipient=None,  # personal data: kept no longer than needed
                    body=None,
                    subject=None,
                    attachments=None,
                )
            )
        for outcome in outcomes:
            if not outcome.delivered:
                _report_one(session, outcome, now)


def _report_one(session: Session, outcome: Outcome, now: datetime) -> None:
    mine = sa.and_(_T.c.id == outcome.id, _T.c.status == DeliveryStatus.SENDING.value)
    if outcome.delivered:
        values: dict[str, Any] = {
            "status": DeliveryStatus.SENT.value,
            "sent_at": now,
            "lease_until": None,
            "last_error": None,
            "recipient": None,  # personal data: kept no longer than needed
            "body": None,
            "subject": None,
            "attachments": None,
        }
    else:
        error = (outcome.error or "failed")[:ERROR_MAX]
        if outcome.unknown:
            status = DeliveryStatus.FAILED
        else:
            status = after_failure(outcome.attempts, permanent=outcome.permanent)
        values = {"status": status.value, "lease_until": None, "last_error": error}
        if status is DeliveryStatus.PENDING:
            values["next_attempt_at"] = now + backoff(outcome.attempts, random.random())
    session.execute(sa.update(_T).where(mine).values(**values))


def mask(recipient: str | None) -> str | None:
    """`j***@example.com`, `+48 *** *** 789`: enough for the admin to recognise, no more."""
    if not recipient:
        return None
    if "@" in recipient:
        local, _, domain = recipient.partition("@")
        return f"{local[:1]}***@{domain}"
    return f"{recipient[:3]}***{recipient[-3:]}" if len(recipient) > 6 else "***"


def failed_messages(db: Database, site_id: int, limit: int = 200) -> list[OutboxMessage]:
    with db.read() as session:
        return list(
            session.exec(
                select(OutboxMessage)
                .where(
                    OutboxMessage.site_id == site_id,
                    OutboxMessage.status == DeliveryStatus.FAILED.value,
                )
                .order_by(col(OutboxMessage.id).desc())
                .limit(limit)
            )
        )


def counts(db: Database, site_id: int) -> dict[str, int]:
    with db.read() as session:
        rows = session.execute(
            sa.select(_T.c.status, sa.func.count())
            .where(_T.c.site_id == site_id)
            .group_by(_T.c.status)
        )
        found = {str(status): int(n) for status, n in rows}
    return {s.value: found.get(s.value, 0) for s in DeliveryStatus}
