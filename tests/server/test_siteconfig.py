"""The site configuration file: validated at start-up, errors name the field."""

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from server.errors import ConfigError
from server.siteconfig import load_config, parse_config
from tests.support import site_config_dict

DEMO = Path(__file__).resolve().parents[2] / "server" / "demo_site.toml"


def test_demo_config_is_valid_and_complete():
    config = load_config(DEMO)
    site = config.sites[0]
    assert [s.code for s in site.services] == ["A", "B", "C", "D", "E"]
    assert all(set(s.names) == {"pl", "en", "ru", "uk"} for s in site.services)
    assert [c.number for c in site.counters] == list(range(1, 9))


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda s: s["services"][0].update(code="a1"), "sites.0.services.0.code"),
        (lambda s: s["services"][0]["names"].pop("pl"), "sites.0.services.0.names"),
        (lambda s: s["services"][0]["names"].update(de="X"), "sites.0.services.0.names"),
        (lambda s: s.update(timezone="Mars/Olympus"), "sites.0.timezone"),
        (lambda s: s["counters"][0]["services"].append({"service": "Q"}), "sites.0"),
        (
            lambda s: s["services"][3].update(hours={"mon": ["9-17"]}),
            "sites.0.services.3.hours.mon",
        ),
        (lambda s: s["devices"][0].update(token="short"), "sites.0.devices.0.token"),
        (lambda s: s.update(colour="red"), "sites.0.colour"),
    ],
)
def test_invalid_config_names_the_field(password_hash, mutate, where):
    data = site_config_dict(password_hash)
    mutate(data["sites"][0])
    with pytest.raises(ConfigError) as info:
        parse_config(data, "office.toml")
    assert where in str(info.value)


def test_a_file_gives_every_clerk_a_password(password_hash):
    data = site_config_dict(password_hash)
    del data["sites"][0]["clerks"][1]["password_hash"]
    with pytest.raises(ConfigError, match="clerk 'clerk2' of site 'test'"):
        parse_config(data, "office.toml")


def test_server_refuses_to_start_with_a_bad_file(tmp_path):
    bad = tmp_path / "office.toml"
    bad.write_text(
        DEMO.read_text(encoding="utf-8").replace('code = "C"', 'code = "c"'), encoding="utf-8"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kolejka.cli",
            "server",
            "--config",
            str(bad),
            "--database",
            f"sqlite:///{tmp_path / 'x.sqlite3'}",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "sites.0.services.2.code" in result.stderr


def test_broken_toml_is_reported_with_the_file_name(tmp_path):
    bad = tmp_path / "office.toml"
    bad.write_text("[[sites]\ncode = ", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(bad)
    assert "office.toml" in str(info.value) and "TOML" in str(info.value)


def test_a_yaml_file_says_the_same_as_the_toml_one(tmp_path):
    import tomllib

    import yaml

    as_yaml = tmp_path / "office.yaml"
    as_yaml.write_text(
        yaml.safe_dump(tomllib.loads(DEMO.read_text(encoding="utf-8")), allow_unicode=True),
        encoding="utf-8",
    )
    assert load_config(as_yaml) == load_config(DEMO)


def test_yaml_as_an_administrator_writes_it_by_hand(tmp_path):
    office = tmp_path / "office.yml"
    office.write_text(
        """
sites:
  - code: hall
    name: Wydział Spraw Cudzoziemców
    services:
      - code: A
        names: {pl: Pobyt czasowy, en: Temporary residence, ru: Временное, uk: Тимчасове}
        hours:
          mon: ["08:00-15:00"]
          special: {2026-12-24: []}   # a date, unquoted
        daily_limit: 150
    counters:
      - number: 1
        services: [{service: A}]
""",
        encoding="utf-8",
    )
    site = load_config(office).sites[0]
    assert site.services[0].daily_limit == 150
    hours = site.services[0].hours
    assert hours is not None and hours.special == {date(2026, 12, 24): []}
    assert hours.mon == ["08:00-15:00"]


@pytest.mark.parametrize(
    ("text", "said"),
    [("sites: [code: A", "not valid YAML"), ("- just\n- a list\n", "mapping")],
)
def test_broken_yaml_is_reported_with_the_file_name(tmp_path, text, said):
    bad = tmp_path / "office.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(bad)
    assert "office.yaml" in str(info.value) and said in str(info.value)
