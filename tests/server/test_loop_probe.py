"""The benches' loop probe (server/loop_probe.py): what it writes, and that each dump
starts afresh."""

from __future__ import annotations

import asyncio
import gc
import json
import os
import signal
from pathlib import Path

from server.loop_probe import LoopProbe


def test_a_dump_counts_the_collectors_passes_and_the_next_starts_afresh(tmp_path: Path):
    probe = LoopProbe(tmp_path / "probe.json")
    gc.callbacks.append(probe._on_gc)
    try:
        gc.collect()
        probe.dump()
        first = json.loads(probe.path.read_text())
        probe.dump()
        second = json.loads(probe.path.read_text())
    finally:
        gc.callbacks.remove(probe._on_gc)
    assert first["gc"]["2"]["n"] >= 1 and first["gc"]["2"]["max_ms"] > 0
    assert second["gc"]["2"]["n"] == 0
    assert {"lag_ms", "cpu_per_wake_ms", "stalls", "seconds"} <= first.keys()


def test_sigusr1_writes_the_loops_figures(tmp_path: Path):
    async def main() -> dict:
        loop = asyncio.get_running_loop()
        probe = LoopProbe(tmp_path / "probe.json")
        probe.install(loop)
        try:
            while len(probe._lags) < 3:  # the probe's own wake-ups
                await asyncio.sleep(0)
            os.kill(os.getpid(), signal.SIGUSR1)
            while not probe.path.exists():
                await asyncio.sleep(0)
        finally:
            probe.uninstall(loop)
        return json.loads(probe.path.read_text())

    figures = asyncio.run(main())
    assert figures["lag_ms"]["n"] >= 3
    assert set(figures["cpu_per_wake_ms"]) == {"loop", "threads", "both"}
