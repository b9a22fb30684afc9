"""`kolejka counter`: the clerk's desk app."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--server", required=True, metavar="URL", help="e.g. http://queue:8420")
    parser.add_argument("--site", required=True, help="site code")
    parser.add_argument("--user", help="clerk user name (asked in the window if not given)")
    parser.add_argument(
        "--password-file", type=Path, help="read the password from this file (first line)"
    )
    parser.add_argument("--counter", type=int, help="counter number")
    parser.add_argument("--language", choices=["pl", "en", "ru", "uk"], default="pl")


def run(args: argparse.Namespace) -> int:
    from PySide6.QtWidgets import QApplication

    from counter.app import build_counter_window

    password = None
    if args.password_file is not None:
        try:
            password = args.password_file.read_text(encoding="utf-8").splitlines()[0]
        except (OSError, IndexError) as exc:
            print(f"kolejka counter: cannot read {args.password_file}: {exc}", file=sys.stderr)
            return 2
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = build_counter_window(
        args.server,
        args.site,
        username=args.user,
        password=password,
        counter=args.counter,
        language=args.language,
    )
    window.show()
    try:
        return int(app.exec())
    finally:
        window.shutdown()
