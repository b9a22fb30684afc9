"""The `[printer]` section of a device's configuration, validated when it is read.

    [printer]
    kind = "network"        # usb | network | serial | cups | file | preview | dummy
    host = "10.0.0.7"       # network: the printer's address (port 9100 unless `port`)
    profile = "TM-T20II"    # a python-escpos printer profile: code pages, QR, cutter
    width_mm = 80           # paper width: 58 or 80
    text_mode = "auto"      # auto | codepage | raster

Per kind: usb needs `vendor_id` and `product_id` (numbers, or hex strings such as "04b8"
as lsusb prints them; endpoints
`usb_in_ep`/`usb_out_ep` where a printer differs from 0x82/0x01); serial needs `device`
(and `baudrate`); cups prints through the `lp` command to `queue` (the system's default
queue when unset); file writes the raw job to `path`; preview draws PNG images into
`preview_dir`; dummy keeps the bytes in memory. A key that is not known is refused, and
every error names the key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import platformdirs
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from printers.profiles import profile_names

Kind = Literal["usb", "network", "serial", "cups", "file", "preview", "dummy"]
TextMode = Literal["auto", "codepage", "raster"]

# Printable dots across the paper at 203 dpi (8 dots/mm): 48 mm of 58, 72 mm of 80.
DOTS_BY_WIDTH: dict[int, int] = {58: 384, 80: 576}
BAUDRATES = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)


def _usb_id(value: object) -> object:
    """A number as it is; a string as hex, the way lsusb and udev print ids ("04b8", "0x04b8")."""
    if isinstance(value, str):
        try:
            return int(value.strip(), 16)
        except ValueError:
            raise ValueError(f"{value!r} is not a USB id (e.g. 0x04b8)") from None
    return value


def _whole_number(value: object) -> object:
    """ "80" from a command line or an environment variable is 80."""
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return value


UsbId = Annotated[int, BeforeValidator(_usb_id), Field(ge=0, le=0xFFFF)]
Endpoint = Annotated[int, BeforeValidator(_usb_id), Field(ge=0, le=0xFF)]


def default_preview_dir() -> Path:
    return platformdirs.user_cache_path("kolejka") / "tickets"


class PrinterConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Kind
    # network
    host: str | None = Field(None, min_length=1)
    port: int = Field(9100, ge=1, le=65535)
    # usb
    vendor_id: UsbId | None = None
    product_id: UsbId | None = None
    usb_in_ep: Endpoint = 0x82
    usb_out_ep: Endpoint = 0x01
    # serial
    device: str | None = Field(None, min_length=1)
    baudrate: int = 9600
    # cups (through lp)
    queue: str | None = Field(None, min_length=1)
    # file
    path: Path | None = None
    # preview
    preview_dir: Path = Field(default_factory=default_preview_dir)

    profile: str = "TM-T20II"
    width_mm: Annotated[Literal[58, 80], BeforeValidator(_whole_number)] = 80
    text_mode: TextMode = "auto"
    timeout_s: float = Field(5.0, gt=0, le=120, description="Connecting and writing.")
    status_timeout_s: float = Field(
        1.0, gt=0, le=30, description="How long to wait for each status answer."
    )
    font_dir: Path | None = Field(
        None, description="Where DejaVuSansMono*.ttf are, if not in the system's font folder."
    )

    @field_validator("profile")
    @classmethod
    def _known_profile(cls, value: str) -> str:
        profiles = profile_names()
        if value not in profiles:
            raise ValueError(
                f"{value!r} is not a python-escpos printer profile; known: "
                + ", ".join(sorted(profiles))
            )
        return value

    @field_validator("baudrate")
    @classmethod
    def _known_baudrate(cls, value: int) -> int:
        if value not in BAUDRATES:
            raise ValueError(f"{value} is not one of {', '.join(map(str, BAUDRATES))}")
        return value

    @model_validator(mode="after")
    def _kind_has_its_settings(self) -> PrinterConfig:
        needed = {
            "network": ("host",),
            "usb": ("vendor_id", "product_id"),
            "serial": ("device",),
            "file": ("path",),
        }.get(self.kind, ())
        missing = [name for name in needed if getattr(self, name) is None]
        if missing:
            raise ValueError(f"{' and '.join(missing)} required when kind is {self.kind!r}")
        return self

    @property
    def dots(self) -> int:
        """Dots across the printable width of the paper."""
        return DOTS_BY_WIDTH[self.width_mm]
