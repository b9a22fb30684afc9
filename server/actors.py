"""Who is calling: a device (kiosk, display, counter) or a clerk, and what each may do."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Literal

from kolejka.core.errors import Forbidden
from kolejka.schemas import DeviceKind

CLERK: Literal["clerk"] = "clerk"
PUBLIC: Literal["public"] = "public"  # the online booking pages: nobody signed in
ActorKind = DeviceKind | Literal["clerk", "public"]


@dataclass(frozen=True, slots=True)
class Actor:
    kind: ActorKind  # a device's kind, or a clerk signed in
    site_id: int
    id: int  # device id or clerk id
    name: str
    role: str | None = None  # clerks only: clerk | supervisor | admin

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"

    @property
    def is_clerk(self) -> bool:
        return self.kind == CLERK

    @property
    def is_supervisor(self) -> bool:
        return self.kind == CLERK and self.role in ("supervisor", "admin")

    @property
    def is_admin(self) -> bool:
        return self.kind == CLERK and self.role == "admin"


# Who the current request acts as: set where its token is resolved (server/deps.py) and
# read by the event log (server/eventlog.py), which records it for the audit. Writes run in
# a thread that copies the caller's context (server/writer.py), so it follows them there.
acting_actor: ContextVar[Actor | None] = ContextVar("kolejka_acting_actor", default=None)


def actor_record(actor: Actor | None) -> dict[str, Any] | None:
    """What the audit keeps of who acted (never sent to devices or public pages)."""
    if actor is None:
        return None
    record: dict[str, Any] = {"kind": actor.kind, "id": actor.id, "name": actor.name}
    if actor.role is not None:
        record["role"] = actor.role
    return record


def require_site(actor: Actor, site_id: int) -> None:
    if actor.site_id != site_id:
        raise Forbidden("wrong_site")


def require_issuer(actor: Actor) -> None:
    """Kiosks issue tickets; so may staff (an information desk prints one by hand)."""
    if actor.kind not in (DeviceKind.KIOSK, CLERK):
        raise Forbidden("not_allowed", action="issue_ticket")


def require_clerk(actor: Actor, action: str) -> None:
    if not actor.is_clerk:
        raise Forbidden("clerk_required", action=action)


def require_supervisor(actor: Actor, action: str) -> None:
    if not actor.is_supervisor:
        raise Forbidden("supervisor_required", action=action)


def require_admin(actor: Actor, action: str) -> None:
    if not actor.is_admin:
        raise Forbidden("admin_required", action=action)
