"""The live event stream with reconnect and resume.

`EventStream.events()` yields every event exactly once and in order, across network cuts
and server restarts: it reconnects with back-off and asks for `after=<last seq>` in the
same epoch. When the server answers with a `reset` (new epoch, or history too old), the
client gets that snapshot event and must rebuild its whole view from it.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Callable
from urllib.parse import urlencode

import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus, InvalidURI

from kolejka.client.errors import AuthError, NotFoundError
from kolejka.core.events import EventType
from kolejka.schemas import EventPublic

log = logging.getLogger(__name__)

FATAL_CLOSE = {4401: AuthError, 4403: AuthError, 4404: NotFoundError}


def ws_url(base_url: str, site: str) -> str:
    base = base_url.rstrip("/")
    if base.startswith("https://"):
        base = "wss://" + base.removeprefix("https://")
    elif base.startswith("http://"):
        base = "ws://" + base.removeprefix("http://")
    return f"{base}/api/v1/sites/{site}/events"


class EventStream:
    def __init__(
        self,
        base_url: str,
        site: str,
        token: str,
        *,
        after: int | None = None,
        epoch: str | None = None,
        min_backoff: float = 0.2,
        max_backoff: float = 10.0,
        on_connection: Callable[[bool], None] | None = None,
    ) -> None:
        self.url = ws_url(base_url, site)
        self.token = token
        self.last_seq = after
        self.epoch = epoch
        self.min_backoff = min_backoff
        self.max_backoff = max_backoff
        self.on_connection = on_connection
        self.connected = False
        self.reconnects = 0
        self._closed = False
        self._ws: websockets.ClientConnection | None = None

    def _query(self) -> str:
        params: dict[str, str] = {"token": self.token}
        if self.last_seq is not None and self.epoch is not None:
            params["after"] = str(self.last_seq)
            params["epoch"] = self.epoch
        return f"{self.url}?{urlencode(params)}"

    def _set_connected(self, value: bool) -> None:
        if value != self.connected:
            self.connected = value
            if self.on_connection is not None:
                self.on_connection(value)

    async def close(self) -> None:
        self._closed = True
        if self._ws is not None:
            await self._ws.close()

    async def events(self) -> AsyncIterator[EventPublic]:
        backoff = self.min_backoff
        while not self._closed:
            try:
                async with websockets.connect(
                    self._query(),
                    open_timeout=5,
                    ping_interval=15,
                    ping_timeout=15,
                    max_size=2**24,
                ) as ws:
                    self._ws = ws
                    self._set_connected(True)
                    backoff = self.min_backoff
                    async for text in ws:
                        event = EventPublic.model_validate_json(text)
                        if (
                            event.type != EventType.RESET
                            and event.epoch == self.epoch
                            and (self.last_seq is not None and event.seq <= self.last_seq)
                        ):
                            continue  # already delivered before a reconnect
                        self.epoch = event.epoch
                        self.last_seq = event.seq
                        yield event
            except ConnectionClosed as exc:
                fatal = FATAL_CLOSE.get(exc.rcvd.code if exc.rcvd else 0)
                if fatal is not None:
                    self._set_connected(False)
                    reason = exc.rcvd.reason if exc.rcvd else ""
                    raise fatal(exc.rcvd.code if exc.rcvd else 0, reason, reason) from exc
            except (OSError, TimeoutError, InvalidStatus, InvalidURI) as exc:
                log.debug("event stream: %s", exc)
            finally:
                self._ws = None
            self._set_connected(False)
            if self._closed:
                break
            self.reconnects += 1
            await asyncio.sleep(backoff * (0.75 + random.random() / 2))
            backoff = min(backoff * 2, self.max_backoff)
