"""Crash script: kill -9 the server under load, restart it, count what survived.

    .venv/bin/python bench/crash.py [--database-url URL] [--seconds 5] [--kills 3]

Starts `kolejka server` on a fresh SQLite file (or the PostgreSQL database given), runs
kiosks issuing tickets and counters calling, starting and finishing them, kills the
server with SIGKILL mid-load, starts it again on the same database and port while the
clients keep retrying, `--kills` times; then checks every answer the clients got:

  acknowledged  tickets answered 201 (and counter steps answered 200)
  lost          acknowledged tickets the restarted server does not know, or whose
                acknowledged step (called, serving, done) it has forgotten
  duplicates    ticket numbers handed out twice on a day
  restart→ready seconds from starting the new process to its first issued ticket
                (and to /healthz answering)

Prints figures, asserts nothing (not a timed test). The server setup and HTTP clients
are bench/load.py's.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from load import PASSWORD, RawHttp, bench_config, clerk_client, free_port, start_server

KIOSKS, COUNTERS = 16, 8
RETRY_S = 0.05  # clients retry this fast while the server is down (the apps: 0.2–1 s)
STEP_RANK = {"waiting": 0, "called": 1, "serving": 2, "done": 3, "no_show": 3, "cancelled": 3}


@dataclass
class Ledger:
    """What the clients were told."""

    tickets: dict[int, tuple[str, str]] = field(default_factory=dict)  # id → (day, number)
    numbers: list[tuple[str, str]] = field(default_factory=list)  # every (day, number) answered
    steps: dict[int, str] = field(default_factory=dict)  # id → furthest acknowledged step
    steps_acknowledged: int = 0
    failures: int = 0  # requests that got no answer (the server was down)
    first_ticket_at: float | None = None  # perf_counter of the first 201 since `watch_from`
    watch_from: float | None = None

    def ticket(self, answer: dict[str, object], sent_at: float) -> None:
        day = str(answer["issued_at"])[:10]
        number = str(answer["number"])
        self.tickets[int(answer["id"])] = (day, number)  # type: ignore[call-overload]
        self.numbers.append((day, number))
        # Sent to the new process: an answer the old one left in a socket does not count.
        fresh = self.watch_from is not None and sent_at >= self.watch_from
        if fresh and self.first_ticket_at is None:
            self.first_ticket_at = time.perf_counter()

    def step(self, ticket_id: int, status: str) -> None:
        self.steps_acknowledged += 1
        if STEP_RANK[status] >= STEP_RANK.get(self.steps.get(ticket_id, "waiting"), 0):
            self.steps[ticket_id] = status


async def kiosk(host: str, port: int, i: int, ledger: Ledger, stop: asyncio.Event) -> None:
    client = RawHttp(host, port, {"Authorization": f"Bearer bench-kiosk-token-{i:06d}"})
    while not stop.is_set():
        sent_at = time.perf_counter()
        try:
            status, body = await client.post(
                "/api/v1/sites/bench/tickets", {"service": "AB"[i % 2]}
            )
        except (OSError, asyncio.IncompleteReadError, ValueError):
            ledger.failures += 1
            await _drop(client)
            await asyncio.sleep(RETRY_S)
            continue
        if status == 201:
            ledger.ticket(json.loads(body), sent_at)
        else:
            ledger.failures += 1
            await asyncio.sleep(RETRY_S)
    await _drop(client)


async def _drop(client: RawHttp) -> None:
    with contextlib.suppress(OSError, asyncio.IncompleteReadError):
        await client.close()


async def counter(client: httpx.AsyncClient, n: int, ledger: Ledger, stop: asyncio.Event) -> None:
    """Call, start, finish, again. Each step carries an Idempotency-Key and is retried
    with it until answered, as the counter app does: a step the server committed just
    before it died is answered again, not done twice."""
    site = "/api/v1/sites/bench"
    current: tuple[int, str] | None = None  # the ticket at the counter, its status
    key = uuid.uuid4().hex
    while not stop.is_set():
        if current is None:
            path = f"{site}/counters/{n}/call-next"
        else:
            action = "start" if current[1] == "called" else "finish"
            path = f"{site}/tickets/{current[0]}/{action}"
        try:
            response = await client.post(path, headers={"Idempotency-Key": key})
            key = uuid.uuid4().hex  # answered: the next step is a new request
            if response.status_code == 204:  # nobody waiting
                await asyncio.sleep(0.01)
                continue
            if response.status_code != 200:  # out of step with the server: ask it
                ledger.failures += 1
                current = await at_counter(client, n)
                continue
        except httpx.TransportError:
            ledger.failures += 1
            await asyncio.sleep(RETRY_S)
            continue
        ticket = response.json()
        ledger.step(int(ticket["id"]), ticket["status"])
        current = None if ticket["status"] == "done" else (int(ticket["id"]), ticket["status"])


async def at_counter(client: httpx.AsyncClient, n: int) -> tuple[int, str] | None:
    response = await client.get("/api/v1/sites/bench/counters")
    response.raise_for_status()
    for item in response.json()["data"]:
        if item["number"] == n and item["current"]:
            return int(item["current"]["id"]), str(item["current"]["status"])
    return None


async def run(args: argparse.Namespace, database: str, config: Path) -> None:
    port = free_port()
    host = "127.0.0.1"
    url = f"http://{host}:{port}"
    server = start_server(database, config, port)
    ledger = Ledger()
    stop = asyncio.Event()
    clerks = [await clerk_client(url, n) for n in range(1, COUNTERS + 1)]
    tasks = [asyncio.create_task(kiosk(host, port, i, ledger, stop)) for i in range(KIOSKS)]
    tasks += [
        asyncio.create_task(counter(c, n, ledger, stop)) for n, c in enumerate(clerks, start=1)
    ]
    ready_ticket: list[float] = []
    ready_health: list[float] = []
    try:
        for _ in range(args.kills):
            await asyncio.sleep(args.seconds)  # load runs meanwhile
            server.kill()  # SIGKILL: no shutdown, no final commit
            server.wait()
            ledger.first_ticket_at = None
            started = ledger.watch_from = time.perf_counter()
            server = await asyncio.to_thread(start_server, database, config, port)
            ready_health.append(time.perf_counter() - started)
            while ledger.first_ticket_at is None:
                await asyncio.sleep(0.005)
            ready_ticket.append(ledger.first_ticket_at - started)
            ledger.watch_from = None
        await asyncio.sleep(args.seconds)
    finally:
        stop.set()
        await asyncio.gather(*tasks)
        for c in clerks:
            await c.aclose()
    try:
        lost, forgotten, gaps, without_event = await check(url, ledger)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    duplicates = sum(n - 1 for n in Counter(ledger.numbers).values() if n > 1)
    print(
        f"kolejka crash: {database.split(':')[0]}, {os.cpu_count()} CPUs, {KIOSKS} kiosks, "
        f"{COUNTERS} counters, {args.kills} × kill -9 after {args.seconds:.0f} s of load "
        f"(load average {os.getloadavg()[0]:.1f})"
    )
    print(f"  acknowledged tickets     {len(ledger.tickets)}")
    print(f"  acknowledged steps       {ledger.steps_acknowledged} (call/start/finish)")
    print(f"  lost tickets             {lost}")
    print(f"  lost steps               {forgotten}")
    print(f"  duplicate numbers        {duplicates}")
    print(f"  event log gaps           {gaps} (tickets without their event: {without_event})")
    print(f"  unanswered requests      {ledger.failures} (while the server was down)")
    print(f"  restart → first ticket   {_seconds(ready_ticket)}")
    print(f"  restart → /healthz       {_seconds(ready_health)} (polled every 0.2 s)")


def _seconds(values: list[float]) -> str:
    listed = ", ".join(f"{v:.2f}" for v in values)
    return f"median {statistics.median(values):.2f} s  ({listed})"


async def check(url: str, ledger: Ledger) -> tuple[int, int, int, int]:
    """Asks the restarted server about every acknowledged ticket."""
    lost = forgotten = 0
    headers = {"Authorization": "Bearer bench-display-token-0001"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30) as client:
        semaphore = asyncio.Semaphore(16)

        async def one(ticket_id: int, number: str) -> None:
            nonlocal lost, forgotten
            async with semaphore:
                response = await client.get(f"/api/v1/sites/bench/tickets/{ticket_id}")
            if response.status_code == 404 or response.json().get("number") != number:
                lost += 1
                return
            response.raise_for_status()
            acknowledged = ledger.steps.get(ticket_id, "waiting")
            if STEP_RANK[response.json()["status"]] < STEP_RANK[acknowledged]:
                forgotten += 1

        await asyncio.gather(*(one(i, n) for i, (_, n) in ledger.tickets.items()))
        seqs: list[int] = []
        issued: set[int] = set()
        while True:  # the whole event log: gap-free, an event for every ticket
            page = await client.get(
                "/api/v1/sites/bench/events",
                params={"after": seqs[-1] if seqs else 0, "limit": 1000},
            )
            page.raise_for_status()
            events = page.json()["data"]
            if not events:
                break
            seqs += [e["seq"] for e in events]
            issued |= {e["payload"]["ticket"]["id"] for e in events if e["type"] == "ticket.issued"}
    gaps = sum(1 for a, b in itertools.pairwise([0, *seqs]) if b != a + 1)
    without_event = len(set(ledger.tickets) - issued)
    return lost, forgotten, gaps, without_event


def hashed_config(path: Path) -> None:
    """The bench office with its clerks' password hashes, as a production file has them:
    a plain password is checked against its hash at every start, which would time Argon2
    rather than the restart."""
    from server.security import hash_password

    bench_config(path)
    hashed = f'password_hash = "{hash_password(PASSWORD)}"'
    text = path.read_text(encoding="utf-8").replace(f'password = "{PASSWORD}"', hashed)
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", "--database", dest="database", help="default: SQLite")
    parser.add_argument("--seconds", type=float, default=5.0, help="load before each kill")
    parser.add_argument("--kills", type=int, default=3)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="kolejka-crash-"))
    config = workdir / "bench.toml"
    hashed_config(config)
    database = args.database or f"sqlite:///{workdir / 'crash.sqlite3'}"
    asyncio.run(run(args, database, config))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
