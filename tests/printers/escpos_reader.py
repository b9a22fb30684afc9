"""An ESC/POS reader written from the command reference, independent of python-escpos.

It walks a job's bytes and says what a printer would do: the text of each line (decoded
with the code page the job selected, by Epson's ESC t numbering), the character size and
weight in force, raster images (GS v 0) as pictures, QR codes (GS ( k), feeds and cuts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image, ImageOps

# ESC t n → Python codec, for the pages the tests meet (Epson numbering).
CODE_PAGES = {
    0: "cp437",
    2: "cp850",
    16: "cp1252",
    17: "cp866",
    18: "cp852",
    39: "iso8859_2",
    44: "cp1125",
    45: "cp1250",
    46: "cp1251",
}


@dataclass
class Line:
    text: str
    page: int
    width: int
    height: int
    bold: bool
    align: int
    invert: bool


@dataclass
class Job:
    lines: list[Line] = field(default_factory=list)
    images: list[Image.Image] = field(default_factory=list)
    qr_codes: list[str] = field(default_factory=list)
    qr_sizes: list[int] = field(default_factory=list)
    cuts: list[bytes] = field(default_factory=list)
    page_switches: list[int] = field(default_factory=list)
    initialised: bool = False
    order: list[str] = field(default_factory=list)  # "text", "image", "qr", "cut"

    @property
    def texts(self) -> list[str]:
        return [line.text for line in self.lines]


def read_job(data: bytes) -> Job:
    job = Job()
    page, width, height, bold, align, invert = 0, 1, 1, False, 0, False
    text = bytearray()
    qr_data = b""

    def end_line() -> None:
        job.lines.append(
            Line(bytes(text).decode(CODE_PAGES[page]), page, width, height, bold, align, invert)
        )
        job.order.append("text")
        text.clear()

    i = 0
    while i < len(data):
        b = data[i]
        if b == 0x0A:
            if text:
                end_line()
            i += 1
        elif data.startswith(b"\x1b@", i):
            job.initialised, page = True, 0
            i += 2
        elif data.startswith(b"\x1bE", i):
            bold = bool(data[i + 2])
            i += 3
        elif data.startswith(b"\x1ba", i):
            align = data[i + 2]
            i += 3
        elif data.startswith(b"\x1bt", i):
            page = data[i + 2]
            job.page_switches.append(page)
            i += 3
        elif data.startswith(b"\x1bd", i):
            i += 3
        elif data.startswith(b"\x1dB", i):
            invert = bool(data[i + 2])
            i += 3
        elif data.startswith(b"\x1d!", i):
            n = data[i + 2]
            width, height = (n >> 4) + 1, (n & 0x0F) + 1
            i += 3
        elif data.startswith(b"\x1dv0", i):
            x_bytes = data[i + 4] + 256 * data[i + 5]
            rows = data[i + 6] + 256 * data[i + 7]
            start = i + 8
            raster = data[start : start + x_bytes * rows]
            dots = Image.frombytes("1", (x_bytes * 8, rows), raster)  # 1 = a burnt dot
            job.images.append(ImageOps.invert(dots.convert("L")).convert("1"))
            job.order.append("image")
            i = start + x_bytes * rows
        elif data.startswith(b"\x1d(k", i):
            length = data[i + 3] + 256 * data[i + 4]
            body = data[i + 5 : i + 5 + length]
            cn, fn = body[0], body[1]
            if cn == 0x31 and fn == 0x43:
                job.qr_sizes.append(body[2])
            if cn == 0x31 and fn == 0x50:
                qr_data = body[3:]
            if cn == 0x31 and fn == 0x51:
                job.qr_codes.append(qr_data.decode("utf-8"))
                job.order.append("qr")
            i += 5 + length
        elif data.startswith(b"\x1dV", i):
            mode = data[i + 2]
            size = 4 if mode in (65, 66) else 3
            job.cuts.append(data[i : i + size])
            job.order.append("cut")
            i += size
        elif b < 0x20:
            raise ValueError(f"unexpected control byte {b:#04x} at {i}: {data[i : i + 8]!r}")
        else:
            text.append(b)
            i += 1
    if text:
        end_line()
    return job
