"""Booking codes: signed QR tokens and short typed codes."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from server.booking_codes import (
    ALPHABET,
    ShortCode,
    TokenCode,
    format_short_code,
    make_token,
    new_ref,
    new_short_code,
    random_chars,
    read_code,
)
from server.errors import ForgedCode

SECRET = "a-test-secret-that-is-long-enough-0123456789"


def test_a_token_round_trips_and_uses_only_qr_alphanumeric_characters() -> None:
    ref = new_ref()
    token = make_token(SECRET, ref)
    assert re.fullmatch(r"[0-9A-Z.]+", token) and len(token) == 37
    assert read_code(SECRET, token) == TokenCode(ref)
    assert read_code(SECRET, token.lower()) == TokenCode(ref)  # scanners may lower-case


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("0" if t[-1] != "0" else "1"),  # signature
        lambda t: t[:5] + ("0" if t[5] != "0" else "1") + t[6:],  # ref
        lambda t: t.replace("KA1.", "KA2."),  # version
        lambda t: t[:-1],  # length
        lambda t: t + "0",
    ],
)
def test_a_changed_token_is_forged(mangle: Callable[[str], str]) -> None:
    token = make_token(SECRET, new_ref())
    with pytest.raises(ForgedCode):
        read_code(SECRET, mangle(token))


def test_a_token_signed_with_another_secret_is_forged() -> None:
    with pytest.raises(ForgedCode):
        read_code(SECRET, make_token("another-secret", new_ref()))


def test_a_short_code_is_read_the_way_people_type_it() -> None:
    code = new_short_code(SECRET)
    shown = format_short_code(code)
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", shown)
    for typed in (shown, shown.lower(), f"  {code[:3]} {code[3:6]}-{code[6:]} ", code):
        assert read_code(SECRET, typed) == ShortCode(code)
    # O is read as zero, I and L as one (Crockford): they never appear in a code.
    confusable = code.replace("0", "O").replace("1", "l")
    assert read_code(SECRET, confusable) == ShortCode(code)


@pytest.mark.parametrize("typed", ["", "   ", "ABC", "ABCD-EFGH-J", "ABCD-EFG!", "x" * 200])
def test_what_is_not_a_code_is_forged(typed: str) -> None:
    with pytest.raises(ForgedCode):
        read_code(SECRET, typed)


def test_a_slip_of_one_character_is_caught_by_the_check_characters() -> None:
    caught = 0
    for _ in range(200):
        code = new_short_code(SECRET)
        slip = code[:2] + ("2" if code[2] != "2" else "3") + code[3:]
        try:
            read_code(SECRET, slip)
        except ForgedCode:
            caught += 1
    assert caught >= 190  # 10 check bits: about one slip in a thousand gets through


def test_random_characters_cover_the_alphabet_evenly_and_differ_each_time() -> None:
    """Each character is 5 random bits: 2,000 refs of 16 hold every character of the
    alphabet about 1,000 times (a bias, a missing letter or a repeated draw shows)."""
    drawn = [random_chars(16) for _ in range(2000)]
    assert len(set(drawn)) == len(drawn)
    assert all(len(d) == 16 for d in drawn)
    counts = {c: 0 for c in ALPHABET}
    for d in drawn:
        for c in d:
            counts[c] += 1  # a character outside the alphabet fails here
    assert min(counts.values()) > 800 and max(counts.values()) < 1200, counts
