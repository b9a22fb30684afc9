"""Simulate one office day on the real queue core and database, then chart it.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/simulate_day.py [--seed 7] [--out docs/images]

Visitors arrive 08:00–15:00 (busier in the morning) for the demo office's five services;
eight clerks call, serve (log-normal durations per service) and sometimes meet a no-show.
Time is a manual clock, so a day takes seconds. Prints the day's statistics from
`daily_stats` and how well the estimated wait printed on each ticket matched the wait the
visitor then had, per service: "before" is the capacity estimate the server used until
the forecast (open counters / median service time, capped by the observed call rate),
worked out beside each issued ticket from the same data; "after" is what the ticket
carries (kolejka.core.forecast). Draws docs/images/stats-day.png and
docs/images/stats-estimates.png.
"""

from __future__ import annotations

import argparse
import heapq
import math
import os
import random
import statistics
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import select

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from kolejka.core.estimates import estimate_wait_s
from kolejka.schemas import TicketCreate
from server import repository as repo
from server.actors import Actor
from server.app import DEMO_CONFIG, build_services
from server.clock import ManualClock
from server.models import Clerk
from server.provisioning import apply_config
from server.security import hash_password
from server.settings import Settings
from server.siteconfig import ClerkConfig, load_config

START = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)  # 08:00 in Warsaw
SHARE = {"A": 0.35, "B": 0.15, "C": 0.25, "D": 0.10, "E": 0.15}
MEAN_MIN = {"A": 9.0, "B": 12.0, "C": 3.0, "D": 6.0, "E": 2.0}
NO_SHOW = 0.05
LANGS = ["pl", "uk", "uk", "ru", "en"]


def arrivals_per_hour(hour: float) -> float:
    """Busy from opening, a peak around 10:00, quiet after 14:00."""
    return 34 + 26 * math.exp(-((hour - 2.0) ** 2) / 2.0) - (10 if hour > 6 else 0)


# (service, capacity estimate before, forecast after, actual wait), in seconds
Row = tuple[str, float | None, float | None, float]


def simulate(seed: int) -> tuple[dict, list[tuple[float, float]], list[Row]]:
    rng = random.Random(seed)
    workdir = Path(tempfile.mkdtemp(prefix="kolejka-day-"))
    settings = Settings(database_url=f"sqlite:///{workdir / 'day.sqlite3'}")
    clock = ManualClock(START)
    services = build_services(settings, clock)
    services.db.upgrade()
    config = load_config(DEMO_CONFIG)
    hashed = hash_password("simulated")
    config.sites[0].clerks += [
        ClerkConfig(username=f"sim{n}", password_hash=hashed) for n in range(1, 9)
    ]
    apply_config(services.db, config)
    with services.db.read() as session:
        ids = {c.username: c.id for c in session.exec(select(Clerk))}
    queue = services.queue
    kiosk = Actor("kiosk", 1, 1, "kiosk")
    clerks = {n: Actor("clerk", 1, ids[f"sim{n}"], f"sim{n}", "clerk") for n in range(1, 9)}
    for n, clerk in clerks.items():
        services.counters.open_counter("demo", clerk, n)

    events: list[tuple[datetime, int, str, int]] = []
    seq = 0

    def push(at: datetime, kind: str, who: int) -> None:
        nonlocal seq
        seq += 1
        heapq.heappush(events, (at, seq, kind, who))

    t = START
    while True:
        hour = (t - START).total_seconds() / 3600
        if hour >= 7:
            break
        t += timedelta(hours=rng.expovariate(arrivals_per_hour(hour)))
        push(t, "arrive", 0)
    for n in clerks:
        push(START + timedelta(minutes=1), "free", n)

    estimates: dict[int, int | None] = {}
    before: dict[int, int | None] = {}
    pairs: list[tuple[float, float]] = []
    rows: list[Row] = []
    while events:
        at, _, kind, who = heapq.heappop(events)
        clock.set(at)
        if kind == "arrive":
            service = rng.choices(list(SHARE), weights=list(SHARE.values()))[0]
            ticket = queue.issue_ticket(
                "demo", kiosk, TicketCreate(service=service, language=rng.choice(LANGS))
            )
            estimates[ticket.id] = ticket.estimated_wait_s
            before[ticket.id] = capacity_estimate(services, ticket, at)
        elif kind == "free":
            ticket = queue.call_next("demo", clerks[who], who)
            if ticket is None:
                if at < START + timedelta(hours=8, minutes=30):
                    push(at + timedelta(seconds=30), "free", who)
                continue
            waited = (ticket.called_at - ticket.arrival_at).total_seconds()  # type: ignore[operator]
            estimate = estimates.get(ticket.id)
            if estimate is not None:
                pairs.append((estimate / 60, waited / 60))
            rows.append((ticket.service, before.get(ticket.id), estimate, waited))
            if rng.random() < NO_SHOW:
                clock.set(at + timedelta(minutes=2))
                queue.mark_no_show("demo", clerks[who], ticket.id)
                push(at + timedelta(minutes=2), "free", who)
                continue
            clock.set(at + timedelta(seconds=20))
            queue.start_service("demo", clerks[who], ticket.id)
            mean = MEAN_MIN[ticket.service]
            minutes = rng.lognormvariate(math.log(mean) - 0.125, 0.5)
            done_at = at + timedelta(seconds=20, minutes=minutes)
            push(done_at, "finish", ticket.id * 100 + who)
        elif kind == "finish":
            ticket_id, counter = divmod(who, 100)
            queue.finish_ticket("demo", clerks[counter], ticket_id)
            push(at, "free", counter)
    stats = services.reads.daily_stats("demo", clerks[1], None)
    services.db.dispose()
    return stats.model_dump(), pairs, rows


def capacity_estimate(services: object, ticket: object, now: datetime) -> int | None:
    """The estimate tickets carried before the forecast, from the same moment's data."""
    db = services.db  # type: ignore[attr-defined]
    with db.read() as session:
        service = repo.service_by_code(session, repo.site_by_code(session, "demo"), ticket.service)  # type: ignore[attr-defined]
        assert service.id is not None
        return estimate_wait_s(
            ticket.ahead,  # type: ignore[attr-defined]
            repo.recent_durations(session, service.id, 20),
            repo.open_counter_count(session, service.id),
            repo.queue_rate(session, service.id, now),
        )


def error_table(rows: list[Row]) -> list[str]:
    """Per service: the actual median wait, and each estimate's median and its error."""

    def fmt(values: list[float]) -> str:
        return f"{statistics.median(values):>7.0f}s" if values else f"{'-':>8}"

    def p90(values: list[float]) -> str:
        if not values:
            return f"{'-':>8}"
        return f"{sorted(values)[int(0.9 * (len(values) - 1))]:>7.0f}s"

    lines = [
        f"{'':<8}{'':>6}{'':>9}{'before (capacity)':^27}{'after (forecast)':^27}",
        f"{'service':<8}{'n':>6}{'actual':>9}" + f"{'estimate':>9}{'|err| p50':>10}{'p90':>8}" * 2,
    ]
    for code in sorted({r[0] for r in rows}):
        mine = [r for r in rows if r[0] == code]
        actual = [r[3] for r in mine]
        line = f"{code:<8}{len(mine):>6}{fmt(actual):>9}"
        for index in (1, 2):
            known = [(r[index], r[3]) for r in mine if r[index] is not None]
            errors = [abs(a - e) for e, a in known]  # type: ignore[operator]
            line += f"{fmt([e for e, _ in known]):>9}{fmt(errors):>10}{p90(errors):>8}"
        lines.append(line)
    return lines


def draw(stats: dict, pairs: list[tuple[float, float]], out: Path) -> None:
    from PySide6.QtCore import QPointF, QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])  # noqa: F841 - fonts need an app
    blue, orange, grey = QColor("#0b3d91"), QColor("#e0891a"), QColor("#5b6470")

    image = QImage(1200, 560, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setFont(QFont("DejaVu Sans", 16, QFont.Weight.Bold))
    p.drawText(30, 40, "One simulated day at the demo office: waiting time per service")
    p.setFont(QFont("DejaVu Sans", 11))
    rows = stats["services"]
    top = max(v["wait_p90_s"] or 0 for v in rows.values()) / 60
    top = max(10.0, math.ceil(top / 10) * 10)
    left, base, height, width = 90, 480, 380, 1060
    for tick in range(0, int(top) + 1, max(5, int(top) // 6)):
        y = base - tick / top * height
        p.setPen(QPen(QColor("#e3e6eb")))
        p.drawLine(QPointF(left, y), QPointF(left + width, y))
        p.setPen(grey)
        p.drawText(QRectF(10, y - 10, 70, 20), Qt.AlignmentFlag.AlignRight, f"{tick} min")
    slot = width / len(rows)
    for i, (code, row) in enumerate(sorted(rows.items())):
        x = left + i * slot + slot * 0.2
        for j, (key, colour) in enumerate((("wait_median_s", blue), ("wait_p90_s", orange))):
            value = (row[key] or 0) / 60
            h = value / top * height
            p.fillRect(QRectF(x + j * slot * 0.3, base - h, slot * 0.28, h), colour)
            p.setPen(QColor("#1d2127"))
            p.drawText(
                QRectF(x + j * slot * 0.3, base - h - 22, slot * 0.28, 20),
                Qt.AlignmentFlag.AlignCenter,
                f"{value:.0f}",
            )
        p.setPen(QColor("#1d2127"))
        p.drawText(
            QRectF(x - 10, base + 8, slot * 0.6 + 20, 40),
            Qt.AlignmentFlag.AlignCenter,
            f"{code}  ({row['served']} served,\n{row['no_show']} no-show)",
        )
    p.fillRect(QRectF(860, 60, 16, 16), blue)
    p.drawText(884, 74, "median wait")
    p.fillRect(QRectF(1000, 60, 16, 16), orange)
    p.drawText(1024, 74, "90th percentile")
    p.end()
    image.save(str(out / "stats-day.png"))

    image = QImage(640, 640, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setFont(QFont("DejaVu Sans", 14, QFont.Weight.Bold))
    p.drawText(20, 34, "Estimated wait on the ticket vs. actual wait")
    p.setFont(QFont("DejaVu Sans", 10))
    lim = max(10.0, math.ceil(max(max(a, b) for a, b in pairs) / 10) * 10)
    ox, oy, size = 70, 580, 520
    p.setPen(QPen(QColor("#e3e6eb")))
    for tick in range(0, int(lim) + 1, max(5, int(lim) // 6)):
        v = tick / lim * size
        p.drawLine(QPointF(ox, oy - v), QPointF(ox + size, oy - v))
        p.drawLine(QPointF(ox + v, oy), QPointF(ox + v, oy - size))
        p.setPen(grey)
        p.drawText(QRectF(ox - 60, oy - v - 8, 54, 16), Qt.AlignmentFlag.AlignRight, f"{tick}")
        p.drawText(QRectF(ox + v - 20, oy + 4, 40, 16), Qt.AlignmentFlag.AlignCenter, f"{tick}")
        p.setPen(QPen(QColor("#e3e6eb")))
    p.setPen(QPen(grey, 1, Qt.PenStyle.DashLine))
    p.drawLine(QPointF(ox, oy), QPointF(ox + size, oy - size))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(11, 61, 145, 90))
    for estimate, actual in pairs:
        p.drawEllipse(QPointF(ox + estimate / lim * size, oy - actual / lim * size), 3, 3)
    p.setPen(QColor("#1d2127"))
    p.drawText(
        QRectF(ox, oy + 22, size, 20),
        Qt.AlignmentFlag.AlignCenter,
        "estimated wait printed on the ticket (min)",
    )
    p.save()
    p.translate(16, oy - size / 2)
    p.rotate(-90)
    p.drawText(QRectF(-150, -10, 300, 20), Qt.AlignmentFlag.AlignCenter, "actual wait (min)")
    p.restore()
    p.end()
    image.save(str(out / "stats-estimates.png"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path("docs/images"))
    args = parser.parse_args()
    stats, pairs, rows = simulate(args.seed)
    print(
        f"{'service':<8}{'issued':>8}{'served':>8}{'no-show':>9}{'wait p50':>10}"
        f"{'wait p90':>10}{'service p50':>13}"
    )
    for code, row in sorted(stats["services"].items()):
        print(
            f"{code:<8}{row['issued']:>8}{row['served']:>8}{row['no_show']:>9}"
            f"{(row['wait_median_s'] or 0) / 60:>9.1f}m{(row['wait_p90_s'] or 0) / 60:>9.1f}m"
            f"{(row['service_median_s'] or 0) / 60:>12.1f}m"
        )
    errors = [abs(a - e) for e, a in pairs]
    print(
        f"tickets with an estimate: {len(pairs)}; |actual - estimate| median "
        f"{statistics.median(errors):.1f} min, p90 "
        f"{sorted(errors)[int(0.9 * (len(errors) - 1))]:.1f} min"
    )
    print("estimated vs actual wait until called, per service (seconds, medians):")
    for line in error_table(rows):
        print(line)
    args.out.mkdir(parents=True, exist_ok=True)
    draw(stats, pairs, args.out)
    print(f"charts: {args.out / 'stats-day.png'}, {args.out / 'stats-estimates.png'}")


if __name__ == "__main__":
    main()
