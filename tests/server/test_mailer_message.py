"""The e-mail as a mail program reads it: headers in any language, the text readable in the
raw file, the QR code and the calendar entry attached."""

from __future__ import annotations

import dataclasses
import email
import io
from email.policy import default

from PIL import Image
from pyzbar.pyzbar import decode

from server.mailer import email_of
from server.outbox import Outgoing

ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Kolejka//EN\r\nMETHOD:PUBLISH\r\n"
    "BEGIN:VEVENT\r\nUID:a1@kolejka\r\nDTSTART:20261204T071500Z\r\n"
    "SUMMARY:Відбитки пальців\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)
SUBJECT = "Нагадування: ваш візит завтра о 08:15 — Відділ у справах іноземців, Łódź"
BODY = (
    "Доброго дня!\n\nНагадуємо про ваш візит завтра о 08:15.\nКод: K7Q-4MZ\n"
    "Змінити або скасувати: https://kolejka.example.pl/book/manage/" + "x" * 90 + "\n"
)


def outgoing(**attachments: str) -> Outgoing:
    return Outgoing(
        id=42,
        site_id=1,
        kind="reminder",
        channel="email",
        recipient="Олена Коваленко <olena@example.org>",
        language="uk",
        subject=SUBJECT,
        body=BODY,
        attachments=attachments,
        attempts=1,
    )


def test_headers_body_and_attachments_read_back_in_ukrainian() -> None:
    data = email_of(outgoing(ics=ICS, qr="K7Q-4MZ-token"), "Urząd Wojewódzki <kolejka@uw.pl>")
    raw = data.as_bytes()
    mail = email.message_from_bytes(raw, policy=default)
    assert mail["Subject"] == SUBJECT
    assert mail["From"].addresses[0].display_name == "Urząd Wojewódzki"
    assert mail["From"].addresses[0].addr_spec == "kolejka@uw.pl"
    assert mail["To"].addresses[0].display_name == "Олена Коваленко"
    assert mail["Message-ID"].strip().endswith("@uw.pl>")
    assert mail["Auto-Submitted"] == "auto-generated"
    assert mail["Content-Language"] == "uk"
    assert mail.get_body(preferencelist=("plain",)).get_content() == BODY
    # The text stays readable in the demo's .eml files, and no line breaks SMTP's limit.
    assert BODY.splitlines()[2].encode() in raw
    assert raw.isascii() is False and max(len(line) for line in raw.split(b"\n")) <= 998
    parts = {part.get_filename(): part for part in mail.iter_attachments()}
    assert set(parts) == {"qr.png", "appointment.ics"}
    assert parts["appointment.ics"].get_content_type() == "text/calendar"
    assert parts["appointment.ics"].get_param("method") == "PUBLISH"
    assert parts["appointment.ics"].get_content().replace("\r\n", "\n") == ICS.replace("\r\n", "\n")
    image = Image.open(io.BytesIO(parts["qr.png"].get_content()))
    assert [found.data.decode() for found in decode(image)] == ["K7Q-4MZ-token"]


def test_without_attachments_it_is_one_plain_text_part() -> None:
    mail = email.message_from_bytes(
        email_of(outgoing(), "kolejka@uw.pl").as_bytes(), policy=default
    )
    assert mail.get_content_type() == "text/plain"
    assert mail.get_content() == BODY
    assert mail["From"] == "kolejka@uw.pl"
    assert not list(mail.iter_attachments())


def test_a_line_break_in_a_value_makes_no_header_of_its_own() -> None:
    forged = dataclasses.replace(
        outgoing(),
        recipient="olena@example.org\r\nBcc: everyone@example.org",
        subject="Przypomnienie\nBcc: everyone@example.org",
    )
    raw = email_of(forged, "kolejka@uw.pl").as_bytes()
    mail = email.message_from_bytes(raw, policy=default)
    assert mail["Bcc"] is None
    assert b"\nBcc:" not in raw
    assert mail["Subject"] == "Przypomnienie Bcc: everyone@example.org"
