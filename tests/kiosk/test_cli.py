"""`kolejka kiosk`: options and file make one validated configuration."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from kiosk.cli import add_arguments, config_from_args, run
from kiosk.errors import KioskConfigError


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(argv)


def test_options_alone_make_a_configuration() -> None:
    config = config_from_args(
        parse(
            "--server",
            "http://127.0.0.1:8420",
            "--site",
            "demo",
            "--token",
            "t",
            "--no-priority",
            "--printer",
            "file",
            "--preview-dir",
            "/tmp/tickets",
        )
    )
    assert (config.site, config.priority_enabled) == ("demo", False)
    assert config.printer == {"kind": "file", "preview_dir": Path("/tmp/tickets")}


def test_options_win_over_the_file_and_keep_its_printer_section(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        'server = "http://10.0.0.5:8420"\nsite = "demo"\ntoken = "file-token"\n'
        '[printer]\nkind = "network"\nhost = "10.0.0.7"\n',
        encoding="utf-8",
    )
    config = config_from_args(
        parse("--config", str(path), "--token", "cli-token", "--printer", "usb")
    )
    assert config.token == "cli-token"
    assert config.printer == {"kind": "usb", "host": "10.0.0.7"}


def test_missing_connection_options_are_named() -> None:
    with pytest.raises(KioskConfigError, match="--site, --token"):
        config_from_args(parse("--server", "http://127.0.0.1:8420"))


def test_a_bad_configuration_exits_with_2_before_any_window(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(parse("--server", "not-a-url", "--site", "demo", "--token", "t")) == 2
    assert "server" in capsys.readouterr().err
