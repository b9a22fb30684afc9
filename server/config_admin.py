"""The configuration console's operations: one service, counter, clerk or device at a time.

Every operation reads the site's configuration in the file's schema (server/admin.py's
`export_site`), changes one part of it, validates the whole document again with the same
model the TOML file goes through (server/siteconfig.py), and writes it with the same
`apply_site`: one model, two doors, so what the console can do the file can say, and an
export followed by an import changes nothing.

What each change guarantees:

- **Revision.** Every form carries the `revision` it was opened at (the site's
  `config_rev`). A save against an older revision is refused with 409 `config_changed`,
  never applied over the other administrator's change. The check and the change run in
  one transaction with the site row locked (PostgreSQL) or the one SQLite writer.
- **Field named.** A bad value is refused with 422 and `params.errors = [{loc, msg}]`,
  `loc` the field's path in the request (`["body", "service", "daily_limit"]`), like the
  request validation of every other operation.
- **Live and audited.** A change that changes something appends one `site.configured`
  event in its own transaction: the operation, its target, the new revision and what a
  hall display shows (site name, ticker, services' names, counters' services), so boards
  follow at once. The event's actor (who, when) goes to the audit log.
- **Secrets.** No answer carries a password, a password hash or a device token, except
  the one answer that registers a device, which shows its new token once; only the
  token's SHA-256 is stored. Revoking a device or disabling a clerk stops its token at
  once: the token cache forgets it, and an open event stream of it is closed (4401).
"""

from __future__ import annotations

import threading
import tomllib
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa
import tomli_w
from pydantic import BaseModel, Field, ValidationError, field_validator
from sqlmodel import Session, col, select

from kolejka.core.errors import Conflict, DomainError, NotFound
from kolejka.core.events import EventType
from kolejka.core.states import CounterState
from kolejka.schemas import SiteConfiguredPayload
from server import repository as repo
from server.actors import Actor, require_admin, require_site
from server.admin import _refuse_stranding, _refuse_taken_tokens, export_site
from server.clock import Clock
from server.credentials import announce_revoked
from server.db import Database
from server.eventlog import append_event
from server.models import Clerk, Counter, Device, Site
from server.provisioning import apply_site
from server.security import new_token
from server.siteconfig import (
    ClerkConfig,
    CounterConfig,
    Language,
    RulesConfig,
    ServiceConfig,
    SiteConfig,
    Strict,
)

# A clerk who signs in with the directory's password has this instead of a hash: no
# password verifies against it (server/security.py), and it is never sent anywhere.
DIRECTORY_PASSWORD = "!directory"

_SITES = Site.__table__  # type: ignore[attr-defined]
_BUMP_REV = (
    sa.update(_SITES)
    .where(_SITES.c.id == sa.bindparam("site_id"))
    .values(config_rev=_SITES.c.config_rev + 1)
)
_RESET_REV = (
    sa.update(_SITES)
    .where(_SITES.c.id == sa.bindparam("site_id"))
    .values(config_rev=sa.bindparam("rev"))
)


class FieldRefused(DomainError):
    """A value the configuration cannot take, naming the field (HTTP 422)."""

    status = 422

    def __init__(self, code: str, loc: Iterable[str | int], msg: str, **params: Any) -> None:
        path = [str(part) for part in loc]
        super().__init__(
            code, errors=[{"loc": path, "msg": msg}], field=".".join(path[1:]), **params
        )


class ConfigChanged(Conflict):
    """Another administrator changed the configuration since this form was opened."""

    def __init__(self, revision: int, current: int) -> None:
        super().__init__("config_changed", revision=revision, current=current)


def refused_fields(exc: ValidationError, prefix: list[str | int], strip: int = 0) -> FieldRefused:
    """A ValidationError of the whole document as the request's field errors: `strip`
    leading parts of each location replaced by `prefix`."""
    errors = [
        {
            "loc": [str(p) for p in (*prefix, *err["loc"][strip:])],
            "msg": err["msg"],
        }
        for err in exc.errors()
    ]
    first_loc = errors[0]["loc"] if errors else [str(p) for p in prefix]
    first_msg = str(errors[0]["msg"]) if errors else ""
    refused = FieldRefused("invalid_config", first_loc, first_msg)
    refused.params["errors"] = errors
    return refused


# --- what the operations take and answer ----------------------------------------------


class Revised(Strict):
    revision: int = Field(ge=0, description="The configuration revision the form was opened at.")


class ServiceWrite(Revised):
    service: ServiceConfig


class ServiceOrder(Revised):
    codes: list[str] = Field(min_length=1, max_length=200, description="Every service, in order.")


class ServiceList(BaseModel):
    revision: int
    services: list[ServiceConfig]


class ServiceAnswer(BaseModel):
    revision: int
    service: ServiceConfig


class CounterWrite(Revised):
    counter: CounterConfig


class CounterList(BaseModel):
    revision: int
    counters: list[CounterConfig]


class CounterAnswer(BaseModel):
    revision: int
    counter: CounterConfig


Role = Literal["clerk", "supervisor", "admin"]


class ClerkAdmin(BaseModel):
    """A clerk as the console shows them: never a password nor its hash."""

    username: str
    display_name: str
    role: str
    active: bool
    directory: bool = Field(description="Signs in with the office directory's password.")


class ClerkList(BaseModel):
    revision: int
    clerks: list[ClerkAdmin]


class ClerkAnswer(BaseModel):
    revision: int
    clerk: ClerkAdmin


class NewClerk(Strict):
    username: str = Field(min_length=1, max_length=100, pattern=r"^[^\s/]+$")
    display_name: str | None = Field(None, max_length=200)
    role: Role = "clerk"
    password: str = Field(min_length=8, max_length=200)


class ClerkCreate(Revised):
    clerk: NewClerk


class ClerkChange(Strict):
    display_name: str | None = Field(None, max_length=200)
    role: Role


class ClerkUpdate(Revised):
    clerk: ClerkChange


class PasswordReset(Revised):
    password: str = Field(min_length=8, max_length=200)


DeviceKind = Literal["kiosk", "display", "counter", "booking"]


class DeviceAdmin(BaseModel):
    """A registered device: its token is never shown again after registration."""

    id: int
    kind: str
    name: str
    counter: int | None
    zone: list[int]
    printer_status: str | None


class DeviceList(BaseModel):
    revision: int
    devices: list[DeviceAdmin]


class DeviceFields(Strict):
    name: str = Field(min_length=1, max_length=100)
    counter: int | None = Field(None, ge=1, le=999, description="A counter device's counter.")
    zone: list[int] = Field(
        default_factory=list, max_length=999, description="A display's counters (empty: all)."
    )

    @field_validator("name")
    @classmethod
    def _stripped(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()

    @field_validator("zone")
    @classmethod
    def _zone(cls, value: list[int]) -> list[int]:
        if any(not 1 <= n <= 999 for n in value):
            raise ValueError("counter numbers are 1-999")
        return sorted(set(value))


class NewDevice(DeviceFields):
    kind: DeviceKind


class DeviceRegister(Revised):
    device: NewDevice


class DeviceUpdate(Revised):
    device: DeviceFields


class DeviceAnswer(BaseModel):
    revision: int
    device: DeviceAdmin


class DeviceRegistered(DeviceAnswer):
    token: str = Field(description="The device's token: shown this once, never again.")


class Revision(Revised):
    pass


class Ticker(BaseModel):
    revision: int
    ticker: dict[str, str]


class TickerWrite(Revised):
    ticker: dict[Language, str] = Field(
        description="The hall display's running text per language; empty or absent: none."
    )

    @field_validator("ticker")
    @classmethod
    def _short(cls, value: dict[str, str]) -> dict[str, str]:
        for language, text in value.items():
            if len(text) > 500:
                raise ValueError(f"{language}: at most 500 characters")
        return {language: text.strip() for language, text in value.items() if text.strip()}


class Rules(BaseModel):
    revision: int
    rules: RulesConfig


class RulesWrite(Revised):
    rules: RulesConfig


class ConfigImport(Revised):
    toml: str = Field(max_length=1024 * 1024, description="The site's file, as exported.")


class Imported(BaseModel):
    revision: int
    changed: bool


class ConfigAdmin:
    def __init__(
        self, db: Database, clock: Clock, forget: Callable[[Iterable[str]], None] | None = None
    ) -> None:
        self.db = db
        self.clock = clock
        self._forget = forget or (lambda keys: None)
        self._pending: set[str] = set()
        self._lock = threading.Lock()
        if forget is not None:
            db.after_commit.append(self._after_commit)

    def _after_commit(self, _sites: set[int]) -> None:
        with self._lock:
            keys, self._pending = self._pending, set()
        if keys:
            self._forget(keys)

    # --- reading ------------------------------------------------------------------------

    def _reading(self, site_code: str, actor: Actor, operation: str, fn: Callable[..., Any]) -> Any:
        require_admin(actor, operation)
        with self.db.read() as session:
            site = repo.site_by_code(session, site_code)
            require_site(actor, site.id)  # type: ignore[arg-type]
            return fn(session, site)

    def revision(self, site_code: str, actor: Actor) -> int:
        return int(
            self._reading(site_code, actor, "get_site_config", lambda s, site: site.config_rev)
        )

    def list_services(self, site_code: str, actor: Actor) -> ServiceList:
        def read(session: Session, site: Site) -> ServiceList:
            return ServiceList(
                revision=site.config_rev, services=export_site(session, site).services
            )

        return self._reading(site_code, actor, "list_config_services", read)

    def list_counters(self, site_code: str, actor: Actor) -> CounterList:
        def read(session: Session, site: Site) -> CounterList:
            return CounterList(
                revision=site.config_rev, counters=export_site(session, site).counters
            )

        return self._reading(site_code, actor, "list_config_counters", read)

    def list_clerks(self, site_code: str, actor: Actor) -> ClerkList:
        def read(session: Session, site: Site) -> ClerkList:
            rows = session.exec(
                select(Clerk).where(Clerk.site_id == site.id).order_by(col(Clerk.id))
            )
            return ClerkList(revision=site.config_rev, clerks=[clerk_admin(c) for c in rows])

        return self._reading(site_code, actor, "list_clerks", read)

    def list_devices(self, site_code: str, actor: Actor) -> DeviceList:
        def read(session: Session, site: Site) -> DeviceList:
            return DeviceList(
                revision=site.config_rev,
                devices=[device_admin(d) for d in active_devices(session, site)],
            )

        return self._reading(site_code, actor, "list_devices", read)

    def get_ticker(self, site_code: str, actor: Actor) -> Ticker:
        def read(session: Session, site: Site) -> Ticker:
            return Ticker(revision=site.config_rev, ticker=site.rules.ticker)

        return self._reading(site_code, actor, "get_ticker", read)

    def get_rules(self, site_code: str, actor: Actor) -> Rules:
        def read(session: Session, site: Site) -> Rules:
            return Rules(revision=site.config_rev, rules=site.rules)

        return self._reading(site_code, actor, "get_rules", read)

    def export_toml(self, site_code: str, actor: Actor) -> tuple[str, int]:
        """The site's configuration as the TOML file (`[[sites]]`), and its revision.
        Clerks come without a password (each keeps theirs on import), devices with their
        token's hash."""

        def read(session: Session, site: Site) -> tuple[str, int]:
            return to_toml(export_site(session, site)), site.config_rev

        return self._reading(site_code, actor, "export_site_config", read)

    # --- changing -----------------------------------------------------------------------

    def run(
        self,
        site_code: str,
        actor: Actor,
        revision: int | None,
        operation: str,
        target: str,
        edit: Callable[[Session, Site, dict[str, Any]], SiteConfig | None],
        answer: Callable[[Session, Site, SiteConfig, int], Any],
    ) -> Any:
        """One change in one transaction: lock the site, check the revision, let `edit`
        change the exported document (or give a whole new one), validate, refuse what
        strands appointments, apply, log one event if anything changed; `answer` reads
        the result in the same transaction. A device or clerk the change deactivates is
        signed out: the event names them, the token cache forgets them (a changed role
        too)."""
        require_admin(actor, operation)
        now = self.clock.now()
        with self.db.write() as session:
            site = session.exec(
                repo.for_update(session, select(Site).where(Site.code == site_code))
            ).first()
            if site is None:
                raise NotFound("site_not_found", site=site_code)
            require_site(actor, site.id)
            current = site.config_rev
            if revision is not None and revision != current:
                raise ConfigChanged(revision, current)
            before = export_site(session, site)
            document = before.model_dump(mode="json")
            given = edit(session, site, document)
            if given is None:
                try:
                    config = SiteConfig.model_validate(document)
                except ValidationError as exc:
                    raise refused_fields(exc, ["body"]) from None
            else:
                config = given
            _keep_an_admin(session, actor, config)
            _refuse_taken_tokens(session, site, config)
            _refuse_stranding(session, site, before, config, now)
            people = _credentials(session, site)
            apply_site(session, config)
            session.flush()
            after = export_site(session, site)
            now_people = _credentials(session, site)
            gone = [k for k in people if k not in now_people]  # revoked, disabled
            reset = [k for k, v in now_people.items() if k in people and people[k][2:] != v[2:]]
            # A new password ends the sessions of the old (server/security.password_mark);
            # a disabled account's stay ended when it is enabled again.
            keys = sorted({*gone, *reset})
            _end_sessions(session, gone, now)
            stale = [k for k, v in now_people.items() if people.get(k, v) != v]  # a new role
            changed = after != before or bool(keys) or bool(stale)
            if changed:
                session.execute(_BUMP_REV, {"site_id": site.id})
                session.refresh(site)
                append_event(
                    session,
                    site,
                    EventType.SITE_CONFIGURED,
                    configured_payload(session, site, actor, operation, target, keys, after),
                    now,
                )
                session.flush()
            else:  # nothing changed: the revision stays, so no open form goes stale
                session.execute(_RESET_REV, {"site_id": site.id, "rev": current})
                session.refresh(site)
            cached = [*keys, *stale]
            if cached:  # now, and again after the commit (a lookup meanwhile saw the old row)
                announce_revoked(session, cached)  # the other server processes
                with self._lock:
                    self._pending.update(cached)
                self._forget(cached)
            return answer(session, site, after, site.config_rev)

    # services

    def create_service(self, site_code: str, actor: Actor, body: ServiceWrite) -> ServiceAnswer:
        code = body.service.code

        def edit(session: Session, site: Site, doc: dict[str, Any]) -> None:
            if any(s["code"] == code for s in doc["services"]):
                raise FieldRefused(
                    "service_exists", ["body", "service", "code"], "taken", service=code
                )
            doc["services"].append(body.service.model_dump(mode="json"))

        return self.run(
            site_code, actor, body.revision, "create_service", code, edit, _service_answer(code)
        )

    def update_service(
        self, site_code: str, actor: Actor, code: str, body: ServiceWrite
    ) -> ServiceAnswer:
        def edit(session: Session, site: Site, doc: dict[str, Any]) -> None:
            index = _service_index(doc, code)
            if body.service.code != code:
                raise FieldRefused(
                    "service_code_fixed", ["body", "service", "code"], "fixed", service=code
                )
            doc["services"][index] = body.service.model_dump(mode="json")

        return self.run(
            site_code, actor, body.revision, "update_service", code, edit, _service_answer(code)
        )

    def order_services(self, site_code: str, actor: Actor, body: ServiceOrder) -> ServiceList:
        def edit(session: Session, site: Site, doc: dict[str, Any]) -> None:
            known = [s["code"] for s in doc["services"]]
            if sorted(body.codes) != sorted(known):
                raise FieldRefused(
                    "service_order_incomplete",
                    ["body", "codes"],
                    "every service once",
                    services=", ".join(known),
                )
            by_code = {s["code"]: s for s in doc["services"]}
            doc["services"] = [by_code[c] for c in body.codes]

        def answer(session: Session, site: Site, after: SiteConfig, rev: int) -> ServiceList:
            return ServiceList(revision=rev, services=after.services)

        return self.run(site_code, actor, body.revision, "order_services", "services", edit, answer)

    # counters

    def create_counter(self, site_code: str, actor: Actor, body: CounterWrite) -> CounterAnswer:
        number = body.counter.number

        def edit(session: Session, site: Site, doc: dict[str, Any]) -> None:
            if any(c["number"] == number for c in doc["counters"]):
                raise FieldRefused(
                    "counter_exists", ["body", "counter", "number"], "taken", counter=number
                )
            _check_links(doc, body.counter)
            doc["counters"].append(body.counter.model_dump(mode="json"))

        return self.run(
            site_code,
            actor,
            body.revision,
            "create_counter",
            str(number),
            edit,
            _counter_answer(number),
        )

    def update_counter(
        self, site_code: str, actor: Actor, number: int, body: CounterWrite
    ) -> CounterAnswer:
        def edit(session: Session, site: Site, doc: dict[str, Any]) -> None:
            index = _counter_index(doc, number)
            if body.counter.number != number:
                raise FieldRefused(
                    "counter_number_fixed", ["body", "counter", "number"], "fixed", counter=number
                )
            _check_links(doc, body.counter)
            doc["counters"][index] = body.counter.model_dump(mode="json")

        return self.run(
            site_code,
            actor,
            body.revision,
            "update_counter",
            str(number),
            edit,
            _counter_answer(number),
        )

    def remove_counter(
        self, site_code: str, actor: Actor, number: int, revision: int
    ) -> CounterList:
        def edit(session: Session, site: Site, doc: dict[str, Any]) -> None:
            index = _counter_index(doc, number)
            row = session.exec(
                select(Counter).where(Counter.site_id == site.id, Counter.number == number)
            ).one()
            if row.state != CounterState.CLOSED.value or row.current_ticket_id is not None:
                raise Conflict("counter_in_use", counter=number)
            del doc["counters"][index]

        def answer(session: Session, site: Site, after: SiteConfig, rev: int) -> CounterList:
            return CounterList(revision=rev, counters=after.counters)

        return self.run(site_code, actor, revision, "remove_counter", str(number), edit, answer)

    # clerks

    def create_clerk(self, site_code: str, actor: Actor, body: ClerkCreate) -> ClerkAnswer:
        new = body.clerk

        def edit(session: Session, site: Site, doc: dict[str, Any]) -> None:
            if _clerk_row(session, site, new.username) is not None:
                raise FieldRefused(
                    "clerk_exists", ["body", "clerk", "username"], "taken", username=new.username
                )
            doc["clerks"].append(
                ClerkConfig(
                    username=new.username,
                    display_name=new.display_name,
                    role=new.role,
                    password=new.password,
                ).model_dump(mode="json")
            )

        return self.run(
            site_code,
            actor,
            body.revision,
            "create_clerk",
            new.username,
            edit,
            _clerk_answer(new.username),
        )

    def update_clerk(
        self, site_code: str, actor: Actor, username: str, body: ClerkUpdate
    ) -> ClerkAnswer:
        def edit(session: Session, site: Site, doc: dict[str, Any]) -> None:
            entry = _active_clerk(session, site, doc, username)
            entry["display_name"] = body.clerk.display_name
            entry["role"] = body.clerk.role

        return self.run(
            site_code,
            actor,
            body.revision,
            "update_clerk",
            username,
            edit,
            _clerk_answer(username),
        )

    def disable_clerk(
        self, site_code: str, actor: Actor, username: str, body: Revision
    ) -> ClerkAnswer:
        def edit(session: Session, site: Site, doc: dict[str, Any]) -> None:
            _active_clerk(session, site, doc, username)
            doc["clerks"] = [c for c in doc["clerks"] if c["username"] != username]

        return self.run(
            site_code,
            actor,
            body.revision,
            "disable_clerk",
            username,
            edit,
            _clerk_answer(username),
        )

    def enable_clerk(
        self, site_code: str, actor: Actor, username: str, body: Revision
    ) -> ClerkAnswer:
        def edit(session: Session, site: Site, doc: dict[str, Any]) -> None:
            clerk = _clerk_row(session, site, username)
            if clerk is None:
                raise NotFound("clerk_not_found", username=username)
            if clerk.active:
                return
            doc["clerks"].append(
                {"username": clerk.username, "display_name": clerk.display_name, "role": clerk.role}
            )

        return self.run(
            site_code,
            actor,
            body.revision,
            "enable_clerk",
            username,
            edit,
            _clerk_answer(username),
        )

    def reset_password(
        self, site_code: str, actor: Actor, username: str, body: PasswordReset
    ) -> ClerkAnswer:
        def edit(session: Session, site: Site, doc: dict[str, Any]) -> None:
            entry = _active_clerk(session, site, doc, username)
            clerk = _clerk_row(session, site, username)
            if clerk is not None and clerk.password_hash == DIRECTORY_PASSWORD:
                raise Conflict("clerk_in_directory", username=username)
            entry["password"] = body.password

        return self.run(
            site_code,
            actor,
            body.revision,
            "reset_clerk_password",
            username,
            edit,
            _clerk_answer(username),
        )

    # devices

    def register_device(
        self, site_code: str, actor: Actor, body: DeviceRegister
    ) -> DeviceRegistered:
        new, token = body.device, new_token(24)

        def edit(session: Session, site: Site, doc: dict[str, Any]) -> None:
            if any(d["name"] == new.name for d in doc["devices"]):
                raise FieldRefused(
                    "device_exists", ["body", "device", "name"], "taken", device=new.name
                )
            _check_device(new.kind, new.counter, new.zone)
            doc["devices"].append(
                {
                    "kind": new.kind,
                    "name": new.name,
                    "token": token,
                    "counter": new.counter,
                    "zone": new.zone,
                }
            )

        def answer(session: Session, site: Site, after: SiteConfig, rev: int) -> DeviceRegistered:
            device = _device_named(session, site, new.name)
            return DeviceRegistered(revision=rev, device=device_admin(device), token=token)

        return self.run(site_code, actor, body.revision, "register_device", new.name, edit, answer)

    def update_device(
        self, site_code: str, actor: Actor, device_id: int, body: DeviceUpdate
    ) -> DeviceAnswer:
        fields = body.device
        name: dict[str, str] = {}

        def edit(session: Session, site: Site, doc: dict[str, Any]) -> None:
            device = _device_row(session, site, device_id)
            name["old"] = device.name
            if fields.name != device.name and any(d["name"] == fields.name for d in doc["devices"]):
                raise FieldRefused(
                    "device_exists", ["body", "device", "name"], "taken", device=fields.name
                )
            _check_device(device.kind, fields.counter, fields.zone)
            for entry in doc["devices"]:
                if entry["token_sha256"] == device.token_hash:
                    entry.update(name=fields.name, counter=fields.counter, zone=fields.zone)

        def answer(session: Session, site: Site, after: SiteConfig, rev: int) -> DeviceAnswer:
            return DeviceAnswer(
                revision=rev, device=device_admin(_device_row(session, site, device_id))
            )

        return self.run(
            site_code, actor, body.revision, "update_device", str(device_id), edit, answer
        )

    def revoke_device(
        self, site_code: str, actor: Actor, device_id: int, body: Revision
    ) -> DeviceList:
        def edit(session: Session, site: Site, doc: dict[str, Any]) -> None:
            device = _device_row(session, site, device_id)
            doc["devices"] = [d for d in doc["devices"] if d["token_sha256"] != device.token_hash]

        def answer(session: Session, site: Site, after: SiteConfig, rev: int) -> DeviceList:
            return DeviceList(
                revision=rev, devices=[device_admin(d) for d in active_devices(session, site)]
            )

        return self.run(
            site_code,
            actor,
            body.revision,
            "revoke_device",
            str(device_id),
            edit,
            answer,
        )

    # ticker, rules, the whole file

    def set_ticker(self, site_code: str, actor: Actor, body: TickerWrite) -> Ticker:
        def edit(session: Session, site: Site, doc: dict[str, Any]) -> None:
            doc["rules"]["ticker"] = dict(body.ticker)

        def answer(session: Session, site: Site, after: SiteConfig, rev: int) -> Ticker:
            return Ticker(revision=rev, ticker=after.rules.ticker)

        return self.run(site_code, actor, body.revision, "set_ticker", "ticker", edit, answer)

    def set_rules(self, site_code: str, actor: Actor, body: RulesWrite) -> Rules:
        def edit(session: Session, site: Site, doc: dict[str, Any]) -> None:
            doc["rules"] = body.rules.model_dump(mode="json")

        def answer(session: Session, site: Site, after: SiteConfig, rev: int) -> Rules:
            return Rules(revision=rev, rules=after.rules)

        return self.run(site_code, actor, body.revision, "set_rules", "rules", edit, answer)

    def import_toml(self, site_code: str, actor: Actor, body: ConfigImport) -> Imported:
        config = from_toml(body.toml, site_code)

        def edit(session: Session, site: Site, doc: dict[str, Any]) -> SiteConfig:
            return config

        def answer(session: Session, site: Site, after: SiteConfig, rev: int) -> Imported:
            return Imported(revision=rev, changed=rev != body.revision)

        return self.run(site_code, actor, body.revision, "import_site_config", "file", edit, answer)

    def put_whole(
        self, site_code: str, actor: Actor, config: SiteConfig, revision: int | None
    ) -> SiteConfig:
        """The whole document (`put_site_config`); `revision` from If-Match, if given."""
        if config.code != site_code:
            raise Conflict("site_code_mismatch", site=site_code)

        def edit(session: Session, site: Site, doc: dict[str, Any]) -> SiteConfig:
            return config

        def answer(session: Session, site: Site, after: SiteConfig, rev: int) -> SiteConfig:
            return after

        return self.run(site_code, actor, revision, "put_site_config", "site", edit, answer)


# --- helpers ----------------------------------------------------------------------------


def to_toml(config: SiteConfig) -> str:
    header = (
        "# Kolejka site configuration (server/siteconfig.py), exported by the server.\n"
        "# Clerks have no password here: on import each keeps the one they have.\n"
        "# Devices carry their token's SHA-256 only.\n\n"
    )
    return header + tomli_w.dumps({"sites": [config.model_dump(mode="json", exclude_none=True)]})


def from_toml(text: str, site_code: str) -> SiteConfig:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FieldRefused("config_not_toml", ["body", "toml"], str(exc), reason=str(exc)) from None
    sites = data.get("sites")
    if not isinstance(sites, list) or len(sites) != 1 or not isinstance(sites[0], dict):
        raise FieldRefused("config_one_site", ["body", "toml", "sites"], "one [[sites]] table")
    try:
        config = SiteConfig.model_validate(sites[0])
    except ValidationError as exc:
        raise refused_fields(exc, ["body", "toml", "sites", 0]) from None
    if config.code != site_code:
        raise FieldRefused(
            "site_code_mismatch",
            ["body", "toml", "sites", "0", "code"],
            "other site",
            site=site_code,
        )
    return config


def clerk_admin(clerk: Clerk) -> ClerkAdmin:
    return ClerkAdmin(
        username=clerk.username,
        display_name=clerk.display_name,
        role=clerk.role,
        active=clerk.active,
        directory=clerk.password_hash == DIRECTORY_PASSWORD,
    )


def device_admin(device: Device) -> DeviceAdmin:
    return DeviceAdmin(
        id=device.id,
        kind=device.kind,
        name=device.name,
        counter=device.counter_number,
        zone=list(device.zone),
        printer_status=device.printer_status,
    )


def active_devices(session: Session, site: Site) -> list[Device]:
    return list(
        session.exec(
            select(Device).where(Device.site_id == site.id, Device.active).order_by(col(Device.id))
        )
    )


def configured_payload(
    session: Session,
    site: Site,
    actor: Actor,
    operation: str,
    target: str,
    signed_out: list[str],
    config: SiteConfig,
) -> SiteConfiguredPayload:
    """What the `site.configured` event tells every board: the change, and what a hall
    display shows, so it redraws without reloading (docs/events.md)."""
    return SiteConfiguredPayload(
        by=actor.name,
        change=operation,
        target=target,
        revision=site.config_rev,
        signed_out=signed_out,
        board={
            "site_name": config.name,
            "ticker": config.rules.ticker,
            "services": [{"code": s.code, "names": s.names} for s in config.services],
            "counters": [
                {"number": c.number, "services": [link.service for link in c.services]}
                for c in config.counters
            ],
        },
    )


def _credentials(session: Session, site: Site) -> dict[str, tuple[str, ...]]:
    """Every active token holder of the site by actor key (`kind:id`), with what the
    token cache keeps of them."""
    held: dict[str, tuple[str, ...]] = {}
    for device in active_devices(session, site):
        held[f"{device.kind}:{device.id}"] = (device.name,)
    for clerk in session.exec(select(Clerk).where(Clerk.site_id == site.id, Clerk.active)):
        held[f"clerk:{clerk.id}"] = (clerk.display_name, clerk.role, clerk.password_hash)
    return held


def _end_sessions(session: Session, keys: Iterable[str], now: datetime) -> None:
    """Every token issued so far to these clerks stops working, also after the account is
    enabled again (server/deps.signed_out); a device's token is gone with its row."""
    for key in keys:
        kind, _, ident = key.partition(":")
        if kind != "clerk":
            continue
        clerk = session.get(Clerk, int(ident))
        if clerk is not None:
            clerk.signed_out_at = now
            session.add(clerk)
    session.flush()


def _keep_an_admin(session: Session, actor: Actor, config: SiteConfig) -> None:
    clerk = session.get(Clerk, actor.id)
    username = clerk.username if clerk else None
    if not any(c.username == username and c.role == "admin" for c in config.clerks):
        raise Conflict("admin_would_lock_out")


def _service_index(doc: dict[str, Any], code: str) -> int:
    for index, service in enumerate(doc["services"]):
        if service["code"] == code:
            return index
    raise NotFound("service_not_found", service=code)


def _counter_index(doc: dict[str, Any], number: int) -> int:
    for index, counter in enumerate(doc["counters"]):
        if counter["number"] == number:
            return index
    raise NotFound("counter_not_found", counter=number)


def _check_links(doc: dict[str, Any], counter: CounterConfig) -> None:
    codes = {s["code"] for s in doc["services"]}
    for index, link in enumerate(counter.services):
        if link.service not in codes:
            raise FieldRefused(
                "service_not_found",
                ["body", "counter", "services", index, "service"],
                "unknown service",
                service=link.service,
            )


def _check_device(kind: str, counter: int | None, zone: list[int]) -> None:
    if counter is not None and kind != "counter":
        raise FieldRefused("device_counter_kind", ["body", "device", "counter"], "counter only")
    if zone and kind != "display":
        raise FieldRefused("device_zone_kind", ["body", "device", "zone"], "display only")


def _clerk_row(session: Session, site: Site, username: str) -> Clerk | None:
    return session.exec(
        select(Clerk).where(Clerk.site_id == site.id, Clerk.username == username)
    ).first()


def _active_clerk(
    session: Session, site: Site, doc: dict[str, Any], username: str
) -> dict[str, Any]:
    for entry in doc["clerks"]:
        if entry["username"] == username:
            return entry
    if _clerk_row(session, site, username) is not None:
        raise Conflict("clerk_disabled", username=username)
    raise NotFound("clerk_not_found", username=username)


def _device_row(session: Session, site: Site, device_id: int) -> Device:
    device = session.get(Device, device_id)
    if device is None or device.site_id != site.id or not device.active:
        raise NotFound("device_not_found", device=device_id)
    return device


def _device_named(session: Session, site: Site, name: str) -> Device:
    return session.exec(
        select(Device).where(Device.site_id == site.id, Device.name == name, Device.active)
    ).one()


def _service_answer(code: str) -> Callable[[Session, Site, SiteConfig, int], ServiceAnswer]:
    def answer(session: Session, site: Site, after: SiteConfig, rev: int) -> ServiceAnswer:
        return ServiceAnswer(
            revision=rev, service=next(s for s in after.services if s.code == code)
        )

    return answer


def _counter_answer(number: int) -> Callable[[Session, Site, SiteConfig, int], CounterAnswer]:
    def answer(session: Session, site: Site, after: SiteConfig, rev: int) -> CounterAnswer:
        counter = next(c for c in after.counters if c.number == number)
        return CounterAnswer(revision=rev, counter=counter)

    return answer


def _clerk_answer(username: str) -> Callable[[Session, Site, SiteConfig, int], ClerkAnswer]:
    def answer(session: Session, site: Site, after: SiteConfig, rev: int) -> ClerkAnswer:
        clerk = _clerk_row(session, site, username)
        assert clerk is not None
        return ClerkAnswer(revision=rev, clerk=clerk_admin(clerk))

    return answer
