"""The cyclic collector runs in the GUI thread while an app window lives."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from kolejka.gui_gc import GuiThreadCollector

pytestmark = pytest.mark.gui


class Cycle:
    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def gc_enabled() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_pinning_turns_automatic_collection_off_until_the_last_release(
    qtbot: QtBot, gc_enabled: None
) -> None:
    collector = GuiThreadCollector()
    collector.pin()
    collector.pin()  # a second window in the same process
    assert not gc.isenabled()
    collector.release()
    assert not gc.isenabled()
    collector.release()
    assert gc.isenabled()
    collector.release()  # one too many does no harm
    assert gc.isenabled()


def test_garbage_made_in_a_worker_thread_is_freed_by_the_gui_thread(
    qtbot: QtBot, gc_enabled: None
) -> None:
    collector = GuiThreadCollector(interval_ms=20)
    collector.threshold = (1, 1, 1)  # collect at the first check
    freed_in: list[str] = []

    class Watched(Cycle):
        def __del__(self) -> None:
            freed_in.append(threading.current_thread().name)

    collector.pin()
    try:

        def make_garbage() -> None:
            Watched()
            for _ in range(10_000):  # would trip an automatic collection right here
                Cycle()

        worker = threading.Thread(target=make_garbage, name="worker")
        worker.start()
        worker.join()
        assert freed_in == []
        qtbot.waitUntil(lambda: bool(freed_in), timeout=5000)
        assert freed_in == [threading.main_thread().name]
    finally:
        collector.release()
