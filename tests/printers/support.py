"""Helpers the printer tests share: a sample ticket and the status URL on it."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from printers import TicketPrint

WARSAW = ZoneInfo("Europe/Warsaw")
ISSUED = datetime(2026, 11, 24, 10, 31, tzinfo=WARSAW)
STATUS_URL = "https://kolejka.example.gov.pl/t/k3J9xQ2mPz"


def ticket(**changes: Any) -> TicketPrint:
    values: dict[str, Any] = {
        "site_name": "Urząd Wojewódzki – Wydział Spraw Cudzoziemców",
        "number": "A007",
        "service_name": "Pobyt czasowy",
        "language": "pl",
        "issued_at": ISSUED,
        "ahead": 4,
        "estimated_wait_s": 1500,
        "status_url": STATUS_URL,
    }
    values.update(changes)
    return TicketPrint(**values)
