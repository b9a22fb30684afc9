"""The Qt event-stream thread follows a real server and, stopped, leaves no open socket."""

from __future__ import annotations

import gc
import warnings

import pytest
from pytestqt.qtbot import QtBot

from kolejka.client import EventStream
from kolejka.client.qt import EventStreamThread
from tests.support import DISPLAY_TOKEN, LiveServer

pytestmark = pytest.mark.gui


def test_a_stopped_stream_thread_closes_its_connection(
    qtbot: QtBot, sqlite_server: LiveServer
) -> None:
    for _ in range(3):  # the socket's closing is a callback: give a race a few chances
        thread = EventStreamThread(EventStream(sqlite_server.url, "test", DISPLAY_TOKEN))
        events: list[object] = []
        thread.eventReceived.connect(events.append)
        thread.start()
        qtbot.waitUntil(events.__len__, timeout=10_000)  # the reset snapshot
        thread.stop()
        assert thread.isFinished()
        del thread
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ResourceWarning)
            gc.collect()
        assert [str(w.message) for w in caught if w.category is ResourceWarning] == []
