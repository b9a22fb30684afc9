"""clerk signed out by a supervisor: sessions issued before this moment are refused

Revision ID: 0010_console
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from server.models import UTCDateTime

revision: str = "0010_console"
down_revision: str | None = "0010_pubstatus"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("clerk", sa.Column("signed_out_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("clerk") as batch:
        batch.drop_column("signed_out_at")
