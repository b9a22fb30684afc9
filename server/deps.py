"""FastAPI dependencies: the app's services, the caller, the caller's language."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Header, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import select

from kolejka.i18n import best_language
from server.actors import CLERK, Actor, acting_actor
from server.admin import SiteAdmin
from server.appointment_import import AppointmentImportService
from server.booking import BookingService
from server.broadcast import Broadcaster
from server.checkin import CheckInService
from server.clock import Clock
from server.config_admin import ConfigAdmin
from server.counters import CounterService
from server.db import Database
from server.errors import NotAuthenticated
from server.idempotency import RequestKey
from server.models import Clerk, Device
from server.monitor import MonitorService
from server.monitor_feed import MonitorHub
from server.open_feed import OpenFeed
from server.presence import Presence
from server.printer_status import PrinterStatusService
from server.ratelimit import RateLimiter
from server.readmodels import ReadModels
from server.security import hash_token, password_mark, read_clerk_token
from server.settings import Settings
from server.signin import SignIn
from server.ticketing import QueueService
from server.writer import Writer

if TYPE_CHECKING:
    from server.statistics import Statistics


class ActorCache:
    """Who a token belongs to, remembered for a few seconds.

    Every request presents a token; looking it up costs as much as issuing a ticket. A
    revoked device, a disabled account, a reset password is forgotten at once: by this
    process when it makes the change, by the others when PostgreSQL tells them
    (server/credentials.py). `ttl_s` bounds only what nobody was told of.

    `generation` counts the forgetting: a lookup that started before one (and so may
    have read the row as it was) is answered but not remembered.
    """

    def __init__(self, ttl_s: float = 10.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s = ttl_s
        self._clock = clock
        self._entries: dict[str, tuple[float, Actor]] = {}
        self.generation = 0

    def get(self, key: str) -> Actor | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] < self._clock():
            return None
        return entry[1]

    def forget_all(self) -> None:
        """After a sign-out: every token is looked up again."""
        self.generation += 1
        self._entries.clear()

    def forget(self, actor_keys: Iterable[str]) -> None:
        """Drop every token of these actors (`kind:id`): a revoked device, a disabled
        clerk is refused from the next request on, not `ttl_s` later."""
        gone = set(actor_keys)
        if not gone:
            return
        self.generation += 1
        for token, (_expires, actor) in list(self._entries.items()):
            if actor.key in gone:
                self._entries.pop(token, None)

    def put(self, key: str, actor: Actor, since: int | None = None) -> None:
        """Remember `actor` for `key`, unless something was forgotten after `since` (the
        generation when its lookup started)."""
        if since is not None and since != self.generation:
            return
        if len(self._entries) > 10_000:
            self._entries.clear()
        self._entries[key] = (self._clock() + self.ttl_s, actor)


@dataclass
class Services:
    settings: Settings
    db: Database
    clock: Clock
    queue: QueueService
    counters: CounterService
    printer_status: PrinterStatusService
    booking: BookingService
    check_in: CheckInService
    appointment_import: AppointmentImportService
    reads: ReadModels
    broadcaster: Broadcaster
    kiosk_limiter: RateLimiter
    admin: SiteAdmin
    writer: Writer
    signin: SignIn
    open_feed: OpenFeed
    open_feed_limiter: RateLimiter
    presence: Presence
    monitor: MonitorService
    monitor_feed: MonitorHub
    config: ConfigAdmin
    statistics: Statistics
    actors: ActorCache = field(default_factory=lambda: ActorCache())
    # A ticket's public page polls every 3 s or slower; 60 a minute leaves room for tabs.
    status_limiter: RateLimiter = field(default_factory=lambda: RateLimiter(60, burst=20))
    # Ticket ids nobody was given, per client address: a visitor's own ticket always exists,
    # so only a typo or a script misses, and the phones of a hall sharing one guest Wi-Fi
    # address are not held back.
    miss_limiter: RateLimiter = field(default_factory=lambda: RateLimiter(20, burst=20))


# The dependencies below are `async def` on purpose: FastAPI runs a plain `def` dependency
# in the thread pool, and a hop there and back for each of them cost more than the work
# of issuing a ticket. They do not block: the one database lookup goes to a thread.


async def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]

_bearer = HTTPBearer(auto_error=False)


def resolve_token(services: Services, token: str) -> Actor:
    """A device token or a clerk's session token → the actor; NotAuthenticated otherwise."""
    actor = _cached_actor(services, token)
    if actor is None:
        since = services.actors.generation
        actor = _lookup_token(services, token)
        services.actors.put(token, actor, since)
    return actor


def _cached_actor(services: Services, token: str) -> Actor | None:
    cached = services.actors.get(token)
    # A clerk's token may expire inside the cache window: its signature and expiry are
    # cheap to check again, the database lookup is what the cache saves.
    if cached is not None and cached.kind == CLERK:
        now = services.clock.now()
        if not read_clerk_token(token, secret=services.settings.signing_key, now=now):
            return None
    return cached


def lookup_token(services: Services, token: str) -> Actor:
    """The token's actor from the database, past the cache (an event stream checks
    again once subscribed, so a revocation it did not hear of yet cannot slip by)."""
    return _lookup_token(services, token)


def _lookup_token(services: Services, token: str) -> Actor:
    if token.count(".") == 2:
        claims = read_clerk_token(
            token, secret=services.settings.signing_key, now=services.clock.now()
        )
        if claims is None:
            raise NotAuthenticated("invalid_token")
        with services.db.read() as session:
            clerk = session.get(Clerk, claims.clerk_id)
            if (
                clerk is None
                or not clerk.active
                or signed_out(clerk, claims.issued_at)
                or claims.password_mark
                != password_mark(services.settings.signing_key, clerk.password_hash)
            ):
                raise NotAuthenticated("invalid_token")
            return Actor(CLERK, clerk.site_id, claims.clerk_id, clerk.display_name, clerk.role)
    with services.db.read() as session:
        device = session.exec(select(Device).where(Device.token_hash == hash_token(token))).first()
        if device is None or not device.active:
            raise NotAuthenticated("invalid_token")
        return Actor(device.kind, device.site_id, device.id, device.name)  # type: ignore[arg-type]


def signed_out(clerk: Clerk, issued_at: int) -> bool:
    """The token was issued before a supervisor signed the clerk out (whole seconds: a
    sign-in in the same second as the sign-out is refused too)."""
    out = clerk.signed_out_at
    return out is not None and issued_at <= int(out.timestamp())


async def current_actor(
    services: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    if credentials is None:
        raise NotAuthenticated("not_authenticated")
    token = credentials.credentials
    actor = _cached_actor(services, token)
    if actor is None:
        actor = await run_in_threadpool(resolve_token, services, token)
    acting_actor.set(actor)  # the event log records who acted (server/eventlog.py)
    if actor.kind != "clerk":
        services.presence.seen(actor, services.clock.now())  # the console's "last seen"
    return actor


ActorDep = Annotated[Actor, Depends(current_actor)]


async def idempotency_key(
    request: Request,
    actor: ActorDep,
    key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            max_length=100,
            description="Repeat a request safely: the same key with the same request gets "
            "the first answer again; with another request, 422 idempotency_key_mismatch.",
        ),
    ] = None,
) -> RequestKey | None:
    """The key bound to this request: its operation, path, query and body. Depends on
    the caller, so the body is read only once the caller is known."""
    if key is None:
        return None
    route = request.scope.get("route")
    operation = getattr(route, "operation_id", None) or getattr(route, "name", "") or ""
    return RequestKey.of_request(
        key,
        operation,
        request.method,
        request.url.path,
        request.url.query,
        await request.body(),
    )


IdempotencyKey = Annotated[RequestKey | None, Depends(idempotency_key)]


def request_language(request: Request) -> str:
    return best_language(request.headers.get("accept-language"))
