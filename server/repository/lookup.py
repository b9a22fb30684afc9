"""Which row is it? A site, service, counter or ticket by its public name, a counter's
services and routing, a clerk's name; NotFound when there is none."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from kolejka.core.errors import NotFound
from kolejka.core.routing import CounterRouting, RoutingMode, ServiceLink
from server.catalog import SiteLike
from server.models import Clerk, Counter, CounterService, Service, Site, Ticket
from server.repository.base import for_update, param

_SITE_BY_CODE = select(Site).where(col(Site.code) == param("code"))
_SERVICE_BY_CODE = select(Service).where(
    col(Service.site_id) == param("site_id"), col(Service.code) == param("code")
)


def site_by_code(session: Session, code: str) -> Site:
    site = session.execute(_SITE_BY_CODE, {"code": code}).scalars().first()
    if site is None:
        raise NotFound("site_not_found", site=code)
    return site


def service_by_code(session: Session, site: SiteLike, code: str) -> Service:
    service = (
        session.execute(_SERVICE_BY_CODE, {"site_id": site.id, "code": code}).scalars().first()
    )
    if service is None:
        raise NotFound("service_not_found", service=code)
    return service


def services_of(session: Session, site: SiteLike) -> list[Service]:
    return list(
        session.exec(
            select(Service)
            .where(Service.site_id == site.id)
            .order_by(col(Service.position), col(Service.code))
        )
    )


def counter_by_number(
    session: Session, site: SiteLike, number: int, *, lock: bool = False
) -> Counter:
    query = select(Counter).where(Counter.site_id == site.id, Counter.number == number)
    counter = session.exec(for_update(session, query) if lock else query).first()
    if counter is None:
        raise NotFound("counter_not_found", counter=number)
    return counter


def counters_of(session: Session, site: SiteLike) -> list[Counter]:
    return list(
        session.exec(
            select(Counter).where(Counter.site_id == site.id).order_by(col(Counter.number))
        )
    )


def ticket_by_id(session: Session, site: SiteLike, ticket_id: int, *, lock: bool = False) -> Ticket:
    query = select(Ticket).where(Ticket.id == ticket_id, Ticket.site_id == site.id)
    ticket = session.exec(for_update(session, query) if lock else query).first()
    if ticket is None:
        raise NotFound("ticket_not_found", ticket=ticket_id)
    return ticket


_LINKS = (
    select(CounterService, Service)
    .join(Service, col(Service.id) == CounterService.service_id)
    .where(col(CounterService.counter_id) == param("counter_id"))
    .order_by(col(CounterService.order), col(Service.code))
)


def links_of(session: Session, counter: Counter) -> list[tuple[CounterService, Service]]:
    rows = session.execute(_LINKS, {"counter_id": counter.id})
    return [(link, service) for link, service in rows.all()]


def routing_from(
    counter: Counter, links: Sequence[tuple[CounterService, Service]]
) -> CounterRouting:
    return CounterRouting(
        number=counter.number,
        links=tuple(
            ServiceLink(service=service.code, order=link.order, weight=link.weight)
            for link, service in links
        ),
        mode=RoutingMode(counter.routing_mode),
    )


def clerk_name(session: Session, clerk_id: int | None) -> str | None:
    if clerk_id is None:
        return None
    clerk = session.get(Clerk, clerk_id)
    return clerk.display_name if clerk else None
