"""What the screens put in front of a visitor, without a server: cards, codes, QR."""

from __future__ import annotations

from PIL import Image
from pytestqt.qtbot import QtBot
from pyzbar import pyzbar

from kiosk.flow import KioskState, Screen
from kiosk.screens.appointment import grouped
from kiosk.screens.base import View, pick_name
from kiosk.screens.language import in_pairs
from kiosk.screens.services import cards_for
from kiosk.screens.ticket import qr_pixmap, status_url
from kolejka.schemas import ServicePublic


def service(code: str, group: str | None = None, **fields: object) -> ServicePublic:
    data: dict[str, object] = {
        "code": code,
        "names": {"pl": f"Sprawa {code}", "en": f"Matter {code}", "uk": f"Справа {code}"},
        "group": group,
        "group_names": {"en": "Residence", "uk": "Проживання"} if group else {},
        "available": True,
        "waiting": 2,
        "estimated_wait_s": 600,
        "open_counters": 1,
        **fields,
    }
    return ServicePublic.model_validate(data)


SERVICES = (
    service("A", "residence", position=1),
    service("C", position=2, available=False, unavailable_reason="daily_limit_reached"),
    service("B", "residence", position=3, waiting=5),
)


def view(language: str, group: str | None = None) -> View:
    state = KioskState(screen=Screen.SERVICES, language=language, group=group)
    return View(state=state, services=SERVICES)


def test_grouped_services_show_as_one_card_with_the_groups_total() -> None:
    cards = cards_for(view("uk"))
    assert [(c.title, c.group, c.service) for c in cards] == [
        ("Проживання", "residence", None),
        ("Справа C", None, "C"),
    ]
    assert cards[0].meta == "7 людей в черзі"
    assert cards[1].reason == "Талони на сьогодні закінчилися"


def test_an_open_group_lists_its_services_with_waits() -> None:
    cards = cards_for(view("en", group="residence"))
    assert [(c.title, c.meta) for c in cards] == [
        ("Matter A", "2 people waiting  ·  about\u00a010\u00a0min"),
        ("Matter B", "5 people waiting  ·  about\u00a010\u00a0min"),
    ]


def test_a_name_missing_in_the_visitors_language_falls_back_to_english() -> None:
    assert pick_name({"pl": "Odciski", "en": "Fingerprints"}, "ru", "D") == "Fingerprints"
    assert pick_name({}, "ru", "D") == "D"


def test_typed_codes_show_as_printed_and_start_texts_pair_languages() -> None:
    assert grouped("ABCDEF12") == "ABCD-EF12"
    assert in_pairs(("pl", "en", "uk"), "Choose your language") == (
        "Wybór języka  ·  Choose your language\nОберіть мову"
    )


def test_the_on_screen_qr_code_reads_back_as_the_status_link(qtbot: QtBot) -> None:
    link = status_url("https://kolejka.example.gov.pl/", "Zx81_pub-ID")
    assert link == "https://kolejka.example.gov.pl/t/Zx81_pub-ID"
    image = qr_pixmap(link).toImage()
    buffer = image.convertToFormat(image.Format.Format_Grayscale8)
    pil = Image.frombytes(
        "L",
        (buffer.width(), buffer.height()),
        bytes(buffer.constBits()),
        "raw",
        "L",
        buffer.bytesPerLine(),
    )
    assert [code.data.decode() for code in pyzbar.decode(pil)] == [link]
