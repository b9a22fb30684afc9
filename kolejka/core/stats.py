"""Daily statistics from the event log.

A ticket's life is a timeline of segments (bcgov's "periods"): a segment starts when the
ticket enters a service's queue (issued, or transferred in) and ends when it leaves it
(done, no-show, cancelled, transferred out). Wait time is segment start → first call;
service time is start of service → end of the segment.

The clerk's further verbs: a visitor served without a ticket opens a segment that starts
served (counted as `walk_ins`, no wait); parking counts on the segment, which goes on when
the client is called back; a reactivated no-show reopens its segment (no longer a no-show);
the outcome given at finish is counted per code. Pauses are counted per counter and reason
from the counter events (`pauses_from_events`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class TicketEvent:
    type: str  # "ticket.issued", "ticket.called", …
    at: datetime
    ticket_id: int
    service: str
    counter: int | None = None
    to_service: str | None = None  # ticket.transferred only
    outcome: str | None = None  # ticket.done: the office's outcome code, if given
    clerk: int | None = None  # who acted (the event's actor, when a clerk)
    estimate_s: int | None = None  # ticket.issued only: the wait shown on the ticket


@dataclass(frozen=True, slots=True)
class CounterEvent:
    type: str  # "counter.opened", "counter.paused", "counter.closed"
    at: datetime
    counter: int
    reason: str | None = None  # counter.paused


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
    walk_in: bool = False
    parked: int = 0
    reactivated: int = 0
    result: str | None = None  # the outcome code given at finish
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


class SegmentReplay:
    """Ticket events replayed into segments, a batch at a time.

    The replay is a left fold over the log: feeding the events in two batches gives the
    same segments as feeding them at once, so a day's segments can be kept and carried
    forward with only the events that came since (server/statistics.py does, for today).
    `begins_before`: a ticket that enters the log (issued, served without a ticket) at
    or after it is another day's, and is left out with its later events."""

    __slots__ = ("_last", "_open", "begins_before", "segments")

    def __init__(self, begins_before: datetime | None = None) -> None:
        self._open: dict[int, Segment] = {}
        self._last: dict[int, Segment] = {}  # each ticket's segment that ended last
        self.segments: list[Segment] = []
        self.begins_before = begins_before

    def _begin(self, ev: TicketEvent, service: str, transferred_in: bool) -> Segment:
        seg = Segment(ev.ticket_id, service, ev.at, transferred_in=transferred_in)
        self._open[ev.ticket_id] = seg
        self.segments.append(seg)
        return seg

    def feed(self, events: Iterable[TicketEvent]) -> None:
        """Replay more events, in log order, after those fed before."""
        open_segments, last = self._open, self._last
        limit = self.begins_before
        for ev in events:
            kind = ev.type.removeprefix("ticket.")
            if kind == "issued" or kind == "served_without_ticket":
                if limit is not None and ev.at >= limit:
                    continue  # the next day's ticket: its later events find no segment
                begun = self._begin(ev, ev.service, False)
                if kind == "issued":
                    begun.estimate_s = ev.estimate_s
                else:
                    begun.walk_in, begun.counter = True, ev.counter
                    begun.called_at = begun.started_at = ev.at
                continue
            if kind == "reactivated":
                closed = last.get(ev.ticket_id)
                if closed is not None and closed.outcome == "no_show":
                    closed.outcome, closed.ended_at = None, None
                    closed.reactivated += 1
                    open_segments[ev.ticket_id] = closed
                continue
            seg = open_segments.get(ev.ticket_id)
            if seg is None:
                continue  # the ticket entered the log before the window we read
            if kind == "parked":
                seg.parked += 1
            elif kind == "called" and seg.called_at is None:
                seg.called_at, seg.counter, seg.clerk = ev.at, ev.counter, ev.clerk
            elif kind == "serving":
                seg.started_at = ev.at
                seg.counter = ev.counter if ev.counter is not None else seg.counter
            elif kind in ("done", "no_show", "cancelled", "transferred"):
                seg.ended_at, seg.outcome = ev.at, kind
                seg.result = ev.outcome if kind == "done" else None
                del open_segments[ev.ticket_id]
                last[ev.ticket_id] = seg
                if kind == "transferred" and ev.to_service:
                    self._begin(ev, ev.to_service, True)


def segments_from_events(
    events: Iterable[TicketEvent], begins_before: datetime | None = None
) -> list[Segment]:
    """Replay ticket events (in log order) into segments."""
    replay = SegmentReplay(begins_before)
    replay.feed(events)
    return replay.segments


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
    walk_ins: int = 0
    parked: int = 0
    reactivated: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
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
        if seg.called_at is not None and not seg.walk_in:
            self.called += 1
        self.walk_ins += seg.walk_in
        self.parked += seg.parked
        self.reactivated += seg.reactivated
        if seg.result is not None:
            self.outcomes[seg.result] = self.outcomes.get(seg.result, 0) + 1
        match seg.outcome:
            case "done":
                self.served += 1
            case "no_show":
                self.no_show += 1
            case "cancelled":
                self.cancelled += 1
            case "transferred":
                self.transferred_out += 1
        if seg.wait_s is not None and not seg.walk_in:
            self.wait_s.append(seg.wait_s)
        if seg.service_s is not None:
            self.service_s.append(seg.service_s)

    def summary(self) -> dict[str, Any]:
        return {
            "issued": self.issued,
            "transferred_in": self.transferred_in,
            "called": self.called,
            "served": self.served,
            "no_show": self.no_show,
            "cancelled": self.cancelled,
            "transferred_out": self.transferred_out,
            "waiting": self.waiting,
            "walk_ins": self.walk_ins,
            "parked": self.parked,
            "reactivated": self.reactivated,
            "outcomes": dict(sorted(self.outcomes.items())),
            "wait_median_s": percentile(self.wait_s, 50),
            "wait_p90_s": percentile(self.wait_s, 90),
            "service_median_s": percentile(self.service_s, 50),
            "service_p90_s": percentile(self.service_s, 90),
        }


def daily_stats(
    segments: Iterable[Segment],
) -> tuple[dict[str, dict[str, Any]], dict[int, dict[str, Any]]]:
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


@dataclass(slots=True)
class PauseTally:
    count: int = 0
    seconds: float = 0.0


def pauses_from_events(
    events: Iterable[CounterEvent], until: datetime
) -> dict[int, dict[str, PauseTally]]:
    """Per counter and reason: how many pauses began, and how long they lasted (a pause
    still on runs to `until`; a pause again with another reason starts a new one)."""
    tallies: dict[int, dict[str, PauseTally]] = defaultdict(dict)
    on: dict[int, tuple[str, datetime]] = {}

    def end(counter: int, at: datetime) -> None:
        if counter in on:
            reason, since = on.pop(counter)
            tallies[counter][reason].seconds += max(0.0, (at - since).total_seconds())

    for ev in events:
        if ev.type == "counter.paused":
            reason = ev.reason or "break"
            if on.get(ev.counter, ("", ev.at))[0] == reason:
                continue  # paused again for the same reason: the same pause
            end(ev.counter, ev.at)
            tally = tallies[ev.counter].setdefault(reason, PauseTally())
            tally.count += 1
            on[ev.counter] = (reason, ev.at)
        else:
            end(ev.counter, ev.at)
    for counter in list(on):
        end(counter, until)
    return dict(tallies)
