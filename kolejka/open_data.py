"""The open queue feed's wire shapes: `/api/open/v1/…` (docs/open-feed.md).

What Polish cities publish about their offices' queues (Warsaw's "kolejki w urzędach":
status, czasObslugi, liczbaKlwKolejce, liczbaCzynnychStan, aktualnyNumer, nazwaGrupy,
literaGrupy), per queue, plus when the day's tickets will likely run out. Nothing about a
person: numbers, counts and times only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from kolejka.schemas import Model

QueueStatus = Literal["open", "closed"]
RunOutReason = Literal["daily_limit", "closing"]


class RunOutPublic(Model):
    at: datetime = Field(description="When, in UTC (rounded to 5 minutes).")
    local_time: str = Field(description="The same in the office's time, HH:MM ('about 13:40').")
    reason: RunOutReason = Field(
        description="daily_limit: the day's tickets will all be issued at the recent pace; "
        "closing: a ticket taken later would not be called before the closing hour."
    )


class OpenQueue(Model):
    service: str = Field(description="The ticket prefix, e.g. 'A' (Warsaw: literaGrupy).")
    names: dict[str, str] = Field(description="The matter's name per language (nazwaGrupy).")
    group: str | None = Field(None, description="The kiosk's menu group, if any.")
    group_names: dict[str, str] = Field(default_factory=dict)
    status: QueueStatus = Field(description="open: tickets are issued now (status 1).")
    reason: str | None = Field(
        None,
        description="Why not, when closed: closed_today | not_yet_open | closed_for_today | "
        "daily_limit_reached | service_disabled | wait_past_closing",
    )
    open_counters: int = Field(description="Counters open for it now (liczbaCzynnychStan).")
    waiting: int = Field(description="Tickets waiting (liczbaKlwKolejce).")
    current_number: str | None = Field(
        None, description="The number called last today (aktualnyNumer); null: none yet."
    )
    service_time_s: int | None = Field(
        None, description="Median service time of recent tickets, seconds (czasObslugi)."
    )
    estimated_wait_s: int | None = Field(
        None, description="Estimated wait for a ticket taken now, seconds; null: unknown."
    )
    issued_today: int
    daily_limit: int | None = None
    closes_at: str | None = Field(None, description="Today's closing hour, HH:MM local.")
    tickets_run_out: RunOutPublic | None = Field(
        None, description="When tickets will likely run out today; null: not expected."
    )


class OpenSiteQueues(Model):
    site: str
    name: str
    address: str | None = None
    timezone: str
    generated_at: datetime = Field(description="When these figures were worked out (UTC).")
    local_date: str = Field(description="The office's date, YYYY-MM-DD.")
    local_time: str = Field(description="The office's time of generated_at, HH:MM.")
    max_age_s: int = Field(description="Figures are refreshed this often; poll no faster.")
    queues: list[OpenQueue]


class OpenSite(Model):
    site: str
    name: str
    address: str | None = None
    timezone: str
    queues_url: str
    status_page_url: str


class OpenSites(Model):
    data: list[OpenSite]
    count: int
