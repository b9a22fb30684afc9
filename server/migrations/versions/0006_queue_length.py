"""queuelength: tickets waiting per service and priority class, kept by triggers

"People ahead" of a newly issued ticket and a service's waiting count were index range
counts, entry by entry on SQLite; the triggers keep the totals as tickets come and go,
whatever code (or hand-written SQL) changes them.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ADD = """INSERT INTO queuelength (service_id, priority, waiting)
    SELECT {row}.service_id, {row}.priority, 1 WHERE {row}.status = 'waiting'
    ON CONFLICT (service_id, priority) DO UPDATE SET waiting = queuelength.waiting + 1"""
_REMOVE = """UPDATE queuelength SET waiting = waiting - 1
    WHERE {row}.status = 'waiting'
      AND service_id = {row}.service_id AND priority = {row}.priority"""

SQLITE = [
    f"""CREATE TRIGGER ticket_queue_insert AFTER INSERT ON ticket
    WHEN NEW.status = 'waiting' BEGIN {_ADD.format(row="NEW")}; END""",
    f"""CREATE TRIGGER ticket_queue_update AFTER UPDATE OF status, service_id, priority
    ON ticket WHEN OLD.status = 'waiting' OR NEW.status = 'waiting'
    BEGIN {_REMOVE.format(row="OLD")}; {_ADD.format(row="NEW")}; END""",
    f"""CREATE TRIGGER ticket_queue_delete AFTER DELETE ON ticket
    WHEN OLD.status = 'waiting' BEGIN {_REMOVE.format(row="OLD")}; END""",
]
POSTGRESQL = [
    f"""CREATE FUNCTION kolejka_queue_length() RETURNS trigger AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN {_REMOVE.format(row="OLD")}; END IF;
      IF TG_OP IN ('UPDATE', 'INSERT') THEN {_ADD.format(row="NEW")}; END IF;
      RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER ticket_queue_length
    AFTER INSERT OR UPDATE OF status, service_id, priority OR DELETE ON ticket
    FOR EACH ROW EXECUTE FUNCTION kolejka_queue_length()""",
]


def upgrade() -> None:
    op.create_table(
        "queuelength",
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("priority", sa.String(length=20), nullable=False),
        sa.Column("waiting", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["service_id"], ["service.id"]),
        sa.PrimaryKeyConstraint("service_id", "priority"),
    )
    op.execute(
        "INSERT INTO queuelength (service_id, priority, waiting) "
        "SELECT service_id, priority, count(*) FROM ticket WHERE status = 'waiting' "
        "GROUP BY service_id, priority"
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRESQL if postgres else SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER ticket_queue_length ON ticket")
        op.execute("DROP FUNCTION kolejka_queue_length()")
    else:
        for name in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER ticket_queue_{name}")
    op.drop_table("queuelength")
