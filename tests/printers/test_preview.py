"""Print to the preview backend, then read the picture as a visitor's phone would."""

from __future__ import annotations

import pytest
from PIL import Image

from printers import PrinterConfig, PrinterStatus, PrintFailed, open_printer
from printers.preview import PreviewTicketPrinter
from tests.printers.qr_reader import decode_qr
from tests.printers.support import STATUS_URL, ticket


@pytest.mark.parametrize("language", ["pl", "en", "ru", "uk"])
@pytest.mark.parametrize(("width", "dots"), [(58, 384), (80, 576)])
def test_round_trip_qr_code_opens_the_tickets_status_page(tmp_path, language, width, dots):
    printer = open_printer(PrinterConfig(kind="preview", preview_dir=tmp_path, width_mm=width))
    assert isinstance(printer, PreviewTicketPrinter)
    result = printer.print_ticket(ticket(language=language))
    assert result.number == "A007"
    assert result.image_path is not None and result.image_path.parent == tmp_path
    with Image.open(result.image_path) as image:
        assert image.width == dots
        assert image.mode == "1"
        assert image.height > image.width  # a strip of paper
    assert decode_qr(result.image_path) == [STATUS_URL]


def test_tickets_never_overwrite_each_other(tmp_path):
    printer = open_printer(PrinterConfig(kind="preview", preview_dir=tmp_path / "new"))
    first = printer.print_ticket(ticket()).image_path
    second = printer.print_ticket(ticket()).image_path
    assert first is not None and second is not None and first != second
    assert first.name == "20261124-103100-A007.png"
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == [
        "20261124-103100-A007-2.png",
        "20261124-103100-A007.png",
    ]


def test_preview_is_online_while_it_can_write(tmp_path):
    assert (
        open_printer(PrinterConfig(kind="preview", preview_dir=tmp_path / "a" / "b")).status()
        is PrinterStatus.ONLINE
    )


def test_preview_that_cannot_write_is_offline_and_fails_typed(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    printer = open_printer(PrinterConfig(kind="preview", preview_dir=blocker / "tickets"))
    assert printer.status() is PrinterStatus.OFFLINE
    with pytest.raises(PrintFailed) as caught:
        printer.print_ticket(ticket())
    assert caught.value.reason_code == "print_failed"
