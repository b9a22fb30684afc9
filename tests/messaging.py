"""A real mail server and a real SMS gateway for the tests, on free local ports.

- `Mailbox`: aiosmtpd with STARTTLS (a self-signed certificate made by `openssl`) and
  AUTH required after it; every message that arrived is in `.received` (a queue, so a
  test waits on it rather than sleeping). `delay_s` makes it take that long per message;
  `stop()` and `start()` take it down and bring it back on the same port; `logins` counts
  connections (one AUTH each); `drop_at_mail` / `drop_at_data` close the connection at
  the n-th MAIL or DATA, as a server restarting or timing out does.
- `SmsGateway`: an HTTP server speaking SMSAPI.pl's `POST /sms.do` (Bearer token, form
  fields `to`, `message`, `from`, `format=json`) or a webhook's JSON, recording each
  request; `fail_with` makes it answer an error instead.
"""

from __future__ import annotations

import asyncio
import email
import json
import queue
import subprocess
import threading
from email.message import EmailMessage
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from tests.support import free_port

SMTP_USER = "kolejka"
SMTP_PASSWORD = "mail-pass-123"


def self_signed(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    if not cert.exists():
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-keyout",
                str(key),
                "-out",
                str(cert),
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
            ],
            check=True,
            capture_output=True,
        )
    return cert, key


class _Handler:
    def __init__(self, box: Mailbox) -> None:
        self.box = box

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        with self.box.lock:
            self.box.mails += 1
            drop = self.box.mails in self.box.drop_at_mail
        if drop:  # as a server's idle timeout or restart does: gone, no answer
            server.transport.close()
            return "421 closing"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.box.lock:
            self.box.datas += 1
            drop = self.box.datas in self.box.drop_at_data
        if drop:  # the text was sent, the answer never comes: the outcome is unknown
            server.transport.close()
            return "421 closing"
        if self.box.delay_s:
            await asyncio.sleep(self.box.delay_s)
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        self.box.received.put(message)  # type: ignore[arg-type]
        with self.box.lock:
            self.box.count += 1
        return "250 OK"


class Mailbox:
    def __init__(self, folder: Path, *, delay_s: float = 0.0, port: int | None = None) -> None:
        self.cert, self.key = self_signed(folder)
        self.port = port or free_port()
        self.delay_s = delay_s
        self.received: queue.Queue[EmailMessage] = queue.Queue()
        self.count = 0
        self.logins = 0  # one per connection (AUTH is required): connection reuse shows here
        self.mails = self.datas = 0
        self.drop_at_mail: set[int] = set()  # drop the connection at the n-th MAIL (from 1)
        self.drop_at_data: set[int] = set()  # ... or at the n-th DATA, before answering
        self.lock = threading.Lock()
        self._controller: Any = None

    def settings(self) -> dict[str, Any]:
        """The server settings that send through this mailbox."""
        return {
            "smtp_host": "127.0.0.1",
            "smtp_port": self.port,
            "smtp_username": SMTP_USER,
            "smtp_password": SMTP_PASSWORD,
            "smtp_starttls": True,
            "smtp_ca_file": self.cert,
            "smtp_from": "wizyty@urzad.example",
        }

    def start(self) -> Mailbox:
        import logging
        import ssl

        from aiosmtpd.controller import Controller

        logging.getLogger("mail.log").setLevel(logging.ERROR)  # its own deprecation notes
        from aiosmtpd.smtp import AuthResult

        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)

        def authenticate(
            server: Any, session: Any, envelope: Any, mechanism: str, data: Any
        ) -> AuthResult:
            ok = data.login == SMTP_USER.encode() and data.password == SMTP_PASSWORD.encode()
            with self.lock:
                self.logins += 1
            return AuthResult(success=ok)

        self._controller = Controller(
            _Handler(self),
            hostname="127.0.0.1",
            port=self.port,
            tls_context=context,
            require_starttls=True,
            authenticator=authenticate,
            auth_required=True,
            auth_require_tls=True,
        )
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def next(self, timeout: float = 30.0) -> EmailMessage:
        return self.received.get(timeout=timeout)

    def empty(self) -> bool:
        return self.received.empty()


class SmsGateway:
    def __init__(self, token: str = "sms-token-1") -> None:
        self.token = token
        self.requests: queue.Queue[dict[str, Any]] = queue.Queue()
        self.fail_with: dict[str, Any] | None = None
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return None

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length).decode()
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    fields: dict[str, Any] = json.loads(raw)
                else:
                    fields = {k: v[0] for k, v in parse_qs(raw).items()}
                gateway.requests.put(
                    {"path": self.path, "auth": self.headers.get("Authorization"), **fields}
                )
                if self.headers.get("Authorization") != f"Bearer {gateway.token}":
                    answer: dict[str, Any] = {"error": 101, "message": "Authorization failed"}
                elif gateway.fail_with is not None:
                    answer = gateway.fail_with
                else:
                    answer = {
                        "count": 1,
                        "list": [
                            {
                                "id": "1",
                                "points": 0.16,
                                "number": fields.get("to"),
                                "status": "QUEUE",
                            }
                        ],
                    }
                body = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> SmsGateway:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def next(self, timeout: float = 30.0) -> dict[str, Any]:
        return self.requests.get(timeout=timeout)


class SenderThread:
    """The outbox's sender on a thread and an event loop of its own, sharing the test's
    database and clock (a `ManualClock` cannot cross into `kolejka sender`'s process):
    off the API's loop, as in production, where it is a process of its own."""

    def __init__(self, settings: Any, db: Any, clock: Any) -> None:
        from server.sender import build_sender

        self.db = db
        self.sender = build_sender(settings, db, clock)
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._main, name="test-sender", daemon=True)

    def _main(self) -> None:
        async def run() -> None:
            task = asyncio.create_task(self.sender.run())
            await asyncio.sleep(0)  # run() has taken the loop: wake-ups now arrive
            self._ready.set()
            try:
                await task
            finally:
                await self.sender.close()

        asyncio.run(run())

    def start(self) -> SenderThread:
        self._thread.start()
        self._ready.wait(30)
        self.db.after_commit.append(self.sender.wake_threadsafe)
        return self

    def wake(self) -> None:
        self.sender.wake_threadsafe()

    def stop(self) -> None:
        if self.sender.wake_threadsafe in self.db.after_commit:
            self.db.after_commit.remove(self.sender.wake_threadsafe)
        self.sender.stop_threadsafe()
        self._thread.join(timeout=30)
