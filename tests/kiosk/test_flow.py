"""The kiosk's screen flow as a pure state machine: every transition, no Qt."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from kiosk.flow import (
    AppointmentOpened,
    Back,
    CheckIn,
    CodeEntered,
    GroupOpened,
    Issue,
    KioskState,
    LanguageChosen,
    PrinterFailed,
    PrinterRecovered,
    PriorityToggled,
    Screen,
    ServerDown,
    ServerUp,
    ServiceChosen,
    TicketReady,
    TimedOut,
    WorkFailed,
    step,
)
from kolejka.schemas import TicketPublic

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
TICKET = TicketPublic(
    id=1,
    public_id="p1",
    site="test",
    number="A001",
    service="A",
    status="waiting",
    language="uk",
    priority="normal",
    issued_at=NOW,
    arrival_at=NOW,
    ahead=0,
)
START = KioskState()
SERVICES_UK = KioskState(screen=Screen.SERVICES, language="uk")


def test_choosing_a_language_opens_the_services_in_it() -> None:
    state, commands = step(START, LanguageChosen("uk"))
    assert (state.screen, state.language, commands) == (Screen.SERVICES, "uk", [])


def test_tapping_a_service_issues_once_even_when_tapped_twice() -> None:
    working, first = step(SERVICES_UK, ServiceChosen("A"))
    again, second = step(working, ServiceChosen("A"))
    assert first == [Issue("A", "uk", False)]
    assert second == []
    assert working.screen is again.screen is Screen.WORKING


def test_priority_toggle_goes_with_the_ticket() -> None:
    state, _ = step(SERVICES_UK, PriorityToggled())
    _, commands = step(state, ServiceChosen("B"))
    assert commands == [Issue("B", "uk", True)]


def test_a_group_opens_and_back_closes_it_before_leaving_the_services() -> None:
    in_group, _ = step(SERVICES_UK, GroupOpened("residence"))
    assert in_group.group == "residence"
    top, _ = step(in_group, Back())
    assert (top.screen, top.group) == (Screen.SERVICES, None)
    start, _ = step(top, Back())
    assert start == START


def test_a_printed_ticket_shows_then_times_out_to_a_fresh_start() -> None:
    working, _ = step(replace(SERVICES_UK, priority=True), ServiceChosen("A"))
    shown, _ = step(working, TicketReady(TICKET))
    assert (shown.screen, shown.ticket) == (Screen.TICKET, TICKET)
    after, _ = step(shown, TimedOut())
    assert after == START


def test_a_code_typed_on_the_appointment_screen_checks_in_in_the_visitors_language() -> None:
    appointment, _ = step(SERVICES_UK, AppointmentOpened())
    state, commands = step(appointment, CodeEntered("K7F3QX"))
    assert commands == [CheckIn("K7F3QX", "uk")]
    assert (state.screen, state.activity) == (Screen.WORKING, "check_in")


def test_a_scan_on_the_start_screen_waits_for_the_language() -> None:
    pending, commands = step(START, CodeEntered("K7F3QX"))
    assert (pending.screen, pending.pending_code, commands) == (Screen.LANGUAGE, "K7F3QX", [])
    state, commands = step(pending, LanguageChosen("ru"))
    assert commands == [CheckIn("K7F3QX", "ru")]
    assert (state.screen, state.pending_code) == (Screen.WORKING, None)


def test_a_scan_over_the_confirmation_starts_the_next_visitor() -> None:
    shown = replace(SERVICES_UK, screen=Screen.TICKET, ticket=TICKET)
    state, commands = step(shown, CodeEntered("NEXT01"))
    assert commands == []
    assert state == replace(START, pending_code="NEXT01")


@pytest.mark.parametrize(
    ("kind", "code", "screen", "server_up", "fault", "notice"),
    [
        ("refused", "appointment_too_early", Screen.NOTICE, True, None, "appointment_too_early"),
        ("server", "server_unreachable", Screen.UNAVAILABLE, False, None, None),
        ("printer", "paper_out", Screen.UNAVAILABLE, True, "paper_out", None),
    ],
)
def test_work_failures_lead_to_their_screen(
    kind: str, code: str, screen: Screen, server_up: bool, fault: str | None, notice: str | None
) -> None:
    working, _ = step(SERVICES_UK, ServiceChosen("A"))
    state, _ = step(working, WorkFailed(kind, code))  # type: ignore[arg-type]
    assert (state.screen, state.server_up, state.printer_fault, state.notice) == (
        screen,
        server_up,
        fault,
        notice,
    )
    assert state.language == "uk"  # the message is in the visitor's language


def test_a_notice_goes_back_to_the_services() -> None:
    notice = replace(SERVICES_UK, screen=Screen.NOTICE, notice="daily_limit_reached")
    state, _ = step(notice, Back())
    assert (state.screen, state.notice) == (Screen.SERVICES, None)


def test_server_down_interrupts_a_visitor_and_recovery_returns_to_the_start() -> None:
    down, _ = step(SERVICES_UK, ServerDown())
    assert (down.screen, down.language) == (Screen.UNAVAILABLE, "uk")
    up, _ = step(down, ServerUp())
    assert up == START


def test_server_down_during_work_waits_for_the_work_to_end() -> None:
    working, _ = step(SERVICES_UK, ServiceChosen("A"))
    state, _ = step(working, ServerDown())
    assert (state.screen, state.server_up) == (Screen.WORKING, False)
    shown, _ = step(state, TicketReady(TICKET))
    assert shown.screen is Screen.TICKET  # the server did answer this one


def test_both_faults_must_clear_before_the_kiosk_comes_back() -> None:
    state, _ = step(START, ServerDown())
    state, _ = step(state, PrinterFailed("cover_open"))
    state, _ = step(state, ServerUp())
    assert (state.screen, state.printer_fault) == (Screen.UNAVAILABLE, "cover_open")
    state, _ = step(state, PrinterRecovered())
    assert state == START


def test_the_language_can_change_on_the_out_of_order_screen_and_idles_away() -> None:
    down, _ = step(START, ServerDown())
    switched, _ = step(down, LanguageChosen("ru"))
    assert (switched.screen, switched.language) == (Screen.UNAVAILABLE, "ru")
    idle, _ = step(switched, TimedOut())
    assert (idle.screen, idle.language) == (Screen.UNAVAILABLE, None)


@pytest.mark.parametrize("screen", [Screen.SERVICES, Screen.APPOINTMENT, Screen.NOTICE])
def test_idle_returns_every_interactive_screen_to_the_start(screen: Screen) -> None:
    state = replace(SERVICES_UK, screen=screen, priority=True, group="residence")
    assert step(state, TimedOut())[0] == START


def test_idle_never_interrupts_work() -> None:
    working, _ = step(SERVICES_UK, ServiceChosen("A"))
    assert step(working, TimedOut())[0] == working


def test_switching_language_in_place_keeps_the_screen() -> None:
    appointment = replace(SERVICES_UK, screen=Screen.APPOINTMENT)
    state, commands = step(appointment, LanguageChosen("en"))
    assert (state.screen, state.language, commands) == (Screen.APPOINTMENT, "en", [])
