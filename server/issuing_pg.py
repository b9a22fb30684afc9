"""PostgreSQL: a walk-in ticket in one round trip, its commit included.

Issuing holds two rows until it commits: the day's number row of the service's prefix
(gap-free numbers in arrival order) and the site row (the event log's gap-free seq).
Every issuer of the service, in every server process, queues on the first. Done as five
statements from Python, each one a round trip and a turn at the GIL, the hold time was
whatever the host's scheduler made of them, and a holder descheduled on a busy host made
everyone wait: more processes were slower. Here the database does everything between
taking the number and the commit (`kolejka_issue_walk_in`, migration 0011); Python does
before the call what does not depend on the number:

- the site's configuration from the catalog (the function checks its revision);
- the core's answer on hours and whether the service is enabled; the daily limit is
  checked in the function against the number taken, and the core names the refusal;
- the forecast's wait for a window of "ahead" values, and for each whether it would pass
  the closing hour (`stop_at_closing`), so the function only picks the entry;
- the answer and the event payload, but for the number, id, arrival, ahead and wait.

Anything else (an appointment's check-in, a clock that stepped back) takes the ordinary
transaction of `QueueService.issue_in`; so does SQLite, which commits in groups instead.
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC
from typing import Any

import psycopg
import sqlalchemy as sa

from kolejka.core.errors import Conflict
from kolejka.core.hours import Unavailable, availability, passes_closing
from kolejka.core.numbering import format_number
from kolejka.core.states import TicketStatus
from kolejka.schemas import DeviceKind, TicketCreate, TicketEventPayload, TicketPublic
from server import idempotency
from server.actors import Actor, acting_actor, actor_record, require_site
from server.catalog import SiteInfo
from server.clock import Clock
from server.db import Database
from server.errors import IdempotencyKeyMismatch
from server.transactions import WriteRunner

# The "ahead" values whose waits go with each call: around the last count this process
# saw (other kiosks lengthen the line meanwhile, calls shorten it). A count outside costs
# a second call; a longer window costs every call (256 values: ~0.2 ms of CPU here).
WINDOW = 48
BELOW = 8

_CALL = """SELECT outcome, ticket_id, seq, arrival, ahead, wait, earlier_actor,
    earlier_operation, earlier_fingerprint, earlier_body
FROM kolejka_issue_walk_in(%(site)s, %(rev)s, %(day)s, %(prefix)s, %(service)s,
    %(max_issued)s, %(now)s, %(public_id)s, %(language)s, %(priority)s, %(device)s,
    %(waits_from)s, %(waits)b::integer[], %(refuse)b::boolean[], %(payload)s::jsonb,
    %(actor)s::json, %(key)s, %(key_actor)s, %(operation)s, %(fingerprint)s)"""

STALE_CONFIG, DAILY_LIMIT, PAST_CLOSING, OUTSIDE_WINDOW, COUNT_THE_LINE = (
    "KQ001",
    "KQ002",
    "KQ003",
    "KQ004",
    "KQ005",
)


class WalkInIssuer:
    """`issue` answers a walk-in ticket, or None when the ordinary transaction must."""

    def __init__(self, db: Database, clock: Clock, writes: WriteRunner) -> None:
        self.db = db
        self.clock = clock
        self.writes = writes
        self._ahead_seen: dict[int, int] = {}  # service id → the last count: a hint only

    def issue(
        self, site_code: str, actor: Actor, request: TicketCreate, key: str | None
    ) -> TicketPublic | None:
        with self.db.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT")
            site = self.writes.catalog.cached(site_code) or self.writes.catalog.get(conn, site_code)
            for _attempt in range(4):
                try:
                    return self._issue(conn, site, actor, request, key)
                except psycopg.Error as exc:
                    state = exc.sqlstate
                    if state == STALE_CONFIG:
                        site = self.writes.catalog.get(conn, site_code)
                    elif state == OUTSIDE_WINDOW:
                        self._ahead_seen[site.service(request.service).id] = int(
                            exc.diag.message_primary or 0
                        )
                    elif isinstance(exc, psycopg.errors.UniqueViolation) and key:
                        pass  # the same key at the same moment: the next round answers it
                    elif state == COUNT_THE_LINE:
                        return None
                    else:
                        raise
        return None

    def _issue(
        self,
        conn: sa.Connection,
        site: SiteInfo,
        actor: Actor,
        request: TicketCreate,
        key: str | None,
    ) -> TicketPublic:
        require_site(actor, site.id)
        service = site.service(request.service)
        if request.priority != "normal" and not site.rules.priority_enabled:
            raise Conflict("priority_disabled")
        now = self.clock.now()
        local_now = now.astimezone(site.zone)
        reason = availability(service.hours, local_now, 0, None, service.enabled)
        if reason is not None:
            raise Conflict(reason.value, service=service.code)
        estimates = self.writes.estimates.get(conn, service.id, now)
        waits_from = max(0, self._ahead_seen.get(service.id, 0) - BELOW)
        waits = estimates.waits(waits_from, waits_from + WINDOW)
        refuse = (
            [passes_closing(service.hours, local_now, wait) for wait in waits]
            if service.stop_at_closing
            else None
        )
        view = TicketPublic(
            id=0,
            public_id=secrets.token_urlsafe(16),
            site=site.code,
            number="",
            service=service.code,
            status=TicketStatus.WAITING,
            language=request.language,
            priority=request.priority,
            issued_at=now,
            arrival_at=now,
        )
        operation, fingerprint = idempotency.binding(key) if key else (None, None)
        params: dict[str, Any] = {
            "site": site.id,
            "rev": site.rev,
            "day": local_now.date(),
            "prefix": service.code,
            "service": service.id,
            "max_issued": service.daily_limit,
            "now": now,
            "public_id": view.public_id,
            "language": request.language,
            "priority": request.priority.value,
            "device": actor.id if actor.kind == DeviceKind.KIOSK else None,
            "waits_from": waits_from,
            "waits": waits,
            "refuse": refuse,
            "payload": TicketEventPayload(ticket=view).model_dump_json(),
            "actor": json.dumps(actor_record(acting_actor.get())),
            "key": str(key) if key else None,
            "key_actor": actor.key,
            "operation": operation,
            "fingerprint": fingerprint,
        }
        dbapi: Any = conn.connection.dbapi_connection
        try:
            with dbapi.cursor() as cursor:
                cursor.execute(_CALL, params)
                row = cursor.fetchone()
        except psycopg.Error as exc:
            if exc.sqlstate == DAILY_LIMIT:
                issued = int(exc.diag.message_primary or 0) - 1
                refused = availability(
                    service.hours, local_now, issued, service.daily_limit, service.enabled
                )
                raise Conflict(
                    (refused or Unavailable.DAILY_LIMIT_REACHED).value, service=service.code
                ) from None
            if exc.sqlstate == PAST_CLOSING:  # the office's rule: nothing was kept
                raise Conflict(Unavailable.WAIT_PAST_CLOSING.value, service=service.code) from None
            raise
        outcome, ticket_id, seq, arrival, ahead, wait, *earlier = row
        if outcome == "earlier":
            return _earlier_answer(actor, key, *earlier)
        self._ahead_seen[service.id] = ahead
        for hook in self.db.after_commit:
            hook({site.id})
        arrival = arrival.astimezone(UTC)
        return view.model_copy(
            update={
                "id": ticket_id,
                "number": format_number(service.code, seq),
                "issued_at": arrival,
                "arrival_at": arrival,
                "ahead": ahead,
                "estimated_wait_s": wait,
            }
        )


def _earlier_answer(
    actor: Actor,
    key: str | None,
    earlier_actor: str,
    operation: str | None,
    fingerprint: str | None,
    body: dict[str, Any] | None,
) -> TicketPublic:
    """The stored answer to a retried key, refused as `idempotency.earlier_answer` does."""
    if earlier_actor != actor.key:
        raise Conflict("idempotency_key_reused")
    if key is None or (operation, fingerprint) != idempotency.binding(key):
        raise IdempotencyKeyMismatch()
    if body is None:  # a key first used for a request answered with nothing
        raise Conflict("idempotency_key_reused")
    return TicketPublic.model_validate(body)
