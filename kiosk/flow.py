"""What the kiosk shows and does next: a pure state machine, no Qt and no network.

`step(state, event)` returns the next state and the commands to run (issue a ticket, check
in an appointment). The Qt controller feeds it the visitor's taps, scanner reads, timer
expiries and the outcome of network and printer work, and runs the commands off the GUI
thread. Because the screen moves to WORKING in the same step that emits the command, a
second tap arrives in WORKING and is dropped: a double tap never asks for two tickets.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Literal

from kolejka.schemas import TicketPublic


class Screen(StrEnum):
    LANGUAGE = "language"  # the start screen
    SERVICES = "services"
    APPOINTMENT = "appointment"
    DOCUMENT = "document"  # a booking bound to a document number asks for it
    WORKING = "working"  # issuing and printing
    TICKET = "ticket"  # the confirmation
    NOTICE = "notice"  # a refusal explained, with a way back
    UNAVAILABLE = "unavailable"  # server or printer down; comes back by itself


@dataclass(frozen=True)
class KioskState:
    screen: Screen = Screen.LANGUAGE
    language: str | None = None
    group: str | None = None  # the open service group, None = the top level
    priority: bool = False
    pending_code: str | None = None  # scanned on the start screen, before a language
    activity: Literal["issue", "check_in"] | None = None  # what WORKING is doing
    ticket: TicketPublic | None = None
    notice: str | None = None  # the code explained on NOTICE
    # The booking being checked in, kept while DOCUMENT asks for its document number (the
    # number itself is never in the state: it goes straight into the CheckIn command).
    booking_code: str | None = None
    tries_left: int | None = None  # after a wrong document number: the server's count
    server_up: bool = True
    printer_fault: str | None = None  # a printer reason code (paper_out, cover_open, …)

    @property
    def out_of_order(self) -> bool:
        return not self.server_up or self.printer_fault is not None


# --- events ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LanguageChosen:
    language: str


@dataclass(frozen=True)
class GroupOpened:
    group: str


@dataclass(frozen=True)
class Back:
    pass


@dataclass(frozen=True)
class PriorityToggled:
    pass


@dataclass(frozen=True)
class ServiceChosen:
    service: str


@dataclass(frozen=True)
class AppointmentOpened:
    pass


@dataclass(frozen=True)
class CodeEntered:
    code: str


@dataclass(frozen=True)
class DocumentEntered:
    document: str = field(repr=False)  # never in a log line


@dataclass(frozen=True)
class TicketReady:
    ticket: TicketPublic


@dataclass(frozen=True)
class WorkFailed:
    """Issuing or check-in ended without a printed ticket."""

    kind: Literal["server", "printer", "refused"]
    code: str  # "server_unreachable", a printer reason, or the server's refusal code
    tries_left: int | None = None  # appointment_document_mismatch: wrong tries still allowed


@dataclass(frozen=True)
class ServerDown:
    pass


@dataclass(frozen=True)
class ServerUp:
    pass


@dataclass(frozen=True)
class PrinterFailed:
    reason: str


@dataclass(frozen=True)
class PrinterRecovered:
    pass


@dataclass(frozen=True)
class MoreTime:
    """The visitor asked for more time; the controller's countdown, not the screen, changes."""


@dataclass(frozen=True)
class TimedOut:
    """Idle timeout or the confirmation's time is up: back to the start for the next visitor."""


Event = (
    LanguageChosen
    | GroupOpened
    | Back
    | PriorityToggled
    | ServiceChosen
    | AppointmentOpened
    | CodeEntered
    | DocumentEntered
    | TicketReady
    | WorkFailed
    | ServerDown
    | ServerUp
    | PrinterFailed
    | PrinterRecovered
    | MoreTime
    | TimedOut
)


# --- commands -------------------------------------------------------------------------


@dataclass(frozen=True)
class Issue:
    service: str
    language: str
    priority: bool


@dataclass(frozen=True)
class CheckIn:
    code: str
    language: str
    document: str | None = field(default=None, repr=False)


Command = Issue | CheckIn

# Screens on which the visitor's session goes on; the others are left by events only.
INTERACTIVE = frozenset(
    {Screen.LANGUAGE, Screen.SERVICES, Screen.APPOINTMENT, Screen.DOCUMENT, Screen.NOTICE}
)
# Check-in refusals that ask the visitor for the booking's document number.
ASKS_DOCUMENT = frozenset({"appointment_document_required", "appointment_document_mismatch"})


def start(state: KioskState, *, pending_code: str | None = None) -> KioskState:
    """A fresh session for the next visitor, keeping what is known about the devices."""
    fresh = KioskState(server_up=state.server_up, printer_fault=state.printer_fault)
    if fresh.out_of_order:
        return replace(fresh, screen=Screen.UNAVAILABLE)
    return replace(fresh, pending_code=pending_code)


def _working(state: KioskState, activity: Literal["issue", "check_in"]) -> KioskState:
    return replace(state, screen=Screen.WORKING, activity=activity, pending_code=None, notice=None)


def _checking_in(state: KioskState, code: str, language: str) -> tuple[KioskState, list[Command]]:
    working = replace(_working(state, "check_in"), booking_code=code, tries_left=None)
    return working, [CheckIn(code, language)]


def step(state: KioskState, event: Event) -> tuple[KioskState, list[Command]]:
    screen = state.screen
    match event:
        case LanguageChosen(language):
            if screen is Screen.LANGUAGE:
                if state.pending_code is not None:
                    return _checking_in(
                        replace(state, language=language), state.pending_code, language
                    )
                return replace(state, screen=Screen.SERVICES, language=language), []
            if screen is Screen.WORKING:
                return state, []
            return replace(state, language=language), []  # switch in place
        case GroupOpened(group) if screen is Screen.SERVICES:
            return replace(state, group=group), []
        case Back():
            if screen is Screen.SERVICES and state.group is not None:
                return replace(state, group=None), []
            if screen in (Screen.SERVICES, Screen.TICKET):
                return start(state), []
            if screen in (Screen.APPOINTMENT, Screen.DOCUMENT, Screen.NOTICE):
                left = replace(state, screen=Screen.SERVICES, notice=None, booking_code=None)
                return replace(left, tries_left=None), []
            return state, []
        case PriorityToggled() if screen is Screen.SERVICES:
            return replace(state, priority=not state.priority), []
        case ServiceChosen(service) if screen is Screen.SERVICES and state.language:
            return _working(state, "issue"), [Issue(service, state.language, state.priority)]
        case AppointmentOpened() if screen is Screen.SERVICES:
            return replace(state, screen=Screen.APPOINTMENT), []
        case CodeEntered(code):
            if screen in (Screen.SERVICES, Screen.APPOINTMENT, Screen.DOCUMENT) and state.language:
                return _checking_in(state, code, state.language)
            if screen is Screen.LANGUAGE:
                return replace(state, pending_code=code), []
            if screen in (Screen.TICKET, Screen.NOTICE):  # most likely the next visitor
                return start(state, pending_code=code), []
            return state, []
        case DocumentEntered(document) if screen is Screen.DOCUMENT:
            if state.booking_code is None or state.language is None or not document:
                return state, []
            working = _working(state, "check_in")
            return working, [CheckIn(state.booking_code, state.language, document)]
        case TicketReady(ticket) if screen is Screen.WORKING:
            done = replace(state, screen=Screen.TICKET, ticket=ticket, booking_code=None)
            return replace(done, tries_left=None), []
        case WorkFailed(kind, code, tries_left) if screen is Screen.WORKING:
            if kind == "server":
                return replace(state, screen=Screen.UNAVAILABLE, server_up=False), []
            if kind == "printer":
                return replace(state, screen=Screen.UNAVAILABLE, printer_fault=code), []
            if code in ASKS_DOCUMENT and state.booking_code is not None:
                return replace(
                    state, screen=Screen.DOCUMENT, notice=code, tries_left=tries_left
                ), []
            return replace(state, screen=Screen.NOTICE, notice=code, booking_code=None), []
        case ServerDown():
            down = replace(state, server_up=False)
            if screen is Screen.WORKING:
                return down, []  # the running work reports its own outcome
            return replace(down, screen=Screen.UNAVAILABLE), []
        case PrinterFailed(reason):
            faulty = replace(state, printer_fault=reason)
            if screen is Screen.WORKING:
                return faulty, []
            return replace(faulty, screen=Screen.UNAVAILABLE), []
        case ServerUp():
            return _recovered(replace(state, server_up=True)), []
        case PrinterRecovered():
            return _recovered(replace(state, printer_fault=None)), []
        case TimedOut():
            if screen is Screen.UNAVAILABLE:
                return replace(state, language=None), []
            if screen is Screen.WORKING:
                return state, []
            return start(state), []
    return state, []


def _recovered(state: KioskState) -> KioskState:
    if state.screen is Screen.UNAVAILABLE and not state.out_of_order:
        return start(state)
    return state
