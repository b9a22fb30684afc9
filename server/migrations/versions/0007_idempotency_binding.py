"""idempotency binding: the operation and request fingerprint a key was used with

A key used for one request answered any other sent with it (another operation's body
failed to parse, or another request got the first one's result). Records made before
this revision have neither column and so match no HTTP request: kept two days at most, they
are refused as a mismatch rather than guessed at.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("idempotencyrecord") as batch_op:
        batch_op.add_column(
            sa.Column("operation", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=True)
        )
        batch_op.add_column(
            sa.Column("fingerprint", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("idempotencyrecord") as batch_op:
        batch_op.drop_column("fingerprint")
        batch_op.drop_column("operation")
