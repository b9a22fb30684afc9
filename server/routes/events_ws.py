"""The live event stream: `/api/v1/sites/{site}/events/ws?after=SEQ&epoch=E&token=T`.

Protocol (docs/events.md): the server first sends either every event after `after`, in
order, or — when `after` is missing, the epoch differs, or the gap is too old — one
`reset` message carrying a full queue snapshot; then the live stream. Every message is an
EventPublic JSON object; `seq` never skips within an epoch.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from anyio import to_thread
from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from kolejka.core.errors import DomainError
from kolejka.core.events import EventType
from kolejka.schemas import EventPublic
from server.deps import Services, lookup_token, resolve_token
from server.display_reads import site_position
from server.params import OptionalAfterSeq

log = logging.getLogger(__name__)
router = APIRouter()

CLOSE_AUTH = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_TOO_SLOW = 4408


@router.websocket("/sites/{site}/events")
async def event_stream(
    websocket: WebSocket,
    site: str,
    after: OptionalAfterSeq = None,
    epoch: str | None = None,
    token: str | None = None,
) -> None:
    services: Services = websocket.app.state.services
    header = websocket.headers.get("authorization", "")
    token = token or (header[7:] if header.lower().startswith("bearer ") else None)
    await websocket.accept()
    try:
        if not token:
            raise DomainError("not_authenticated")
        actor = await to_thread.run_sync(resolve_token, services, token)
        site_id, current_epoch, last_seq, _timezone = await to_thread.run_sync(
            site_position, services.db, site
        )
    except DomainError as exc:
        code = CLOSE_NOT_FOUND if exc.status == 404 else CLOSE_AUTH
        await websocket.close(code=code, reason=exc.code)
        return
    if actor.site_id != site_id:
        await websocket.close(code=CLOSE_FORBIDDEN, reason="wrong_site")
        return
    services.presence.connected(actor, services.clock.now())  # the console shows displays
    try:
        await stream_events(
            websocket,
            services,
            site,
            site_id,
            after,
            epoch,
            current_epoch,
            last_seq,
            token=token,
            actor_key=actor.key,
        )
    finally:
        services.presence.disconnected(actor, services.clock.now())


async def stream_events(
    websocket: WebSocket,
    services: Services,
    site: str,
    site_id: int,
    after: int | None,
    epoch: str | None,
    current_epoch: str,
    last_seq: int,
    *,
    token: str | None = None,
    actor_key: str | None = None,
) -> None:
    """The stream itself, on an accepted socket whose caller may read `site`: the catch-up
    (or reset) and then the live events, until either side goes. The console's stream
    (server/routes/admin_console.py) comes here after its own sign-in check. With the
    caller's `token` and `actor_key`, the stream closes (4401) the moment a
    `site.configured` event revokes that token."""
    broadcaster = services.broadcaster
    sub = await broadcaster.subscribe(site_id, actor_key)
    if token is not None:
        try:  # revoked between the first look and the subscription: the pump missed it
            await to_thread.run_sync(lookup_token, services, token)
        except DomainError as exc:
            broadcaster.unsubscribe(sub)
            await websocket.close(code=CLOSE_AUTH, reason=exc.code)
            return
    reader = asyncio.create_task(drain_client(websocket))
    try:
        sent = await catch_up(
            websocket, services, site, site_id, after, epoch, current_epoch, last_seq
        )
        while True:
            getter = asyncio.create_task(sub.queue.get())
            overflow = asyncio.create_task(sub.overflowed.wait())
            revoked = asyncio.create_task(sub.signed_out.wait())
            done, _ = await asyncio.wait(
                {getter, reader, overflow, revoked}, return_when=asyncio.FIRST_COMPLETED
            )
            if getter not in done:
                getter.cancel()
            overflow.cancel()
            revoked.cancel()
            if reader in done:
                return
            if sub.signed_out.is_set():  # the token was revoked: not one event more
                await websocket.close(code=CLOSE_AUTH, reason="invalid_token")
                return
            if sub.overflowed.is_set():
                await websocket.close(code=CLOSE_TOO_SLOW, reason="too_slow_resume_with_after")
                return
            seq, text = getter.result()
            if seq <= sent:
                continue
            if seq != sent + 1:  # cannot happen with one pump; heal from the log anyway
                sent = await replay(websocket, services, site_id, sent, seq - 1)
            await websocket.send_text(text)
            sent = seq
    except (WebSocketDisconnect, RuntimeError):
        return
    finally:
        broadcaster.unsubscribe(sub)
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await reader


async def drain_client(websocket: WebSocket) -> None:
    """Read (and ignore) what the client sends, so a closed socket ends the stream."""
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        while True:
            await websocket.receive_text()


async def catch_up(
    websocket: WebSocket,
    services: Services,
    site: str,
    site_id: int,
    after: int | None,
    epoch: str | None,
    current_epoch: str,
    last_seq: int,
    snapshot: bool = True,
) -> int:
    """Send what the client missed: the events after `after`, or a `reset`. With
    `snapshot=False` (the console's monitor, which shows the figures of its own frames)
    the `reset` names only where the log stands, `last_seq`: a full queue snapshot of a
    long queue is megabytes to every monitor that (re)connects, parsed and dropped."""
    oldest = await to_thread.run_sync(services.reads.oldest_seq, site_id)
    too_old = after is not None and oldest is not None and after < oldest - 1
    resume = (
        after is not None
        and epoch == current_epoch
        and after <= last_seq
        and last_seq - after <= services.settings.event_backlog_limit
        and not too_old
    )
    if not resume and not snapshot:
        position = EventPublic(
            seq=last_seq,
            epoch=current_epoch,
            site=site,
            type=EventType.RESET,
            at=services.clock.now(),
            payload={"snapshot": False},
        )
        await websocket.send_text(position.model_dump_json())
        return last_seq
    if not resume:
        state = await to_thread.run_sync(services.reads.snapshot, site, None)
        reset = EventPublic(
            seq=state.seq,
            epoch=state.epoch,
            site=state.site,
            type=EventType.RESET,
            at=state.at,
            payload=state.model_dump(mode="json"),
        )
        await websocket.send_text(reset.model_dump_json())
        return state.seq
    assert after is not None
    return await replay(websocket, services, site_id, after, None)


async def replay(
    websocket: WebSocket, services: Services, site_id: int, after: int, until: int | None
) -> int:
    sent = after
    while until is None or sent < until:
        _, events = await to_thread.run_sync(services.reads.events_after, site_id, sent)
        if not events:
            break
        for event in events:
            if until is not None and event.seq > until:
                return sent
            await websocket.send_text(event.model_dump_json())
            sent = event.seq
    return sent
