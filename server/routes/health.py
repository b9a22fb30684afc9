"""Probes for process managers, load balancers and monitoring: no sign-in, no heavy work.

GET /healthz   the process answers (nothing else is touched)
GET /readyz    the database answers and its schema is at the newest migration; 503 until
               then (a server still migrating, a database gone or restored from an
               older backup without `kolejka server` having upgraded it)
"""

from __future__ import annotations

from functools import cache
from typing import Literal

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from fastapi import APIRouter
from pydantic import BaseModel, Field

from kolejka import __version__
from kolejka.schemas import ErrorPublic
from server.db import alembic_config
from server.deps import Services, ServicesDep
from server.errors import NotReady

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    version: str = Field(description="The server's version.")


class Readiness(Health):
    migration: str = Field(description="The database schema's revision (the newest one).")


@cache
def newest_migration() -> str:
    """The head revision of the migrations shipped with this server (read once)."""
    return str(ScriptDirectory.from_config(alembic_config()).get_current_head())


_CURRENT = sa.text("SELECT version_num FROM alembic_version")


def database_migration(services: Services) -> str | None:
    """The revision the database says it is at: one read of a one-row table, in a
    read transaction (on SQLite it does not wait for writers)."""
    with services.db.read() as session:
        heads = session.execute(_CURRENT).scalars().all()
    return str(heads[0]) if len(heads) == 1 else None


@router.get("/healthz", operation_id="healthz", response_model=Health)
async def healthz() -> Health:
    """The process is up and answering (for a restart watchdog)."""
    return Health(version=__version__)


@router.get(
    "/readyz",
    operation_id="readyz",
    response_model=Readiness,
    responses={503: {"model": ErrorPublic, "description": "Not ready: see `params`."}},
)
def readyz(services: ServicesDep) -> Readiness:
    """The server can serve: its database answers and is at the newest migration (for a
    load balancer or the service unit's start-up check)."""
    expected = newest_migration()
    try:
        current = database_migration(services)
    except sa.exc.SQLAlchemyError as exc:  # gone, refusing connections, or no schema
        raise NotReady(database="failed", error=type(exc).__name__) from None
    if current != expected:
        raise NotReady(database="ok", migration=current, expected=expected)
    return Readiness(version=__version__, migration=current)
