"""Logging for the apps and the demo: their own messages at INFO, the HTTP client's quiet.

httpx logs every request at INFO; a kiosk polls all day and the demo's terminal, which a
newcomer reads for its addresses, scrolled away under them. Failures still show (WARNING)."""

from __future__ import annotations

import logging

CHATTY = ("httpx", "httpcore")


def configure(level: int = logging.INFO) -> None:
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    for name in CHATTY:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
