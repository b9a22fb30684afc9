"""Who a counter calls next, and where a ticket stands in its queue.

Order of "call next" for a counter (README.md, "Routing order"): appointments whose time
has come, then priority class, then the counter's service order (or weights), then the
earliest arrival. A ticket transferred to one counter is offered to that counter only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from kolejka.core.states import Priority


class RoutingMode(StrEnum):
    ORDER = "order"  # services in the counter's fixed order
    WEIGHTED = "weighted"  # longest weighted wait first: waited seconds × service weight


@dataclass(frozen=True, slots=True)
class Candidate:
    ticket_id: int
    service: str
    priority: Priority
    arrival_at: datetime  # original arrival: kept across transfers
    appointment_at: datetime | None = None
    target_counter: int | None = None


@dataclass(frozen=True, slots=True)
class ServiceLink:
    service: str
    order: int = 1
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class CounterRouting:
    number: int
    links: tuple[ServiceLink, ...]
    mode: RoutingMode = RoutingMode.ORDER
    _by_service: dict[str, ServiceLink] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_service", {link.service: link for link in self.links})

    def link(self, service: str) -> ServiceLink | None:
        return self._by_service.get(service)

    @property
    def services(self) -> frozenset[str]:
        return frozenset(self._by_service)


def is_due(candidate: Candidate, now: datetime) -> bool:
    return candidate.appointment_at is not None and candidate.appointment_at <= now


def _appointment_key(candidate: Candidate, now: datetime) -> tuple[int, float]:
    if is_due(candidate, now):
        assert candidate.appointment_at is not None
        return (0, candidate.appointment_at.timestamp())
    return (1, 0.0)


def counter_key(candidate: Candidate, counter: CounterRouting, now: datetime) -> tuple:
    """Sort key of a candidate for one counter: smaller is called first."""
    link = counter.link(candidate.service)
    assert link is not None, "candidate of a service the counter does not serve"
    if counter.mode is RoutingMode.WEIGHTED:
        waited = max(0.0, (now - candidate.arrival_at).total_seconds())
        service_key: float = -(waited * link.weight)
    else:
        service_key = float(link.order)
    return (
        *_appointment_key(candidate, now),
        -candidate.priority.rank,
        service_key,
        candidate.arrival_at,
        candidate.ticket_id,
    )


def eligible(candidate: Candidate, counter: CounterRouting) -> bool:
    if counter.link(candidate.service) is None:
        return False
    return candidate.target_counter is None or candidate.target_counter == counter.number


def choose_next(
    candidates: Iterable[Candidate], counter: CounterRouting, now: datetime
) -> Candidate | None:
    """The ticket `counter` should call now, or None when nothing waits for it."""
    best: Candidate | None = None
    best_key: tuple | None = None
    for candidate in candidates:
        if not eligible(candidate, counter):
            continue
        key = counter_key(candidate, counter, now)
        if best_key is None or key < best_key:
            best, best_key = candidate, key
    return best


def queue_key(candidate: Candidate, now: datetime) -> tuple:
    """Order inside one service's queue, independent of any counter."""
    return (
        *_appointment_key(candidate, now),
        -candidate.priority.rank,
        candidate.arrival_at,
        candidate.ticket_id,
    )


def ahead_of(ticket: Candidate, waiting: Sequence[Candidate], now: datetime) -> int:
    """How many tickets of the same service are before `ticket` right now."""
    mine = queue_key(ticket, now)
    return sum(
        1
        for other in waiting
        if other.ticket_id != ticket.ticket_id
        and other.service == ticket.service
        and queue_key(other, now) < mine
    )
