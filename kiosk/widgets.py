"""Building blocks shared by the kiosk's screens: labels, big card buttons, the header."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kolejka.i18n import NATIVE_NAMES


def label(
    text: str = "",
    role: str | None = None,
    *,
    wrap: bool = True,
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
) -> QLabel:
    widget = QLabel(text)
    if role:
        widget.setProperty("role", role)
    widget.setWordWrap(wrap)
    widget.setAlignment(align | Qt.AlignmentFlag.AlignVCenter)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    return widget


def button(text: str, name: str, role: str | None = None) -> QPushButton:
    """A touch button: never takes keyboard focus, so scanner keystrokes cannot press it."""
    widget = QPushButton(text)
    widget.setObjectName(name)
    if role:
        widget.setProperty("role", role)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return widget


def clear_layout(layout: QLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            break
        widget = item.widget()
        inner = item.layout()
        if widget is not None:
            widget.hide()
            widget.deleteLater()
        elif inner is not None:
            clear_layout(inner)


class LayoutSized:
    """Mixin for a button drawn with child labels: size it from its layout, not its text.

    QPushButton computes its size from its own (here empty) text; the labels inside would
    otherwise be squeezed. Word-wrapped titles make the height depend on the width.
    """

    def sizeHint(self) -> QSize:
        return QWidget.sizeHint(self)  # type: ignore[arg-type]

    def minimumSizeHint(self) -> QSize:
        return QWidget.minimumSizeHint(self)  # type: ignore[arg-type]

    def hasHeightForWidth(self) -> bool:
        return QWidget.hasHeightForWidth(self)  # type: ignore[arg-type]

    def heightForWidth(self, width: int) -> int:
        return QWidget.heightForWidth(self, width)  # type: ignore[arg-type]


class CardButton(LayoutSized, QPushButton):
    """A large button with a bold title, lines of detail and a mark on the right.

    The mark is "›" for a group that opens more choices; a card that cannot be chosen is
    disabled and shows "⊘" with its reason in words.
    """

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setProperty("role", "card")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.setMinimumHeight(112)
        self.title = label(role="cardTitle")
        self.meta = label(role="cardMeta")
        self.reason = label(role="cardReason")
        self.mark = label(role="cardArrow", wrap=False, align=Qt.AlignmentFlag.AlignRight)
        text = QVBoxLayout()
        text.setSpacing(6)
        text.addWidget(self.title)
        text.addWidget(self.meta)
        text.addWidget(self.reason)
        text.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(24, 16, 20, 16)
        row.addLayout(text, 1)
        row.addWidget(self.mark)
        for child in (self.title, self.meta, self.reason, self.mark):
            child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def set_content(
        self, title: str, meta: str, *, reason: str | None = None, opens_more: bool = False
    ) -> None:
        self.title.setText(title)
        self.meta.setText(meta)
        self.reason.setText(f"⊘  {reason}" if reason else "")
        self.reason.setVisible(bool(reason))
        self.mark.setText("›" if opens_more and not reason else "")
        self.setEnabled(reason is None)
        self.setAccessibleName(" — ".join(part for part in (title, meta, reason) if part))


class ToggleButton(LayoutSized, QPushButton):
    """A checkable button whose state is a ☐/☑ mark and a frame, with a wrapped caption."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setProperty("role", "toggle")
        self.setCheckable(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.mark = label("☐", "toggleMark", wrap=False)
        self.title = label(role="toggleTitle")
        self.detail = label(role="toggleDetail")
        text = QVBoxLayout()
        text.setSpacing(0)
        text.addWidget(self.title)
        text.addWidget(self.detail)
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 6, 16, 6)
        row.setSpacing(12)
        row.addWidget(self.mark)
        row.addLayout(text, 1)
        for child in (self.mark, self.title, self.detail):
            child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def set_content(self, title: str, detail: str, checked: bool) -> None:
        self.setChecked(checked)
        self.mark.setText("☑" if checked else "☐")
        self.title.setText(title)
        self.detail.setText(detail)
        self.setAccessibleName(f"{title} ({detail})")


class LanguageButton(LayoutSized, QPushButton):
    """The language's own name, large, and a greeting in that language."""

    def __init__(self, language: str, greeting: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.language = language
        self.setObjectName(f"language-{language}")
        self.setProperty("role", "language")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        name = label(NATIVE_NAMES[language], "languageName", align=Qt.AlignmentFlag.AlignHCenter)
        hello = label(greeting, "languageGreeting", align=Qt.AlignmentFlag.AlignHCenter)
        column = QVBoxLayout(self)
        column.setContentsMargins(24, 24, 24, 24)
        column.addStretch(1)
        column.addWidget(name)
        column.addWidget(hello)
        column.addStretch(1)
        for child in (name, hello):
            child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAccessibleName(NATIVE_NAMES[language])


class Header(QWidget):
    """The office's name and the clock."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("header")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.site = label(wrap=True)
        self.site.setObjectName("siteName")
        self.site.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.clock = label(wrap=False, align=Qt.AlignmentFlag.AlignRight)
        self.clock.setObjectName("clock")
        row = QHBoxLayout(self)
        row.setContentsMargins(28, 12, 28, 12)
        row.setSpacing(18)
        row.addWidget(self.site, 1)
        row.addWidget(self.clock)


class Footer(QWidget):
    """The language switcher (not on the start screen) and the larger-text toggle."""

    languageChosen = Signal(str)
    largeTextToggled = Signal(bool)
    contrastToggled = Signal(bool)

    def __init__(self, languages: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("footer")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.switcher = QWidget()
        switch_row = QHBoxLayout(self.switcher)
        switch_row.setContentsMargins(0, 0, 0, 0)
        switch_row.setSpacing(12)
        self.language_buttons: dict[str, QPushButton] = {}
        for language in languages:
            choice = button(NATIVE_NAMES[language], f"footer-language-{language}")
            choice.setCheckable(True)
            choice.setProperty("language", language)
            choice.clicked.connect(self._language_clicked)
            self.language_buttons[language] = choice
            switch_row.addWidget(choice)
        self.large_text = button("", "largeText")
        self.large_text.setCheckable(True)
        self.large_text.toggled.connect(self.largeTextToggled)
        self.contrast = button("", "highContrast")
        self.contrast.setCheckable(True)
        self.contrast.toggled.connect(self.contrastToggled)
        row = QHBoxLayout(self)
        row.setContentsMargins(28, 10, 28, 10)
        row.setSpacing(12)
        row.addWidget(self.switcher)
        row.addStretch(1)
        row.addWidget(self.contrast)
        row.addWidget(self.large_text)

    @Slot()
    def _language_clicked(self) -> None:
        sender = self.sender()
        if isinstance(sender, QPushButton):
            self.languageChosen.emit(str(sender.property("language")))

    def show_language(
        self,
        language: str | None,
        large_text_label: str,
        *,
        switcher: bool = True,
        contrast_label: str = "◐",
    ) -> None:
        """Mark the current language (framed, inverted, ✓); `switcher` False hides them."""
        self.switcher.setVisible(switcher)
        for code, choice in self.language_buttons.items():
            chosen = code == language
            choice.setChecked(chosen)
            choice.setText(("✓ " if chosen else "") + NATIVE_NAMES[code])
        self.large_text.setText(large_text_label)
        self.contrast.setText(contrast_label)
