"""The pure queue core: no FastAPI, Qt or SQL here, only values in and values out."""

from kolejka.core.appointments import AppointmentStatus, CheckInWindow, SlotOffer
from kolejka.core.counters import CounterAction, counter_actions, next_counter_state
from kolejka.core.errors import Conflict, DomainError, Forbidden, InvalidTransition, NotFound
from kolejka.core.estimates import estimate_wait_s
from kolejka.core.hours import Interval, OpeningHours, Unavailable, availability
from kolejka.core.numbering import format_number, split_number
from kolejka.core.routing import (
    Candidate,
    CounterRouting,
    RoutingMode,
    ServiceLink,
    ahead_of,
    choose_next,
)
from kolejka.core.states import (
    CounterState,
    Priority,
    TicketAction,
    TicketStatus,
    allowed_actions,
    next_status,
)
from kolejka.core.tickets import TicketProgress

__all__ = [
    "AppointmentStatus",
    "Candidate",
    "CheckInWindow",
    "Conflict",
    "CounterAction",
    "CounterRouting",
    "CounterState",
    "DomainError",
    "Forbidden",
    "Interval",
    "InvalidTransition",
    "NotFound",
    "OpeningHours",
    "Priority",
    "RoutingMode",
    "ServiceLink",
    "SlotOffer",
    "TicketAction",
    "TicketProgress",
    "TicketStatus",
    "Unavailable",
    "ahead_of",
    "allowed_actions",
    "availability",
    "choose_next",
    "counter_actions",
    "estimate_wait_s",
    "format_number",
    "next_counter_state",
    "next_status",
    "split_number",
]
