"""Clerk sign-in."""

from __future__ import annotations

from fastapi import APIRouter
from sqlmodel import select

from kolejka.schemas import ClerkPublic, ErrorPublic, LoginRequest, LoginResponse
from server import repository as repo
from server.deps import AuthError, ServicesDep
from server.models import Clerk
from server.security import issue_clerk_token, verify_password

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post(
    "/login",
    operation_id="login",
    response_model=LoginResponse,
    responses={401: {"model": ErrorPublic}, 404: {"model": ErrorPublic}},
)
def login(body: LoginRequest, services: ServicesDep) -> LoginResponse:
    """Exchange a clerk's user name and password for a bearer token."""
    with services.db.read() as session:
        site = repo.site_by_code(session, body.site)
        clerk = session.exec(
            select(Clerk).where(Clerk.site_id == site.id, Clerk.username == body.username)
        ).first()
        stored = clerk.password_hash if clerk is not None and clerk.active else None
        if not verify_password(stored, body.password) or clerk is None:
            raise AuthError("invalid_credentials")
        token, expires = issue_clerk_token(
            secret=services.settings.signing_key,
            clerk_id=clerk.id,  # type: ignore[arg-type]
            site_id=site.id,  # type: ignore[arg-type]
            role=clerk.role,
            now=services.clock.now(),
            ttl_s=services.settings.clerk_token_ttl_s,
        )
        return LoginResponse(
            access_token=token,
            expires_at=expires,
            clerk=ClerkPublic(
                username=clerk.username,
                display_name=clerk.display_name,
                role=clerk.role,
                site=site.code,
            ),
        )
