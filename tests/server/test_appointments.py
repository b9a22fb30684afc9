"""Appointments over real HTTP: booking rules, every check-in refusal, capacity under
concurrency (SQLite and PostgreSQL), routing of checked-in tickets, permissions."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from kolejka.client import ConflictError, InvalidRequest, KolejkaClient, NotFoundError, Refused
from server.booking_codes import make_token, new_ref, new_short_code
from server.settings import DEV_SECRET
from tests.support import (
    DISPLAY_TOKEN,
    KIOSK2_TOKEN,
    KIOSK_TOKEN,
    LiveServer,
    site_config_dict,
)

WARSAW = ZoneInfo("Europe/Warsaw")
BOOKING_TOKEN = "test-booking-token-00001"
OTHER_KIOSK_TOKEN = "other-kiosk-token-000001"
OTHER_BOOKING_TOKEN = "other-booking-token-0001"
BRING = {
    "pl": "Paszport i zdjęcie.",
    "en": "Passport and a photo.",
    "ru": "Паспорт и фотография.",
    "uk": "Паспорт і фотографія.",
}


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in November 2026, Warsaw time (T0 is Tuesday the 24th, 10:00)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=WARSAW)


def appointment_config(password_hash: str, **rules: Any) -> dict[str, Any]:
    rules = {
        "checkin_before_min": 30,
        "checkin_after_min": 15,
        "personal_data_enabled": True,
        "personal_data_retention_days": 30,
        **rules,
    }
    config = site_config_dict(password_hash, **rules)
    site = config["sites"][0]
    site["address"] = "ul. Testowa 1, 00-001 Warszawa"
    services = {s["code"]: s for s in site["services"]}
    services["A"].update(slot_capacity=2, bring_text=BRING)
    services["B"].update(slot_minutes=30)
    services["C"].update(slot_capacity=0)
    services["D"]["hours"] = {
        "mon": ["08:00-09:00"],
        "tue": ["08:00-09:00"],
        # an extra Saturday, and a Monday holiday
        "special": {"2026-11-28": ["09:00-12:00"], "2026-11-30": []},
    }
    site["devices"].append({"kind": "booking", "name": "portal", "token": BOOKING_TOKEN})
    config["sites"].append(
        {
            "code": "other",
            "name": "Delegatura",
            "services": [{"code": "A", "names": {"pl": "Pobyt", "en": "Residence"}}],
            "devices": [
                {"kind": "kiosk", "name": "other-kiosk", "token": OTHER_KIOSK_TOKEN},
                {"kind": "booking", "name": "other-portal", "token": OTHER_BOOKING_TOKEN},
            ],
        }
    )
    return config


def start_server(url: str, clock: Any, password_hash: str, **rules: Any) -> LiveServer:
    from server.app import create_app
    from server.settings import Settings
    from server.siteconfig import parse_config

    settings = Settings(environment="test", database_url=url, kiosk_rate_per_minute=100_000)
    config = parse_config(appointment_config(password_hash, **rules))
    return LiveServer(lambda: create_app(settings, clock=clock, site_config=config)).start()


@pytest.fixture
def server(sqlite_url: str, clock: Any, password_hash: str) -> Iterator[LiveServer]:
    live = start_server(sqlite_url, clock, password_hash)
    yield live
    live.stop()


@pytest.fixture
def any_server(database_url: str, clock: Any, password_hash: str) -> Iterator[LiveServer]:
    """The same site on SQLite and on PostgreSQL."""
    live = start_server(database_url, clock, password_hash)
    yield live
    live.stop()


@pytest.fixture
def portal(server: LiveServer) -> Iterator[KolejkaClient]:
    with KolejkaClient(server.url, "test", BOOKING_TOKEN) as client:
        yield client


@pytest.fixture
def kiosk(server: LiveServer) -> Iterator[KolejkaClient]:
    with KolejkaClient(server.url, "test", KIOSK_TOKEN) as client:
        yield client


# --- booking -----------------------------------------------------------------------------


def test_a_booking_answers_its_codes_and_check_in_window(portal: KolejkaClient) -> None:
    booked = portal.create_appointment("A", at(25, 9, 15), "uk", external_ref="ext-1")
    assert booked.status == "booked" and booked.service == "A" and booked.language == "uk"
    assert booked.start == at(25, 9, 15) and booked.end == at(25, 9, 30)
    assert booked.checkin_from == at(25, 8, 45) and booked.checkin_until == at(25, 9, 30)
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", booked.code)
    # The QR payload is opaque: random letters and a signature, nothing derived from the
    # booking, so two bookings of the same slot in the same language look unrelated.
    assert re.fullmatch(r"KA1\.[0-9A-Z]{16}\.[0-9A-Z]{16}", booked.token)
    twin = portal.create_appointment("A", at(25, 9, 15), "uk")
    _, ref, mac = booked.token.split(".")
    _, twin_ref, twin_mac = twin.token.split(".")
    assert ref != twin_ref and mac != twin_mac
    assert booked.code != twin.code
    assert portal.get_appointment(booked.id) == booked


def test_a_full_slot_refuses_and_a_cancellation_frees_a_place(portal: KolejkaClient) -> None:
    first = portal.create_appointment("A", at(25, 10))
    portal.create_appointment("A", at(25, 10))
    with pytest.raises(ConflictError) as info:
        portal.create_appointment("A", at(25, 10))
    assert info.value.code == "slot_full" and info.value.params["capacity"] == 2
    slot = next(s for s in portal.list_slots("A", date(2026, 11, 25)).data if s.start == at(25, 10))
    assert (slot.capacity, slot.booked, slot.free) == (2, 2, 0)
    cancelled = portal.cancel_appointment(first.id)
    assert cancelled.status == "cancelled" and cancelled.cancelled_at is not None
    assert portal.cancel_appointment(first.id).status == "cancelled"  # twice is harmless
    assert portal.create_appointment("A", at(25, 10)).status == "booked"


@pytest.mark.parametrize(
    ("service", "start", "error", "code"),
    [
        ("A", at(25, 10, 7), InvalidRequest, "slot_misaligned"),  # slots every 15 minutes
        ("B", at(25, 10, 15), InvalidRequest, "slot_misaligned"),  # B's slots are 30 minutes
        ("D", at(24, 11), ConflictError, "slot_closed"),  # D is open 08-09 only
        ("D", at(24, 8, 45), ConflictError, "slot_in_past"),  # T0 is 10:00
        ("D", at(30, 8), ConflictError, "slot_closed"),  # a Monday holiday
        ("D", at(29, 8), ConflictError, "slot_closed"),  # Sunday
        ("C", at(25, 10), ConflictError, "appointments_not_offered"),  # capacity 0
        ("Z", at(25, 10), NotFoundError, "service_not_found"),
    ],
)
def test_a_start_that_is_not_a_free_slot_is_refused(
    portal: KolejkaClient, service: str, start: datetime, error: type, code: str
) -> None:
    with pytest.raises(error) as info:
        portal.create_appointment(service, start)
    assert info.value.code == code
    assert portal.list_appointments(day=start.date()).count == 0


def test_special_days_have_their_own_slots(portal: KolejkaClient) -> None:
    saturday = portal.list_slots("D", date(2026, 11, 28))
    assert [s.start for s in saturday.data][:2] == [at(28, 9), at(28, 9, 15)]
    assert saturday.count == 12  # 09:00-12:00 in 15-minute slots
    assert portal.list_slots("D", date(2026, 11, 30)).count == 0  # holiday
    assert portal.list_slots("D", date(2026, 11, 29)).count == 0  # Sunday
    assert portal.list_slots("C", date(2026, 11, 25)).count == 0  # takes no appointments
    assert portal.list_slots("B", date(2026, 11, 25)).data[1].start == at(25, 0, 30)
    assert portal.create_appointment("D", at(28, 11, 45)).end == at(28, 12)


def test_a_start_without_an_offset_is_refused(server: LiveServer) -> None:
    response = httpx.post(
        f"{server.url}/api/v1/sites/test/appointments",
        json={"service": "A", "start": "2026-11-25T10:00:00"},
        headers={"Authorization": f"Bearer {BOOKING_TOKEN}"},
    )
    assert response.status_code == 422 and response.json()["code"] == "invalid_request"


def test_external_refs_are_unique_per_site(server: LiveServer, portal: KolejkaClient) -> None:
    first = portal.create_appointment("A", at(25, 10), external_ref="R-1")
    with pytest.raises(ConflictError) as info:
        portal.create_appointment("A", at(25, 11), external_ref="R-1")
    assert info.value.code == "appointment_exists"
    assert info.value.params == {"external_ref": "R-1", "appointment": first.id}
    with KolejkaClient(server.url, "other", OTHER_BOOKING_TOKEN) as other:
        assert other.create_appointment("A", at(25, 10), external_ref="R-1").site == "other"


def test_name_and_contact_are_kept_only_where_the_site_enables_them(
    portal: KolejkaClient, tmp_path: Any, clock: Any, password_hash: str
) -> None:
    kept = portal.create_appointment("A", at(25, 10), name="Olena K.", contact="+48 600 000 000")
    assert (kept.name, kept.contact) == ("Olena K.", "+48 600 000 000")
    url = f"sqlite:///{tmp_path / 'private.sqlite3'}"
    private = start_server(url, clock, password_hash, personal_data_enabled=False)
    try:
        with KolejkaClient(private.url, "test", BOOKING_TOKEN) as client:
            with pytest.raises(InvalidRequest) as info:
                client.create_appointment("A", at(25, 10), name="Olena K.")
            assert info.value.code == "personal_data_disabled"
            assert client.create_appointment("A", at(25, 10), name="  ").name is None
    finally:
        private.stop()


def test_list_filters_by_day_service_and_status(portal: KolejkaClient) -> None:
    a = portal.create_appointment("A", at(25, 11))
    b = portal.create_appointment("B", at(25, 9))
    portal.create_appointment("A", at(26, 9))
    portal.cancel_appointment(a.id)
    day = date(2026, 11, 25)
    assert [x.id for x in portal.list_appointments(day=day).data] == [b.id, a.id]  # slot order
    assert [x.id for x in portal.list_appointments(day=day, service="A").data] == [a.id]
    assert [x.id for x in portal.list_appointments(day=day, status="booked").data] == [b.id]
    assert portal.list_appointments().count == 0  # today (the 24th) has none


def test_appointments_are_scoped_to_their_site(server: LiveServer, portal: KolejkaClient) -> None:
    booked = portal.create_appointment("A", at(25, 10))
    with KolejkaClient(server.url, "other", OTHER_BOOKING_TOKEN) as other:
        with pytest.raises(NotFoundError) as info:
            other.get_appointment(booked.id)
        assert info.value.code == "appointment_not_found"
        with pytest.raises(Refused) as refused:
            other.site = "test"
            other.list_appointments()
        assert refused.value.code == "wrong_site"


def test_who_may_book_and_who_may_check_in(
    server: LiveServer, portal: KolejkaClient, kiosk: KolejkaClient, clerk_client: Any
) -> None:
    with pytest.raises(Refused) as info:
        kiosk.create_appointment("A", at(25, 10))
    assert info.value.code == "not_allowed"
    clerk = clerk_client(server, "clerk1")
    with pytest.raises(Refused) as info:
        clerk.create_appointment("A", at(25, 10))
    assert info.value.code == "supervisor_required"
    with KolejkaClient(server.url, "test", DISPLAY_TOKEN) as display, pytest.raises(Refused):
        display.list_appointments()
    booked = clerk_client(server, "boss").create_appointment("A", at(24, 10, 15))
    # The booking token books but neither issues tickets nor checks in.
    with pytest.raises(Refused):
        portal.issue_ticket("A")
    with pytest.raises(Refused):
        portal.check_in(booked.token)
    # An information-desk clerk may check a visitor in.
    assert clerk.check_in(booked.code).appointment_at == at(24, 10, 15)


# --- check-in ----------------------------------------------------------------------------


def test_check_in_makes_a_ticket_called_at_its_slot_ahead_of_walk_ins(
    server: LiveServer, portal: KolejkaClient, kiosk: KolejkaClient, clerk_client: Any, clock: Any
) -> None:
    booked = portal.create_appointment("A", at(24, 10, 15), "ru")
    walk_in = kiosk.issue_ticket("A")
    ticket = kiosk.check_in(booked.token, language="uk")
    assert ticket.service == "A" and ticket.language == "uk" and ticket.number == "A002"
    assert ticket.appointment_at == at(24, 10, 15)
    used = portal.get_appointment(booked.id)
    assert used.status == "checked_in" and used.ticket_number == "A002"
    assert used.checked_in_at == at(24, 10)
    clerk = clerk_client(server, "clerk1", counter=1)
    first = clerk.call_next(1)
    assert first is not None and first.id == walk_in.id  # 10:00: the slot is not due yet
    clerk.start_service(first.id)
    clerk.finish_ticket(first.id)
    walk_in_2 = kiosk.issue_ticket("A")
    clock.advance(minutes=15)
    second = clerk.call_next(1)
    assert second is not None and second.id == ticket.id  # due: ahead of the walk-in
    assert walk_in_2.arrival_at < ticket.appointment_at  # came earlier, served later


def test_check_in_accepts_the_typed_code_loosely(
    portal: KolejkaClient, kiosk: KolejkaClient
) -> None:
    booked = portal.create_appointment("A", at(24, 10, 30))
    typed = " " + booked.code.lower().replace("-", " - ") + " "
    assert kiosk.check_in(typed).appointment_at == at(24, 10, 30)


def test_a_check_in_retried_with_its_key_answers_the_same_ticket(
    server: LiveServer, portal: KolejkaClient, kiosk: KolejkaClient
) -> None:
    booked = portal.create_appointment("A", at(24, 10, 15))
    url = f"{server.url}/api/v1/sites/test/appointments/check-in"
    headers = {"Authorization": f"Bearer {KIOSK_TOKEN}", "Idempotency-Key": "scan-1"}
    body = {"code": booked.token, "language": "en"}
    first = httpx.post(url, json=body, headers=headers)
    again = httpx.post(url, json=body, headers=headers)
    assert first.status_code == 201 and again.status_code == 201
    assert first.json() == again.json()
    assert kiosk.queue_snapshot().services[0].waiting == 1


def tampered(token: str) -> str:
    last = token[-1]
    return token[:-1] + ("0" if last != "0" else "1")


def test_every_refusal_has_its_own_code_and_changes_nothing(
    server: LiveServer, portal: KolejkaClient, kiosk: KolejkaClient, clock: Any
) -> None:
    early = portal.create_appointment("A", at(24, 11))
    late = portal.create_appointment("A", at(24, 10))
    used = portal.create_appointment("B", at(24, 10))
    cancelled = portal.create_appointment("B", at(24, 10, 30))
    portal.cancel_appointment(cancelled.id)
    with KolejkaClient(server.url, "other", OTHER_BOOKING_TOKEN) as other:
        elsewhere = other.create_appointment("A", at(24, 10, 15))
    kiosk.check_in(used.code)
    before = kiosk.queue_snapshot()
    clock.advance(minutes=16)  # 10:16: `late` closed at 10:15

    cases = [
        ("hello", InvalidRequest, "appointment_forged"),
        ("KA1.ABC", InvalidRequest, "appointment_forged"),
        (tampered(early.token), InvalidRequest, "appointment_forged"),
        (
            early.code[:-1] + ("0" if early.code[-1] != "0" else "1"),
            InvalidRequest,
            "appointment_forged",
        ),
        (make_token(DEV_SECRET, new_ref()), NotFoundError, "appointment_unknown"),
        (new_short_code(DEV_SECRET), NotFoundError, "appointment_unknown"),
        (early.token, ConflictError, "appointment_too_early"),
        (late.token, ConflictError, "appointment_too_late"),
        (used.token, ConflictError, "appointment_used"),
        (cancelled.code, ConflictError, "appointment_cancelled"),
        (elsewhere.token, ConflictError, "appointment_other_site"),
    ]
    for code, error, expected in cases:
        with pytest.raises(error) as info:
            kiosk.check_in(code)
        assert info.value.code == expected, code
    with pytest.raises(ConflictError) as early_info:
        kiosk.check_in(early.code)
    assert early_info.value.params["opens"] == "10:30"

    after = kiosk.queue_snapshot()
    assert [t.id for t in after.waiting] == [t.id for t in before.waiting]
    assert after.seq == before.seq  # not one event
    assert [portal.get_appointment(a.id).status for a in (early, late, cancelled)] == [
        "booked",
        "booked",
        "cancelled",
    ]
    assert kiosk.issue_ticket("A").number == "A001"  # no number was consumed
    clock.advance(minutes=14)  # 10:30: now `early` opens
    assert kiosk.check_in(early.token).appointment_at == at(24, 11)


def test_a_checked_in_appointment_cannot_be_cancelled(
    portal: KolejkaClient, kiosk: KolejkaClient
) -> None:
    booked = portal.create_appointment("A", at(24, 10, 15))
    kiosk.check_in(booked.token)
    with pytest.raises(ConflictError) as info:
        portal.cancel_appointment(booked.id)
    assert info.value.code == "appointment_used"


# --- concurrency (SQLite and PostgreSQL) --------------------------------------------------


def run_together(count: int, action: Any) -> tuple[list[Any], list[BaseException]]:
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(count)

    def worker(i: int) -> None:
        try:
            barrier.wait()
            result = action(i)
            with lock:
                results.append(result)
        except BaseException as exc:
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


def test_concurrent_bookings_never_overfill_a_slot(any_server: LiveServer) -> None:
    def book(i: int) -> Any:
        with KolejkaClient(any_server.url, "test", BOOKING_TOKEN, timeout=30) as client:
            return client.create_appointment("A", at(25, 10), external_ref=f"c-{i}")

    booked, errors = run_together(10, book)
    assert len(booked) == 2  # slot_capacity
    assert len(errors) == 8
    assert all(isinstance(e, ConflictError) and e.code == "slot_full" for e in errors)
    with KolejkaClient(any_server.url, "test", BOOKING_TOKEN) as client:
        assert client.list_appointments(day=date(2026, 11, 25)).count == 2


def test_one_code_scanned_at_two_kiosks_at_once_makes_one_ticket(any_server: LiveServer) -> None:
    with KolejkaClient(any_server.url, "test", BOOKING_TOKEN) as client:
        booked = client.create_appointment("A", at(24, 10, 15))
    tokens = [KIOSK_TOKEN, KIOSK2_TOKEN] * 3

    def scan(i: int) -> Any:
        with KolejkaClient(any_server.url, "test", tokens[i], timeout=30) as kiosk:
            return kiosk.check_in(booked.token)

    tickets, errors = run_together(len(tokens), scan)
    assert len(tickets) == 1
    assert [getattr(e, "code", e) for e in errors] == ["appointment_used"] * (len(tokens) - 1)


# --- schema ------------------------------------------------------------------------------


def test_the_migration_goes_down_and_up_again(tmp_path: Any) -> None:
    import sqlalchemy as sa
    from alembic import command

    from server.db import alembic_config, create_db_engine

    engine = create_db_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    config = alembic_config(engine)
    command.upgrade(config, "head")
    command.downgrade(config, "0001")
    assert "appointment" not in sa.inspect(engine).get_table_names()
    command.upgrade(config, "head")
    columns = {c["name"] for c in sa.inspect(engine).get_columns("service")}
    assert {"slot_minutes", "slot_capacity"} <= columns
    engine.dispose()
