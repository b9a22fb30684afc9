"""What a ticket printer is asked to print: plain values, checked when made."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from kolejka.i18n import LANGUAGES


@dataclass(frozen=True)
class TicketPrint:
    """One ticket to print.

    `service_name` is already in the visitor's language; `issued_at` (and `appointment_at`)
    are aware datetimes in the site's local time, printed as they are. `ahead` None means
    the server did not say, and no "people ahead" line is printed; `estimated_wait_s` None
    prints "cannot be estimated yet".
    """

    site_name: str
    number: str
    service_name: str
    language: str
    issued_at: datetime
    ahead: int | None
    estimated_wait_s: int | None
    status_url: str
    appointment_at: datetime | None = None
    priority: bool = False

    def __post_init__(self) -> None:
        if not self.number.strip():
            raise ValueError("TicketPrint.number is empty")
        if self.language not in LANGUAGES:
            raise ValueError(
                f"TicketPrint.language {self.language!r} is not one of {', '.join(LANGUAGES)}"
            )
        for name in ("issued_at", "appointment_at"):
            value = getattr(self, name)
            if value is not None and value.utcoffset() is None:
                raise ValueError(f"TicketPrint.{name} must be an aware datetime (with an offset)")
        if self.ahead is not None and self.ahead < 0:
            raise ValueError(f"TicketPrint.ahead must not be negative (got {self.ahead})")
        if self.estimated_wait_s is not None and self.estimated_wait_s < 0:
            raise ValueError(
                f"TicketPrint.estimated_wait_s must not be negative (got {self.estimated_wait_s})"
            )
        url = urlsplit(self.status_url)
        if url.scheme not in ("http", "https") or not url.netloc:
            raise ValueError(f"TicketPrint.status_url {self.status_url!r} is not an http(s) URL")
