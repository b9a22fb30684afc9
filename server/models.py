"""Database tables (SQLModel). Public shapes live in kolejka.schemas; these are storage.

Times are stored as UTC and come back timezone-aware on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from kolejka.core.appointments import AppointmentStatus
from kolejka.core.routing import RoutingMode
from kolejka.core.states import CounterState, Priority, TicketStatus
from kolejka.schemas import DeviceKind
from server.siteconfig import RulesConfig, address_from_json, rules_from_json


class UTCDateTime(TypeDecorator[datetime]):
    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_column(nullable: bool = False, index: bool = False) -> Any:
    return sa.Column(UTCDateTime(), nullable=nullable, index=index)


def json_column() -> Any:
    return sa.Column(sa.JSON(), nullable=False)


def enum_column(enum: type[StrEnum]) -> Any:
    """The enum's values in a VARCHAR(20), as the migrations made it (no CHECK, no native
    type, so no data migration): rows come back as members. A plain string is bound as it
    is, as before (a query may compare with a value no row has, e.g. server/repository/ahead.py's
    "no higher class")."""
    values = sa.Enum(
        enum,
        native_enum=False,
        create_constraint=False,
        length=20,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=False,
    )
    return sa.Column(values, nullable=False)


class Site(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=40)
    name: str = Field(max_length=200)
    timezone: str = Field(default="Europe/Warsaw", max_length=64)
    # The event log's identity: changes only when history is lost (a reset database).
    epoch: str = Field(max_length=40)
    last_seq: int = 0
    settings: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    # Bumped with every change to the site's or its services' rows (server/catalog.py).
    config_rev: int = Field(default=0, sa_column_kwargs={"server_default": "0"})

    @property
    def rules(self) -> RulesConfig:
        """The rules stored in `settings`, typed (write paths use the catalog's copy)."""
        return rules_from_json(self.settings)

    @property
    def address(self) -> str | None:
        return address_from_json(self.settings)


class Service(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("site_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    code: str = Field(max_length=3)
    names: dict[str, str] = Field(default_factory=dict, sa_column=json_column())
    group: str | None = Field(default=None, max_length=40)
    group_names: dict[str, str] = Field(default_factory=dict, sa_column=json_column())
    position: int = 0
    hours: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    daily_limit: int | None = None
    enabled: bool = True
    bring_text: dict[str, str] = Field(default_factory=dict, sa_column=json_column())
    slot_minutes: int = Field(default=15, sa_column_kwargs={"server_default": "15"})
    slot_capacity: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    # [{"code": …, "names": {…}}] (siteconfig.OutcomeConfig), chosen at finish.
    outcomes: list[dict[str, Any]] = Field(
        default_factory=list,
        sa_column=sa.Column(sa.JSON(), nullable=False, server_default="[]"),
    )
    outcome_required: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})

    # Refuse a ticket whose estimated wait passes today's closing hour (migration 0010).
    stop_at_closing: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    wait_threshold_min: int | None = None
    # server.siteconfig.OnlineBookingConfig as JSON; {} = not bookable online.
    online_booking: dict[str, Any] = Field(
        default_factory=dict,
        sa_column=sa.Column(sa.JSON(), nullable=False, server_default="{}"),
    )


class Clerk(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("site_id", "username"),)
    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    username: str = Field(max_length=100)
    display_name: str = Field(max_length=200)
    password_hash: str = Field(max_length=300)
    role: str = Field(default="clerk", max_length=20)
    active: bool = True
    # A supervisor signed the clerk out (the console): sessions issued before are refused.
    signed_out_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class Counter(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("site_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    number: int
    name: str = Field(max_length=100)
    state: CounterState = Field(default=CounterState.CLOSED, sa_column=enum_column(CounterState))
    routing_mode: RoutingMode = Field(default=RoutingMode.ORDER, sa_column=enum_column(RoutingMode))
    clerk_id: int | None = Field(default=None, foreign_key="clerk.id")
    current_ticket_id: int | None = None
    pause_reason: str | None = Field(default=None, max_length=20)  # while paused


class CounterService(SQLModel, table=True):
    counter_id: int = Field(foreign_key="counter.id", primary_key=True)
    service_id: int = Field(foreign_key="service.id", primary_key=True)
    order: int = 1
    weight: float = 1.0


class DailySequence(SQLModel, table=True):
    """One row per (site, day, prefix): the last number issued. Updated in the ticket's
    own transaction, so an aborted issue leaves no gap and a restart no repeat."""

    site_id: int = Field(foreign_key="site.id", primary_key=True)
    day: date = Field(primary_key=True)
    prefix: str = Field(primary_key=True, max_length=3)
    last: int = 0
    # PostgreSQL: the arrival of the last number, so the next one arrives after it without
    # looking that ticket up (migration 0013); SQLite issues in one writer and leaves it.
    last_arrival: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class Ticket(SQLModel, table=True):
    __table_args__ = (
        sa.UniqueConstraint("site_id", "day", "number"),
        sa.Index("ix_ticket_queue", "site_id", "status", "service_id"),
        sa.Index("ix_ticket_done", "service_id", "status", "finished_at"),
        sa.Index("ix_ticket_called", "service_id", "called_at"),
        sa.Index(
            "ix_ticket_waiting", "service_id", "status", "priority", "arrival_at", "appointment_at"
        ),
        sa.Index("ix_ticket_due", "service_id", "status", "appointment_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id")
    public_id: str = Field(unique=True, max_length=40)
    day: date
    number: str = Field(max_length=12)
    service_id: int = Field(foreign_key="service.id")
    status: TicketStatus = Field(default=TicketStatus.WAITING, sa_column=enum_column(TicketStatus))
    language: str = Field(default="pl", max_length=5)
    priority: Priority = Field(default=Priority.NORMAL, sa_column=enum_column(Priority))
    issued_at: datetime = Field(sa_column=utc_column())
    arrival_at: datetime = Field(sa_column=utc_column())  # kept across transfers
    queued_at: datetime = Field(sa_column=utc_column())  # entered the current queue
    called_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    started_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    finished_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    counter_id: int | None = Field(default=None, foreign_key="counter.id")
    target_counter_id: int | None = Field(default=None, foreign_key="counter.id")
    recalls: int = 0
    note: str | None = Field(default=None, max_length=500)
    appointment_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    device_id: int | None = Field(default=None, foreign_key="device.id")
    outcome: str | None = Field(default=None, max_length=40)  # given at finish


class QueueLength(SQLModel, table=True):
    """How many tickets wait in each service and priority class.

    Kept by database triggers on `ticket` (migration 0006), so no code path can forget
    it: SQLite counts an index range entry by entry, and at thousands waiting the count
    cost more than issuing the ticket did."""

    service_id: int = Field(foreign_key="service.id", primary_key=True)
    priority: str = Field(primary_key=True, max_length=20)
    waiting: int = 0


class Event(SQLModel, table=True):
    """The append-only log: audit trail, statistics source and WebSocket replay."""

    __table_args__ = (
        sa.UniqueConstraint("site_id", "seq"),
        # The latest events of a type (the monitor's "paused since", "printer since").
        sa.Index("ix_event_site_type", "site_id", "type", "seq"),
    )
    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id")
    seq: int
    type: str = Field(max_length=40)
    at: datetime = Field(sa_column=utc_column(index=True))
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    # Who acted (server.actors.actor_record), for the audit; never sent to clients.
    actor: dict[str, Any] | None = Field(
        default=None, sa_column=sa.Column(sa.JSON(none_as_null=True), nullable=True)
    )


class Device(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    kind: DeviceKind = Field(sa_column=enum_column(DeviceKind))
    name: str = Field(max_length=100)
    token_hash: str = Field(unique=True, max_length=64)
    counter_number: int | None = None
    zone: list[int] = Field(default_factory=list, sa_column=json_column())
    active: bool = True
    printer_status: str | None = Field(default=None, max_length=20)


class IdempotencyRecord(SQLModel, table=True):
    """A retried request with the same Idempotency-Key gets the first answer again."""

    site_id: int = Field(foreign_key="site.id", primary_key=True)
    key: str = Field(primary_key=True, max_length=100)
    actor: str = Field(max_length=100)
    # What the key was sent with (server/idempotency.py); NULL for records made before.
    operation: str | None = Field(default=None, max_length=60)
    fingerprint: str | None = Field(default=None, max_length=64)
    status_code: int
    body: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(sa.JSON()))
    created_at: datetime = Field(sa_column=utc_column())


class Appointment(SQLModel, table=True):
    """A booked slot. `ref` backs the signed QR token, `code` is the short typed code;
    neither says anything about the visitor. Name and contact are erased after the
    site's retention period (server.appointments.purge_personal_data)."""

    __table_args__ = (
        sa.UniqueConstraint("site_id", "external_ref"),
        sa.Index("ix_appointment_slot", "site_id", "service_id", "start_at"),
        sa.Index("ix_appointment_manage_hash", "manage_hash", unique=True),
        sa.Index("ix_appointment_form_nonce", "form_nonce", unique=True),
        sa.Index("ix_appointment_document_hash", "document_hash"),
        # The per-address limit counts the last day's (server/public_booking.py's tally).
        sa.Index("ix_appointment_address_day", "address_key", "created_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id")
    service_id: int = Field(foreign_key="service.id")
    ref: str = Field(unique=True, max_length=20)
    code: str = Field(unique=True, max_length=12)
    start_at: datetime = Field(sa_column=utc_column())
    end_at: datetime = Field(sa_column=utc_column())
    status: AppointmentStatus = Field(
        default=AppointmentStatus.BOOKED, sa_column=enum_column(AppointmentStatus)
    )
    language: str = Field(default="pl", max_length=5)
    name: str | None = Field(default=None, max_length=200)
    contact: str | None = Field(default=None, max_length=200)
    external_ref: str | None = Field(default=None, max_length=100)
    created_at: datetime = Field(sa_column=utc_column())
    created_by: str = Field(max_length=100)
    checked_in_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    cancelled_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    ticket_id: int | None = Field(default=None, foreign_key="ticket.id")
    # Booked on the public pages (server/public_booking.py). E-mail, phone, the office's
    # fields and the keyed hashes are personal data: erased with name and contact.
    online: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=32)
    fields: dict[str, Any] | None = Field(
        default=None, sa_column=sa.Column(sa.JSON(none_as_null=True), nullable=True)
    )
    # HMAC-SHA256 (server secret) of the normalised e-mail / phone / client address /
    # document number: limits and "one booking per person" compare these, nothing clear.
    email_key: str | None = Field(default=None, max_length=64, index=True)
    phone_key: str | None = Field(default=None, max_length=64, index=True)
    address_key: str | None = Field(default=None, max_length=64)
    document_hash: str | None = Field(default=None, max_length=64)
    # Wrong document numbers typed at a kiosk; at DOCUMENT_TRIES (kolejka.core.appointments)
    # the kiosk stops comparing and the visitor is sent to the reception desk.
    document_failures: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # SHA-256 of the manage link's secret; the secret itself is only in the visitor's link.
    manage_hash: str | None = Field(default=None, max_length=64)
    # The booking form's one-time nonce (hashed): a replayed form finds it and is refused.
    form_nonce: str | None = Field(default=None, max_length=64)
    reminded_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class OutboxMessage(SQLModel, table=True):
    """A notification waiting for its sender (server/outbox.py), written in the same
    transaction as the change it tells of. Recipient and text are erased once delivered."""

    __tablename__ = "outbox"
    __table_args__ = (
        sa.Index("ix_outbox_due", "status", "next_attempt_at"),
        sa.Index("ix_outbox_claim", "status", "priority", "next_attempt_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id")
    kind: str = Field(max_length=30)  # booking_confirmed | booking_moved | … | called
    channel: str = Field(max_length=10)  # email | sms
    recipient: str | None = Field(default=None, max_length=254)
    language: str = Field(default="pl", max_length=5)
    subject: str | None = Field(default=None, max_length=300)
    body: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))
    # What to attach, rendered at sending time: {"qr": <token>, "ics": {...}}.
    attachments: dict[str, Any] | None = Field(
        default=None, sa_column=sa.Column(sa.JSON(none_as_null=True), nullable=True)
    )
    ref: str | None = Field(default=None, max_length=60)  # "appointment:12", "ticket:40"
    status: str = Field(default="pending", max_length=12)  # pending|sending|sent|failed
    # kolejka.core.booking.delivery_priority: 0 is claimed first.
    priority: int = Field(
        default=1, sa_column=sa.Column(sa.SmallInteger(), nullable=False, server_default="1")
    )
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_column=utc_column())
    lease_until: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(sa_column=utc_column())
    sent_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class TicketWatch(SQLModel, table=True):
    """A waiting visitor asked on the live ticket page to be told "N people ahead" and
    "please go to counter 5". Erased at the end of the day (server/personal_data.py)."""

    __tablename__ = "ticket_watch"
    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id")
    ticket_id: int = Field(foreign_key="ticket.id", unique=True)
    service_id: int = Field(foreign_key="service.id", index=True)
    day: date
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=32)
    language: str = Field(default="pl", max_length=5)
    ahead: int = 3
    ahead_sent: bool = False
    called_sent: bool = False
    created_at: datetime = Field(sa_column=utc_column())


class StatsRollup(SQLModel, table=True):
    """One day of a site's ticket timeline, per service, counter and clerk (0: none):
    counts, tickets issued and called by local hour, and the measured waits, service times
    and estimate errors in whole seconds (int32 arrays, kolejka.core.rollups.Roll). Kept by
    server/statistics.py, which rolls up again the days that events after
    `StatsMark.seq` touched, so a late change (a ticket finished after midnight, a
    correction) lands on its ticket's day before the figures are read."""

    __tablename__ = "stats_rollup"
    site_id: int = Field(foreign_key="site.id", primary_key=True)
    day: date = Field(primary_key=True)
    service: str = Field(primary_key=True, max_length=3)
    counter: int = Field(primary_key=True)
    clerk: int = Field(primary_key=True)
    issued: int = 0
    transferred_in: int = 0
    called: int = 0
    served: int = 0
    no_show: int = 0
    cancelled: int = 0
    transferred_out: int = 0
    open: int = 0
    wait: bytes = Field(sa_column=sa.Column(sa.LargeBinary(), nullable=False))
    service_time: bytes = Field(sa_column=sa.Column(sa.LargeBinary(), nullable=False))
    estimate_error: bytes = Field(sa_column=sa.Column(sa.LargeBinary(), nullable=False))
    arrivals: bytes = Field(sa_column=sa.Column(sa.LargeBinary(), nullable=False))
    calls: bytes = Field(sa_column=sa.Column(sa.LargeBinary(), nullable=False))


class StatsMark(SQLModel, table=True):
    """The last event of a site already in its roll-ups."""

    __tablename__ = "stats_mark"
    site_id: int = Field(foreign_key="site.id", primary_key=True)
    seq: int = 0


class StatsDay(SQLModel, table=True):
    """How far in time the events of a day's tickets reach (a ticket finished after
    midnight, a correction days later), so that re-rolling the day reads all of them."""

    __tablename__ = "stats_day"
    site_id: int = Field(foreign_key="site.id", primary_key=True)
    day: date = Field(primary_key=True)
    until: datetime = Field(sa_column=utc_column())


class DevicePresence(SQLModel, table=True):
    """When a server process last heard from a device, and how many of its event streams
    that process holds open, so the monitor of any process sees every device
    (server/presence.py). Written by each process for its own devices every few
    seconds, not per request; `beat_at` is the process's last write: the connections of
    a process that stopped writing no longer count."""

    __tablename__ = "device_presence"
    process: str = Field(primary_key=True, max_length=32)
    device_id: int = Field(primary_key=True)
    last_seen: datetime = Field(sa_column=utc_column())
    connections: int = 0
    beat_at: datetime = Field(sa_column=utc_column(index=True))
