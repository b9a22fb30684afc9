"""Configuration of a site by its administrator: the TOML schema, over HTTP."""

from __future__ import annotations

from fastapi import APIRouter

from server.deps import ActorDep, ServicesDep
from server.routes.tickets import ERRORS
from server.siteconfig import SiteConfig

router = APIRouter(prefix="/sites/{site}/config", tags=["admin"])


@router.get("", operation_id="get_site_config", response_model=SiteConfig, responses=ERRORS)
def get_site_config(site: str, actor: ActorDep, services: ServicesDep) -> SiteConfig:
    """The site's configuration in the file's schema (secrets as hashes)."""
    return services.admin.get_config(site, actor)


@router.put("", operation_id="put_site_config", response_model=SiteConfig, responses=ERRORS)
async def put_site_config(
    site: str, body: SiteConfig, actor: ActorDep, services: ServicesDep
) -> SiteConfig:
    """Replace the site's configuration; validated like the file, applied in one transaction."""
    return await services.writer.run(services.admin.put_config, site, actor, body)
