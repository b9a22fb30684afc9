"""index the event log by site, type and seq (the monitor's "since when" looks)

The live monitor reads, once a second while events come, when each counter last changed
state and when each kiosk's printer last reported: the latest events of a few types.
Without this index those looks walked the day's whole log backwards.

Revision ID: 0011_monitorcost
Revises: 0010_stats
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011_monitorcost"
down_revision: str | None = "0011_consolegaps"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_event_site_type", "event", ["site_id", "type", "seq"])


def downgrade() -> None:
    op.drop_index("ix_event_site_type", table_name="event")
