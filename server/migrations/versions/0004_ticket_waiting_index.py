"""indexes for the waiting line of a service (people ahead, next to call)

Counting who is ahead of a ticket is a sum of range counts over these: the routing
columns in queue order, and due appointments by their time.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ["service_id", "status", "priority", "arrival_at", "appointment_at"]


def upgrade() -> None:
    op.create_index("ix_ticket_waiting", "ticket", COLUMNS)
    op.create_index("ix_ticket_due", "ticket", ["service_id", "status", "appointment_at"])


def downgrade() -> None:
    op.drop_index("ix_ticket_due", table_name="ticket")
    op.drop_index("ix_ticket_waiting", table_name="ticket")
