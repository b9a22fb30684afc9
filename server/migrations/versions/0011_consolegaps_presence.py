"""device presence shared by the server processes (the console's "last seen")

Revision ID: 0011_consolegaps
Revises: 0010_stats
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from server.models import UTCDateTime

revision: str = "0011_consolegaps"
down_revision: str | None = "0010_stats"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "device_presence",
        sa.Column("process", sa.String(length=32), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=False),
        sa.Column("last_seen", UTCDateTime(), nullable=False),
        sa.Column("connections", sa.Integer(), nullable=False),
        sa.Column("beat_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("process", "device_id"),
    )
    op.create_index("ix_device_presence_beat_at", "device_presence", ["beat_at"])


def downgrade() -> None:
    op.drop_index("ix_device_presence_beat_at", table_name="device_presence")
    op.drop_table("device_presence")
