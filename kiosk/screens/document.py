"""'Your document number': a booking bound to a passport or ID number checks in only when
the visitor types that number again, on the kiosk's own keyboard (digits, Latin letters and,
a key away, Cyrillic ones).

The number is shown while it is typed, large: a wrong one costs one of the few tries the
server allows, so the visitor must be able to check it against the document, and it is a
number printed on a document they hand over at every counter, not a secret like a PIN.
What protects it in a public hall is that it lives on this screen only while it is typed:
it is cleared the moment it is sent, when the visitor goes back or leaves (a time-out),
and the read-aloud mode says it only into the headphones and never writes it anywhere.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from kiosk.flow import Back, DocumentEntered
from kiosk.keyboard import LATIN, Keyboard
from kiosk.screens.appointment import NARROW_PX
from kiosk.screens.base import ScreenBase, View
from kiosk.widgets import button, label
from kolejka.i18n import translator

MAX_DOCUMENT_LENGTH = 12  # passports and ID cards: 8-10; the server takes up to 40
MIN_DOCUMENT_LENGTH = 5  # a shorter one is surely incomplete: do not spend a try on it
EMPTY_FIELD = "_" * 9


def spelled(text: str) -> str:
    """'AB12' as 'A B 1 2': speech says each character, not 'ab twelve'."""
    return " ".join(text)


class DocumentScreen(ScreenBase):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("screen-document", parent)
        self.document = ""
        self.language = "pl"
        self.title = label(role="title")
        self.title.setObjectName("documentTitle")
        self.problem = label(role="problem")
        self.problem.setObjectName("documentProblem")
        self.problem.hide()
        self.problem.setMinimumWidth(200)  # wraps; the keyboard beside it needs the room
        self.explain = label(role="subtitle")
        self.explain.setObjectName("documentExplain")
        self.privacy = label(role="hint")
        self.privacy.setObjectName("documentPrivacy")
        self.privacy.setMinimumWidth(200)
        self.field = label(role="documentField", wrap=False)
        self.field.setObjectName("documentField")
        self.field.setProperty("private", True)  # read aloud spells it, never as screen text
        self.field.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.clear_button = button("", "documentClear", "secondary")
        self.clear_button.setProperty("typing", True)
        self.clear_button.clicked.connect(self._erase)
        self.keyboard = Keyboard("documentKey", cyrillic=True)  # a Cyrillic passport series
        self.keyboard.typed.connect(self.type)
        self.keyboard.deleted.connect(self.delete_last)
        self.back = button("", "back", "secondary")
        self.back.clicked.connect(self._back)
        self.submit = button("", "documentCheckIn")
        self.submit.clicked.connect(self.submit_document)

        left = QVBoxLayout()
        left.setSpacing(20)
        left.addWidget(self.problem)
        left.addWidget(self.privacy)
        left.addStretch(1)
        field_row = QHBoxLayout()
        field_row.setSpacing(10)
        field_row.addWidget(self.field, 1)
        field_row.addWidget(self.clear_button)
        right = QVBoxLayout()
        right.setSpacing(10)
        right.addLayout(field_row)
        right.addWidget(self.keyboard)
        right.addStretch(1)
        # As on the booking code's screen: side by side when wide, stacked when narrow.
        self.middle = middle = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        middle.setSpacing(40)
        middle.addLayout(left, 2)
        middle.addLayout(right, 3)
        bottom = QHBoxLayout()
        bottom.addWidget(self.back)
        bottom.addStretch(1)
        bottom.addWidget(self.submit)
        self.column = column = QVBoxLayout(self)
        column.setContentsMargins(48, 16, 48, 20)
        column.setSpacing(12)
        column.addWidget(self.title)
        column.addWidget(self.explain)
        column.addLayout(middle, 1)
        column.addLayout(bottom)
        self._show_document()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        narrow = self.width() < NARROW_PX
        direction = QBoxLayout.Direction.TopToBottom if narrow else QBoxLayout.Direction.LeftToRight
        if self.middle.direction() != direction:
            self.middle.setDirection(direction)
            side = 24 if narrow else 48  # a portrait 800 px kiosk needs the width for the keys
            self.column.setContentsMargins(side, 16, side, 20)

    # --- typing --------------------------------------------------------------------------

    def type(self, character: str) -> None:
        if len(self.document) < MAX_DOCUMENT_LENGTH:
            self.document += character
            self._show_document()

    def delete_last(self) -> None:
        self.document = self.document[:-1]
        self._show_document()

    def clear(self) -> None:
        """Forget the typed number and the letters' page (abandoned, or the next
        visitor's turn: they start on the Latin letters)."""
        self._erase()
        self.keyboard.show_page(LATIN)

    def _erase(self) -> None:
        """Forget the typed number (sent, or cleared to start again): the page stays."""
        self.document = ""
        self._show_document()

    def submit_document(self) -> None:
        if len(self.document) >= MIN_DOCUMENT_LENGTH:
            document = self.document
            self._erase()  # off the screen before the answer comes
            self.intent.emit(DocumentEntered(document))

    def _back(self) -> None:
        self.clear()
        self.intent.emit(Back())

    def _show_document(self) -> None:
        self.field.setText(self.document or EMPTY_FIELD)
        self.submit.setEnabled(len(self.document) >= MIN_DOCUMENT_LENGTH)
        self.clear_button.setEnabled(bool(self.document))
        self.keyboard.set_can_delete(bool(self.document))

    def typed_words(self) -> str:
        """What read aloud says after a key: the number so far, character by character."""
        _ = translator(self.language).gettext
        if not self.document:
            return _("Nothing typed yet.")
        return _("Typed: {characters}.").format(characters=spelled(self.document))

    # --- the view ------------------------------------------------------------------------

    def show_view(self, view: View) -> None:
        _ = view._
        self.language = view.language
        state = view.state
        self.title.setText(_("Your document number"))
        if state.notice == "appointment_document_mismatch":
            problem = _("The number does not match the booking. Please check it and type it again.")
            if state.tries_left is not None:
                problem += " " + _("Tries left: {tries_left}.").format(tries_left=state.tries_left)
            self.problem.setText("⊘  " + problem)
        mismatch = state.notice == "appointment_document_mismatch"
        self.problem.setVisible(mismatch)
        # Said when the number is first asked; after a wrong one the room is the problem's.
        self.privacy.setVisible(not mismatch)
        self.explain.setText(
            _(
                "This booking is bound to a passport or ID number. Please type the number "
                "of the document you gave when booking."
            )
        )
        self.privacy.setText(
            _("The number is only compared with your booking: it is neither kept nor printed.")
        )
        self.clear_button.setText(_("Clear"))
        self.keyboard.show_language(_)
        self.back.setText("‹  " + _("Back"))
        self.submit.setText(_("Check in") + "  ›")
        self.field.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
