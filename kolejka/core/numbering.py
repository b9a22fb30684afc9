"""Ticket numbers as visitors read them: a service prefix and a daily sequence."""

from __future__ import annotations

import re

_NUMBER = re.compile(r"^([A-Z]{1,3})(\d{3,})$")


def format_number(prefix: str, sequence: int) -> str:
    """`("A", 7)` → "A007"; past 999 the number simply grows ("A1000")."""
    if sequence < 1:
        raise ValueError("ticket sequence starts at 1")
    return f"{prefix}{sequence:03d}"


def split_number(number: str) -> tuple[str, int]:
    """ "A023" → ("A", 23): what the hall display speaks."""
    match = _NUMBER.match(number)
    if not match:
        raise ValueError(f"not a ticket number: {number!r}")
    return match.group(1), int(match.group(2))
