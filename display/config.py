"""The hall display's configuration: a TOML file and/or command-line options.

    server = "http://10.0.0.5:8420"
    site = "demo"
    token = "demo-display-token-0002"
    zone = "5-8"                 # or [5, 6, 7, 8]; leave out for every counter
    fullscreen = true
    portrait = false             # leave out to follow the screen's shape
    history = 6                  # previous calls under the newest one
    languages = ["en", "uk", "ru"]   # rotating beside Polish

    [ticker]                     # replaces the office's messages on this screen only
    pl = "Kasa jest na parterze."
    en = "The cashier's desk is on the ground floor."

    [speech]
    engine = "tts"               # tts | clips | off
    clips = "/srv/kolejka/clips" # recorded words, with engine = "clips"
    sink = "auto"                # auto | null | wav:<folder>

A typo in a key is refused rather than ignored: a display that silently runs without its
zone would call the wrong hall.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from display.board import DEFAULT_HISTORY, parse_zone
from kolejka.configfile import read_toml, validated
from kolejka.schemas import Language

DEFAULT_LANGUAGES: tuple[Language, ...] = ("en", "uk", "ru")


class DisplayConfigError(ValueError):
    """The display's configuration file or options are unusable; the message says why."""


class SpeechSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    engine: Literal["tts", "clips", "off"] = "tts"
    clips: Path | None = Field(None, description="Folder of recorded clips (engine 'clips').")
    sink: str = Field("auto", description="auto | null | wav:<folder> (write WAV files).")

    @field_validator("sink")
    @classmethod
    def _sink(cls, value: str) -> str:
        if value in ("auto", "null") or (value.startswith("wav:") and len(value) > 4):
            return value
        raise ValueError(f"sink must be 'auto', 'null' or 'wav:<folder>', not {value!r}")

    @model_validator(mode="after")
    def _clips_need_a_folder(self) -> SpeechSettings:
        if self.engine == "clips" and self.clips is None:
            raise ValueError("engine 'clips' needs 'clips', the folder of recordings")
        return self


class DisplayConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    server: str = Field(description="The Kolejka server's base URL.")
    site: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")
    token: str = Field(min_length=1, description="This display's device token.")
    zone: frozenset[int] | None = Field(None, description="Counters shown; None = all.")
    fullscreen: bool = False
    portrait: bool | None = None
    history: int = Field(DEFAULT_HISTORY, ge=0, le=12)
    languages: tuple[Language, ...] = DEFAULT_LANGUAGES
    ticker: dict[Language, str] | None = None
    speech: SpeechSettings = Field(default_factory=SpeechSettings)

    @field_validator("server")
    @classmethod
    def _server(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value.rstrip("/")

    @field_validator("zone", mode="before")
    @classmethod
    def _zone(cls, value: Any) -> frozenset[int] | None:
        if value is None or isinstance(value, frozenset):
            return value
        if isinstance(value, int):
            value = [value]
        return parse_zone(value)

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: tuple[Language, ...]) -> tuple[Language, ...]:
        if len(set(value)) != len(value):
            raise ValueError("languages must list each language once")
        return value


def load_config(path: Path, **overrides: Any) -> DisplayConfig:
    """Read `path` (TOML), apply the non-None `overrides` (command-line options), validate."""
    data = read_toml(path, "display configuration", DisplayConfigError)
    speech = overrides.pop("speech", None)
    data.update({key: value for key, value in overrides.items() if value is not None})
    if speech:
        data["speech"] = {**data.get("speech", {}), **speech}
    return make_config(data, source=str(path))


def make_config(data: dict[str, Any], source: str = "options") -> DisplayConfig:
    return validated(DisplayConfig, data, "display configuration", source, DisplayConfigError)
