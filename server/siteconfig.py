"""A site's configuration file: services, counters, hours, limits, devices, clerks.

TOML, or YAML with the same keys when the file name ends in .yaml or .yml:

    [[sites]]
    code = "demo"
    name = "Department for Foreigners — main hall"
    timezone = "Europe/Warsaw"
    [sites.rules]
    max_recalls = 2
    oversees_region = false   # true: the main office, its admins see every site (/admin/region)
    [sites.rules.alerts]      # the console monitor's alerts (AlertRules; all optional)
    wait_min = 30
    [[sites.services]]
    code = "A"
    names = { pl = "…", en = "…", ru = "…", uk = "…" }
    hours = { mon = ["08:00-15:00"], special = { "2026-12-24" = [] } }
    daily_limit = 150
    [[sites.counters]]
    number = 1
    services = [{ service = "A", order = 1 }, { service = "E", order = 2 }]
    [[sites.devices]]
    kind = "kiosk"
    name = "Kiosk by the entrance"
    token = "…"            # or token_sha256 = "…"
    [[sites.clerks]]
    username = "anna"
    password = "…"         # or password_hash = "$argon2id$…"

The same in YAML starts `sites: [{code: demo, name: …, services: [{code: A, …}]}]`.
Validation errors name the field (`sites.0.services.2.code: …`), so a bad file is refused at
start-up with a message an administrator can act on.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from kolejka.core.hours import WEEKDAYS, Interval, OpeningHours
from kolejka.core.routing import RoutingMode
from kolejka.i18n import LANGUAGES
from kolejka.schemas import DeviceKind
from server.errors import ConfigError

Language = Literal["pl", "en", "ru", "uk"]
_ALL_LANGUAGES: tuple[Language, ...] = ("pl", "en", "ru", "uk")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _check_names(names: dict[str, str]) -> dict[str, str]:
    unknown = set(names) - set(LANGUAGES)
    if unknown:
        raise ValueError(f"unknown language(s) {sorted(unknown)}; use {list(LANGUAGES)}")
    if "pl" not in names:
        raise ValueError("a Polish name ('pl') is required")
    return names


class HoursConfig(Strict):
    mon: list[str] = Field(default_factory=list)
    tue: list[str] = Field(default_factory=list)
    wed: list[str] = Field(default_factory=list)
    thu: list[str] = Field(default_factory=list)
    fri: list[str] = Field(default_factory=list)
    sat: list[str] = Field(default_factory=list)
    sun: list[str] = Field(default_factory=list)
    special: dict[date, list[str]] = Field(default_factory=dict)

    @field_validator(*WEEKDAYS, mode="after")
    @classmethod
    def _intervals(cls, value: list[str]) -> list[str]:
        for text in value:
            Interval.parse(text)
        return value

    @field_validator("special", mode="after")
    @classmethod
    def _special(cls, value: dict[date, list[str]]) -> dict[date, list[str]]:
        for intervals in value.values():
            for text in intervals:
                Interval.parse(text)
        return value

    def to_opening_hours(self) -> OpeningHours:
        weekly = {day: [Interval.parse(t) for t in getattr(self, day)] for day in WEEKDAYS}
        if not any(weekly.values()):
            weekly = {}
        special = {d: [Interval.parse(t) for t in ivs] for d, ivs in self.special.items()}
        return OpeningHours(weekly=weekly, special=special)


def opening_hours_from_json(data: dict[str, Any]) -> OpeningHours:
    """The stored hours, validated and parsed once per distinct value: a booking asks
    twice, inside its transaction, and validating cost more than the rest of the check."""
    return _opening_hours(json.dumps(data, sort_keys=True)) if data else OpeningHours()


@lru_cache(maxsize=512)
def _opening_hours(text: str) -> OpeningHours:
    return HoursConfig.model_validate(json.loads(text)).to_opening_hours()


class OutcomeConfig(Strict):
    """One way a visit may end, as the office counts it ("documents complete")."""

    code: str = Field(pattern=r"^[a-z0-9][a-z0-9_]{0,39}$", description="e.g. 'complete'.")
    names: dict[str, str]

    @field_validator("names")
    @classmethod
    def _names(cls, value: dict[str, str]) -> dict[str, str]:
        return _check_names(value)


class BookingFieldConfig(Strict):
    """One more thing the office asks for on the booking form (e.g. a case number)."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,29}$")
    labels: dict[str, str] = Field(description="The field's label per language (pl required).")
    required: bool = False
    max_length: int = Field(40, ge=1, le=200)
    pattern: str | None = Field(
        None, max_length=200, description="A regular expression the whole answer must match."
    )

    @field_validator("labels")
    @classmethod
    def _labels(cls, value: dict[str, str]) -> dict[str, str]:
        return _check_names(value)

    @field_validator("pattern")
    @classmethod
    def _pattern(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"not a regular expression: {exc}") from None
        return value


class OnlineBookingConfig(Strict):
    """Whether and how visitors book this service themselves on `/book/{site}`."""

    enabled: bool = Field(False, description="Offered on the public booking pages.")
    days_ahead: int = Field(14, ge=0, le=365, description="Bookable up to this many days ahead.")
    until_hours_before: int = Field(
        2, ge=0, le=24 * 14, description="Booking, moving and cancelling close this long before."
    )
    online_share: float = Field(
        1.0,
        ge=0,
        le=1,
        allow_inf_nan=False,
        description="Share of a day's slot capacity bookable online; the rest is for walk-ins.",
    )
    contact: Literal["email", "phone", "either", "both"] = Field(
        "either", description="Which contact the visitor must give."
    )
    document_check: bool = Field(
        False,
        description="Ask for the document number; stored only as a keyed hash and typed "
        "again at the kiosk's check-in.",
    )
    fields: list[BookingFieldConfig] = Field(default_factory=list, max_length=10)

    @model_validator(mode="after")
    def _field_keys(self) -> OnlineBookingConfig:
        keys = [f.key for f in self.fields]
        if len(set(keys)) != len(keys):
            raise ValueError(f"booking field keys repeat: {keys}")
        return self


def online_booking_from_json(data: dict[str, Any] | None) -> OnlineBookingConfig:
    return OnlineBookingConfig.model_validate(data or {})


class ServiceConfig(Strict):
    code: str = Field(description="Ticket prefix: 1-3 capital letters.")
    names: dict[str, str]
    group: str | None = Field(None, max_length=40)
    group_names: dict[str, str] = Field(default_factory=dict)
    hours: HoursConfig | None = None
    daily_limit: int | None = Field(None, ge=1, le=1_000_000)
    enabled: bool = True
    bring_text: dict[str, str] = Field(
        default_factory=dict, description="What to bring, per language (appointment confirmation)."
    )
    slot_minutes: int = Field(15, ge=5, le=240, description="Length of an appointment slot.")
    slot_capacity: int = Field(
        1, ge=0, le=100, description="Appointments per slot; 0 = no appointments for this service."
    )
    outcomes: list[OutcomeConfig] = Field(
        default_factory=list,
        max_length=30,
        description="How a visit may end, chosen by the clerk at finish (counted).",
    )
    outcome_required: bool = Field(False, description="The clerk must choose an outcome.")

    stop_when_wait_passes_closing: bool = Field(
        False,
        description="Stop issuing walk-in tickets once a new ticket's estimated wait would "
        "pass today's closing hour (the kiosk and the status page say why).",
    )
    wait_threshold_min: int | None = Field(
        None,
        ge=1,
        le=24 * 60,
        description="A wait longer than this many minutes is an alert on the manager's monitor.",
    )
    online_booking: OnlineBookingConfig = Field(default_factory=OnlineBookingConfig)

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Z]{1,3}", value):
            raise ValueError("must be 1-3 capital letters A-Z (it starts every ticket number)")
        return value

    @field_validator("names")
    @classmethod
    def _names(cls, value: dict[str, str]) -> dict[str, str]:
        return _check_names(value)

    @model_validator(mode="after")
    def _outcomes(self) -> ServiceConfig:
        codes = [o.code for o in self.outcomes]
        if len(set(codes)) != len(codes):
            raise ValueError(f"service {self.code}: outcome codes repeat: {codes}")
        if self.outcome_required and not self.outcomes:
            raise ValueError(f"service {self.code}: outcome_required needs a list of outcomes")
        return self


class CounterServiceConfig(Strict):
    service: str
    order: int = Field(1, ge=1, le=1000)
    weight: float = Field(1.0, gt=0, le=1000, allow_inf_nan=False)


class CounterConfig(Strict):
    number: int = Field(ge=1, le=999)
    name: str | None = Field(None, max_length=100)
    routing: RoutingMode = RoutingMode.ORDER
    services: list[CounterServiceConfig] = Field(min_length=1)

    @model_validator(mode="after")
    def _each_service_once(self) -> CounterConfig:
        codes = [link.service for link in self.services]
        if len(set(codes)) != len(codes):
            raise ValueError(f"counter {self.number} lists a service twice: {codes}")
        return self


# Spelled out as it was when `kind` was a Literal: the OpenAPI document stays the same.
_DEVICE_KIND_SCHEMA = {"type": "string", "enum": [k.value for k in DeviceKind], "title": "Kind"}


class DeviceConfig(Strict):
    kind: Annotated[DeviceKind, WithJsonSchema(_DEVICE_KIND_SCHEMA)]
    name: str = Field(min_length=1, max_length=100)
    token: str | None = Field(None, min_length=16)
    token_sha256: str | None = Field(None, pattern=r"^[0-9a-f]{64}$")
    counter: int | None = Field(None, ge=1, le=999)
    zone: list[int] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_token(self) -> DeviceConfig:
        if (self.token is None) == (self.token_sha256 is None):
            raise ValueError("give exactly one of 'token' or 'token_sha256'")
        return self

    @property
    def token_hash(self) -> str:
        """What the server stores and looks the device up by."""
        return self.token_sha256 or hashlib.sha256((self.token or "").encode()).hexdigest()


class ClerkConfig(Strict):
    username: str = Field(min_length=1, max_length=100)
    display_name: str | None = Field(None, max_length=200)
    role: Literal["clerk", "supervisor", "admin"] = "clerk"
    # Neither, over the admin API: keep the clerk's current password (the API never
    # sends hashes out). A file must give one for every clerk (KolejkaConfig).
    password: str | None = Field(None, min_length=6)
    password_hash: str | None = Field(None, max_length=300)

    @model_validator(mode="after")
    def _one_password(self) -> ClerkConfig:
        if self.password is not None and self.password_hash is not None:
            raise ValueError("give only one of 'password' or 'password_hash'")
        return self


class AlertRules(Strict):
    """When the console's monitor raises an alert (server/monitor.py)."""

    wait_min: int = Field(
        30, ge=1, le=24 * 60, description="A client waiting longer than this (minutes)."
    )
    wait_min_by_service: dict[str, int] = Field(
        default_factory=dict, description="The same per service code, where it differs."
    )
    pause_min: int = Field(15, ge=1, le=24 * 60, description="A counter paused this long.")
    display_offline_s: int = Field(60, ge=5, le=24 * 3600, description="A display gone this long.")
    limit_left: int = Field(
        10, ge=0, le=10_000, description="Tickets left today under a service's daily limit."
    )
    printer_silent_min: int = Field(
        15, ge=1, le=24 * 60, description="A kiosk that has not reported its printer this long."
    )

    def wait_threshold_min(self, service: str) -> int:
        return self.wait_min_by_service.get(service, self.wait_min)


class RulesConfig(Strict):
    max_recalls: int = Field(2, ge=0, le=10)
    no_show_after_max_recalls: bool = Field(
        False, description="A recall past the limit marks a no-show instead of being refused."
    )
    priority_enabled: bool = True
    languages: list[Language] = Field(default_factory=lambda: list(_ALL_LANGUAGES))
    ticket_messages: dict[str, str] = Field(default_factory=dict)
    ticker: dict[str, str] = Field(default_factory=dict, description="Hall display messages.")
    checkin_before_min: int = Field(
        30, ge=0, le=24 * 60, description="An appointment may check in this early."
    )
    checkin_after_min: int = Field(15, ge=0, le=24 * 60, description="…and this late.")
    personal_data_enabled: bool = Field(
        False, description="Appointments may carry a name and a contact."
    )
    personal_data_retention_days: int = Field(
        30, ge=0, le=3650, description="Days after the slot before name and contact are erased."
    )
    reactivate_within_min: int = Field(
        15,
        ge=0,
        le=24 * 60,
        description="A no-show may be reactivated (the visitor came back) this long after; "
        "0: never.",
    )
    oversees_region: bool = Field(
        False,
        description="This site is the main office: its admins see every site of the server "
        "in the console's region view.",
    )
    alerts: AlertRules = Field(default_factory=AlertRules)
    # online booking and notifications (server/public_booking.py, server/notifications.py)
    booking_consent: dict[str, str] = Field(
        default_factory=dict,
        description="The consent text on the booking form, per language (default: ours).",
    )
    bookings_per_address_per_day: int = Field(
        20, ge=1, le=10_000, description="Online bookings a day from one network address."
    )
    bookings_per_contact: int = Field(
        3, ge=1, le=100, description="Upcoming online bookings one e-mail or phone may hold."
    )
    suspicious_after: int = Field(
        5, ge=2, le=10_000, description="Listed for the admin from this many bookings a week."
    )
    notify_ahead: int = Field(
        3, ge=1, le=50, description="'N people ahead of you' is sent at this N."
    )


# A site's rules and address share the `Site.settings` JSON column: written and read here.
ADDRESS_KEY = "address"


def stored_settings(rules: RulesConfig, address: str | None) -> dict[str, Any]:
    return {**rules.model_dump(mode="json"), ADDRESS_KEY: address}


def rules_from_json(data: dict[str, Any]) -> RulesConfig:
    """Strict like the file: a stored key that is no rule is an error, not ignored."""
    return RulesConfig.model_validate({k: v for k, v in data.items() if k != ADDRESS_KEY})


def address_from_json(data: dict[str, Any]) -> str | None:
    address = data.get(ADDRESS_KEY)
    return str(address) if address is not None else None


class SiteConfig(Strict):
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")
    name: str = Field(max_length=200)
    address: str | None = None
    timezone: str = "Europe/Warsaw"
    rules: RulesConfig = Field(default_factory=RulesConfig)
    services: list[ServiceConfig] = Field(min_length=1)
    counters: list[CounterConfig] = Field(default_factory=list)
    devices: list[DeviceConfig] = Field(default_factory=list)
    clerks: list[ClerkConfig] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @model_validator(mode="after")
    def _references(self) -> SiteConfig:
        codes = [s.code for s in self.services]
        if len(set(codes)) != len(codes):
            raise ValueError(f"service codes repeat: {codes}")
        numbers = [c.number for c in self.counters]
        if len(set(numbers)) != len(numbers):
            raise ValueError(f"counter numbers repeat: {numbers}")
        for counter in self.counters:
            for link in counter.services:
                if link.service not in codes:
                    raise ValueError(
                        f"counter {counter.number} serves unknown service {link.service!r}"
                    )
        users = [c.username for c in self.clerks]
        if len(set(users)) != len(users):
            raise ValueError(f"clerk usernames repeat: {users}")
        devices = [d.name for d in self.devices]
        if len(set(devices)) != len(devices):
            raise ValueError(f"device names repeat: {devices}")
        tokens = [d.token_hash for d in self.devices]
        if len(set(tokens)) != len(tokens):
            raise ValueError("two devices have the same token")
        return self


class KolejkaConfig(Strict):
    sites: list[SiteConfig] = Field(min_length=1)

    @model_validator(mode="after")
    def _passwords(self) -> KolejkaConfig:
        for site in self.sites:
            for clerk in site.clerks:
                if clerk.password is None and clerk.password_hash is None:
                    raise ValueError(
                        f"clerk {clerk.username!r} of site {site.code!r}: "
                        "give one of 'password' or 'password_hash'"
                    )
        return self


def parse_config(data: dict[str, Any], source: str = "configuration") -> KolejkaConfig:
    try:
        return KolejkaConfig.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            where = ".".join(str(part) for part in err["loc"])
            lines.append(f"  {where}: {err['msg']}")
        raise ConfigError(f"{source} is not valid:\n" + "\n".join(lines)) from None


YAML_SUFFIXES = (".yaml", ".yml")


def load_config(path: Path) -> KolejkaConfig:
    """A TOML file, or YAML where the name ends in .yaml/.yml (the same keys either way)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    if path.suffix.lower() in YAML_SUFFIXES:
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ConfigError(f"{path}: not valid YAML: {exc}") from None
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: expected a mapping with `sites` at the top")
    else:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return parse_config(data, str(path))
