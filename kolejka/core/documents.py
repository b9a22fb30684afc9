"""A document number as typed (at booking, at the kiosk) → the one form that is hashed.

Passports and ID cards print their series in capitals, often with spaces or dashes, and a
Ukrainian or Russian series ("МК 123456") is typed on a Cyrillic keyboard at one end and
may be typed with Latin look-alikes at the other. Case, separators and the Cyrillic
capitals drawn exactly like Latin ones (А/A, В/B, …) therefore give one number. Plain
Latin letters and digits come out as they always did, so hashes stored before Cyrillic
was folded stay valid; `document_forms` also gives the earlier form for those typed in
Cyrillic then.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s\-./]+")

# Cyrillic capitals that look the same as a Latin capital in the fonts documents use
# (Ukrainian І, Serbian and Macedonian Ј and Ѕ included). Letters that only look
# alike in some fonts (У/Y, П/N) or as lower case stay themselves: folding them would make
# two different series one.
LOOK_ALIKES = {
    "А": "A",
    "В": "B",
    "Е": "E",
    "К": "K",
    "М": "M",
    "Н": "H",
    "О": "O",
    "Р": "P",
    "С": "C",
    "Т": "T",
    "Х": "X",
    "І": "I",
    "Ј": "J",
    "Ѕ": "S",
}
_FOLD = str.maketrans(LOOK_ALIKES)


def legacy_document(text: str) -> str:
    """The form hashed before Cyrillic look-alikes were folded: no separators, capitals."""
    return _SEPARATORS.sub("", text).upper()


def normalize_document(text: str) -> str:
    """'ab 123 456-7' and 'AB1234567' are one number, and so are 'мк123456' and 'MK123456'."""
    return legacy_document(text).translate(_FOLD)


def document_forms(text: str) -> tuple[str, ...]:
    """The forms a stored hash of this number may have been made from, current first: the
    earlier form too when it differs (a booking made in Cyrillic before the folding)."""
    current, legacy = normalize_document(text), legacy_document(text)
    return (current,) if current == legacy else (current, legacy)
