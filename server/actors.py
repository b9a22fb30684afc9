"""Who is calling: a device (kiosk, display, counter) or a clerk, and what each may do."""

from __future__ import annotations

from dataclasses import dataclass

from kolejka.core.errors import Forbidden


@dataclass(frozen=True, slots=True)
class Actor:
    kind: str  # "kiosk" | "display" | "counter" | "clerk"
    site_id: int
    id: int  # device id or clerk id
    name: str
    role: str | None = None  # clerks only: clerk | supervisor | admin

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"

    @property
    def is_clerk(self) -> bool:
        return self.kind == "clerk"

    @property
    def is_supervisor(self) -> bool:
        return self.kind == "clerk" and self.role in ("supervisor", "admin")

    @property
    def is_admin(self) -> bool:
        return self.kind == "clerk" and self.role == "admin"


def require_site(actor: Actor, site_id: int) -> None:
    if actor.site_id != site_id:
        raise Forbidden("wrong_site")


def require_issuer(actor: Actor) -> None:
    """Kiosks issue tickets; so may staff (an information desk prints one by hand)."""
    if actor.kind not in ("kiosk", "clerk"):
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
