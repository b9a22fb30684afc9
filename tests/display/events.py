"""Events and snapshots as the server sends them, built by hand for board and window tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from kolejka.schemas import EventPublic

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
EPOCH = "e1"


def ticket(
    tid: int, number: str, status: str = "waiting", counter: int | None = None, language: str = "pl"
) -> dict[str, Any]:
    return {
        "id": tid,
        "public_id": f"p{tid}",
        "site": "test",
        "number": number,
        "service": number[0],
        "status": status,
        "language": language,
        "priority": "normal",
        "issued_at": T0.isoformat(),
        "arrival_at": T0.isoformat(),
        "counter": counter,
    }


def counter(number: int, services: list[str], state: str = "open") -> dict[str, Any]:
    return {
        "number": number,
        "name": str(number),
        "state": state,
        "services": [{"service": s, "order": 1, "weight": 1.0} for s in services],
    }


def snapshot(
    seq: int = 0,
    *,
    calls: list[dict[str, Any]] | None = None,
    waiting: list[dict[str, Any]] | None = None,
    epoch: str = EPOCH,
) -> dict[str, Any]:
    names = {code: {"pl": f"{code} pl", "en": f"{code} en"} for code in "ABC"}
    return {
        "site": "test",
        "site_name": "Test Office",
        "epoch": epoch,
        "seq": seq,
        "at": T0.isoformat(),
        "services": [
            {
                "code": c,
                "names": n,
                "waiting": 0,
                "longest_wait_s": None,
                "estimated_wait_s": None,
                "open_counters": 1,
            }
            for c, n in names.items()
        ],
        "counters": [counter(1, ["A", "B"]), counter(2, ["B"]), counter(5, ["C"])],
        "recent_calls": calls or [],
        "waiting": [{**t, "ahead": 0} for t in (waiting or [])],
        "ticker": {"pl": "Witamy", "en": "Welcome"},
    }


def reset(seq: int = 0, **kw: Any) -> EventPublic:
    snap = snapshot(seq, **kw)
    return EventPublic(seq=seq, epoch=snap["epoch"], site="test", type="reset", at=T0, payload=snap)


def event(seq: int, type_: str, payload: dict[str, Any], epoch: str = EPOCH) -> EventPublic:
    return EventPublic(
        seq=seq,
        epoch=epoch,
        site="test",
        type=type_,
        at=T0 + timedelta(seconds=seq),
        payload=payload,
    )


def call_payload(
    seq: int,
    number: str,
    counter_no: int,
    tid: int | None = None,
    recall: bool = False,
    language: str = "pl",
) -> EventPublic:
    tid = tid if tid is not None else seq
    return event(
        seq,
        "ticket.recalled" if recall else "ticket.called",
        {"ticket": ticket(tid, number, "called", counter_no, language)},
    )


def call_entry(
    tid: int, number: str, counter_no: int, at: datetime, recall: bool = False
) -> dict[str, Any]:
    return {
        "ticket_id": tid,
        "number": number,
        "service": number[0],
        "counter": counter_no,
        "language": "pl",
        "at": at.isoformat(),
        "recall": recall,
    }
