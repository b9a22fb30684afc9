"""Importing a day's appointments from a booking system's CSV export: all or nothing.

The header decides which column is which (`,` `;` or tab between them); the file is
read as UTF-8, or as windows-1250 where it is not (Polish Windows exports). A file that
cannot be read as CSV (a stray carriage return, a NUL, a field beyond any size) is refused
with 422 `import_malformed_line` naming the line; a readable line that cannot be booked
refuses the whole file with every such line (422 `import_invalid`).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from kolejka.core.errors import DomainError
from kolejka.i18n import LANGUAGES
from kolejka.schemas import AppointmentCreate, AppointmentImport, AppointmentPublic
from server.actors import Actor
from server.appointments import require_booker
from server.booking import BookingService
from server.errors import Unprocessable
from server.messages import message_for
from server.transactions import Transaction, Write

IMPORT_MAX_ROWS = 5000


class AppointmentImportService:
    def __init__(self, booking: BookingService) -> None:
        self.booking = booking
        self.writes = booking.writes

    def import_csv(
        self,
        site_code: str,
        actor: Actor,
        data: bytes,
        *,
        language: str = "en",
        idempotency_key: str | None = None,
    ) -> AppointmentImport:
        """Book every line of a booking system's export, or none of them.

        Columns (header row, any order, `,` `;` or tab): service, date (YYYY-MM-DD or
        DD.MM.YYYY), time (HH:MM, site time); optional language, name, contact,
        external_ref. A line whose external_ref is already booked is skipped, so the
        same file can be sent again. Any bad line refuses the whole file (422
        `import_invalid`, with every bad line's number, code and message).
        """
        require_booker(actor, "import_appointments")
        rows = parse_csv(data)
        write = Write(site_code, actor, idempotency_key)
        return self.writes.run(write, AppointmentImport, self._book_all, rows, language)

    def _book_all(self, tx: Transaction, rows: list[ImportRow], language: str) -> AppointmentImport:
        zone = ZoneInfo(tx.site.timezone)
        created: list[AppointmentPublic] = []
        skipped: list[str] = []
        errors: list[dict[str, Any]] = []
        for row in rows:
            try:
                # book() checks everything before it adds a row: a refused line leaves
                # nothing behind (and any refusal rolls the file back anyway).
                appt = self.booking.book(tx, row.to_request(zone))
                created.append(self.booking.view(tx.session, tx.site, appt))
            except DomainError as exc:
                if exc.code == "appointment_exists":
                    skipped.append(str(exc.params["external_ref"]))
                    continue
                errors.append(
                    {
                        "line": row.line,
                        "code": exc.code,
                        "detail": message_for(exc.code, exc.params, language),
                    }
                )
        if errors:
            raise Unprocessable("import_invalid", count=len(errors), errors=errors)
        return AppointmentImport(created=created, skipped=skipped, count=len(created))


# --- CSV parsing ---------------------------------------------------------------------------

REQUIRED_COLUMNS = ("service", "date", "time")
OPTIONAL_COLUMNS = ("language", "name", "contact", "external_ref")


@dataclass(frozen=True, slots=True)
class ImportRow:
    line: int
    values: dict[str, str]

    def to_request(self, zone: ZoneInfo) -> AppointmentCreate:
        missing = [c for c in REQUIRED_COLUMNS if not self.values.get(c)]
        if missing:
            raise Unprocessable("import_missing_value", columns=", ".join(missing))
        day = _parse_date(self.values["date"])
        try:
            moment = time.fromisoformat(self.values["time"].strip())
        except ValueError:
            raise Unprocessable("import_bad_time", value=self.values["time"]) from None
        language = (self.values.get("language") or "pl").strip().lower()
        if language not in LANGUAGES:
            raise Unprocessable("import_bad_language", value=language)
        try:
            return AppointmentCreate(
                service=self.values["service"].strip().upper(),
                start=datetime.combine(day, moment, tzinfo=zone),
                language=language,
                name=self.values.get("name") or None,
                contact=self.values.get("contact") or None,
                external_ref=self.values.get("external_ref") or None,
            )
        except ValidationError as exc:
            fields = sorted({str(err["loc"][0]) for err in exc.errors() if err.get("loc")})
            raise Unprocessable("import_bad_value", columns=", ".join(fields)) from None


def _parse_date(text: str) -> date:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            day = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        # The calendar's first and last years leave no room for a time zone's offset.
        if date.min.year < day.year < date.max.year:
            return day
    raise Unprocessable("import_bad_date", value=text)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Polish Windows exports are often in windows-1250.
        return data.decode("cp1250", errors="replace")


def parse_csv(data: bytes) -> list[ImportRow]:
    """Rows of a booking export; the header decides which column is which."""
    text = _decode(data)
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise Unprocessable("import_empty")
    header = lines[0]
    delimiter = max((",", ";", "\t"), key=header.count)
    # Lines end at "\n" (or "\r\n"); a carriage return anywhere else is the csv module's
    # error, answered with the line it is on.
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        columns = [c.strip().lower().lstrip("\ufeff") for c in _checked(next(reader), reader)]
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        if missing:
            raise Unprocessable("import_missing_columns", columns=", ".join(missing))
        rows: list[ImportRow] = []
        for number, fields in enumerate(reader, start=2):
            if not any(f.strip() for f in _checked(fields, reader)):
                continue
            values = {columns[i]: f.strip() for i, f in enumerate(fields) if i < len(columns)}
            rows.append(ImportRow(number, values))
            if len(rows) > IMPORT_MAX_ROWS:
                raise Unprocessable("import_too_large", max_rows=IMPORT_MAX_ROWS)
    except csv.Error:
        raise Unprocessable("import_malformed_line", line=reader.line_num) from None
    if not rows:
        raise Unprocessable("import_empty")
    return rows


def _checked(fields: list[str], reader: Any) -> list[str]:
    """A NUL is no text a database keeps (PostgreSQL refuses it): the line is malformed."""
    if any("\x00" in f for f in fields):
        raise Unprocessable("import_malformed_line", line=reader.line_num)
    return fields
