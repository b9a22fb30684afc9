"""How a call is said: the sentence for speech synthesis, the clip names for recordings.

Pure functions, no sound. A ticket number is its letters by name, then the number as
people say it, leading zeros dropped:

    spoken_number("A023", "pl")  → "a, dwadzieścia trzy"
    spoken_number("B105", "ru")  → "бэ, сто пять"
    sentence("A023", 5, "pl")    → "Numer a, dwadzieścia trzy, stanowisko pięć."

English keeps the capital letter itself ("A, twenty-three"): a capital letter before a
comma is read by its name by espeak-ng and SAPI alike, while a spelling such as "ay"
is not. Polish, Russian and Ukrainian spell the Latin letter's name out in their own words.

The sentence's wording comes from the gettext catalogue (msgids "Number {number}, counter
{counter}." and "Again: number {number}, counter {counter}."), so an office's translators
change it where they change the rest of the interface.

Recorded clips (engine "clips") are said token by token, in this order, in every language:

    clip_tokens("A023", 5)               → ["number", "A", "20", "3", "counter", "5"]
    clip_tokens("A023", 5, recall=True)  → ["again", "number", "A", "20", "3", "counter", "5"]

See `CLIP_NAMES` for every file an office records (in each language's folder).
"""

from __future__ import annotations

import re
import string

from display.speech.errors import NumberNotSpeakable
from kolejka.i18n import gettext_for, normalize_language

LANGUAGES: tuple[str, ...] = ("pl", "en", "ru", "uk")

_ACUTE = "\u0301"  # marks the stressed vowel for espeak-ng (игре́к, not и́грек)

# The names of the Latin letters, as each language says them (A … Z).
LETTER_NAMES: dict[str, dict[str, str]] = {
    language: dict(zip(string.ascii_uppercase, names.split(), strict=True))
    for language, names in {
        "pl": "a be ce de e ef gie ha i jot ka el em en o pe ku er es te u fau wu iks igrek zet",
        "en": " ".join(string.ascii_uppercase),
        "ru": "а бэ цэ дэ э эф гэ ха и йот ка эль эм эн о пэ ку эр эс тэ у вэ дубль-вэ икс "
        f"игре{_ACUTE}к зэт",
        "uk": "а бе це де е еф ґе ха і йот ка ель ем ен о пе ку ер ес те у ве дубль-ве ікс "
        f"ігре{_ACUTE}к зет",
    }.items()
}

_NUMBER = re.compile(r"^([A-Z]{0,3})(\d{1,6})$")

# Clip names: the words of the sentence, the letters, and the numbers that make up any
# number below 10 000 (0–19, tens, hundreds, thousands: 23 = "20" + "3").
WORD_CLIPS: tuple[str, ...] = ("number", "counter", "again")
NUMBER_CLIPS: tuple[str, ...] = tuple(
    str(n)
    for n in [*range(20), *range(20, 100, 10), *range(100, 1000, 100), *range(1000, 10000, 1000)]
)
CLIP_NAMES: tuple[str, ...] = (*WORD_CLIPS, *string.ascii_uppercase, *NUMBER_CLIPS)


def split_ticket(number: str) -> tuple[str, int]:
    """ "A023" → ("A", 23); letters may be absent ("17" → ("", 17)), at most three."""
    match = _NUMBER.match(number.strip().upper())
    if not match:
        raise NumberNotSpeakable(f"cannot say the ticket number {number!r}")
    return match.group(1), int(match.group(2))


def number_words(value: int, language: str) -> str:
    """23 → "dwadzieścia trzy" (pl), "twenty-three" (en), "двадцать три", "двадцять три"."""
    if value < 0:
        raise NumberNotSpeakable(f"cannot say a negative number ({value})")
    try:
        from num2words import num2words
    except ImportError as exc:  # the speech extra is not installed
        raise NumberNotSpeakable(
            "num2words is not installed (pip install 'kolejka[speech]')"
        ) from exc
    words: str = num2words(value, lang=normalize_language(language))
    return words.replace(",", "")  # "one thousand, two hundred": no pause inside a number


def letter_words(letters: str, language: str) -> str:
    names = LETTER_NAMES[normalize_language(language)]
    return " ".join(names[letter] for letter in letters.upper())


def spoken_number(number: str, language: str) -> str:
    """The ticket number in words: "A023" → "a, dwadzieścia trzy" (pl)."""
    letters, value = split_ticket(number)
    words = number_words(value, language)
    return f"{letter_words(letters, language)}, {words}" if letters else words


def sentence(number: str, counter: int, language: str, recall: bool = False) -> str:
    """What the speech engine says in `language` for a call of `number` to `counter`."""
    _ = gettext_for(language)
    template = (
        _("Again: number {number}, counter {counter}.")
        if recall
        else _("Number {number}, counter {counter}.")
    )
    return template.format(
        number=spoken_number(number, language), counter=number_words(counter, language)
    )


def number_tokens(value: int) -> list[str]:
    """The number clips that say `value`: 23 → ["20", "3"], 1105 → ["1000", "100", "5"].

    From 10 000 on, the number is said digit by digit (no office hands out that many).
    """
    if value < 0:
        raise NumberNotSpeakable(f"cannot say a negative number ({value})")
    if value >= 10000:
        return list(str(value))
    tokens = []
    thousands, rest = divmod(value, 1000)
    if thousands:
        tokens.append(str(thousands * 1000))
    hundreds, rest = divmod(rest, 100)
    if hundreds:
        tokens.append(str(hundreds * 100))
    if rest >= 20:
        tens, units = divmod(rest, 10)
        tokens.append(str(tens * 10))
        if units:
            tokens.append(str(units))
    elif rest or not tokens:
        tokens.append(str(rest))
    return tokens


def clip_tokens(number: str, counter: int, recall: bool = False) -> list[str]:
    """The clips said for a call, in order (see the module's docstring)."""
    letters, value = split_ticket(number)
    return [
        *(["again"] if recall else []),
        "number",
        *letters,
        *number_tokens(value),
        "counter",
        *number_tokens(counter),
    ]
