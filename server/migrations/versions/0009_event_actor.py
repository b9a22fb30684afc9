"""event actor: who acted (clerk, device, admin), for the audit export

Stored beside the event, not in its payload: payloads go to displays and public pages,
the actor only to `kolejka audit`. Events logged before this migration have none.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("event", sa.Column("actor", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("event") as batch:
        batch.drop_column("actor")
