"""The booking's tally runs while the service row is locked: it must find its rows by
index, not by reading the whole appointment table (a year of bookings on every POST)."""

from __future__ import annotations

from server.public_booking import _TALLY
from tests.support import sqlite_plan


def test_the_tally_reads_appointments_by_index_only(sqlite_url: str) -> None:
    steps = sqlite_plan(sqlite_url, _TALLY.statement)
    assert any("INDEX" in step for step in steps), steps
    assert not any(step.startswith("SCAN appointment") for step in steps), steps


def test_the_tally_reads_only_the_last_day_of_an_address(sqlite_url: str) -> None:
    """An office's own network gathers thousands of bookings a year: the per-address
    count must reach only the last day's, by the address and the time together."""
    steps = sqlite_plan(sqlite_url, _TALLY.statement)
    assert any("(address_key=? AND created_at>?)" in step for step in steps), steps
