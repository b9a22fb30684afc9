"""Server settings: one validated class, read from KOLEJKA_* environment variables.

Nothing else in the server reads the environment. Unsafe values (the development secret)
are refused outside development.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "development-only-secret-change-me-in-production"


def default_database_url() -> str:
    path = Path(user_data_dir("kolejka", appauthor=False)) / "kolejka.sqlite3"
    return f"sqlite:///{path}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KOLEJKA_", extra="ignore")

    environment: Literal["development", "production", "test"] = "development"
    database_url: str = Field(default_factory=default_database_url)
    host: str = "127.0.0.1"
    port: int = Field(8420, ge=1, le=65535)
    secret_key: str = DEV_SECRET
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

    @model_validator(mode="after")
    def _refuse_unsafe(self) -> Settings:
        if self.environment == "production" and self.secret_key == DEV_SECRET:
            raise ValueError("KOLEJKA_SECRET_KEY must be set in production")
        if self.environment == "production" and len(self.secret_key) < 32:
            raise ValueError("KOLEJKA_SECRET_KEY must be at least 32 characters in production")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
