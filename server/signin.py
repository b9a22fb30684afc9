"""Clerk sign-in: find the account, check the password, issue the session token.

The route only hands over the request; the lookups and the password check live here.
"""

from __future__ import annotations

from dataclasses import dataclass

from anyio import to_thread
from sqlmodel import select

from kolejka.schemas import ClerkPublic, LoginRequest, LoginResponse
from server import repository as repo
from server import security
from server.clock import Clock
from server.db import Database
from server.deps import AuthError
from server.models import Clerk
from server.settings import Settings


@dataclass(frozen=True, slots=True)
class Account:
    """What sign-in needs of a clerk; `password_hash` is None for an unknown or inactive
    one, so the check below costs the same either way."""

    site_id: int
    site_code: str
    clerk: Clerk | None
    password_hash: str | None


class SignIn:
    def __init__(self, db: Database, clock: Clock, settings: Settings) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings

    async def login(self, request: LoginRequest) -> LoginResponse:
        account = await to_thread.run_sync(self.account, request.site, request.username)
        ok = await to_thread.run_sync(
            security.verify_password, account.password_hash, request.password
        )
        if not ok or account.clerk is None:
            raise AuthError("invalid_credentials")
        return self.session_for(account)

    def account(self, site_code: str, username: str) -> Account:
        with self.db.read() as session:
            site = repo.site_by_code(session, site_code)
            clerk = session.exec(
                select(Clerk).where(Clerk.site_id == site.id, Clerk.username == username)
            ).first()
        active = clerk is not None and clerk.active
        return Account(
            site_id=site.id,  # type: ignore[arg-type]
            site_code=site.code,
            clerk=clerk if active else None,
            password_hash=clerk.password_hash if active and clerk is not None else None,
        )

    def session_for(self, account: Account) -> LoginResponse:
        clerk = account.clerk
        assert clerk is not None and clerk.id is not None
        token, expires = security.issue_clerk_token(
            secret=self.settings.secret_key,
            clerk_id=clerk.id,
            site_id=account.site_id,
            role=clerk.role,
            now=self.clock.now(),
            ttl_s=self.settings.clerk_token_ttl_s,
        )
        return LoginResponse(
            access_token=token,
            expires_at=expires,
            clerk=ClerkPublic(
                username=clerk.username,
                display_name=clerk.display_name,
                role=clerk.role,
                site=account.site_code,
            ),
        )
