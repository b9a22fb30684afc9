"""booking tally: the address's bookings by their time, not all of them

The per-address limit counts the bookings made from an address in the last day. With an
index on the address alone, every booking read all the bookings that address ever made (an
office's own network, or a carrier's shared address, gathers thousands in a year), and the
tally runs while the service row is locked. Indexed with `created_at`, the count reads
only the last day's; the address alone is still its first column.

Revision ID: 0014_addressday
Revises: 0013_issuelookup
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014_addressday"
down_revision: str | None = "0013_issuelookup"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_appointment_address_day", "appointment", ["address_key", "created_at"])
    op.drop_index("ix_appointment_address_key", table_name="appointment")


def downgrade() -> None:
    op.create_index("ix_appointment_address_key", "appointment", ["address_key"])
    op.drop_index("ix_appointment_address_day", table_name="appointment")
