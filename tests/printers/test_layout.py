from __future__ import annotations

from datetime import datetime

import pytest

from printers.layout import Cut, Feed, QRCode, Separator, TextLine, ticket_layout, wait_minutes
from tests.printers.support import STATUS_URL, WARSAW, ticket


def texts(language: str, width: int = 80, **changes: object) -> list[str]:
    return ticket_layout(ticket(language=language, **changes), width).texts()


@pytest.mark.parametrize(
    ("language", "your_number", "ahead", "wait"),
    [
        (
            "pl",
            "Numer biletu",
            "4 osoby przed Państwem",
            "Przewidywany czas oczekiwania: ok. 25 min",
        ),
        ("en", "Your number", "4 people ahead of you", "Estimated wait: about 25 min"),
        ("ru", "Ваш номер", "Перед вами 4 человека", "Примерное время ожидания: около 25 мин"),
        ("uk", "Ваш номер", "Перед вами 4 людини", "Орієнтовний час очікування: близько 25 хв"),
    ],
)
def test_ticket_text_is_in_the_visitors_language(language, your_number, ahead, wait):
    lines = texts(language)
    assert lines[0].startswith("Urząd Wojewódzki")  # the site's name as the site gives it
    assert your_number in lines
    assert "A007" in lines
    assert "Pobyt czasowy" in lines
    assert ahead in lines
    assert wait in lines


@pytest.mark.parametrize(
    ("language", "n", "expected"),
    [
        ("pl", 1, "1 osoba przed Państwem"),
        ("pl", 3, "3 osoby przed Państwem"),
        ("pl", 5, "5 osób przed Państwem"),
        ("pl", 22, "22 osoby przed Państwem"),
        ("ru", 1, "Перед вами 1 человек"),
        ("ru", 5, "Перед вами 5 человек"),
        ("uk", 2, "Перед вами 2 людини"),
        ("uk", 11, "Перед вами 11 людей"),
        ("en", 1, "1 person ahead of you"),
    ],
)
def test_people_ahead_uses_the_languages_plural_forms(language, n, expected):
    assert expected in texts(language, ahead=n)


def test_nobody_ahead_says_so():
    assert "Nikt nie czeka przed Państwem." in texts("pl", ahead=0)


def test_unknown_ahead_prints_no_such_line():
    lines = texts("en", ahead=None)
    assert not any("ahead" in line for line in lines)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("pl", "Czasu oczekiwania nie można jeszcze oszacować."),
        ("en", "Waiting time cannot be estimated yet."),
        ("ru", "Время ожидания пока невозможно оценить."),
        ("uk", "Час очікування поки що неможливо оцінити."),
    ],
)
def test_unknown_wait_is_said_not_guessed(language, expected):
    layout = ticket_layout(ticket(language=language, estimated_wait_s=None), 80)
    assert " ".join(layout.texts()).count(expected) == 1


def test_long_waits_are_given_in_hours_and_minutes():
    assert "Estimated wait: about 1 h 35 min" in texts("en", estimated_wait_s=95 * 60)


@pytest.mark.parametrize(("seconds", "minutes"), [(0, 1), (1, 1), (60, 1), (61, 2), (1500, 25)])
def test_wait_is_rounded_up_to_whole_minutes(seconds, minutes):
    assert wait_minutes(seconds) == minutes


def test_date_and_time_follow_the_language():
    assert texts("pl")[-1] == "24 listopada 2026, 10:31"
    assert texts("ru")[-1] == "24 ноября 2026 г., 10:31"
    assert texts("uk")[-1] == "24 листопада 2026 р., 10:31"
    assert texts("en")[-1] == "24 November 2026, 10:31"


def test_appointment_time_is_printed_when_there_is_one():
    at = datetime(2026, 11, 24, 11, 15, tzinfo=WARSAW)
    assert "Wizyta o 11:15" in texts("pl", appointment_at=at)
    assert "Запис на 11:15" in texts("uk", appointment_at=at)
    assert "Appointment at 11:15" in texts("en", appointment_at=at)
    assert not any(line.startswith("Wizyta") for line in texts("pl"))


def test_priority_ticket_is_marked_white_on_black():
    lines = [e for e in ticket_layout(ticket(priority=True), 80) if isinstance(e, TextLine)]
    marked = [line for line in lines if line.invert]
    assert [line.text.strip() for line in marked] == ["Bilet priorytetowy"]
    assert not any(e.invert for e in ticket_layout(ticket(), 80) if isinstance(e, TextLine))


def test_qr_code_carries_the_status_url_and_scan_hint_follows():
    layout = ticket_layout(ticket(language="en"), 80)
    qr = [e for e in layout if isinstance(e, QRCode)]
    assert qr == [QRCode(STATUS_URL, 6)]
    assert "Scan to follow your place in the queue on your" in layout.texts()


def test_layout_starts_with_the_site_and_ends_with_a_cut():
    elements = list(ticket_layout(ticket(), 58))
    assert isinstance(elements[0], TextLine) and elements[0].bold
    assert isinstance(elements[-1], Cut)
    assert sum(isinstance(e, Separator) for e in elements) >= 2
    assert any(isinstance(e, Feed) for e in elements)


@pytest.mark.parametrize(("width", "columns"), [(58, 32), (80, 48)])
def test_every_line_fits_the_paper(width, columns):
    long_name = "Wniosek o udzielenie zezwolenia na pobyt czasowy i pracę dla cudzoziemca"
    layout = ticket_layout(ticket(service_name=long_name), width)
    assert layout.columns == columns and layout.dots == columns * 12
    for element in layout:
        if isinstance(element, TextLine):
            assert len(element.text) * element.width <= columns, element
    assert " ".join(service_lines(layout)) == long_name  # wrapped, not cut short


def service_lines(layout) -> list[str]:
    """The matter's lines: the text lines between the big number and the next rule."""
    elements = list(layout)
    start = next(i for i, e in enumerate(elements) if isinstance(e, TextLine) and e.width > 1)
    lines = []
    for element in elements[start + 1 :]:
        if not isinstance(element, TextLine):
            break
        lines.append(element)
    return [line.text for line in lines if line.bold]


@pytest.mark.parametrize("width", [58, 80])
def test_the_matter_prints_large_when_it_fits_three_lines_else_in_bold(width):
    short = ticket_layout(ticket(service_name="Odbiór karty pobytu"), width)
    large = [e for e in short if isinstance(e, TextLine) and e.text in service_lines(short)]
    assert large and all(e.width == 2 and e.height == 2 for e in large)
    long_name = "Wniosek o udzielenie zezwolenia na pobyt czasowy i pracę dla cudzoziemca"
    long = ticket_layout(ticket(service_name=long_name), width)
    plain = [e for e in long if isinstance(e, TextLine) and e.text in service_lines(long)]
    assert plain and all(e.width == 1 and e.height == 1 and e.bold for e in plain)


def test_a_long_number_is_magnified_less():
    number = next(
        e
        for e in ticket_layout(ticket(number="ABC1234"), 58)
        if isinstance(e, TextLine) and e.text == "ABC1234"
    )
    assert number.width == 4 and len("ABC1234") * 12 * number.width <= 384


def test_a_narrower_printer_gets_fewer_columns():
    assert ticket_layout(ticket(), 80, columns=42).columns == 42


def test_layout_is_pure():
    assert ticket_layout(ticket(), 80) == ticket_layout(ticket(), 80)


def test_unknown_paper_width_is_refused():
    with pytest.raises(ValueError, match="width_mm"):
        ticket_layout(ticket(), 70)
