"""Where the counter window opens: where its sign-in window was.

Pure geometry on (x, y, width, height) tuples in screen pixels, so it is tested without Qt.
"""

from __future__ import annotations

Rect = tuple[int, int, int, int]
Size = tuple[int, int]


def counter_place(sign_in: Rect, available: Rect, minimum: Size, usual: Size) -> Rect:
    """The counter window's rectangle after a sign-in shown at `sign_in` on a screen whose
    free area is `available`.

    The sign-in's very rectangle when the view (`minimum` is the least it needs) fits in
    it, so a window put in its place by the demo or by the clerk stays there; else the
    view's `usual` size from the sign-in's corner, moved back onto the sign-in's screen
    where it would stick out (never smaller than `minimum`, never larger than the screen
    unless the minimum is)."""
    x, y, width, height = sign_in
    if width >= minimum[0] and height >= minimum[1]:
        return sign_in
    ax, ay, aw, ah = available
    w = max(minimum[0], min(usual[0], aw))
    h = max(minimum[1], min(usual[1], ah))
    x = max(ax, min(x, ax + aw - w))
    y = max(ay, min(y, ay + ah - h))
    return (x, y, w, h)
