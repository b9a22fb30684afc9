from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.kiosk.thermal import RollRunsOut


@pytest.fixture
def thermal_printer() -> Iterator[RollRunsOut]:
    printer = RollRunsOut()
    yield printer
    printer.stop()
