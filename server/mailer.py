"""Delivering one outbox message: e-mail over SMTP, or into a folder for the demo.

Every transport has one method, `send(message)`, that returns when the message was
handed over and raises `DeliveryError` when it was not, saying whether trying again may
help (`permanent`) and whether it may have arrived anyway (`unknown`: the connection
dropped after the text was sent — the outbox then never sends it again). SMS gateways
are server/sms.py.

    SmtpMailer       real SMTP (aiosmtplib): STARTTLS or implicit TLS, AUTH, a small pool
                     of connections; the attachments are drawn here (the QR code as PNG,
                     the appointment as an .ics file)
    FolderTransport  writes `<id>-<kind>.eml` / `.txt` into a folder a newcomer can read
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import ssl
from email.charset import Charset
from email.header import Header
from email.message import Message
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from pathlib import Path
from typing import Protocol

import aiosmtplib

from server.outbox import Outgoing


class DeliveryError(Exception):
    def __init__(self, reason: str, *, permanent: bool = False, unknown: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.unknown = unknown


class Transport(Protocol):
    async def send(self, message: Outgoing) -> None: ...

    async def close(self) -> None: ...


def qr_png(token: str) -> bytes:
    import io

    from server.confirmations import qr_image

    buf = io.BytesIO()
    qr_image(token, box_size=8).save(buf, format="PNG")
    return buf.getvalue()


async def build_email(message: Outgoing, sender: str) -> Message:
    """The e-mail: plain text (the code, the times, the manage link), the QR code and the
    calendar entry attached. Drawn in a worker thread: a round's hundred messages built
    on the event loop at once held every request back for a second."""
    return await asyncio.to_thread(email_of, message, sender)


# The body in UTF-8 as it is ("8bit", as EmailMessage sent it before), so that the demo's
# .eml files read as text; the attachments in base64.
_UTF8_8BIT = Charset("utf-8")
_UTF8_8BIT.body_encoding = None  # type: ignore[assignment]  # typeshed says int; None: as it is
# Headers written as set: the subject comes folded already, and refolding the rest (the
# Message-ID is past 78 characters) was a third of the time spent writing a message out.
_AS_SET = compat32.clone(max_line_length=None)


def email_of(message: Outgoing, sender: str) -> Message:
    """The message through `email`'s compat32 classes: a reminder's headers parsed and
    folded by the default policy's header registry cost ~6 ms of CPU each, most of the
    sender's time for 3,000 reminders (the same message here: ~1 ms)."""
    text = MIMENonMultipart("text", "plain", policy=_AS_SET)
    text.set_payload(message.body, _UTF8_8BIT)
    token = message.attachments.get("qr")
    ics = message.attachments.get("ics")
    mail: Message = text
    if token or ics:
        # A boundary no part can contain ("_" is not base64's): else the generator makes one
        # and compiles a regular expression to search every part for it, per message.
        mail = MIMEMultipart("mixed", boundary=f"=_kolejka_{secrets.token_hex(16)}", policy=_AS_SET)
        mail.attach(text)
        if token:
            mail.attach(_attachment(MIMEImage(qr_png(str(token)), "png"), "qr.png"))
        if ics:
            calendar = MIMEText(str(ics), "calendar", "utf-8")
            calendar.set_param("method", "PUBLISH")
            mail.attach(_attachment(calendar, "appointment.ics"))
    mail["From"] = _address(sender)
    mail["To"] = _address(message.recipient)
    mail["Subject"] = _subject(message.subject or "")
    mail["Date"] = formatdate(localtime=False)
    # The sender's domain: without one, make_msgid looks up this host's name (getfqdn, a
    # resolver call) for every message.
    domain = parseaddr(sender)[1].rpartition("@")[2] or None
    mail["Message-ID"] = make_msgid(idstring=f"kolejka-{message.id}", domain=domain)
    mail["Auto-Submitted"] = "auto-generated"
    mail["Content-Language"] = message.language
    return mail


def _attachment(part: Message, filename: str) -> Message:
    part.add_header("Content-Disposition", "attachment", filename=filename)
    return part


def _one_line(value: str) -> str:
    # compat32 writes a line break in a value as it is (a header of its own); the default
    # policy refused one. Our values are checked where they come in; this is the backstop.
    return " ".join(value.splitlines())


def _subject(value: str) -> str:
    # Encoded words folded as the header's own line would be (name included): a folded
    # value set as a plain string comes back from a reader with a space in front.
    value = _one_line(value)
    return value if value.isascii() else Header(value, "utf-8", header_name="Subject").encode()


def _address(value: str) -> str:
    value = _one_line(value)
    name, address = parseaddr(value)
    if not name:
        return address or value
    return formataddr((name, address), charset="utf-8")


class SmtpMailer:
    """SMTP with STARTTLS (or implicit TLS) and AUTH, a few connections kept open."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        sender: str,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = True,
        implicit_tls: bool = False,
        ca_file: Path | None = None,
        timeout_s: float = 30.0,
        connections: int = 4,
    ) -> None:
        self.host = host
        self.port = port
        self.sender = sender
        self.username = username
        self.password = password
        self.starttls = starttls
        self.implicit_tls = implicit_tls
        self.timeout_s = timeout_s
        self.context = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
        self._idle: list[aiosmtplib.SMTP] = []
        # Every connection made and not yet closed, idle or in a message's hands: `close`
        # closes them all, so none outlives the sender's event loop with its socket open.
        self._open: set[aiosmtplib.SMTP] = set()
        self._slots = asyncio.Semaphore(connections)

    async def _connect(self) -> aiosmtplib.SMTP:
        client = aiosmtplib.SMTP(
            hostname=self.host,
            port=self.port,
            timeout=self.timeout_s,
            use_tls=self.implicit_tls,
            start_tls=self.starttls and not self.implicit_tls,
            tls_context=self.context,
        )
        self._open.add(client)
        try:
            # The limit here, none in aiosmtplib: given one, it connects under
            # `asyncio.wait_for`, a task of its own on Python 3.11, which drops a connection
            # made at the moment it is cancelled (the sender stopping) with its socket open.
            async with asyncio.timeout(self.timeout_s):
                await client.connect(timeout=None)
            if self.username:
                await client.login(self.username, self.password or "")
        except BaseException:  # connected, then refused (TLS, AUTH): do not leak the socket
            await self._drop(client)
            raise
        return client

    async def _drop(self, client: aiosmtplib.SMTP | None, polite: bool = False) -> None:
        if client is not None:
            self._open.discard(client)
        await _quietly_close(client, polite)

    async def send(self, message: Outgoing) -> None:
        async with self._slots:
            # Built here, not in a worker thread: this is the sender's own process, and a
            # thread per message only added GIL hand-overs (a third of its CPU in a profile).
            data = email_of(message, self.sender).as_bytes()
            client = self._idle.pop() if self._idle else None
            while True:
                reused = client is not None and client.is_connected
                try:
                    if not reused:
                        await self._drop(client)
                        client = await self._connect()
                    assert client is not None
                    await self._transact(client, data, message.recipient)
                except _Stale:  # an idle connection the server had closed: nothing was sent
                    if reused:
                        await self._drop(client)
                        client = None
                        continue  # once, on a new connection
                    await self._drop(client)
                    raise DeliveryError("cannot reach the mail server: disconnected") from None
                except DeliveryError:
                    await self._drop(client)
                    raise
                except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
                    await self._drop(client)
                    raise DeliveryError(f"cannot reach the mail server: {_text(exc)}") from None
                except BaseException:  # cancelled mid-message (the sender stopping): no socket left
                    await self._drop(client)
                    raise
                break
            self._idle.append(client)

    async def _transact(self, client: aiosmtplib.SMTP, data: bytes, to: str) -> None:
        """MAIL, RCPT, DATA one by one: a refusal before DATA's end is definite; a
        connection lost before DATA is `_Stale` (nothing was handed over); one lost during
        DATA leaves the outcome unknown."""
        try:
            await client.mail(self.sender)
            await client.rcpt(to)
        except (aiosmtplib.SMTPServerDisconnected, ConnectionError):
            raise _Stale() from None
        except aiosmtplib.SMTPResponseException as exc:
            await _reset(client)
            raise DeliveryError(
                f"refused: {exc.code} {exc.message}", permanent=500 <= exc.code < 600
            ) from None
        try:
            await client.data(data)
        except aiosmtplib.SMTPResponseException as exc:  # the server answered: not taken
            await _reset(client)
            raise DeliveryError(
                f"refused: {exc.code} {exc.message}", permanent=500 <= exc.code < 600
            ) from None
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise DeliveryError(
                f"connection lost while sending: {_text(exc)}", unknown=True
            ) from None

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for client in idle:
            await self._drop(client, polite=True)
        for client in list(self._open):  # still in a message's hands: no goodbye
            await self._drop(client)


class _Stale(Exception):
    """The connection was gone before DATA: the message was not handed over."""


async def _reset(client: aiosmtplib.SMTP) -> None:
    with contextlib.suppress(aiosmtplib.SMTPException, OSError, TimeoutError):
        await client.rset()


async def _quietly_close(client: aiosmtplib.SMTP | None, polite: bool = False) -> None:
    if client is None:
        return
    transport = client.transport
    try:
        if polite and client.is_connected:
            with contextlib.suppress(aiosmtplib.SMTPException, OSError, TimeoutError):
                await client.quit()
    finally:  # even when the goodbye is cancelled: the socket must not outlive the loop
        with contextlib.suppress(Exception):
            client.close()
        # Over TLS, `close` only starts TLS's own goodbye and keeps the socket open until
        # the server answers it, which a slow server may do after the sender's event loop
        # has ended (a socket left open). SMTP's QUIT is already done: cut the link now.
        if isinstance(transport, asyncio.Transport):
            with contextlib.suppress(Exception):
                transport.abort()
            await asyncio.sleep(0)  # the socket is closed on the loop's next turn


def _text(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


class FolderTransport:
    """The demo's outbox folder: one readable file per message (e-mail as .eml)."""

    def __init__(self, folder: Path, sender: str = "kolejka@localhost") -> None:
        self.folder = folder
        self.sender = sender

    async def send(self, message: Outgoing) -> None:
        await asyncio.to_thread(self.folder.mkdir, parents=True, exist_ok=True)
        if message.channel == "email":
            mail = await build_email(message, self.sender)
            path = self.folder / f"{message.id:06d}-{message.kind}.eml"
            data = mail.as_bytes()
        else:
            path = self.folder / f"{message.id:06d}-{message.kind}-sms.txt"
            data = f"To: {message.recipient}\n\n{message.body}\n".encode()
        await asyncio.to_thread(path.write_bytes, data)

    async def close(self) -> None:
        return None
