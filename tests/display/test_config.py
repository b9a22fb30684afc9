"""The display's configuration: TOML file, options over it, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from display.config import DisplayConfigError, SpeechSettings, load_config, make_config

BASE = {"server": "http://10.0.0.5:8420/", "site": "demo", "token": "tok"}


def test_a_full_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "display.toml"
    path.write_text(
        'server = "https://kolejka.example"\nsite = "demo"\ntoken = "t"\nzone = "5-8"\n'
        'fullscreen = true\nportrait = true\nhistory = 4\nlanguages = ["uk", "en"]\n'
        '[ticker]\npl = "Kasa na parterze"\n'
        '[speech]\nengine = "clips"\nclips = "/srv/clips"\nsink = "wav:/tmp/said"\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.server == "https://kolejka.example"
    assert config.zone == frozenset({5, 6, 7, 8})
    assert (config.fullscreen, config.portrait, config.history) == (True, True, 4)
    assert config.languages == ("uk", "en")
    assert config.ticker == {"pl": "Kasa na parterze"}
    assert config.speech == SpeechSettings(
        engine="clips", clips=Path("/srv/clips"), sink="wav:/tmp/said"
    )


def test_options_win_over_the_file_and_speech_options_merge(tmp_path: Path) -> None:
    path = tmp_path / "display.toml"
    path.write_text(
        'server = "http://a:1"\nsite = "demo"\ntoken = "t"\nzone = [1]\n'
        '[speech]\nengine = "clips"\nclips = "/c"\n',
        encoding="utf-8",
    )
    config = load_config(path, zone="2,3", token=None, speech={"sink": "null"})
    assert config.zone == frozenset({2, 3}) and config.token == "t"
    assert config.speech.engine == "clips" and config.speech.sink == "null"


def test_defaults() -> None:
    config = make_config(BASE)
    assert config.server == "http://10.0.0.5:8420"
    assert config.zone is None and config.portrait is None and not config.fullscreen
    assert config.languages == ("en", "uk", "ru") and config.history == 6
    assert config.speech.engine == "tts" and config.speech.sink == "auto"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"server": "ftp://x"}, "server: .*not an http"),
        ({"site": "Demo Site"}, "site:"),
        ({"zone": "7-5"}, "zone: .*backwards"),
        ({"zone": [0]}, "zone: .*start at 1"),
        ({"history": 40}, "history:"),
        ({"languages": ["en", "en"]}, "languages: .*once"),
        ({"languages": ["de"]}, "languages"),
        ({"colour": "red"}, "colour: Extra inputs"),
        ({"speech": {"engine": "clips"}}, "speech: .*needs 'clips'"),
        ({"speech": {"sink": "speaker"}}, "speech.sink: .*auto"),
        ({"ticker": {"de": "Hallo"}}, "ticker"),
    ],
)
def test_bad_settings_are_refused_with_the_reason(change: dict[str, object], message: str) -> None:
    with pytest.raises(DisplayConfigError, match=message):
        make_config({**BASE, **change})


def test_a_missing_setting_is_named() -> None:
    with pytest.raises(DisplayConfigError, match="token: Field required"):
        make_config({"server": "http://a", "site": "demo"})


def test_an_unreadable_or_broken_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DisplayConfigError, match="cannot read"):
        load_config(tmp_path / "missing.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("server = ", encoding="utf-8")
    with pytest.raises(DisplayConfigError, match="not valid TOML"):
        load_config(broken)
