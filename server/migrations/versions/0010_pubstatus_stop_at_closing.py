"""service.stop_at_closing: stop issuing when a new ticket's wait passes the closing hour

An office's typed rule per service (server/siteconfig.py `stop_when_wait_passes_closing`);
off for every service that existed before.

Revision ID: 0010_pubstatus
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_pubstatus"
down_revision: str | None = "0010_clerk"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "service",
        sa.Column("stop_at_closing", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    with op.batch_alter_table("service") as batch:
        batch.drop_column("stop_at_closing")
