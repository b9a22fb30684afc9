"""issuelookup: the walk-in function's two lookups of tickets found by key, not by a scan

`kolejka_issue_walk_in` (0011_pgscale) looked tickets up twice while it held the day's
number row, and on a table without statistics (a new database: autovacuum's first
analyse comes a minute or more later, and a session keeps the plan it made) both read
every ticket they could reach, each ticket dearer than the one before; in the load
benchmark about a third of PostgreSQL's CPU per ticket:

- the arrival of the number before, by (site, day, number): the unique key and
  `ix_ticket_queue` (site, status, service) cost the same to a planner that knows
  nothing, and it took the latter: every ticket of the site. No query shape pins it; the
  arrival is now kept on the day's number row itself (`dailysequence.last_arrival`, set
  by the same upsert that takes the number; the Python issuers set it too, on
  PostgreSQL), so there is nothing to look up. A row from before this migration has none:
  its next number arrives at the caller's clock, as the first of a day does;
- the latest waiting arrival of the class (a clock that stepped back), a `max()`, which
  the planner answered from `ix_ticket_due` by reading every waiting ticket of the
  service. Asked as `ORDER BY arrival_at DESC LIMIT 1` it is the backward scan of
  `ix_ticket_waiting` (service, status, priority, arrival_at: the filter, then the
  order), with statistics or without: two entries, the new ticket's and the one before.

tests/server/test_issue_lookup_plan.py checks the plans the call really runs.

Revision ID: 0013_issuelookup
Revises: 0012_tallyindex
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from alembic import op

import server.models

revision: str = "0013_issuelookup"
down_revision: str | None = "0012_tallyindex"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SCANNING = """SELECT max(t.arrival_at) INTO v_latest FROM ticket t
    WHERE t.service_id = p_service AND t.status = 'waiting' AND t.priority = p_priority
      AND t.id <> v_id;"""

_TAKE_NUMBER = """INSERT INTO dailysequence AS d (site_id, day, prefix, last)
    VALUES (p_site, p_day, p_prefix, 1)
    ON CONFLICT (site_id, day, prefix) DO UPDATE SET last = d.last + 1
    RETURNING d.last INTO v_seq;"""

_PREVIOUS_ARRIVAL = """    -- Number order is arrival order: a writer that read the clock earlier can take the
    -- number later; it arrives just after the number before it (the same moment, as a
    -- clock standing still gives, stays: ties go by id, which is number order too).
    v_arrival := p_now;
    IF v_seq > 1 THEN
        SELECT t.arrival_at INTO v_previous FROM ticket t
        WHERE t.site_id = p_site AND t.day = p_day
          AND t.number = p_prefix || lpad((v_seq - 1)::text,
                                          greatest(3, length((v_seq - 1)::text)), '0');
        IF v_previous > p_now THEN
            v_arrival := v_previous + interval '1 microsecond';
        END IF;
    END IF;
"""

# Number order is arrival order: a writer that read the clock earlier can take the number
# later; it arrives just after the number before it (the same moment, as a clock standing
# still gives, stays: ties go by id, which is number order too).
TAKE_NUMBER_AND_ARRIVAL = """INSERT INTO dailysequence AS d (site_id, day, prefix, last, last_arrival)
    VALUES (p_site, p_day, p_prefix, 1, p_now)
    ON CONFLICT (site_id, day, prefix) DO UPDATE SET last = d.last + 1,
        last_arrival = CASE WHEN d.last_arrival > p_now
                            THEN d.last_arrival + interval '1 microsecond' ELSE p_now END
    RETURNING d.last, d.last_arrival INTO v_seq, v_arrival;"""

LATEST_WAITING = """SELECT t.arrival_at INTO v_latest FROM ticket t
    WHERE t.service_id = p_service AND t.status = 'waiting' AND t.priority = p_priority
      AND t.id <> v_id
    ORDER BY t.arrival_at DESC LIMIT 1;"""


def _pgscale_function() -> str:
    """0011's text of the function (a migration's text does not change once released)."""
    path = Path(__file__).with_name("0011_pgscale_issue_function.py")
    spec = importlib.util.spec_from_file_location("kolejka_migration_0011_pgscale", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = str(module._FUNCTION).replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)
    assert _SCANNING in text
    return text


def _keyed(text: str) -> str:
    for old, new in (
        (_SCANNING, LATEST_WAITING),
        (_TAKE_NUMBER, TAKE_NUMBER_AND_ARRIVAL),
        (_PREVIOUS_ARRIVAL, ""),
    ):
        assert old in text
        text = text.replace(old, new)
    return text


def upgrade() -> None:
    op.add_column("dailysequence", sa.Column("last_arrival", server.models.UTCDateTime(timezone=True), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_keyed(_pgscale_function()))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_pgscale_function())
    with op.batch_alter_table("dailysequence") as batch:
        batch.drop_column("last_arrival")
