"""The preview backend: each ticket becomes a PNG of exactly what the paper would show.

The picture is the printer's dot grid (384 dots across for 58 mm paper, 576 for 80 mm),
1-bit black on white, drawn from the same layout the ESC/POS writer prints, with the real
QR code. The demo and the tests print here; an office can use it to try a configuration
before a printer arrives.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

from printers.base import PrintResult, TicketPrinter
from printers.config import PrinterConfig
from printers.errors import PrintFailed
from printers.fonts import find_fonts
from printers.layout import ticket_layout
from printers.raster import render_layout
from printers.status import PrinterStatus
from printers.ticket import TicketPrint


class PreviewTicketPrinter(TicketPrinter):
    def __init__(self, config: PrinterConfig) -> None:
        super().__init__()
        self.config = config
        self.directory = config.preview_dir
        self.fonts = find_fonts(config.font_dir)

    def _print(self, ticket: TicketPrint) -> PrintResult:
        image = render_layout(ticket_layout(ticket, self.config.width_mm), self.fonts)
        stem = f"{ticket.issued_at:%Y%m%d-%H%M%S}-{ticket.number}"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            path, fh = self._new_file(stem)
            with fh:
                image.save(fh, format="PNG")
        except OSError as exc:
            raise PrintFailed(
                f"cannot write the ticket preview into {self.directory}: {exc}"
            ) from exc
        return PrintResult(ticket.number, image_path=path)

    def _new_file(self, stem: str) -> tuple[Path, BinaryIO]:
        for n in range(1, 1000):
            path = self.directory / (f"{stem}.png" if n == 1 else f"{stem}-{n}.png")
            try:
                return path, path.open("xb")  # never overwrite an earlier ticket
            except FileExistsError:
                continue
        raise OSError(f"too many tickets named {stem}")

    def _status(self) -> PrinterStatus:
        # The "paper" is the folder: the preview can print while it can write there.
        directory: Path = self.directory
        while not directory.exists() and directory != directory.parent:
            directory = directory.parent
        writable = directory.is_dir() and os.access(directory, os.W_OK | os.X_OK)
        return PrinterStatus.ONLINE if writable else PrinterStatus.OFFLINE

    def _close(self) -> None:
        """Nothing stays open between tickets."""
