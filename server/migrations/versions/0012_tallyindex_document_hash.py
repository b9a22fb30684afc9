"""booking tally: index the document hash, so the tally's OR of lookups uses indexes

The booking's one tally statement selects the appointments of the day, the person (e-mail,
phone or document), the address, the form's nonce or the drawn code. SQLite answers such an
OR from indexes only when every branch has one; the document hash had none, so every
booking scanned the whole appointment table (a year of bookings at the last booker's
expense while the service is locked).

Revision ID: 0012_tallyindex
Revises: 0011_pgscale
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012_tallyindex"
down_revision: str | None = "0011_pgscale"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_appointment_document_hash", "appointment", ["document_hash"])


def downgrade() -> None:
    op.drop_index("ix_appointment_document_hash", table_name="appointment")
