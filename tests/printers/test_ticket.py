from __future__ import annotations

from datetime import datetime

import pytest

from tests.printers.support import ticket


def test_a_valid_ticket_is_kept_as_given():
    t = ticket(priority=True)
    assert t.number == "A007" and t.priority


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"number": " "}, "number"),
        ({"language": "de"}, "language"),
        ({"issued_at": datetime(2026, 11, 24, 10, 31)}, "issued_at"),
        ({"appointment_at": datetime(2026, 11, 24, 11, 0)}, "appointment_at"),
        ({"ahead": -1}, "ahead"),
        ({"estimated_wait_s": -5}, "estimated_wait_s"),
        ({"status_url": "kolejka.example/t/1"}, "status_url"),
        ({"status_url": "javascript:alert(1)"}, "status_url"),
    ],
)
def test_bad_ticket_data_is_refused_naming_the_field(changes, field):
    with pytest.raises(ValueError, match=f"TicketPrint.{field}"):
        ticket(**changes)
