"""Wire schemas: what the server answers and what devices send.

Shared by the server (response models, OpenAPI) and the client library (parsing), so the
two never drift apart. Times are ISO 8601 with an offset (UTC on the wire).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

from kolejka.core.counters import PauseReason
from kolejka.core.events import EventType
from kolejka.core.states import CounterState, Priority, TicketStatus

Language = Literal["pl", "en", "ru", "uk"]
Role = Literal["clerk", "supervisor", "admin"]


class DeviceKind(StrEnum):
    """What a device token belongs to (a site file's `devices[].kind`)."""

    KIOSK = "kiosk"
    DISPLAY = "display"
    COUNTER = "counter"
    BOOKING = "booking"  # the booking portal's integration token, not a machine in the hall


# --- bounded input types -----------------------------------------------------------------
# The database's integer columns are 32-bit on PostgreSQL; a larger id can name nothing.
MAX_ID = 2**31 - 1
DbInt = Annotated[int, Field(ge=0, le=MAX_ID)]

# Days an office deals with; a day at the calendar's edge overflowed the arithmetic around
# it (the next day, the site's time zone) into a 500.
MIN_DAY = date(2000, 1, 1)
MAX_DAY = date(2999, 12, 31)
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_text(value: Any) -> Any:
    """Dates and times only as ISO 8601 text: pydantic would read `0` as 1970-01-01."""
    if isinstance(value, int | float):
        raise ValueError("expected an ISO 8601 date or time, not a number")
    return value


def _iso_day(value: Any) -> Any:
    if isinstance(value, str) and not _ISO_DAY.match(value):
        raise ValueError("expected a date as YYYY-MM-DD")
    return _iso_text(value)


def _day_in_range(value: date) -> date:
    if not MIN_DAY <= value <= MAX_DAY:
        raise ValueError(f"expected a date from {MIN_DAY} to {MAX_DAY}")
    return value


def _moment_in_range(value: datetime) -> datetime:
    _day_in_range(value.date())
    return value


Day = Annotated[
    date,
    BeforeValidator(_iso_day),
    AfterValidator(_day_in_range),
    Field(json_schema_extra={"pattern": _ISO_DAY.pattern}),
]
Moment = Annotated[AwareDatetime, BeforeValidator(_iso_text), AfterValidator(_moment_in_range)]


class Model(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ErrorPublic(Model):
    code: str = Field(description="Stable machine code, e.g. 'ticket_not_found'.")
    detail: str = Field(description="Human message in the caller's Accept-Language.")
    params: dict[str, Any] = Field(default_factory=dict)


# --- services -------------------------------------------------------------------------


class ServicePublic(Model):
    code: str = Field(description="Ticket prefix, e.g. 'A'.")
    names: dict[str, str]
    group: str | None = None
    group_names: dict[str, str] = Field(default_factory=dict)
    position: int = 0
    available: bool
    unavailable_reason: str | None = Field(
        None,
        description="closed_today | not_yet_open | closed_for_today | "
        "daily_limit_reached | service_disabled | wait_past_closing",
    )
    waiting: int
    estimated_wait_s: int | None
    open_counters: int
    daily_limit: int | None = None
    issued_today: int = 0


class ServicesPublic(Model):
    data: list[ServicePublic]
    count: int
    priority_enabled: bool = Field(
        True, description="Whether the site issues priority tickets (kiosks offer the option)."
    )
    timezone: str | None = Field(
        None,
        description="The site's IANA time zone (e.g. Europe/Warsaw): the apps show every "
        "clock and time in it. Absent from servers before it was added.",
    )


# --- tickets --------------------------------------------------------------------------


class TicketCreate(Model):
    service: str = Field(min_length=1, max_length=3, description="Service code (prefix).")
    language: Language = "pl"
    priority: Priority = Priority.NORMAL


class TicketPublic(Model):
    id: int
    public_id: str
    site: str
    number: str
    service: str
    status: TicketStatus
    language: Language
    priority: Priority
    issued_at: datetime
    arrival_at: datetime
    called_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    counter: int | None = None
    target_counter: int | None = None
    recalls: int = 0
    note: str | None = None
    appointment_at: datetime | None = None
    outcome: str | None = Field(None, description="How the visit ended (the office's code).")
    ahead: int | None = Field(None, description="Tickets before this one (waiting only).")
    estimated_wait_s: int | None = Field(None, description="Null where unknown.")


class TransferRequest(Model):
    service: str | None = Field(None, description="Target service code.")
    counter: DbInt | None = Field(None, description="A specific counter number.")
    note: str | None = Field(None, max_length=500)


class CallNextRequest(Model):
    pass


class FinishRequest(Model):
    outcome: str | None = Field(
        None, max_length=40, description="One of the service's outcomes (ServiceQueue.outcomes)."
    )


class ParkRequest(Model):
    note: str | None = Field(None, max_length=500, description="e.g. 'filling in form Z-3'.")


class ServeWithoutTicketRequest(Model):
    service: str = Field(min_length=1, max_length=3, description="Service code (prefix).")
    language: Language = "pl"
    priority: Priority = Priority.NORMAL


class PauseRequest(Model):
    reason: PauseReason | None = Field(
        None, description="break | back_office | technical (none: a break)."
    )


# --- counters -------------------------------------------------------------------------


class CounterServicePublic(Model):
    service: str
    order: int
    weight: float


class CounterPublic(Model):
    number: int
    name: str
    state: CounterState
    clerk: str | None = None
    services: list[CounterServicePublic]
    current: TicketPublic | None = None
    pause_reason: PauseReason | None = Field(None, description="While paused.")


class CountersPublic(Model):
    data: list[CounterPublic]
    count: int


# --- snapshot & events ----------------------------------------------------------------


class OutcomePublic(Model):
    code: str
    names: dict[str, str]


class ServiceQueue(Model):
    code: str
    names: dict[str, str]
    waiting: int
    longest_wait_s: int | None
    estimated_wait_s: int | None
    open_counters: int
    outcomes: list[OutcomePublic] = Field(
        default_factory=list, description="How a visit may end (the clerk chooses at finish)."
    )
    outcome_required: bool = False


class CallPublic(Model):
    ticket_id: int
    number: str
    service: str
    counter: int
    language: Language
    at: datetime
    recall: bool = False


class PrinterPublic(Model):
    """A kiosk's ticket printer as it last reported itself (staff see faults)."""

    device: str
    status: str = Field(description="online, paper_low, paper_out, cover_open, offline, unknown")


class QueueSnapshot(Model):
    site: str
    site_name: str
    timezone: str | None = Field(
        None,
        description="The site's IANA time zone (e.g. Europe/Warsaw): the hall display and "
        "the counter show clocks and times in it. Absent from servers before it was added.",
    )
    epoch: str
    seq: int
    at: datetime
    services: list[ServiceQueue]
    counters: list[CounterPublic]
    recent_calls: list[CallPublic]
    waiting: list[TicketPublic]
    ticker: dict[str, str] = Field(
        default_factory=dict, description="Hall display messages per language (site rules)."
    )
    printers: list[PrinterPublic] = Field(
        default_factory=list, description="Kiosk printers that have reported, by kiosk name."
    )
    parked: list[TicketPublic] = Field(
        default_factory=list, description="Clients parked by a counter, to be called back."
    )
    reactivatable: list[TicketPublic] = Field(
        default_factory=list,
        description="Today's no-shows that may still be reactivated (the office's time).",
    )


class EventPublic(Model):
    seq: int
    epoch: str
    site: str
    type: str
    at: datetime
    payload: dict[str, Any]


# One payload model per event type (kolejka.core.events.EventType); the log stores and the
# wire carries `model_dump(mode="json")` of it. docs/events.md describes each.


class TicketEventPayload(Model):
    """Every ticket.* type but ticket.transferred: the ticket as it is after the change."""

    ticket: TicketPublic


class TicketTransferredPayload(TicketEventPayload):
    from_service: str
    from_counter: int


class TicketMovedPayload(TicketEventPayload):
    from_service: str | None


class ClerkSignedOut(Model):
    """What a supervisor's sign-out did (also the `clerk.signed_out` event's payload)."""

    clerk: str
    display_name: str
    counters: list[int]


class ReprintRequested(Model):
    """The `kiosk.reprint` event's payload: which kiosk prints which ticket again."""

    device: str
    device_id: int
    ticket: TicketPublic


class CounterEventPayload(Model):
    counter: CounterPublic


class CounterPausedPayload(CounterEventPayload):
    reason: PauseReason | None = Field(
        None, description="Why: break, back_office or technical (counted in the statistics)."
    )


class PrinterStatusPayload(Model):
    device: str = Field(description="The kiosk's name.")
    status: PrinterState
    detail: str | None


class SiteConfiguredPayload(Model):
    by: str = Field(description="Who put the configuration (the actor's name).")
    change: str | None = Field(None, description="The console's operation, e.g. update_service.")
    target: str | None = Field(None, description="What it changed, e.g. a service's code.")
    revision: int | None = Field(None, description="The site's configuration revision after it.")
    signed_out: list[str] = Field(
        default_factory=list, description="Actor keys (kind:id) whose tokens stop working."
    )
    board: dict[str, Any] | None = Field(
        None, description="What a hall display shows: site_name, ticker, services, counters."
    )


class BookedSlot(Model):
    """An online booking as its events tell it: which slot, never who booked it."""

    id: int
    service: str
    start: datetime
    end: datetime
    status: str
    online: bool = True


class AppointmentEventPayload(Model):
    appointment: BookedSlot


class ClerkFromDirectory(Model):
    """A directory account signed in first, or the directory changed its role or name."""

    username: str
    role: str


EventPayload = (
    QueueSnapshot
    | TicketEventPayload
    | TicketTransferredPayload
    | CounterEventPayload
    | PrinterStatusPayload
    | SiteConfiguredPayload
    | ClerkSignedOut
    | ReprintRequested
    | ClerkFromDirectory
    | AppointmentEventPayload
)

EVENT_PAYLOADS: dict[EventType, type[EventPayload]] = {
    EventType.RESET: QueueSnapshot,
    EventType.TICKET_ISSUED: TicketEventPayload,
    EventType.TICKET_CALLED: TicketEventPayload,
    EventType.TICKET_RECALLED: TicketEventPayload,
    EventType.TICKET_SERVING: TicketEventPayload,
    EventType.TICKET_DONE: TicketEventPayload,
    EventType.TICKET_NO_SHOW: TicketEventPayload,
    EventType.TICKET_CANCELLED: TicketEventPayload,
    EventType.TICKET_TRANSFERRED: TicketTransferredPayload,
    EventType.TICKET_PARKED: TicketEventPayload,
    EventType.TICKET_REACTIVATED: TicketEventPayload,
    EventType.TICKET_SERVED_WITHOUT_TICKET: TicketEventPayload,
    EventType.TICKET_MOVED: TicketMovedPayload,
    EventType.TICKET_PRIORITISED: TicketEventPayload,
    EventType.TICKET_REINSTATED: TicketEventPayload,
    EventType.CLERK_SIGNED_OUT: ClerkSignedOut,
    EventType.KIOSK_REPRINT: ReprintRequested,
    EventType.CLERK_FROM_DIRECTORY: ClerkFromDirectory,
    EventType.APPOINTMENT_BOOKED: AppointmentEventPayload,
    EventType.APPOINTMENT_MOVED: AppointmentEventPayload,
    EventType.APPOINTMENT_CANCELLED: AppointmentEventPayload,
    EventType.COUNTER_OPENED: CounterEventPayload,
    EventType.COUNTER_PAUSED: CounterPausedPayload,
    EventType.COUNTER_CLOSED: CounterEventPayload,
    EventType.PRINTER_STATUS: PrinterStatusPayload,
    EventType.SITE_CONFIGURED: SiteConfiguredPayload,
}


class EventsPublic(Model):
    data: list[EventPublic]
    count: int
    epoch: str
    last_seq: int


# --- auth -----------------------------------------------------------------------------


class LoginRequest(Model):
    site: str = Field(min_length=1)
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=200)


class ClerkPublic(Model):
    username: str
    display_name: str
    role: Role
    site: str


class LoginResponse(Model):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime
    clerk: ClerkPublic


# --- statistics -----------------------------------------------------------------------


class StatsRow(Model):
    issued: int = 0
    transferred_in: int = 0
    called: int = 0
    served: int = 0
    no_show: int = 0
    cancelled: int = 0
    transferred_out: int = 0
    waiting: int = 0
    walk_ins: int = Field(0, description="Served without a ticket (also in `issued`).")
    parked: int = 0
    reactivated: int = 0
    outcomes: dict[str, int] = Field(default_factory=dict, description="Per outcome code.")
    pauses: dict[str, int] = Field(default_factory=dict, description="Counters: per reason.")
    pause_s: dict[str, float] = Field(default_factory=dict, description="Seconds per reason.")
    wait_median_s: float | None = None
    wait_p90_s: float | None = None
    service_median_s: float | None = None
    service_p90_s: float | None = None


class DailyStats(Model):
    site: str
    day: date
    services: dict[str, StatsRow]
    counters: dict[str, StatsRow]


# --- printers -------------------------------------------------------------------------


PrinterState = Literal["online", "paper_low", "paper_out", "cover_open", "offline", "unknown"]


class DeviceSelf(Model):
    """The calling device as the server knows it (a kiosk finds its own `kiosk.reprint`)."""

    id: int
    kind: str
    name: str


class PrinterStatusReport(Model):
    status: PrinterState
    detail: str | None = Field(None, max_length=500)


# --- appointments ---------------------------------------------------------------------

AppointmentStatus = Literal["booked", "checked_in", "cancelled"]


class AppointmentCreate(Model):
    service: str = Field(min_length=1, max_length=3, description="Service code (prefix).")
    start: Moment = Field(description="Slot start, with its UTC offset.")
    language: Language = Field("pl", description="The visitor's language (confirmation).")
    name: str | None = Field(
        None, max_length=200, description="Only where the site enables personal data."
    )
    contact: str | None = Field(
        None, max_length=200, description="Only where the site enables personal data."
    )
    external_ref: str | None = Field(
        None, max_length=100, description="The booking system's own id; unique per site."
    )


class AppointmentPublic(Model):
    id: int
    site: str
    service: str
    start: datetime
    end: datetime
    status: AppointmentStatus
    language: Language
    code: str = Field(description="Short code to type at the kiosk, e.g. 'ABCD-EF12'.")
    token: str = Field(description="The QR code's payload: opaque and signed.")
    checkin_from: datetime = Field(description="Check-in at the kiosk opens…")
    checkin_until: datetime = Field(description="…and closes.")
    name: str | None = None
    contact: str | None = None
    external_ref: str | None = None
    created_at: datetime
    checked_in_at: datetime | None = None
    cancelled_at: datetime | None = None
    ticket_number: str | None = None


class AppointmentsPublic(Model):
    data: list[AppointmentPublic]
    count: int


class AppointmentImport(Model):
    created: list[AppointmentPublic]
    skipped: list[str] = Field(
        default_factory=list, description="external_ref values already booked (re-import)."
    )
    count: int


class CheckInRequest(Model):
    code: str = Field(
        min_length=1, max_length=200, description="The QR payload, or the short typed code."
    )
    language: Language = "pl"
    document: str | None = Field(
        None,
        min_length=1,
        max_length=40,
        description="The document number, typed again, for a booking that was bound to one.",
    )


class SlotPublic(Model):
    start: datetime
    end: datetime
    capacity: int
    booked: int
    free: int


class SlotsPublic(Model):
    site: str
    service: str
    day: date
    data: list[SlotPublic]
    count: int


# --- the visitor's live ticket page --------------------------------------------------


class TicketStatusPublic(Model):
    """All that the public status page may know of a ticket."""

    number: str
    service_names: dict[str, str]
    status: TicketStatus
    ahead: int | None = None
    estimated_wait_s: int | None = None
    counter: int | None = Field(None, description="Where to go, once called.")
    poll_after_ms: int = Field(
        3000, description="When to ask again: often near the front of the line, seldom far back."
    )


# --- booking (online booking and notifications) --------------------------------------------


class SuspiciousBooker(Model):
    """Many bookings from one network address or one contact (keys, never the values)."""

    kind: Literal["address", "email", "phone"]
    key: str = Field(description="The start of the keyed hash: compare, never reverse.")
    bookings: int
    cancelled: int
    first: datetime
    last: datetime
    appointments: list[int]


class SuspiciousBookers(Model):
    days: int
    threshold: int
    data: list[SuspiciousBooker]
    count: int


class FailedNotification(Model):
    id: int
    kind: str
    channel: str
    recipient: str | None = Field(description="Masked: j***@example.com.")
    language: str
    attempts: int
    last_error: str | None
    ref: str | None
    created_at: datetime


class FailedNotifications(Model):
    counts: dict[str, int] = Field(description="Messages by status: pending, sending, …")
    data: list[FailedNotification]
    count: int


# --- statistics of a range (stats) ------------------------------------------------------


class RangeFiguresPublic(Model):
    """The figures of a group of tickets. Times in seconds (whole seconds, site time);
    a median or share is null where nothing was measured."""

    issued: int = Field(description="Tickets issued (a transfer is not a new ticket).")
    transferred_in: int
    called: int
    served: int
    no_show: int
    cancelled: int
    transferred_out: int = Field(description="Left this group's queue for another service.")
    open: int = Field(description="Not finished when the figures were made.")
    wait_median_s: float | None = None
    wait_p90_s: float | None = None
    service_median_s: float | None = None
    service_p90_s: float | None = None
    service_mean_s: float | None = None
    within_target: int = Field(description="Called within the service's target wait.")
    within_target_share: float | None = None
    estimates: int = Field(description="Tickets called that showed an estimated wait.")
    estimate_error_median_s: float | None = Field(
        None, description="Real wait minus the estimate shown, median (positive: longer)."
    )
    estimate_abs_error_median_s: float | None = None
    estimate_right_share: float | None = Field(
        None, description="Share of estimates within 5 minutes of the real wait."
    )


class RangeDayRow(RangeFiguresPublic):
    day: date


class RangeServiceRow(RangeFiguresPublic):
    service: str
    names: dict[str, str]
    target_wait_s: int


class RangeCounterRow(RangeFiguresPublic):
    counter: int
    name: str


class RangeClerkRow(RangeFiguresPublic):
    clerk: int
    name: str


class RangeStats(Model):
    site: str
    start: date
    end: date = Field(description="Inclusive.")
    timezone: str
    service: str | None = None
    counter: int | None = None
    clerk: int | None = None
    total: RangeFiguresPublic
    days: list[RangeDayRow]
    services: list[RangeServiceRow]
    counters: list[RangeCounterRow]
    clerks: list[RangeClerkRow] | None = Field(
        None, description="Supervisors and admins only; null for a clerk."
    )
    arrivals: list[list[int]] = Field(
        description="Tickets issued by weekday (0 = Monday) and local hour, summed."
    )
    weekdays: list[int] = Field(description="How many of each weekday the range holds.")
    calls_by_hour: list[int]


class ServiceForecastPublic(Model):
    service: str
    arrivals: list[float] = Field(description="Expected visitors in each local hour.")
    mean_service_s: float | None
    target_wait_s: int
    counters: list[int] = Field(description="Counters needed in each local hour.")


class SharedForecastPublic(Model):
    services: list[str] = Field(description="Services linked by counters that serve several.")
    counters: list[int] = Field(
        description="Counters these services need together in each local hour, reckoned as "
        "one queue (never more than the sum of their own figures)."
    )


class StaffingForecast(Model):
    site: str
    day: date
    weeks: int = Field(description="How many past same weekdays the arrivals come from.")
    goal: float = Field(description="Share of visitors to call within the target.")
    services: list[ServiceForecastPublic]
    open_counters: list[float] = Field(
        description="Counters that called someone, by hour, on the same weekday (average)."
    )
    shared: list[SharedForecastPublic] = Field(
        default_factory=list, description="Groups of services that share counters."
    )
    needed: list[int] = Field(
        default_factory=list,
        description="Counters the site needs in each local hour: every shared group's "
        "figure plus each other service's own.",
    )
