"""The counter app's builder (`kolejka counter`, `kolejka demo`): the sign-in window, and
after a good sign-in the controller and the counter window.

The builder does not create a QApplication, so several apps can share one process.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication

from counter.controller import CounterController
from counter.login import LoginWindow
from counter.placement import counter_place
from counter.window import CounterWindow
from kolejka.client import KolejkaClient
from kolejka.schemas import CounterPublic, LoginResponse


def build_counter_window(
    server_url: str,
    site: str,
    *,
    username: str | None = None,
    password: str | None = None,
    counter: int | None = None,
    language: str = "pl",
    compact: bool = False,
) -> LoginWindow:
    """The sign-in window; with a username and password it signs in by itself and opens the
    counter window (in its compact view with `compact`), where the sign-in window was.
    `shutdown()` stops the network threads."""
    window = LoginWindow(
        server_url,
        site,
        open_counter=partial(open_counter_window, compact=compact),
        username=username,
        counter=counter,
        language=language,
    )
    if username and password:
        window.password.setText(password)
        window.sign_in()
    return window


def open_counter_window(
    client: KolejkaClient,
    number: int,
    language: str,
    answer: LoginResponse,
    opened: CounterPublic,
    where: QRect | None,
    *,
    compact: bool = False,
) -> CounterWindow:
    """After a good sign-in (which opened the counter): the counter's controller and its
    window, shown and started where the sign-in window was (`where`, None when it was not
    shown)."""
    controller = CounterController(client, number, language)
    window = CounterWindow(controller, answer.clerk.display_name, language, compact=compact)
    if where is not None:
        screen = QGuiApplication.screenAt(where.center()) or QGuiApplication.primaryScreen()
        if screen is not None:
            area = screen.availableGeometry()
            least = window.minimumSizeHint()
            window.setGeometry(
                *counter_place(
                    (where.x(), where.y(), where.width(), where.height()),
                    (area.x(), area.y(), area.width(), area.height()),
                    (least.width(), least.height()),
                    (window.width(), window.height()),
                )
            )
    window.show()
    controller.start(opened)
    return window
