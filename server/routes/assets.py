"""The static files of the server's own web pages (status page, web board).

Only the files named in a page's table are served, with their type and no guessing by the
browser; anything else in the folder, or outside it, is a 404.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import HTTPException
from fastapi.responses import FileResponse

ASSET_HEADERS = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}


def asset_response(folder: Path, assets: dict[str, str], name: str) -> FileResponse:
    media_type = assets.get(name)
    if media_type is None:
        raise HTTPException(status_code=404)
    return FileResponse(folder / name, media_type=media_type, headers=ASSET_HEADERS)
