"""The example configurations in install/ are what an office copies: they must load."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from display.config import load_config as load_display_config
from kiosk.config import load_config as load_kiosk_config
from printers.config import PrinterConfig

INSTALL = Path(__file__).resolve().parents[1] / "install"


def test_the_kiosk_example_loads_with_its_network_printer() -> None:
    config = load_kiosk_config(INSTALL / "kiosk.example.toml")
    printer = PrinterConfig.model_validate(config.printer)
    assert (config.site, printer.kind, printer.width_mm) == ("demo", "network", 80)
    assert config.status_base == "https://kolejka.example.gov.pl"


def test_the_display_example_loads_with_its_zone_and_speech() -> None:
    config = load_display_config(INSTALL / "display.example.toml")
    assert config.zone == frozenset({5, 6, 7, 8})
    assert (config.speech.engine, config.speech.sink) == ("tts", "auto")


def env_example() -> dict[str, str]:
    """KEY=VALUE lines of install/server.env.example (comments left out)."""
    pairs = {}
    for line in (INSTALL / "server.env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


def directives(path: Path) -> list[str]:
    """The lines of a config file without comments and surrounding blanks."""
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [line for line in lines if line]


def test_the_server_env_example_listens_on_localhost_behind_nginx(tmp_path, monkeypatch):
    from server.settings import Settings

    env = env_example()
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    # Where the office's disk would be: the example's paths are for a real install.
    monkeypatch.setenv("KOLEJKA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("KOLEJKA_DATABASE_URL", f"sqlite:///{tmp_path / 'kolejka.sqlite3'}")
    settings = Settings()
    assert settings.environment == "production"
    assert settings.host == "127.0.0.1"
    assert "KOLEJKA_SECRET_KEY" not in env  # generated on first start, see test_secret.py
    url = urlsplit(settings.public_base_url or "")
    assert (url.scheme, url.port) == ("https", None), settings.public_base_url


def test_nginx_is_the_only_way_in_and_speaks_tls():
    conf = directives(INSTALL / "nginx" / "kolejka.conf")
    upstream = [line.split()[1] for line in conf if re.match(r"server \S+[ ;]", line)]
    assert upstream and all(u.startswith("127.0.0.1:") for u in upstream), upstream
    assert {line for line in conf if line.startswith("proxy_pass")} == {
        "proxy_pass http://kolejka;"
    }
    assert "listen 443 ssl;" in conf
    assert any(line.startswith("ssl_certificate ") for line in conf)
    assert "return 301 https://$host$request_uri;" in conf  # port 80 only redirects
    assert "server_name kolejka.example.gov.pl;" in conf


def test_no_example_sends_anyone_past_nginx():
    """No public URL, device setting or listen address names the server's own port."""
    env = env_example()
    assert env["KOLEJKA_HOST"] == "127.0.0.1"
    public = urlsplit(env["KOLEJKA_PUBLIC_BASE_URL"]).hostname
    for path in sorted(INSTALL.rglob("*")):
        if not path.is_file() or path.name == "server.env.example":
            continue
        text = path.read_text(encoding="utf-8")
        assert "0.0.0.0" not in text, path
        for found in re.findall(r"https?://[^\s\"'`);$]+", text):
            url = urlsplit(found)
            if url.hostname in ("127.0.0.1", "localhost", "kolejka", None):
                continue  # the host's own checks, nginx's upstream and redirect
            assert url.port is None and url.hostname == public, (path, found)
    kiosk = load_kiosk_config(INSTALL / "kiosk.example.toml")
    display = load_display_config(INSTALL / "display.example.toml")
    assert kiosk.server == display.server == f"https://{public}"


def test_the_server_unit_reads_the_env_file_and_passes_no_address():
    unit = directives(INSTALL / "systemd" / "kolejka-server.service")
    assert "EnvironmentFile=/etc/kolejka/server.env" in unit
    start = next(line for line in unit if line.startswith("ExecStart="))
    assert "--host" not in start and "--port" not in start


def test_the_unit_and_nginx_use_the_health_probes():
    unit = directives(INSTALL / "systemd" / "kolejka-server.service")
    post = next(line for line in unit if line.startswith("ExecStartPost="))
    assert "http://127.0.0.1:" in post and "/readyz" in post and "curl -fsS" in post
    conf = (INSTALL / "nginx" / "kolejka.conf").read_text()
    assert "location ~ ^/(healthz|readyz)$" in conf


def test_the_install_readme_covers_what_an_it_admin_needs():
    readme = (INSTALL / "README.md").read_text(encoding="utf-8")
    for needed in (
        "kolejka backup PATH",
        "kolejka restore PATH",
        "kolejka audit --site",
        "/readyz",
        "/healthz",
        "/var/lib/kolejka/secret_key",
        "KOLEJKA_PUBLIC_BASE_URL=https://kolejka.example.gov.pl",
        "certbot",
        "## 3. The time zone",
        "**Upgrade.**",
        "**Restore.**",
    ):
        assert needed in readme, needed
    assert ":8420" not in readme.replace("127.0.0.1:8420", "")
