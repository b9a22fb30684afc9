"""Clerk sign-in."""

from __future__ import annotations

from fastapi import APIRouter

from kolejka.schemas import ErrorPublic, LoginRequest, LoginResponse
from server.deps import ServicesDep

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post(
    "/login",
    operation_id="login",
    response_model=LoginResponse,
    responses={code: {"model": ErrorPublic} for code in (401, 404, 422)},
)
async def login(body: LoginRequest, services: ServicesDep) -> LoginResponse:
    """Exchange a clerk's user name and password for a bearer token."""
    return await services.signin.login(body)
