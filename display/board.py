"""The hall board as a pure model: events in, board state and announcement decisions out.

No Qt and no network here, so the rules the hall relies on are tested in microseconds:
- a `reset` event (a full QueueSnapshot) rebuilds everything and announces nothing, since
  the calls in it were made before this display (re)joined;
- `ticket.called` / `ticket.recalled` at a counter in the display's zone become the newest
  call and one announcement each; a recall moves the ticket back to the top;
- an event at or below the last applied sequence number of the same epoch is ignored, so
  a replay after a reconnect never announces a call twice;
- waiting counts follow each ticket's own status in the payload, so issue, call, transfer,
  cancel and no-show all keep the counts right without knowing the previous state;
- a called ticket that goes back in line (transferred, parked, a no-show reactivated) is
  no longer "now calling": its call leaves the board (the snapshot leaves it out too).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from pydantic import ValidationError

from kolejka.core.events import CALL_EVENTS, COUNTER_PREFIX, TICKET_PREFIX, EventType
from kolejka.core.states import TicketStatus
from kolejka.schemas import (
    CallPublic,
    CounterEventPayload,
    CounterPublic,
    EventPublic,
    QueueSnapshot,
    TicketEventPayload,
    TicketPublic,
)

# What the board reads of an event: the ticket of every ticket.* type (a transfer's
# payload is a TicketEventPayload and more), the counter of every counter.* type.
Payload = TypeVar("Payload", TicketEventPayload, CounterEventPayload)

# A ticket in these states has left its counter without being served: its call is over.
BACK_IN_LINE = frozenset({TicketStatus.WAITING, TicketStatus.PARKED})
DEFAULT_HISTORY = 6


class BoardError(ValueError):
    """An event the board cannot read (a payload that does not match the wire schema)."""

    def __init__(self, event_type: str, seq: int, reason: str) -> None:
        super().__init__(f"event {event_type} #{seq}: {reason}")
        self.event_type = event_type
        self.seq = seq
        self.reason = reason


@dataclass(frozen=True, slots=True)
class BoardCall:
    """One call on the board, and what the announcer says for it."""

    ticket_id: int
    number: str
    service: str
    counter: int
    language: str
    at: datetime
    recall: bool = False


@dataclass(frozen=True, slots=True)
class ServiceRow:
    code: str
    names: dict[str, str]
    waiting: int

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names.get("pl") or self.code


@dataclass(frozen=True, slots=True)
class BoardUpdate:
    """What one event changed: `announce` lists the calls to say aloud, oldest first."""

    reset: bool = False
    ignored: bool = False
    announce: tuple[BoardCall, ...] = ()

    @property
    def new_call(self) -> bool:
        return bool(self.announce)


def parse_zone(text: str | Iterable[int] | None) -> frozenset[int] | None:
    """'5,6,7-8' or [5, 6] → {5, 6, 7, 8}; None/'' → None (every counter)."""
    if text is None:
        return None
    if not isinstance(text, str):
        numbers = {int(n) for n in text}
    else:
        numbers = set()
        for part in (p.strip() for p in text.split(",")):
            if not part:
                continue
            low, _, high = part.partition("-")
            try:
                first, last = int(low), int(high or low)
            except ValueError:
                raise ValueError(f"zone: {part!r} is not a counter number or range") from None
            if first > last:
                raise ValueError(f"zone: range {part!r} runs backwards")
            numbers.update(range(first, last + 1))
    if any(n < 1 for n in numbers):
        raise ValueError("zone: counter numbers start at 1")
    return frozenset(numbers) or None


@dataclass
class Board:
    """The state a hall display shows. Feed it with `apply(event)`."""

    zone: frozenset[int] | None = None
    history: int = DEFAULT_HISTORY
    site: str = ""
    site_name: str = ""
    timezone: str | None = None  # the site's, from the snapshot: the board's clock runs in it
    epoch: str | None = None
    seq: int | None = None
    calls: list[BoardCall] = field(default_factory=list)  # newest first
    ticker: dict[str, str] = field(default_factory=dict)
    counter_states: dict[int, str] = field(default_factory=dict)
    _waiting: dict[int, str] = field(default_factory=dict)  # ticket id → service code
    _service_names: dict[str, dict[str, str]] = field(default_factory=dict)
    _counter_services: dict[int, frozenset[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.history < 0:
            raise ValueError("history must be 0 or more")

    # --- what the board shows -------------------------------------------------------

    @property
    def loaded(self) -> bool:
        return self.epoch is not None

    @property
    def current(self) -> BoardCall | None:
        return self.calls[0] if self.calls else None

    @property
    def previous(self) -> list[BoardCall]:
        return self.calls[1 : self.history + 1]

    @property
    def services(self) -> list[ServiceRow]:
        """Services served in this zone (all, without a zone), in the site's order."""
        counts: dict[str, int] = {}
        for service in self._waiting.values():
            counts[service] = counts.get(service, 0) + 1
        shown = self._zone_services()
        return [
            ServiceRow(code, names, counts.get(code, 0))
            for code, names in self._service_names.items()
            if shown is None or code in shown
        ]

    def in_zone(self, counter: int | None) -> bool:
        return counter is not None and (self.zone is None or counter in self.zone)

    def _zone_services(self) -> set[str] | None:
        if self.zone is None:
            return None
        shown: set[str] = set()
        for number, services in self._counter_services.items():
            if number in self.zone:
                shown |= services
        return shown

    # --- applying events ------------------------------------------------------------

    def apply(self, event: EventPublic) -> BoardUpdate:
        if event.type == EventType.RESET:
            try:
                snapshot = QueueSnapshot.model_validate(event.payload)
            except ValidationError as exc:
                raise BoardError(event.type, event.seq, _first_error(exc)) from None
            self.load(snapshot)
            return BoardUpdate(reset=True)
        if event.epoch == self.epoch and self.seq is not None and event.seq <= self.seq:
            return BoardUpdate(ignored=True)
        announce: tuple[BoardCall, ...] = ()
        if event.type.startswith(TICKET_PREFIX):
            ticket = _parse(TicketEventPayload, event, "ticket").ticket
            self._track_waiting(ticket)
            if ticket.status in BACK_IN_LINE:
                self.calls = [c for c in self.calls if c.ticket_id != ticket.id]
            if event.type in CALL_EVENTS and self.in_zone(ticket.counter):
                recall = event.type == EventType.TICKET_RECALLED
                announce = (self._push_call(ticket, event.at, recall),)
        elif event.type.startswith(COUNTER_PREFIX):
            self._track_counter(_parse(CounterEventPayload, event, "counter").counter)
        elif event.type == EventType.SITE_CONFIGURED and isinstance(
            event.payload.get("board"), dict
        ):
            self._configure(event.payload["board"])
        self.epoch = event.epoch
        self.seq = event.seq
        return BoardUpdate(announce=announce)

    def apply_all(self, events: Sequence[EventPublic]) -> list[BoardCall]:
        """Apply events in order; the calls to announce, oldest first."""
        said: list[BoardCall] = []
        for event in events:
            said.extend(self.apply(event).announce)
        return said

    def load(self, snapshot: QueueSnapshot) -> None:
        """Rebuild the whole board from a snapshot (nothing in it is announced)."""
        self.site = snapshot.site
        self.site_name = snapshot.site_name
        self.timezone = snapshot.timezone
        self.epoch = snapshot.epoch
        self.seq = snapshot.seq
        self.ticker = dict(snapshot.ticker)
        self._service_names = {s.code: dict(s.names) for s in snapshot.services}
        self._counter_services = {}
        self.counter_states = {}
        for counter in snapshot.counters:
            self._track_counter(counter)
        self._waiting = {t.id: t.service for t in snapshot.waiting}
        self.calls = []
        # The snapshot lists call events newest first; a recalled ticket may appear twice.
        for call in snapshot.recent_calls:
            if not self.in_zone(call.counter):
                continue
            if any(c.ticket_id == call.ticket_id for c in self.calls):
                continue
            self.calls.append(_from_call(call))
            if len(self.calls) > self.history:
                break

    def _push_call(self, ticket: TicketPublic, at: datetime, recall: bool) -> BoardCall:
        assert ticket.counter is not None
        call = BoardCall(
            ticket_id=ticket.id,
            number=ticket.number,
            service=ticket.service,
            counter=ticket.counter,
            language=ticket.language,
            at=at,
            recall=recall,
        )
        self.calls = [call, *(c for c in self.calls if c.ticket_id != ticket.id)]
        del self.calls[self.history + 1 :]
        return call

    def _configure(self, board: dict[str, Any]) -> None:
        """An administrator changed the site (docs/events.md): names, ticker and the
        counters' services follow at once, without a reload. Tolerant: a part that is
        missing or not what it should be stays as it was."""
        if isinstance(board.get("site_name"), str):
            self.site_name = board["site_name"]
        ticker = board.get("ticker")
        if isinstance(ticker, dict):
            self.ticker = {str(k): str(v) for k, v in ticker.items()}
        services = board.get("services")
        if isinstance(services, list):
            self._service_names = {
                str(s["code"]): {str(k): str(v) for k, v in (s.get("names") or {}).items()}
                for s in services
                if isinstance(s, dict) and "code" in s
            }
        counters = board.get("counters")
        if isinstance(counters, list):
            self._counter_services = {
                int(c["number"]): frozenset(str(code) for code in c.get("services") or [])
                for c in counters
                if isinstance(c, dict) and isinstance(c.get("number"), int)
            }

    def _track_waiting(self, ticket: TicketPublic) -> None:
        if ticket.status == TicketStatus.WAITING:
            self._waiting[ticket.id] = ticket.service
        else:
            self._waiting.pop(ticket.id, None)

    def _track_counter(self, counter: CounterPublic) -> None:
        self._counter_services[counter.number] = frozenset(s.service for s in counter.services)
        self.counter_states[counter.number] = counter.state.value


def _from_call(call: CallPublic) -> BoardCall:
    return BoardCall(
        ticket_id=call.ticket_id,
        number=call.number,
        service=call.service,
        counter=call.counter,
        language=call.language,
        at=call.at,
        recall=call.recall,
    )


def _parse(model: type[Payload], event: EventPublic, key: str) -> Payload:
    """The event's payload as `model`, whose one field the board needs is `key`."""
    if not isinstance(event.payload.get(key), dict):
        raise BoardError(event.type, event.seq, f"payload has no {key!r} object")
    try:
        return model.model_validate(event.payload)
    except ValidationError as exc:
        raise BoardError(event.type, event.seq, _first_error(exc, within=key)) from None


def _first_error(exc: ValidationError, within: str | None = None) -> str:
    """The first complaint, placed within the `within` object when it is in one."""
    err = exc.errors()[0]
    loc = tuple(err.get("loc", ()))
    if within is not None and loc[:1] == (within,):
        loc = loc[1:]
    where = ".".join(str(p) for p in loc)
    return f"{where}: {err.get('msg', 'invalid')}"
