from __future__ import annotations

import pytest

from printers import PrinterConfig, PrinterConfigError, TicketPrinter, open_printer
from printers.escpos_printer import EscposTicketPrinter
from printers.preview import PreviewTicketPrinter
from tests.printers.support import ticket


@pytest.mark.parametrize(
    ("config", "kind"),
    [
        (PrinterConfig(kind="preview"), PreviewTicketPrinter),
        (PrinterConfig(kind="dummy"), EscposTicketPrinter),
        (PrinterConfig(kind="network", host="127.0.0.1"), EscposTicketPrinter),
        (PrinterConfig(kind="serial", device="/dev/ttyS0"), EscposTicketPrinter),
        (PrinterConfig(kind="usb", vendor_id="04b8", product_id="0e15"), EscposTicketPrinter),
        (PrinterConfig(kind="file", path="/dev/usb/lp0"), EscposTicketPrinter),
    ],
)
def test_open_printer_builds_the_configured_kind_without_touching_it(config, kind):
    printer = open_printer(config)
    assert isinstance(printer, kind) and isinstance(printer, TicketPrinter)
    printer.close()


def test_printer_columns_follow_what_the_model_can_print():
    narrow = open_printer(PrinterConfig(kind="dummy", profile="TM-T88V"))  # 512 dots
    assert isinstance(narrow, EscposTicketPrinter) and narrow.columns == 42
    wide = open_printer(PrinterConfig(kind="dummy", profile="TM-T20II"))
    assert isinstance(wide, EscposTicketPrinter) and wide.columns == 48


@pytest.mark.parametrize("kind", ["preview", "dummy"])
def test_a_font_folder_without_the_font_is_refused_at_start(tmp_path, kind):
    with pytest.raises(PrinterConfigError) as caught:
        open_printer(PrinterConfig(kind=kind, font_dir=tmp_path, text_mode="raster"))
    assert "font_dir" in str(caught.value)


def test_code_page_mode_needs_no_font(tmp_path):
    printer = open_printer(PrinterConfig(kind="dummy", font_dir=tmp_path, text_mode="codepage"))
    assert printer.print_ticket(ticket()).data


def test_printer_is_a_context_manager(tmp_path):
    with open_printer(PrinterConfig(kind="preview", preview_dir=tmp_path)) as printer:
        assert printer.print_ticket(ticket()).image_path is not None
