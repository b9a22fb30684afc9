"""What goes on the paper, as data: a pure function from a ticket and a width to a layout.

Positions and sizes are in printer terms: a line is measured in Font A character cells
(12 x 24 dots, magnified 1-8 times across and down), so the ESC/POS writer and the preview
renderer, which both read a `Layout`, agree on where every line breaks. Lines are wrapped
here; nothing downstream wraps again.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from babel.dates import format_date, format_time

from kolejka.i18n import translator
from printers.config import DOTS_BY_WIDTH
from printers.profiles import columns_for
from printers.ticket import TicketPrint

Align = Literal["left", "center", "right"]


@dataclass(frozen=True)
class TextLine:
    """One printed line; `width`/`height` magnify the character cell (1-8); `invert`
    prints white on black."""

    text: str
    width: int = 1
    height: int = 1
    bold: bool = False
    align: Align = "center"
    invert: bool = False


@dataclass(frozen=True)
class Separator:
    """A rule across the paper, drawn with `char`."""

    char: str = "-"


@dataclass(frozen=True)
class Feed:
    """Empty space of `lines` normal lines."""

    lines: int = 1


@dataclass(frozen=True)
class QRCode:
    """A QR code, centred; `module` is the dots per module (the printer's QR size 1-16)."""

    data: str
    module: int


@dataclass(frozen=True)
class Cut:
    """Feed the ticket out and cut it off."""


Element = TextLine | Separator | Feed | QRCode | Cut


@dataclass(frozen=True)
class Layout:
    width_mm: int
    columns: int
    elements: tuple[Element, ...]

    def __iter__(self) -> Iterator[Element]:
        return iter(self.elements)

    def __len__(self) -> int:
        return len(self.elements)

    @property
    def dots(self) -> int:
        return self.columns * 12

    def texts(self) -> list[str]:
        """The text of every text line, top to bottom (for tests and logs)."""
        return [e.text for e in self.elements if isinstance(e, TextLine)]


MAX_NUMBER_SCALE = 7
QR_MODULE_DOTS = {58: 5, 80: 6}
MAX_SERVICE_LINES = 3  # of the matter's name in double size; longer names print in bold


def ticket_layout(ticket: TicketPrint, width_mm: int, *, columns: int | None = None) -> Layout:
    """The ticket for paper `width_mm` wide (58 or 80), in the ticket's language.

    `columns` narrows the line where the printer prints fewer dots than the paper holds
    (e.g. 42 Font A characters on a 512-dot model with 80 mm paper).
    """
    if width_mm not in DOTS_BY_WIDTH:
        raise ValueError(f"width_mm must be one of {sorted(DOTS_BY_WIDTH)} (got {width_mm})")
    cols = columns or columns_for(DOTS_BY_WIDTH[width_mm])
    t = translator(ticket.language)
    _ = t.gettext
    out: list[Element] = []

    out += _wrapped(ticket.site_name, cols, bold=True)
    out.append(Separator())
    out.append(TextLine(_("Your number")))
    scale = max(1, min(MAX_NUMBER_SCALE, cols // (len(ticket.number) + 1)))
    out.append(TextLine(ticket.number, width=scale, height=scale, bold=True))
    if ticket.priority:
        out.append(TextLine(f" {_('Priority ticket')} ", bold=True, invert=True))
    out += _service_lines(ticket.service_name, cols)
    if ticket.appointment_at is not None:
        when = format_time(ticket.appointment_at, "short", locale=_locale(ticket.language))
        out += _wrapped(_("Appointment at {time}").format(time=_plain(when)), cols, bold=True)
    out.append(Separator())
    if ticket.ahead is not None:
        if ticket.ahead == 0:
            ahead = _("No one is ahead of you.")
        else:
            ahead = t.ngettext(
                "{n} person ahead of you", "{n} people ahead of you", ticket.ahead
            ).format(n=ticket.ahead)
        out += _wrapped(ahead, cols)
    out += _wrapped(_wait_text(ticket, _), cols)
    out.append(Feed())
    out.append(QRCode(ticket.status_url, QR_MODULE_DOTS[width_mm]))
    out.append(Feed())
    out += _wrapped(_("Scan to follow your place in the queue on your phone."), cols)
    out.append(Separator())
    out.append(TextLine(_issued_text(ticket.issued_at, ticket.language)))
    out.append(Cut())
    return Layout(width_mm=width_mm, columns=cols, elements=tuple(out))


def _service_lines(name: str, columns: int) -> list[Element]:
    """The matter in double size where it takes at most three lines, else in bold."""
    large = _wrapped(name, columns, width=2, height=2, bold=True)
    if len(large) <= MAX_SERVICE_LINES:
        return large
    return _wrapped(name, columns, bold=True)


def _wrapped(
    text: str,
    columns: int,
    *,
    width: int = 1,
    height: int = 1,
    bold: bool = False,
    align: Align = "center",
) -> list[Element]:
    # One cell of margin each side where the paper is wide enough to spare it.
    room = columns // width
    room = room - 2 if room > 24 else room
    lines = textwrap.wrap(text, room, break_on_hyphens=False) or [""]
    return [TextLine(line, width=width, height=height, bold=bold, align=align) for line in lines]


def wait_minutes(seconds: int) -> int:
    """Whole minutes to promise: rounded up, at least one."""
    return max(1, math.ceil(seconds / 60))


def _wait_text(ticket: TicketPrint, _: Callable[[str], str]) -> str:
    if ticket.estimated_wait_s is None:
        return _("Waiting time cannot be estimated yet.")
    minutes = wait_minutes(ticket.estimated_wait_s)
    if minutes < 60:
        wait = _("about {minutes} min").format(minutes=minutes)
    else:
        wait = _("about {hours} h {minutes} min").format(hours=minutes // 60, minutes=minutes % 60)
    return _("Estimated wait: {wait}").format(wait=wait)


def _issued_text(issued_at: datetime, language: str) -> str:
    date = format_date(issued_at, "long", locale=_locale(language))
    time = format_time(issued_at, "short", locale=_locale(language))
    return _plain(f"{date}, {time}")


def _locale(language: str) -> str:
    """English the way it is written in Europe: 24 November 2026, 10:31 (the hall's clock
    and the display count hours to 24, so "AM/PM" would only confuse)."""
    return "en_GB" if language == "en" else language


def _plain(text: str) -> str:
    """CLDR puts no-break spaces in dates and times; a ticket line only needs spaces."""
    return text.replace("\u202f", " ").replace("\xa0", " ")
