"""A private X server for tests and screenshots: Xvfb on a display number it picks itself.

`-displayfd` makes Xvfb choose a free display and write its number once it accepts
connections, so nothing guesses a number or waits on a timer.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager


class XvfbMissing(RuntimeError):
    pass


@contextmanager
def xvfb(width: int = 1920, height: int = 1080, depth: int = 24) -> Iterator[str]:
    """Yield the DISPLAY (":N") of a fresh Xvfb screen of `width`×`height`; stop it after."""
    binary = shutil.which("Xvfb")
    if binary is None:
        raise XvfbMissing("Xvfb is not installed (scripts/setup.sh installs it: apt-get xvfb)")
    read_end, write_end = os.pipe()
    process = subprocess.Popen(
        [
            binary,
            "-displayfd",
            str(write_end),
            "-screen",
            "0",
            f"{width}x{height}x{depth}",
            "-nolisten",
            "tcp",
            "-noreset",
        ],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    os.close(write_end)
    try:
        ready, _, _ = select.select([read_end], [], [], 30)
        number = os.read(read_end, 64).decode().strip() if ready else ""
        if not number:
            process.kill()
            _, err = process.communicate(timeout=10)
            raise RuntimeError(f"Xvfb did not start: {err.decode(errors='replace')[-500:]}")
        yield f":{number}"
    finally:
        os.close(read_end)
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        if process.stderr is not None:
            process.stderr.close()


def rerun_on_xvfb(width: int = 1920, height: int = 1920) -> None:
    """Run the calling script again on a private Xvfb with Qt's xcb platform (the way the
    apps run on a real display), unless it already runs there; exit with its status.

    For the screenshot scripts: what they save is what an X server shows, not the offscreen
    platform's rendering. The screen is square so landscape and portrait windows both fit.
    """
    if os.environ.get("KOLEJKA_ON_XVFB") == "1":
        return
    import sys

    with xvfb(width, height) as display:
        env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "KOLEJKA_ON_XVFB": "1"}
        env.pop("WAYLAND_DISPLAY", None)
        status = subprocess.call([sys.executable, *sys.argv], env=env)
    raise SystemExit(status)
