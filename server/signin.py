"""Clerk sign-in: find the account, check the password, issue the session token.

Checking a password costs ~170 ms of Argon2 on purpose, which makes sign-in the one
request a caller can use to eat the server's CPU. So attempts are throttled per account
and per client address (server/throttle.py), and the checks pass through a `HashGate`
that runs few at once and turns the rest away instead of letting them queue: the
kiosks' and counters' calls keep their threads and their cores.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from anyio import to_thread
from sqlmodel import select

from kolejka.core.events import EventType
from kolejka.schemas import ClerkFromDirectory, ClerkPublic, LoginRequest, LoginResponse
from server import repository as repo
from server import security
from server.clock import Clock
from server.config_admin import DIRECTORY_PASSWORD
from server.db import Database
from server.directory import Directory, DirectoryPerson
from server.errors import NotAuthenticated, SignInBusy
from server.eventlog import append_event
from server.models import Clerk, Site
from server.settings import Settings
from server.throttle import SignInThrottle

T = TypeVar("T")


class HashGate:
    """At most `slots` password checks at once; up to `queue` more wait for a slot, each
    at most `wait_s`; anyone beyond that is refused with SignInBusy at once.

    One slot per process: one Argon2 check already keeps a core busy, and the office's
    sign-ins are a few a minute. A waiter holds no thread (it waits on the event loop)."""

    def __init__(self, slots: int = 1, queue: int = 8, wait_s: float = 3.0) -> None:
        self.slots = slots
        self.queue = queue
        self.wait_s = wait_s
        self._free = asyncio.Semaphore(slots)
        self._waiting = 0

    async def run(self, fn: Callable[..., T], *args: object) -> T:
        if self._waiting >= self.queue:
            raise SignInBusy(retry_after=1)
        self._waiting += 1
        try:
            async with asyncio.timeout(self.wait_s):
                await self._free.acquire()
        except TimeoutError:
            raise SignInBusy(retry_after=1) from None
        finally:
            self._waiting -= 1
        try:
            # Not abandoned on cancellation: the slot is free only once the hash is done.
            return await to_thread.run_sync(fn, *args)
        finally:
            self._free.release()


@dataclass(frozen=True, slots=True)
class Account:
    """What sign-in needs of a clerk; `password_hash` is None for an unknown or inactive
    one, so the check below costs the same either way."""

    site_id: int
    site_code: str
    clerk: Clerk | None
    password_hash: str | None
    disabled: bool = False  # a row that an administrator disabled: never signs in


class SignIn:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        settings: Settings,
        *,
        throttle: SignInThrottle | None = None,
        gate: HashGate | None = None,
        directory: Directory | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        self.throttle = throttle or SignInThrottle(lambda: clock.now().timestamp())
        self.gate = gate or HashGate()
        self.directory = directory or Directory(settings)

    async def login(self, request: LoginRequest, address: str) -> LoginResponse:
        """Refused with SignInThrottled (429) while the account or the `address` must
        wait, SignInBusy (503) when too many checks run, DirectoryUnavailable (503) when
        the directory that should check the password cannot be asked, else NotAuthenticated or
        the session."""
        account_key = f"{request.site}/{request.username}"
        self.throttle.begin(account_key, address)
        judged = False
        person: DirectoryPerson | None = None
        try:
            account = await to_thread.run_sync(self.account, request.site, request.username)
            if self._by_directory(account):
                person = await self.gate.run(
                    self.directory.authenticate, request.username, request.password
                )
                ok = person is not None
            else:
                ok = await self.gate.run(
                    security.verify_password, account.password_hash, request.password
                )
            judged = True
        finally:
            if not judged:  # an unknown site, a busy server or directory: no guess was made
                self.throttle.not_judged(account_key, address)
        if person is not None:
            if person.role is None:
                raise NotAuthenticated("directory_no_role")
            self.throttle.succeeded(account_key, address)
            account = await to_thread.run_sync(self.from_directory, account, person)
            return self.session_for(account)
        if not ok or account.clerk is None:
            raise NotAuthenticated("invalid_credentials")
        self.throttle.succeeded(account_key, address)
        return self.session_for(account)

    def _by_directory(self, account: Account) -> bool:
        """The directory checks the password of someone with no local account or one
        made from the directory; a local password or a disabled account never asks it."""
        if not self.directory.serves(account.site_code) or account.disabled:
            return False
        return account.clerk is None or account.password_hash == DIRECTORY_PASSWORD

    def from_directory(self, account: Account, person: DirectoryPerson) -> Account:
        """The local row of a directory account: made at the first sign-in, its name and
        role kept as the directory says (an event says so when they change)."""
        assert person.role is not None
        with self.db.write() as session:
            site = session.get(Site, account.site_id)
            assert site is not None
            clerk = session.exec(
                select(Clerk).where(Clerk.site_id == site.id, Clerk.username == person.username)
            ).first()
            if clerk is None:
                clerk = Clerk(
                    site_id=site.id,  # type: ignore[arg-type]
                    username=person.username,
                    display_name=person.display_name[:200],
                    password_hash=DIRECTORY_PASSWORD,
                    role=person.role,
                )
            elif not clerk.active or clerk.password_hash != DIRECTORY_PASSWORD:
                raise NotAuthenticated("invalid_credentials")  # disabled or made local meanwhile
            changed = clerk.id is None or (clerk.role, clerk.display_name) != (
                person.role,
                person.display_name[:200],
            )
            if changed:
                clerk.role = person.role
                clerk.display_name = person.display_name[:200]
                session.add(clerk)
                session.flush()
                append_event(
                    session,
                    site,
                    EventType.CLERK_FROM_DIRECTORY,
                    ClerkFromDirectory(username=clerk.username, role=clerk.role),
                    self.clock.now(),
                )
            session.flush()
            session.refresh(clerk)
            session.expunge(clerk)
        return Account(
            site_id=account.site_id,
            site_code=account.site_code,
            clerk=clerk,
            password_hash=DIRECTORY_PASSWORD,
        )

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
            disabled=clerk is not None and not clerk.active,
        )

    def session_for(self, account: Account) -> LoginResponse:
        clerk = account.clerk
        assert clerk is not None and clerk.id is not None
        token, expires = security.issue_clerk_token(
            secret=self.settings.signing_key,
            clerk_id=clerk.id,
            site_id=account.site_id,
            role=clerk.role,
            now=self.clock.now(),
            ttl_s=self.settings.clerk_token_ttl_s,
            password_hash=clerk.password_hash,
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
