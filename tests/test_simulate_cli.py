"""`kolejka simulate` plays a planned day against a live server (here as fast as it
answers) and the day's statistics then hold what it did."""

from __future__ import annotations

from kolejka.cli import main
from tests.support import KIOSK_TOKEN, PASSWORD


def test_simulate_a_day(sqlite_server, capsys):
    clerks = [f"--clerk=clerk{n}:{PASSWORD}" for n in (1, 2)]
    code = main(
        [
            "simulate",
            "--server",
            sqlite_server.url,
            "--site",
            "test",
            "--day",
            "2026-11-24",
            "--visitors",
            "25",
            "--speed",
            "0",
            "--kiosk-token",
            KIOSK_TOKEN,
            *clerks,
        ]
    )
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "issued" in out.out and "%" in out.err  # the summary, and the progress
    issued = int(out.out.split("kolejka simulate: ")[1].split(" issued")[0])
    assert issued > 10
    services = sqlite_server.services
    day = services.statistics.today("test")
    stats = services.statistics.range_stats("test", None, day, day).figures
    assert stats.total.issued == issued
    assert stats.total.served > 0


def test_simulate_without_a_server(capsys):
    code = main(["simulate", "--server", "http://127.0.0.1:9", "--day", "2026-11-24"])
    assert code == 1
    assert "http://127.0.0.1:9" in capsys.readouterr().err
