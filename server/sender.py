"""The sender: delivers the outbox (server/outbox.py) from a process of its own.

`kolejka sender` (server/sender_cli.py) runs it; `kolejka server` and the demo start that
process beside themselves and restart it if it dies (server/sender_process.py). The API's
processes never deliver: 3,000 SMTP conversations with TLS on the API's event loop and
interpreter doubled its p99, whatever the concurrency.

Each round it claims due messages under a lease (safe with several senders), hands each to
its channel's transport — at most `concurrency` at a time and `rate_per_s` started a
second (server/pacing.py), on its own event loop's sockets, so a slow or dead mail server
only makes the outbox wait — and writes the outcomes back in one transaction. It also
queues the day-before reminders (server/notifications.py). On SQLite every write here
waits for, and holds, the one write lock the API's writer needs, so the sender writes
little and seldom: one claim and one report per round, the reminders in small batches. It
looks for due messages every `poll_s` (a read, which takes no lock), at once when woken
(PostgreSQL's NOTIFY after the API's commits; `wake_threadsafe` in one process).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from typing import TypeVar

from anyio import CapacityLimiter, to_thread

from server import outbox
from server.clock import Clock
from server.db import Database
from server.mailer import DeliveryError, FolderTransport, SmtpMailer, Transport
from server.notifications import queue_reminders
from server.outbox import Outcome, Outgoing
from server.pacing import Pacer
from server.settings import Settings
from server.sms import SmsApiGateway, WebhookGateway

log = logging.getLogger(__name__)
T = TypeVar("T")
# Reminders queued per transaction: on SQLite each batch holds the one write lock, so a
# day's 3,000 in one transaction kept every booking and ticket waiting for a second.
REMINDER_BATCH = 25


class Sender:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        transports: Mapping[str, Transport],
        *,
        secret: str,
        base_url: str | None,
        concurrency: int = 8,
        rate_per_s: float = 0.0,
        poll_s: float = 1.0,
        reminder_every_s: float = 60.0,
    ) -> None:
        self.db = db
        self.clock = clock
        self.transports = transports
        self.secret = secret
        self.base_url = base_url
        self.concurrency = concurrency
        self.pacer = Pacer(rate_per_s)
        self.poll_s = poll_s
        self.reminder_every_s = reminder_every_s
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._threads = CapacityLimiter(2)
        self._stopping = False
        self.delivered = 0

    def wake_threadsafe(self, _sites: object = None) -> None:
        """Something may have been queued: look now rather than at the next poll."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._wake.set)

    @property
    def stopping(self) -> bool:
        return self._stopping

    def stop_threadsafe(self) -> None:
        """Finish the round in hand (what is claimed goes out), then return from `run`."""
        self._stopping = True
        self.wake_threadsafe()

    async def run(self) -> None:
        """Until cancelled or stopped."""
        self._loop = asyncio.get_running_loop()
        last_reminders = -1e18
        while not self._stopping:
            try:
                now_mono = self._loop.time()
                if now_mono - last_reminders >= self.reminder_every_s:
                    last_reminders = now_mono
                    now = self.clock.now()
                    while (
                        not self._stopping
                        and await self._thread(queue_reminders, self.db, now, REMINDER_BATCH) > 0
                    ):
                        pass  # each batch its own short transaction: the API writes between
                while not self._stopping and await self.round():
                    pass
            except asyncio.CancelledError:
                raise
            except Exception:  # a database hiccup must not end the task
                log.exception("outbox sender failed; will retry")
            if self._stopping:
                break
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_s)

    async def round(self) -> int:
        """Claim and deliver one batch; the number of messages it held."""
        now = self.clock.now()
        if not await self._thread(outbox.has_due, self.db, now):
            return 0
        batch = await self._thread(outbox.claim, self.db, now, self.concurrency * 4)
        if not batch:
            return 0
        limit = asyncio.Semaphore(self.concurrency)
        # A task group, not `gather`: should one delivery be cancelled, the others are
        # cancelled and awaited too, never left running with a connection after `run`.
        async with asyncio.TaskGroup() as deliveries:
            tasks = [deliveries.create_task(self._deliver(limit, m)) for m in batch]
        outcomes = [t.result() for t in tasks]
        await self._thread(outbox.report, self.db, outcomes, self.clock.now())
        self.delivered += sum(1 for o in outcomes if o.delivered)
        return len(batch)

    async def _deliver(self, limit: asyncio.Semaphore, message: Outgoing) -> Outcome:
        transport = self.transports.get(message.channel)
        if transport is None:
            return Outcome(
                message.id, message.attempts, False, f"no {message.channel} gateway configured"
            )
        async with limit:
            await self.pacer.wait()
            try:
                await transport.send(message)
            except DeliveryError as exc:
                log.warning("message %d (%s) not delivered: %s", message.id, message.kind, exc)
                return Outcome(
                    message.id,
                    message.attempts,
                    False,
                    exc.reason,
                    permanent=exc.permanent,
                    unknown=exc.unknown,
                )
            except Exception as exc:  # a bug in a transport: the outcome is unknown
                log.exception("message %d: transport failed", message.id)
                return Outcome(message.id, message.attempts, False, repr(exc), unknown=True)
        return Outcome(message.id, message.attempts, True)

    async def _thread(self, fn: Callable[..., T], *args: object) -> T:
        return await to_thread.run_sync(fn, *args, limiter=self._threads)

    async def close(self) -> None:
        for transport in self.transports.values():
            with contextlib.suppress(Exception):
                await transport.close()


def build_transports(settings: Settings) -> dict[str, Transport]:
    """The channels the settings configure: the demo's folder, SMTP, an SMS gateway."""
    if settings.outbox_dir is not None:
        folder = FolderTransport(settings.outbox_dir, settings.smtp_from)
        return {"email": folder, "sms": folder}
    transports: dict[str, Transport] = {}
    if settings.smtp_host:
        transports["email"] = SmtpMailer(
            settings.smtp_host,
            settings.smtp_port,
            sender=settings.smtp_from,
            username=settings.smtp_username,
            password=settings.smtp_password.get_secret_value() or None,
            starttls=settings.smtp_starttls,
            implicit_tls=settings.smtp_implicit_tls,
            ca_file=settings.smtp_ca_file,
            timeout_s=settings.smtp_timeout_s,
            connections=settings.smtp_connections,
        )
    token = settings.sms_token.get_secret_value()
    if settings.sms_gateway == "smsapi":
        transports["sms"] = SmsApiGateway(
            token, sender=settings.sms_sender, base_url=settings.sms_url or "https://api.smsapi.pl"
        )
    elif settings.sms_gateway == "webhook" and settings.sms_url:
        transports["sms"] = WebhookGateway(
            settings.sms_url, token=token or None, sender=settings.sms_sender
        )
    return transports


def build_sender(settings: Settings, db: Database, clock: Clock) -> Sender:
    return Sender(
        db,
        clock,
        build_transports(settings),
        secret=settings.signing_key,
        base_url=settings.public_base_url,
        concurrency=settings.sender_concurrency,
        rate_per_s=settings.sender_rate_per_s,
        poll_s=settings.sender_poll_s,
        reminder_every_s=settings.sender_reminder_s,
    )
