"""`kolejka report --site S --date D | --from D --to D [--out FILE]`: the statistics as PDF.

Reads the server's database directly (like `kolejka audit`), rolls up whatever the
event log has that the roll-ups do not yet, and writes the same tables and charts as the
console's statistics page, with the staffing forecast for the day after the range.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta
from pathlib import Path

from server.cli import _add_database_argument, _database_url


def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site", required=True, help="the site's code")
    parser.add_argument("--date", type=date.fromisoformat, metavar="YYYY-MM-DD", help="one day")
    parser.add_argument("--from", dest="first", type=date.fromisoformat, metavar="YYYY-MM-DD")
    parser.add_argument("--to", dest="last", type=date.fromisoformat, metavar="YYYY-MM-DD")
    parser.add_argument(
        "--language", choices=["pl", "en", "ru", "uk"], default="pl", help="default: pl"
    )
    parser.add_argument(
        "--out", type=Path, metavar="FILE", help="default: report-SITE-FROM-TO.pdf here"
    )
    parser.add_argument("--no-forecast", action="store_true", help="leave the forecast out")
    _add_database_argument(parser)


def run_report(args: argparse.Namespace) -> int:
    import sqlalchemy as sa

    from kolejka.core.errors import DomainError
    from server.backup import sqlite_path
    from server.clock import SystemClock
    from server.db import Database
    from server.statistics import Statistics
    from server.stats_report import report_pdf

    if args.date is not None and (args.first or args.last):
        print("kolejka report: give --date or --from/--to, not both", file=sys.stderr)
        return 2
    first = args.date or args.first
    last = args.date or args.last or first
    if first is None:
        print("kolejka report: give --date D or --from D --to D", file=sys.stderr)
        return 2
    if last < first:
        print("kolejka report: --from is after --to", file=sys.stderr)
        return 2
    url = _database_url(args, "report")
    if url is None:
        return 2
    path = sqlite_path(url)
    if path is not None and not path.is_file():
        print(f"kolejka report: there is no database at {path}", file=sys.stderr)
        return 1
    db = Database(url)
    try:
        stats = Statistics(db, SystemClock())
        result = stats.range_stats(args.site, None, first, last)
        forecast = None
        if not args.no_forecast:
            forecast = stats.staffing_forecast(args.site, None, last + timedelta(days=1))
        body = report_pdf(result, forecast, args.language)
        out = args.out or Path(f"report-{args.site}-{first}-{last}.pdf")
        out.write_bytes(body)
        print(f"kolejka report: {result.figures.total.issued} tickets, {out} ({len(body)} bytes)")
        return 0
    except DomainError as exc:
        print(f"kolejka report: {exc.code} {exc.params or ''}", file=sys.stderr)
        return 1
    except (OSError, sa.exc.SQLAlchemyError) as exc:
        print(f"kolejka report: {exc}", file=sys.stderr)
        return 1
    finally:
        db.dispose()
