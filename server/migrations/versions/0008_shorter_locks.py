"""shorterlocks: on PostgreSQL the queue-length trigger runs at commit; event times in order

The trigger of 0006 updated a service's queue-length row as soon as a ticket was inserted
or called, and the row stayed locked until the transaction ended: every issuing and every
call on a service waited for the one before it to finish all its work, in every server
process. Deferred to commit, the row is locked only while the transaction commits.
(SQLite has one writer at a time anyway; its triggers stay as they are.)

And an event's time is made no earlier than that of the event before it in the log by a
trigger, which sees the event committed just before (the statement that appends it
waited for the site row, and a statement's own snapshot is older than that wait).

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_EVENTS = "AFTER INSERT OR UPDATE OF status, service_id, priority OR DELETE ON ticket"


_EVENT_AT = """CREATE FUNCTION kolejka_event_at() RETURNS trigger AS $$
    BEGIN
      NEW.at := greatest(NEW.at, (SELECT e.at FROM event e
                                  WHERE e.site_id = NEW.site_id AND e.seq = NEW.seq - 1));
      RETURN NEW;
    END $$ LANGUAGE plpgsql"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER ticket_queue_length ON ticket")
    op.execute(
        f"""CREATE CONSTRAINT TRIGGER ticket_queue_length {_EVENTS}
        DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW EXECUTE FUNCTION kolejka_queue_length()"""
    )
    op.execute(_EVENT_AT)
    op.execute(
        "CREATE TRIGGER event_at_in_order BEFORE INSERT ON event "
        "FOR EACH ROW EXECUTE FUNCTION kolejka_event_at()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER event_at_in_order ON event")
    op.execute("DROP FUNCTION kolejka_event_at()")
    op.execute("DROP TRIGGER ticket_queue_length ON ticket")
    op.execute(
        f"""CREATE TRIGGER ticket_queue_length {_EVENTS}
        FOR EACH ROW EXECUTE FUNCTION kolejka_queue_length()"""
    )
