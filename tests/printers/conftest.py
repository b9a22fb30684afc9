from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from printers import TicketPrint
from tests.printers.emulator import NetworkPrinter, SerialPrinter
from tests.printers.support import ticket


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
