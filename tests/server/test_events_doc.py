"""Every event type the server writes is documented in docs/events.md."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_event_type_written_is_in_docs_events_md():
    written: set[str] = set()
    for path in (ROOT / "server").glob("*.py"):
        written |= set(re.findall(r'"((?:ticket|counter|printer)\.[a-z_]+)"', path.read_text()))
    documented = set(
        re.findall(
            r"`((?:ticket|counter|printer)\.[a-z_]+)`", (ROOT / "docs/events.md").read_text()
        )
    )
    assert {"ticket.parked", "ticket.reactivated", "ticket.served_without_ticket"} <= written
    assert written - documented - {"ticket.id", "counter.id"} == set()  # columns, not events
