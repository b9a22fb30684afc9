"""Console monitors benchmark: prints figures, asserts nothing.

    .venv/bin/python bench/monitors.py [--monitors 20] [--calls 40] [--seconds 20]
                                       [--pairs 3] [--database URL] [--rate R]

Starts `kolejka server` (bench/load.py's bench site plus a supervisor) in its own
process, then:
  1. opens `--monitors` console monitors, each signed in through the /admin form and
     doing what server/web/admin/console.js does: the monitor's own stream
     (/admin/monitor/events: the site's events in batches and the figures pushed as the
     parts that changed; a `ticket.called` event shows the call at once). Against a
     server whose monitor page has no `data-feed` (before the feed), the old way: the
     site's event stream at /admin/events and the live part fetched after events, at
     most every two seconds per monitor;
  2. times `--calls` calls: from the clerk's call_next answer to the `ticket.called`
     event at every monitor, i.e. the call shown (p50/p99), and to the monitor's figures
     showing the called ticket at its counter;
  3. issues tickets (bench/load.py's closed loop, 32 kiosks) without monitors and with
     them, alternating (and which goes first), `--pairs` times: tickets/s, p50/p99 and
     server CPU per ticket, then a table of the pairs with the load average; with
     `--rate R` also open-loop at R tickets/s offered, without and with them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import websockets

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import load  # noqa: E402

SUPERVISOR = "boss"
MIN_INTERVAL_S = 2.0  # as console.js
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
AT_COUNTER = re.compile(r"<strong>([A-Z0-9]+)</strong>")


def config_with_supervisor(path: Path) -> None:
    load.bench_config(path)
    from server.security import hash_password

    digest = hash_password(load.PASSWORD)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(
            f'\n[[sites.clerks]]\nusername = "{SUPERVISOR}"\nrole = "supervisor"\n'
            f'password_hash = "{digest}"\n'
        )


async def sign_in(url: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=url, timeout=30)
    page = await client.get("/admin/login")
    token = CSRF.search(page.text)
    assert token is not None
    answer = await client.post(
        "/admin/login",
        data={
            "csrf": token.group(1),
            "site": "bench",
            "username": SUPERVISOR,
            "password": load.PASSWORD,
        },
    )
    assert answer.status_code == 303, answer.text
    return client


@dataclass
class Calls:
    """The calls being timed: ticket id → (number, when its call was answered)."""

    answered: dict[int, tuple[str, float]] = field(default_factory=dict)
    event_latency: list[float] = field(default_factory=list)
    shown_latency: list[float] = field(default_factory=list)
    events: int = 0
    fetches: int = 0


FEED = re.compile(r'data-feed="([^"]+)"')


class Monitor:
    """One open console monitor, as console.js runs it: on a page with `data-feed` the
    monitor's own stream (events in batches, the figures pushed as changed parts); on an
    older page the site's event stream and the figures fetched after events."""

    def __init__(self, url: str, client: httpx.AsyncClient, calls: Calls, feed: str | None) -> None:
        self.url, self.client, self.calls, self.feed = url, client, calls, feed
        self.last_fetch = 0.0
        self.in_flight = False
        self.pending = False
        self.called_arrival: dict[int, float] = {}  # ticket id → its call event arrived
        self.fetch_log: list[tuple[float, frozenset[str]]] = []  # numbers at counters
        self.parts: dict[str, str] = {}
        self.tasks: set[asyncio.Task[None]] = set()

    async def run(self, ready: asyncio.Event, stop: asyncio.Event) -> None:
        ws_url = self.url.replace("http://", "ws://") + (self.feed or "/admin/events")
        cookie = f"kolejka_console={self.client.cookies['kolejka_console']}"
        async with websockets.connect(
            ws_url, additional_headers={"Cookie": cookie}, max_size=2**24
        ) as sock:
            json.loads(await sock.recv())  # the reset
            ready.set()
            while not stop.is_set():
                try:
                    text = await asyncio.wait_for(sock.recv(), 0.5)
                except TimeoutError:
                    continue
                now = time.perf_counter()
                message = json.loads(text)
                if message["type"] == "figures":
                    self.calls.fetches += 1
                    self.parts.update(message["parts"])
                    shown = AT_COUNTER.findall(self.parts.get("counters", ""))
                    self.fetch_log.append((now, frozenset(shown)))
                    continue
                events = message["events"] if message["type"] == "batch" else [message]
                for event in events:
                    self.calls.events += 1
                    ticket = event.get("payload", {}).get("ticket", {})
                    if event["type"] == "ticket.called":
                        self.called_arrival.setdefault(ticket.get("id"), now)
                if self.feed is None:
                    self.refresh()
        for task in list(self.tasks):
            task.cancel()

    def refresh(self) -> None:
        if self.in_flight:
            self.pending = True
            return
        wait = self.last_fetch + MIN_INTERVAL_S - time.perf_counter()
        if wait > 0:
            if not self.pending:
                self.pending = True
                self._spawn(self._later(wait))
            return
        self._spawn(self._fetch())

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _later(self, wait: float) -> None:
        await asyncio.sleep(wait)
        self.pending = False
        self.refresh()

    async def _fetch(self) -> None:
        self.in_flight, self.pending = True, False
        self.last_fetch = time.perf_counter()
        try:
            answer = await self.client.get("/admin/monitor/live")
            now = time.perf_counter()
            self.calls.fetches += 1
            self.fetch_log.append((now, frozenset(AT_COUNTER.findall(answer.text))))
        finally:
            self.in_flight = False
        if self.pending:
            self.pending = False
            self.refresh()


async def open_monitors(
    url: str, count: int, calls: Calls, stop: asyncio.Event
) -> tuple[list[Monitor], list[asyncio.Task[None]]]:
    clients = [await sign_in(url) for _ in range(count)]
    async with httpx.AsyncClient(base_url=url, timeout=30, cookies=clients[0].cookies) as one:
        found = FEED.search((await one.get("/admin/monitor")).text)  # which protocol
    feed = found.group(1) if found else None
    readies = [asyncio.Event() for _ in clients]
    monitors = [Monitor(url, c, calls, feed) for c in clients]
    tasks = [asyncio.create_task(m.run(r, stop)) for m, r in zip(monitors, readies, strict=True)]
    await asyncio.gather(*(ready_or_failed(t, r) for t, r in zip(tasks, readies, strict=True)))
    if feed is not None:  # the feed's monitors fetch nothing: their cookies are enough
        for client in clients:
            await client.aclose()
    return monitors, tasks


async def ready_or_failed(task: asyncio.Task[None], ready: asyncio.Event) -> None:
    """A monitor that could not open its stream says why, not waits for ever."""
    waiter = asyncio.create_task(ready.wait())
    done, _ = await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        waiter.cancel()
        task.result()  # its exception, if it failed
        raise RuntimeError("a monitor's stream ended before its first message")


async def time_calls(url: str, monitors: int, count: int) -> None:
    calls = Calls()
    stop = asyncio.Event()
    opened, tasks = await open_monitors(url, monitors, calls, stop)
    clerk = await load.clerk_client(url, 1)
    kiosk = httpx.AsyncClient(
        base_url=url, timeout=30, headers={"Authorization": "Bearer bench-kiosk-token-000000"}
    )
    for _ in range(count):
        (await kiosk.post("/api/v1/sites/bench/tickets", json={"service": "A"})).raise_for_status()
        await asyncio.sleep(2.5)  # the monitors' refresh of the issue is done
        response = await clerk.post("/api/v1/sites/bench/counters/1/call-next")
        answered = time.perf_counter()
        ticket = response.json()
        calls.answered[ticket["id"]] = (ticket["number"], answered)
        await asyncio.sleep(2.5)  # every monitor has its event and its fetch
        (await clerk.post(f"/api/v1/sites/bench/tickets/{ticket['id']}/no-show")).raise_for_status()
    stop.set()
    await asyncio.gather(*tasks)
    for monitor in opened:
        for ticket_id, (number, answered) in calls.answered.items():
            arrived = monitor.called_arrival.get(ticket_id)
            if arrived is not None:
                calls.event_latency.append(max(0.0, arrived - answered))
            shown = next((t for t, numbers in monitor.fetch_log if number in numbers), None)
            if shown is not None:
                calls.shown_latency.append(max(0.0, shown - answered))
    await clerk.aclose()
    await kiosk.aclose()
    for name, values in (
        (f"call → shown on {monitors} monitors (event)", calls.event_latency),
        (f"call → in {monitors} monitors' figures", calls.shown_latency),
    ):
        ms = [v * 1000 for v in values]
        print(
            f"{name:<44} {'':>15}   p50 {statistics.median(ms):6.1f} ms"
            f"   p99 {load.percentile(ms, 99):6.1f} ms   max {max(ms):6.1f} ms"
            f"   (n={len(ms)}, {count} calls)",
            flush=True,
        )


async def issue_with_monitors(
    url: str, monitors: int, seconds: float, pid: int, rate: float | None = None
) -> tuple[float, float]:
    calls = Calls()
    stop = asyncio.Event()
    _opened, tasks = await open_monitors(url, monitors, calls, stop)
    figures = await load.issue_load(url, seconds, rate, pid)
    stop.set()
    await asyncio.gather(*tasks)
    print(
        f"  the {monitors} monitors got {calls.events} events and their figures "
        f"{calls.fetches} times ({calls.fetches / seconds:.1f}/s)",
        flush=True,
    )
    return figures


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def issue_without(url: str, seconds: float, pid: int, n: int) -> tuple[float, float]:
    print(f"pair {n}: issuing without monitors (load {load_average()}):", flush=True)
    return asyncio.run(load.issue_load(url, seconds, None, pid))


def issue_with(url: str, monitors: int, seconds: float, pid: int, n: int) -> tuple[float, float]:
    print(f"pair {n}: issuing with {monitors} monitors open (load {load_average()}):", flush=True)
    return asyncio.run(issue_with_monitors(url, monitors, seconds, pid))


def issue_in_pairs(url: str, monitors: int, seconds: float, pid: int, pairs: int) -> None:
    """Issuing without and with the monitors, alternating, `pairs` times: the host's load
    moves between phases, so each pair is compared within itself. Every phase leaves its
    tickets waiting, and a longer queue costs more per ticket, so the pairs take turns at
    which goes first (without/with, then with/without): a drift counts against both."""
    rows = []
    for n in range(1, pairs + 1):
        if n % 2:
            first = issue_without(url, seconds, pid, n)
            rows.append((n, first, issue_with(url, monitors, seconds, pid, n), load_average()))
        else:
            second = issue_with(url, monitors, seconds, pid, n)
            rows.append((n, issue_without(url, seconds, pid, n), second, load_average()))
    print(
        f"\n| pair | tickets/s, 0 monitors | … {monitors} monitors | CPU ms/ticket, 0 | "
        f"… {monitors} | ratio of CPU | load (1/5/15 min) |\n" + "| --- " * 7 + "|"
    )
    for n, (rate0, cpu0), (rate1, cpu1), average in rows:
        print(
            f"| {n} | {rate0:.1f} | {rate1:.1f} | {cpu0:.2f} | {cpu1:.2f} | "
            f"{cpu1 / cpu0:.2f} | {average} |"
        )
    ratios = sorted(c1 / c0 for _, (_, c0), (_, c1), _ in rows)
    print(f"median CPU ratio with/without monitors: {statistics.median(ratios):.2f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--monitors", type=int, default=20)
    parser.add_argument("--calls", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--pairs", type=int, default=3, help="issuing without/with, alternating")
    parser.add_argument("--database", help="default: a fresh SQLite file")
    parser.add_argument(
        "--rate",
        type=float,
        action="append",
        help="also issue open-loop at this offered rate, without and with the monitors",
    )
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="kolejka-bench-"))
    config = workdir / "bench.toml"
    config_with_supervisor(config)
    database = args.database or f"sqlite:///{workdir / 'bench.sqlite3'}"
    port = load.free_port()
    server = load.start_server(database, config, port)
    url = f"http://127.0.0.1:{port}"
    print(
        f"kolejka monitors bench: {database.split(':')[0]}, {os.cpu_count()} CPUs, "
        f"{args.monitors} monitors, {args.seconds:.0f} s per issuing phase",
        flush=True,
    )
    try:
        print(f"load average {load_average()}", flush=True)
        asyncio.run(time_calls(url, args.monitors, args.calls))
        issue_in_pairs(url, args.monitors, args.seconds, server.pid, args.pairs)
        for rate in args.rate or []:
            print(f"offered {rate:.0f} tickets/s, without and with the monitors:", flush=True)
            asyncio.run(load.issue_load(url, args.seconds, rate, server.pid))
            asyncio.run(issue_with_monitors(url, args.monitors, args.seconds, server.pid, rate))
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
