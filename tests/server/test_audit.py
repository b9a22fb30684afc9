"""`kolejka audit`: who did what to which ticket or setting, when — and the actor stays
out of everything devices and public pages see."""

from __future__ import annotations

import csv
import json
import threading
from datetime import UTC, datetime

from websockets.sync.client import connect

from kolejka.cli import main
from kolejka.client import KolejkaClient
from kolejka.client.events import ws_url
from tests.support import DISPLAY_TOKEN, KIOSK_TOKEN, T0

DAY = "2026-11-24"
EVENT_KEYS = {"seq", "epoch", "site", "type", "at", "payload"}


def export(url: str, tmp_path, fmt: str, first: str = DAY, last: str = DAY) -> str:
    out = tmp_path / f"audit.{fmt}"
    assert (
        main(
            [
                "audit",
                "--database",
                url,
                "--site",
                "test",
                "--from",
                first,
                "--to",
                last,
                "--format",
                fmt,
                "--out",
                str(out),
            ]
        )
        == 0
    )
    return out.read_text(encoding="utf-8")


def act(live_server, clock, clerk_client) -> dict[str, object]:
    """A kiosk issues, a clerk calls and finishes, an admin changes the configuration."""
    clock.set(datetime(2026, 11, 23, 22, 30, tzinfo=UTC))  # 23:30 in Warsaw, the day before
    late = clerk_client(live_server, "clerk2", counter=2)
    late.close_counter(2)
    clock.set(T0)
    clerk = clerk_client(live_server, "clerk1", counter=1)
    with KolejkaClient(live_server.url, "test", KIOSK_TOKEN) as kiosk:
        clock.advance(minutes=1)
        ticket = kiosk.issue_ticket("A")
    clock.advance(minutes=4)
    clerk.call_next(1)
    clerk.start_service(ticket.id)
    clock.advance(minutes=7)
    clerk.finish_ticket(ticket.id)
    clock.advance(minutes=8)
    root = clerk_client(live_server, "root")
    config = root.request("GET", "/api/v1/sites/test/config").json()
    config["services"][0]["names"]["en"] = "Temporary stay"
    root.request("PUT", "/api/v1/sites/test/config", json=config)
    return {"ticket": ticket}


def test_audit_names_who_acted_on_which_ticket_or_setting_and_when(
    live_server, database_url, clock, clerk_client, tmp_path
):
    ticket = act(live_server, clock, clerk_client)["ticket"]
    rows = list(csv.DictReader(export(database_url, tmp_path, "csv").splitlines()))
    by_action = {row["action"]: row for row in rows}

    issued = by_action["ticket.issued"]
    assert (issued["actor_kind"], issued["actor_name"], issued["actor_role"]) == ("kiosk", "k1", "")
    assert (issued["target_kind"], issued["target"]) == ("ticket", ticket.number)
    assert issued["ticket_id"] == str(ticket.id) and issued["service"] == "A"
    assert issued["at_utc"] == "2026-11-24T09:01:00+00:00"
    assert issued["at_local"] == "2026-11-24T10:01:00+01:00"

    for action, minute in (("ticket.called", 5), ("ticket.done", 12)):
        row = by_action[action]
        assert (row["actor_kind"], row["actor_name"], row["actor_role"]) == (
            "clerk",
            "clerk1",
            "clerk",
        )
        assert (row["target"], row["counter"]) == (ticket.number, "1")
        assert row["at_local"] == f"2026-11-24T10:{minute:02d}:00+01:00"

    configured = by_action["site.configured"]
    assert (configured["actor_kind"], configured["actor_name"], configured["actor_role"]) == (
        "clerk",
        "root",
        "admin",
    )
    assert (configured["target_kind"], configured["target"]) == ("site", "test")
    assert configured["at_utc"] == "2026-11-24T09:20:00+00:00"

    opened = [row for row in rows if row["action"] == "counter.opened"]
    assert [(r["actor_name"], r["target"]) for r in opened] == [("clerk1", "1")]
    assert [int(row["seq"]) for row in rows] == sorted(int(row["seq"]) for row in rows)

    # The evening before belongs to the day before in the office's time zone.
    evening = list(
        csv.DictReader(
            export(database_url, tmp_path, "csv", "2026-11-23", "2026-11-23").splitlines()
        )
    )
    assert [(r["action"], r["actor_name"]) for r in evening] == [
        ("counter.opened", "clerk2"),
        ("counter.closed", "clerk2"),
    ]
    assert evening[0]["at_local"] == "2026-11-23T23:30:00+01:00"


def test_csv_and_jsonl_carry_the_same_rows(
    live_server, database_url, clock, clerk_client, tmp_path
):
    act(live_server, clock, clerk_client)
    from_csv = list(csv.DictReader(export(database_url, tmp_path, "csv").splitlines()))
    from_jsonl = [json.loads(line) for line in export(database_url, tmp_path, "jsonl").splitlines()]
    assert len(from_jsonl) == len(from_csv) >= 6
    for row, record in zip(from_csv, from_jsonl, strict=True):
        assert row == {k: "" if v is None else str(v) for k, v in record.items()}
    assert isinstance(from_jsonl[0]["seq"], int)


def test_devices_never_see_who_acted(live_server, clock, clerk_client):
    act(live_server, clock, clerk_client)
    with KolejkaClient(live_server.url, "test", DISPLAY_TOKEN) as display:
        page = display.request("GET", "/api/v1/sites/test/events", params={"after": 0}).json()
    assert page["count"] >= 6
    assert all(set(event) == EVENT_KEYS for event in page["data"])
    assert all("actor" not in event["payload"] for event in page["data"])

    url = ws_url(live_server.url, "test")
    url += f"?token={DISPLAY_TOKEN}&after=0&epoch={page['epoch']}"
    with connect(url) as ws:
        replayed = [json.loads(ws.recv(timeout=10)) for _ in range(page["count"])]
    assert [e["seq"] for e in replayed] == [e["seq"] for e in page["data"]]
    assert all(set(event) == EVENT_KEYS for event in replayed)
    assert all("actor" not in event["payload"] for event in replayed)


def test_audit_refuses_an_unknown_site_a_reversed_range_and_a_missing_database(
    live_server, database_url, tmp_path, capsys
):
    args = ["audit", "--database", database_url, "--from", DAY, "--to", DAY]
    assert main([*args, "--site", "nowhere"]) == 1
    assert "no site 'nowhere'" in capsys.readouterr().err
    reversed_range = ["audit", "--database", database_url, "--site", "test"]
    assert main([*reversed_range, "--from", "2026-11-25", "--to", DAY]) == 2
    assert "--from is after --to" in capsys.readouterr().err
    missing = f"sqlite:///{tmp_path / 'none.sqlite3'}"
    assert main(["audit", "--database", missing, "--site", "test", "--from", DAY, "--to", DAY]) == 1
    assert "there is no database" in capsys.readouterr().err
    assert not (tmp_path / "none.sqlite3").exists()


def test_concurrent_kiosks_each_recorded_as_themselves(live_server, database_url, tmp_path):
    """Writes from many callers share one transaction on SQLite (server/writer.py): each
    still carries its own caller."""
    tokens = {f"bench-k{i}": f"test-kiosk-token-b{i:05d}" for i in range(8)}
    issued: dict[int, str] = {}

    def kiosk(name: str) -> None:
        with KolejkaClient(live_server.url, "test", tokens[name]) as client:
            for _ in range(10):
                issued[client.issue_ticket("B").id] = name

    threads = [threading.Thread(target=kiosk, args=(name,)) for name in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(issued) == 80
    rows = [json.loads(line) for line in export(database_url, tmp_path, "jsonl").splitlines()]
    recorded = {r["ticket_id"]: r["actor_name"] for r in rows if r["action"] == "ticket.issued"}
    assert recorded == issued
