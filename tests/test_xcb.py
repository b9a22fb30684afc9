"""The apps on a real X display (Xvfb, Qt's xcb platform), not only offscreen: what a fresh
Debian machine with a monitor does. Fails when a library the xcb plugin links is missing
(scripts/setup.sh installs them), or when a window opens blank.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import LiveServer, free_port, run_demo
from tests.xvfb import xvfb

pytestmark = pytest.mark.gui
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def x_display() -> Iterator[str]:
    with xvfb(1920, 1080) as display:
        yield display


def xcb_env(display: str) -> dict[str, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "DISPLAY": display}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.pop("WAYLAND_DISPLAY", None)
    return env


def test_the_xcb_plugin_finds_every_library_it_links() -> None:
    import PySide6

    plugin = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    linked = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, check=True)
    missing = [line.split()[0] for line in linked.stdout.splitlines() if "not found" in line]
    assert not missing, f"scripts/setup.sh must install the packages of {missing}"


@pytest.mark.parametrize("app", ["kiosk", "display", "counter"])
def test_each_app_opens_on_an_x_display(
    app: str, x_display: str, sqlite_server: LiveServer, tmp_path: Path
) -> None:
    shot = tmp_path / f"{app}.png"
    result = subprocess.run(
        [sys.executable, "-m", "tests.xcb_app", app, sqlite_server.url, "test", str(shot)],
        capture_output=True,
        text=True,
        timeout=120,
        env=xcb_env(x_display),
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["platform"] == "xcb"
    assert seen["width"] >= 400 and seen["height"] >= 300, seen
    assert seen["colours"] > 3, f"the {app} window is blank on the X display: {seen}"
    assert "Could not load the Qt platform plugin" not in result.stderr
    assert seen["problems"] == [], "\n".join(seen["problems"])


def test_the_demo_runs_on_an_x_display(x_display: str, tmp_path: Path) -> None:
    port = free_port()
    result = run_demo(
        port,
        "--quit-after",
        "5",
        "--print-dir",
        str(tmp_path),
        env=xcb_env(x_display),
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert "qt.qpa" not in result.stderr, result.stderr[-3000:]


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (1366, 768)])
def test_the_demos_windows_do_not_overlap_and_nothing_scrolls_sideways(
    width: int, height: int, tmp_path: Path
) -> None:
    """The real `kolejka demo` on a screen of its own (tests/xcb_demo.py): side by side on a
    full-HD screen, the counter window in its sign-in's place; cascaded (and said so) on a
    laptop's; in both no scroll area wider than its window and no text clipped."""
    from kolejka.demo_layout import demo_layout, overlaps

    with xvfb(width, height) as display:
        result = subprocess.run(
            [sys.executable, "-m", "tests.xcb_demo", str(free_port()), str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=400,
            env=xcb_env(display),
            cwd=ROOT,
        )
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert "timeout" not in seen, seen
    assert seen["platform"] == "xcb"
    windows = seen["windows"]
    assert set(windows) == {"KioskWindow", "DisplayWindow", "CounterWindow"}, windows
    for name, window in windows.items():
        assert window["scrolls"] == [], (name, window["scrolls"])
        assert window["problems"] == [], (name, window["problems"])
    frames = {name: tuple(window["frame"]) for name, window in windows.items()}
    layout = demo_layout(tuple(seen["screen"]))
    cascaded = "they are cascaded" in result.stdout
    assert cascaded is (not layout.side_by_side)
    if layout.side_by_side:
        assert frames["KioskWindow"] == layout.places["kiosk"]
        assert frames["DisplayWindow"] == layout.places["board"]
        assert frames["CounterWindow"] == layout.places["counter"]  # where the sign-in was
        names = sorted(frames)
        for i, first in enumerate(names):
            for second in names[i + 1 :]:
                assert not overlaps(frames[first], frames[second]), frames
