"""clerk verbs: an outcome at finish, a pause's reason, a service's list of outcomes

`ticket.outcome` is the office's code given at finish; `counter.pause_reason` is kept
while the counter is paused; `service.outcomes` / `service.outcome_required` are the
site configuration's list (siteconfig.OutcomeConfig). Parked tickets need no column: a
status value like the others.

Revision ID: 0010_clerk
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_clerk"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ticket") as batch:
        batch.add_column(sa.Column("outcome", sa.String(length=40), nullable=True))
    with op.batch_alter_table("counter") as batch:
        batch.add_column(sa.Column("pause_reason", sa.String(length=20), nullable=True))
    with op.batch_alter_table("service") as batch:
        batch.add_column(sa.Column("outcomes", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(
            sa.Column("outcome_required", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("service") as batch:
        batch.drop_column("outcome_required")
        batch.drop_column("outcomes")
    with op.batch_alter_table("counter") as batch:
        batch.drop_column("pause_reason")
    # Not a batch: on SQLite that copies the table and loses its queue-length triggers
    # (0006), which the next step down drops. SQLite drops a column in place since 3.35.
    op.drop_column("ticket", "outcome")
