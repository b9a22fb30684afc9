"""`kolejka display` options: parsed into the same validated configuration."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from display.cli import add_arguments, config_from_args, run
from display.config import DisplayConfigError


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(argv)


def test_options_alone_make_a_configuration() -> None:
    config = config_from_args(
        parse(
            "--server",
            "http://h:8420",
            "--site",
            "demo",
            "--token",
            "t",
            "--zone",
            "5-8",
            "--fullscreen",
            "--portrait",
            "--history",
            "3",
            "--languages",
            "uk,ru",
            "--speech",
            "clips",
            "--clips",
            "/srv/clips",
            "--sink",
            "null",
        )
    )
    assert config.zone == frozenset({5, 6, 7, 8})
    assert config.fullscreen and config.portrait is True and config.history == 3
    assert config.languages == ("uk", "ru")
    assert (config.speech.engine, config.speech.clips, config.speech.sink) == (
        "clips",
        Path("/srv/clips"),
        "null",
    )


def test_landscape_and_unset_flags() -> None:
    config = config_from_args(
        parse("--server", "http://h", "--site", "s", "--token", "t", "--landscape")
    )
    assert config.portrait is False and not config.fullscreen


def test_the_file_is_read_and_options_win(tmp_path: Path) -> None:
    path = tmp_path / "d.toml"
    path.write_text(
        'server = "http://a"\nsite = "demo"\ntoken = "t"\nfullscreen = true\nzone = "1-2"\n',
        encoding="utf-8",
    )
    config = config_from_args(parse("--config", str(path), "--zone", "7"))
    assert config.zone == frozenset({7}) and config.fullscreen


def test_missing_connection_options_are_named() -> None:
    with pytest.raises(DisplayConfigError, match="--site, --token"):
        config_from_args(parse("--server", "http://h"))


def test_run_reports_a_bad_configuration_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(parse("--server", "nope", "--site", "demo", "--token", "t")) == 2
    assert "not an http(s) URL" in capsys.readouterr().err


def test_portrait_and_landscape_exclude_each_other(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse("--portrait", "--landscape")
    assert "not allowed with" in capsys.readouterr().err
