"""The whole screen as a newcomer sees it after `kolejka demo`.

    .venv/bin/python scripts/screenshot_demo_desktop.py [OUT.png] [WIDTHxHEIGHT]

Starts a private Xvfb of that size (default docs/images/demo-desktop.png, 1920x1080) with no
window manager, runs `kolejka demo --fresh` on it with Qt's xcb platform as a newcomer's
first command runs it, and once the demo's windows are up grabs the X server's whole screen
from a second process on the same display (`QScreen.grabWindow(0)`), so the picture is what
the X server shows, every window where the demo put it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support import free_port  # noqa: E402
from tests.xvfb import xvfb  # noqa: E402

# After the server answers: the windows open, sign in, load their data and paint.
SETTLE_S = 15.0


def grab(out: Path) -> int:
    """In the process on the demo's display: the whole screen to `out`."""
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication(sys.argv[:1])
    screen = app.primaryScreen()
    picture = screen.grabWindow(0)
    if picture.isNull() or not picture.save(str(out)):
        print(f"could not grab the screen into {out}", file=sys.stderr)
        return 1
    print(f"{out}: {picture.width()}x{picture.height()}")
    return 0


def main(out: Path, size: str) -> int:
    width, height = (int(n) for n in size.lower().split("x"))
    port = free_port()
    with xvfb(width, height) as display:
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        env.pop("WAYLAND_DISPLAY", None)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        prints = tempfile.mkdtemp(prefix="kolejka-tickets-")
        command = [sys.executable, "-m", "kolejka.cli", "demo", "--fresh", "--port", str(port)]
        demo = subprocess.Popen(
            [*command, "--print-dir", prints, "--quit-after", "300"], env=env, cwd=ROOT
        )
        try:
            deadline = time.monotonic() + 240
            while True:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if demo.poll() is not None or time.monotonic() > deadline:
                    print("the demo did not start", file=sys.stderr)
                    return 1
                time.sleep(0.5)
            time.sleep(SETTLE_S)
            return subprocess.call(
                [sys.executable, __file__, "--grab", str(out)], env=env, cwd=ROOT
            )
        finally:
            demo.send_signal(signal.SIGINT)
            try:
                demo.wait(timeout=60)
            except subprocess.TimeoutExpired:
                demo.kill()
                demo.wait()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--grab"]:
        sys.exit(grab(Path(sys.argv[2])))
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs/images/demo-desktop.png"
    sys.exit(main(target, sys.argv[2] if len(sys.argv) > 2 else "1920x1080"))
