"""Translations for every role: one gettext catalogue per language.

The catalogues are the `.po` files under `locale/<lang>/LC_MESSAGES/kolejka.po`. They are
compiled in memory with Babel on first use, so there is no build step and no stale `.mo`.

    from kolejka.i18n import translator
    _ = translator("uk").gettext
    _("Your number")

`N_()` marks a string for extraction where it is translated later (codes mapped to text).
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Callable
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES: tuple[str, ...] = ("pl", "en", "ru", "uk")
DEFAULT_LANGUAGE = "pl"
DOMAIN = "kolejka"
LOCALE_DIR = Path(__file__).with_name("locale")

# The name of each language in that language, as a visitor looks for it.
NATIVE_NAMES: dict[str, str] = {
    "pl": "Polski",
    "en": "English",
    "ru": "Русский",
    "uk": "Українська",
}


def catalogue_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def normalize_language(language: str | None) -> str:
    """Map 'uk-UA', 'EN', None, … to one of LANGUAGES (the default when unknown)."""
    if not language:
        return DEFAULT_LANGUAGE
    code = language.strip().replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


@cache
def translator(language: str) -> gettext.NullTranslations:
    """The translations for `language`; unknown languages fall back to the default."""
    language = normalize_language(language)
    path = catalogue_path(language)
    if not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=language, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def gettext_for(language: str | None) -> Callable[[str], str]:
    return translator(normalize_language(language)).gettext


def N_(message: str) -> str:
    """Mark `message` for extraction without translating it here."""
    return message


def best_language(accept_language: str | None) -> str:
    """Pick a catalogue language from an HTTP Accept-Language header."""
    if not accept_language:
        return "en"
    for part in accept_language.split(","):
        tag = part.split(";")[0].strip()
        code = tag.replace("_", "-").split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return "en"
