"""Rounds of bench/booking.py's bookers burst on one server: the POST's server CPU, finer.

    .venv/bin/python bench/booking_rounds.py [ROUNDS] [raw|httpx] [ADDRESSES]

`booking.py --only bookers` counts the server's CPU in clock ticks (10 ms) over one burst
of 100 POSTs on a fresh server; on a shared host one run says little. This runs ROUNDS
bursts (100 bookers at once, one day each: the 2nd day ahead, the 3rd, ...) on one server
and reads the server's CPU from /proc/<pid>/task/*/schedstat (nanoseconds, every thread):
per round the CPU per POST, p50/p99 and the outcomes, then the median. Prints figures,
asserts nothing. Run it alternately with the code before a change. ADDRESSES (100): the
loopback addresses the POSTs come from, as in booking.py's `--addresses`.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import booking as bench

COUNT = 100


def cpu_ns(pid: int) -> int:
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except OSError:  # the thread ended meanwhile
            continue
    return total


async def burst(
    url: str, day: str, pid: int, client: str, addresses: int
) -> tuple[float, float, float, dict[str, int]]:
    at_barrier: list[int] = []
    latencies, outcomes = await bench.book_at_once(
        url, day, COUNT, lambda: at_barrier.append(cpu_ns(pid)), client, addresses
    )
    cpu_ms = (cpu_ns(pid) - at_barrier[0]) / 1e6 / COUNT
    ms = sorted(x * 1000 for x in latencies)
    tally = {k: outcomes.count(k) for k in sorted(set(outcomes))}
    return cpu_ms, bench.percentile(ms, 50), bench.percentile(ms, 99), tally


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    client = sys.argv[2] if len(sys.argv) > 2 else "raw"
    addresses = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    workdir = Path(tempfile.mkdtemp(prefix="kolejka-bench-rounds-"))
    config = workdir / "bench.toml"
    bench.bench_config(config)
    config.write_text(config.read_text().replace("days_ahead = 3", f"days_ahead = {rounds + 3}"))
    port = bench.free_port()
    server = bench.start_server(f"sqlite:///{workdir / 'b.sqlite3'}", config, port, {})
    cpus = []
    try:
        for n in range(rounds):
            day = (datetime.now(bench.ZONE) + timedelta(days=2 + n)).date().isoformat()
            cpu, p50, p99, tally = asyncio.run(
                burst(f"http://127.0.0.1:{port}", day, server.pid, client, addresses)
            )
            cpus.append(cpu)
            load = Path("/proc/loadavg").read_text().split()[0]
            print(
                f"  round {n}: {cpu:.2f} ms server CPU per POST   p50 {p50:.0f} ms   "
                f"p99 {p99:.0f} ms   {tally}   load average {load}",
                flush=True,
            )
    finally:
        bench.stop(server)
    print(f"  median {statistics.median(cpus):.2f} ms server CPU per POST over {rounds} rounds")


if __name__ == "__main__":
    main()
