"""Building the counter app's window (used by `kolejka counter` and `kolejka demo`)."""

from __future__ import annotations

from counter.login import LoginWindow


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
    window = LoginWindow(server_url, site, username=username, counter=counter, language=language)
    if username and password:
        window.password.setText(password)
        window.sign_in()
    return window
