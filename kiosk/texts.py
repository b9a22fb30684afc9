"""What the kiosk says to a visitor, in the visitor's language.

Codes come from the server (refusals, unavailability) and from the printer (fault reasons);
this module turns them into sentences through the shared gettext catalogue. Nothing here
knows about widgets, so each wording is tested directly.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from kolejka.i18n import LANGUAGES, N_, translator

NBSP = "\u00a0"

# Short labels on a service button that cannot be chosen now.
UNAVAILABLE_LABELS: dict[str, str] = {
    "closed_today": N_("Closed today"),
    "not_yet_open": N_("Not open yet"),
    "closed_for_today": N_("Closed for today"),
    "daily_limit_reached": N_("No tickets left today"),
    "service_disabled": N_("Not available"),
    "wait_past_closing": N_("Today's queue is full"),
}

# Refusals of a ticket or a check-in: (title, explanation).
_TICKET_TITLE = N_("Sorry, we cannot issue this ticket")
_CHECKIN_TITLE = N_("We could not check you in")
NOTICES: dict[str, tuple[str, str]] = {
    "closed_today": (_TICKET_TITLE, N_("This service is closed today.")),
    "not_yet_open": (_TICKET_TITLE, N_("This service is not open yet.")),
    "closed_for_today": (_TICKET_TITLE, N_("This service has closed for today.")),
    "daily_limit_reached": (_TICKET_TITLE, N_("Today's tickets for this service have run out.")),
    "service_disabled": (_TICKET_TITLE, N_("This service is not available.")),
    "wait_past_closing": (
        _TICKET_TITLE,
        N_(
            "Today's tickets for this service have run out: a new ticket would not be "
            "served before closing."
        ),
    ),
    "priority_disabled": (_TICKET_TITLE, N_("Priority tickets are not offered here.")),
    "rate_limited": (_TICKET_TITLE, N_("Too many tickets from this kiosk; please wait a moment.")),
    "appointment_unknown": (
        _CHECKIN_TITLE,
        N_("We cannot find this booking code. Please check it and try again."),
    ),
    "appointment_forged": (
        _CHECKIN_TITLE,
        N_(
            "This code is not a valid booking confirmation. "
            "Please scan the code on your confirmation again or ask at the information desk."
        ),
    ),
    "appointment_too_early": (
        _CHECKIN_TITLE,
        N_("It is too early to check in. Please come back closer to your appointment time."),
    ),
    "appointment_too_late": (
        _CHECKIN_TITLE,
        N_(
            "The time to check in for this appointment has passed. "
            "Please ask at the information desk."
        ),
    ),
    "appointment_used": (
        _CHECKIN_TITLE,
        N_(
            "This booking has already been used to take a ticket. "
            "If you have lost the ticket, please ask at the information desk."
        ),
    ),
    "appointment_cancelled": (
        _CHECKIN_TITLE,
        N_(
            "This booking was cancelled. "
            "Please take a ticket for your matter or ask at the information desk."
        ),
    ),
    "appointment_document_locked": (
        _CHECKIN_TITLE,
        N_(
            "The document number was typed wrongly too many times. For your safety this "
            "booking can now be checked in only at the information desk: please go there "
            "with your document."
        ),
    ),
    "appointment_other_site": (
        _CHECKIN_TITLE,
        N_("This booking is for another office: its address is on your confirmation."),
    ),
}
_UNKNOWN_NOTICE = (
    N_("Sorry, something went wrong"),
    N_("Please ask at the information desk."),
)

# Why the kiosk cannot issue tickets at all right now.
OUT_OF_ORDER_REASONS: dict[str, str] = {
    "server_unreachable": N_("No connection to the queue system."),
    "paper_out": N_("The ticket printer is out of paper."),
    "cover_open": N_("The ticket printer's cover is open."),
    "offline": N_("The ticket printer is not responding."),
}
_PRINTER_BROKEN = N_("The ticket printer is not working.")


def gettext(language: str, message: str) -> str:
    return translator(language).gettext(message)


def minutes_text(language: str, seconds: int) -> str:
    """'about 25 min': rounded to the minute, to five minutes past twenty."""
    minutes = max(1, round(seconds / 60))
    if minutes > 20:
        minutes = 5 * round(minutes / 5)
    template = gettext(language, "about {minutes} min")
    # The number stays with its words: "ok. 65 min" never wraps to leave "min" alone.
    template = template.replace(" {minutes}", NBSP + "{minutes}")
    return template.replace("{minutes} ", "{minutes}" + NBSP).format(minutes=minutes)


def wait_text(language: str, waiting: int, estimated_wait_s: int | None) -> str:
    """The expected wait for a service: 'No queue', 'about 10 min' or 'Waiting time unknown'."""
    if waiting == 0:
        return gettext(language, "No queue")
    if estimated_wait_s is None:
        return gettext(language, "Waiting time unknown")
    return minutes_text(language, estimated_wait_s)


def waiting_text(language: str, waiting: int) -> str:
    return (
        translator(language)
        .ngettext("{n} person waiting", "{n} people waiting", waiting)
        .format(n=waiting)
    )


def service_meta(language: str, waiting: int, estimated_wait_s: int | None) -> str:
    """A service tile's line: '3 people waiting · about 10 min', or only 'No queue'."""
    if waiting == 0:
        return wait_text(language, 0, estimated_wait_s)
    return f"{waiting_text(language, waiting)}  ·  " + wait_text(
        language, waiting, estimated_wait_s
    )


def ahead_text(language: str, ahead: int | None) -> str:
    if not ahead:
        return gettext(language, "No one is ahead of you.")
    return (
        translator(language)
        .ngettext("{n} person ahead of you", "{n} people ahead of you", ahead)
        .format(n=ahead)
    )


def ticket_wait_text(language: str, estimated_wait_s: int | None) -> str:
    if estimated_wait_s is None:
        return gettext(language, "Waiting time unknown")
    return minutes_text(language, estimated_wait_s)


def unavailable_label(language: str, reason: str | None) -> str:
    return gettext(language, UNAVAILABLE_LABELS.get(reason or "", "Not available"))


def notice_text(language: str, code: str) -> tuple[str, str]:
    title, body = NOTICES.get(code, _UNKNOWN_NOTICE)
    return gettext(language, title), gettext(language, body)


def out_of_order_text(language: str, *, server_up: bool, printer_fault: str | None) -> str:
    reason = "server_unreachable" if not server_up else printer_fault or ""
    return gettext(language, OUT_OF_ORDER_REASONS.get(reason, _PRINTER_BROKEN))


def local_time(at: datetime, timezone: str) -> str:
    """'14:05' in the office's time zone (clock, appointment time)."""
    return at.astimezone(ZoneInfo(timezone)).strftime("%H:%M")


def in_every_language(message: str, languages: tuple[str, ...] = LANGUAGES) -> list[str]:
    """One message in each language: for screens shown before a language is chosen."""
    return [gettext(language, message) for language in languages]
