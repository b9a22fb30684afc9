"""One write transaction for one use case, the same way every time.

A use case is a named method `method(tx, *args)`; the runner opens the transaction, reads
the site's configuration from the catalog, refuses an actor of another site, answers a
retried idempotency key with the first answer instead of acting twice, runs the method,
keeps its answer under the key, and afterwards forgets the cached estimate inputs (which
every change but issuing can move).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Concatenate, ParamSpec, TypeVar

from pydantic import BaseModel
from sqlmodel import Session

from kolejka.core.errors import Conflict, DomainError
from server import idempotency
from server.actors import Actor, require_site
from server.catalog import SiteCatalog, SiteInfo
from server.clock import Clock
from server.db import Database
from server.estimate_inputs import EstimateInputsCache

Answer = TypeVar("Answer", bound=BaseModel)
Args = ParamSpec("Args")


def replayed_refusal(status: int, told: dict[str, Any] | None) -> DomainError:
    """The refusal a kept write answered the first time, for a retry under its key."""
    told = told or {}
    error = DomainError(str(told.get("code", "conflict")), **dict(told.get("params") or {}))
    error.status = status
    return error


class KeptRefusal(Exception):
    """A use case's refusal whose writes must stay (a wrong document number is counted
    even though the check-in is refused): the runner commits, then raises `error`."""

    def __init__(self, error: DomainError) -> None:
        super().__init__(error.code)
        self.error = error


@dataclass(frozen=True, slots=True)
class Write:
    """Who writes to which site, under which idempotency key."""

    site_code: str
    actor: Actor
    idempotency_key: str | None = None
    keeps_estimates: bool = False  # cannot change an estimate's inputs (issuing)


@dataclass(frozen=True, slots=True)
class Transaction:
    """What a use case gets: its session (`session.connection()` for Core statements), the
    site's configuration as of this transaction, the moment, and who asks."""

    session: Session
    site: SiteInfo
    now: datetime
    actor: Actor


class WriteRunner:
    def __init__(self, db: Database, clock: Clock, *, recent_durations: int = 20) -> None:
        self.db = db
        self.clock = clock
        self.catalog = SiteCatalog()
        self.estimates = EstimateInputsCache(recent_durations)

    def run(
        self,
        write: Write,
        answer: type[Answer],
        method: Callable[Concatenate[Transaction, Args], Answer],
        *args: Args.args,
        **kwargs: Args.kwargs,
    ) -> Answer:
        """`method(tx, *args, **kwargs)` in one transaction; it always answers."""
        result = self._run(write, answer, method, *args, **kwargs)
        if result is None:  # only a key first used for a request answered with nothing
            raise Conflict("idempotency_key_reused")
        return result

    def run_optional(
        self,
        write: Write,
        answer: type[Answer],
        method: Callable[Concatenate[Transaction, Args], Answer | None],
        *args: Args.args,
        **kwargs: Args.kwargs,
    ) -> Answer | None:
        """The same for a use case that may answer nothing (HTTP 204)."""
        return self._run(write, answer, method, *args, **kwargs)

    def _run(
        self,
        write: Write,
        answer: type[Answer],
        method: Callable[Concatenate[Transaction, Args], Answer | None],
        *args: Args.args,
        **kwargs: Args.kwargs,
    ) -> Answer | None:
        now = self.clock.now()
        actor, key = write.actor, write.idempotency_key
        with self.db.write() as session:
            conn = session.connection()
            site = self.catalog.get(conn, write.site_code)
            require_site(actor, site.id)
            if key:
                earlier = idempotency.earlier_answer(conn, site.id, key, actor.key)
                if earlier is not None:
                    if earlier.status_code >= 400:  # a kept refusal: the retry is told again
                        raise replayed_refusal(earlier.status_code, earlier.body)
                    return None if earlier.body is None else answer.model_validate(earlier.body)
            try:
                result = method(Transaction(session, site, now, actor), *args, **kwargs)
            except KeptRefusal as kept:
                refusal: DomainError | None = kept.error
                if key:  # a retry of a lost answer must not count again
                    told = {"code": kept.error.code, "params": kept.error.params}
                    idempotency.remember(
                        conn, site.id, key, actor.key, told, now, status_code=kept.error.status
                    )
            else:
                refusal = None
                if key:
                    body = None if result is None else result.model_dump(mode="json")
                    idempotency.remember(conn, site.id, key, actor.key, body, now)
        if refusal is not None:
            raise refusal
        if not write.keeps_estimates:
            self.estimates.forget()
        return result
