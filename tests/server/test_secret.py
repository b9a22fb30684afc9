"""The signing secret: never a published value outside tests, generated and kept 0600."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import jwt
import pytest
import yaml
from pydantic import ValidationError

from server.settings import DEV_SECRET, SECRET_FILE, Settings
from tests.support import PASSWORD, free_port, site_config_dict

EXAMPLE = Path(__file__).resolve().parents[2] / "install" / "server.env.example"


def example_placeholder() -> str:
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        key, _, value = line.lstrip("# ").partition("=")
        if key == "KOLEJKA_SECRET_KEY":
            return value
    raise AssertionError("install/server.env.example no longer mentions KOLEJKA_SECRET_KEY")


def start_production_server(tmp_path: Path, password_hash: str) -> tuple[subprocess.Popen, str]:
    """`kolejka server --config office.yaml` as the README says: no secret given."""
    config = tmp_path / "office.yaml"
    config.write_text(yaml.safe_dump(site_config_dict(password_hash)), encoding="utf-8")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOLEJKA_")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kolejka.cli",
            "server",
            "--config",
            str(config),
            "--database",
            f"sqlite:///{tmp_path / 'kolejka.sqlite3'}",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    for line in process.stderr:  # uvicorn says so once the port is bound
        if "Uvicorn running on" in line:
            return process, f"http://127.0.0.1:{port}"
    process.wait()
    raise AssertionError(f"the server exited with {process.returncode}")


def test_a_token_forged_with_the_built_in_secret_is_refused(tmp_path, password_hash):
    process, url = start_production_server(tmp_path, password_hash)
    try:
        with httpx.Client(base_url=url, timeout=30) as http:
            login = http.post(
                "/api/v1/auth/login",
                json={"site": "test", "username": "root", "password": PASSWORD},
            )
            assert login.status_code == 200, login.text
            real = login.json()["access_token"]
            claims = jwt.decode(real, options={"verify_signature": False})
            forged = jwt.encode(
                {
                    "sub": claims["sub"],
                    "site": claims["site"],
                    "role": "admin",
                    "typ": "clerk",
                    "exp": int((datetime.now(UTC) + timedelta(hours=1)).timestamp()),
                },
                DEV_SECRET,
                algorithm="HS256",
            )
            config = "/api/v1/sites/test/config"
            assert http.get(config, headers={"Authorization": f"Bearer {real}"}).status_code == 200
            refused = http.get(config, headers={"Authorization": f"Bearer {forged}"})
            assert refused.status_code == 401
            assert refused.json()["code"] == "invalid_token"
    finally:
        process.terminate()
        _, log = process.communicate(timeout=30)
    secret_file = tmp_path / SECRET_FILE
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    secret = secret_file.read_text().strip()
    assert len(secret) >= 32 and secret != DEV_SECRET
    assert secret not in log


@pytest.mark.parametrize("environment", ["production", "development"])
@pytest.mark.parametrize("published", ["example", "built-in", "short"])
def test_a_published_or_short_secret_is_refused(tmp_path, environment, published):
    secret = {"example": example_placeholder(), "built-in": DEV_SECRET, "short": "x" * 31}
    with pytest.raises(ValidationError) as info:
        Settings(environment=environment, data_dir=tmp_path, secret_key=secret[published])
    assert "KOLEJKA_SECRET_KEY" in str(info.value)
    assert secret[published][:6] not in str(info.value)  # not even the start of it
    assert "input_value" not in str(info.value)


def test_the_generated_secret_is_kept_private_and_reused(tmp_path):
    first = Settings(environment="production", data_dir=tmp_path / "data")
    again = Settings(environment="production", data_dir=tmp_path / "data")
    path = tmp_path / "data" / SECRET_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert first.signing_key == again.signing_key == path.read_text().strip()
    assert first.signing_key not in repr(first) and first.signing_key not in str(first)


def test_without_a_data_dir_the_secret_sits_next_to_the_sqlite_database(tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'office.sqlite3'}")
    assert (tmp_path / SECRET_FILE).read_text().strip() == settings.signing_key


def test_a_secret_file_others_may_read_is_refused(tmp_path):
    Settings(environment="production", data_dir=tmp_path)
    (tmp_path / SECRET_FILE).chmod(0o644)
    with pytest.raises(ValidationError, match="chmod 600"):
        Settings(environment="production", data_dir=tmp_path)


def test_worker_processes_rebuild_the_same_secret(tmp_path, monkeypatch):
    parent = Settings(environment="production", data_dir=tmp_path, port=8421)
    for key, value in parent.as_environment().items():
        monkeypatch.setenv(key, value)
    child = Settings()
    assert (child.signing_key, child.port) == (parent.signing_key, 8421)


def test_tokens_signed_with_the_settings_secret_check_either_way(tmp_path):
    from server.security import issue_clerk_token, read_clerk_token

    settings = Settings(environment="production", data_dir=tmp_path)
    now = datetime.now(UTC)
    token, _ = issue_clerk_token(
        secret=settings.secret_key, clerk_id=6, site_id=1, role="admin", now=now, ttl_s=60
    )
    assert read_clerk_token(token, secret=settings.signing_key, now=now) is not None
    assert read_clerk_token(token, secret=DEV_SECRET, now=now) is None


def test_the_database_password_is_masked_where_the_url_is_shown(tmp_path):
    settings = Settings(
        environment="test", database_url="postgresql+psycopg://kolejka:hunter2-xyz@db/kolejka"
    )
    assert "hunter2-xyz" not in settings.database_shown
    assert settings.database_shown.endswith("@db/kolejka")
