"""Use cases of the queue: each one transaction that checks, changes, logs and answers.

Routes, tests and the demo call these; FastAPI stays outside. Every change appends its
event in the same transaction, and a retried request with the same idempotency key gets
the first answer back instead of acting twice.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlmodel import Session

from kolejka.core.errors import Conflict, Forbidden
from kolejka.core.hours import availability
from kolejka.core.numbering import format_number
from kolejka.core.routing import choose_next
from kolejka.core.states import (
    AT_COUNTER_STATES,
    CounterState,
    TicketAction,
    TicketStatus,
    next_status,
)
from kolejka.schemas import (
    CounterPublic,
    PrinterStatusReport,
    TicketCreate,
    TicketPublic,
    TransferRequest,
)
from server import idempotency
from server import repository as repo
from server.actors import Actor, require_clerk, require_issuer, require_site
from server.catalog import SiteCatalog, SiteInfo, SiteLike
from server.clock import Clock
from server.db import Database
from server.estimate_inputs import EstimateInputsCache
from server.eventlog import append_event
from server.models import Counter, Device, Service, Ticket

M = TypeVar("M", bound=BaseModel)


class QueueService:
    def __init__(self, db: Database, clock: Clock, *, recent_durations: int = 20) -> None:
        self.db = db
        self.clock = clock
        self.recent_durations = recent_durations
        self.catalog = SiteCatalog()
        self.estimates = EstimateInputsCache(recent_durations)

    # --- plumbing -----------------------------------------------------------------------

    def _write(
        self,
        site_code: str,
        actor: Actor,
        model: type[M],
        work: Callable[[Session, SiteInfo, datetime], M | None],
        idempotency_key: str | None = None,
        *,
        keeps_estimates: bool = False,
    ) -> M | None:
        """`keeps_estimates`: the work cannot change an estimate's inputs (issuing)."""
        now = self.clock.now()
        with self.db.write() as session:
            conn = session.connection()
            site = self.catalog.get(conn, site_code)
            require_site(actor, site.id)
            if idempotency_key:
                earlier = idempotency.earlier_answer(conn, site.id, idempotency_key, actor.key)
                if earlier is not None:
                    return None if earlier.body is None else model.model_validate(earlier.body)
            result = work(session, site, now)
            if idempotency_key:
                body = None if result is None else result.model_dump(mode="json")
                idempotency.remember(conn, site.id, idempotency_key, actor.key, body, now)
        if not keeps_estimates:
            self.estimates.forget()
        return result

    def write(
        self,
        site_code: str,
        actor: Actor,
        model: type[M],
        work: Callable[[Session, SiteInfo, datetime], M | None],
        idempotency_key: str | None = None,
    ) -> M | None:
        """One idempotent write transaction, for use cases in other modules (appointments)."""
        return self._write(site_code, actor, model, work, idempotency_key)

    def _ticket_view(
        self, session: Session, site: SiteLike, ticket: Ticket, now: datetime
    ) -> TicketPublic:
        from server.views import ticket_public

        return ticket_public(session, site, ticket, now, recent_limit=self.recent_durations)

    def _log_ticket(
        self,
        session: Session,
        site: SiteInfo,
        ticket: Ticket,
        type_: str,
        now: datetime,
        **extra: Any,
    ) -> TicketPublic:
        session.flush()
        view = self._ticket_view(session, site, ticket, now)
        append_event(session, site, type_, {"ticket": view.model_dump(mode="json"), **extra}, now)
        return view

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

        def work(session: Session, site: SiteInfo, now: datetime) -> TicketPublic:
            return self.issue_in(session, site, now, actor, request, appointment_at)

        result = self._write(
            site_code, actor, TicketPublic, work, idempotency_key, keeps_estimates=True
        )
        assert result is not None
        return result

    def issue_in(
        self,
        session: Session,
        site: SiteInfo,
        now: datetime,
        actor: Actor,
        request: TicketCreate,
        appointment_at: datetime | None = None,
    ) -> TicketPublic:
        """Issue inside the caller's transaction (an appointment check-in changes the
        appointment and issues its ticket in one); `appointment_at` skips hours and limits.

        The hottest write of all, so it runs on the Core connection under the session
        with the configuration from the catalog, not through ORM objects."""
        require_issuer(actor)
        service = site.service(request.service)
        if request.priority != "normal" and not site.settings.get("priority_enabled", True):
            raise Conflict("priority_disabled")
        local_now = now.astimezone(site.zone)
        conn = session.connection()
        # Take the number first: a refusal below rolls it back with the transaction.
        sequence = repo.next_sequence(conn, site.id, local_now.date(), service.code)
        # Arrival is read after the number's row lock: number order is arrival order.
        now = max(now, self.clock.now())
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
            "device_id": actor.id if actor.kind == "kiosk" else None,
            "recalls": 0,
        }
        ticket_id = repo.insert_ticket(conn, **ticket)
        if appointment_at is None:
            ahead = repo.ahead_of_newest(conn, service.id, ticket_id, request.priority, now)
        else:
            ahead = repo.ahead_of(
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
            estimated_wait_s=self.estimates.get(conn, service.id, now).wait_for(ahead),
        )
        append_event(session, site, "ticket.issued", {"ticket": view.model_dump(mode="json")}, now)
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
        def work(session: Session, site: SiteInfo, now: datetime) -> TicketPublic:
            ticket = repo.ticket_by_id(session, site, ticket_id, lock=True)
            if actor.kind == "kiosk" and ticket.device_id != actor.id:
                raise Forbidden("not_your_ticket")
            if actor.kind not in ("kiosk", "clerk"):
                raise Forbidden("not_allowed", action="cancel_ticket")
            ticket.status = next_status(TicketStatus(ticket.status), TicketAction.CANCEL).value
            ticket.finished_at = now
            self._release_counter(session, ticket)
            return self._log_ticket(session, site, ticket, "ticket.cancelled", now)

        result = self._write(site_code, actor, TicketPublic, work, idempotency_key)
        assert result is not None
        return result

    # --- counter actions on tickets --------------------------------------------------------

    def _my_counter(self, session: Session, site: SiteInfo, actor: Actor, number: int) -> Counter:
        require_clerk(actor, "counter_action")
        counter = repo.counter_by_number(session, site, number, lock=True)
        if counter.clerk_id != actor.id and not actor.is_supervisor:
            raise Forbidden("not_your_counter", counter=number)
        return counter

    def _ticket_at_my_counter(
        self, session: Session, site: SiteInfo, actor: Actor, ticket_id: int
    ) -> tuple[Ticket, Counter]:
        require_clerk(actor, "counter_action")
        ticket = repo.ticket_by_id(session, site, ticket_id, lock=True)
        if ticket.counter_id is None:
            # Not at any counter: the transition table gives the precise refusal.
            next_status(TicketStatus(ticket.status), TicketAction.START)
            raise Conflict("ticket_not_at_counter", ticket=ticket_id)
        counter = session.get(Counter, ticket.counter_id)
        assert counter is not None
        if counter.clerk_id != actor.id and not actor.is_supervisor:
            raise Forbidden("not_your_counter", counter=counter.number)
        return ticket, counter

    @staticmethod
    def _release_counter(session: Session, ticket: Ticket) -> None:
        if ticket.counter_id is None:
            return
        counter = session.get(Counter, ticket.counter_id)
        if counter is not None and counter.current_ticket_id == ticket.id:
            counter.current_ticket_id = None
            session.add(counter)

    def call_next(
        self, site_code: str, actor: Actor, counter_number: int, idempotency_key: str | None = None
    ) -> TicketPublic | None:
        def work(session: Session, site: SiteInfo, now: datetime) -> TicketPublic | None:
            counter = self._my_counter(session, site, actor, counter_number)
            if counter.state == CounterState.PAUSED.value:
                raise Conflict("counter_paused", counter=counter.number)
            if counter.state != CounterState.OPEN.value:
                raise Conflict("counter_closed", counter=counter.number)
            if counter.current_ticket_id is not None:
                current = session.get(Ticket, counter.current_ticket_id)
                if current is not None and current.status in AT_COUNTER_STATES:
                    raise Conflict("counter_busy", counter=counter.number, ticket=current.number)
            links = repo.links_of(session, counter)
            routing = repo.routing_from(counter, links)
            taken: set[int] = set()
            while True:
                heads = repo.head_candidates(session, counter, links, now, exclude=frozenset(taken))
                chosen = choose_next((c for _, c in heads), routing, now)
                if chosen is None:
                    return None
                ticket = next(t for t, c in heads if c is chosen)
                if repo.claim(session, ticket):
                    break
                taken.add(chosen.ticket_id)  # another counter got there first
            ticket.status = next_status(TicketStatus(ticket.status), TicketAction.CALL).value
            ticket.called_at = now
            ticket.counter_id = counter.id
            ticket.target_counter_id = None
            ticket.recalls = 0
            counter.current_ticket_id = ticket.id
            session.add_all([ticket, counter])
            return self._log_ticket(session, site, ticket, "ticket.called", now)

        return self._write(site_code, actor, TicketPublic, work, idempotency_key)

    def recall_ticket(
        self, site_code: str, actor: Actor, ticket_id: int, idempotency_key: str | None = None
    ) -> TicketPublic:
        def work(session: Session, site: SiteInfo, now: datetime) -> TicketPublic:
            ticket, _counter = self._ticket_at_my_counter(session, site, actor, ticket_id)
            next_status(TicketStatus(ticket.status), TicketAction.RECALL)
            max_recalls = int(site.settings.get("max_recalls", 2))
            if ticket.recalls >= max_recalls:
                if not site.settings.get("no_show_after_max_recalls", False):
                    raise Conflict("recall_limit_reached", max_recalls=max_recalls)
                ticket.status = TicketStatus.NO_SHOW.value
                ticket.finished_at = now
                self._release_counter(session, ticket)
                session.add(ticket)
                return self._log_ticket(session, site, ticket, "ticket.no_show", now)
            ticket.recalls += 1
            ticket.called_at = now
            session.add(ticket)
            return self._log_ticket(session, site, ticket, "ticket.recalled", now)

        result = self._write(site_code, actor, TicketPublic, work, idempotency_key)
        assert result is not None
        return result

    def _simple_transition(
        self,
        site_code: str,
        actor: Actor,
        ticket_id: int,
        action: TicketAction,
        event: str,
        idempotency_key: str | None,
    ) -> TicketPublic:
        def work(session: Session, site: SiteInfo, now: datetime) -> TicketPublic:
            ticket, _counter = self._ticket_at_my_counter(session, site, actor, ticket_id)
            ticket.status = next_status(TicketStatus(ticket.status), action).value
            if action is TicketAction.START:
                ticket.started_at = now
            else:
                ticket.finished_at = now
                self._release_counter(session, ticket)
            session.add(ticket)
            return self._log_ticket(session, site, ticket, event, now)

        result = self._write(site_code, actor, TicketPublic, work, idempotency_key)
        assert result is not None
        return result

    def start_service(
        self, site_code: str, actor: Actor, ticket_id: int, idempotency_key: str | None = None
    ) -> TicketPublic:
        return self._simple_transition(
            site_code, actor, ticket_id, TicketAction.START, "ticket.serving", idempotency_key
        )

    def finish_ticket(
        self, site_code: str, actor: Actor, ticket_id: int, idempotency_key: str | None = None
    ) -> TicketPublic:
        return self._simple_transition(
            site_code, actor, ticket_id, TicketAction.FINISH, "ticket.done", idempotency_key
        )

    def mark_no_show(
        self, site_code: str, actor: Actor, ticket_id: int, idempotency_key: str | None = None
    ) -> TicketPublic:
        return self._simple_transition(
            site_code, actor, ticket_id, TicketAction.NO_SHOW, "ticket.no_show", idempotency_key
        )

    def transfer_ticket(
        self,
        site_code: str,
        actor: Actor,
        ticket_id: int,
        request: TransferRequest,
        idempotency_key: str | None = None,
    ) -> TicketPublic:
        def work(session: Session, site: SiteInfo, now: datetime) -> TicketPublic:
            ticket, counter = self._ticket_at_my_counter(session, site, actor, ticket_id)
            new_status = next_status(TicketStatus(ticket.status), TicketAction.TRANSFER)
            from_service = session.get(Service, ticket.service_id)
            assert from_service is not None
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
            elif request.service is None:
                raise Conflict("transfer_target_missing")
            self._release_counter(session, ticket)
            ticket.status = new_status.value
            ticket.service_id = target_service.id  # type: ignore[assignment]
            ticket.target_counter_id = target_counter.id if target_counter else None
            ticket.queued_at = now
            ticket.called_at = None
            ticket.started_at = None
            ticket.counter_id = None
            ticket.recalls = 0
            ticket.note = request.note
            session.add(ticket)
            return self._log_ticket(
                session,
                site,
                ticket,
                "ticket.transferred",
                now,
                from_service=from_service.code,
                from_counter=counter.number,
            )

        result = self._write(site_code, actor, TicketPublic, work, idempotency_key)
        assert result is not None
        return result

    # --- devices ------------------------------------------------------------------------

    def report_printer_status(
        self, site_code: str, actor: Actor, report: PrinterStatusReport
    ) -> None:
        """Log a kiosk printer's state when it changes (staff and admins see the event)."""
        if actor.kind != "kiosk":
            raise Forbidden("not_allowed", action="report_printer_status")

        def work(session: Session, site: SiteInfo, now: datetime) -> None:
            device = session.get(Device, actor.id)
            assert device is not None
            if device.printer_status == report.status:
                return None
            device.printer_status = report.status
            session.add(device)
            append_event(
                session,
                site,
                "printer.status",
                {"device": device.name, "status": report.status, "detail": report.detail},
                now,
            )
            return None

        self._write(site_code, actor, PrinterStatusReport, work)

    # --- counters -----------------------------------------------------------------------

    def _counter_change(
        self,
        site_code: str,
        actor: Actor,
        number: int,
        target: CounterState,
        idempotency_key: str | None,
    ) -> CounterPublic:
        from server.views import counter_public

        def work(session: Session, site: SiteInfo, now: datetime) -> CounterPublic:
            require_clerk(actor, "counter_state")
            counter = repo.counter_by_number(session, site, number, lock=True)
            state = CounterState(counter.state)
            held_by_other = counter.clerk_id not in (None, actor.id)
            if held_by_other and state is not CounterState.CLOSED and not actor.is_supervisor:
                raise Forbidden("not_your_counter", counter=number)
            if target is CounterState.OPEN:
                from sqlmodel import select

                elsewhere = session.exec(
                    select(Counter).where(
                        Counter.site_id == site.id,
                        Counter.clerk_id == actor.id,
                        Counter.id != counter.id,
                        Counter.state != CounterState.CLOSED.value,
                    )
                ).first()
                if elsewhere is not None:
                    raise Conflict("clerk_at_other_counter", counter=elsewhere.number)
                counter.clerk_id = actor.id
            elif target is CounterState.PAUSED and state is CounterState.CLOSED:
                raise Conflict("counter_closed", counter=number)
            elif target is CounterState.CLOSED:
                if counter.current_ticket_id is not None:
                    current = session.get(Ticket, counter.current_ticket_id)
                    if current is not None and current.status in AT_COUNTER_STATES:
                        raise Conflict("counter_busy", counter=number, ticket=current.number)
                counter.clerk_id = None
                counter.current_ticket_id = None
            counter.state = target.value
            session.add(counter)
            session.flush()
            view = counter_public(session, site, counter, now)
            event = (
                "counter."
                + {"open": "opened", "paused": "paused", "closed": "closed"}[target.value]
            )
            append_event(session, site, event, {"counter": view.model_dump(mode="json")}, now)
            return view

        result = self._write(site_code, actor, CounterPublic, work, idempotency_key)
        assert result is not None
        return result

    def open_counter(
        self, site_code: str, actor: Actor, number: int, idempotency_key: str | None = None
    ) -> CounterPublic:
        return self._counter_change(site_code, actor, number, CounterState.OPEN, idempotency_key)

    def pause_counter(
        self, site_code: str, actor: Actor, number: int, idempotency_key: str | None = None
    ) -> CounterPublic:
        return self._counter_change(site_code, actor, number, CounterState.PAUSED, idempotency_key)

    def close_counter(
        self, site_code: str, actor: Actor, number: int, idempotency_key: str | None = None
    ) -> CounterPublic:
        return self._counter_change(site_code, actor, number, CounterState.CLOSED, idempotency_key)
