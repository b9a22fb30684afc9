"""The forecast runs after every counter's write: its look-up of a service's recent
service times must walk back along an index and stop, not read and sort every finished
ticket of the service's history (on a year's database that was 0.64 s per forecast)."""

from __future__ import annotations

from server.estimate_inputs import _CYCLES
from tests.support import sqlite_plan


def test_the_recent_service_times_come_from_the_index_without_a_sort(sqlite_url: str) -> None:
    steps = sqlite_plan(sqlite_url, _CYCLES)
    assert any("ix_ticket_done" in step for step in steps), steps
    assert not any("TEMP B-TREE" in step for step in steps), steps
