"""Online booking through the public pages, end to end on a live server: the e-mail and
SMS that arrive, the kiosk's check-in, the manage link, and every refusal changing
nothing."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlmodel import select

from tests.server.booking_world import (
    World,
    alert,
    appointments,
    kiosk_check_in,
    make_world,
    manage_path,
    short_code,
    world,
)
from tests.support import KIOSK_TOKEN, PASSWORD, T0

__all__ = ["world"]


def qr_payloads(png: bytes) -> list[str]:
    import io

    from PIL import Image
    from pyzbar.pyzbar import decode

    return [d.data.decode() for d in decode(Image.open(io.BytesIO(png)))]


def attachments(message: Any) -> dict[str, bytes]:
    return {
        part.get_filename(): part.get_payload(decode=True) for part in message.iter_attachments()
    }


def test_booking_in_ukrainian_mails_code_and_qr_and_the_kiosk_checks_it_in(
    world: World, clock: Any
) -> None:
    visitor = world.visitor()
    start = visitor.free_starts("A", lang="uk")[0]
    answer = visitor.book(
        "A", start, lang="uk", email="olena@example.com", fields={"case": "WSC-II-S.6151.1"}
    )
    page = visitor.manage(manage_path(answer) + "?booked=1")
    code = short_code(page)
    assert '<html lang="uk">' in page

    mail = world.mailbox.next()
    assert mail["To"] == "olena@example.com"
    assert mail["Content-Language"] == "uk"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert code in text
    assert "/book/test/manage/" in text
    files = attachments(mail)
    token = qr_payloads(files["qr.png"])[0]
    assert token.startswith("KA1.")
    assert b"BEGIN:VEVENT" in files["appointment.ics"]

    # At the office: the kiosk takes the code; the ticket keeps the visitor's language.
    clock.set(T0 + timedelta(hours=1, minutes=45))  # 11:45 in Warsaw, slot at 12:00
    ticket = kiosk_check_in(world.url, code)
    assert ticket.status_code == 201, ticket.text
    assert ticket.json()["language"] == "uk"
    again = kiosk_check_in(world.url, token)
    assert again.status_code == 409 and again.json()["code"] == "appointment_used"


def test_a_phone_gets_the_confirmation_through_the_smsapi_gateway(world: World) -> None:
    visitor = world.visitor()
    start = visitor.free_starts("A")[0]
    page = visitor.manage(manage_path(visitor.book("A", start, phone="600 100 200")))
    request = world.sms.next()
    assert request["path"] == "/sms.do"
    assert request["auth"] == "Bearer sms-token-1"
    assert request["to"] == "48600100200"
    assert request["format"] == "json"
    assert request["from"] == "UrzadWSC"
    assert short_code(page) in request["message"]


def test_a_full_slot_is_refused_with_a_clear_message_and_nothing_changes(world: World) -> None:
    first, second = world.visitor(), world.visitor()
    start = first.free_starts("A")[0]
    form_before = second.get(f"/book/test/A/form?start={start}")  # opened while still free
    manage_path(first.book("A", start, email="a@example.com"))
    assert start not in second.free_starts("A")  # shown as full now
    before = len(appointments(world.db))
    refused = second.book("A", start, email="b@example.com")
    assert refused.status_code == 409
    assert "fully booked" in (alert(refused.text) or "")
    assert "Nothing has been changed" in refused.text
    assert len(appointments(world.db)) == before
    assert form_before.status_code == 200


def test_a_day_beyond_the_horizon_is_refused(world: World) -> None:
    visitor = world.visitor()
    start = visitor.free_starts("A")[0]
    later = (httpx.URL(f"/?s={start}").params["s"]).replace("2026-11-24", "2026-12-08")
    refused = visitor.book("A", later, email="a@example.com")
    assert refused.status_code == 409
    assert "at most 7 days ahead" in (alert(refused.text) or "")
    assert appointments(world.db) == []


def test_a_second_booking_by_the_same_person_that_day_is_refused(world: World) -> None:
    visitor = world.visitor()
    starts = visitor.free_starts("A")
    manage_path(visitor.book("A", starts[0], email="Same@Example.com"))
    other = world.visitor()
    refused = other.book("A", starts[1], email="same@example.com ")
    assert refused.status_code == 409
    assert "already have an appointment" in (alert(refused.text) or "")
    assert len(appointments(world.db)) == 1


def test_a_replayed_confirmation_books_nothing_twice(world: World) -> None:
    visitor = world.visitor()
    start = visitor.free_starts("A")[0]
    manage_path(visitor.book("A", start, email="a@example.com"))
    replay = visitor.resend("A")
    assert replay.status_code == 409
    assert "already been sent" in (alert(replay.text) or "")
    assert len(appointments(world.db)) == 1
    assert world.mailbox.next()["To"] == "a@example.com"
    assert world.mailbox.empty()


def test_a_bad_manage_link_is_not_found(world: World) -> None:
    visitor = world.visitor()
    page = visitor.get("/book/test/manage/" + "x" * 32 + "?lang=en")
    assert page.status_code == 404
    assert "does not lead to any appointment" in page.text
    cancel = visitor.http.post("/book/test/manage/" + "y" * 32 + "/cancel", data={})
    assert cancel.status_code == 404


def test_the_manage_link_moves_and_cancels_and_the_slot_is_free_again(world: World) -> None:
    visitor = world.visitor()
    first, second = visitor.free_starts("A")[:2]
    path = manage_path(visitor.book("A", first, lang="pl", email="jan@example.com"))
    world.mailbox.next()  # the confirmation
    page = visitor.manage(path)
    csrf = page.split('name="csrf" value="')[1].split('"')[0]
    moved = visitor.http.post(f"{path}/move", data={"csrf": csrf, "start": second, "lang": "pl"})
    assert moved.status_code == 303, alert(moved.text)
    mail = world.mailbox.next()
    assert "przeniesiona" in mail["Subject"].lower() or "moved" in mail["Subject"].lower()
    assert first in world.visitor().free_starts("A")  # freed at once
    assert second not in world.visitor().free_starts("A")

    refused = visitor.http.post(f"{path}/cancel", data={"csrf": csrf, "lang": "pl"})
    assert refused.status_code == 422  # the box not ticked: nothing changes
    cancelled = visitor.http.post(
        f"{path}/cancel", data={"csrf": csrf, "lang": "pl", "confirm": "yes"}
    )
    assert cancelled.status_code == 303
    assert 'data-status="cancelled"' in visitor.manage(path)
    assert second in world.visitor().free_starts("A")
    world.mailbox.next()  # the cancellation
    assert appointments(world.db)[0].status == "cancelled"


def test_a_form_without_its_cookie_is_refused(world: World) -> None:
    visitor = world.visitor()
    start = visitor.free_starts("A")[0]
    form = visitor.get(f"/book/test/A/form?start={start}")
    stranger = httpx.post(
        f"{world.url}/book/test/A/form",
        data={
            "csrf": form.text.split('name="csrf" value="')[1].split('"')[0],
            "start": start,
            "email": "x@example.com",
            "consent": "yes",
            "nonce": "n" * 20,
        },
    )
    assert stranger.status_code == 422
    assert appointments(world.db) == []


def test_the_office_fields_contact_and_consent_are_checked(world: World) -> None:
    visitor = world.visitor()
    start = visitor.free_starts("A")[0]
    cases = [
        ({"email": "", "phone": ""}, "e-mail address or a mobile phone"),
        ({"email": "not-an-address"}, "e-mail address does not look right"),
        ({"phone": "12"}, "phone number does not look right"),
        ({"email": "a@example.com", "consent": False}, "agree"),
        ({"email": "a@example.com", "fields": {"case": "<script>"}}, "Case number"),
    ]
    for kwargs, message in cases:
        refused = visitor.book("A", start, **kwargs)
        assert refused.status_code == 422, kwargs
        assert message in (alert(refused.text) or ""), (kwargs, alert(refused.text))
    assert appointments(world.db) == []
    # The refusal's language links lead back to the form (not to the address it posted to).
    switch = re.search(r'href="([^"]*lang=uk)"', refused.text)
    assert switch is not None
    assert visitor.get(switch.group(1)).status_code == 200


@pytest.mark.parametrize(
    ("booked", "wrong", "right"),
    [
        ("ab 123456", "AB654321", "AB-123456"),
        # a Cyrillic series, typed at the kiosk with the Latin letters drawn alike
        ("мк 123-456", "MK123457", "MK123456"),
    ],
)
def test_a_document_number_is_kept_only_as_a_keyed_hash_and_asked_at_check_in(
    world: World, clock: Any, booked: str, wrong: str, right: str
) -> None:
    visitor = world.visitor()
    start = visitor.free_starts("B", day="2026-11-25")[0]
    page = visitor.manage(
        manage_path(visitor.book("B", start, email="d@example.com", document=booked))
    )
    row = appointments(world.db)[0]
    assert row.document_hash and "123456" not in str(row.model_dump())
    clock.set(T0 + timedelta(days=1) - timedelta(hours=2, minutes=10))  # 07:50, slot 08:00
    code = short_code(page)
    assert kiosk_check_in(world.url, code).json()["code"] == "appointment_document_required"
    refused = kiosk_check_in(world.url, code, document=wrong)
    assert refused.json()["code"] == "appointment_document_mismatch"
    assert kiosk_check_in(world.url, code, document=right).status_code == 201


def test_the_online_share_keeps_places_for_walk_ins(world: World) -> None:
    # B: two 30-minute slots of two places each: four places, half of them online.
    for n in range(2):
        visitor = world.visitor()
        start = visitor.free_starts("B", day="2026-11-26")[0]
        manage_path(visitor.book("B", start, email=f"p{n}@example.com", document=f"XY00000{n}"))
    assert world.visitor().free_starts("B", day="2026-11-26") == []
    late = world.visitor()
    refused = late.book("B", "2026-11-26T07:30:00Z", email="late@example.com", document="XY999999")
    assert refused.status_code == 409
    assert "places for online booking" in (alert(refused.text) or "")


def test_one_contact_holds_only_so_many_upcoming_bookings(world: World) -> None:
    days = ["2026-11-25", "2026-11-26", "2026-11-27", "2026-11-30"]
    results = []
    for day in days:
        visitor = world.visitor()
        results.append(
            visitor.book("A", visitor.free_starts("A", day=day)[0], email="reseller@example.com")
        )
    assert [r.status_code for r in results] == [303, 303, 303, 409]
    assert "already has 3 upcoming" in (alert(results[-1].text) or "")


def test_many_bookings_from_one_address_are_listed_for_the_admin(world: World) -> None:
    for n in range(5):
        visitor = world.visitor()
        manage_path(visitor.book("A", visitor.free_starts("A")[0], email=f"u{n}@example.com"))
    login = httpx.post(
        f"{world.url}/api/v1/auth/login",
        json={"site": "test", "username": "boss", "password": PASSWORD},
    )
    token = login.json()["access_token"]
    listed = httpx.get(
        f"{world.url}/api/v1/sites/test/booking/suspicious",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert listed.status_code == 200, listed.text
    rows = listed.json()["data"]
    assert rows[0]["kind"] == "address" and rows[0]["bookings"] == 5
    assert "127.0.0.1" not in listed.text
    clerk = httpx.post(
        f"{world.url}/api/v1/auth/login",
        json={"site": "test", "username": "clerk1", "password": PASSWORD},
    ).json()["access_token"]
    forbidden = httpx.get(
        f"{world.url}/api/v1/sites/test/booking/suspicious",
        headers={"Authorization": f"Bearer {clerk}"},
    )
    assert forbidden.status_code == 403


def test_no_personal_data_in_events_or_tickets(world: World, clock: Any) -> None:
    from server.models import Event

    visitor = world.visitor()
    start = visitor.free_starts("A")[0]
    page = visitor.manage(
        manage_path(visitor.book("A", start, email="priv@example.com", phone="+48 600 999 888"))
    )
    clock.set(T0 + timedelta(hours=1, minutes=45))
    ticket = kiosk_check_in(world.url, short_code(page)).json()
    with world.db.read() as session:
        events = [e.model_dump_json() for e in session.exec(select(Event))]
    text = " ".join(events) + str(ticket)
    assert "priv@example.com" not in text and "600999888" not in text
    assert any('"appointment.booked"' in e for e in events)


def test_personal_data_is_erased_after_the_retention_period(world: World) -> None:
    from server.personal_data import purge_personal_data

    visitor = world.visitor()
    manage_path(
        visitor.book(
            "A", visitor.free_starts("A")[0], email="old@example.com", fields={"case": "X1"}
        )
    )
    purge_personal_data(world.db, T0 + timedelta(days=31))
    row = appointments(world.db)[0]
    assert (row.email, row.phone, row.fields, row.email_key, row.address_key) == (
        None,
        None,
        None,
        None,
        None,
    )
    assert row.status == "booked"  # the booking stays for the statistics


def test_bookings_in_another_process_respect_the_same_rules_on_postgres(
    tmp_path: Any, clock: Any, password_hash: str
) -> None:
    """The same flow on PostgreSQL (row locks instead of SQLite's one writer)."""
    import pytest

    from tests.support import postgres_database

    try:
        urls = postgres_database()
        url = next(urls)
    except BaseException:  # no PostgreSQL here: the SQLite runs cover the rules
        pytest.skip("PostgreSQL not reachable")
    try:
        for w in make_world(url, clock, password_hash, tmp_path):
            visitor = w.visitor()
            start = visitor.free_starts("A")[0]
            manage_path(visitor.book("A", start, email="pg@example.com"))
            refused = world_refusal(w, start)
            assert refused == 409
            assert w.mailbox.next()["To"] == "pg@example.com"
    finally:
        with __import__("contextlib").suppress(StopIteration):
            next(urls)


def world_refusal(w: World, start: str) -> int:
    return w.visitor().book("A", start, email="other@example.com").status_code


def test_a_waiting_visitor_who_opted_in_is_told_when_near_and_when_called(world: World) -> None:
    from kolejka.client import KolejkaClient
    from tests.server.booking_world import hidden

    with KolejkaClient(world.url, "test", KIOSK_TOKEN) as kiosk:
        tickets = [kiosk.issue_ticket("A", "uk", "normal") for _ in range(6)]
    mine = tickets[-1]
    visitor = world.visitor()
    ticket_page = visitor.get(f"/t/{mine.public_id}")
    assert f'href="{mine.public_id}/notify' in ticket_page.text
    form = visitor.get(f"/t/{mine.public_id}/notify?lang=uk")
    assert form.status_code == 200
    sent = visitor.http.post(
        f"/t/{mine.public_id}/notify",
        data={"csrf": hidden(form.text, "csrf"), "lang": "uk", "phone": "+48 600 200 300"},
    )
    assert sent.status_code == 303, alert(sent.text)
    assert 'data-status="watching"' in visitor.get(sent.headers["location"]).text

    clerk = KolejkaClient(world.url, "test")
    clerk.login("clerk1", PASSWORD)
    clerk.open_counter(1)
    try:
        for _ in range(2):  # five ahead, then four, then three: the office's N
            called = clerk.call_next(1)
            assert called is not None
            clerk.mark_no_show(called.id)
        near = world.sms.next()
        assert near["to"] == "48600200300"
        assert mine.number in near["message"] and "3" in near["message"]
        for _ in range(3):
            called = clerk.call_next(1)
            assert called is not None
            clerk.mark_no_show(called.id)
        called = clerk.call_next(1)
        assert called is not None and called.id == mine.id
        call = world.sms.next()
        assert mine.number in call["message"] and "1" in call["message"]
        assert world.sms.requests.empty()  # each once
    finally:
        clerk.close()


def test_bad_input_on_the_pages_is_a_4xx_never_a_500(world: World) -> None:
    visitor = world.visitor()
    probes = [
        visitor.get("/book/nowhere"),
        visitor.get("/book/test/Z"),
        visitor.get("/book/test/a"),
        visitor.get("/book/test/A/form?start=garbage"),
        visitor.get("/book/test/A/form?start=2026-11-24T12:00:00"),  # no offset
        visitor.get("/book/test/A/form?start=9999-11-24T12:00:00Z"),
        visitor.get("/book/test/A/form?start=2026-11-24T12:07:00Z"),  # between slots
        visitor.http.post("/book/test/A/form", data={"start": "x"}),
        visitor.http.post(
            "/book/test/A/form",
            content=b"\xff\xfe",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ),
        visitor.http.post("/book/test/A/form", json={"start": "x"}),
        visitor.get("/book/test/manage/short"),
        visitor.http.post("/book/test/manage/" + "z" * 30 + "/move", data={"start": "x"}),
        visitor.get("/t/" + "q" * 22 + "/notify"),
        visitor.http.post("/t/" + "q" * 22 + "/notify", data={"phone": "1"}),
    ]
    codes = [p.status_code for p in probes]
    assert all(400 <= c < 500 for c in codes), str(codes)
    day = visitor.get("/book/test/A?day=2026-13-01")
    assert day.status_code == 200  # an unknown day falls back to the first free one


def test_the_reminder_goes_out_the_day_before_once(world: World, clock: Any) -> None:
    from server.notifications import queue_reminders

    visitor = world.visitor()
    start = visitor.free_starts("A", day="2026-11-27")[0]  # Friday 08:00
    page = visitor.manage(manage_path(visitor.book("A", start, lang="uk", email="r@example.com")))
    world.mailbox.next()  # the confirmation
    assert queue_reminders(world.db, clock.now()) == 0  # three days ahead: not yet
    clock.set(T0 + timedelta(days=2))  # Thursday 10:00, the day before
    assert queue_reminders(world.db, clock.now()) == 1
    assert queue_reminders(world.db, clock.now()) == 0  # once
    world.sender.wake()
    reminder = world.mailbox.next()
    assert reminder["To"] == "r@example.com"
    assert "Нагадування" in reminder["Subject"]
    assert short_code(page) in reminder.get_body(preferencelist=("plain",)).get_content()


def test_the_admin_operations_answer_bad_input_with_4xx(world: World) -> None:
    token = httpx.post(
        f"{world.url}/api/v1/auth/login",
        json={"site": "test", "username": "root", "password": PASSWORD},
    ).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    base = f"{world.url}/api/v1/sites"
    probes = [
        httpx.get(f"{base}/test/booking/suspicious?days=0", headers=auth),
        httpx.get(f"{base}/test/booking/suspicious?days=x", headers=auth),
        httpx.get(f"{base}/nowhere/booking/suspicious", headers=auth),
        httpx.get(f"{base}/test/booking/suspicious"),
        httpx.get(f"{base}/nowhere/notifications/failed", headers=auth),
        httpx.get(f"{base}/test/notifications/failed"),
    ]
    assert [p.status_code for p in probes] == [422, 422, 404, 401, 404, 401]
    failed = httpx.get(f"{base}/test/notifications/failed", headers=auth)
    assert failed.status_code == 200
    assert set(failed.json()["counts"]) == {"pending", "sending", "sent", "failed"}
