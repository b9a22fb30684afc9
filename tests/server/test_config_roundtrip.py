"""A site's configuration, read back and put back, changes nothing (a property test).

Hypothesis draws whole site configurations (every field of the model, the rules walked
from their declaration so a new rule is covered without touching this file), puts each
into one database after the other, and checks that the answer says what was put and that
putting the answer back leaves every configuration row as it was. Bounded and
derandomised: the same examples on every run, in seconds.
"""

from __future__ import annotations

import hashlib
import json
import types
from typing import Any, Literal, Union, get_args, get_origin

import annotated_types
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from kolejka.core.routing import RoutingMode
from server.actors import Actor
from server.admin import SiteAdmin
from server.models import Clerk, Counter, CounterService, Device, Service, Site
from server.siteconfig import RulesConfig, SiteConfig

ZONES = ["Europe/Warsaw", "UTC", "Europe/London", "America/New_York", "Asia/Kolkata"]
HASHES = ["$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$not-a-real-hash", "plain-old-hash"]

text = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=12)


def bounded_text(max_size: int, min_size: int = 0) -> st.SearchStrategy[str]:
    return st.text(
        st.characters(exclude_categories=("Cs",), exclude_characters="\x00"),
        min_size=min_size,
        max_size=max_size,
    )


def per_language(required: bool) -> st.SearchStrategy[dict[str, str]]:
    optional = {lang: text for lang in ("en", "ru", "uk")}
    if required:
        return st.fixed_dictionaries({"pl": text}, optional=optional)
    return st.fixed_dictionaries({}, optional={"pl": text, **optional})


@st.composite
def intervals(draw: st.DrawFn) -> str:
    start = draw(st.integers(0, 23 * 60 - 1))
    end = draw(st.integers(start + 1, 23 * 60 + 59))
    return f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"


hours = st.none() | st.fixed_dictionaries(
    {},
    optional={
        **{day: st.lists(intervals(), max_size=2) for day in ("mon", "tue", "sat", "sun")},
        "special": st.dictionaries(
            st.dates().map(str), st.lists(intervals(), max_size=2), max_size=2
        ),
    },
)


def services() -> st.SearchStrategy[list[dict[str, Any]]]:
    service = st.fixed_dictionaries(
        {
            "code": st.sampled_from(["A", "B", "C", "D", "E", "XYZ"]),
            "names": per_language(required=True),
            "group": st.none() | bounded_text(40),
            "group_names": per_language(required=False),
            "hours": hours,
            "daily_limit": st.none() | st.integers(1, 1_000_000),
            "enabled": st.booleans(),
            "bring_text": per_language(required=False),
            "slot_minutes": st.integers(5, 240),
            "slot_capacity": st.integers(0, 100),
            "wait_threshold_min": st.none() | st.integers(1, 24 * 60),
        }
    )
    return st.lists(service, min_size=1, max_size=4, unique_by=lambda s: s["code"])


@st.composite
def counters(draw: st.DrawFn, codes: list[str]) -> list[dict[str, Any]]:
    numbers = draw(st.lists(st.integers(1, 999), max_size=3, unique=True))
    made = []
    for number in numbers:
        links = draw(st.lists(st.sampled_from(codes), min_size=1, max_size=3, unique=True))
        made.append(
            {
                "number": number,
                "name": draw(st.none() | bounded_text(100)),
                "routing": draw(st.sampled_from([m.value for m in RoutingMode])),
                "services": [
                    {
                        "service": code,
                        "order": draw(st.integers(1, 1000)),
                        "weight": draw(st.floats(0.01, 1000, allow_nan=False)),
                    }
                    for code in links
                ],
            }
        )
    return made


tokens = st.sampled_from([f"device-token-{n:04d}" for n in range(6)])
device = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["kiosk", "display", "counter", "booking"]),
        "name": st.sampled_from(["k1", "k2", "hall TV", "portal", "Kiosk — wejście"]),
        "counter": st.none() | st.integers(1, 999),
        "zone": st.lists(st.integers(1, 999), max_size=3),
    }
).flatmap(
    lambda d: st.one_of(
        tokens.map(lambda t: {**d, "token": t}),
        tokens.map(lambda t: {**d, "token_sha256": hashlib.sha256(t.encode()).hexdigest()}),
    )
)


def clerks() -> st.SearchStrategy[list[dict[str, Any]]]:
    # A plain password costs an Argon2 hash: one draw in five, to stay quick.
    password = st.sampled_from(
        [*({"password_hash": h} for h in HASHES * 2), {"password": "secret-pass"}]
    )
    clerk = st.fixed_dictionaries(
        {
            "username": st.sampled_from(["anna", "piotr", "olena", "Marek Ż."]),
            "display_name": st.none() | bounded_text(200),
            "role": st.sampled_from(["clerk", "supervisor", "admin"]),
        }
    ).flatmap(lambda c: password.map(lambda p: {**c, **p}))
    root = st.fixed_dictionaries(
        {"username": st.just("root"), "role": st.just("admin")},
        optional={"display_name": bounded_text(200), "password_hash": st.sampled_from(HASHES)},
    )
    others = st.lists(clerk, max_size=3, unique_by=lambda c: c["username"])
    return st.tuples(root, others).map(lambda pair: [pair[0], *pair[1]])


def for_annotation(annotation: Any, metadata: list[Any]) -> st.SearchStrategy[Any]:
    """A strategy for a field of the rules, from its type and its ge/le bounds."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (Union, types.UnionType):
        return st.one_of(*(for_annotation(arg, []) for arg in args))
    if annotation is type(None):
        return st.none()
    if origin is Literal:
        return st.sampled_from(args)
    if annotation is bool:
        return st.booleans()
    if annotation in (int, float):
        low = next((m.ge for m in metadata if isinstance(m, annotated_types.Ge)), 0)
        high = next((m.le for m in metadata if isinstance(m, annotated_types.Le)), 10_000)
        if annotation is int:
            return st.integers(low, high)
        return st.floats(low, high, allow_nan=False)
    if annotation is str:
        return text
    if origin is list:
        return st.lists(for_annotation(args[0], []), max_size=4)
    if origin is dict:
        return st.dictionaries(for_annotation(args[0], []), for_annotation(args[1], []), max_size=3)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return model_strategy(annotation)
    raise TypeError(f"no strategy for {annotation!r}: teach test_config_roundtrip.py about it")


def model_strategy(model: type[BaseModel]) -> st.SearchStrategy[dict[str, Any]]:
    """Every field of `model`, drawn; drafts the model refuses are drawn again."""
    fields = {
        name: for_annotation(info.annotation, list(info.metadata))
        for name, info in model.model_fields.items()
    }

    def valid(draft: dict[str, Any]) -> bool:
        try:
            model.model_validate(draft)
        except ValidationError:
            return False
        return True

    return st.fixed_dictionaries(fields).filter(valid)


@st.composite
def site_configs(draw: st.DrawFn) -> dict[str, Any]:
    drawn_services = draw(services())
    codes = [s["code"] for s in drawn_services]
    return {
        "code": "test",
        "name": draw(bounded_text(200)),
        "address": draw(st.none() | text),
        "timezone": draw(st.sampled_from(ZONES)),
        "rules": draw(model_strategy(RulesConfig)),
        "services": drawn_services,
        "counters": draw(counters(codes)),
        "devices": draw(st.lists(device, max_size=3, unique_by=(lambda d: d["name"], token_of))),
        "clerks": draw(clerks()),
    }


def token_of(device: dict[str, Any]) -> str:
    return device.get("token_sha256") or hashlib.sha256(device["token"].encode()).hexdigest()


def snapshot(db: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every configuration row of every site, without ids or counters of changes."""
    tables = {
        "site": (Site, ["code", "name", "timezone", "settings"]),
        "service": (
            Service,
            [
                *("site_id", "code", "names", "group", "group_names", "position", "hours"),
                *("daily_limit", "enabled", "bring_text", "slot_minutes", "slot_capacity"),
                "wait_threshold_min",
            ],
        ),
        "counter": (Counter, ["site_id", "number", "name", "routing_mode"]),
        "link": (CounterService, ["counter_id", "service_id", "order", "weight"]),
        "device": (
            Device,
            ["id", "site_id", "kind", "name", "token_hash", "counter_number", "zone", "active"],
        ),
        "clerk": (Clerk, ["id", "site_id", "username", "display_name", "password_hash"]),
    }
    found = {}
    with db.read() as session:
        for name, (model, columns) in tables.items():
            table = model.__table__  # type: ignore[attr-defined]
            rows = session.execute(sa.select(*(table.c[c] for c in columns))).all()
            found[name] = sorted(json.dumps(list(row), sort_keys=True) for row in rows)
    return found


def assert_says_what_was_put(answer: SiteConfig, put: SiteConfig) -> None:
    assert (answer.name, answer.address, answer.timezone) == (put.name, put.address, put.timezone)
    assert answer.rules == put.rules
    assert answer.services[: len(put.services)] == put.services
    assert not any(s.enabled for s in answer.services[len(put.services) :])
    assert len(answer.counters) == len(put.counters)
    for got, want in zip(
        answer.counters, sorted(put.counters, key=lambda c: c.number), strict=True
    ):
        assert (got.number, got.name, got.routing) == (
            want.number,
            want.name or str(want.number),
            want.routing,
        )
        assert sorted(got.services, key=lambda link: link.service) == sorted(
            want.services, key=lambda link: link.service
        )
    devices = {d.name: (d.kind, d.token_sha256, d.counter, d.zone, d.token) for d in answer.devices}
    assert devices == {d.name: (d.kind, d.token_hash, d.counter, d.zone, None) for d in put.devices}
    clerks = {
        c.username: (c.display_name, c.role, c.password, c.password_hash) for c in answer.clerks
    }
    assert clerks == {
        c.username: (c.display_name or c.username, c.role, None, None) for c in put.clerks
    }


def admin_of(db: Any) -> Actor:
    with db.read() as session:
        root = session.exec(sa.select(Clerk).where(Clerk.username == "root")).scalars().first()
    return Actor("clerk", root.site_id, root.id, "root", "admin")


@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(document=site_configs())
def test_what_is_read_back_and_put_back_changes_nothing(site_db, clock, document):
    admin, actor = SiteAdmin(site_db, clock), admin_of(site_db)
    put = SiteConfig.model_validate(document)
    admin.put_config("test", actor, put)
    answer = admin.get_config("test", actor)
    assert_says_what_was_put(answer, put)

    rows = snapshot(site_db)
    wire = json.loads(json.dumps(answer.model_dump(mode="json")))  # as it crosses HTTP
    assert admin.put_config("test", actor, SiteConfig.model_validate(wire)) == answer
    assert admin.get_config("test", actor) == answer
    assert snapshot(site_db) == rows


def test_putting_the_same_document_back_logs_no_change(site_db, clock):
    from server.models import Event

    admin, actor = SiteAdmin(site_db, clock), admin_of(site_db)
    answer = admin.get_config("test", actor)
    count = sa.select(sa.func.count()).select_from(Event)
    with site_db.read() as session:
        before = session.execute(count).scalar_one()
    admin.put_config("test", actor, answer)
    with site_db.read() as session:
        assert session.execute(count).scalar_one() == before
    answer.services[0].daily_limit = 7
    admin.put_config("test", actor, answer)
    with site_db.read() as session:
        assert session.execute(count).scalar_one() == before + 1


@pytest.mark.parametrize(
    ("mutate", "said"),
    [
        (lambda c: c["devices"].append({**c["devices"][0], "name": "twin"}), "same token"),
        (
            lambda c: c["devices"].append({**c["devices"][1], "token_sha256": "f" * 64}),
            "names repeat",
        ),
        (lambda c: c["counters"][0]["services"].append({"service": "A"}), "a service twice"),
        (lambda c: c["counters"][0]["services"][0].update(weight=float("inf")), "finite"),
        (lambda c: c.update(name="x" * 201), "at most 200"),
    ],
)
def test_documents_the_database_cannot_hold_are_refused(site_db, clock, mutate, said):
    admin, actor = SiteAdmin(site_db, clock), admin_of(site_db)
    document = admin.get_config("test", actor).model_dump(mode="json")
    mutate(document)
    with pytest.raises(ValidationError, match=said):
        SiteConfig.model_validate(document)
