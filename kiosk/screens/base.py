"""What every screen gets to draw (`View`) and how it speaks back (`intent`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from kiosk.flow import KioskState
from kolejka.i18n import DEFAULT_LANGUAGE, translator
from kolejka.schemas import ServicePublic


@dataclass(frozen=True)
class View:
    state: KioskState
    services: tuple[ServicePublic, ...] = ()
    languages: tuple[str, ...] = ("pl", "en", "uk", "ru")
    priority_enabled: bool = True
    timezone: str = "Europe/Warsaw"
    status_base: str = ""
    now: datetime | None = None
    remaining_s: int = 0  # until the confirmation goes back to the start

    @property
    def language(self) -> str:
        return self.state.language or DEFAULT_LANGUAGE

    def _(self, message: str) -> str:
        return translator(self.language).gettext(message)

    def service(self, code: str) -> ServicePublic | None:
        return next((s for s in self.services if s.code == code), None)


def pick_name(names: dict[str, str], language: str, fallback: str) -> str:
    """A name in the visitor's language, else English, else Polish, else the code."""
    for candidate in (language, "en", "pl"):
        if names.get(candidate):
            return names[candidate]
    return fallback


class ScreenBase(QWidget):
    """A kiosk screen: `show_view(view)` draws it; taps leave as flow events on `intent`."""

    intent = Signal(object)

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
