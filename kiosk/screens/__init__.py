"""One module per kiosk screen; each renders a `View` and speaks through its `intent` signal."""

from kiosk.screens.appointment import AppointmentScreen
from kiosk.screens.base import ScreenBase, View
from kiosk.screens.document import DocumentScreen
from kiosk.screens.language import LanguageScreen
from kiosk.screens.notice import NoticeScreen
from kiosk.screens.services import ServicesScreen
from kiosk.screens.ticket import TicketScreen
from kiosk.screens.unavailable import UnavailableScreen
from kiosk.screens.working import WorkingScreen

# Every screen class; each has `show_view(view: View) -> None`.
AnyScreen = (
    AppointmentScreen
    | DocumentScreen
    | LanguageScreen
    | NoticeScreen
    | ServicesScreen
    | TicketScreen
    | UnavailableScreen
    | WorkingScreen
)

__all__ = [
    "AnyScreen",
    "AppointmentScreen",
    "DocumentScreen",
    "LanguageScreen",
    "NoticeScreen",
    "ScreenBase",
    "ServicesScreen",
    "TicketScreen",
    "UnavailableScreen",
    "View",
    "WorkingScreen",
]
