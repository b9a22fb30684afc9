"""kiosk document check: wrong document numbers typed for a booking, counted

`appointment.document_failures` counts the wrong document numbers typed at a kiosk for a
booking bound to one; at the core's DOCUMENT_TRIES its check-in is refused as locked.

Revision ID: 0011_kioskdoc
Revises: 0010_stats
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_kioskdoc"
down_revision: str | None = "0011_monitorcost"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("appointment") as batch:
        batch.add_column(
            sa.Column("document_failures", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    # Not a batch: SQLite drops a column in place since 3.35, without copying the table.
    op.drop_column("appointment", "document_failures")
