from __future__ import annotations

import pytest

from printers.encoding import CodePageChooser, Encoded
from printers.profiles import code_pages, load_profile


def chooser(profile: str) -> CodePageChooser:
    return CodePageChooser(code_pages(load_profile(profile, 576)))


@pytest.mark.parametrize(
    ("profile", "text", "page"),
    [
        ("TM-T20II", "Zażółć gęślą jaźń", "CP852"),
        ("TM-T20II", "Ваш номер талона", "CP866"),
        ("TM-T20II", "Ваш номер", "CP866"),
        ("TM-T20II", "Відскануйте, щоб стежити", "CP1251"),
        ("TM-T20II", "Ґанок і їжак", "CP1251"),
        ("TM-T88III", "Ваш номер талона", "CP866"),
        ("TM-T88IV", "Zażółć gęślą jaźń", "CP852"),
    ],
)
def test_the_page_for_the_letters(profile, text, page):
    assert chooser(profile).choose(text) == Encoded(page, text)


@pytest.mark.parametrize(
    ("profile", "text"),
    [
        ("simple", "Zażółć gęślą jaźń"),
        ("simple", "Ваш номер"),
        ("TM-T88III", "Zażółć gęślą jaźń"),
        ("TM-T88IV", "Відскануйте"),  # CP866 lacks the Ukrainian і, and there is no CP1251
        ("TM-T20II", "Ваш номер: Łódź"),  # no page has both scripts
    ],
)
def test_no_page_when_none_holds_the_whole_line(profile, text):
    assert chooser(profile).choose(text) is None


def test_ascii_needs_no_page():
    assert chooser("simple").choose("A007 10:31") == Encoded(None, "A007 10:31")


def test_no_break_spaces_from_dates_become_spaces():
    assert chooser("simple").choose("10:31\u202fAM") == Encoded(None, "10:31 AM")


def test_unknown_pages_of_a_profile_are_never_chosen():
    assert "Unknown" not in chooser("TM-T20II").pages
