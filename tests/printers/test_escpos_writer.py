"""The ESC/POS bytes, read back with an independent reader (tests/printers/escpos_reader)."""

from __future__ import annotations

import pytest
from PIL import ImageChops

from printers.errors import TextNotPrintable
from printers.escpos_writer import build_job
from printers.fonts import find_fonts
from printers.layout import Cut, Layout, QRCode, TextLine, ticket_layout
from printers.raster import render_text_line
from tests.printers.escpos_reader import read_job
from tests.printers.support import STATUS_URL, ticket

POLISH = "Zażółć gęślą jaźń"
RUSSIAN = "Ваш номер талона"
UKRAINIAN_WITH_I = "Відскануйте, щоб стежити"
SAMPLES = [POLISH, "Ваш номер", RUSSIAN]


def one_line(text: str, **style: object) -> Layout:
    return Layout(width_mm=80, columns=48, elements=(TextLine(text, **style),))  # type: ignore[arg-type]


def job_for(layout: Layout, profile: str = "TM-T20II", text_mode: str = "auto") -> bytes:
    return build_job(layout, profile=profile, text_mode=text_mode)  # type: ignore[arg-type]


def test_job_starts_by_resetting_the_printer():
    assert job_for(one_line("A")).startswith(b"\x1b@")


def test_the_number_is_printed_magnified_and_bold():
    data = job_for(ticket_layout(ticket(number="A007"), 80))
    # GS ! 0x66: seven times as wide and as tall; ESC E 1: emphasised.
    assert b"\x1d!\x66\x1bE\x01\x1ba\x01\x1dB\x00A007\n" in data
    number = next(line for line in read_job(data).lines if line.text == "A007")
    assert (number.width, number.height, number.bold, number.align) == (7, 7, True, 1)


def test_the_number_on_58mm_paper_is_six_times_normal():
    number = next(
        line for line in read_job(job_for(ticket_layout(ticket(), 58))).lines if line.text == "A007"
    )
    assert (number.width, number.height) == (6, 6)


@pytest.mark.parametrize(
    ("text", "page_number", "codec"),
    [(POLISH, 18, "cp852"), ("Ваш номер", 17, "cp866"), (RUSSIAN, 17, "cp866")],
)
def test_code_page_mode_switches_to_the_languages_page(text, page_number, codec):
    data = job_for(one_line(text), text_mode="codepage")
    assert b"\x1bt" + bytes([page_number]) + text.encode(codec) + b"\n" in data
    job = read_job(data)
    assert job.texts == [text]
    assert job.lines[0].page == page_number
    assert b"?" not in data


def test_ukrainian_letters_missing_from_cp866_go_to_cp1251():
    data = job_for(one_line(UKRAINIAN_WITH_I), text_mode="codepage")
    assert b"\x1bt\x2e" + UKRAINIAN_WITH_I.encode("cp1251") in data  # ESC t 46
    assert read_job(data).texts == [UKRAINIAN_WITH_I]


def test_a_line_of_ascii_needs_no_code_page():
    job = read_job(job_for(one_line("A007"), text_mode="codepage"))
    assert job.page_switches == []
    assert job.texts == ["A007"]


def test_the_page_is_switched_only_when_a_line_needs_another():
    layout = Layout(80, 48, (TextLine(POLISH), TextLine("Łódź"), TextLine(RUSSIAN)))
    job = read_job(job_for(layout, text_mode="codepage"))
    assert job.page_switches == [18, 17]
    assert job.texts == [POLISH, "Łódź", RUSSIAN]


def test_typographic_punctuation_stays_where_a_page_has_it_with_the_letters():
    job = read_job(job_for(one_line("Sprawa „pobyt” – wniosek…"), text_mode="codepage"))
    assert job.texts == ["Sprawa „pobyt” – wniosek…"]
    assert job.page_switches == [45]  # CP1250 holds both


def test_typographic_punctuation_a_page_lacks_prints_as_ascii():
    # TM-T88IV has CP852 (Polish letters, no „ ” – …) but not CP1250.
    data = job_for(one_line("Sprawa „pobyt” – wniosek… w Łodzi"), "TM-T88IV", text_mode="codepage")
    assert read_job(data).texts == ['Sprawa "pobyt" - wniosek... w Łodzi']


@pytest.mark.parametrize("text", SAMPLES)
def test_raster_mode_prints_the_line_as_its_picture(text):
    data = job_for(one_line(text, bold=True), text_mode="raster")
    job = read_job(data)
    assert job.lines == [] and job.page_switches == []
    assert len(job.images) == 1
    expected = render_text_line(TextLine(text, bold=True), 576, find_fonts())
    assert job.images[0].size == expected.size
    difference = ImageChops.difference(job.images[0].convert("L"), expected.convert("L"))
    assert difference.getbbox() is None
    assert job.images[0].convert("L").getextrema() == (0, 255)  # ink on paper, not a blank


@pytest.mark.parametrize("text", SAMPLES)
def test_auto_mode_uses_pictures_where_the_profile_has_no_page(text):
    # The "simple" profile knows only CP437: no Polish, no Cyrillic.
    job = read_job(job_for(one_line(text), profile="simple", text_mode="auto"))
    assert job.lines == []
    assert len(job.images) == 1


def test_auto_mode_mixes_pages_and_pictures_by_line():
    # TM-T88III has CP866 but no Polish page.
    layout = Layout(80, 48, (TextLine(POLISH), TextLine(RUSSIAN), TextLine("A007")))
    job = read_job(job_for(layout, profile="TM-T88III", text_mode="auto"))
    assert job.texts == [RUSSIAN, "A007"]
    assert job.order[:3] == ["image", "text", "text"]
    assert job.page_switches == [17]


@pytest.mark.parametrize("text", SAMPLES)
def test_auto_mode_prefers_the_page_where_the_profile_has_it(text):
    job = read_job(job_for(one_line(text), profile="TM-T20II", text_mode="auto"))
    assert job.texts == [text] and job.images == []


@pytest.mark.parametrize("text", [POLISH, RUSSIAN])
def test_code_page_mode_refuses_a_line_no_page_holds(text):
    with pytest.raises(TextNotPrintable) as caught:
        job_for(one_line(text), profile="simple", text_mode="codepage")
    assert caught.value.reason_code == "text_not_printable"


def test_qr_code_uses_the_printers_own_command_with_the_status_url():
    data = job_for(ticket_layout(ticket(), 80))
    payload = STATUS_URL.encode()
    store = b"\x1d(k" + bytes([len(payload) + 3, 0]) + b"1P0" + payload
    assert store in data
    assert b"\x1d(k\x03\x001Q0" in data  # print the stored symbol
    assert b"\x1d(k\x03\x001E1" in data  # error correction M
    job = read_job(data)
    assert job.qr_codes == [STATUS_URL]
    assert job.qr_sizes == [6]


def test_qr_code_is_a_picture_where_the_profile_has_no_qr_command():
    layout = Layout(58, 32, (QRCode(STATUS_URL, 5),))
    job = read_job(job_for(layout, profile="POS-5890"))
    assert job.qr_codes == []
    assert len(job.images) == 1


def test_the_ticket_ends_with_a_cut():
    data = job_for(ticket_layout(ticket(), 80))
    assert data.endswith(b"\x1dV\x00")  # GS V 0: full cut, after feeding the paper out
    assert b"\x1bd\x06" in data
    assert read_job(data).order[-1] == "cut"


def test_a_profile_without_a_cutter_gets_no_cut_command():
    job = read_job(job_for(Layout(58, 32, (TextLine("A"), Cut())), profile="POS-5890"))
    assert job.cuts == []


def test_a_whole_ticket_in_each_language_has_no_question_marks():
    for language in ("pl", "en", "ru", "uk"):
        data = job_for(ticket_layout(ticket(language=language), 80), text_mode="codepage")
        texts = read_job(data).texts
        assert not any("?" in text for text in texts), (language, texts)
        assert "A007" in texts
