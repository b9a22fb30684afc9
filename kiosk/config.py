"""The kiosk's configuration: a TOML file and/or command-line options, validated at start.

    server = "http://10.0.0.5:8420"
    site = "demo"
    token = "demo-kiosk-token-0001"
    public_url = "https://kolejka.example.gov.pl"   # for the QR on the ticket
    idle_timeout_s = 45
    priority_enabled = true
    languages = ["pl", "en", "uk", "ru"]

    [printer]
    kind = "network"
    host = "10.0.0.7"

A typo in a key is refused rather than ignored: a kiosk that silently runs with a default
it was not meant to have is worse than one that does not start.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kiosk.errors import KioskConfigError
from kolejka.configfile import read_toml, validated
from kolejka.schemas import Language

DEFAULT_LANGUAGES: tuple[Language, ...] = ("pl", "en", "uk", "ru")


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{value!r} is not an http(s) URL")
    return value.rstrip("/")


class KioskConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    server: str = Field(description="The Kolejka server's base URL.")
    site: str = Field(min_length=1)
    token: str = Field(min_length=1, description="This kiosk's device token.")
    public_url: str | None = Field(
        None, description="Base of the ticket status link in the QR code (default: server)."
    )
    site_name: str | None = Field(None, description="Shown at the top (default: the server's).")
    timezone: str = "Europe/Warsaw"
    languages: tuple[Language, ...] = DEFAULT_LANGUAGES
    priority_enabled: bool = True
    idle_timeout_s: float = Field(45.0, ge=5, le=3600)
    confirmation_s: float = Field(10.0, ge=2, le=120)
    refresh_s: float = Field(15.0, gt=0, le=3600, description="Services refresh interval.")
    retry_s: float = Field(5.0, gt=0, le=600, description="Retry interval while offline.")
    printer_poll_s: float = Field(30.0, gt=0, le=3600)
    scanner_gap_ms: int = Field(80, ge=10, le=5000)
    read_aloud_sink: str = Field(
        "auto",
        description="Where read aloud speaks: auto (the sound output), null, wav:<folder>.",
    )
    fullscreen: bool = False
    large_text: bool = False
    printer: dict[str, Any] = Field(default_factory=lambda: {"kind": "preview"})

    @field_validator("server", "public_url")
    @classmethod
    def _urls(cls, value: str | None) -> str | None:
        return None if value is None else _http_url(value)

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("read_aloud_sink")
    @classmethod
    def _sink(cls, value: str) -> str:
        if value in ("auto", "null") or (value.startswith("wav:") and len(value) > 4):
            return value
        raise ValueError(f"read_aloud_sink must be auto, null or wav:<folder>, not {value!r}")

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: tuple[Language, ...]) -> tuple[Language, ...]:
        if not value or len(set(value)) != len(value):
            raise ValueError("languages must list at least one language, each once")
        return value

    @property
    def status_base(self) -> str:
        return self.public_url or self.server


def load_config(path: Path, **overrides: Any) -> KioskConfig:
    """Read `path` (TOML), apply the non-None `overrides` (command-line options), validate."""
    data = read_toml(path, "kiosk configuration", KioskConfigError)
    data.update({key: value for key, value in overrides.items() if value is not None})
    return make_config(data, source=str(path))


def make_config(data: dict[str, Any], source: str = "options") -> KioskConfig:
    return validated(KioskConfig, data, "kiosk configuration", source, KioskConfigError)
