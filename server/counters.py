"""Counters: a clerk opens (or resumes), pauses and closes one; the table is the core's
(kolejka.core.counters), the checks that need the database are here."""

from __future__ import annotations

from sqlmodel import select

from kolejka.core.counters import CounterAction, PauseReason, next_counter_state, pause_reason
from kolejka.core.errors import Conflict, Forbidden, NotFound
from kolejka.core.events import EventType
from kolejka.core.states import CounterState
from kolejka.schemas import (
    ClerkSignedOut,
    CounterEventPayload,
    CounterPausedPayload,
    CounterPublic,
)
from server import repository as repo
from server.actors import Actor, require_clerk, require_supervisor
from server.credentials import announce_revoked
from server.eventlog import append_event
from server.models import Clerk, Counter
from server.presenters import counter_public
from server.ticket_rows import client_at
from server.transactions import Transaction, Write, WriteRunner

EVENTS = {
    CounterAction.OPEN: EventType.COUNTER_OPENED,
    CounterAction.PAUSE: EventType.COUNTER_PAUSED,
    CounterAction.CLOSE: EventType.COUNTER_CLOSED,
}


class CounterService:
    def __init__(self, writes: WriteRunner) -> None:
        self.writes = writes

    def open_counter(
        self, site_code: str, actor: Actor, number: int, idempotency_key: str | None = None
    ) -> CounterPublic:
        """Sign the clerk in at the counter and open it (also resumes after a pause)."""
        return self._run(site_code, actor, number, CounterAction.OPEN, idempotency_key)

    def pause_counter(
        self,
        site_code: str,
        actor: Actor,
        number: int,
        idempotency_key: str | None = None,
        reason: PauseReason | None = None,
    ) -> CounterPublic:
        """Pause for a reason (break, back office, technical; none given: a break), kept
        with the counter while it lasts and on the event, for the statistics."""
        return self._run(site_code, actor, number, CounterAction.PAUSE, idempotency_key, reason)

    def close_counter(
        self, site_code: str, actor: Actor, number: int, idempotency_key: str | None = None
    ) -> CounterPublic:
        """Sign the clerk out; refused while a client is at the counter."""
        return self._run(site_code, actor, number, CounterAction.CLOSE, idempotency_key)

    def sign_out_clerk(
        self, site_code: str, actor: Actor, clerk_id: int, idempotency_key: str | None = None
    ) -> ClerkSignedOut:
        """A supervisor signs a clerk out: their counter closes (refused while a client is
        at it: serve, move or cancel that ticket first) and every session they hold stops
        working (the console's monitor; the clerk signs in again to go on)."""
        write = Write(site_code, actor, idempotency_key)
        return self.writes.run(write, ClerkSignedOut, self._sign_out, clerk_id)

    @staticmethod
    def _sign_out(tx: Transaction, clerk_id: int) -> ClerkSignedOut:
        require_supervisor(tx.actor, "sign_out_clerk")
        session = tx.session
        clerk = session.get(Clerk, clerk_id)
        if clerk is None or clerk.site_id != tx.site.id:
            raise NotFound("clerk_id_not_found", clerk=clerk_id)
        closed: list[int] = []
        for counter in session.exec(
            select(Counter).where(Counter.site_id == tx.site.id, Counter.clerk_id == clerk_id)
        ):
            state = CounterState(counter.state)
            next_counter_state(
                state,
                CounterAction.CLOSE,
                counter=counter.number,
                client=client_at(session, counter),
            )
            counter.state = CounterState.CLOSED
            counter.clerk_id = None
            counter.current_ticket_id = None
            session.add(counter)
            session.flush()
            view = counter_public(session, tx.site, counter, tx.now)
            append_event(
                session,
                tx.site,
                EventType.COUNTER_CLOSED,
                CounterEventPayload(counter=view),
                tx.now,
            )
            closed.append(counter.number)
        clerk.signed_out_at = tx.now
        session.add(clerk)
        announce_revoked(session, [f"clerk:{clerk.id}"])  # the other server processes
        answer = ClerkSignedOut(
            clerk=clerk.username, display_name=clerk.display_name, counters=closed
        )
        append_event(session, tx.site, EventType.CLERK_SIGNED_OUT, answer, tx.now)
        return answer

    def _run(
        self,
        site_code: str,
        actor: Actor,
        number: int,
        action: CounterAction,
        idempotency_key: str | None,
        reason: PauseReason | None = None,
    ) -> CounterPublic:
        write = Write(site_code, actor, idempotency_key)
        return self.writes.run(write, CounterPublic, self._change, number, action, reason)

    @staticmethod
    def _change(
        tx: Transaction, number: int, action: CounterAction, reason: PauseReason | None = None
    ) -> CounterPublic:
        actor, session = tx.actor, tx.session
        require_clerk(actor, "counter_state")
        counter = repo.counter_by_number(session, tx.site, number, lock=True)
        state = CounterState(counter.state)
        held_by_other = counter.clerk_id not in (None, actor.id)
        if held_by_other and state is not CounterState.CLOSED and not actor.is_supervisor:
            if action is CounterAction.OPEN:  # signing in: say who holds it (a 409)
                holder = repo.clerk_name(session, counter.clerk_id)
                raise Conflict("counter_held", counter=number, clerk=holder or "?")
            raise Forbidden("not_your_counter", counter=number)
        after = next_counter_state(
            state, action, counter=number, client=client_at(session, counter)
        )
        if action is CounterAction.OPEN:
            elsewhere = session.exec(
                select(Counter).where(
                    Counter.site_id == tx.site.id,
                    Counter.clerk_id == actor.id,
                    Counter.id != counter.id,
                    Counter.state != CounterState.CLOSED.value,
                )
            ).first()
            if elsewhere is not None:
                raise Conflict("clerk_at_other_counter", counter=elsewhere.number)
            counter.clerk_id = actor.id
        elif after is CounterState.CLOSED:
            counter.clerk_id = None
            counter.current_ticket_id = None
        counter.state = after
        if reason is None and state is CounterState.PAUSED and counter.pause_reason:
            reason = PauseReason(counter.pause_reason)  # paused again without one: kept
        kept = pause_reason(after, reason)
        counter.pause_reason = kept.value if kept is not None else None
        session.add(counter)
        session.flush()
        view = counter_public(session, tx.site, counter, tx.now)
        payload = (
            CounterPausedPayload(counter=view, reason=kept)
            if action is CounterAction.PAUSE
            else CounterEventPayload(counter=view)
        )
        append_event(session, tx.site, EVENTS[action], payload, tx.now)
        return view
