from __future__ import annotations

import pytest
from PIL import Image

from printers.fonts import find_fonts
from printers.layout import TextLine, ticket_layout
from printers.raster import CELL_H, LINE_GAP, render_layout, render_qr, render_text_line
from tests.printers.qr_reader import decode_qr
from tests.printers.support import STATUS_URL, ticket

FONTS = find_fonts()


def ink_box(image: Image.Image) -> tuple[int, int, int, int] | None:
    """The bounding box of the black dots."""
    return Image.eval(image.convert("L"), lambda v: 255 - v).getbbox()


@pytest.mark.parametrize("text", ["Zażółć gęślą jaźń", "Ваш номер", "Ваш номер талона"])
def test_a_line_is_one_bit_full_width_and_cell_high(text):
    image = render_text_line(TextLine(text), 576, FONTS)
    assert image.mode == "1"
    assert image.size == (576, CELL_H + LINE_GAP)
    box = ink_box(image)
    assert box is not None
    left, _, right, _ = box
    assert right - left <= len(text) * 12 and right - left > len(text) * 8


def test_magnified_text_takes_magnified_cells():
    image = render_text_line(TextLine("A007", width=7, height=7, bold=True), 576, FONTS)
    assert image.height == 7 * CELL_H + LINE_GAP
    box = ink_box(image)
    assert box is not None
    left, top, right, bottom = box
    assert 4 * 84 * 0.8 < right - left <= 4 * 84
    assert bottom - top > 7 * CELL_H * 0.6


@pytest.mark.parametrize(("align", "side"), [("left", "left"), ("right", "right")])
def test_alignment_puts_the_text_at_its_side(align, side):
    box = ink_box(render_text_line(TextLine("ABC", align=align), 384, FONTS))
    assert box is not None
    left, _, right, _ = box
    if side == "left":
        assert left < 12
    else:
        assert right > 384 - 12


def test_inverted_text_is_white_on_black():
    image = render_text_line(TextLine(" Bilet priorytetowy ", invert=True), 576, FONTS)
    band = image.crop((150, 2, 426, CELL_H - 2)).convert("L")
    histogram = band.histogram()
    assert histogram[0] > histogram[255]  # mostly black


def test_qr_picture_decodes_to_its_data(tmp_path):
    path = tmp_path / "qr.png"
    code = render_qr(STATUS_URL, 6)
    assert code.width % 6 == 0
    paper = Image.new("1", (code.width + 48, code.height + 48), 1)
    paper.paste(code, (24, 24))
    paper.save(path)
    assert decode_qr(path) == [STATUS_URL]


def test_a_ticket_picture_is_the_printers_dot_width():
    assert render_layout(ticket_layout(ticket(), 58), FONTS).width == 384
    assert render_layout(ticket_layout(ticket(), 80), FONTS).width == 576


def test_the_big_number_has_a_plain_zero_not_a_dotted_one():
    # The middle of a magnified "0" is paper: DejaVu Sans Mono's dotted zero would ink it.
    image = render_text_line(TextLine("0", width=6, height=6, bold=True), 576, find_fonts())
    grey = image.convert("L")
    box = Image.eval(grey, lambda v: 255 - v).getbbox()
    assert box is not None
    left, top, right, bottom = box
    middle = grey.getpixel(((left + right) // 2, (top + bottom) // 2))
    assert middle == 255
