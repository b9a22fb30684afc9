"""Sign-in: the clerk's account, the counter, the language of the app.

The window only signs in; what opens after a good sign-in is given to it by the app's
builder (counter/app.py), like every other window of the app."""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import Signal, Slot
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
from kolejka.schemas import LoginResponse

# After a good sign-in: the client signed in, the counter's number, the app's language and
# the server's answer → the counter window, shown and started.
OpenCounter = Callable[[KolejkaClient, int, str, LoginResponse], CounterWindow]


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
        client = KolejkaClient(self.server_url, self.site, language=language)
        username, password = self.username.text().strip(), self.password.text()
        number = self.counter.value()
        self.submit.setEnabled(False)
        self.error.hide()
        call = ApiCall(self)
        self._call = call
        call.succeeded.connect(lambda answer: self._signed_in(client, number, language, answer))
        call.failed.connect(lambda exc: self._failed(client, exc, language))
        call.run(client.login, username, password)

    def _signed_in(
        self, client: KolejkaClient, number: int, language: str, answer: LoginResponse
    ) -> None:
        self.counter_window = self.open_counter(client, number, language, answer)
        self.hide()
        self.signedIn.emit(self.counter_window)

    def _failed(self, client: KolejkaClient, exc: object, language: str) -> None:
        client.close()
        _ = translator(language).gettext
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
