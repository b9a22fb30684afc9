"""Online booking and notification benchmark: prints figures, asserts nothing.

    .venv/bin/python bench/booking.py [--only bookers|reminders] [--database URL]
                                      [--bookers 100] [--client raw|httpx] [--addresses 100]
                                      [--reminders 3000] [--delay 1.0]
                                      [--connections 100] [--rate 0]

Starts `kolejka server` in a separate process on a fresh database, then:

1. bookers: a day's slots (tomorrow 08:00-16:00, 15 minutes, 2 places: 64 places) are
   opened at once to `--bookers` visitors who each load the slots page, pick a free time
   at random, load its form and — all together, released by one barrier — send it. The
   booking POST's p50/p99, how many were booked and refused, whether every refused one
   was told the time is gone (the page's message), and the most bookings any slot holds.
   The POSTs are sent as prebuilt bytes on connections opened before the barrier
   (`--client httpx`: through httpx, whose own CPU on this host was in the figure).
2. reminders: `--reminders` bookings for tomorrow are put in the database; the server's
   sender queues their reminders and sends them through a real SMTP server (aiosmtpd,
   STARTTLS + AUTH) that takes `--delay` s per message, over `--connections` connections, at most
   `--rate` started a second (the sender's pace) — in a process of its own at nice
   19 (`--smtp-nice`), standing in for the office's mail server, another machine, so that
   it does not take the API's CPU at the API's priority. Meanwhile 8 kiosks issue tickets
   at 20/s; their p50/p99 before the reminders, while they go out (~40 s) and after them
   (`--baseline` s each side, as long as the sending), how long the reminders took, how
   many arrived, and whether any arrived twice.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from load import (  # noqa: E402
    RawHttp,
    cpu_seconds,
    drop_postgres,
    free_port,
    fresh_postgres,
    percentile,
    settle,
)

ZONE = ZoneInfo("Europe/Warsaw")
KIOSKS = 8


def bench_config(path: Path) -> None:
    names = '{ pl = "Sprawa", en = "Matter", ru = "Дело", uk = "Справа" }'
    lines = [
        "[[sites]]",
        'code = "bench"',
        'name = "Bench office"',
        "[sites.rules]",
        "bookings_per_address_per_day = 10000",
        "bookings_per_contact = 100",
        "",
        # A: booked online, one day released (the bookers); tomorrow 08:00-16:00.
        "[[sites.services]]",
        'code = "A"',
        f"names = {names}",
        "slot_minutes = 15",
        "slot_capacity = 2",
        'hours = { mon = ["08:00-16:00"], tue = ["08:00-16:00"], wed = ["08:00-16:00"], '
        'thu = ["08:00-16:00"], fri = ["08:00-16:00"], sat = ["08:00-16:00"], '
        'sun = ["08:00-16:00"] }',
        "[sites.services.online_booking]",
        "enabled = true",
        "days_ahead = 3",
        "until_hours_before = 0",
        'contact = "email"',
        "",
        # R: the reminders' bookings (open all day); W: walk-ins the kiosks issue.
        "[[sites.services]]",
        'code = "R"',
        f"names = {names}",
        "slot_minutes = 15",
        "slot_capacity = 100",
        "",
        "[[sites.services]]",
        'code = "W"',
        f"names = {names}",
        "",
        "[[sites.counters]]",
        "number = 1",
        'services = [{ service = "W" }]',
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
    path.write_text("\n".join(lines), encoding="utf-8")


def start_server(
    database: str, config: Path, port: int, env: dict[str, str]
) -> subprocess.Popen[bytes]:
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
        ],
        env={
            **os.environ,
            "KOLEJKA_KIOSK_RATE_PER_MINUTE": "100000000",
            "KOLEJKA_LOG_LEVEL": "warning",
            "KOLEJKA_BOOKING_POSTS_PER_MINUTE": "1000000",
            **env,
        },
        cwd=ROOT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                settle(process.pid, deadline)
                return process
        except httpx.TransportError:
            time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    raise SystemExit("server did not start")


def stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def report(name: str, latencies_s: list[float]) -> None:
    ms = sorted(x * 1000 for x in latencies_s)
    if not ms:
        print(f"{name:34s} no samples")
        return
    print(
        f"{name:34s} p50 {percentile(ms, 50):7.1f} ms   p99 {percentile(ms, 99):7.1f} ms"
        f"   (n={len(ms)})"
    )


# --- 1. a day's slots to 100 bookers at once ------------------------------------------------


async def book_at_once(
    url: str,
    day: str,
    count: int,
    at_barrier: Callable[[], None],
    client: str = "raw",
    addresses: int = 100,
) -> tuple[list[float], list[str]]:
    """`count` visitors each load the day's times and a free time's form, then all send
    it together (`at_barrier` runs as they are released): each POST's seconds and what it
    came to (booked, told full, other).

    The POSTs go out as prebuilt bytes on connections opened before the barrier
    (`client="raw"`): a hundred bookers are a hundred browsers on other machines, while
    httpx in this one process spends about as much CPU per request as the server, on the
    same two cores, and its loop reads each answer only once it has sent the others — the
    figure was then the generator's. `client="httpx"` sends them through httpx as before.

    The raw POSTs come from `addresses` loopback addresses (127.0.0.2, .3, …; every
    127.0.0.0/8 address is this host's), one per booker while there are enough: the
    server's per-address checks then read what a hundred visitors' would, not a hundred
    bookings from one address (which made its tally grow burst after burst)."""
    barrier = asyncio.Event()
    ready = 0
    latencies: list[float] = []
    outcomes: list[str] = []
    host, port = url.removeprefix("http://").split(":")

    async def visitor(n: int) -> None:
        nonlocal ready
        async with httpx.AsyncClient(base_url=url, timeout=120) as http:
            page = await http.get(f"/book/bench/A?lang=en&day={day}")
            starts = re.findall(
                r'href="/book/bench/A/form\?lang=en&(?:amp;)?start=([^"]+)"', page.text
            )
            start = random.choice(starts).replace("%3A", ":")
            form = (await http.get(f"/book/bench/A/form?lang=en&start={start}")).text
            fields = dict(re.findall(r'name="(csrf|nonce|start)" value="([^"]*)"', form))
            data = {**fields, "lang": "en", "email": f"visitor{n}@example.com", "consent": "yes"}
            if client == "raw":
                local = (f"127.0.0.{2 + n % addresses}", 0) if addresses > 1 else None
                reader, writer = await asyncio.open_connection(host, int(port), local_addr=local)
                body = urlencode(data).encode()
                cookies = "; ".join(f"{k}={v}" for k, v in http.cookies.items())
                request = (
                    f"POST /book/bench/A/form HTTP/1.1\r\nHost: {host}\r\n"
                    f"Cookie: {cookies}\r\n"
                    "Content-Type: application/x-www-form-urlencoded\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n"
                ).encode() + body
            ready += 1
            if ready == count:
                at_barrier()
                barrier.set()
            await barrier.wait()
            began = time.perf_counter()
            if client == "raw":
                try:
                    writer.write(request)
                    status, text = await _raw_answer(reader)
                finally:
                    writer.close()
                    await writer.wait_closed()
            else:
                answer = await http.post("/book/bench/A/form", data=data)
                status, text = answer.status_code, answer.text
            latencies.append(time.perf_counter() - began)
            if status == 303:
                outcomes.append("booked")
            elif status == 409 and "fully booked" in text:
                outcomes.append("told full")
            else:
                outcomes.append(f"other {status}")

    await asyncio.gather(*(visitor(n) for n in range(count)))
    return latencies, outcomes


async def _raw_answer(reader: asyncio.StreamReader) -> tuple[int, str]:
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    body = await reader.readexactly(length) if length else b""
    return int(head[9:12]), body.decode("utf-8", "replace")


async def bookers(
    url: str, count: int, database: str, server_pid: int, client: str = "raw", addresses: int = 100
) -> None:
    tomorrow = (datetime.now(ZONE) + timedelta(days=1)).date().isoformat()
    cpu_at_barrier: list[float] = []
    began = time.perf_counter()
    latencies, outcomes = await book_at_once(
        url,
        tomorrow,
        count,
        lambda: cpu_at_barrier.append(cpu_seconds(server_pid)),
        client,
        addresses,
    )
    print(
        f"bookers: {count} at once on {tomorrow}, 64 places "
        f"({time.perf_counter() - began:.1f} s in all), the POSTs from "
        f"{min(count, addresses) if client == 'raw' else 1} address(es)"
    )
    cpu = cpu_seconds(server_pid) - cpu_at_barrier[0]
    report("  booking POST", latencies)
    print(
        f"  server CPU for the {count} POSTs: {cpu * 1000:.0f} ms "
        f"({cpu * 1000 / count:.1f} ms each); load average {os.getloadavg()[0]:.1f}"
    )
    tally = {k: outcomes.count(k) for k in sorted(set(outcomes))}
    print(f"  outcomes {tally}")
    fullest = max_per_slot(database)
    print(f"  most bookings in one slot: {fullest} (capacity 2)")


def max_per_slot(database: str) -> int:
    import sqlalchemy as sa

    engine = sa.create_engine(database.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        found = conn.execute(
            sa.text(
                "SELECT max(n) FROM (SELECT count(*) AS n FROM appointment "
                "WHERE status != 'cancelled' GROUP BY service_id, start_at) AS s"
            )
        ).scalar()
    engine.dispose()
    return int(found or 0)


# --- 2. 3,000 reminders through a slow mail server --------------------------------------------


def insert_bookings(database: str, count: int) -> None:
    """Bookings for the next 2-23 hours with an e-mail each, as online ones are stored."""
    from sqlmodel import select

    from server.booking_codes import new_ref, new_short_code
    from server.db import Database
    from server.models import Appointment, Service, Site

    db = Database(database)
    now = datetime.now(UTC)
    first = (now + timedelta(hours=2)).replace(second=0, microsecond=0)
    first += timedelta(minutes=(15 - first.minute % 15) % 15)
    with db.write() as session:
        site = session.exec(select(Site).where(Site.code == "bench")).one()
        service = session.exec(select(Service).where(Service.code == "R")).one()
        for n in range(count):
            start = first + timedelta(minutes=15 * (n % 80))
            session.add(
                Appointment(
                    site_id=site.id,
                    service_id=service.id,
                    ref=new_ref(),  # type: ignore[arg-type]
                    code=new_short_code("bench") + f"{n:04d}",
                    start_at=start,
                    end_at=start + timedelta(minutes=15),
                    status="booked",
                    language="pl",
                    created_at=now,
                    created_by="bench",
                    online=True,
                    email=f"reminder{n}@example.com",
                )
            )
    db.dispose()


async def kiosk_load(url: str, seconds: float, rate: float = 20.0) -> list[float]:
    """`rate` tickets/s spread over the kiosks, open loop; the latencies."""
    host, port = url.removeprefix("http://").split(":")
    latencies: list[float] = []
    clients = [
        RawHttp(host, int(port), {"Authorization": f"Bearer bench-kiosk-token-{i:06d}"})
        for i in range(KIOSKS)
    ]
    interval = KIOSKS / rate
    end = time.perf_counter() + seconds

    async def kiosk(client: RawHttp, offset: float) -> None:
        await asyncio.sleep(offset)
        while time.perf_counter() < end:
            began = time.perf_counter()
            status, _ = await client.post(
                "/api/v1/sites/bench/tickets", {"service": "W", "language": "pl"}
            )
            if status == 201:
                latencies.append(time.perf_counter() - began)
            await asyncio.sleep(max(0.0, interval - (time.perf_counter() - began)))

    await asyncio.gather(*(kiosk(c, i * interval / KIOSKS) for i, c in enumerate(clients)))
    for client in clients:
        await client.close()
    return latencies


def own_cpu_seconds(pid: int) -> float:
    """CPU time of this one process (not its children: the sender is one of them)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_mailbox(
    folder: Path, delay_s: float, port: int, out: Any, stop: Any, logins: Any, nice: int
) -> None:
    """The SMTP server in a process of its own: in this one, its 3,000 TLS conversations
    delayed the kiosks' own event loop, and the kiosks measured the bench. At `nice` (19 by
    default): in an office the mail server is another machine, and here its 2.5 ms of CPU
    per message took the API's two cores at the API's own priority."""
    from tests.messaging import Mailbox

    os.nice(nice)
    box = Mailbox(folder, delay_s=delay_s, port=port).start()
    try:
        while not stop.is_set():
            try:
                mail = box.received.get(timeout=0.5)
            except Exception:
                continue
            finally:
                logins.value = box.logins
            out.put((str(mail["To"]), str(mail["Message-ID"])))
    finally:
        box.stop()


class RemoteMailbox:
    def __init__(self, folder: Path, delay_s: float, nice: int) -> None:
        import multiprocessing

        from tests.messaging import Mailbox

        self.local = Mailbox(folder, delay_s=delay_s)  # the settings and the certificate
        self.delay_s = delay_s
        context = multiprocessing.get_context("spawn")
        self.out = context.Queue()
        self.stop_event = context.Event()
        self.logins = context.Value("i", 0)  # connections the server saw (one AUTH each)
        self.process = context.Process(
            target=run_mailbox,
            args=(folder, delay_s, self.local.port, self.out, self.stop_event, self.logins, nice),
            daemon=True,
        )
        self.received: list[tuple[str, str]] = []

    def settings(self) -> dict[str, Any]:
        return self.local.settings()

    def start(self) -> RemoteMailbox:
        self.process.start()
        return self

    @property
    def count(self) -> int:
        while True:
            try:
                self.received.append(self.out.get_nowait())
            except Exception:
                return len(self.received)

    def stop(self) -> None:
        self.stop_event.set()
        self.process.join(timeout=10)


async def reminders(
    url: str, database: str, count: int, box: Any, baseline_s: float, server_pid: int
) -> None:
    cpu0 = own_cpu_seconds(server_pid)
    before = await kiosk_load(url, baseline_s)
    cpu1 = own_cpu_seconds(server_pid)
    report("  issue_ticket, mail idle", before)
    print(
        f"    API process CPU {(cpu1 - cpu0) * 1000 / max(1, len(before)):.2f} ms per ticket; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    insert_bookings(database, count)
    began = time.perf_counter()
    during: list[float] = []
    cpu2, all2 = own_cpu_seconds(server_pid), cpu_seconds(server_pid)
    box_cpu2 = own_cpu_seconds(box.process.pid)
    while box.count < count and time.perf_counter() - began < 1800:
        during += await kiosk_load(url, 5.0)
    took = time.perf_counter() - began
    cpu3, all3 = own_cpu_seconds(server_pid), cpu_seconds(server_pid)
    box_cpu3 = own_cpu_seconds(box.process.pid)
    report("  issue_ticket, reminders going out", during)
    print(
        f"    API process CPU {(cpu3 - cpu2) * 1000 / max(1, len(during)):.2f} ms per ticket; "
        f"its children (the sender) {(all3 - all2) - (cpu3 - cpu2):.1f} s in all; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    box.count  # noqa: B018 (drains the queue of what arrived)
    # Idle once more: the queue the kiosks built meanwhile makes a ticket dearer, and the
    # host's own noise moves a p99 by a few ms between minutes. The sending is compared
    # with the idle minutes on both sides of it, not with the first alone.
    cpu4 = own_cpu_seconds(server_pid)
    after = await kiosk_load(url, baseline_s)
    cpu5 = own_cpu_seconds(server_pid)
    report("  issue_ticket, mail idle again", after)
    print(f"    API process CPU {(cpu5 - cpu4) * 1000 / max(1, len(after)):.2f} ms per ticket")
    sender_cpu = (all3 - all2) - (cpu3 - cpu2)
    print(
        f"    sender CPU {sender_cpu * 1000 / max(1, count):.2f} ms per message; the SMTP "
        f"server's {(box_cpu3 - box_cpu2) * 1000 / max(1, count):.2f} ms per message over "
        f"{box.logins.value} connections"
    )
    ids = {m for _, m in box.received}
    recipients = {r for r, _ in box.received}
    total = len(box.received)
    print(
        f"  {total} arrived in {took:.0f} s ({len(recipients)} recipients, "
        f"{len(ids)} Message-IDs, {total - len(recipients)} twice); "
        f"the mail server takes {box.delay_s} s each"
    )


# --- the run -------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["bookers", "reminders"])
    parser.add_argument("--database", help="default: a fresh SQLite file")
    parser.add_argument("--bookers", type=int, default=100)
    parser.add_argument(
        "--client",
        choices=["raw", "httpx"],
        default="raw",
        help="what sends the bookers' POSTs (see book_at_once)",
    )
    parser.add_argument(
        "--addresses",
        type=int,
        default=100,
        help="loopback addresses the raw POSTs come from (1: all from 127.0.0.1)",
    )
    parser.add_argument("--reminders", type=int, default=3000)
    parser.add_argument("--delay", type=float, default=1.0, help="s per message at the SMTP")
    parser.add_argument("--connections", type=int, default=100, help="SMTP connections")
    parser.add_argument(
        "--rate",
        type=float,
        default=0.0,
        help="deliveries the sender starts per second (KOLEJKA_SENDER_RATE_PER_S; 0: no limit)",
    )
    parser.add_argument(
        "--smtp-nice", type=int, default=19, help="the SMTP server's niceness (another machine)"
    )
    parser.add_argument(
        "--baseline", type=float, default=40.0, help="s of idle load before and after"
    )
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="kolejka-bench-booking-"))
    config = workdir / "bench.toml"
    bench_config(config)
    for phase in ("bookers", "reminders"):
        if args.only not in (None, phase):
            continue
        database = args.database or f"sqlite:///{workdir / f'{phase}.sqlite3'}"
        fresh = None
        if database.startswith("postgresql"):
            fresh = f"kolejka_bench_{os.getpid()}_{secrets.token_hex(2)}"
            database = fresh_postgres(database, fresh)
        try:
            run_phase(phase, args, database, config, workdir)
        finally:
            if fresh is not None:
                drop_postgres(database, fresh)


def run_phase(
    phase: str, args: argparse.Namespace, database: str, config: Path, workdir: Path
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    box = None
    env: dict[str, str] = {}
    if phase == "reminders":
        box = RemoteMailbox(workdir, delay_s=args.delay, nice=args.smtp_nice).start()
        env = {f"KOLEJKA_{k.upper()}": str(v) for k, v in box.settings().items()}
        env.update(
            {
                "KOLEJKA_SMTP_CONNECTIONS": str(args.connections),
                "KOLEJKA_SENDER_CONCURRENCY": str(args.connections),
                "KOLEJKA_SENDER_RATE_PER_S": str(args.rate),
                "KOLEJKA_SENDER_REMINDER_S": "2",
            }
        )
    server = start_server(database, config, port, env)
    try:
        if phase == "bookers":
            asyncio.run(
                bookers(url, args.bookers, database, server.pid, args.client, args.addresses)
            )
        else:
            print(
                f"reminders: {args.reminders} through an SMTP server taking {args.delay} s "
                f"per message, {args.connections} connections, started at most "
                f"{args.rate:g}/s (0: no limit); kiosks issue 20 tickets/s"
            )
            asyncio.run(reminders(url, database, args.reminders, box, args.baseline, server.pid))
    finally:
        stop(server)
        if box is not None:
            box.stop()


if __name__ == "__main__":
    main()
