"""How a call is said: numbers and letters per language, the sentence, the clip names."""

from __future__ import annotations

import string

import pytest

from display.speech.errors import NumberNotSpeakable
from display.speech.words import (
    CLIP_NAMES,
    LANGUAGES,
    LETTER_NAMES,
    NUMBER_CLIPS,
    clip_tokens,
    number_tokens,
    sentence,
    split_ticket,
    spoken_number,
)


@pytest.mark.parametrize(
    ("number", "language", "said"),
    [
        ("A023", "pl", "a, dwadzieścia trzy"),
        ("A023", "en", "A, twenty-three"),
        ("A023", "ru", "а, двадцать три"),
        ("A023", "uk", "а, двадцять три"),
        ("A007", "pl", "a, siedem"),
        ("B105", "pl", "be, sto pięć"),
        ("W012", "pl", "wu, dwanaście"),
        ("C999", "ru", "цэ, девятьсот девяносто девять"),
        ("D1000", "pl", "de, tysiąc"),
        ("H1234", "en", "H, one thousand two hundred and thirty-four"),
        ("AB011", "uk", "а бе, одинадцять"),
        ("G005", "uk", "ґе, п'ять"),
        ("017", "pl", "siedemnaście"),
    ],
)
def test_a_ticket_number_is_said_as_people_say_it(number: str, language: str, said: str) -> None:
    assert spoken_number(number, language) == said


@pytest.mark.parametrize("language", LANGUAGES)
def test_leading_zeros_are_never_said(language: str) -> None:
    assert spoken_number("A023", language) == spoken_number("A23", language)
    words = {"pl": "zero", "en": "zero", "ru": "ноль", "uk": "нуль"}[language]
    assert words not in spoken_number("A003", language)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("pl", "Numer a, dwadzieścia trzy, stanowisko pięć."),
        ("en", "Number A, twenty-three, counter five."),
        ("ru", "Номер а, двадцать три, окно пять."),
        ("uk", "Номер а, двадцять три, вікно п'ять."),
    ],
)
def test_the_sentence_comes_from_the_catalogue(language: str, expected: str) -> None:
    assert sentence("A023", 5, language) == expected


@pytest.mark.parametrize(
    ("language", "start"),
    [
        ("pl", "Ponownie: numer a,"),
        ("en", "Again: number A,"),
        ("ru", "Повторно: номер а,"),
        ("uk", "Повторно: номер а,"),
    ],
)
def test_a_recall_says_again(language: str, start: str) -> None:
    said = sentence("A023", 12, language, recall=True)
    assert said.startswith(start)
    assert said != sentence("A023", 12, language)


def test_an_unknown_language_is_said_in_polish() -> None:
    assert sentence("A023", 5, "de") == sentence("A023", 5, "pl")


def test_every_letter_has_a_name_in_every_language() -> None:
    for language in LANGUAGES:
        assert set(LETTER_NAMES[language]) == set(string.ascii_uppercase)
        assert all(name.strip() for name in LETTER_NAMES[language].values())
    for language in ("ru", "uk"):  # Latin letters named in Cyrillic, not left to an English voice
        for name in LETTER_NAMES[language].values():
            assert not any("a" <= ch.lower() <= "z" for ch in name), name


@pytest.mark.parametrize("number", ["", "A", "ABCD12", "A-12", "12A", "A 1 2", "Ą12"])
def test_a_number_that_cannot_be_said_is_refused(number: str) -> None:
    with pytest.raises(NumberNotSpeakable):
        spoken_number(number, "pl")


def test_split_ticket_reads_letters_and_value() -> None:
    assert split_ticket("A023") == ("A", 23)
    assert split_ticket(" ab7 ") == ("AB", 7)
    assert split_ticket("1000") == ("", 1000)


@pytest.mark.parametrize(
    ("value", "tokens"),
    [
        (0, ["0"]),
        (7, ["7"]),
        (13, ["13"]),
        (20, ["20"]),
        (23, ["20", "3"]),
        (100, ["100"]),
        (115, ["100", "15"]),
        (999, ["900", "90", "9"]),
        (1000, ["1000"]),
        (2023, ["2000", "20", "3"]),
        (12345, ["1", "2", "3", "4", "5"]),
    ],
)
def test_numbers_are_made_of_recorded_parts(value: int, tokens: list[str]) -> None:
    assert number_tokens(value) == tokens


def test_every_number_up_to_9999_needs_only_the_listed_clips() -> None:
    needed = {token for value in range(10000) for token in number_tokens(value)}
    assert needed == set(NUMBER_CLIPS)


def test_clip_tokens_for_a_call_and_a_recall() -> None:
    assert clip_tokens("A023", 5) == ["number", "A", "20", "3", "counter", "5"]
    assert clip_tokens("BC105", 12, recall=True) == [
        "again",
        "number",
        "B",
        "C",
        "100",
        "5",
        "counter",
        "12",
    ]
    assert set(clip_tokens("Z999", 19, recall=True)) <= set(CLIP_NAMES)
