"""Shared device presence benchmark: prints figures, asserts nothing.

    .venv/bin/python bench/presence.py [--devices 40] [--processes 4] [--syncs 200]
                                       [--database URL]

What a server process pays for the monitor's "last seen" across processes
(server/presence.py): every request of a kiosk and every display connection is a
dictionary write; every SYNC_S one transaction writes the devices heard of since and
reads the other processes' rows. Here `--processes` Presence objects share a fresh
PostgreSQL database; each of `--devices` devices is heard of by one of them between two
syncs (the worst case: every device changed every time). Prints the CPU time of a
heartbeat, and the CPU time (this process: the Python side) and wall time of one sync,
with the statements it sent.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg
import sqlalchemy as sa

from server.actors import Actor
from server.db import Database
from server.presence import Presence

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", type=int, default=40)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--syncs", type=int, default=200)
    parser.add_argument("--database", default=None, help="a PostgreSQL URL (default: a new db)")
    args = parser.parse_args()

    name = None
    url = args.database
    if url is None:
        name = f"kolejka_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    db = Database(url)
    try:
        db.upgrade()
        now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
        processes = [Presence(now) for _ in range(args.processes)]
        actors = [Actor("kiosk", 1, n + 1, f"k{n}") for n in range(args.devices)]

        beats = 200_000
        started = time.process_time()
        for i in range(beats):
            processes[0].seen(actors[i % len(actors)], now)
        beat_us = (time.process_time() - started) / beats * 1e6

        statements: list[str] = []
        sa.event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        cpu, wall = [], []
        for n in range(args.syncs):
            now += timedelta(seconds=5)
            owner = processes[n % len(processes)]
            for i, actor in enumerate(actors):
                processes[i % len(processes)].seen(actor, now)
            statements.clear()
            c0, w0 = time.process_time(), time.perf_counter()
            rows = owner.take(now)
            with db.write() as session:
                owner.heard(owner.exchange(session, rows, now))
            cpu.append(time.process_time() - c0)
            wall.append(time.perf_counter() - w0)
        load = Path("/proc/loadavg").read_text().split()[:3]
        per_sync = len(statements)
        print(f"devices {args.devices}, processes {args.processes}, syncs {args.syncs}")
        print(f"heartbeat (dict write): {beat_us:.2f} µs CPU")
        print(
            f"one sync ({args.devices // args.processes} rows written, "
            f"{args.devices - args.devices // args.processes} read): "
            f"CPU p50 {statistics.median(cpu) * 1e3:.2f} ms, "
            f"wall p50 {statistics.median(wall) * 1e3:.2f} ms "
            f"p99 {sorted(wall)[int(len(wall) * 0.99) - 1] * 1e3:.2f} ms, "
            f"{per_sync} statements"
        )
        print(f"per process: one sync every 5 s; load average {' '.join(load)}")
    finally:
        db.dispose()
        if name is not None:
            with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
