"""`kolejka demo` starts the server with the demo office and opens the app windows."""

import subprocess
import sys

from tests.support import free_port, run_demo


def test_demo_runs_headless_and_quits_cleanly(tmp_path):
    port = free_port()
    result = run_demo(port, "--quit-after", "5", "--print-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"http://127.0.0.1:{port}" in result.stdout
    assert "Traceback" not in result.stderr


def test_cli_lists_every_role():
    result = subprocess.run(
        [sys.executable, "-m", "kolejka.cli", "--help"], capture_output=True, text=True, timeout=60
    )
    for role in ("server", "kiosk", "display", "demo"):
        assert role in result.stdout
