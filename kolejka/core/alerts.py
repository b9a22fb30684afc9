"""When the hall needs a manager's eye: the monitor's alerts, from values and thresholds.

Each function looks at one thing (a service's queue, a counter, a kiosk, a display) as
plain values and answers the alert it raises, or None. `since` is when the condition
began (the first moment the threshold was passed), so an alert listed on a monitor that
reconnected shows the same time as on one that never lost its connection. The
thresholds are the site's typed rules (server.siteconfig.AlertRules).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class AlertKind(StrEnum):
    LONG_WAIT = "long_wait"
    PRINTER_FAULT = "printer_fault"
    PRINTER_SILENT = "printer_silent"
    DISPLAY_OFFLINE = "display_offline"
    LONG_PAUSE = "long_pause"
    NEAR_DAILY_LIMIT = "near_daily_limit"


class Severity(StrEnum):
    WARNING = "warning"
    CRITICAL = "critical"


# A kiosk printer's states that stop tickets (critical) or soon will (warning).
PRINTER_CRITICAL = frozenset({"paper_out", "cover_open", "offline", "error", "unknown"})
PRINTER_WARNING = frozenset({"paper_low"})


@dataclass(frozen=True, slots=True)
class Alert:
    kind: AlertKind
    severity: Severity
    subject: str  # the service's code, the counter's number, the device's name
    since: datetime
    value: int | str | None = None  # minutes waited, tickets left, the printer's state…

    @property
    def key(self) -> str:
        return f"{self.kind.value}:{self.subject}"


def long_wait(
    service: str, oldest_queued_at: datetime | None, now: datetime, threshold_min: int
) -> Alert | None:
    """The longest-waiting client of `service` has waited past its threshold."""
    if oldest_queued_at is None:
        return None
    waited = now - oldest_queued_at
    limit = timedelta(minutes=threshold_min)
    if waited <= limit:
        return None
    severity = Severity.CRITICAL if waited > 2 * limit else Severity.WARNING
    minutes = int(waited.total_seconds() // 60)
    return Alert(AlertKind.LONG_WAIT, severity, service, oldest_queued_at + limit, minutes)


def long_pause(
    counter: int, paused_since: datetime | None, now: datetime, threshold_min: int
) -> Alert | None:
    """The counter has been paused longer than allowed."""
    if paused_since is None:
        return None
    limit = timedelta(minutes=threshold_min)
    if now - paused_since <= limit:
        return None
    minutes = int((now - paused_since).total_seconds() // 60)
    return Alert(
        AlertKind.LONG_PAUSE, Severity.WARNING, str(counter), paused_since + limit, minutes
    )


def near_daily_limit(
    service: str,
    daily_limit: int | None,
    issued_today: int,
    left_threshold: int,
    last_issued_at: datetime | None,
    now: datetime,
) -> Alert | None:
    """`left_threshold` or fewer of today's tickets are left (critical once none is)."""
    if daily_limit is None:
        return None
    left = max(0, daily_limit - issued_today)
    if left > left_threshold:
        return None
    severity = Severity.CRITICAL if left == 0 else Severity.WARNING
    return Alert(AlertKind.NEAR_DAILY_LIMIT, severity, service, last_issued_at or now, left)


def printer_fault(
    device: str, status: str | None, since: datetime | None, now: datetime
) -> Alert | None:
    """A kiosk's printer reported a state that stops (or will soon stop) its tickets."""
    if status in PRINTER_CRITICAL:
        return Alert(AlertKind.PRINTER_FAULT, Severity.CRITICAL, device, since or now, status)
    if status in PRINTER_WARNING:
        return Alert(AlertKind.PRINTER_FAULT, Severity.WARNING, device, since or now, status)
    return None


def silent(
    kind: AlertKind,
    device: str,
    last_seen: datetime | None,
    watched_since: datetime,
    now: datetime,
    threshold: timedelta,
    *,
    connected: bool = False,
) -> Alert | None:
    """A device the server has not heard from for longer than `threshold` (a display:
    not connected). Never seen counts from `watched_since`, when the server began to look."""
    if connected:
        return None
    gone_since = last_seen or watched_since
    if now - gone_since <= threshold:
        return None
    minutes = int((now - gone_since).total_seconds() // 60)
    return Alert(kind, Severity.CRITICAL, device, gone_since + threshold, minutes)


def ordered(alerts: list[Alert]) -> list[Alert]:
    """Critical first, then the oldest first."""
    return sorted(alerts, key=lambda a: (a.severity is not Severity.CRITICAL, a.since, a.key))
