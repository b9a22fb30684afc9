"""The open queue feed: each site's queues as the public may see them, worked out at most
once per `max_age_s` per site and process, and kept as the bytes to send.

The figures (kolejka.open_data) come from the same forecast as every shown wait
(server/estimate_inputs.py, kolejka.core.forecast), plus when the day's tickets will likely
run out. A cached answer is served as it is while it is fresh; once stale, one request
works out the next while the others still get the stale copy, so a busy feed never waits
for the database. The cache is per process and invalidated by time only: a feed is a few
seconds behind the hall by design (docs/open-feed.md).

The next answer is worked out ahead: once the kept one is `REFRESH_AHEAD_S` from its
age limit, the first request to see it starts one refresh in the background and every
request, that one too, is answered from the kept copy until the new one is in; none is
ever older than `max_age_s`. Before, the request that found the answer stale waited for
the database, and the others during the recompute went the slow way through the routing
while the recompute held the GIL: the feed's tail while kiosks issue.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from statistics import median
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from kolejka.core.forecast import sell_out
from kolejka.core.hours import Unavailable, availability, closing_time, passes_closing
from kolejka.open_data import OpenQueue, OpenSite, OpenSiteQueues, OpenSites, RunOutPublic
from server import repository as repo
from server.clock import Clock
from server.db import Database
from server.estimate_inputs import SiteEstimates, site_estimates
from server.models import Service, Site, Ticket
from server.siteconfig import opening_hours_from_json

log = logging.getLogger(__name__)

QUEUES_PATH = "/api/open/v1/sites/{site}/queues"
STATUS_PATH = "/status/{site}"
ROUND_RUN_OUT_S = 5 * 60
REFRESH_AHEAD_S = 1.0  # a recompute takes milliseconds; a second is ample room

_T = Ticket.__table__  # type: ignore[attr-defined]
_LAST_CALLED = (
    sa.select(_T.c.number, _T.c.day)
    .where(_T.c.service_id == sa.bindparam("service_id"), _T.c.called_at.is_not(None))
    .order_by(_T.c.called_at.desc())
    .limit(1)
)


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One site's answer: the model (for the status page), its JSON and its ETag."""

    model: OpenSiteQueues
    body: bytes
    etag: str


def site_queues(
    session: Session, site: Site, now: datetime, *, recent_limit: int, max_age_s: int
) -> OpenSiteQueues:
    """The site's queues now, for the public."""
    assert site.id is not None
    zone = ZoneInfo(site.timezone)
    local_now = now.astimezone(zone)
    estimates = site_estimates(session, site.id, now, recent_limit)
    queues = [
        _queue(session, site, service, now, local_now, estimates, recent_limit)
        for service in repo.services_of(session, site)
    ]
    return OpenSiteQueues(
        site=site.code,
        name=site.name,
        address=site.address,
        timezone=site.timezone,
        generated_at=now,
        local_date=local_now.date().isoformat(),
        local_time=f"{local_now:%H:%M}",
        max_age_s=max_age_s,
        queues=queues,
    )


def _queue(
    session: Session,
    site: Site,
    service: Service,
    now: datetime,
    local_now: datetime,
    estimates: SiteEstimates,
    recent_limit: int,
) -> OpenQueue:
    assert service.id is not None
    hours = opening_hours_from_json(service.hours)
    issued = repo.issued_today(session, site, local_now.date(), service.code)
    reason = availability(hours, local_now, issued, service.daily_limit, service.enabled)
    inputs = estimates.for_service(service.id)
    waiting = repo.waiting_count(session, service.id)
    wait = inputs.wait_for(waiting)
    if reason is None and service.stop_at_closing and passes_closing(hours, local_now, wait):
        reason = Unavailable.WAIT_PAST_CLOSING
    closes = closing_time(hours, local_now)
    run_out: RunOutPublic | None = None
    if reason is None:
        left = service.daily_limit - issued if service.daily_limit is not None else None
        closing_in = (closes - local_now).total_seconds() if closes is not None else None
        forecast = sell_out(
            estimates.office, service.code, closing_in_s=closing_in, tickets_left=left
        )
        if forecast is not None:
            run_out = _run_out_public(now, forecast.in_s, forecast.reason.value, local_now)
    last = session.execute(_LAST_CALLED, {"service_id": service.id}).first()
    durations = repo.recent_durations(session, service.id, recent_limit)
    return OpenQueue(
        service=service.code,
        names=service.names,
        group=service.group,
        group_names=service.group_names,
        status="open" if reason is None else "closed",
        reason=reason.value if reason is not None else None,
        open_counters=inputs.open_counters,
        waiting=waiting,
        current_number=last[0] if last is not None and last[1] == local_now.date() else None,
        service_time_s=round(median(durations)) if len(durations) >= 3 else None,
        estimated_wait_s=wait,
        issued_today=issued,
        daily_limit=service.daily_limit,
        closes_at=f"{closes:%H:%M}" if closes is not None else None,
        tickets_run_out=run_out,
    )


def _run_out_public(now: datetime, in_s: int, reason: str, local_now: datetime) -> RunOutPublic:
    """Rounded to five minutes: a forecast, not a timetable ("about 13:40")."""
    stamp = math.floor((now.timestamp() + in_s) / ROUND_RUN_OUT_S) * ROUND_RUN_OUT_S
    at = datetime.fromtimestamp(max(stamp, 0), tz=now.tzinfo)
    local = at.astimezone(local_now.tzinfo)
    return RunOutPublic(at=at, local_time=f"{local:%H:%M}", reason=reason)


def _entry(model: OpenSiteQueues) -> FeedEntry:
    body = model.model_dump_json().encode()
    # The figures, not the moment they were worked out: an unchanged hall keeps its ETag.
    figures = model.model_dump_json(include={"queues"}).encode()
    return FeedEntry(model, body, '"' + hashlib.sha256(figures).hexdigest()[:20] + '"')


class OpenFeed:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        recent_limit: int = 20,
        max_age_s: int = 5,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.db = db
        self.clock = clock
        self.recent_limit = recent_limit
        self.max_age_s = max_age_s
        self._monotonic = monotonic
        self._entries: dict[str, tuple[float, FeedEntry]] = {}
        self._refreshing: set[str] = set()
        self._lock = threading.Lock()

    def lookup(self, site_code: str) -> tuple[FeedEntry | None, bool]:
        """(the kept answer while it is younger than `max_age_s`, else None; whether this
        caller should start working out the next one in the background): due once the
        answer is `REFRESH_AHEAD_S` from its limit, one refresh at a time. Without a kept
        answer the caller works one out and waits for it (`refresh`)."""
        with self._lock:
            kept = self._entries.get(site_code)
            if kept is None:
                return None, False
            age = self._monotonic() - kept[0]
            if age >= self.max_age_s:
                return None, False
            ahead = min(REFRESH_AHEAD_S, self.max_age_s / 2)
            if age < self.max_age_s - ahead or site_code in self._refreshing:
                return kept[1], False
            self._refreshing.add(site_code)
            return kept[1], True

    def refresh(self, site_code: str) -> FeedEntry:
        """Work out the site's answer now and keep it; NotFound for an unknown site."""
        try:
            with self.db.read() as session:
                site = repo.site_by_code(session, site_code)
                model = site_queues(
                    session,
                    site,
                    self.clock.now(),
                    recent_limit=self.recent_limit,
                    max_age_s=self.max_age_s,
                )
            entry = _entry(model)
            with self._lock:
                if len(self._entries) > 1000:  # many sites come and go: start afresh
                    self._entries.clear()
                self._entries[site_code] = (self._monotonic(), entry)
            return entry
        finally:
            with self._lock:
                self._refreshing.discard(site_code)

    def refresh_quietly(self, site_code: str) -> None:
        """`refresh` for a background task: a failure is logged, the kept answer serves
        until its age limit and the next request tries again."""
        try:
            self.refresh(site_code)
        except Exception:
            log.exception("open feed: refreshing %s failed", site_code)

    def get(self, site_code: str) -> FeedEntry:
        """The kept answer, else one worked out now (ahead-of-time refreshes aside)."""
        entry, _ = self.lookup(site_code)
        return entry if entry is not None else self.refresh(site_code)

    def sites(self, base_url: str = "") -> OpenSites:
        with self.db.read() as session:
            rows = list(session.exec(select(Site).order_by(col(Site.name), col(Site.code))))
            data = [
                OpenSite(
                    site=site.code,
                    name=site.name,
                    address=site.address,
                    timezone=site.timezone,
                    queues_url=base_url + QUEUES_PATH.format(site=site.code),
                    status_page_url=base_url + STATUS_PATH.format(site=site.code),
                )
                for site in rows
            ]
        return OpenSites(data=data, count=len(data))
