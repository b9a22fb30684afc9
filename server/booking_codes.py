"""Booking codes: the signed QR token and the short code a visitor can type.

Both are opaque: random letters and a keyed MAC (HMAC-SHA256 with a key derived from the
server secret), never a name, document number, date or database id.

- QR token: ``KA1.<ref>.<mac>`` — `ref` is 16 random Crockford base-32 characters
  (80 bits) stored on the appointment, `mac` 16 characters (80 bits) of HMAC over `ref`.
  Only upper-case letters, digits and dots, so the QR code uses its compact
  alphanumeric mode.
- Short code: 8 Crockford base-32 characters shown as ``ABCD-EF12``: 6 random (30 bits)
  and 2 of HMAC, so a typing slip is caught before any look-up. Read case-insensitively,
  ignoring spaces and dashes, with O read as 0 and I/L as 1.

A code that fails its MAC or its format raises `ForgedCode`; whether it names a real
appointment is for the caller to find out.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from server.errors import ForgedCode

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
TOKEN_PREFIX = "KA1"
REF_LENGTH = 16
TOKEN_MAC_LENGTH = 16
SHORT_RANDOM = 6
SHORT_MAC = 2
SHORT_LENGTH = SHORT_RANDOM + SHORT_MAC
_TOKEN = re.compile(
    rf"^{TOKEN_PREFIX}\.([{ALPHABET}]{{{REF_LENGTH}}})\.([{ALPHABET}]{{{TOKEN_MAC_LENGTH}}})$"
)
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-_.]+")


@dataclass(frozen=True, slots=True)
class TokenCode:
    ref: str


@dataclass(frozen=True, slots=True)
class ShortCode:
    code: str  # 8 canonical characters, no dash


def _key(secret: str, purpose: str) -> bytes:
    return hmac.new(secret.encode(), f"kolejka/booking/{purpose}".encode(), hashlib.sha256).digest()


def _b32(data: bytes, length: int) -> str:
    number = int.from_bytes(data, "big")
    chars = []
    for _ in range(length):
        number, index = divmod(number, 32)
        chars.append(ALPHABET[index])
    return "".join(chars)


def _mac(secret: str, purpose: str, text: str, length: int) -> str:
    digest = hmac.new(_key(secret, purpose), text.encode(), hashlib.sha256).digest()
    return _b32(digest, length)


def random_chars(length: int) -> str:
    """`length` characters of ALPHABET, each 5 uniform random bits: one read of the OS's
    randomness for all of them, not one per character (`secrets.choice` in a loop was 3 %
    of a booking's write). 256 is a multiple of 32, so the low 5 bits of a byte are
    uniform."""
    return "".join(ALPHABET[byte & 31] for byte in secrets.token_bytes(length))


def new_ref() -> str:
    return random_chars(REF_LENGTH)


def make_token(secret: str, ref: str) -> str:
    """The QR payload for the appointment whose `ref` is given."""
    return f"{TOKEN_PREFIX}.{ref}.{_mac(secret, 'token', ref, TOKEN_MAC_LENGTH)}"


def new_short_code(secret: str) -> str:
    head = random_chars(SHORT_RANDOM)
    return head + _mac(secret, "short", head, SHORT_MAC)


def format_short_code(code: str) -> str:
    """``ABCDEF12`` → ``ABCD-EF12`` (how it is printed and shown)."""
    return f"{code[:4]}-{code[4:]}"


def read_token(secret: str, text: str) -> TokenCode:
    match = _TOKEN.match(text.strip().upper())
    if match is None:
        raise ForgedCode("not a booking token")
    ref, mac = match.groups()
    if not hmac.compare_digest(mac, _mac(secret, "token", ref, TOKEN_MAC_LENGTH)):
        raise ForgedCode("bad signature")
    return TokenCode(ref)


def read_short_code(secret: str, text: str) -> ShortCode:
    code = _SEPARATORS.sub("", text).upper().translate(_READ_AS)
    if len(code) != SHORT_LENGTH or any(c not in ALPHABET for c in code):
        raise ForgedCode("not a booking code")
    head, check = code[:SHORT_RANDOM], code[SHORT_RANDOM:]
    if not hmac.compare_digest(check, _mac(secret, "short", head, SHORT_MAC)):
        raise ForgedCode("bad check characters")
    return ShortCode(code)


def person_key(secret: str, purpose: str, value: str) -> str:
    """A keyed hash (HMAC-SHA256 with a key derived from the server secret) of a
    normalised e-mail, phone, network address or document number: equal values give equal
    keys, and without the secret a key says nothing, not even by trying every document
    number. `purpose` keeps the kinds apart."""
    return hmac.new(_key(secret, f"person/{purpose}"), value.encode(), hashlib.sha256).hexdigest()


def manage_secret() -> str:
    """The secret of a booking's private manage link (192 bits); only its hash is kept."""
    return secrets.token_urlsafe(24)


def manage_hash(secret_text: str) -> str:
    return hashlib.sha256(f"kolejka/manage/{secret_text}".encode()).hexdigest()


def read_code(secret: str, text: str) -> TokenCode | ShortCode:
    """What the kiosk got — a scanned QR payload or a typed code — checked and parsed."""
    cleaned = text.strip()
    if not cleaned or len(cleaned) > 100:
        raise ForgedCode("empty or too long")
    if cleaned.upper().startswith(TOKEN_PREFIX + "."):
        return read_token(secret, cleaned)
    return read_short_code(secret, cleaned)
