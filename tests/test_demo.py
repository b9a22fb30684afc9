"""`kolejka demo` starts the server with the demo office and opens the app windows."""

import os
import subprocess
import sys

from tests.support import free_port


def test_demo_runs_headless_and_quits_cleanly(tmp_path):
    port = free_port()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kolejka.cli",
            "demo",
            "--fresh",
            "--port",
            str(port),
            "--quit-after",
            "5",
            "--print-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"http://127.0.0.1:{port}" in result.stdout
    assert "Traceback" not in result.stderr


def test_cli_lists_every_role():
    result = subprocess.run(
        [sys.executable, "-m", "kolejka.cli", "--help"], capture_output=True, text=True, timeout=60
    )
    for role in ("server", "kiosk", "display", "demo"):
        assert role in result.stdout
