"""Daily statistics from the event log.

A ticket's life is a timeline of segments (bcgov's "periods"): a segment starts when the
ticket enters a service's queue (issued, or transferred in) and ends when it leaves it
(done, no-show, cancelled, transferred out). Wait time is segment start → first call;
service time is start of service → end of the segment.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class TicketEvent:
    type: str  # "ticket.issued", "ticket.called", …
    at: datetime
    ticket_id: int
    service: str
    counter: int | None = None
    to_service: str | None = None  # ticket.transferred only
    clerk: int | None = None  # who acted (the event's actor, when a clerk)
    estimate_s: int | None = None  # ticket.issued only: the wait shown on the ticket


@dataclass(slots=True)
class Segment:
    ticket_id: int
    service: str
    entered_at: datetime
    transferred_in: bool = False
    called_at: datetime | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    outcome: str | None = None  # done | no_show | cancelled | transferred | None (open)
    counter: int | None = None
    clerk: int | None = None  # who called it
    estimate_s: int | None = None  # the wait shown on the ticket (issued segments only)

    @property
    def wait_s(self) -> float | None:
        if self.called_at is None:
            return None
        return (self.called_at - self.entered_at).total_seconds()

    @property
    def service_s(self) -> float | None:
        if self.started_at is None or self.ended_at is None:
            return None
        if self.outcome not in ("done", "transferred"):
            return None
        return (self.ended_at - self.started_at).total_seconds()


def segments_from_events(events: Iterable[TicketEvent]) -> list[Segment]:
    """Replay ticket events (in log order) into segments."""
    open_segments: dict[int, Segment] = {}
    segments: list[Segment] = []

    def begin(ev: TicketEvent, service: str, transferred_in: bool) -> None:
        seg = Segment(ev.ticket_id, service, ev.at, transferred_in=transferred_in)
        open_segments[ev.ticket_id] = seg
        segments.append(seg)

    for ev in events:
        kind = ev.type.removeprefix("ticket.")
        if kind == "issued":
            begin(ev, ev.service, False)
            open_segments[ev.ticket_id].estimate_s = ev.estimate_s
            continue
        seg = open_segments.get(ev.ticket_id)
        if seg is None:
            continue  # the ticket entered the log before the window we read
        if kind == "called" and seg.called_at is None:
            seg.called_at, seg.counter, seg.clerk = ev.at, ev.counter, ev.clerk
        elif kind == "serving":
            seg.started_at = ev.at
            seg.counter = ev.counter if ev.counter is not None else seg.counter
        elif kind in ("done", "no_show", "cancelled", "transferred"):
            seg.ended_at, seg.outcome = ev.at, kind
            del open_segments[ev.ticket_id]
            if kind == "transferred" and ev.to_service:
                begin(ev, ev.to_service, True)
    return segments


def percentile(values: Sequence[float], p: float) -> float | None:
    """Linear-interpolated percentile (numpy's default); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(slots=True)
class Tally:
    issued: int = 0
    transferred_in: int = 0
    called: int = 0
    served: int = 0
    no_show: int = 0
    cancelled: int = 0
    transferred_out: int = 0
    waiting: int = 0
    wait_s: list[float] = field(default_factory=list)
    service_s: list[float] = field(default_factory=list)

    def add(self, seg: Segment, *, for_counter: bool) -> None:
        if not for_counter:
            if seg.transferred_in:
                self.transferred_in += 1
            else:
                self.issued += 1
            if seg.outcome is None and seg.called_at is None:
                self.waiting += 1
        if seg.called_at is not None:
            self.called += 1
        match seg.outcome:
            case "done":
                self.served += 1
            case "no_show":
                self.no_show += 1
            case "cancelled":
                self.cancelled += 1
            case "transferred":
                self.transferred_out += 1
        if seg.wait_s is not None:
            self.wait_s.append(seg.wait_s)
        if seg.service_s is not None:
            self.service_s.append(seg.service_s)

    def summary(self) -> dict[str, float | int | None]:
        return {
            "issued": self.issued,
            "transferred_in": self.transferred_in,
            "called": self.called,
            "served": self.served,
            "no_show": self.no_show,
            "cancelled": self.cancelled,
            "transferred_out": self.transferred_out,
            "waiting": self.waiting,
            "wait_median_s": percentile(self.wait_s, 50),
            "wait_p90_s": percentile(self.wait_s, 90),
            "service_median_s": percentile(self.service_s, 50),
            "service_p90_s": percentile(self.service_s, 90),
        }


def daily_stats(
    segments: Iterable[Segment],
) -> tuple[dict[str, dict[str, float | int | None]], dict[int, dict[str, float | int | None]]]:
    """Per-service and per-counter summaries of the segments of one day."""
    by_service: dict[str, Tally] = defaultdict(Tally)
    by_counter: dict[int, Tally] = defaultdict(Tally)
    for seg in segments:
        by_service[seg.service].add(seg, for_counter=False)
        if seg.counter is not None:
            by_counter[seg.counter].add(seg, for_counter=True)
    return (
        {code: t.summary() for code, t in sorted(by_service.items())},
        {num: t.summary() for num, t in sorted(by_counter.items())},
    )
