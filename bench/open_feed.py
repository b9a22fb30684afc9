"""Open-feed benchmark: prints figures, asserts nothing.

    .venv/bin/python bench/open_feed.py [--seconds 20] [--rate 200] [--issue-rate 20]
                                        [--max-age 5] [--database URL] [--wrk]
                                        [--pace poisson|fixed] [--generators-nice N]

Starts `kolejka server` in its own process on a fresh database with the bench site (the
one of bench/load.py: 16 counters serving A and B), gives it some history (tickets
called and marked no-show at 8 open counters, so every estimate runs the forecast), then
measures over real HTTP from this process, open loop (requests start on a fixed schedule
whatever the answers do):

  1. the open feed alone: GET /api/open/v1/sites/bench/queues at `--rate` requests/s;
  2. the same while the kiosks issue `--issue-rate` tickets/s (POST …/tickets) and the
     counters keep calling: the feed's p50/p99, and the kiosks' p50/p99 beside it.

The per-address limit is lifted for the run (one load generator is one address). With
`--max-age 0` every request works the figures out afresh: the cost the cache saves.

`--wrk` sends the feed's requests from `wrk` (Debian's package, C, a few % of a core)
instead of this process: 20 connections, each pausing after each answer (a Lua `delay()`)
for a time drawn from an exponential law of mean `20/rate` s, so about `--rate`
requests/s arriving as from independent callers (a Poisson stream); wrk's own latency
percentiles. `--pace fixed` pauses exactly `20/rate` s instead, as until 2026-12-03: one
slow answer then lines the 20 connections up, and they go on arriving together, 20 at a
time, for the rest of the run (the p99 then measures those bursts of 20). On this 2-core
host the Python generator at 200/s took as much CPU as the server it measured, and its
event loop's delays were counted as the server's.

`--generators-nice 10` runs the kiosks and the counters (this process) at nice 10, wrk and
the server at 0: in an office they are other machines, and here, at the server's
priority, they preempt its event loop on the same two cores.

With `--wrk` the server also runs its loop probe (server/loop_probe.py; `--no-probe`
without): per phase, how late a 2 ms sleep on its event loop woke (p50/p99/max), the
wake-ups more than 2 ms late and what the server did meanwhile (the loop thread's own
CPU: callbacks; its other threads' CPU: the writer and the pool, holding the GIL; the rest
is the host's other processes), the same CPU split per wake-up as p99/p99.9/max (which
the host's other load does not inflate), and the collector's passes per generation.
On a shared host, `chrt -f 5 …` (root) lets the bench, wrk and the server preempt the
other sessions' processes: figures close to a quiet host's.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
from load import (
    RawHttp,
    bench_config,
    clerk_client,
    cpu_seconds,
    free_port,
    percentile,
    start_server,
)

FEED = "/api/open/v1/sites/bench/queues"
IDLE_REUSE_S = 4.0


class RawGet(RawHttp):
    async def get(self, path: str) -> tuple[int, bytes]:
        if self.writer is not None and time.monotonic() - self.used_at > IDLE_REUSE_S:
            await self.close()
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}\r\n{self.head}\r\n".encode())
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


async def open_loop(
    rate: float, deadline: float, request: object, latencies: list[float], failures: list[int]
) -> None:
    """Start one request every 1/rate s until `deadline`; each on an idle connection."""
    idle: list[RawGet] = []
    pending: set[asyncio.Task[None]] = set()
    interval = 1.0 / rate
    next_at = time.perf_counter()

    async def one() -> None:
        client = idle.pop() if idle else RawGet(HOST, PORT, HEADERS[request])  # type: ignore[index]
        t0 = time.perf_counter()
        if request == "feed":
            status, _ = await client.get(FEED)
            ok = status == 200
        else:
            status, _ = await client.post("/api/v1/sites/bench/tickets", {"service": "A"})
            ok = status == 201
        latencies.append(time.perf_counter() - t0)
        if not ok:
            failures.append(status)
        idle.append(client)

    while next_at < deadline:
        await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
        task = asyncio.create_task(one())
        pending.add(task)
        task.add_done_callback(pending.discard)
        next_at += interval
    await asyncio.gather(*pending)
    for client in idle:
        await client.close()


def line(name: str, latencies: list[float], seconds: float, failures: list[int]) -> str:
    ms = [v * 1000 for v in latencies]
    text = (
        f"{name:<46} {len(ms) / seconds:7.1f}/s   p50 {statistics.median(ms):6.2f} ms"
        f"   p99 {percentile(ms, 99):6.2f} ms   max {max(ms):7.2f} ms   (n={len(ms)})"
    )
    if failures:
        text += f"   {len(failures)} failed {sorted(set(failures))}"
    return text


async def history(url: str) -> list[httpx.AsyncClient]:
    """Tickets for A and B, and 8 counters that called and let go a few of them."""
    kiosk = httpx.AsyncClient(base_url=url, headers=HEADERS["kiosk"], timeout=30)
    for n in range(120):
        service = "AB"[n % 2]
        (
            await kiosk.post("/api/v1/sites/bench/tickets", json={"service": service})
        ).raise_for_status()
    await kiosk.aclose()
    clerks = [await clerk_client(url, n) for n in range(1, 9)]
    for _ in range(3):
        for n, clerk in enumerate(clerks, start=1):
            ticket = (await clerk.post(f"/api/v1/sites/bench/counters/{n}/call-next")).json()
            (
                await clerk.post(f"/api/v1/sites/bench/tickets/{ticket['id']}/no-show")
            ).raise_for_status()
    return clerks


async def counters_at_work(clerks: list[httpx.AsyncClient], deadline: float) -> int:
    """Each counter calls and lets go one ticket every ~2 s (the cache of estimates is
    forgotten at every such write)."""
    done = 0

    async def desk(n: int, clerk: httpx.AsyncClient) -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            answer = await clerk.post(f"/api/v1/sites/bench/counters/{n}/call-next")
            if answer.status_code == 200:
                await clerk.post(f"/api/v1/sites/bench/tickets/{answer.json()['id']}/no-show")
                done += 1
            await asyncio.sleep(2.0)

    await asyncio.gather(*(desk(n, c) for n, c in enumerate(clerks, start=1)))
    return done


LAG_SLEEP_MS = 2  # server/loop_probe.py's LAG_INTERVAL_S
WRK_CONNECTIONS = 20
WRK_SCRIPT = """
local pause_ms = tonumber(os.getenv("WRK_PAUSE_MS"))
local poisson = os.getenv("WRK_PACE") == "poisson"
math.randomseed(os.time())
function delay()
  if poisson then return math.floor(-math.log(1 - math.random()) * pause_ms + 0.5) end
  return pause_ms
end
"""


def _measure_at_normal_priority() -> None:
    with contextlib.suppress(PermissionError):  # raising a niceness back needs root
        os.setpriority(os.PRIO_PROCESS, 0, 0)


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


async def wrk_feed(
    url: str, rate: float, seconds: float, workdir: Path, pace: str = "poisson"
) -> tuple[str, int]:
    """The feed at about `rate` requests/s from wrk: its summary line, requests answered."""
    script = workdir / "pace.lua"
    script.write_text(WRK_SCRIPT)
    process = await asyncio.create_subprocess_exec(
        "wrk",
        "-t1",
        f"-c{WRK_CONNECTIONS}",
        f"-d{seconds:.0f}s",
        "--latency",
        "-s",
        str(script),
        url + FEED,
        stdout=asyncio.subprocess.PIPE,
        preexec_fn=_measure_at_normal_priority,
        env={
            **os.environ,
            "WRK_PAUSE_MS": str(round(WRK_CONNECTIONS / rate * 1000)),
            "WRK_PACE": pace,
        },
    )
    out, _ = await process.communicate()
    text = out.decode()
    found = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)$", text, re.M))
    if not {"50", "90", "99"} <= found.keys():
        return "wrk said: " + " | ".join(text.split("\n")), 0
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    top = re.search(r"Latency\s+\S+\s+\S+\s+(\S+)", text)
    total = re.search(r"(\d+) requests in", text)
    summary = (
        f"{float(rps[1]) if rps else 0:7.1f}/s   p50 {_ms(found['50']):6.2f} ms   "
        f"p90 {_ms(found['90']):6.2f} ms   p99 {_ms(found['99']):6.2f} ms   "
        f"max {_ms(top[1]) if top else 0:7.2f} ms" + (f"   {errors[1]} failed" if errors else "")
    )
    return summary, int(total[1]) if total else 0


async def probe_figures(server_pid: int, probe: Path | None) -> dict | None:
    """The server's loop figures since the last call (server/loop_probe.py), or None."""
    if probe is None:
        return None
    probe.unlink(missing_ok=True)
    os.kill(server_pid, signal.SIGUSR1)
    for _ in range(200):
        await asyncio.sleep(0.025)
        if probe.exists():
            try:
                return json.loads(probe.read_text())
            except ValueError:  # still being written
                continue
    return None


def probe_lines(figures: dict | None) -> str:
    if figures is None:
        return "  (no loop probe: --no-probe)"
    lag, stalls, gcs = figures["lag_ms"], figures["stalls"], figures["gc"]
    text = [
        f"  loop lag (a {LAG_SLEEP_MS} ms sleep woke late by): p50 {lag['p50']:.2f} ms   "
        f"p99 {lag['p99']:.2f} ms   max {lag['max']:.2f} ms   (n={lag['n']})",
        f"  {stalls['n']} wake-ups > 2 ms late, {stalls['late_ms']:.0f} ms in all; meanwhile "
        f"the loop's own CPU {stalls['loop_cpu_ms']:.0f} ms, the server's other threads' "
        f"{stalls['other_threads_cpu_ms']:.0f} ms (the rest: the host's other processes)",
        "  CPU while the loop slept (host-independent): "
        + ", ".join(
            f"{name} p99 {v['p99']:.2f} / p99.9 {v['p999']:.2f} / max {v['max']:.2f} ms"
            for name, v in figures["cpu_per_wake_ms"].items()
        ),
        "  worst: "
        + "; ".join(
            f"{w['late_ms']:.1f} ms (loop {w['loop_cpu_ms']:.1f}, threads "
            f"{w['threads_cpu_ms']:.1f})"
            for w in stalls["worst"][:3]
        ),
        "  gc: "
        + ", ".join(
            f"gen{g} {v['n']}x max {v['max_ms']:.2f} ms (cpu {v['max_cpu_ms']:.2f})"
            for g, v in gcs.items()
        ),
    ]
    return "\n".join(text)


async def run_wrk(
    url: str, args: argparse.Namespace, server_pid: int, workdir: Path, probe: Path | None
) -> None:
    clerks = await history(url)
    print(
        f"open feed from wrk, SQLite, max-age {args.max_age} s, {args.seconds:.0f} s per "
        f"phase, {args.pace} pauses, the kiosks at nice {args.generators_nice}, "
        f"load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    await wrk_feed(url, args.rate, 2.0, workdir, args.pace)  # warm-up
    await probe_figures(server_pid, probe)
    cpu = cpu_seconds(server_pid)
    alone, served = await wrk_feed(url, args.rate, args.seconds, workdir, args.pace)
    cpu = cpu_seconds(server_pid) - cpu
    loop_alone = await probe_figures(server_pid, probe)
    print(f"{'feed alone (wrk, ~' + str(int(args.rate)) + '/s)':<46} {alone}")
    print(
        f"  server CPU {cpu / max(1.0, served) * 1000:.3f} ms per feed request"
        f"{' (the loop probe included: --no-probe without)' if probe else ''}; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(probe_lines(loop_alone))
    issue_ms: list[float] = []
    issue_failed: list[int] = []
    deadline = time.perf_counter() + args.seconds
    await probe_figures(server_pid, probe)
    cpu = cpu_seconds(server_pid)
    (beside, served), _, calls = await asyncio.gather(
        wrk_feed(url, args.rate, args.seconds, workdir, args.pace),
        open_loop(args.issue_rate, deadline, "kiosk", issue_ms, issue_failed),
        counters_at_work(clerks, deadline),
    )
    cpu = cpu_seconds(server_pid) - cpu
    loop_beside = await probe_figures(server_pid, probe)
    name = f"feed (wrk, ~{args.rate:.0f}/s) + kiosks {args.issue_rate:.0f}/s"
    print(f"{name:<46} {beside}")
    print(line("  the kiosks' issue_ticket beside it", issue_ms, args.seconds, issue_failed))
    print(
        f"  counters called and let go {calls} tickets meanwhile; server CPU "
        f"{cpu / args.seconds * 100:.0f} % of a core; load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    print(probe_lines(loop_beside), flush=True)
    for clerk in clerks:
        await clerk.aclose()


async def run(url: str, args: argparse.Namespace, server_pid: int) -> None:
    clerks = await history(url)
    print(
        f"open feed, SQLite, max-age {args.max_age} s, {args.seconds:.0f} s per phase, "
        f"load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    # Warm-up, not counted: the first answers compile the statements and fill the cache.
    await open_loop(args.rate, time.perf_counter() + 2.0, "feed", [], [])
    latencies: list[float] = []
    failures: list[int] = []
    start, cpu = time.perf_counter(), cpu_seconds(server_pid)
    await open_loop(args.rate, start + args.seconds, "feed", latencies, failures)
    cpu = cpu_seconds(server_pid) - cpu
    print(line(f"feed alone (offered {args.rate:.0f}/s)", latencies, args.seconds, failures))
    print(f"  server CPU {cpu / max(1, len(latencies)) * 1000:.2f} ms per feed request")

    feed_ms: list[float] = []
    feed_failed: list[int] = []
    issue_ms: list[float] = []
    issue_failed: list[int] = []
    start = time.perf_counter()
    deadline = start + args.seconds
    _, _, calls = await asyncio.gather(
        open_loop(args.rate, deadline, "feed", feed_ms, feed_failed),
        open_loop(args.issue_rate, deadline, "kiosk", issue_ms, issue_failed),
        counters_at_work(clerks, deadline),
    )
    name = f"feed (offered {args.rate:.0f}/s) + kiosks {args.issue_rate:.0f}/s"
    print(line(name, feed_ms, args.seconds, feed_failed))
    print(line("  the kiosks' issue_ticket beside it", issue_ms, args.seconds, issue_failed))
    print(f"  counters called and let go {calls} tickets meanwhile", flush=True)
    for clerk in clerks:
        await clerk.aclose()


HOST = "127.0.0.1"
PORT = 0
HEADERS: dict[str, dict[str, str]] = {
    "feed": {"Accept": "application/json"},
    "kiosk": {"Authorization": "Bearer bench-kiosk-token-000000"},
}


def main() -> None:
    global PORT
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rate", type=float, default=200.0, help="feed requests/s")
    parser.add_argument("--issue-rate", type=float, default=20.0, help="tickets/s")
    parser.add_argument("--max-age", type=int, default=5, help="the feed's max-age (s)")
    parser.add_argument("--database", help="default: a fresh SQLite file")
    parser.add_argument("--wrk", action="store_true", help="the feed's load from wrk")
    parser.add_argument(
        "--pace",
        choices=("poisson", "fixed"),
        default="poisson",
        help="wrk's pause after each answer: drawn at random (independent callers) or fixed",
    )
    parser.add_argument(
        "--no-probe", action="store_true", help="without the server's loop probe (--wrk)"
    )
    parser.add_argument(
        "--generators-nice",
        type=int,
        default=0,
        help="the kiosks' and counters' niceness (this process; wrk and the server stay at 0)",
    )
    args = parser.parse_args()
    if args.wrk and shutil.which("wrk") is None:
        raise SystemExit("--wrk needs wrk (apt install wrk)")
    workdir = Path(tempfile.mkdtemp(prefix="kolejka-feed-"))
    config = workdir / "bench.toml"
    bench_config(config)
    database = args.database or f"sqlite:///{workdir / 'bench.sqlite3'}"
    PORT = free_port()
    os.environ["KOLEJKA_OPEN_FEED_RATE_PER_MINUTE"] = "100000000"
    os.environ["KOLEJKA_OPEN_FEED_MAX_AGE_S"] = str(args.max_age)
    probe = None if args.no_probe or not args.wrk else workdir / "loop-probe.json"
    if probe is not None:
        os.environ["KOLEJKA_LOOP_PROBE"] = str(probe)
    server = start_server(database, config, PORT)
    if args.generators_nice:
        # The kiosks and the counters stand for other machines: here they take the same two
        # cores, and at the server's priority they preempt its loop (wrk, which measures,
        # is started at 0 again: see wrk_feed).
        os.nice(args.generators_nice)
    try:
        if args.wrk:
            asyncio.run(run_wrk(f"http://{HOST}:{PORT}", args, server.pid, workdir, probe))
        else:
            asyncio.run(run(f"http://{HOST}:{PORT}", args, server.pid))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
