"""The REST client every app uses (blocking; the Qt bridge runs it off the GUI thread).

Every changing call carries an Idempotency-Key and is retried with the same key when the
answer was lost, so a click is never applied twice nor silently dropped.
"""

from __future__ import annotations

import time
import uuid
from datetime import date, datetime
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

from kolejka.client.errors import ServerUnreachable, api_error
from kolejka.schemas import (
    AppointmentImport,
    AppointmentPublic,
    AppointmentsPublic,
    CounterPublic,
    CountersPublic,
    DailyStats,
    DeviceSelf,
    EventsPublic,
    LoginResponse,
    QueueSnapshot,
    ServicesPublic,
    SlotsPublic,
    TicketPublic,
    TicketStatusPublic,
)

M = TypeVar("M", bound=BaseModel)
API = "/api/v1"


class KolejkaClient:
    def __init__(
        self,
        base_url: str,
        site: str,
        token: str | None = None,
        *,
        language: str = "en",
        timeout: float = 5.0,
        retries: int = 2,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.site = site
        self.token = token
        self.language = language
        self.retries = retries
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout, transport=transport)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> KolejkaClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- plumbing -----------------------------------------------------------------------

    def _headers(self, idempotency_key: str | None) -> dict[str, str]:
        headers = {"Accept-Language": self.language}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        return headers

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        idempotent: bool | None = None,
        idempotency_key: str | None = None,
    ) -> httpx.Response:
        """Send a request; retries a lost answer when the call is safe to repeat.

        A change carries an Idempotency-Key (`idempotency_key`, or a fresh one), so a retry
        of a request whose answer was lost gets that answer instead of a second change."""
        changing = method != "GET"
        key = (idempotency_key or uuid.uuid4().hex) if changing else None
        safe = idempotent if idempotent is not None else True
        attempts = 1 + (self.retries if safe else 0)
        last: Exception | None = None
        for attempt in range(attempts):
            try:
                response = self._http.request(
                    method, path, json=json, params=params, headers=self._headers(key)
                )
            except (httpx.TransportError, httpx.TimeoutException) as exc:
                last = exc
                if attempt + 1 < attempts:
                    time.sleep(min(0.2 * 2**attempt, 1.0))
                continue
            if response.status_code >= 400:
                try:
                    body = response.json()
                except ValueError:
                    body = response.text
                raise api_error(response.status_code, body)
            return response
        raise ServerUnreachable(f"{self.base_url}: {last}") from last

    def _get(self, path: str, model: type[M], params: dict[str, Any] | None = None) -> M:
        return model.model_validate(self.request("GET", path, params=params).json())

    def _post(
        self, path: str, model: type[M], json: Any = None, idempotency_key: str | None = None
    ) -> M:
        answer = self.request("POST", path, json=json, idempotency_key=idempotency_key)
        return model.model_validate(answer.json())

    @property
    def _site(self) -> str:
        return f"{API}/sites/{self.site}"

    # --- operations ---------------------------------------------------------------------

    def login(self, username: str, password: str) -> LoginResponse:
        answer = self._post(
            f"{API}/auth/login",
            LoginResponse,
            {"site": self.site, "username": username, "password": password},
        )
        self.token = answer.access_token
        return answer

    def list_services(self) -> ServicesPublic:
        return self._get(f"{self._site}/services", ServicesPublic)

    def issue_ticket(
        self,
        service: str,
        language: str = "pl",
        priority: str = "normal",
        *,
        idempotency_key: str | None = None,
    ) -> TicketPublic:
        """`idempotency_key`: sent again later, it answers the ticket issued the first time
        (if the first request got through) instead of issuing another."""
        body = {"service": service, "language": language, "priority": priority}
        return self._post(f"{self._site}/tickets", TicketPublic, body, idempotency_key)

    def get_ticket(self, ticket_id: int) -> TicketPublic:
        return self._get(f"{self._site}/tickets/{ticket_id}", TicketPublic)

    def cancel_ticket(self, ticket_id: int) -> TicketPublic:
        return self._post(f"{self._site}/tickets/{ticket_id}/cancel", TicketPublic)

    def queue_snapshot(self) -> QueueSnapshot:
        return self._get(f"{self._site}/queue", QueueSnapshot)

    def list_events(self, after: int = 0, limit: int = 500) -> EventsPublic:
        return self._get(f"{self._site}/events", EventsPublic, {"after": after, "limit": limit})

    def call_next(self, counter: int) -> TicketPublic | None:
        response = self.request("POST", f"{self._site}/counters/{counter}/call-next")
        if response.status_code == 204:
            return None
        return TicketPublic.model_validate(response.json())

    def recall_ticket(self, ticket_id: int) -> TicketPublic:
        return self._post(f"{self._site}/tickets/{ticket_id}/recall", TicketPublic)

    def start_service(self, ticket_id: int) -> TicketPublic:
        return self._post(f"{self._site}/tickets/{ticket_id}/start", TicketPublic)

    def finish_ticket(self, ticket_id: int, outcome: str | None = None) -> TicketPublic:
        """`outcome`: one of the service's (ServiceQueue.outcomes); None sends no body, as
        servers before outcomes expect."""
        body = {"outcome": outcome} if outcome is not None else None
        return self._post(f"{self._site}/tickets/{ticket_id}/finish", TicketPublic, body)

    def park_ticket(self, ticket_id: int, note: str | None = None) -> TicketPublic:
        body = {"note": note} if note is not None else None
        return self._post(f"{self._site}/tickets/{ticket_id}/park", TicketPublic, body)

    def call_back_ticket(self, ticket_id: int) -> TicketPublic:
        return self._post(f"{self._site}/tickets/{ticket_id}/call-back", TicketPublic)

    def reactivate_ticket(self, ticket_id: int) -> TicketPublic:
        return self._post(f"{self._site}/tickets/{ticket_id}/reactivate", TicketPublic)

    def serve_without_ticket(
        self, counter: int, service: str, language: str = "pl", priority: str = "normal"
    ) -> TicketPublic:
        body = {"service": service, "language": language, "priority": priority}
        path = f"{self._site}/counters/{counter}/serve-without-ticket"
        return self._post(path, TicketPublic, body)

    def mark_no_show(self, ticket_id: int) -> TicketPublic:
        return self._post(f"{self._site}/tickets/{ticket_id}/no-show", TicketPublic)

    def transfer_ticket(
        self,
        ticket_id: int,
        service: str | None = None,
        counter: int | None = None,
        note: str | None = None,
    ) -> TicketPublic:
        body = {"service": service, "counter": counter, "note": note}
        return self._post(f"{self._site}/tickets/{ticket_id}/transfer", TicketPublic, body)

    def list_counters(self) -> CountersPublic:
        return self._get(f"{self._site}/counters", CountersPublic)

    def open_counter(self, counter: int) -> CounterPublic:
        return self._post(f"{self._site}/counters/{counter}/open", CounterPublic)

    def pause_counter(self, counter: int, reason: str | None = None) -> CounterPublic:
        """`reason`: break | back_office | technical (None: no body; the server takes a break)."""
        body = {"reason": reason} if reason is not None else None
        return self._post(f"{self._site}/counters/{counter}/pause", CounterPublic, body)

    def close_counter(self, counter: int) -> CounterPublic:
        return self._post(f"{self._site}/counters/{counter}/close", CounterPublic)

    def daily_stats(self, day: date | None = None) -> DailyStats:
        params = {"day": day.isoformat()} if day else None
        return self._get(f"{self._site}/stats/daily", DailyStats, params)

    def who_am_i(self) -> DeviceSelf:
        """The calling device's id, kind and name."""
        return self._get(f"{self._site}/devices/me", DeviceSelf)

    def report_printer_status(self, status: str, detail: str | None = None) -> None:
        self.request(
            "POST", f"{self._site}/printer-status", json={"status": status, "detail": detail}
        )

    # --- appointments: the booking portal (booking token) and the kiosk's check-in ------

    def create_appointment(
        self,
        service: str,
        start: datetime,
        language: str = "pl",
        *,
        name: str | None = None,
        contact: str | None = None,
        external_ref: str | None = None,
    ) -> AppointmentPublic:
        """Book the slot starting at `start` (timezone-aware)."""
        body = {
            "service": service,
            "start": start.isoformat(),
            "language": language,
            "name": name,
            "contact": contact,
            "external_ref": external_ref,
        }
        return self._post(f"{self._site}/appointments", AppointmentPublic, body)

    def get_appointment(self, appointment_id: int) -> AppointmentPublic:
        return self._get(f"{self._site}/appointments/{appointment_id}", AppointmentPublic)

    def cancel_appointment(self, appointment_id: int) -> AppointmentPublic:
        return self._post(f"{self._site}/appointments/{appointment_id}/cancel", AppointmentPublic)

    def list_appointments(
        self, day: date | None = None, service: str | None = None, status: str | None = None
    ) -> AppointmentsPublic:
        params = {
            k: v
            for k, v in {
                "day": day.isoformat() if day else None,
                "service": service,
                "status": status,
            }.items()
            if v is not None
        }
        return self._get(f"{self._site}/appointments", AppointmentsPublic, params)

    def list_slots(self, service: str, day: date) -> SlotsPublic:
        params = {"service": service, "day": day.isoformat()}
        return self._get(f"{self._site}/appointments/slots", SlotsPublic, params)

    def check_in(
        self, code: str, language: str = "pl", document: str | None = None
    ) -> TicketPublic:
        """Scanned QR payload or typed short code → the visitor's ticket; `document`, the
        document number typed again for a booking bound to one."""
        body = {"code": code, "language": language}
        if document is not None:
            body["document"] = document
        return self._post(f"{self._site}/appointments/check-in", TicketPublic, body)

    def import_appointments(self, csv_data: bytes | str) -> AppointmentImport:
        """Send a booking system's CSV export; all lines are booked, or none."""
        data = csv_data.encode() if isinstance(csv_data, str) else csv_data
        key = uuid.uuid4().hex
        headers = {**self._headers(key), "Content-Type": "text/csv; charset=utf-8"}
        path = f"{self._site}/appointments/import"
        last: Exception | None = None
        for attempt in range(1 + self.retries):
            try:
                response = self._http.post(path, content=data, headers=headers)
            except (httpx.TransportError, httpx.TimeoutException) as exc:
                last = exc
                time.sleep(min(0.2 * 2**attempt, 1.0))
                continue
            if response.status_code >= 400:
                try:
                    body = response.json()
                except ValueError:
                    body = response.text
                raise api_error(response.status_code, body)
            return AppointmentImport.model_validate(response.json())
        raise ServerUnreachable(f"{self.base_url}: {last}") from last

    def appointment_confirmation(
        self, appointment_id: int, fmt: str = "png", language: str | None = None
    ) -> bytes:
        """The confirmation as PNG or PDF bytes."""
        params = {"language": language} if language else None
        path = f"{self._site}/appointments/{appointment_id}/confirmation.{fmt}"
        return self.request("GET", path, params=params).content

    def ticket_status(self, public_id: str) -> TicketStatusPublic:
        """What the visitor's phone shows (no token needed)."""
        return self._get(f"{API}/public/tickets/{public_id}", TicketStatusPublic)
