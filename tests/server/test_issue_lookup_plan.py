"""On PostgreSQL a walk-in is one call of `kolejka_issue_walk_in`, run while the day's
number row is held: its lookups must find their rows by index, however many tickets wait,
on a new database whose tables were never analysed as well as on an analysed one
(migration 0013_issuelookup). The plans are the ones the call really ran (auto_explain)."""

from __future__ import annotations

import json
import secrets
from datetime import timedelta
from typing import Any

import psycopg
import pytest

from server.db import Database
from server.issuing_pg import _CALL
from server.provisioning import apply_config
from server.siteconfig import parse_config
from tests.support import T0, postgres_database, site_config_dict

pytestmark = pytest.mark.postgres

WAITING = 400  # tickets of service A already in the line


@pytest.fixture
def pg_url():
    yield from postgres_database()


def _plans(conn: psycopg.Connection[Any]) -> list[dict[str, Any]]:
    """Collects the plan of every statement run in this session from now on."""
    plans: list[dict[str, Any]] = []

    def keep(notice: psycopg.errors.Diagnostic) -> None:
        text = notice.message_primary or ""
        if "plan:" in text:
            plans.append(json.loads(text.split("plan:", 1)[1]))

    conn.add_notice_handler(keep)
    for setting in (
        "LOAD 'auto_explain'",
        "SET auto_explain.log_min_duration = 0",
        "SET auto_explain.log_nested_statements = on",
        "SET auto_explain.log_analyze = on",
        "SET auto_explain.log_timing = off",
        "SET auto_explain.log_format = json",
        "SET client_min_messages = log",
    ):
        conn.execute(setting)
    return plans


def _ticket_reads(node: dict[str, Any]) -> list[tuple[str, str, int]]:
    """(statement's node, index, rows read) of each scan of `ticket` under this node."""
    found = []
    if node.get("Relation Name") == "ticket" and "Scan" in node["Node Type"]:
        read = node["Actual Rows"] * node["Actual Loops"] + node.get("Rows Removed by Filter", 0)
        found.append((node["Node Type"], node.get("Index Name", ""), read))
    for child in node.get("Plans", []):
        found += _ticket_reads(child)
    return found


@pytest.mark.parametrize("analysed", [False, True], ids=["never-analysed", "analysed"])
def test_issuing_reads_a_few_ticket_rows_however_many_wait(
    pg_url: str, password_hash: str, analysed: bool
) -> None:
    db = Database(pg_url)
    try:
        db.upgrade()
        apply_config(db, parse_config(site_config_dict(password_hash)))
    finally:
        db.dispose()
    with psycopg.connect(pg_url.replace("+psycopg", ""), autocommit=True) as conn:
        site, rev = conn.execute("SELECT id, config_rev FROM site").fetchone() or (0, 0)
        (service,) = conn.execute("SELECT id FROM service WHERE code = 'A'").fetchone() or (0,)
        earlier = T0 - timedelta(days=1)  # yesterday's line, still waiting
        conn.execute(
            """INSERT INTO ticket (site_id, public_id, day, number, service_id, status,
                   language, priority, issued_at, arrival_at, queued_at, recalls)
               SELECT %s, 'w' || n, %s, 'A' || lpad(n::text, 3, '0'), %s, 'waiting',
                   'pl', 'normal', %s, %s, %s, 0
               FROM generate_series(1, %s) AS n""",
            (site, earlier.date(), service, earlier, earlier, earlier, WAITING),
        )
        if analysed:
            conn.execute("ANALYZE")
        plans = _plans(conn)
        for turn in range(8):  # past the five custom plans a cached statement starts with
            plans.clear()
            row = conn.execute(
                _CALL,
                {
                    "site": site,
                    "rev": rev,
                    "day": T0.date(),
                    "prefix": "A",
                    "service": service,
                    "max_issued": None,
                    "now": T0 + timedelta(seconds=turn),
                    "public_id": secrets.token_urlsafe(16),
                    "language": "pl",
                    "priority": "normal",
                    "device": None,
                    "waits_from": 0,
                    "waits": [60] * (WAITING + 16),
                    "refuse": None,
                    "payload": json.dumps({"ticket": {}}),
                    "actor": "{}",
                    "key": None,
                    "key_actor": "kiosk:1",
                    "operation": None,
                    "fingerprint": None,
                },
            ).fetchone()
            assert row is not None and row[0] == "issued" and row[4] == WAITING + turn
    reads = [
        (plan["Query Text"].split()[:3], *read)
        for plan in plans
        for read in _ticket_reads(plan["Plan"])
    ]
    assert reads, "no plan seen"
    assert all(rows <= 2 for *_, rows in reads), reads
