"""Configuration of a site by its administrator: the TOML schema, over HTTP."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Response

from server.config_admin import FieldRefused
from server.deps import ActorDep, ServicesDep
from server.routes.tickets import ERRORS
from server.siteconfig import SiteConfig

router = APIRouter(prefix="/sites/{site}/config", tags=["admin"])

IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=40,
        description='The `ETag` the document was read with ("7"): refused with 409 '
        "config_changed when the configuration changed since.",
    ),
]


def revision_of(if_match: str | None) -> int | None:
    if if_match is None or if_match.strip() == "*":
        return None
    text = if_match.strip().removeprefix("W/").strip('"')
    if not text.isdigit() or len(text) > 18:
        raise FieldRefused("invalid_revision", ["header", "If-Match"], "not a revision")
    return int(text)


@router.get("", operation_id="get_site_config", response_model=SiteConfig, responses=ERRORS)
def get_site_config(
    site: str, actor: ActorDep, services: ServicesDep, response: Response
) -> SiteConfig:
    """The site's configuration in the file's schema (secrets as hashes); `ETag` is its
    revision, for `If-Match` on the PUT."""
    config = services.admin.get_config(site, actor)
    response.headers["ETag"] = f'"{services.config.revision(site, actor)}"'
    return config


@router.put("", operation_id="put_site_config", response_model=SiteConfig, responses=ERRORS)
async def put_site_config(
    site: str,
    body: SiteConfig,
    actor: ActorDep,
    services: ServicesDep,
    response: Response,
    if_match: IfMatch = None,
) -> SiteConfig:
    """Replace the site's configuration; validated like the file, applied in one
    transaction. With `If-Match`, refused if someone changed it since it was read."""
    revision = revision_of(if_match)
    config = await services.writer.run(services.config.put_whole, site, actor, body, revision)
    response.headers["ETag"] = f'"{services.config.revision(site, actor)}"'
    return config
