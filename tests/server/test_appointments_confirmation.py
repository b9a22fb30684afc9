"""Confirmations: PNG and PDF in the visitor's language, and the QR round trip — render,
decode with an independent decoder (zbar), check in at the kiosk with what was decoded."""

from __future__ import annotations

import dataclasses
import io
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pyzbar.pyzbar import decode

from kolejka.client import ConflictError, KolejkaClient
from server.appointments import Confirmation
from server.confirmations import blocks, render_pdf, render_png, sample
from tests.server.test_appointments import BOOKING_TOKEN, at, start_server
from tests.support import KIOSK_TOKEN, LiveServer

ZBARIMG = shutil.which("zbarimg")
GHOSTSCRIPT = shutil.which("gs")


@pytest.fixture
def server(sqlite_url: str, clock: Any, password_hash: str) -> Iterator[LiveServer]:
    live = start_server(sqlite_url, clock, password_hash)
    yield live
    live.stop()


def zbarimg(path: Path) -> list[str]:
    """Decode with zbar's command-line tool: `QR-Code:<payload>` per symbol."""
    assert ZBARIMG is not None, "zbarimg (Debian: zbar-tools) is needed for this test"
    result = subprocess.run(
        [ZBARIMG, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.split()


def test_a_png_confirmation_scans_and_checks_in_at_the_kiosk(
    server: LiveServer, tmp_path: Path
) -> None:
    with KolejkaClient(server.url, "test", BOOKING_TOKEN) as portal:
        booked = portal.create_appointment("A", at(24, 10, 15), "uk")
        png = portal.appointment_confirmation(booked.id, "png")
    path = tmp_path / "confirmation.png"
    path.write_bytes(png)
    payloads = zbarimg(path)
    assert payloads == [booked.token]
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert [s.data.decode() for s in decode(image)] == [booked.token]  # pyzbar agrees
    with KolejkaClient(server.url, "test", KIOSK_TOKEN) as kiosk:
        ticket = kiosk.check_in(payloads[0], language="uk")
        assert ticket.appointment_at == at(24, 10, 15) and ticket.language == "uk"
        with pytest.raises(ConflictError) as info:
            kiosk.check_in(payloads[0])
        assert info.value.code == "appointment_used"


def test_a_pdf_confirmation_scans_once_printed(server: LiveServer, tmp_path: Path) -> None:
    assert GHOSTSCRIPT is not None, "ghostscript renders the PDF for this test"
    with KolejkaClient(server.url, "test", BOOKING_TOKEN) as portal:
        booked = portal.create_appointment("A", at(24, 10, 30), "ru")
        pdf = portal.appointment_confirmation(booked.id, "pdf", language="pl")
    assert pdf.startswith(b"%PDF-")
    assert b"DejaVu" in pdf  # the font with Polish and Cyrillic letters is embedded
    source, page = tmp_path / "c.pdf", tmp_path / "page.png"
    source.write_bytes(pdf)
    subprocess.run(
        [
            GHOSTSCRIPT,
            "-q",
            "-dNOPAUSE",
            "-dBATCH",
            "-dSAFER",
            "-sDEVICE=pnggray",
            "-r200",
            f"-sOutputFile={page}",
            str(source),
        ],
        check=True,
        timeout=60,
    )
    assert zbarimg(page) == [booked.token]
    with KolejkaClient(server.url, "test", KIOSK_TOKEN) as kiosk:
        assert kiosk.check_in(zbarimg(page)[0]).appointment_at == at(24, 10, 30)


def test_the_confirmation_speaks_the_visitors_language() -> None:
    texts = {lang: [b.text for b in blocks(sample(lang))] for lang in ("pl", "en", "ru", "uk")}
    assert "Potwierdzenie wizyty" in texts["pl"] and "Co zabrać ze sobą" in texts["pl"]
    assert "Подтверждение записи" in texts["ru"]
    assert "Четверг, 26 ноября 2026\u202fг." in texts["ru"]  # Babel's narrow no-break space
    assert "Підтвердження запису" in texts["uk"] and "Що взяти з собою" in texts["uk"]
    assert "Thursday, November 26, 2026" in texts["en"]
    assert "10:30 – 10:45" in texts["en"]
    assert any("10:00" in t and "10:45" in t for t in texts["uk"])  # the check-in window
    assert "Паспорт, фотографія, квитанція про сплату гербового збору." in texts["uk"]


def test_a_confirmation_without_address_or_bring_text_leaves_them_out() -> None:
    bare: Confirmation = dataclasses.replace(sample("en"), address=None, bring_text=None)
    kinds = [b.kind for b in blocks(bare)]
    assert "What to bring" not in [b.text for b in blocks(bare)]
    assert kinds.count("muted") == 1  # only the closing note
    with Image.open(io.BytesIO(render_png(bare))) as image:
        assert image.width == 1000 and image.height > 1000
    assert render_pdf(bare).startswith(b"%PDF-")


def test_a_cancelled_appointment_has_no_confirmation(server: LiveServer) -> None:
    with KolejkaClient(server.url, "test", BOOKING_TOKEN) as portal:
        booked = portal.create_appointment("A", at(25, 9))
        portal.cancel_appointment(booked.id)
        with pytest.raises(ConflictError) as info:
            portal.appointment_confirmation(booked.id, "pdf")
        assert info.value.code == "appointment_cancelled"
