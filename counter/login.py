"""Sign-in: the clerk's account, the counter, the language of the app.

The sign-in opens the counter before any window does: a counter another clerk holds is
refused there (the server's 409 names the holder, in the clerk's language) and the
counters that are free are offered instead. It says which office and server it is.
What opens after a good sign-in is given to it by the app's builder (counter/app.py)."""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QRect, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from counter.theme import STYLESHEET, named
from counter.window import CounterWindow
from kolejka.client import ApiError, KolejkaClient, ServerUnreachable
from kolejka.client.qt import ApiCall
from kolejka.gui_gc import collector
from kolejka.i18n import LANGUAGES, NATIVE_NAMES, translator
from kolejka.schemas import CounterPublic, CountersPublic, LoginResponse


class CounterRefused(Exception):
    """Signed in, but the counter was refused (held by another clerk, or this clerk is at
    another one): the sign-in is kept, and free counters are offered."""

    def __init__(self, answer: LoginResponse, error: ApiError) -> None:
        super().__init__(error.code)
        self.answer = answer
        self.error = error


def free_counters(counters: CountersPublic, clerk_name: str) -> list[CounterPublic]:
    """The counters nobody holds (closed), and one this clerk already holds."""
    return [c for c in counters.data if c.state.value == "closed" or c.clerk == clerk_name]


# After a good sign-in: the client signed in, the counter's number, the app's language, the
# server's answer and where the sign-in window is on the screen (None if it was not shown)
# → the counter window, shown there and started.
OpenCounter = Callable[
    [KolejkaClient, int, str, LoginResponse, CounterPublic, QRect | None], CounterWindow
]


class LoginWindow(QWidget):
    """Shown first; after a good sign-in it opens the counter window (`open_counter`) and
    hides itself."""

    signedIn = Signal(object)

    def __init__(
        self,
        server_url: str,
        site: str,
        *,
        open_counter: OpenCounter,
        username: str | None = None,
        counter: int | None = None,
        language: str = "pl",
    ) -> None:
        super().__init__()
        self.server_url = server_url
        self.site = site
        self.language = language
        self.open_counter = open_counter
        self.counter_window: CounterWindow | None = None
        self._call: ApiCall | None = None
        # Kept after a refused counter, so the next try only opens another one.
        self._client: KolejkaClient | None = None
        self._answer: LoginResponse | None = None
        # Signing in already runs in a worker thread: no cyclic GC there over these widgets.
        collector().pin()
        self._pinned = True
        _ = translator(language).gettext
        self.setWindowTitle("Kolejka — " + _("Sign in"))
        self.setStyleSheet(STYLESHEET)
        self.resize(460, 360)
        layout = QVBoxLayout(self)
        title = named(QLabel(_("Sign in at your counter")), "value")
        layout.addWidget(title)
        self.server = named(
            QLabel(_("Office: {site} · Server: {url}").format(site=site, url=server_url)),
            "server",
        )
        self.server.setWordWrap(True)
        layout.addWidget(self.server)
        form = QFormLayout()
        self.username = QLineEdit(username or "")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.counter = QSpinBox()
        self.counter.setRange(1, 999)
        self.counter.setValue(counter or 1)
        self.ui_language = QComboBox()
        for code in LANGUAGES:
            self.ui_language.addItem(NATIVE_NAMES[code], code)
        self.ui_language.setCurrentIndex(LANGUAGES.index(language))
        form.addRow(_("User name"), self.username)
        form.addRow(_("Password"), self.password)
        form.addRow(_("Counter"), self.counter)
        self.free = QComboBox()
        self.free.activated.connect(self._free_chosen)
        form.addRow(_("Free counters"), self.free)
        form.setRowVisible(self.free, False)
        self.form = form
        form.addRow(_("Language"), self.ui_language)
        layout.addLayout(form)
        self.error = named(QLabel(), "message")
        self.error.setProperty("level", "error")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        self.submit = named(QPushButton(_("Sign in")), "primary")
        self.submit.clicked.connect(self.sign_in)
        self.password.returnPressed.connect(self.sign_in)
        layout.addWidget(self.submit)
        layout.addStretch(1)

    @Slot()
    def sign_in(self) -> None:
        language = self.ui_language.currentData()
        username, password = self.username.text().strip(), self.password.text()
        kept = self._client is not None and self._answer is not None
        if kept and self._answer is not None and self._answer.clerk.username != username:
            kept = False  # another clerk at the keyboard: sign in afresh
        if kept and self._client is not None and self._client.language == language:
            client, answer = self._client, self._answer
        else:
            self._forget()
            client, answer = KolejkaClient(self.server_url, self.site, language=language), None
        number = self.counter.value()
        self.submit.setEnabled(False)
        self.error.hide()

        def work() -> tuple[LoginResponse, CounterPublic]:
            signed = answer or client.login(username, password)
            try:
                return signed, client.open_counter(number)
            except ApiError as exc:
                raise CounterRefused(signed, exc) from exc

        call = ApiCall(self)
        self._call = call
        call.succeeded.connect(lambda done: self._signed_in(client, number, language, *done))
        call.failed.connect(lambda exc: self._failed(client, exc, language))
        call.run(work)

    def _forget(self) -> None:
        if self._client is not None:
            self._client.close()
        self._client = self._answer = None

    def _signed_in(
        self,
        client: KolejkaClient,
        number: int,
        language: str,
        answer: LoginResponse,
        opened: CounterPublic,
    ) -> None:
        self._client = self._answer = None  # the window has them now
        where = self.geometry() if self.isVisible() else None
        self.counter_window = self.open_counter(client, number, language, answer, opened, where)
        self.hide()
        self.signedIn.emit(self.counter_window)

    def _free_chosen(self, index: int) -> None:
        number = self.free.itemData(index)
        if isinstance(number, int):
            self.counter.setValue(number)

    def _offer_free(self, client: KolejkaClient, clerk_name: str, language: str) -> None:
        """List the free counters (after a refusal), to choose one and sign in again."""
        call = ApiCall(self)

        def listed(counters: object) -> None:
            assert isinstance(counters, CountersPublic)
            if not self._pinned:  # shut down meanwhile
                return
            _ = translator(language).gettext
            self.free.clear()
            for c in free_counters(counters, clerk_name):
                services = ", ".join(link.service for link in c.services)
                self.free.addItem(f"{c.number}  ·  {services}", c.number)
            if self.free.count() == 0:
                self.free.addItem(_("No counter is free now."), None)
            else:
                self.counter.setValue(self.free.itemData(0))
            self.form.setRowVisible(self.free, True)

        call.succeeded.connect(listed)
        call.run(client.list_counters)
        self._offer_call = call

    def _failed(self, client: KolejkaClient, exc: object, language: str) -> None:
        _ = translator(language).gettext
        if isinstance(exc, CounterRefused):
            # Signed in: keep it, say why (the server's words, in the clerk's language).
            self._client, self._answer = client, exc.answer
            self.error.setText(exc.error.detail or exc.error.code)
            self.error.show()
            self.submit.setEnabled(True)
            self._offer_free(client, exc.answer.clerk.display_name, language)
            return
        self._forget()
        client.close()
        if isinstance(exc, ApiError) and exc.code == "signin_throttled":
            text = throttled_text(language, exc.params.get("retry_after"))
        elif isinstance(exc, ApiError):
            text = exc.detail or exc.code
        elif isinstance(exc, ServerUnreachable):
            text = _("The server does not answer. Check the network and try again.")
        else:
            text = str(exc)
        self.error.setText(text)
        self.error.show()
        self.submit.setEnabled(True)

    def shutdown(self) -> None:
        self._forget()
        if self.counter_window is not None:
            self.counter_window.shutdown()
            self.counter_window.controller.client.close()
        if self._pinned:
            self._pinned = False
            collector().release()


def throttled_text(language: str, retry_after: object) -> str:
    """Sign-in refused after too many failures: when to try again, in the app's language
    (seconds up to a minute, then whole minutes)."""
    tr = translator(language)
    try:
        seconds = max(1, math.ceil(float(retry_after)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        seconds = 60
    if seconds < 60:
        return tr.ngettext(
            "Too many unsuccessful sign-in attempts. Please try again in {n} second.",
            "Too many unsuccessful sign-in attempts. Please try again in {n} seconds.",
            seconds,
        ).format(n=seconds)
    minutes = math.ceil(seconds / 60)
    return tr.ngettext(
        "Too many unsuccessful sign-in attempts. Please try again in {n} minute.",
        "Too many unsuccessful sign-in attempts. Please try again in {n} minutes.",
        minutes,
    ).format(n=minutes)
