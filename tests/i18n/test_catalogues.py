"""Every user-facing string in the code has a translation in every catalogue."""

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from kolejka.i18n import LANGUAGES, catalogue_path, translator

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["kolejka", "server", "printers", "kiosk", "display", "counter"]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "tr_": None}


def extracted() -> dict[str, int | None]:
    """msgid → line of first use, from the Python sources (Babel's extractor)."""
    found: dict[str, int | None] = {}
    for package in PACKAGES:
        directory = ROOT / package
        if not directory.exists():
            continue
        for _filename, lineno, message, _comments, _context in extract_from_dir(
            str(directory),
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
        ):
            msgid = message[0] if isinstance(message, tuple) else message
            if msgid:
                found.setdefault(msgid, lineno)
    # Server-rendered pages (server/templating.py): `_()` and `{% trans %}` in templates.
    for _filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT / "server" / "web"),
        method_map=[("**.html", "jinja2.ext:babel_extract")],
        options_map={"**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}},
        keywords=KEYWORDS,
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, lineno)
    return found


def catalogue(language: str):
    with catalogue_path(language).open("rb") as fh:
        return read_po(fh, locale=language)


def test_extraction_finds_the_servers_messages():
    messages = extracted()
    assert "There is no ticket {ticket}." in messages
    assert len(messages) > 30


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language):
    cat = catalogue(language)
    missing = [
        msgid
        for msgid in extracted()
        if msgid not in cat
        or not (cat[msgid].string if not cat[msgid].pluralizable else all(cat[msgid].string))
    ]
    assert missing == [], f"{language}: {len(missing)} untranslated, e.g. {missing[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_no_duplicate_entries(language):
    seen: set[str] = set()
    duplicates = []
    for line in catalogue_path(language).read_text(encoding="utf-8").splitlines():
        if line.startswith('msgid "') and line != 'msgid ""':
            if line in seen:
                duplicates.append(line)
            seen.add(line)
    assert duplicates == []


@pytest.mark.parametrize("language", ["pl", "ru", "uk"])
def test_placeholders_survive_translation(language):
    import re

    cat = catalogue(language)
    for message in cat:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(re.findall(r"\{(\w+)\}", ids[0]))
        for text in strings:
            assert set(re.findall(r"\{(\w+)\}", text)) <= wanted | {"n"}, (message.id, text)


def test_plural_forms_follow_each_language():
    # Polish, Russian and Ukrainian have three forms: 1, 2-4 and 5+.
    for language in ("pl", "ru", "uk"):
        t = translator(language)
        forms = {t.ngettext("x", "y", n) for n in (1, 2, 5)}
        assert len(forms) == 2  # untranslated msgid falls back to the two English forms
    assert translator("en").ngettext("one", "many", 1) == "one"
