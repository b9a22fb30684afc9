"""`kolejka kiosk`: the ticket kiosk on this machine's touch screen.

    kolejka kiosk --server http://10.0.0.5:8420 --site demo --token T --fullscreen
    kolejka kiosk --config /etc/kolejka/kiosk.toml

Options given on the command line win over the file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kiosk.config import KioskConfig, load_config, make_config
from kiosk.errors import KioskConfigError
from kolejka import logs
from kolejka.i18n import LANGUAGES


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, metavar="FILE", help="TOML configuration file")
    parser.add_argument("--server", metavar="URL", help="Kolejka server, e.g. http://host:8420")
    parser.add_argument("--site", metavar="CODE", help="site code, e.g. demo")
    parser.add_argument("--token", metavar="TOKEN", help="this kiosk's device token")
    parser.add_argument(
        "--public-url",
        metavar="URL",
        help="base of the ticket status link in the QR (default: --server)",
    )
    parser.add_argument(
        "--fullscreen",
        action="store_true",
        default=None,
        help="fill the screen and hide the mouse pointer",
    )
    parser.add_argument(
        "--language",
        choices=LANGUAGES,
        help="open on the matters in this language instead of the start screen",
    )
    parser.add_argument(
        "--idle-timeout",
        type=float,
        metavar="SECONDS",
        help="back to the start screen after this long untouched (default 45)",
    )
    priority = parser.add_mutually_exclusive_group()
    priority.add_argument(
        "--priority",
        dest="priority_enabled",
        action="store_true",
        default=None,
        help="offer priority tickets (default)",
    )
    priority.add_argument(
        "--no-priority",
        dest="priority_enabled",
        action="store_false",
        help="do not offer priority tickets",
    )
    parser.add_argument(
        "--large-text", action="store_true", default=None, help="start with larger text"
    )
    parser.add_argument(
        "--printer",
        metavar="KIND",
        help="printer kind, e.g. preview, file, network, usb (default preview)",
    )
    parser.add_argument(
        "--preview-dir",
        type=Path,
        metavar="DIR",
        help="where the preview printer writes ticket images",
    )


def config_from_args(args: argparse.Namespace) -> KioskConfig:
    """The validated configuration from --config and the other options (options win)."""
    options: dict[str, Any] = {
        "server": args.server,
        "site": args.site,
        "token": args.token,
        "public_url": args.public_url,
        "fullscreen": args.fullscreen,
        "idle_timeout_s": args.idle_timeout,
        "priority_enabled": args.priority_enabled,
        "large_text": args.large_text,
    }
    printer = {
        key: value
        for key, value in (("kind", args.printer), ("preview_dir", args.preview_dir))
        if value is not None
    }
    if args.config is not None:
        config = load_config(args.config, **options)
        if printer:
            merged = {**config.printer, **printer}
            config = make_config({**config.model_dump(), "printer": merged}, str(args.config))
        return config
    data = {key: value for key, value in options.items() if value is not None}
    if printer:
        data["printer"] = {"kind": "preview", **printer}
    missing = [f"--{key}" for key in ("server", "site", "token") if key not in data]
    if missing:
        raise KioskConfigError(f"give --config FILE, or {', '.join(missing)}")
    return make_config(data)


def run(args: argparse.Namespace) -> int:
    try:
        config = config_from_args(args)
    except KioskConfigError as exc:
        print(f"kolejka kiosk: {exc}", file=sys.stderr)
        return 2
    logs.configure()

    from PySide6.QtWidgets import QApplication

    from kiosk.app import window_from_config

    app = QApplication.instance() or QApplication(sys.argv[:1])
    try:
        window = window_from_config(config, language=args.language)
    except Exception as exc:  # a printer that cannot be opened: say which, do not trace
        print(f"kolejka kiosk: cannot start: {exc}", file=sys.stderr)
        return 2
    app.aboutToQuit.connect(window.shutdown)
    window.show()
    return int(app.exec())
