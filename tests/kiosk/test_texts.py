"""What the kiosk says, in each language, and that every phrase is in every catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from kiosk.texts import (
    NBSP,
    NOTICES,
    ahead_text,
    minutes_text,
    notice_text,
    out_of_order_text,
    service_meta,
    unavailable_label,
    wait_text,
    waiting_text,
)
from kolejka.i18n import LANGUAGES, catalogue_path

KIOSK_DIR = Path(__file__).resolve().parents[2] / "kiosk"
KEYWORDS = {"_": None, "N_": None, "gettext": (2,), "ngettext": (1, 2)}


def kiosk_messages() -> set[str | tuple[str, str]]:
    found: set[str | tuple[str, str]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(KIOSK_DIR), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else (message[0], message[1]))
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_kiosk_phrase_is_translated(language: str) -> None:
    with catalogue_path(language).open("rb") as fh:
        catalogue = read_po(fh, locale=language)
    missing = []
    for message in kiosk_messages():
        msgid = message if isinstance(message, str) else message[0]
        entry = catalogue.get(msgid)
        strings = entry.string if entry is not None else None
        if not strings or (isinstance(strings, tuple) and not all(strings)):
            missing.append(msgid)
    assert len(kiosk_messages()) > 40
    assert missing == []


def test_waits_read_naturally() -> None:
    assert wait_text("en", 0, None) == "No queue"
    # An empty queue is said once, not "0 people waiting · No queue".
    assert service_meta("en", 0, None) == "No queue"
    assert service_meta("pl", 3, 600) == "3 osoby w kolejce  ·  " + "ok. 10 min".replace(" ", NBSP)
    assert wait_text("pl", 3, None) == "Czas oczekiwania nieznany"
    assert wait_text("uk", 3, 600) == "близько 10 хв".replace(" ", NBSP)
    assert minutes_text("en", 20) == "about 1 min".replace(" ", NBSP)  # never "about 0 min"
    # rounded to five past twenty
    assert minutes_text("ru", 47 * 60) == "около 45 мин".replace(" ", NBSP)


def test_a_wait_is_never_split_across_lines() -> None:
    for language in ("pl", "en", "uk", "ru"):
        assert " " not in minutes_text(language, 65 * 60)


@pytest.mark.parametrize(
    ("language", "n", "text"),
    [
        ("pl", 1, "1 osoba w kolejce"),
        ("pl", 3, "3 osoby w kolejce"),
        ("pl", 12, "12 osób w kolejce"),
        ("pl", 22, "22 osoby w kolejce"),
        ("ru", 21, "21 человек в очереди"),
        ("ru", 3, "3 человека в очереди"),
        ("uk", 5, "5 людей в черзі"),
        ("uk", 1, "1 людина в черзі"),
        ("en", 1, "1 person waiting"),
        ("en", 0, "0 people waiting"),
    ],
)
def test_waiting_counts_use_the_languages_plural_forms(language: str, n: int, text: str) -> None:
    assert waiting_text(language, n) == text


def test_nobody_ahead_is_said_in_words() -> None:
    assert ahead_text("uk", 0) == "Перед вами нікого немає."
    assert ahead_text("pl", 4) == "4 osoby przed Państwem"


@pytest.mark.parametrize("code", sorted(NOTICES))
def test_each_refusal_has_its_own_message_in_every_language(code: str) -> None:
    english = notice_text("en", code)
    assert english != notice_text("en", "something_new")
    for language in ("pl", "ru", "uk"):
        assert notice_text(language, code) != english


def test_appointment_refusals_are_told_apart() -> None:
    codes = [code for code in NOTICES if code.startswith("appointment_")]
    assert len(codes) == 8
    assert len({notice_text("ru", code)[1] for code in codes}) == 8


def test_unavailable_services_and_the_out_of_order_reason_are_in_words() -> None:
    assert unavailable_label("pl", "daily_limit_reached") == "Brak biletów na dziś"
    assert unavailable_label("en", None) == "Not available"
    assert out_of_order_text("uk", server_up=False, printer_fault="paper_out") == (
        "Немає зв'язку з системою електронної черги."
    )
    assert out_of_order_text("en", server_up=True, printer_fault="paper_out") == (
        "The ticket printer is out of paper."
    )
    assert out_of_order_text("en", server_up=True, printer_fault="jammed") == (
        "The ticket printer is not working."
    )


def test_a_service_stopped_before_closing_says_why_in_every_language() -> None:
    labels = {language: unavailable_label(language, "wait_past_closing") for language in LANGUAGES}
    assert labels["en"] == "Today's queue is full"
    assert len(set(labels.values())) == 4
    assert "zamknięciem" in notice_text("pl", "wait_past_closing")[1]
