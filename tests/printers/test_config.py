from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from printers.config import PrinterConfig


def test_defaults_fit_an_80mm_epson():
    config = PrinterConfig(kind="dummy")
    assert (config.profile, config.width_mm, config.text_mode, config.port) == (
        "TM-T20II",
        80,
        "auto",
        9100,
    )
    assert config.dots == 576
    assert PrinterConfig(kind="dummy", width_mm=58).dots == 384


def test_settings_given_as_text_are_read_as_numbers():
    config = PrinterConfig.model_validate(
        {"kind": "network", "host": "printer.local", "port": "9101", "width_mm": "58"}
    )
    assert (config.port, config.width_mm) == (9101, 58)


def test_preview_has_a_default_folder():
    assert isinstance(PrinterConfig.model_validate({"kind": "preview"}).preview_dir, Path)


@pytest.mark.parametrize(
    ("value", "expected"), [("04b8", 0x04B8), ("0x0e15", 0x0E15), (1208, 1208), ("0416", 0x0416)]
)
def test_usb_ids_read_as_lsusb_prints_them(value, expected):
    config = PrinterConfig(kind="usb", vendor_id=value, product_id=value)
    assert config.vendor_id == expected


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "network"}, "host"),
        ({"kind": "usb", "vendor_id": "04b8"}, "product_id"),
        ({"kind": "serial"}, "device"),
        ({"kind": "file"}, "path"),
        ({"kind": "usb", "vendor_id": "zz", "product_id": 1}, "vendor_id"),
        ({"kind": "usb", "vendor_id": 70000, "product_id": 1}, "vendor_id"),
        ({"kind": "network", "host": "p", "port": 0}, "port"),
        ({"kind": "serial", "device": "/dev/ttyS0", "baudrate": 1234}, "baudrate"),
        ({"kind": "dummy", "profile": "TM-XYZ"}, "profile"),
        ({"kind": "dummy", "width_mm": 70}, "width_mm"),
        ({"kind": "dummy", "text_mode": "ascii"}, "text_mode"),
        ({"kind": "dummy", "timeout_s": 0}, "timeout_s"),
        ({"kind": "laser"}, "kind"),
        ({"kind": "dummy", "hots": "10.0.0.7"}, "hots"),
    ],
)
def test_errors_name_the_key(data, field):
    with pytest.raises(ValidationError) as caught:
        PrinterConfig.model_validate(data)
    assert field in str(caught.value)


def test_network_config_from_toml_table():
    import tomllib

    table = tomllib.loads('[printer]\nkind = "network"\nhost = "10.0.0.7"\nwidth_mm = 58\n')
    config = PrinterConfig.model_validate(table["printer"])
    assert (config.host, config.port, config.width_mm) == ("10.0.0.7", 9100, 58)
