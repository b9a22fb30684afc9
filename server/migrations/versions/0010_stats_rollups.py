"""stats roll-ups: one row per site, day, service, counter and clerk, and a mark per site

Revision ID: 0010_stats
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_stats"
down_revision: str | None = "0010_booking"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stats_rollup",
        sa.Column("site_id", sa.Integer(), sa.ForeignKey("site.id"), primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("service", sa.String(length=3), primary_key=True),
        sa.Column("counter", sa.Integer(), primary_key=True),
        sa.Column("clerk", sa.Integer(), primary_key=True),
        *(
            sa.Column(name, sa.Integer(), nullable=False)
            for name in (
                "issued",
                "transferred_in",
                "called",
                "served",
                "no_show",
                "cancelled",
                "transferred_out",
                "open",
            )
        ),
        *(
            sa.Column(name, sa.LargeBinary(), nullable=False)
            for name in ("wait", "service_time", "estimate_error", "arrivals", "calls")
        ),
    )
    op.create_table(
        "stats_day",
        sa.Column("site_id", sa.Integer(), sa.ForeignKey("site.id"), primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "stats_mark",
        sa.Column("site_id", sa.Integer(), sa.ForeignKey("site.id"), primary_key=True),
        sa.Column("seq", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("stats_mark")
    op.drop_table("stats_day")
    op.drop_table("stats_rollup")
