"""Layouts as pictures: text lines as a thermal printer prints them, the QR code, a ticket.

The same drawing serves two ends: the ESC/POS writer sends a line's picture to printers
that have no code page for its letters, and the preview backend stacks the pictures of a
whole layout into the PNG a visitor would get. Pictures are 1-bit, black on white, one
pixel per printer dot; a character takes a Font A cell (12 x 24 dots, magnified).
"""

from __future__ import annotations

import qrcode
from PIL import Image, ImageDraw
from qrcode.constants import ERROR_CORRECT_M

from printers.fonts import FontFiles
from printers.layout import Cut, Feed, Layout, QRCode, Separator, TextLine

CELL_W, CELL_H = 12, 24
LINE_GAP = 6  # dots between lines: the printers' default 30-dot pitch for a 24-dot font
FONT_SIZE_PER_CELL = 20  # DejaVu Sans Mono at 20 px advances 12 px: one Font A cell
TOP_MARGIN = 24
CUT_FEED = 72  # paper fed past the last line before the cutter


def render_text_line(line: TextLine, dots: int, fonts: FontFiles) -> Image.Image:
    """The line across the full `dots` width, aligned, with the gap below it."""
    height = CELL_H * line.height
    canvas = Image.new("L", (dots, height + LINE_GAP), 255)
    ink, paper = (255, 0) if line.invert else (0, 255)
    if line.text:
        # Draw at the cell height, then squeeze or stretch across to the cell width, as a
        # printer's width magnification does.
        magnified = line.width > 1 or line.height > 1
        font = fonts.font(
            bold=line.bold, size=FONT_SIZE_PER_CELL * line.height, magnified=magnified
        )
        ascent, descent = font.getmetrics()
        natural = max(1, round(font.getlength(line.text)))
        drawn = Image.new("L", (natural, height), paper)
        baseline = (height - (ascent + descent)) // 2 + ascent
        ImageDraw.Draw(drawn).text((0, baseline), line.text, font=font, fill=ink, anchor="ls")
        target = min(dots, len(line.text) * CELL_W * line.width)
        glyphs = drawn.resize((target, height), Image.Resampling.LANCZOS)
        x = {"left": 0, "center": (dots - target) // 2, "right": dots - target}[line.align]
        canvas.paste(glyphs, (x, 0))
    return _one_bit(canvas)


def render_qr(data: str, module: int) -> Image.Image:
    """The QR code as the printer draws it: error correction M, `module` dots per module."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=module, border=0)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix) * module
    image = Image.new("1", (size, size), 1)
    draw = ImageDraw.Draw(image)
    for row, cells in enumerate(matrix):
        for col, dark in enumerate(cells):
            if dark:
                x, y = col * module, row * module
                draw.rectangle((x, y, x + module - 1, y + module - 1), fill=0)
    return image


def render_qr_line(data: str, module: int, dots: int) -> Image.Image:
    """The QR code centred across the full width, with a line's gap below."""
    code = render_qr(data, module)
    canvas = Image.new("1", (dots, code.height + LINE_GAP), 1)
    canvas.paste(code, ((dots - code.width) // 2, 0))
    return canvas


def render_layout(layout: Layout, fonts: FontFiles) -> Image.Image:
    """The whole ticket as printed: paper `layout.dots` wide, cut after the last line."""
    dots = layout.dots
    parts: list[Image.Image] = [Image.new("1", (dots, TOP_MARGIN), 1)]
    for element in layout:
        match element:
            case TextLine():
                parts.append(render_text_line(element, dots, fonts))
            case Separator(char=char):
                rule = TextLine(char * layout.columns, align="left")
                parts.append(render_text_line(rule, dots, fonts))
            case Feed(lines=lines):
                parts.append(Image.new("1", (dots, lines * (CELL_H + LINE_GAP)), 1))
            case QRCode(data=data, module=module):
                parts.append(render_qr_line(data, module, dots))
            case Cut():
                parts.append(Image.new("1", (dots, CUT_FEED), 1))
    ticket = Image.new("1", (dots, sum(p.height for p in parts)), 1)
    y = 0
    for part in parts:
        ticket.paste(part, (0, y))
        y += part.height
    return ticket


def _one_bit(image: Image.Image) -> Image.Image:
    """Threshold (no dithering): a thermal head burns a dot or it does not."""
    return image.point(lambda v: 255 if v >= 128 else 0).convert("1", dither=Image.Dither.NONE)
