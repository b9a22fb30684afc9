"""The counter app's builder (`kolejka counter`, `kolejka demo`): the sign-in window, and
after a good sign-in the controller and the counter window.

The builder does not create a QApplication, so several apps can share one process.
"""

from __future__ import annotations

from counter.controller import CounterController
from counter.login import LoginWindow
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
) -> LoginWindow:
    """The sign-in window; with a username and password it signs in by itself and opens the
    counter window. `shutdown()` stops the network threads."""
    window = LoginWindow(
        server_url,
        site,
        open_counter=open_counter_window,
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
) -> CounterWindow:
    """After a good sign-in (which opened the counter): the counter's controller and its
    window, shown and started."""
    controller = CounterController(client, number, language)
    window = CounterWindow(controller, answer.clerk.display_name, language)
    window.show()
    controller.start(opened)
    return window
