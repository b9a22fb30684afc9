"""Bulk import of a day's appointments from a booking system's CSV export."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
import pytest

from kolejka.client import InvalidRequest, KolejkaClient
from tests.server.test_appointments import BOOKING_TOKEN, at, start_server
from tests.support import LiveServer

DAY = date(2026, 11, 25)


@pytest.fixture
def server(sqlite_url: str, clock: Any, password_hash: str) -> Iterator[LiveServer]:
    live = start_server(sqlite_url, clock, password_hash)
    yield live
    live.stop()


@pytest.fixture
def portal(server: LiveServer) -> Iterator[KolejkaClient]:
    with KolejkaClient(server.url, "test", BOOKING_TOKEN) as client:
        yield client


def test_a_semicolon_export_with_polish_dates_is_booked(portal: KolejkaClient) -> None:
    data = (
        "Service;Date;Time;Language;Name;External_ref\n"
        "A;25.11.2026;09:00;uk;Оксана П.;X-1\n"
        "a;2026-11-25;09:15;;Jan K.;X-2\n"
        "\n"
        "B;25.11.2026;10:30;ru;;X-3\n"
    )
    result = portal.import_appointments(data)
    assert result.count == 3 and result.skipped == []
    assert [(a.service, a.start, a.language, a.name) for a in result.created] == [
        ("A", at(25, 9), "uk", "Оксана П."),
        ("A", at(25, 9, 15), "pl", "Jan K."),
        ("B", at(25, 10, 30), "ru", None),
    ]
    assert all(a.token.startswith("KA1.") and a.code for a in result.created)
    assert portal.list_appointments(day=DAY).count == 3


def test_the_same_file_sent_again_books_nothing_twice(portal: KolejkaClient) -> None:
    data = "service,date,time,external_ref\nA,2026-11-25,09:00,R1\nA,2026-11-25,09:30,R2\n"
    assert portal.import_appointments(data).count == 2
    again = portal.import_appointments(data.encode())
    assert again.count == 0 and again.skipped == ["R1", "R2"]
    assert portal.list_appointments(day=DAY).count == 2


def test_windows_1250_exports_are_read(portal: KolejkaClient) -> None:
    data = "service;date;time;name\nA;25.11.2026;11:00;Zażółć Gęślą\n".encode("cp1250")
    assert portal.import_appointments(data).created[0].name == "Zażółć Gęślą"


def test_a_bad_line_refuses_the_whole_file_naming_every_bad_line(
    server: LiveServer, portal: KolejkaClient
) -> None:
    data = (
        "service,date,time,language\n"
        "A,2026-11-25,09:00,pl\n"  # fine
        "A,25/11/2026,09:00,pl\n"  # 3: date
        "A,2026-11-25,9h,pl\n"  # 4: time
        "A,2026-11-25,09:00,de\n"  # 5: language
        "A,2026-11-25,09:00,pl\n"  # 6: fine (2nd place of the slot)
        "A,2026-11-25,09:00,pl\n"  # 7: slot full
        "C,2026-11-25,09:00,pl\n"  # 8: no appointments
        "A,2026-11-25,,pl\n"  # 9: missing time
        "ABCD,2026-11-25,09:00,pl\n"  # 10: not a service code
    )
    response = httpx.post(
        f"{server.url}/api/v1/sites/test/appointments/import",
        content=data.encode(),
        headers={
            "Authorization": f"Bearer {BOOKING_TOKEN}",
            "Content-Type": "text/csv",
            "Accept-Language": "pl",
        },
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "import_invalid" and body["params"]["count"] == 7
    assert body["detail"] == "Wiersze z błędami: 7. Niczego nie zaimportowano."
    assert [(e["line"], e["code"]) for e in body["params"]["errors"]] == [
        (3, "import_bad_date"),
        (4, "import_bad_time"),
        (5, "import_bad_language"),
        (7, "slot_full"),
        (8, "appointments_not_offered"),
        (9, "import_missing_value"),
        (10, "import_bad_value"),
    ]
    assert body["params"]["errors"][0]["detail"].startswith("„25/11/2026” nie jest datą")
    assert portal.list_appointments(day=DAY).count == 0  # nothing was booked


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "import_empty"),
        (b"service,date,time\n", "import_empty"),
        (b"service,day,time\nA,2026-11-25,09:00\n", "import_missing_columns"),
    ],
)
def test_files_that_are_not_exports_are_refused(
    portal: KolejkaClient, data: bytes, code: str
) -> None:
    with pytest.raises(InvalidRequest) as info:
        portal.import_appointments(data)
    assert info.value.code == code


def test_only_the_booking_side_may_import(server: LiveServer) -> None:
    from kolejka.client import Refused
    from tests.support import KIOSK_TOKEN

    with KolejkaClient(server.url, "test", KIOSK_TOKEN) as kiosk, pytest.raises(Refused):
        kiosk.import_appointments("service,date,time\nA,2026-11-25,09:00\n")


@pytest.fixture
def any_server(database_url: str, clock: Any, password_hash: str) -> Iterator[LiveServer]:
    live = start_server(database_url, clock, password_hash)
    yield live
    live.stop()


def _post_csv(server: LiveServer, data: bytes) -> httpx.Response:
    return httpx.post(
        f"{server.url}/api/v1/sites/test/appointments/import",
        content=data,
        headers={
            "Authorization": f"Bearer {BOOKING_TOKEN}",
            "Content-Type": "text/csv",
            "Accept-Language": "pl",
        },
    )


@pytest.mark.parametrize(
    ("data", "line"),
    [
        # an old Mac's line end inside a Unix file: the csv module cannot read on
        (b"service,date,time\nA,2026-11-25,09:00\rA,2026-11-25,09:15\n", 2),
        (b"service,date,time\r\nA,2026-11-25,09:00\r\nB,2026-11-25\r,10:30\r\n", 3),
        (b"service,date,time\rA,2026-11-25,09:00\n", 1),  # in the header
        # a NUL, which PostgreSQL cannot store
        (b"service,date,time,external_ref\nA,2026-11-25,09:00,X-1\nA,2026-11-25,09:15,X\x002\n", 3),
        # a field beyond the csv module's limit
        (b"service,date,time,name\nA,2026-11-25,09:00," + b"x" * 200_000 + b"\n", 2),
    ],
)
def test_a_line_that_is_not_csv_is_refused_naming_it(
    any_server: LiveServer, data: bytes, line: int
) -> None:
    response = _post_csv(any_server, data)
    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["params"]) == ("import_malformed_line", {"line": line})
    assert f"wiersza {line}" in body["detail"]
    with KolejkaClient(any_server.url, "test", BOOKING_TOKEN) as portal:
        assert portal.list_appointments(day=DAY).count == 0  # nothing was booked


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "01.01.0001"])
def test_dates_at_the_ends_of_the_calendar_are_bad_dates(any_server: LiveServer, day: str) -> None:
    response = _post_csv(any_server, f"service,date,time\nA,{day},23:45\n".encode())
    assert response.status_code == 422
    errors = response.json()["params"]["errors"]
    assert [(e["line"], e["code"]) for e in errors] == [(2, "import_bad_date")]
