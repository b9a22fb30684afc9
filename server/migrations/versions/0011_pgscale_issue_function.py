"""pgscale: on PostgreSQL a walk-in ticket is issued by one function call, commit included

Issuing holds the day's number row (gap-free numbers in arrival order) and the site row
(the event log's gap-free seq) from the moment it takes them until the commit. With the
ticket, the count of who is ahead, the event and the idempotency record each a round
trip from Python, that was 5 round trips under the lock; and when the server process
holding it was descheduled on a busy host, every issuer of the service in every process
waited for it (the locks convoyed, and more processes made it worse). This function does
all of it between taking the number and the commit inside the database, so no Python
runs while the rows are held: `server/issuing_pg.py` builds everything that does not
depend on the number beforehand (the answer and event payload without the number, id,
arrival, ahead and wait; the waits the forecast gives for a window of "ahead" values;
whether each would pass the closing hour) and calls it in autocommit.

The rules stay in Python. The function refuses (an exception, so the number and
everything else roll back) and the caller asks the core why, or falls back to the
ordinary transaction:

    KQ001 the site's configuration revision moved (the caller reloads it)
    KQ002 the number is past the daily limit (the caller asks kolejka.core.hours)
    KQ003 the wait would pass the closing hour
    KQ004 "ahead" fell outside the window of waits given (message: the actual count)
    KQ005 a waiting ticket of the class arrived later (a clock stepped back): count the
          line the long way

Revision ID: 0011_pgscale
Revises: 0010_stats
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011_pgscale"
down_revision: str | None = "0011_kioskdoc"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SIGNATURE = """kolejka_issue_walk_in(
    p_site integer, p_rev integer, p_day date, p_prefix text, p_service integer,
    p_max_issued integer, p_now timestamptz, p_public_id text, p_language text,
    p_priority text, p_device integer, p_waits_from integer, p_waits integer[],
    p_refuse boolean[], p_payload jsonb, p_actor json, p_key text, p_key_actor text,
    p_operation text, p_fingerprint text)"""

_FUNCTION = f"""CREATE FUNCTION {_SIGNATURE}
RETURNS TABLE (outcome text, ticket_id integer, seq integer, arrival timestamptz,
               ahead integer, wait integer, earlier_actor text, earlier_operation text,
               earlier_fingerprint text, earlier_body json)
LANGUAGE plpgsql AS $$
DECLARE
    v_rev integer;
    v_seq integer;
    v_number text;
    v_arrival timestamptz;
    v_previous timestamptz;
    v_waiting bigint;
    v_latest timestamptz;
    v_ahead integer;
    v_wait integer;
    v_id integer;
    v_event_seq integer;
    v_body jsonb;
    v_earlier record;
BEGIN
    SELECT s.config_rev INTO v_rev FROM site s WHERE s.id = p_site;
    IF v_rev IS DISTINCT FROM p_rev THEN
        RAISE EXCEPTION 'configuration moved' USING ERRCODE = 'KQ001';
    END IF;
    IF p_key IS NOT NULL THEN
        SELECT r.actor, r.operation, r.fingerprint, r.body INTO v_earlier
        FROM idempotencyrecord r WHERE r.site_id = p_site AND r.key = p_key;
        IF FOUND THEN
            RETURN QUERY SELECT 'earlier'::text, NULL::integer, NULL::integer,
                NULL::timestamptz, NULL::integer, NULL::integer, v_earlier.actor::text,
                v_earlier.operation::text, v_earlier.fingerprint::text, v_earlier.body;
            RETURN;
        END IF;
    END IF;

    -- From here to the commit the day's number row is held: SQL only.
    INSERT INTO dailysequence AS d (site_id, day, prefix, last)
    VALUES (p_site, p_day, p_prefix, 1)
    ON CONFLICT (site_id, day, prefix) DO UPDATE SET last = d.last + 1
    RETURNING d.last INTO v_seq;
    IF p_max_issued IS NOT NULL AND v_seq - 1 >= p_max_issued THEN
        RAISE EXCEPTION '%', v_seq USING ERRCODE = 'KQ002';
    END IF;
    -- kolejka.core.numbering.format_number
    v_number := p_prefix || lpad(v_seq::text, greatest(3, length(v_seq::text)), '0');
    -- Number order is arrival order: a writer that read the clock earlier can take the
    -- number later; it arrives just after the number before it (the same moment, as a
    -- clock standing still gives, stays: ties go by id, which is number order too).
    v_arrival := p_now;
    IF v_seq > 1 THEN
        SELECT t.arrival_at INTO v_previous FROM ticket t
        WHERE t.site_id = p_site AND t.day = p_day
          AND t.number = p_prefix || lpad((v_seq - 1)::text,
                                          greatest(3, length((v_seq - 1)::text)), '0');
        IF v_previous > p_now THEN
            v_arrival := v_previous + interval '1 microsecond';
        END IF;
    END IF;

    INSERT INTO ticket (site_id, public_id, day, number, service_id, status, language,
                        priority, issued_at, arrival_at, queued_at, device_id, recalls)
    VALUES (p_site, p_public_id, p_day, v_number, p_service, 'waiting', p_language,
            p_priority, v_arrival, v_arrival, v_arrival, p_device, 0)
    RETURNING id INTO v_id;

    -- server.repository.ahead.ahead_count_of_newest: the totals of the tickets committed
    -- before this one (the lengths change at commit, migration 0008).
    IF p_priority = 'normal' THEN
        SELECT coalesce(sum(q.waiting), 0) INTO v_waiting
        FROM queuelength q WHERE q.service_id = p_service;
    ELSE
        SELECT coalesce(sum(q.waiting), 0) + (
                   SELECT count(*) FROM ticket t
                   WHERE t.service_id = p_service AND t.status = 'waiting'
                     AND t.priority = 'normal' AND t.appointment_at <= v_arrival)
        INTO v_waiting
        FROM queuelength q WHERE q.service_id = p_service AND q.priority = p_priority;
    END IF;
    SELECT max(t.arrival_at) INTO v_latest FROM ticket t
    WHERE t.service_id = p_service AND t.status = 'waiting' AND t.priority = p_priority
      AND t.id <> v_id;
    IF v_latest > v_arrival THEN
        RAISE EXCEPTION 'a later arrival waits' USING ERRCODE = 'KQ005';
    END IF;
    v_ahead := v_waiting;
    IF v_ahead < p_waits_from OR v_ahead >= p_waits_from + cardinality(p_waits) THEN
        RAISE EXCEPTION '%', v_ahead USING ERRCODE = 'KQ004';
    END IF;
    v_wait := p_waits[v_ahead - p_waits_from + 1];
    IF p_refuse IS NOT NULL AND p_refuse[v_ahead - p_waits_from + 1] THEN
        RAISE EXCEPTION 'past closing' USING ERRCODE = 'KQ003';
    END IF;

    v_body := p_payload->'ticket' || jsonb_build_object(
        'id', v_id, 'number', v_number, 'ahead', v_ahead, 'estimated_wait_s', v_wait,
        'issued_at', kolejka_json_time(v_arrival), 'arrival_at', kolejka_json_time(v_arrival));
    -- The event's seq: the site row is held from here to the commit as well.
    UPDATE site SET last_seq = last_seq + 1 WHERE id = p_site RETURNING last_seq
    INTO v_event_seq;
    INSERT INTO event (site_id, seq, type, at, payload, actor)
    VALUES (p_site, v_event_seq, 'ticket.issued', v_arrival,
            jsonb_set(p_payload, '{{ticket}}', v_body)::json, p_actor);
    IF p_key IS NOT NULL THEN
        INSERT INTO idempotencyrecord (site_id, key, actor, operation, fingerprint,
                                       status_code, body, created_at)
        VALUES (p_site, p_key, p_key_actor, p_operation, p_fingerprint, 200, v_body::json,
                p_now);
    END IF;
    RETURN QUERY SELECT 'issued'::text, v_id, v_seq, v_arrival, v_ahead, v_wait,
        NULL::text, NULL::text, NULL::text, NULL::json;
END $$"""

# pydantic's JSON for an aware UTC datetime: microseconds only when there are some.
_JSON_TIME = """CREATE FUNCTION kolejka_json_time(t timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
        || CASE WHEN extract(microseconds FROM t)::bigint % 1000000 = 0 THEN ''
                ELSE to_char(t AT TIME ZONE 'UTC', '.US') END
        || 'Z'
$$"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(_JSON_TIME)
    op.execute(_FUNCTION)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP FUNCTION kolejka_issue_walk_in" + _ARGS)
    op.execute("DROP FUNCTION kolejka_json_time(timestamptz)")


_ARGS = (
    "(integer, integer, date, text, integer, integer, timestamptz, text, text, text,"
    " integer, integer, integer[], boolean[], jsonb, json, text, text, text, text)"
)
