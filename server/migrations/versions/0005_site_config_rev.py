"""site.config_rev: bumped with every change to a site's or its services' configuration

Write transactions keep the configuration in memory (server/catalog.py) and read this one
integer to know whether their copy is still current, in every server process.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("site") as batch:
        batch.add_column(sa.Column("config_rev", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("site") as batch:
        batch.drop_column("config_rev")
