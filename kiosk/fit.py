"""Does a kiosk screen show whole? Used to pick the largest text that fits.

"Larger text" asks for type 1.3× the normal size; on a short screen (1280×800) some screens
would then run under the fold. The window tries the larger sizes first and keeps the largest
with which the shown screen overflows nowhere: no scroll area's content taller or wider than
its viewport, no label's longest word (or unwrapped line) wider than the label.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea, QWidget

SLACK = 1


def settle_layouts() -> None:
    """Run the layout requests a style change posted, as the event loop would next."""
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        QApplication.sendPostedEvents(None, QEvent.Type.Polish)


def _label_overflows(label: QLabel) -> bool:
    text = label.text()
    if not text:
        return False
    metrics = QFontMetrics(label.font())
    room = label.contentsRect().width() - 2 * label.margin()
    if label.wordWrap():
        widest = max((metrics.horizontalAdvance(word) for word in text.split()), default=0)
        return widest > room + SLACK
    return max(metrics.horizontalAdvance(line) for line in text.splitlines()) > room + SLACK


def overflows(root: QWidget) -> bool:
    """True when something visible under `root` is cut off or hidden under a fold."""
    areas = [w for w in root.findChildren(QScrollArea) if w.isVisible()]
    if isinstance(root.parentWidget(), QWidget):
        outer = root.parentWidget()
        while outer is not None and not isinstance(outer, QScrollArea):
            outer = outer.parentWidget()
        if outer is not None:
            areas.append(outer)
    for area in areas:
        content = area.widget()
        viewport = area.viewport()
        if content is None:
            continue
        if (
            content.height() > viewport.height() + SLACK
            or content.width() > viewport.width() + SLACK
        ):
            return True
    return any(_label_overflows(label) for label in root.findChildren(QLabel) if label.isVisible())
