"""How fast does the queue move? The inputs of a wait estimate: recent service
durations, the call rate and the open counters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from kolejka.core.estimates import RATE_WINDOW_S, observed_rate
from kolejka.core.states import CounterState, TicketStatus
from server.models import UTCDateTime
from server.repository.base import COUNTER_SERVICES, COUNTERS, TICKETS, Executes, param

_RECENT_DURATIONS = (
    sa.select(TICKETS.c.started_at, TICKETS.c.finished_at)
    .where(
        TICKETS.c.service_id == param("service_id"),
        TICKETS.c.status == TicketStatus.DONE.value,
        TICKETS.c.started_at.is_not(None),
        TICKETS.c.finished_at.is_not(None),
    )
    .order_by(TICKETS.c.finished_at.desc())
    .limit(param("limit", type_=sa.Integer()))
)


def recent_durations(db: Executes, service_id: int, limit: int) -> list[float]:
    rows = db.execute(_RECENT_DURATIONS, {"service_id": service_id, "limit": limit}).all()
    return [(end - start).total_seconds() for start, end in rows]


_RECENT_CALLS = sa.select(sa.func.count(), sa.func.min(TICKETS.c.called_at)).where(
    TICKETS.c.service_id == param("service_id"),
    TICKETS.c.called_at.is_not(None),
    TICKETS.c.called_at >= param("since", type_=UTCDateTime()),
)


def queue_rate(db: Executes, service_id: int, now: datetime) -> float | None:
    """Tickets of a service called per second in the last half hour (None: too few)."""
    since = now - timedelta(seconds=RATE_WINDOW_S)
    count, first = db.execute(_RECENT_CALLS, {"service_id": service_id, "since": since}).one()
    if not count or first is None:
        return None
    if first.tzinfo is None:
        first = first.replace(tzinfo=UTC)
    return observed_rate(int(count), (now - first).total_seconds())


_OPEN_COUNTERS = (
    sa.select(sa.func.count())
    .select_from(COUNTERS.join(COUNTER_SERVICES, COUNTER_SERVICES.c.counter_id == COUNTERS.c.id))
    .where(
        COUNTER_SERVICES.c.service_id == param("service_id"),
        COUNTERS.c.state == CounterState.OPEN.value,
    )
)


def open_counter_count(db: Executes, service_id: int) -> int:
    return int(db.execute(_OPEN_COUNTERS, {"service_id": service_id}).scalar_one())
