"""Clerk sign-in."""

from __future__ import annotations

from fastapi import APIRouter, Request

from kolejka.schemas import ErrorPublic, LoginRequest, LoginResponse
from server.deps import ServicesDep

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post(
    "/login",
    operation_id="login",
    response_model=LoginResponse,
    responses={
        **{code: {"model": ErrorPublic} for code in (401, 404, 422)},
        429: {
            "model": ErrorPublic,
            "description": "Too many failed attempts for this account or address "
            "(`signin_throttled`); try again after `Retry-After` seconds.",
        },
        503: {
            "model": ErrorPublic,
            "description": "Too many sign-ins at once (`signin_busy`); try again shortly.",
        },
    },
)
async def login(body: LoginRequest, request: Request, services: ServicesDep) -> LoginResponse:
    """Exchange a clerk's user name and password for a bearer token."""
    address = request.client.host if request.client else "unknown"
    return await services.signin.login(body, address)
