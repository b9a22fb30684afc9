"""`kolejka simulate --site S --day D --server URL`: a realistic day against a running server.

The day comes from kolejka.simulation (arrivals by hour and weekday, service times per
service, no-shows, give-ups, transfers; seeded by the day): the kiosk issues each ticket
at its time, and each counter's clerk signs in, opens the counter and calls, starts,
finishes, marks no-show or transfers as the plan says — the server picks which ticket a
call gets, as it does for real clerks. Time runs `--speed` times faster than the plan
(60: an office hour a minute; 0: as fast as the server answers), with a progress bar.

Defaults fit `kolejka demo`: its kiosk token and clerks (anna, piotr, olena, marek).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from datetime import date, datetime
from typing import TextIO
from zoneinfo import ZoneInfo

from kolejka.simulation import DEMO_SERVICES, DayPlan, ServiceProfile, plan_day

DEMO_KIOSK = "demo-kiosk-token-0001"
DEMO_CLERKS = ("anna:demo1234", "piotr:demo1234", "olena:demo1234", "marek:demo1234")


def add_simulate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--server", default="http://127.0.0.1:8420", help="the server's URL")
    parser.add_argument("--site", default="demo", help="the site's code (default demo)")
    parser.add_argument(
        "--day",
        type=date.fromisoformat,
        default=None,
        metavar="YYYY-MM-DD",
        help="the day whose plan to play (its weekday sets how busy; default today)",
    )
    parser.add_argument("--visitors", type=int, default=120, help="visitors on an ordinary day")
    parser.add_argument(
        "--speed", type=float, default=60.0, help="times faster than real (0: at once)"
    )
    parser.add_argument("--kiosk-token", default=DEMO_KIOSK)
    parser.add_argument(
        "--clerk",
        action="append",
        metavar="USER:PASSWORD",
        help="a clerk for each counter 1, 2, … (default: the demo's four)",
    )
    parser.add_argument("--timezone", default="Europe/Warsaw", help="the site's time zone")
    parser.add_argument("--seed", type=int, default=1)


class Progress:
    """A one-line bar on a terminal, a line every tenth otherwise."""

    def __init__(self, total: int, out: TextIO) -> None:
        self.total, self.out, self.done = max(1, total), out, 0
        self.tty = out.isatty()
        self._shown = -1

    def step(self, note: str) -> None:
        self.done += 1
        share = self.done / self.total
        if self.tty:
            filled = int(share * 30)
            self.out.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {share:4.0%} {note:<32}")
            self.out.flush()
        elif int(share * 10) != self._shown:
            self._shown = int(share * 10)
            self.out.write(f"{share:4.0%} {note}\n")

    def close(self) -> None:
        if self.tty:
            self.out.write("\n")


def run_simulate(args: argparse.Namespace) -> int:
    from kolejka.client.api import KolejkaClient
    from kolejka.client.errors import ApiError, ServerUnreachable

    zone = ZoneInfo(args.timezone)
    day = args.day or datetime.now(zone).date()
    clerks = [c.split(":", 1) for c in (args.clerk or DEMO_CLERKS)]
    if any(len(c) != 2 for c in clerks):
        print("kolejka simulate: --clerk takes USER:PASSWORD", file=sys.stderr)
        return 2
    kiosk = KolejkaClient(args.server, args.site, args.kiosk_token, timeout=30)
    try:
        offered = {s.code for s in kiosk.list_services().data}
    except (ApiError, ServerUnreachable) as exc:
        kiosk.close()
        print(f"kolejka simulate: {args.server}: {exc}", file=sys.stderr)
        return 1
    profiles = [p for p in DEMO_SERVICES if p.code in offered] or [
        ServiceProfile(code, 1.0, 6.0) for code in sorted(offered)
    ]
    plan = DayPlan(visitors=args.visitors, counters=len(clerks), services=profiles)
    tickets = plan_day(day, zone, plan, args.seed)
    if not tickets:
        kiosk.close()
        print(f"kolejka simulate: {day} is a day off in the plan (a weekend)", file=sys.stderr)
        return 1
    steps = sorted(
        ((s.at, i, n, s) for i, t in enumerate(tickets) for n, s in enumerate(t.steps)),
        key=lambda x: (x[0], x[1], x[2]),
    )
    desks: dict[int, KolejkaClient] = {}
    current: dict[int, int] = {}  # counter → the ticket it holds
    real: dict[int, int] = {}  # planned ticket → issued ticket id
    counts = {"issued": 0, "called": 0, "done": 0, "no_show": 0, "transferred": 0, "missed": 0}
    bar = Progress(len(steps), sys.stderr)
    began, first = time.monotonic(), steps[0][0]
    try:
        for number, (user, password) in enumerate(clerks, start=1):
            desk = KolejkaClient(args.server, args.site, timeout=30)
            desk.login(user, password)
            with contextlib.suppress(ApiError):  # already open
                desk.open_counter(number)
            desks[number] = desk
        for at, index, _n, step in steps:
            if args.speed > 0:
                due = began + (at - first).total_seconds() / args.speed
                time.sleep(max(0.0, due - time.monotonic()))
            try:
                if step.kind == "issued":
                    planned = tickets[index]
                    ticket = kiosk.issue_ticket(planned.service, planned.language)
                    real[index] = ticket.id
                    counts["issued"] += 1
                elif step.kind == "cancelled" and step.counter is None:
                    if index in real:
                        kiosk.cancel_ticket(real[index])
                elif step.counter is not None:
                    desk, counter = desks[step.counter], step.counter
                    if step.kind == "called":
                        called = desk.call_next(counter)
                        if called is None:
                            counts["missed"] += 1
                            current.pop(counter, None)
                        else:
                            current[counter] = called.id
                            counts["called"] += 1
                    elif counter in current:
                        held = current[counter]
                        if step.kind == "serving":
                            desk.start_service(held)
                        elif step.kind == "done":
                            desk.finish_ticket(held)
                            counts["done"] += 1
                            current.pop(counter)
                        elif step.kind == "no_show":
                            desk.mark_no_show(held)
                            counts["no_show"] += 1
                            current.pop(counter)
                        elif step.kind == "transferred":
                            desk.transfer_ticket(held, service=step.to_service)
                            counts["transferred"] += 1
                            current.pop(counter)
            except ApiError:
                counts["missed"] += 1
                if step.counter is not None and step.kind != "serving":
                    current.pop(step.counter, None)
            bar.step(f"{at.astimezone(zone):%H:%M} {step.kind}")
    except ServerUnreachable as exc:
        bar.close()
        print(
            f"kolejka simulate: the server at {args.server} cannot be reached ({exc})",
            file=sys.stderr,
        )
        return 1
    except ApiError as exc:
        bar.close()
        print(f"kolejka simulate: {exc}", file=sys.stderr)
        return 1
    finally:
        kiosk.close()
        for desk in desks.values():
            desk.close()
    bar.close()
    print(
        "kolejka simulate: {issued} issued, {called} called, {done} served, {no_show} no-show, "
        "{transferred} transferred ({missed} steps the server refused or had nothing for)".format(
            **counts
        )
    )
    return 0
