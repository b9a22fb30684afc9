"""Server settings: one validated class, read from KOLEJKA_* environment variables.

Nothing else in the server reads the environment.

The secret that signs clerk tokens and booking codes is never a value anyone could know
from the source: outside tests the built-in one and the example file's placeholder are
refused, and when none is given the server generates one on first start and keeps it in
`<data_dir>/secret_key` (mode 0600), so it survives restarts and every worker reads the
same one. It is a `SecretStr`, so it shows as `**********` in logs and reprs.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from server.errors import SecretError

# Signs tokens in the test suite only; refused everywhere else.
DEV_SECRET = "development-only-secret-change-me-in-production"
SECRET_FILE = "secret_key"
MIN_SECRET_LENGTH = 32
# Values anyone can read in this repository (install/server.env.example): never accepted.
_PUBLIC_MARKERS = ("change-me", "changeme")


def default_database_url() -> str:
    path = Path(user_data_dir("kolejka", appauthor=False)) / "kolejka.sqlite3"
    return f"sqlite:///{path}"


class Settings(BaseSettings):
    # An error names the setting, never repeats what was given: that may be the secret.
    model_config = SettingsConfigDict(
        env_prefix="KOLEJKA_", extra="ignore", hide_input_in_errors=True
    )

    environment: Literal["development", "production", "test"] = "development"
    database_url: str = Field(default_factory=default_database_url)
    data_dir: Path | None = Field(
        None,
        description="Where the generated secret is kept (default: the SQLite database's "
        "directory, else the user's data directory).",
    )
    host: str = "127.0.0.1"
    port: int = Field(8420, ge=1, le=65535)
    secret_key: SecretStr = Field(
        SecretStr(""), description="Signs clerk tokens and booking codes; generated if empty."
    )
    site_config: Path | None = Field(None, description="TOML file with the sites to load.")
    public_base_url: str | None = Field(
        None, description="Where visitors' phones reach the server (the ticket QR code)."
    )
    clerk_token_ttl_s: int = Field(12 * 3600, ge=60)
    kiosk_rate_per_minute: int = Field(30, ge=1, description="Tickets per kiosk per minute.")
    recent_durations: int = Field(20, ge=3, description="Service durations in estimates.")
    event_backlog_limit: int = Field(
        10_000, ge=10, description="Beyond this many missed events a client gets a reset."
    )
    subscriber_queue: int = Field(1000, ge=10)
    worker_threads: int = Field(8, ge=1, le=200, description="Threads for blocking handlers.")
    log_level: str = "info"
    loop_probe: Path | None = Field(
        None, description="Benches only: where SIGUSR1 writes what held the event loop."
    )
    # The open queue feed and the public status page (docs/open-feed.md).
    open_feed_max_age_s: int = Field(
        5, ge=0, le=300, description="Seconds a site's open feed is reused before refreshing."
    )
    open_feed_rate_per_minute: int = Field(
        600, ge=1, description="Open-feed requests per client address per minute."
    )
    # Staff sign-in against the office's LDAP / Active Directory (server/directory.py).
    ldap_url: str | None = Field(
        None, description="ldap://dc.office.local or ldaps://…; empty: no directory sign-in."
    )
    ldap_sites: list[str] = Field(
        default_factory=list, description="Sites whose staff sign in with it (empty: all)."
    )
    ldap_user_dn: str | None = Field(
        None, description="Bind straight as the user: 'uid={username},ou=people,dc=…'."
    )
    ldap_base_dn: str | None = Field(None, description="Where to search for users and groups.")
    ldap_user_filter: str = Field(
        "(uid={username})", description="Search-then-bind; AD: (sAMAccountName={username})."
    )
    ldap_bind_dn: str | None = Field(None, description="The service account for the search.")
    ldap_bind_password: SecretStr | None = None
    ldap_group_base_dn: str | None = Field(None, description="Where groups are (default: base).")
    ldap_admin_group: str | None = Field(None, description="A group's DN: its members are admins.")
    ldap_supervisor_group: str | None = None
    ldap_clerk_group: str | None = None
    ldap_start_tls: bool = False
    ldap_timeout_s: float = Field(5.0, gt=0, le=60)
    # Notifications (server/sender.py): e-mail over SMTP, SMS through an HTTP gateway, or
    # both into a folder (the demo). Nothing configured: messages wait in the outbox.
    smtp_host: str | None = Field(None, description="Mail server; unset: no e-mail.")
    smtp_port: int = Field(587, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr = SecretStr("")
    smtp_starttls: bool = Field(True, description="STARTTLS after connecting (port 587).")
    smtp_implicit_tls: bool = Field(False, description="TLS from the start (port 465).")
    smtp_ca_file: Path | None = Field(None, description="CA certificates for the mail server.")
    smtp_from: str = Field("kolejka@localhost", max_length=254)
    smtp_timeout_s: float = Field(60.0, gt=0, le=600)
    smtp_connections: int = Field(4, ge=1, le=200)
    sms_gateway: Literal["none", "smsapi", "webhook"] = "none"
    sms_url: str | None = Field(None, description="SMSAPI base URL, or the webhook's URL.")
    sms_token: SecretStr = SecretStr("")
    sms_sender: str | None = Field(None, max_length=11, description="Registered sender name.")
    outbox_dir: Path | None = Field(
        None, description="Write every notification into this folder instead (the demo)."
    )
    sender: Literal["child", "separate"] = Field(
        "child",
        description="child: `kolejka server` runs `kolejka sender` as a process of its own and "
        "restarts it; separate: you run `kolejka sender` yourself (e.g. its own service).",
    )
    sender_concurrency: int = Field(8, ge=1, le=500, description="Messages sent at once.")
    sender_rate_per_s: float = Field(
        0.0, ge=0, le=10_000, description="Deliveries started per second, evenly (0: no limit)."
    )
    sender_poll_s: float = Field(1.0, gt=0, le=600)
    sender_reminder_s: float = Field(60.0, gt=0, le=3600, description="Reminder scan interval.")
    stats_rollup_s: float = Field(
        60.0, ge=0, le=3600, description="Statistics roll-up interval (0: only when read)."
    )
    booking_posts_per_minute: int = Field(
        30, ge=1, description="Booking forms sent per network address per minute."
    )

    @model_validator(mode="after")
    def _resolve_secret(self) -> Settings:
        given = self.secret_key.get_secret_value()
        if self.environment == "test":
            self.secret_key = SecretStr(given or DEV_SECRET)
        elif given:
            check_secret(given, "KOLEJKA_SECRET_KEY")
        else:
            self.secret_key = SecretStr(load_or_create_secret(self.secret_dir / SECRET_FILE))
        return self

    @property
    def signing_key(self) -> str:
        """The secret itself, for the code that signs and checks tokens."""
        return self.secret_key.get_secret_value()

    @property
    def secret_dir(self) -> Path:
        if self.data_dir is not None:
            return self.data_dir
        if self.is_sqlite and self.database_url.startswith("sqlite:///"):
            path = self.database_url.removeprefix("sqlite:///").split("?", 1)[0]
            if path and path != ":memory:":
                return Path(path).parent
        return Path(user_data_dir("kolejka", appauthor=False))

    @property
    def database_shown(self) -> str:
        """The database URL for the log: a password in it is masked."""
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            return make_url(self.database_url).render_as_string(hide_password=True)
        except ArgumentError:
            return "(not a database URL)"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def as_environment(self) -> dict[str, str]:
        """KOLEJKA_* variables that rebuild these settings in another process (workers)."""
        env = {}
        for key, value in self.model_dump(exclude_none=True).items():
            text = value.get_secret_value() if isinstance(value, SecretStr) else str(value)
            env[f"KOLEJKA_{key.upper()}"] = text
        return env


def check_secret(secret: str, source: str) -> None:
    """Refuse a secret that is public (built in, or copied from an example) or short."""
    lowered = secret.lower()
    if secret == DEV_SECRET or any(marker in lowered for marker in _PUBLIC_MARKERS):
        raise SecretError(
            f"{source} is a published example value; set a random one "
            "(python3 -c 'import secrets; print(secrets.token_urlsafe(48))') "
            "or leave it unset to have one generated"
        )
    if len(secret) < MIN_SECRET_LENGTH:
        raise SecretError(f"{source} must be at least {MIN_SECRET_LENGTH} characters")


def load_or_create_secret(path: Path) -> str:
    """The secret kept in `path`, generated there (mode 0600) on first use.

    Published with a hard link from a private temporary file, so processes starting
    together agree on one secret and none reads a half-written file."""
    try:
        return _load_or_create(path)
    except OSError as exc:
        raise SecretError(f"cannot keep the generated secret in {path}: {exc}") from None


def _load_or_create(path: Path) -> str:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "w", encoding="ascii") as handle:
                handle.write(secrets.token_urlsafe(48) + "\n")
            with contextlib.suppress(FileExistsError):  # another process was first
                os.link(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise SecretError(
            f"{path} may be read by other users (mode {mode:04o}); "
            f"run `chmod 600 {path}` and consider replacing the secret"
        )
    secret = path.read_text(encoding="ascii").strip()
    check_secret(secret, str(path))
    return secret
