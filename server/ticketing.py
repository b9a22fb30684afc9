"""The tickets' use cases: issue, read, cancel, and the clerk's actions on a ticket.

Each is a named method run by the write runner (server/transactions.py) in one
transaction that checks, changes, logs its event and answers; what an action does to the
ticket is the core's (kolejka.core.tickets). Routes, tests and the demo call these;
FastAPI stays outside. Counters are server/counters.py, kiosk printers
server/printer_status.py.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from kolejka.core import tickets
from kolejka.core.counters import CounterAction, next_counter_state
from kolejka.core.errors import Conflict, Forbidden, NotFound
from kolejka.core.events import EventType
from kolejka.core.hours import Unavailable, availability, passes_closing
from kolejka.core.numbering import format_number
from kolejka.core.routing import choose_next
from kolejka.core.states import CounterState, Priority, TicketAction, TicketStatus
from kolejka.core.tickets import TicketProgress
from kolejka.schemas import (
    EVENT_PAYLOADS,
    DeviceKind,
    ServeWithoutTicketRequest,
    TicketCreate,
    TicketEventPayload,
    TicketPublic,
    TransferRequest,
)
from server import repository as repo
from server.actors import (
    CLERK,
    Actor,
    require_clerk,
    require_issuer,
    require_site,
    require_supervisor,
)
from server.catalog import SiteLike
from server.clock import Clock
from server.db import Database
from server.eventlog import append_event
from server.issuing_pg import WalkInIssuer
from server.models import Counter, Service, Ticket
from server.presenters import ticket_public
from server.ticket_rows import client_at, progress_of, write_progress
from server.transactions import Transaction, Write, WriteRunner

# A clerk's action on the ticket at their counter: one of kolejka.core.tickets' functions.
Action = Callable[..., TicketProgress]
# (session, site, ticket as changed, event type, now): runs in the change's transaction.
TicketObserver = Callable[[Session, SiteLike, Ticket, str, datetime], None]


class QueueService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        recent_durations: int = 20,
        writes: WriteRunner | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.recent_durations = recent_durations
        self.writes = writes or WriteRunner(db, clock, recent_durations=recent_durations)
        # PostgreSQL: walk-ins in one round trip with their commit (server/issuing_pg.py).
        self.walk_ins = WalkInIssuer(db, clock, self.writes) if db.is_postgres else None
        # Told of every ticket change inside its transaction (server/notifications.py).
        self.observers: list[TicketObserver] = []

    # --- tickets ------------------------------------------------------------------------

    def issue_ticket(
        self,
        site_code: str,
        actor: Actor,
        request: TicketCreate,
        idempotency_key: str | None = None,
        appointment_at: datetime | None = None,
    ) -> TicketPublic:
        require_issuer(actor)
        if self.walk_ins is not None and appointment_at is None:
            issued = self.walk_ins.issue(site_code, actor, request, idempotency_key)
            if issued is not None:
                return issued
        write = Write(site_code, actor, idempotency_key, keeps_estimates=True)
        return self.writes.run(write, TicketPublic, self.issue_in, request, appointment_at)

    def issue_in(
        self, tx: Transaction, request: TicketCreate, appointment_at: datetime | None = None
    ) -> TicketPublic:
        """Issue inside the caller's transaction (an appointment check-in changes the
        appointment and issues its ticket in one); `appointment_at` skips hours and limits.

        The hottest write of all, so it runs on the Core connection under the session
        with the configuration from the catalog, not through ORM objects."""
        session, site, now, actor = tx.session, tx.site, tx.now, tx.actor
        require_issuer(actor)
        service = site.service(request.service)
        if request.priority != "normal" and not site.rules.priority_enabled:
            raise Conflict("priority_disabled")
        local_now = now.astimezone(site.zone)
        conn = session.connection()
        # Take the number first: a refusal below rolls it back with the transaction.
        sequence = repo.next_sequence(conn, site.id, local_now.date(), service.code)
        # Arrival is read after the number's row lock: number order is arrival order.
        now = max(now, self.clock.now())
        repo.record_arrival(conn, site.id, local_now.date(), service.code, now)
        reason = availability(
            service.hours, local_now, sequence - 1, service.daily_limit, service.enabled
        )
        if reason is not None and appointment_at is None:
            raise Conflict(reason.value, service=service.code)
        ticket = {
            "site_id": site.id,
            "public_id": secrets.token_urlsafe(16),
            "day": local_now.date(),
            "number": format_number(service.code, sequence),
            "service_id": service.id,
            "status": TicketStatus.WAITING.value,
            "language": request.language,
            "priority": request.priority.value,
            "issued_at": now,
            "arrival_at": now,
            "queued_at": now,
            "appointment_at": appointment_at,
            "device_id": actor.id if actor.kind == DeviceKind.KIOSK else None,
            "recalls": 0,
        }
        ticket_id = repo.insert_ticket(conn, **ticket)
        if appointment_at is None:
            ahead = repo.ahead_count_of_newest(conn, service.id, ticket_id, request.priority, now)
        else:
            ahead = repo.ahead_count_of(
                conn, service.id, ticket_id, request.priority.value, now, appointment_at, now
            )
        view = TicketPublic(
            id=ticket_id,
            public_id=ticket["public_id"],
            site=site.code,
            number=ticket["number"],
            service=service.code,
            status=TicketStatus.WAITING,
            language=request.language,
            priority=request.priority,
            issued_at=now,
            arrival_at=now,
            appointment_at=appointment_at,
            ahead=ahead,
            estimated_wait_s=self.writes.estimates.get(conn, service.id, now).wait_for(ahead),
        )
        if (
            appointment_at is None
            and service.stop_at_closing
            and passes_closing(service.hours, local_now, view.estimated_wait_s)
        ):
            # The office's rule; raising rolls the number and the ticket back.
            raise Conflict(Unavailable.WAIT_PAST_CLOSING.value, service=service.code)
        append_event(session, site, EventType.TICKET_ISSUED, TicketEventPayload(ticket=view), now)
        return view

    def get_ticket(self, site_code: str, actor: Actor, ticket_id: int) -> TicketPublic:
        now = self.clock.now()
        with self.db.read() as session:
            site = repo.site_by_code(session, site_code)
            require_site(actor, site.id)  # type: ignore[arg-type]
            return self._ticket_view(
                session, site, repo.ticket_by_id(session, site, ticket_id), now
            )

    def cancel_ticket(
        self, site_code: str, actor: Actor, ticket_id: int, idempotency_key: str | None = None
    ) -> TicketPublic:
        """A kiosk takes back a ticket it could not print; a clerk cancels any."""
        write = Write(site_code, actor, idempotency_key)
        return self.writes.run(write, TicketPublic, self._cancel, ticket_id)

    def _cancel(self, tx: Transaction, ticket_id: int) -> TicketPublic:
        actor = tx.actor
        ticket = repo.ticket_by_id(tx.session, tx.site, ticket_id, lock=True)
        if actor.kind == DeviceKind.KIOSK and ticket.device_id != actor.id:
            raise Forbidden("not_your_ticket")
        if actor.kind not in (DeviceKind.KIOSK, CLERK):
            raise Forbidden("not_allowed", action="cancel_ticket")
        after = tickets.cancel(
            progress_of(ticket), now=tx.now, by_kiosk=actor.kind == DeviceKind.KIOSK
        )
        return self._change(tx, ticket, after, EventType.TICKET_CANCELLED)

    # --- counter actions on tickets --------------------------------------------------------

    def call_next(
        self, site_code: str, actor: Actor, counter_number: int, idempotency_key: str | None = None
    ) -> TicketPublic | None:
        """The next client for the counter, or None when nobody waits for it."""
        write = Write(site_code, actor, idempotency_key)
        return self.writes.run_optional(write, TicketPublic, self._call_next, counter_number)

    def _call_next(self, tx: Transaction, counter_number: int) -> TicketPublic | None:
        session, now = tx.session, tx.now
        counter = self._my_counter(tx, counter_number)
        next_counter_state(
            CounterState(counter.state),
            CounterAction.CALL_NEXT,
            counter=counter.number,
            client=client_at(session, counter),
        )
        links = repo.links_of(session, counter)
        routing = repo.routing_from(counter, links)
        taken: set[int] = set()
        ticket: Ticket | None = None
        while ticket is None:
            heads = repo.head_candidates(session, counter, links, now, exclude=frozenset(taken))
            # Another counter may take the chosen head first: choose again among the heads
            # read, until a service's run out while more of its line may wait.
            while ticket is None and all(h.candidates or h.complete for h in heads):
                chosen = choose_next((c for h in heads for c in h.candidates), routing, now)
                if chosen is None:
                    return None
                ticket = repo.claim(session, chosen.ticket_id)
                if ticket is None:
                    taken.add(chosen.ticket_id)
                    for h in heads:
                        if chosen in h.candidates:
                            h.candidates.remove(chosen)
        called = tickets.call(progress_of(ticket), counter_id=counter.id, now=now)  # type: ignore[arg-type]
        counter.current_ticket_id = ticket.id
        session.add(counter)
        return self._change(tx, ticket, called, EventType.TICKET_CALLED)

    def recall_ticket(
        self, site_code: str, actor: Actor, ticket_id: int, idempotency_key: str | None = None
    ) -> TicketPublic:
        write = Write(site_code, actor, idempotency_key)
        return self.writes.run(write, TicketPublic, self._recall, ticket_id)

    def _recall(self, tx: Transaction, ticket_id: int) -> TicketPublic:
        ticket, _counter = self._ticket_at_my_counter(tx, ticket_id)
        rules = tx.site.rules
        after = tickets.recall(
            progress_of(ticket),
            now=tx.now,
            max_recalls=rules.max_recalls,
            no_show_after_max_recalls=rules.no_show_after_max_recalls,
        )
        no_show = after.status is TicketStatus.NO_SHOW
        event = EventType.TICKET_NO_SHOW if no_show else EventType.TICKET_RECALLED
        return self._change(tx, ticket, after, event)

    def start_service(
        self, site_code: str, actor: Actor, ticket_id: int, idempotency_key: str | None = None
    ) -> TicketPublic:
        write = Write(site_code, actor, idempotency_key)
        return self.writes.run(
            write, TicketPublic, self._act, ticket_id, tickets.start, EventType.TICKET_SERVING
        )

    def finish_ticket(
        self,
        site_code: str,
        actor: Actor,
        ticket_id: int,
        idempotency_key: str | None = None,
        outcome: str | None = None,
    ) -> TicketPublic:
        """Done, with an outcome from the service's list (required where the office says
        so; an unknown one is a 422)."""
        write = Write(site_code, actor, idempotency_key)
        return self.writes.run(write, TicketPublic, self._finish, ticket_id, outcome)

    def _finish(self, tx: Transaction, ticket_id: int, outcome: str | None) -> TicketPublic:
        ticket, _counter = self._ticket_at_my_counter(tx, ticket_id)
        service = tx.session.get(Service, ticket.service_id)
        assert service is not None
        after = tickets.finish(
            progress_of(ticket),
            now=tx.now,
            outcome=outcome,
            outcomes=[o["code"] for o in service.outcomes],
            outcome_required=service.outcome_required,
        )
        return self._change(tx, ticket, after, EventType.TICKET_DONE)

    def mark_no_show(
        self, site_code: str, actor: Actor, ticket_id: int, idempotency_key: str | None = None
    ) -> TicketPublic:
        write = Write(site_code, actor, idempotency_key)
        return self.writes.run(
            write, TicketPublic, self._act, ticket_id, tickets.no_show, EventType.TICKET_NO_SHOW
        )

    def _act(
        self, tx: Transaction, ticket_id: int, action: Action, event: EventType
    ) -> TicketPublic:
        ticket, _counter = self._ticket_at_my_counter(tx, ticket_id)
        return self._change(tx, ticket, action(progress_of(ticket), now=tx.now), event)

    def park_ticket(
        self,
        site_code: str,
        actor: Actor,
        ticket_id: int,
        idempotency_key: str | None = None,
        note: str | None = None,
    ) -> TicketPublic:
        """The client steps aside (a form to fill in); the counter is free for the next
        one and calls this one back from its parked list (call_back_ticket)."""
        write = Write(site_code, actor, idempotency_key)
        return self.writes.run(write, TicketPublic, self._park, ticket_id, note)

    def _park(self, tx: Transaction, ticket_id: int, note: str | None) -> TicketPublic:
        ticket, _counter = self._ticket_at_my_counter(tx, ticket_id)
        return self._change(
            tx,
            ticket,
            tickets.park(progress_of(ticket), now=tx.now, note=note),
            EventType.TICKET_PARKED,
        )

    def call_back_ticket(
        self, site_code: str, actor: Actor, ticket_id: int, idempotency_key: str | None = None
    ) -> TicketPublic:
        """Call a parked client back to the counter that parked them (a call: the board
        shows and says it)."""
        write = Write(site_code, actor, idempotency_key)
        return self.writes.run(write, TicketPublic, self._call_back, ticket_id)

    def _call_back(self, tx: Transaction, ticket_id: int) -> TicketPublic:
        ticket, counter = self._ticket_at_my_counter(tx, ticket_id)
        tickets.check(progress_of(ticket), TicketAction.CALL_BACK)
        next_counter_state(
            CounterState(counter.state),
            CounterAction.CALL_BACK,
            counter=counter.number,
            client=client_at(tx.session, counter),
        )
        after = tickets.call_back(progress_of(ticket), counter_id=counter.id, now=tx.now)  # type: ignore[arg-type]
        counter.current_ticket_id = ticket.id
        tx.session.add(counter)
        return self._change(tx, ticket, after, EventType.TICKET_CALLED)

    def reactivate_ticket(
        self, site_code: str, actor: Actor, ticket_id: int, idempotency_key: str | None = None
    ) -> TicketPublic:
        """A no-show whose visitor came back goes back in line in their first place, within
        the office's time (rules.reactivate_within_min); later, a 409."""
        write = Write(site_code, actor, idempotency_key)
        return self.writes.run(write, TicketPublic, self._reactivate, ticket_id)

    def _reactivate(self, tx: Transaction, ticket_id: int) -> TicketPublic:
        ticket, _counter = self._ticket_at_my_counter(tx, ticket_id)
        within = timedelta(minutes=tx.site.rules.reactivate_within_min)
        after = tickets.reactivate(progress_of(ticket), now=tx.now, within=within)
        return self._change(tx, ticket, after, EventType.TICKET_REACTIVATED)

    def serve_without_ticket(
        self,
        site_code: str,
        actor: Actor,
        counter_number: int,
        request: ServeWithoutTicketRequest,
        idempotency_key: str | None = None,
    ) -> TicketPublic:
        """A visitor who walked straight to the desk: a ticket issued and started at this
        counter in one step (numbered like any other, counted as a walk-in)."""
        write = Write(site_code, actor, idempotency_key)
        return self.writes.run(
            write, TicketPublic, self._serve_without_ticket, counter_number, request
        )

    def _serve_without_ticket(
        self, tx: Transaction, counter_number: int, request: ServeWithoutTicketRequest
    ) -> TicketPublic:
        session, site, now = tx.session, tx.site, tx.now
        counter = self._my_counter(tx, counter_number)
        next_counter_state(
            CounterState(counter.state),
            CounterAction.SERVE_WITHOUT_TICKET,
            counter=counter.number,
            client=client_at(session, counter),
        )
        service = site.service(request.service)
        if service.code not in {s.code for _, s in repo.links_of(session, counter)}:
            raise Conflict("counter_does_not_serve", counter=counter.number, service=service.code)
        if request.priority != "normal" and not site.rules.priority_enabled:
            raise Conflict("priority_disabled")
        local_day = now.astimezone(site.zone).date()
        sequence = repo.next_sequence(session.connection(), site.id, local_day, service.code)
        repo.record_arrival(session.connection(), site.id, local_day, service.code, now)
        progress = tickets.serve_without_ticket(
            number=format_number(service.code, sequence),
            service_id=service.id,
            counter_id=counter.id,  # type: ignore[arg-type]
            now=now,
        )
        ticket = Ticket(
            site_id=site.id,
            public_id=secrets.token_urlsafe(16),
            day=local_day,
            number=progress.number,
            service_id=service.id,
            status=progress.status,
            language=request.language,
            priority=request.priority,
            issued_at=now,
            arrival_at=now,
            queued_at=now,
            called_at=progress.called_at,
            started_at=progress.started_at,
            counter_id=counter.id,
        )
        session.add(ticket)
        session.flush()
        counter.current_ticket_id = ticket.id
        session.add(counter)
        return self._change(tx, ticket, progress, EventType.TICKET_SERVED_WITHOUT_TICKET)

    def transfer_ticket(
        self,
        site_code: str,
        actor: Actor,
        ticket_id: int,
        request: TransferRequest,
        idempotency_key: str | None = None,
    ) -> TicketPublic:
        write = Write(site_code, actor, idempotency_key)
        return self.writes.run(write, TicketPublic, self._transfer, ticket_id, request)

    def _transfer(self, tx: Transaction, ticket_id: int, request: TransferRequest) -> TicketPublic:
        session, site = tx.session, tx.site
        ticket, counter = self._ticket_at_my_counter(tx, ticket_id)
        before = progress_of(ticket)
        tickets.check(before, TicketAction.TRANSFER)  # the state's refusal comes first
        from_service = session.get(Service, ticket.service_id)
        if from_service is None:
            raise NotFound("service_not_found", service=ticket.service_id)
        target_service = (
            repo.service_by_code(session, site, request.service)
            if request.service
            else from_service
        )
        target_counter: Counter | None = None
        if request.counter is not None:
            target_counter = repo.counter_by_number(session, site, request.counter)
            served = {s.code for _, s in repo.links_of(session, target_counter)}
            if target_service.code not in served:
                raise Conflict(
                    "counter_does_not_serve",
                    counter=request.counter,
                    service=target_service.code,
                )
        after = tickets.transfer(
            before,
            now=tx.now,
            service_id=target_service.id if request.service else None,
            counter_id=target_counter.id if target_counter else None,
            note=request.note,
        )
        return self._change(
            tx,
            ticket,
            after,
            EventType.TICKET_TRANSFERRED,
            from_service=from_service.code,
            from_counter=counter.number,
        )

    # --- a supervisor's corrections (the console) ---------------------------------------------

    def move_ticket(
        self,
        site_code: str,
        actor: Actor,
        ticket_id: int,
        service: str,
        idempotency_key: str | None = None,
    ) -> TicketPublic:
        """A waiting ticket to another service's queue, keeping its place in time."""
        write = Write(site_code, actor, idempotency_key)
        return self.writes.run(write, TicketPublic, self._move, ticket_id, service)

    def _move(self, tx: Transaction, ticket_id: int, service_code: str) -> TicketPublic:
        require_supervisor(tx.actor, "move_ticket")
        ticket = repo.ticket_by_id(tx.session, tx.site, ticket_id, lock=True)
        before = progress_of(ticket)
        tickets.check(before, TicketAction.MOVE)
        from_service = tx.session.get(Service, ticket.service_id)
        target = tx.site.service(service_code)
        after = tickets.move(before, service_id=target.id)
        return self._change(
            tx,
            ticket,
            after,
            EventType.TICKET_MOVED,
            from_service=from_service.code if from_service else None,
        )

    def prioritise_ticket(
        self,
        site_code: str,
        actor: Actor,
        ticket_id: int,
        priority: Priority = Priority.PRIORITY,
        idempotency_key: str | None = None,
    ) -> TicketPublic:
        """Raise a waiting ticket's priority (the office's priority rule must be on)."""
        write = Write(site_code, actor, idempotency_key)
        return self.writes.run(write, TicketPublic, self._prioritise, ticket_id, priority)

    def _prioritise(self, tx: Transaction, ticket_id: int, priority: Priority) -> TicketPublic:
        require_supervisor(tx.actor, "prioritise_ticket")
        if priority is not Priority.NORMAL and not tx.site.rules.priority_enabled:
            raise Conflict("priority_disabled")
        ticket = repo.ticket_by_id(tx.session, tx.site, ticket_id, lock=True)
        new = tickets.prioritise(
            progress_of(ticket), priority=priority, current=Priority(ticket.priority)
        )
        ticket.priority = new
        return self._change(tx, ticket, progress_of(ticket), EventType.TICKET_PRIORITISED)

    def reinstate_ticket(
        self, site_code: str, actor: Actor, ticket_id: int, idempotency_key: str | None = None
    ) -> TicketPublic:
        """A ticket cancelled today by mistake waits again, in its place."""
        write = Write(site_code, actor, idempotency_key)
        return self.writes.run(write, TicketPublic, self._reinstate, ticket_id)

    def _reinstate(self, tx: Transaction, ticket_id: int) -> TicketPublic:
        require_supervisor(tx.actor, "reinstate_ticket")
        ticket = repo.ticket_by_id(tx.session, tx.site, ticket_id, lock=True)
        today = ticket.day == tx.now.astimezone(tx.site.zone).date()
        after = tickets.reinstate(progress_of(ticket), today=today)
        return self._change(tx, ticket, after, EventType.TICKET_REINSTATED)

    # --- shared steps ----------------------------------------------------------------------

    def _my_counter(self, tx: Transaction, number: int) -> Counter:
        require_clerk(tx.actor, "counter_action")
        counter = repo.counter_by_number(tx.session, tx.site, number, lock=True)
        if counter.clerk_id != tx.actor.id and not tx.actor.is_supervisor:
            raise Forbidden("not_your_counter", counter=number)
        return counter

    def _ticket_at_my_counter(self, tx: Transaction, ticket_id: int) -> tuple[Ticket, Counter]:
        require_clerk(tx.actor, "counter_action")
        ticket = repo.ticket_by_id(tx.session, tx.site, ticket_id, lock=True)
        counter = (
            tx.session.get(Counter, ticket.counter_id) if ticket.counter_id is not None else None
        )
        if counter is None:
            # Not at any counter: the transition table gives the precise refusal.
            tickets.check(progress_of(ticket), TicketAction.START)
            raise Conflict("ticket_not_at_counter", ticket=ticket_id)
        if counter.clerk_id != tx.actor.id and not tx.actor.is_supervisor:
            raise Forbidden("not_your_counter", counter=counter.number)
        return ticket, counter

    def _change(
        self, tx: Transaction, ticket: Ticket, after: TicketProgress, event: EventType, **extra: Any
    ) -> TicketPublic:
        """Write the core's answer back (a ticket that left its counter frees it), then
        log the event with the ticket as it is now."""
        session = tx.session
        if not after.at_counter and ticket.counter_id is not None:
            counter = session.get(Counter, ticket.counter_id)
            if counter is not None and counter.current_ticket_id == ticket.id:
                counter.current_ticket_id = None
                session.add(counter)
        write_progress(ticket, after)
        session.add(ticket)
        session.flush()
        view = self._ticket_view(session, tx.site, ticket, tx.now)
        payload = EVENT_PAYLOADS[event](ticket=view, **extra)
        for observe in self.observers:
            observe(session, tx.site, ticket, event, tx.now)
        # The event last: from its append to the commit the site row is held, and every
        # writer of the site, in every process, waits for it (what observers changed
        # goes out before).
        session.flush()
        append_event(session, tx.site, event, payload, tx.now)
        return view

    def _ticket_view(
        self, session: Session, site: SiteLike, ticket: Ticket, now: datetime
    ) -> TicketPublic:
        return ticket_public(session, site, ticket, now, recent_limit=self.recent_durations)
