"""What holds the event loop: a diagnostic for the benches, off unless asked for.

With `KOLEJKA_LOOP_PROBE=<file>` the server wakes from a short sleep again and again and
notes how late each wake-up is (the loop's lag, as any request would feel it) and what
the process did meanwhile: the loop thread's own CPU time (callbacks running: requests,
the collector) and the other threads' (the writer, the pool: while they hold the GIL the
loop waits for it); the rest of a late wake-up is the host giving the core to another
process. The garbage collector's passes are timed per generation. uvloop's callbacks
cannot be timed one by one, so this is what can be told from inside.

Each SIGUSR1 writes the figures since the previous one to the file (JSON) and starts
afresh, so a bench can bracket each phase. A bench tool (a wake-up every 2 ms costs about
1 % of a core), not for production.
"""

from __future__ import annotations

import asyncio
import gc
import json
import signal
import time
from pathlib import Path
from typing import Any

LAG_INTERVAL_S = 0.002
LATE_S = 0.002  # a wake-up this late (beyond the sleep) is counted as a stall
MS = 1000.0


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q / 100))]


def _process_cpu() -> float:
    return time.clock_gettime(time.CLOCK_PROCESS_CPUTIME_ID)


class LoopProbe:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._reset()
        self._gc_started = (0.0, 0.0)
        self._lag_task: asyncio.Task[None] | None = None

    def _reset(self) -> None:
        self._since = time.perf_counter()
        self._resets = getattr(self, "_resets", 0) + 1
        self._lags: list[float] = []
        # per wake-up: the loop thread's CPU and the other threads' while it slept
        self._cpu: list[tuple[float, float]] = []
        # per late wake-up: (late by, loop thread's CPU, other threads' CPU) meanwhile
        self._stalls: list[tuple[float, float, float]] = []
        self._gc: dict[int, list[tuple[float, float]]] = {0: [], 1: [], 2: []}

    def install(self, loop: asyncio.AbstractEventLoop) -> None:
        gc.callbacks.append(self._on_gc)
        loop.add_signal_handler(signal.SIGUSR1, self.dump)
        self._lag_task = loop.create_task(self._measure_lag(), name="loop-probe-lag")

    def uninstall(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._on_gc in gc.callbacks:
            gc.callbacks.remove(self._on_gc)
        loop.remove_signal_handler(signal.SIGUSR1)
        if self._lag_task is not None:
            self._lag_task.cancel()

    def _on_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_started = (time.perf_counter(), time.thread_time())
        else:
            wall, cpu = self._gc_started
            self._gc[info["generation"]].append(
                (time.perf_counter() - wall, time.thread_time() - cpu)
            )

    async def _measure_lag(self) -> None:
        while True:
            wall, own, process = time.perf_counter(), time.thread_time(), _process_cpu()
            resets = self._resets
            await asyncio.sleep(LAG_INTERVAL_S)
            if resets != self._resets:
                continue  # the dump ran meanwhile: its own cost is not the server's
            late = time.perf_counter() - wall - LAG_INTERVAL_S
            own = time.thread_time() - own
            others = _process_cpu() - process - own
            self._lags.append(late)
            self._cpu.append((own, others))
            if late > LATE_S:
                self._stalls.append((late, own, others))

    def figures(self) -> dict[str, Any]:
        stalls = self._stalls
        return {
            "seconds": time.perf_counter() - self._since,
            "lag_ms": {
                "n": len(self._lags),
                "p50": percentile(self._lags, 50) * MS,
                "p99": percentile(self._lags, 99) * MS,
                "max": max(self._lags, default=0.0) * MS,
            },
            # Independent of the host's other load: per wake-up, the CPU the loop spent
            # on callbacks (a long one delays everything behind it) and the other
            # threads' (GIL they held), and both: the lag a quiet host would show.
            "cpu_per_wake_ms": {
                name: {
                    "p99": percentile(values, 99) * MS,
                    "p999": percentile(values, 99.9) * MS,
                    "max": max(values, default=0.0) * MS,
                }
                for name, values in (
                    ("loop", [own for own, _ in self._cpu]),
                    ("threads", [others for _, others in self._cpu]),
                    ("both", [own + others for own, others in self._cpu]),
                )
            },
            "stalls": {  # wake-ups later than LATE_S, and what the process did meanwhile
                "n": len(stalls),
                "late_ms": sum(s[0] for s in stalls) * MS,
                "loop_cpu_ms": sum(s[1] for s in stalls) * MS,
                "other_threads_cpu_ms": sum(s[2] for s in stalls) * MS,
                "worst": [
                    {"late_ms": s[0] * MS, "loop_cpu_ms": s[1] * MS, "threads_cpu_ms": s[2] * MS}
                    for s in sorted(stalls, reverse=True)[:5]
                ],
            },
            "gc": {
                str(gen): {
                    "n": len(v),
                    "total_ms": sum(w for w, _ in v) * MS,
                    "max_ms": max((w for w, _ in v), default=0.0) * MS,
                    "max_cpu_ms": max((c for _, c in v), default=0.0) * MS,
                }
                for gen, v in self._gc.items()
            },
        }

    def dump(self) -> None:
        self.path.write_text(json.dumps(self.figures(), indent=1))
        self._reset()
