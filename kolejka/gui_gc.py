"""Python's cyclic garbage collector, run in the GUI thread only.

Left alone, the collector runs in whichever thread happens to allocate past its
threshold: here a thread-pool worker issuing a ticket or calling the next client (or, in
tests and `kolejka demo`, the server's own threads). Widgets sit in reference cycles
(slots that close over their screen), and a collection that walks or frees their
Shiboken wrappers outside the GUI thread, while Qt runs there without the GIL, crashes the
process. So while an app window lives, automatic collection is off and a GUI-thread timer
collects instead, generation by generation, as often as the thresholds would have (the
pattern of calibre and pyqtgraph).

Several windows in one process (the demo) share the one collector: the first `pin()`
turns automatic collection off, the last `release()` collects once more in the GUI thread
and turns it back on.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer, Slot

INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    def __init__(self, interval_ms: int = INTERVAL_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        self.pins = 0
        self.was_enabled = True

    def pin(self) -> None:
        if self.pins == 0:
            self.was_enabled = gc.isenabled()
            gc.disable()
            self.timer.start()
        self.pins += 1

    def release(self) -> None:
        if self.pins == 0:
            return
        self.pins -= 1
        if self.pins == 0:
            self.timer.stop()
            gc.collect()
            if self.was_enabled:
                gc.enable()

    @Slot()
    def check(self) -> None:
        """Collect the oldest generation whose count is past its threshold."""
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if self.threshold[generation] and counts[generation] > self.threshold[generation]:
                gc.collect(generation)
                return


_collector: GuiThreadCollector | None = None


def collector() -> GuiThreadCollector:
    """The process's one collector (create it in the GUI thread)."""
    global _collector
    if _collector is None:
        _collector = GuiThreadCollector()
    return _collector
