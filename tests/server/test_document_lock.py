"""A booking bound to a document number at the kiosk: wrong numbers are counted even
though the check-in is refused, and at the limit the booking is locked — so a kiosk cannot
be used to try passport numbers — until the reception desk checks the document itself.
On SQLite and PostgreSQL, through the real HTTP API."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import sqlalchemy as sa
from alembic import command

from kolejka.core.appointments import (
    DOCUMENT_TRIES,
    DocumentRefusal,
    document_locked,
    document_refusal,
)
from tests.console.helpers import console, page_csrf
from tests.document_booking import DOCUMENT, bound_booking, check_in, failures
from tests.support import LiveServer


def test_the_core_counts_tries_and_locks_before_comparing() -> None:
    assert document_refusal(0, False, False) is DocumentRefusal.REQUIRED
    assert document_refusal(0, True, True) is None
    assert document_refusal(0, True, False) is DocumentRefusal.MISMATCH
    assert document_refusal(DOCUMENT_TRIES - 1, True, False) is DocumentRefusal.LOCKED
    # Locked: even the right number (or none) is refused, nothing is compared.
    assert document_refusal(DOCUMENT_TRIES, True, True) is DocumentRefusal.LOCKED
    assert document_refusal(DOCUMENT_TRIES, False, False) is DocumentRefusal.LOCKED
    assert not document_locked(DOCUMENT_TRIES - 1) and document_locked(DOCUMENT_TRIES)


def test_wrong_numbers_are_counted_and_the_fifth_locks_the_booking(
    live_server: LiveServer,
) -> None:
    code = bound_booking(live_server)
    asked = check_in(live_server, code)
    assert asked.status_code == 422
    assert asked.json()["code"] == "appointment_document_required"
    assert failures(live_server, code) == 0  # not typing is no wrong try
    for attempt in range(1, DOCUMENT_TRIES):
        wrong = check_in(live_server, code, f"XY00000{attempt}")
        assert wrong.status_code == 409, wrong.text
        body = wrong.json()
        assert body["code"] == "appointment_document_mismatch"
        assert body["params"]["tries_left"] == DOCUMENT_TRIES - attempt
        assert f"tries left: {DOCUMENT_TRIES - attempt}" in body["detail"]
        assert failures(live_server, code) == attempt
    last = check_in(live_server, code, "XY999999")
    assert last.status_code == 409
    assert last.json()["code"] == "appointment_document_locked"
    assert "information desk" in last.json()["detail"]
    # Locked: the right number is refused too, and nothing more is counted.
    for document in (DOCUMENT, None):
        refused = check_in(live_server, code, document)
        assert refused.status_code == 409
        assert refused.json()["code"] == "appointment_document_locked"
    assert failures(live_server, code) == DOCUMENT_TRIES


def test_a_retried_wrong_try_is_told_again_and_counted_once(live_server: LiveServer) -> None:
    """The kiosk's client resends a request whose answer it lost under the same key."""
    code = bound_booking(live_server)
    first = check_in(live_server, code, "XY0000001", key="lost-answer-1")
    again = check_in(live_server, code, "XY0000001", key="lost-answer-1")
    assert first.status_code == again.status_code == 409
    assert again.json()["code"] == "appointment_document_mismatch"
    assert again.json()["params"] == first.json()["params"]
    assert again.json()["detail"] == first.json()["detail"]
    assert failures(live_server, code) == 1
    other = check_in(live_server, code, "XY0000002", key="lost-answer-1")
    assert other.status_code == 422  # a used key with another request is not a retry
    assert other.json()["code"] == "idempotency_key_mismatch"
    assert failures(live_server, code) == 1
    assert check_in(live_server, code, DOCUMENT, key="next-try").status_code == 201


def test_the_right_number_checks_in_after_a_typing_slip(live_server: LiveServer) -> None:
    code = bound_booking(live_server)
    assert check_in(live_server, code, "AB1234568").status_code == 409
    ticket = check_in(live_server, code, "ab 123-4567")
    assert ticket.status_code == 201, ticket.text
    # The ticket and its answer say nothing of the document.
    assert "1234567" not in ticket.text


def test_many_kiosks_at_once_compare_no_more_than_the_limit(live_server: LiveServer) -> None:
    code = bound_booking(live_server)
    guesses = [f"ZZ{n:07d}" for n in range(3 * DOCUMENT_TRIES)] + [DOCUMENT]
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda guess: check_in(live_server, code, guess), guesses[:-1]))
    codes = [a.json()["code"] for a in answers]
    assert codes.count("appointment_document_mismatch") == DOCUMENT_TRIES - 1
    assert codes.count("appointment_document_locked") == len(codes) - (DOCUMENT_TRIES - 1)
    assert failures(live_server, code) == DOCUMENT_TRIES
    late = check_in(live_server, code, guesses[-1])  # the right one, too late
    assert late.json()["code"] == "appointment_document_locked"


def test_the_reception_desk_sees_the_lock_and_checks_the_visitor_in(
    live_server: LiveServer,
) -> None:
    code = bound_booking(live_server)
    for n in range(DOCUMENT_TRIES):
        check_in(live_server, code, f"QQ{n:07d}")
    with console(live_server) as client:
        live = client.get("/admin/reception/live", headers={"Accept": "text/html"}).text
        row = live.split(f'data-appointment="{code}"', 1)[1].split("</tr>", 1)[0]
        assert 'data-document-locked="1"' in row
        token = page_csrf(client, "/admin/reception")
        answer = client.post(
            "/admin/reception/check-in",
            data={"csrf": token, "code": code, "language": "en"},
            headers={"Accept": "application/json"},
        )
        assert answer.status_code == 200, answer.text


def test_the_migration_adds_and_drops_the_count(database_url: str) -> None:
    from server.db import alembic_config, create_db_engine

    engine = create_db_engine(database_url)
    try:
        config = alembic_config(engine)
        command.upgrade(config, "head")
        columns = {c["name"] for c in sa.inspect(engine).get_columns("appointment")}
        assert "document_failures" in columns
        command.downgrade(config, "0010_stats")
        columns = {c["name"] for c in sa.inspect(engine).get_columns("appointment")}
        assert "document_failures" not in columns
        command.upgrade(config, "head")
    finally:
        engine.dispose()


def test_the_demo_makes_a_booking_bound_to_its_public_document_number(
    sqlite_url: str, clock: object
) -> None:
    from server.app import DEMO_CONFIG, create_app
    from server.demo_booking import DEMO_DOCUMENT, demo_document_booking
    from server.settings import Settings
    from server.siteconfig import load_config

    settings = Settings(environment="test", database_url=sqlite_url)
    config = load_config(DEMO_CONFIG)
    server = LiveServer(lambda: create_app(settings, clock=clock, site_config=config)).start()
    try:
        code = demo_document_booking(server.services, "demo")
        url = f"{server.url}/api/v1/sites/demo/appointments/check-in"
        headers = {"Authorization": "Bearer demo-kiosk-token-0001"}
        asked = httpx.post(url, json={"code": code}, headers=headers, timeout=30)
        assert asked.json()["code"] == "appointment_document_required"
        typed = f"{DEMO_DOCUMENT[:2]} {DEMO_DOCUMENT[2:]}"  # as a visitor may type it
        ticket = httpx.post(url, json={"code": code, "document": typed}, headers=headers)
        assert ticket.status_code == 201, ticket.text
        assert ticket.json()["service"] == "D"
    finally:
        server.stop()
