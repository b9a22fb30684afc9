"""The document number's one form: what booking and kiosk hash."""

from __future__ import annotations

import string

import pytest

from kolejka.core.documents import (
    LOOK_ALIKES,
    document_forms,
    legacy_document,
    normalize_document,
)


@pytest.mark.parametrize(
    "typed",
    ["MK123456", "mk123456", "МК123456", "мк 123-456", "MК 123 456", "m.k/123456", "Мk123456"],
)
def test_case_separators_and_cyrillic_look_alikes_give_one_number(typed: str) -> None:
    assert normalize_document(typed) == "MK123456"


def test_every_look_alike_in_both_cases_folds_to_its_latin_capital() -> None:
    for cyrillic, latin in LOOK_ALIKES.items():
        assert normalize_document(cyrillic) == latin
        assert normalize_document(cyrillic.lower()) == latin


def test_other_cyrillic_letters_stay_themselves() -> None:
    # Ж, Ю, Я, Ї, Є, Ґ, У, П have no Latin twin: folding them would merge two series.
    assert normalize_document("жюяїєґуп12") == "ЖЮЯЇЄҐУП12"
    assert normalize_document("ЕУ1") != normalize_document("EY1")


def test_latin_letters_and_digits_give_what_they_gave_before() -> None:
    """Stored hashes of Latin/digit numbers must still match: same form as before."""
    samples = [string.ascii_letters + string.digits, "ab 123 456-7", "Xx-9.8/7 6", "AB1234567"]
    for typed in samples:
        assert normalize_document(typed) == legacy_document(typed)
        assert document_forms(typed) == (legacy_document(typed),)


def test_a_number_booked_in_cyrillic_earlier_is_still_tried_in_its_earlier_form() -> None:
    assert document_forms("МК123456") == ("MK123456", "МК123456")
    assert document_forms("ЖК1") == ("ЖK1", "ЖК1")
