"""The example configurations in install/ are what an office copies: they must load."""

from __future__ import annotations

from pathlib import Path

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
