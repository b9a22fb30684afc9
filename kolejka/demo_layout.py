"""Where `kolejka demo` puts its three windows on the screen.

Each app gets a size it is made for: the kiosk a tall column on the left (its screens
reflow to a portrait kiosk's width), the hall board top-right at 16:9, the counter app in its
compact view bottom-right. The sizes below are the least at which every screen of the app
shows whole in the four languages (tests/test_screens_fit.py checks each at exactly these
sizes). When the screen is too small for all three, they are cascaded at the sizes they are
made for, and the demo says so.

Pure geometry on (x, y, width, height) tuples, frames included, so it is tested without Qt.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

Rect = tuple[int, int, int, int]
Size = tuple[int, int]

ROLES = ("kiosk", "board", "counter")
# A portrait kiosk: its start screen needs about 800 px across on an X display (798 with
# the demo's fonts), and every screen shows whole at 1080 px high (a kiosk that reflowed to
# one column of languages on a taller screen keeps it, and needs that height).
KIOSK_COLUMN = (800, 1080)
KIOSK_TALL = 1.4  # the column's height over its width, where the screen is tall enough
# The board's type scales with its window; below this the rows of earlier calls get too low
# for their counter numbers.
BOARD_LEAST = (1100, 619)
BOARD_RATIO = 16 / 9
COUNTER_COMPACT = (520, 440)  # the compact view: a long service name, a notice, a fault
# Cascaded: the sizes the apps are designed for, each window a step lower and to the right.
USUAL = {"kiosk": (1280, 800), "board": (1280, 720), "counter": COUNTER_COMPACT}
CASCADE_STEP = 48


@dataclass(frozen=True)
class DemoLayout:
    places: dict[str, Rect]
    side_by_side: bool
    needs: Size  # the least screen area for the three side by side


def _least(role: str, app: Size, minimums: Mapping[str, Size], frames: Mapping[str, Size]) -> Size:
    """The least frame for a role: the app's size, or the window's own minimum where that
    is larger, with the window manager's frame around it."""
    own = minimums.get(role, (0, 0))
    frame = frames.get(role, (0, 0))
    return (max(app[0], own[0]) + frame[0], max(app[1], own[1]) + frame[1])


def demo_layout(
    area: Rect,
    minimums: Mapping[str, Size] | None = None,
    frames: Mapping[str, Size] | None = None,
) -> DemoLayout:
    """The windows' frames on a screen whose free area is `area`. `minimums` are the
    windows' own minimum sizes (Qt's), `frames` what the window manager's frame adds to
    each (width, height)."""
    minimums, frames = minimums or {}, frames or {}
    kiosk_least = _least("kiosk", KIOSK_COLUMN, minimums, frames)
    board_least = _least("board", BOARD_LEAST, minimums, frames)
    counter = _least("counter", COUNTER_COMPACT, minimums, frames)
    ax, ay, aw, ah = area
    needs = (
        kiosk_least[0] + max(board_least[0], counter[0]),
        max(kiosk_least[1], board_least[1] + counter[1]),
    )
    if aw < needs[0] or ah < needs[1]:
        return DemoLayout(cascade(area, minimums, frames), False, needs)
    kiosk_width = max(kiosk_least[0], min(round(ah / KIOSK_TALL), aw - board_least[0]))
    right = aw - kiosk_width
    board_height = min(ah - counter[1], round(right / BOARD_RATIO))
    board_width = min(right, round(board_height * BOARD_RATIO))
    places = {
        "kiosk": (ax, ay, kiosk_width, ah),
        "board": (ax + aw - board_width, ay, board_width, board_height),
        "counter": (ax + aw - counter[0], ay + board_height, counter[0], ah - board_height),
    }
    return DemoLayout(places, True, needs)


def cascade(
    area: Rect,
    minimums: Mapping[str, Size] | None = None,
    frames: Mapping[str, Size] | None = None,
) -> dict[str, Rect]:
    """Each window at its usual size (within the screen, never under its own minimum), a
    step lower and to the right of the one before."""
    minimums, frames = minimums or {}, frames or {}
    ax, ay, aw, ah = area
    places = {}
    for step, role in enumerate(ROLES):
        least = _least(role, (0, 0), minimums, frames)
        frame = frames.get(role, (0, 0))
        offset = step * CASCADE_STEP  # what the windows before it leave of the screen
        w = max(least[0], min(USUAL[role][0] + frame[0], aw - offset))
        h = max(least[1], min(USUAL[role][1] + frame[1], ah - offset))
        x = max(ax, min(ax + offset, ax + aw - w))
        y = max(ay, min(ay + offset, ay + ah - h))
        places[role] = (x, y, w, h)
    return places


def overlaps(first: Rect, second: Rect) -> bool:
    ax, ay, aw, ah = first
    bx, by, bw, bh = second
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah


def layout_note(layout: DemoLayout, area: Rect) -> str | None:
    """What the start-up text says when the windows could not be put side by side."""
    if layout.side_by_side:
        return None
    return (
        f"  the screen's free area ({area[2]}×{area[3]}) is too small for the three windows"
        f" side by side (they need {layout.needs[0]}×{layout.needs[1]}): they are cascaded"
        " and overlap"
    )
