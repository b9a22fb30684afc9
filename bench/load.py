"""Load benchmark: prints figures, asserts nothing.

    .venv/bin/python bench/load.py [--seconds 20] [--database URL] [--only issue|call|fanout]
                                   [--clients N ...]

Starts `kolejka server` in a separate process on a fresh database with a bench site,
then measures, with stdlib asyncio + httpx + websockets only:
  1. issue_ticket: 32 concurrent kiosks for N seconds → tickets/s, p50/p99 latency;
  2. call_next: 16 counters calling (then marking no-show) for N seconds → calls/s, p50/p99;
  3. fan-out: 200 WebSocket clients (--clients N) connecting all at once; latency from a
     call_next answer to the event arriving at each client → p50/p99 over every
     (call, client) pair, and the server's memory per connection.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import websockets

ROOT = Path(__file__).resolve().parents[1]
KIOSKS, COUNTERS, SUBSCRIBERS = 32, 16, 200  # --kiosks, --counters, --clients
SERVICES = "AB"  # the kiosks take turns over these (--services)
IDLE_REUSE_S = 4.0  # below uvicorn's keep-alive timeout
PASSWORD = "bench-password"


def bench_config(path: Path) -> None:
    names = '{ pl = "Sprawa", en = "Matter", ru = "Дело", uk = "Справа" }'
    lines = [
        "[[sites]]",
        'code = "bench"',
        'name = "Bench office"',
        "",
        "[sites.rules]",
        "max_recalls = 2",
        "",
    ]
    for code in "AB":
        lines += ["[[sites.services]]", f'code = "{code}"', f"names = {names}", ""]
    for n in range(1, COUNTERS + 1):
        lines += [
            "[[sites.counters]]",
            f"number = {n}",
            'services = [{ service = "A" }, { service = "B", order = 2 }]',
            "",
        ]
    for i in range(KIOSKS):
        lines += [
            "[[sites.devices]]",
            'kind = "kiosk"',
            f'name = "kiosk {i}"',
            f'token = "bench-kiosk-token-{i:06d}"',
            "",
        ]
    lines += [
        "[[sites.devices]]",
        'kind = "display"',
        'name = "display"',
        'token = "bench-display-token-0001"',
        "",
    ]
    # Hashed once here: every server process provisions the site at start-up, and hashing
    # a password per clerk per process kept a loaded machine's workers starting for minutes.
    from server.security import hash_password

    digest = hash_password(PASSWORD)
    for n in range(1, COUNTERS + 1):
        lines += ["[[sites.clerks]]", f'username = "clerk{n}"', f'password_hash = "{digest}"', ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RawHttp:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams.

    httpx costs the load generator about as much CPU per request as the server spends on
    it; on a 2-core machine that would measure the generator. This one costs a few µs."""

    def __init__(self, host: str, port: int, headers: dict[str, str]) -> None:
        self.host, self.port, self.headers = host, port, headers
        self.head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.used_at = 0.0

    async def post(self, path: str, payload: dict[str, object] | None = None) -> tuple[int, bytes]:
        if self.writer is not None and time.monotonic() - self.used_at > IDLE_REUSE_S:
            await self.close()  # the server drops idle connections (uvicorn: after 5 s)
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        body = json.dumps(payload).encode() if payload is not None else b""
        self.writer.write(
            (
                f"POST {path} HTTP/1.1\r\nHost: {self.host}\r\n{self.head}"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
            ).encode()
            + body
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        answer = await self.reader.readexactly(length) if length else b""
        self.used_at = time.monotonic()
        return status, answer

    async def close(self) -> None:
        if self.writer is not None:
            writer, self.writer, self.reader = self.writer, None, None
            writer.close()
            await writer.wait_closed()


def server_pids(pid: int) -> list[int]:
    """The server process and its children (the workers of `--workers N`)."""
    return [pid] + [
        int(p.name)
        for p in Path("/proc").iterdir()
        if p.name.isdigit() and _parent_of(int(p.name)) == pid
    ]


def _parent_of(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the server's processes so far (Linux /proc)."""
    total = 0
    for each in server_pids(pid):
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def postgres_cpu(database: str) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend serving `database` (its process
    title names the database; the WAL writer and other shared processes are left out)."""
    name = database.rsplit("/", 1)[-1].encode()
    found: dict[int, float] = {}
    if not name.startswith(b"kolejka_bench_"):
        return found
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            title = (p / "cmdline").read_bytes()
            if not title.startswith(b"postgres: ") or b" " + name + b" " not in title:
                continue
            fields = (p / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[int(p.name)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return found


def postgres_cpu_since(database: str, before: dict[int, float]) -> float:
    after = postgres_cpu(database)
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


DATABASE = ""  # the database the server runs on (for PostgreSQL's own CPU time)


def rss_bytes(pid: int) -> int:
    """Resident memory of the server's processes, from /proc."""
    total = 0
    for each in server_pids(pid):
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:  # gone meanwhile
            pass
    return total


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round((len(ordered) - 1) * p / 100))]


def report(name: str, count: int, seconds: float, latencies_s: list[float], unit: str) -> None:
    ms = [v * 1000 for v in latencies_s]
    print(
        f"{name:<44} {count / seconds:8.1f} {unit}/s   p50 {statistics.median(ms):6.1f} ms"
        f"   p99 {percentile(ms, 99):6.1f} ms   (n={count}, {seconds:.1f} s)",
        flush=True,
    )


async def issue_load(
    url: str, seconds: float, rate: float | None, server_pid: int
) -> tuple[float, float]:
    """Closed loop (each kiosk sends as soon as it has its answer) or, with `rate`,
    open loop: the kiosks together offer `rate` tickets/s on a fixed schedule, however
    slowly the server answers — the latency a visitor would see at that load."""
    latencies: list[float] = []
    failures = 0
    host, port = url.removeprefix("http://").split(":")

    async def one(client: RawHttp, n: int) -> None:
        nonlocal failures
        t0 = time.perf_counter()
        service = SERVICES[n % len(SERVICES)]
        status, _ = await client.post("/api/v1/sites/bench/tickets", {"service": service})
        latencies.append(time.perf_counter() - t0)
        if status != 201:
            failures += 1

    # Kiosks stay connected all day: each opens its connection (and takes one ticket,
    # not counted) before the clock starts, so the figures are not about TCP set-up.
    connections = [
        RawHttp(host, int(port), {"Authorization": f"Bearer bench-kiosk-token-{i:06d}"})
        for i in range(KIOSKS)
    ]
    await asyncio.gather(
        *(c.post("/api/v1/sites/bench/tickets", {"service": "A"}) for c in connections)
    )
    deadline = time.perf_counter() + seconds

    async def kiosk(i: int) -> None:
        n = 0
        if rate is None:
            client = connections[i]
            while time.perf_counter() < deadline:
                await one(client, n)
                n += 1
            await client.close()
            return
        # Open loop: a request may start before the previous answer, so each in-flight
        # request needs its own connection; idle ones are reused.
        idle: list[RawHttp] = [connections[i]]
        interval = KIOSKS / rate
        next_at = time.perf_counter() + interval * i / KIOSKS
        pending = set()

        async def send(n: int) -> None:
            client = idle.pop() if idle else RawHttp(host, int(port), connections[i].headers)
            await one(client, n)
            idle.append(client)

        while next_at < deadline:
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
            pending.add(asyncio.create_task(send(n)))
            n += 1
            next_at += interval
        await asyncio.gather(*pending)
        for client in idle:
            await client.close()

    start, cpu = time.perf_counter(), cpu_seconds(server_pid)
    pg_before, load_before = postgres_cpu(DATABASE), os.times()
    await asyncio.gather(*(kiosk(i) for i in range(KIOSKS)))
    elapsed, cpu = time.perf_counter() - start, cpu_seconds(server_pid) - cpu
    pg_cpu = postgres_cpu_since(DATABASE, pg_before)
    load_cpu = (lambda t: t.user + t.system)(os.times()) - sum(load_before[:2])
    mode = f"offered {rate:.0f}/s" if rate else "closed loop"
    report(f"issue_ticket ({KIOSKS} kiosks, {mode})", len(latencies), elapsed, latencies, "tickets")
    per = 1000 / max(1, len(latencies))
    cpu_ms = cpu * per
    line = f"  server CPU {cpu_ms:.2f} ms per ticket"
    if pg_cpu:
        line += f", PostgreSQL {pg_cpu * per:.2f} ms"
    line += f", load generator {load_cpu * per:.2f} ms; load average {os.getloadavg()[0]:.2f}"
    print(line, flush=True)
    if failures:
        print(f"  ({failures} requests failed)")
    return len(latencies) / elapsed, cpu_ms


async def clerk_client(url: str, n: int) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=url, timeout=30)
    answer = await client.post(
        "/api/v1/auth/login", json={"site": "bench", "username": f"clerk{n}", "password": PASSWORD}
    )
    answer.raise_for_status()
    client.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
    (await client.post(f"/api/v1/sites/bench/counters/{n}/open")).raise_for_status()
    return client


async def call_load(url: str, seconds: float) -> None:
    clerks = [await clerk_client(url, n) for n in range(1, COUNTERS + 1)]
    latencies: list[float] = []
    empty = 0
    deadline = time.perf_counter() + seconds

    async def counter(n: int, client: httpx.AsyncClient) -> None:
        nonlocal empty
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            response = await client.post(f"/api/v1/sites/bench/counters/{n}/call-next")
            latencies.append(time.perf_counter() - t0)
            response.raise_for_status()
            if response.status_code == 204:
                empty += 1
                await asyncio.sleep(0.01)
                continue
            ticket = response.json()["id"]
            (await client.post(f"/api/v1/sites/bench/tickets/{ticket}/no-show")).raise_for_status()

    start = time.perf_counter()
    await asyncio.gather(*(counter(n, c) for n, c in enumerate(clerks, start=1)))
    report(
        f"call_next ({COUNTERS} counters)",
        len(latencies),
        time.perf_counter() - start,
        latencies,
        "calls",
    )
    if empty:
        print(f"  (queue ran empty {empty} times: issue more tickets first)")
    for n, client in enumerate(clerks, start=1):
        await client.post(f"/api/v1/sites/bench/counters/{n}/close")
        await client.aclose()


async def fanout(url: str, clients: int, server_pid: int, calls: int = 40) -> None:
    """`clients` WebSocket clients connect all at once, as every display and counter does
    after a server restart or a network blip; then each call's `ticket.called` event is
    timed from the clerk's answer to its arrival at every client."""
    ws = url.replace("http://", "ws://") + "/api/v1/sites/bench/events"
    ws += "?token=bench-display-token-0001"
    memory_before = rss_bytes(server_pid)
    connected = time.perf_counter()
    sockets = await asyncio.gather(
        *(websockets.connect(ws, max_size=2**24, open_timeout=60) for _ in range(clients))
    )
    for sock in sockets:
        assert json.loads(await sock.recv())["type"] == "reset"
    connected = time.perf_counter() - connected
    memory = (rss_bytes(server_pid) - memory_before) / clients
    clerk = await clerk_client(url, 1)
    kiosk = httpx.AsyncClient(
        base_url=url, timeout=30, headers={"Authorization": "Bearer bench-kiosk-token-000000"}
    )
    latencies: list[float] = []
    for _ in range(calls):
        (await kiosk.post("/api/v1/sites/bench/tickets", json={"service": "A"})).raise_for_status()
        for sock in sockets:  # drain the ticket.issued event everywhere first
            await sock.recv()
        response = await clerk.post("/api/v1/sites/bench/counters/1/call-next")
        answered = time.perf_counter()
        ticket = response.json()["id"]

        async def arrival(sock: websockets.ClientConnection) -> float:
            while True:
                event = json.loads(await sock.recv())
                if event["type"] == "ticket.called":
                    return time.perf_counter()

        arrived = await asyncio.gather(*(arrival(s) for s in sockets))
        latencies += [max(0.0, t - answered) for t in arrived]
        (await clerk.post(f"/api/v1/sites/bench/tickets/{ticket}/no-show")).raise_for_status()
        for sock in sockets:
            await sock.recv()  # the no-show event
    ms = [v * 1000 for v in latencies]
    print(
        f"{'fan-out to ' + str(clients) + ' clients':<44} {'':>15}   "
        f"p50 {statistics.median(ms):6.1f} ms   p99 {percentile(ms, 99):6.1f} ms"
        f"   (n={len(ms)} deliveries, {calls} calls)",
        flush=True,
    )
    print(
        f"  all connected with their reset in {connected:.1f} s; "
        f"server memory {memory / 1024:.0f} KiB per connection",
        flush=True,
    )
    await asyncio.gather(*(s.close() for s in sockets))
    await clerk.aclose()
    await kiosk.aclose()


def settle(pid: int, deadline: float) -> None:
    """Wait until the server's processes stop using CPU (all workers have started)."""
    while time.monotonic() < deadline:
        before = cpu_seconds(pid)
        time.sleep(1.0)
        if cpu_seconds(pid) - before < 0.1:
            return


def start_server(
    database: str, config: Path, port: int, workers: int = 1
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "KOLEJKA_KIOSK_RATE_PER_MINUTE": "100000000",
        "KOLEJKA_LOG_LEVEL": "warning",
        "KOLEJKA_SUBSCRIBER_QUEUE": "100000",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kolejka.cli",
            "server",
            "--database",
            database,
            "--config",
            str(config),
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,  # its workers with it: stopped together, never left behind
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                settle(process.pid, deadline)  # the other workers finish starting too
                return process
        except httpx.TransportError:
            time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    raise SystemExit("server did not start")


def _admin_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def fresh_postgres(url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(_admin_url(url), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name


def drop_postgres(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(_admin_url(url).rsplit("/", 1)[0] + "/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    global KIOSKS, COUNTERS, SERVICES
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--database", help="default: a fresh SQLite file")
    parser.add_argument("--only", choices=["issue", "call", "fanout", "issue-call"])
    parser.add_argument(
        "--rate",
        type=float,
        action="append",
        help="also run the issue phase open-loop at this offered rate (tickets/s; may repeat)",
    )
    parser.add_argument(
        "--clients",
        type=int,
        action="append",
        help=f"WebSocket clients of the fan-out phase (default {SUBSCRIBERS}; may repeat)",
    )
    parser.add_argument("--workers", type=int, default=1, help="server processes (PostgreSQL)")
    parser.add_argument("--kiosks", type=int, default=KIOSKS)
    parser.add_argument("--counters", type=int, default=COUNTERS)
    parser.add_argument("--services", default=SERVICES, help="services the kiosks issue (AB)")
    parser.add_argument("--calls", type=int, default=40, help="calls timed in the fan-out")
    args = parser.parse_args()
    KIOSKS, COUNTERS, SERVICES = args.kiosks, args.counters, args.services
    workdir = Path(tempfile.mkdtemp(prefix="kolejka-bench-"))
    config = workdir / "bench.toml"
    bench_config(config)
    database = args.database or f"sqlite:///{workdir / 'bench.sqlite3'}"
    fresh = None
    if database.startswith("postgresql"):  # a fresh database beside the one named
        fresh = f"kolejka_bench_{os.getpid()}"
        database = fresh_postgres(database, fresh)
    port = free_port()
    global DATABASE
    DATABASE = database
    try:
        run_phases(args, database, config, port)
    finally:
        if fresh is not None:
            drop_postgres(database, fresh)


def run_phases(args: argparse.Namespace, database: str, config: Path, port: int) -> None:
    server = start_server(database, config, port, args.workers)
    url = f"http://127.0.0.1:{port}"
    print(
        f"kolejka bench: {database.split(':')[0]}, {os.cpu_count()} CPUs, "
        f"{args.seconds:.0f} s per phase, {args.workers} server process(es), "
        f"{KIOSKS} kiosks on {SERVICES}, {COUNTERS} counters",
        flush=True,
    )
    try:
        if args.only in (None, "issue", "issue-call"):
            asyncio.run(issue_load(url, args.seconds, None, server.pid))
            for rate in args.rate or []:
                asyncio.run(issue_load(url, args.seconds, rate, server.pid))
        if args.only in (None, "call", "issue-call"):
            asyncio.run(call_load(url, args.seconds))
        if args.only in (None, "fanout"):
            for clients in args.clients or [SUBSCRIBERS]:
                asyncio.run(fanout(url, clients, server.pid, args.calls))
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # never leave a busy server behind
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        with contextlib.suppress(ProcessLookupError):  # nor a worker of it
            os.killpg(server.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
