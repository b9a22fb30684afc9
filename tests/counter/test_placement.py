"""The counter window opens where its sign-in window was (pure geometry, and the real
windows offscreen against a real server)."""

import gc

import pytest

from counter.app import build_counter_window
from counter.placement import counter_place
from counter.window import FULL_SIZE
from kolejka.gui_gc import collector
from tests.support import PASSWORD

SCREEN = (0, 0, 1920, 1080)


def test_a_sign_in_the_view_fits_in_is_kept_exactly() -> None:
    assert counter_place((1400, 630, 520, 450), SCREEN, (480, 340), (480, 400)) == (
        1400,
        630,
        520,
        450,
    )


def test_a_small_sign_in_keeps_its_corner_and_the_view_gets_its_usual_size() -> None:
    assert counter_place((300, 200, 460, 360), SCREEN, (995, 569), FULL_SIZE) == (
        300,
        200,
        *FULL_SIZE,
    )


def test_the_counter_window_stays_on_the_sign_ins_screen() -> None:
    right = (1920, 0, 1920, 1080)  # the second monitor
    x, y, w, h = counter_place((3400, 900, 460, 360), right, (995, 569), FULL_SIZE)
    assert (w, h) == FULL_SIZE
    assert x >= 1920 and x + w <= 3840 and y + h <= 1080
    # A screen smaller than the usual size: the whole screen, never under the minimum.
    assert counter_place((10, 10, 300, 200), (0, 0, 1024, 600), (995, 569), FULL_SIZE) == (
        0,
        0,
        1024,
        600,
    )


@pytest.fixture
def shells(qtbot):
    made = []
    collector().pin()
    yield made
    for shell in made:
        shell.shutdown()
        if shell.counter_window is not None:
            shell.counter_window.close()
    made.clear()
    gc.collect()
    collector().release()


@pytest.mark.gui
@pytest.mark.parametrize("compact", [True, False], ids=["compact", "full"])
def test_the_counter_window_opens_in_the_sign_in_windows_place(
    qtbot, sqlite_server, shells, compact
) -> None:
    shell = build_counter_window(
        sqlite_server.url, "test", username="clerk1", password=PASSWORD, counter=1, compact=compact
    )
    shells.append(shell)
    qtbot.addWidget(shell)
    shell.show()  # before the sign-in's answer comes: the event loop has not run yet
    shell.setGeometry(40, 30, 520, 450)
    sign_in = shell.geometry()
    qtbot.waitUntil(lambda: shell.counter_window is not None, timeout=10_000)
    window = shell.counter_window
    qtbot.waitUntil(window.isVisible, timeout=10_000)
    assert not shell.isVisible()
    assert window.compact is compact
    if compact:  # the strip fits the sign-in's rectangle: the very same
        assert window.geometry() == sign_in
    else:  # the full view does not: its usual size (the screen's at most) on that screen
        area = window.screen().availableGeometry()
        assert window.screen() is shell.screen()
        assert window.width() >= min(FULL_SIZE[0], area.width())
        assert window.height() >= min(FULL_SIZE[1], area.height())
        assert window.x() <= max(sign_in.x(), area.x())
