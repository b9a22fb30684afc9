"""Which of a printer's code pages can carry a line of text, letter for letter.

A line is printed in one code page or not at all in text: python-escpos would otherwise
put "?" where a letter has no place, and a visitor's name for their matter is not to be
guessed at. Typographic punctuation that a page lacks („ ” – … and no-break spaces) is
written as its plain ASCII look-alike, which changes no word.
"""

from __future__ import annotations

from dataclasses import dataclass

from escpos.magicencode import Encoder

# Tried first, in this order: the pages meant for Polish, then for Cyrillic (CP866 has no
# Ukrainian і or ґ, so a Ukrainian line usually lands on CP1251 or CP1125).
PREFERRED = ("CP852", "CP1250", "ISO_8859-2", "CP866", "CP1251", "CP1125", "ISO_8859-5", "CP855")

_FOLD = str.maketrans(
    {
        "\u201e": '"',
        "\u201d": '"',
        "\u201c": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2026": "...",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
    }
)


@dataclass(frozen=True)
class Encoded:
    """`text` (possibly with punctuation folded) fits code page `page` (None: plain ASCII)."""

    page: str | None
    text: str


class CodePageChooser:
    def __init__(self, pages: dict[str, int]) -> None:
        self.pages = pages
        self._encoder = Encoder({name: str(number) for name, number in pages.items()})
        others = [name for name in sorted(pages, key=pages.__getitem__) if name not in PREFERRED]
        self._order = [name for name in PREFERRED if name in pages] + others

    def choose(self, text: str) -> Encoded | None:
        """The first page that holds every character of `text`; None if no page does."""
        for candidate in (text, text.translate(_FOLD)):
            if candidate.isascii():
                return Encoded(None, candidate)
            for page in self._order:
                if all(self._encoder.can_encode(page, ch) for ch in candidate):
                    return Encoded(page, candidate)
        return None
