from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from printers import TicketPrint
from tests.printers.emulator import NetworkPrinter, SerialPrinter

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


@pytest.fixture
def make_ticket() -> Callable[..., TicketPrint]:
    return ticket


@pytest.fixture
def network_printer() -> Iterator[NetworkPrinter]:
    printer = NetworkPrinter()
    yield printer
    printer.stop()


@pytest.fixture
def serial_printer() -> Iterator[SerialPrinter]:
    printer = SerialPrinter()
    yield printer
    printer.stop()
