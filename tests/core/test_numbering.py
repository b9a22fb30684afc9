import pytest

from kolejka.core.numbering import format_number, split_number


@pytest.mark.parametrize(
    ("prefix", "n", "text"), [("A", 7, "A007"), ("B", 123, "B123"), ("C", 1000, "C1000")]
)
def test_format_and_split_round_trip(prefix, n, text):
    assert format_number(prefix, n) == text
    assert split_number(text) == (prefix, n)


def test_sequence_starts_at_one():
    with pytest.raises(ValueError):
        format_number("A", 0)


@pytest.mark.parametrize("bad", ["", "007", "a007", "A7", "A-07"])
def test_split_refuses_what_is_not_a_number(bad):
    with pytest.raises(ValueError):
        split_number(bad)
