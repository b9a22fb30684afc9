"""Try a printer from the command line, before any kiosk is involved.

    python -m printers status --config kiosk.toml
    python -m printers sample --set kind=network --set host=10.0.0.7 --language uk
    python -m printers sample --set kind=preview --set preview_dir=/tmp/t --set width_mm=58

`--config` reads the `[printer]` table of a TOML file; `--set KEY=VALUE` adds or replaces
one key. `sample` prints a specimen ticket in the given language (its Polish, Ukrainian or
Russian letters show at once whether the printer's code pages or the raster fallback work).
Exit status: 0 done, 1 the printer failed (the reason code is printed), 2 bad configuration.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from printers import PrinterConfig, PrinterError, TicketPrint, open_printer
from printers.layout import ticket_layout

SAMPLE_SERVICES = {
    "pl": "Zezwolenie na pobyt czasowy",
    "en": "Temporary residence permit",
    "ru": "Разрешение на временное пребывание",
    "uk": "Дозвіл на тимчасове проживання",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m printers",
        description="Read a ticket printer's status or print a specimen ticket.",
    )
    parser.add_argument("command", choices=["status", "sample", "layout"])
    parser.add_argument("--config", type=Path, help="a TOML file with a [printer] table")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="one printer setting (repeatable)",
    )
    parser.add_argument("--language", default="pl", choices=sorted(SAMPLE_SERVICES))
    parser.add_argument("--number", default="A007")
    parser.add_argument("--site", default="Urząd Wojewódzki – Wydział Spraw Cudzoziemców")
    parser.add_argument("--url", default="https://kolejka.example.gov.pl/t/sample")
    parser.add_argument(
        "--issued-at",
        type=datetime.fromisoformat,
        help="ISO date and time with offset (default: now)",
    )
    parser.add_argument("--ahead", type=int, default=4)
    parser.add_argument("--wait-s", type=int, default=1500)
    parser.add_argument("--appointment-at", type=datetime.fromisoformat)
    parser.add_argument("--priority", action="store_true")
    return parser


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    if args.config is not None:
        with args.config.open("rb") as fh:
            settings.update(tomllib.load(fh).get("printer", {}))
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"--set {item!r}: use KEY=VALUE")
        settings[key.strip()] = value.strip()
    return settings


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        config = PrinterConfig.model_validate(_settings(args))
    except (OSError, ValueError, ValidationError) as exc:
        print(f"printer configuration: {exc}", file=sys.stderr)
        return 2
    try:
        ticket = TicketPrint(
            site_name=args.site,
            number=args.number,
            service_name=SAMPLE_SERVICES[args.language],
            language=args.language,
            issued_at=args.issued_at or datetime.now().astimezone(),
            ahead=args.ahead,
            estimated_wait_s=args.wait_s if args.wait_s >= 0 else None,
            status_url=args.url,
            appointment_at=args.appointment_at,
            priority=args.priority,
        )
    except ValueError as exc:
        print(f"sample ticket: {exc}", file=sys.stderr)
        return 2
    if args.command == "layout":
        for element in ticket_layout(ticket, config.width_mm):
            print(element)
        return 0
    try:
        with open_printer(config) as printer:
            if args.command == "status":
                status = printer.status()
                print(f"{status.value}: {status.describe(args.language)}")
                return 0
            result = printer.print_ticket(ticket)
    except PrinterError as exc:
        print(f"{exc.reason_code}: {exc}", file=sys.stderr)
        return 2 if exc.reason_code == "printer_config" else 1
    where = result.image_path or f"{len(result.data)} bytes sent"
    print(f"printed {result.number}: {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
