"""What the server's two browser pages share: the ticket page `/t/…` and the web board.

Each is a static HTML file with one JSON block of boot data spliced in where the file says
`BOOT_MARK`, answered with headers that keep it out of caches, search engines and frames.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

BOOT_MARK = "__KOLEJKA_BOOT__"


def page_headers(*, connect_src: str = "'self'", noindex: bool = False) -> dict[str, str]:
    """No cache, no Referer, only the page's own script and style; `connect_src` is what
    the page's script may talk to (the web board also opens a WebSocket)."""
    headers = {
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": (
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"connect-src {connect_src}; base-uri 'none'; form-action 'none'; "
            "frame-ancestors 'none'"
        ),
    }
    if noindex:
        headers["X-Robots-Tag"] = "noindex, nofollow"
    return headers


@cache
def template(path: Path) -> str:
    """The page's HTML, read once."""
    return path.read_text(encoding="utf-8")


def with_boot(page: str, boot: dict[str, Any]) -> str:
    """`page` with `boot` as JSON in place of BOOT_MARK."""
    # `</` must not appear inside a <script> block, whatever a caption or name says.
    text = json.dumps(boot, ensure_ascii=False).replace("</", "<\\/")
    return page.replace(BOOT_MARK, text)
