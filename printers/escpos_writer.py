"""A `Layout` as ESC/POS commands, through python-escpos, for one printer profile.

`build_job()` writes the whole ticket into python-escpos's in-memory `Dummy` printer and
returns the bytes; the connections then send them in one piece. Text goes out in a code
page of the profile where one holds the whole line (`text_mode` "auto" or "codepage"),
otherwise as a picture of the line (`text_mode` "raster", or "auto" without a page). The QR
code is the printer's own (GS ( k) where the profile has it, a picture where it does not.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from escpos.constants import QR_ECLEVEL_M
from escpos.escpos import Escpos
from escpos.printer import Dummy

from printers.config import TextMode
from printers.encoding import CodePageChooser
from printers.errors import TextNotPrintable
from printers.fonts import FontFiles, find_fonts
from printers.layout import Cut, Feed, Layout, QRCode, Separator, TextLine
from printers.profiles import code_pages, load_profile, supports
from printers.raster import render_qr_line, render_text_line

INIT = b"\x1b@"  # ESC @: forget any state a previous job left behind


class EscposWriter:
    def __init__(
        self, printer: Escpos, *, text_mode: TextMode, font_dir: Path | None = None
    ) -> None:
        self.printer = printer
        self.text_mode = text_mode
        self.font_dir = font_dir
        profile = printer.profile
        self.chooser = CodePageChooser(code_pages(profile))
        self.native_qr = supports(profile, "qrCode")
        self.image_impl = next(
            (
                impl
                for impl in ("bitImageRaster", "graphics", "bitImageColumn")
                if supports(profile, impl)
            ),
            "bitImageRaster",
        )
        self._fonts: FontFiles | None = None

    @property
    def fonts(self) -> FontFiles:
        if self._fonts is None:
            self._fonts = find_fonts(self.font_dir)
        return self._fonts

    def write(self, layout: Layout) -> None:
        p = self.printer
        p._raw(INIT)
        for element in layout:
            match element:
                case TextLine():
                    self._text(element, layout.dots)
                case Separator(char=char):
                    self._text(TextLine(char * layout.columns, align="left"), layout.dots)
                case Feed(lines=lines):
                    p.set(custom_size=True, width=1, height=1)
                    p._raw(b"\n" * lines)
                case QRCode():
                    self._qr(element, layout.dots)
                case Cut():
                    p.cut()

    def _text(self, line: TextLine, dots: int) -> None:
        p = self.printer
        encoded = None if self.text_mode == "raster" else self.chooser.choose(line.text)
        if encoded is None:
            if self.text_mode == "codepage":
                raise TextNotPrintable(
                    f"no code page of profile {p.profile.profile_data.get('name')!r} "
                    f"holds every letter of {line.text!r}"
                )
            self._image(render_text_line(line, dots, self.fonts))
            return
        p.set(
            align=line.align,
            bold=line.bold,
            invert=line.invert,
            custom_size=True,
            width=line.width,
            height=line.height,
        )
        if encoded.page is None:
            p._raw(encoded.text.encode("ascii"))
        else:
            p.charcode(encoded.page)
            p.text(encoded.text)
        p._raw(b"\n")
        if line.bold or line.invert:
            p.set(bold=False, invert=False)

    def _qr(self, qr: QRCode, dots: int) -> None:
        p = self.printer
        if self.native_qr:
            p.set(align="center")
            p.qr(qr.data, ec=QR_ECLEVEL_M, size=qr.module, native=True)
            p._raw(b"\n")
        else:
            self._image(render_qr_line(qr.data, qr.module, dots))

    def _image(self, picture: Any) -> None:
        self.printer.set(align="left")
        self.printer.image(picture, impl=self.image_impl)


def build_job(
    layout: Layout, *, profile: str, text_mode: TextMode, font_dir: Path | None = None
) -> bytes:
    """The ESC/POS bytes that print `layout` on a printer with python-escpos `profile`."""
    dummy = Dummy(profile=profile)
    dummy.profile = load_profile(profile, layout.dots)  # python-escpos takes names only
    EscposWriter(dummy, text_mode=text_mode, font_dir=font_dir).write(layout)
    return bytes(dummy.output)
