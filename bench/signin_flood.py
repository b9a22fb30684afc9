"""Sign-in flood benchmark: a kiosk's ticket latency while callers guess passwords.

    .venv/bin/python bench/signin_flood.py [--seconds 10] [--guessers 8]

Starts `kolejka server` in its own process (as bench/load.py does), then one kiosk issues
tickets back to back for N seconds, first alone, then while `--guessers` callers send
wrong passwords as fast as they are answered, each guess for another account from another
address (X-Forwarded-For, trusted from 127.0.0.1), so no per-account or per-address
throttle stops them: what is left to protect the kiosk is the bound on password checks.
Prints the kiosk's p50/p99 in each phase and how the guesses were answered. Asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import itertools
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import RawHttp, bench_config, free_port, percentile, start_server

counter = itertools.count()


async def kiosk_loop(port: int, seconds: float) -> list[float]:
    kiosk = RawHttp("127.0.0.1", port, {"Authorization": "Bearer bench-kiosk-token-000000"})
    await kiosk.post("/api/v1/sites/bench/tickets", {"service": "A"})  # connect first
    latencies: list[float] = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        start = time.perf_counter()
        status, _ = await kiosk.post("/api/v1/sites/bench/tickets", {"service": "A"})
        if status == 201:
            latencies.append(time.perf_counter() - start)
    await kiosk.close()
    return latencies


async def guesser(port: int, stop: asyncio.Event, answers: collections.Counter[int]) -> None:
    client = RawHttp("127.0.0.1", port, {})
    while not stop.is_set():
        n = next(counter)
        client.head = f"X-Forwarded-For: 10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}\r\n"
        body = {"site": "bench", "username": f"guess{n}", "password": "wrong"}
        status, _ = await client.post("/api/v1/auth/login", body)
        answers[status] += 1
    await client.close()


async def phase(port: int, seconds: float, guessers: int) -> None:
    stop = asyncio.Event()
    answers: collections.Counter[int] = collections.Counter()
    tasks = [asyncio.create_task(guesser(port, stop, answers)) for _ in range(guessers)]
    await asyncio.sleep(0.5 if guessers else 0)  # let the guessing start
    latencies = await kiosk_loop(port, seconds)
    stop.set()
    await asyncio.gather(*tasks)
    ms = [v * 1000 for v in latencies]
    line = (
        f"  {guessers} guessers: kiosk {len(ms) / seconds:6.1f} tickets/s, "
        f"p50 {percentile(ms, 50):6.1f} ms, p99 {percentile(ms, 99):6.1f} ms"
    )
    if guessers:
        total = sum(answers.values())
        line += f"; guesses answered {dict(sorted(answers.items()))} ({total / seconds:.0f}/s)"
    print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--guessers", type=int, default=8)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="kolejka-bench-"))
    config = workdir / "bench.toml"
    bench_config(config)
    port = free_port()
    server = start_server(f"sqlite:///{workdir / 'bench.sqlite3'}", config, port)
    try:
        asyncio.run(phase(port, args.seconds, 0))
        asyncio.run(phase(port, args.seconds, args.guessers))
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


if __name__ == "__main__":
    main()
