"""`kolejka display`: the hall board on this machine's screen.

    kolejka display --server http://10.0.0.5:8420 --site demo --token T --zone 5-8 --fullscreen
    kolejka display --config /etc/kolejka/display.toml

Options given on the command line win over the file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from display.config import DisplayConfig, DisplayConfigError, load_config, make_config
from kolejka import logs


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, metavar="FILE", help="TOML configuration file")
    parser.add_argument("--server", metavar="URL", help="Kolejka server, e.g. http://host:8420")
    parser.add_argument("--site", metavar="CODE", help="site code, e.g. demo")
    parser.add_argument("--token", metavar="TOKEN", help="this display's device token")
    parser.add_argument(
        "--zone", metavar="COUNTERS", help="show only these counters, e.g. 5-8 or 1,2,5"
    )
    parser.add_argument(
        "--fullscreen",
        action="store_true",
        default=None,
        help="fill the screen and hide the mouse pointer",
    )
    layout = parser.add_mutually_exclusive_group()
    layout.add_argument(
        "--portrait",
        dest="portrait",
        action="store_true",
        default=None,
        help="portrait layout (default: follow the screen's shape)",
    )
    layout.add_argument(
        "--landscape", dest="portrait", action="store_false", help="landscape layout"
    )
    parser.add_argument(
        "--history", type=int, metavar="N", help="previous calls shown under the newest (default 6)"
    )
    parser.add_argument(
        "--languages", metavar="LIST", help="languages rotating beside Polish, e.g. en,uk,ru"
    )
    parser.add_argument(
        "--speech",
        choices=("tts", "clips", "off"),
        help="announce calls by speech synthesis, recorded clips, or not",
    )
    parser.add_argument(
        "--clips", type=Path, metavar="DIR", help="folder of recorded clips (with --speech clips)"
    )
    parser.add_argument("--sink", metavar="SINK", help="sound output: auto | null | wav:DIR")


def config_from_args(args: argparse.Namespace) -> DisplayConfig:
    """The validated configuration from --config and the other options (options win)."""
    options: dict[str, Any] = {
        "server": args.server,
        "site": args.site,
        "token": args.token,
        "zone": args.zone,
        "fullscreen": args.fullscreen,
        "portrait": args.portrait,
        "history": args.history,
        "languages": args.languages.split(",") if args.languages else None,
    }
    speech = {
        key: value
        for key, value in (("engine", args.speech), ("clips", args.clips), ("sink", args.sink))
        if value is not None
    }
    if args.config is not None:
        return load_config(args.config, speech=speech, **options)
    data = {key: value for key, value in options.items() if value is not None}
    if speech:
        data["speech"] = speech
    missing = [f"--{key}" for key in ("server", "site", "token") if key not in data]
    if missing:
        raise DisplayConfigError(f"give --config FILE, or {', '.join(missing)}")
    return make_config(data)


def run(args: argparse.Namespace) -> int:
    try:
        config = config_from_args(args)
    except DisplayConfigError as exc:
        print(f"kolejka display: {exc}", file=sys.stderr)
        return 2
    logs.configure()

    from PySide6.QtWidgets import QApplication

    from display.app import build_from_config

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = build_from_config(config)
    app.aboutToQuit.connect(window.shutdown)
    window.show()
    return int(app.exec())
