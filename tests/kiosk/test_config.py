"""The kiosk's configuration: TOML plus options, validated at start."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import KioskConfig, load_config, make_config
from kiosk.errors import KioskConfigError

GOOD = """
server = "http://10.0.0.5:8420/"
site = "demo"
token = "demo-kiosk-token-0001"
idle_timeout_s = 30
priority_enabled = false
languages = ["uk", "pl"]

[printer]
kind = "network"
host = "10.0.0.7"
"""


def test_a_good_file_is_read_with_its_printer_section(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(GOOD, encoding="utf-8")
    config = load_config(path)
    assert config.server == "http://10.0.0.5:8420"
    assert (config.idle_timeout_s, config.priority_enabled) == (30, False)
    assert config.languages == ("uk", "pl")
    assert config.printer == {"kind": "network", "host": "10.0.0.7"}
    assert config.status_base == "http://10.0.0.5:8420"  # no public_url: the server


def test_options_win_over_the_file(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(GOOD, encoding="utf-8")
    config = load_config(
        path, token="other-token", public_url="https://q.example.pl", fullscreen=None
    )
    assert (config.token, config.status_base, config.fullscreen) == (
        "other-token",
        "https://q.example.pl",
        False,
    )


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"server": "10.0.0.5:8420"}, "server"),
        ({"idle_timeout_s": 1}, "idle_timeout_s"),
        ({"languages": ["pl", "de"]}, "languages"),
        ({"languages": ["pl", "pl"]}, "languages"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"idel_timeout_s": 30}, "idel_timeout_s"),  # a typo is refused, not ignored
        ({"token": ""}, "token"),
    ],
)
def test_wrong_values_are_refused_with_the_key_named(
    change: dict[str, object], complaint: str
) -> None:
    data = {"server": "http://127.0.0.1:8420", "site": "demo", "token": "t", **change}
    with pytest.raises(KioskConfigError, match=complaint):
        make_config(data)


def test_a_missing_or_broken_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(KioskConfigError, match="cannot read"):
        load_config(tmp_path / "absent.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("server = ", encoding="utf-8")
    with pytest.raises(KioskConfigError, match="not valid TOML"):
        load_config(broken)


def test_defaults_offer_all_four_languages_and_priority() -> None:
    config = KioskConfig(server="http://127.0.0.1:8420", site="demo", token="t")
    assert config.languages == ("pl", "en", "uk", "ru")
    assert config.priority_enabled
