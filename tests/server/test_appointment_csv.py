"""Reading a booking export (server/appointment_import.parse_csv), without a server."""

from __future__ import annotations

import pytest

from server.appointment_import import parse_csv
from server.errors import Unprocessable


def test_rows_keep_their_line_numbers_and_blank_lines_are_skipped():
    rows = parse_csv(b"Service;Date;Time\r\nA;25.11.2026;09:00\r\n\r\nB;25.11.2026;10:30\r\n")
    assert [(r.line, r.values["service"]) for r in rows] == [(2, "A"), (4, "B")]


def test_a_quoted_field_may_hold_a_line_break():
    rows = parse_csv(b'service,date,time,name\nA,2026-11-25,09:00,"Jan\rKowalski"\n')
    assert rows[0].values["name"] == "Jan\rKowalski"


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"service,date,time\nA,2026-11-25,09:00\rB,2026-11-25,09:15\n", 2),
        (b"service,date\x00,time\nA,2026-11-25,09:00\n", 1),
        (b"service,date,time\nA,2026-11-25,09:00\nA,2026-11-25,09:15,\x00\n", 3),
    ],
)
def test_a_line_that_is_not_csv_names_its_line(data: bytes, line: int):
    with pytest.raises(Unprocessable) as refused:
        parse_csv(data)
    assert (refused.value.code, refused.value.params) == ("import_malformed_line", {"line": line})
