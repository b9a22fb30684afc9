"""outbox: a priority, so that a call's message does not wait behind a day's reminders

Due messages were claimed in the order they fell due: 3,000 reminders queued at once (an
import, or the mail server back after a break) kept a "please go to counter 5" in line for
half a minute. Each message now carries `kolejka.core.booking.delivery_priority` of its
kind, and the claim takes the lowest first.

Revision ID: 0015_outboxpriority
Revises: 0014_addressday
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_outboxpriority"
down_revision: str | None = "0014_addressday"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "outbox", sa.Column("priority", sa.SmallInteger(), nullable=False, server_default="1")
    )
    # The rule as it stood when this was written (a migration must not follow later code).
    op.execute(
        "UPDATE outbox SET priority = CASE WHEN kind IN ('called', 'ahead') THEN 0 "
        "WHEN kind = 'reminder' THEN 2 ELSE 1 END"
    )
    op.create_index("ix_outbox_claim", "outbox", ["status", "priority", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_claim", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("priority")
