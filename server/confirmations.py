"""Appointment confirmations as PNG (Pillow) and PDF (fpdf2), in the visitor's language.

Both formats draw the same list of blocks (`blocks()`): site and address, service, date
and time, the QR code with the signed token, the short code, the check-in window and
what to bring. No name or contact is printed. Text is set in DejaVu (Polish and Cyrillic);
the fonts come from the system (Debian: fonts-dejavu-core).

    python -m server.confirmations docs/images   # sample images, one per language
"""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

import qrcode
from babel.dates import format_date
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont
from qrcode.constants import ERROR_CORRECT_M

from kolejka.i18n import LANGUAGES, translator
from server.appointments import Confirmation
from server.errors import FontsMissing

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts/dejavu"),
)
FONT_FILES = {
    "regular": "DejaVuSans.ttf",
    "bold": "DejaVuSans-Bold.ttf",
    "mono": "DejaVuSansMono-Bold.ttf",
}


@cache
def font_path(kind: str) -> Path:
    name = FONT_FILES[kind]
    for folder in FONT_DIRS:
        if (folder / name).is_file():
            return folder / name
    raise FontsMissing(f"{name} not found in {', '.join(map(str, FONT_DIRS))}")


# --- content --------------------------------------------------------------------------------

Kind = Literal["site", "muted", "rule", "title", "label", "strong", "big", "qr", "code", "text"]


@dataclass(frozen=True, slots=True)
class Block:
    kind: Kind
    text: str = ""
    center: bool = False


def blocks(c: Confirmation) -> list[Block]:
    _ = translator(c.language).gettext
    when = format_date(c.start.date(), format="full", locale=c.language)
    out = [Block("site", c.site_name)]
    if c.address:
        out.append(Block("muted", c.address))
    out += [
        Block("rule"),
        Block("title", _("Appointment confirmation")),
        Block("label", _("Service")),
        Block("strong", c.service_name),
        Block("label", _("Date")),
        Block("strong", when[:1].upper() + when[1:]),
        Block("label", _("Time")),
        Block("big", f"{c.start:%H:%M} – {c.end:%H:%M}"),
        Block("qr", c.token, center=True),
        Block("label", _("Booking code"), center=True),
        Block("code", c.code, center=True),
        Block(
            "text",
            _(
                "Check in at the kiosk in the hall between {start} and {end}: "
                "scan the QR code or type the booking code."
            ).format(start=f"{c.checkin_from:%H:%M}", end=f"{c.checkin_until:%H:%M}"),
        ),
    ]
    if c.bring_text:
        out += [Block("label", _("What to bring")), Block("text", c.bring_text)]
    out += [Block("rule"), Block("muted", _("This confirmation contains no personal data."))]
    return out


def qr_image(payload: str, box_size: int = 10) -> Image.Image:
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=4)
    qr.add_data(payload)
    qr.make(fit=True)
    image = qr.make_image(fill_color="black", back_color="white").get_image()
    return image.convert("RGB")


# --- PNG ------------------------------------------------------------------------------------

PNG_WIDTH = 1000
PNG_MARGIN = 64
PNG_STYLE: dict[str, tuple[str, int, str, int]] = {
    # kind: (font, size px, colour, space after px)
    "site": ("bold", 34, "#1a1a1a", 6),
    "muted": ("regular", 26, "#555555", 10),
    "title": ("bold", 46, "#0b3d91", 24),
    "label": ("regular", 24, "#555555", 4),
    "strong": ("bold", 34, "#1a1a1a", 18),
    "big": ("bold", 64, "#1a1a1a", 16),
    "code": ("mono", 64, "#1a1a1a", 24),
    "text": ("regular", 28, "#1a1a1a", 18),
}


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if font.getlength(candidate) <= width or not line:
                line = candidate
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def render_png(c: Confirmation) -> bytes:
    canvas = Image.new("RGB", (PNG_WIDTH, 4000), "white")
    draw = ImageDraw.Draw(canvas)
    inner = PNG_WIDTH - 2 * PNG_MARGIN
    y = PNG_MARGIN
    for block in blocks(c):
        if block.kind == "rule":
            y += 8
            draw.line([(PNG_MARGIN, y), (PNG_WIDTH - PNG_MARGIN, y)], fill="#999999", width=3)
            y += 24
            continue
        if block.kind == "qr":
            image = qr_image(block.text)
            side = 440
            image = image.resize((side, side), Image.Resampling.NEAREST)
            canvas.paste(image, ((PNG_WIDTH - side) // 2, y))
            y += side + 8
            continue
        font_kind, size, colour, after = PNG_STYLE[block.kind]
        font = ImageFont.truetype(str(font_path(font_kind)), size)
        for line in _wrap(block.text, font, inner):
            x = PNG_MARGIN
            if block.center:
                x = int((PNG_WIDTH - font.getlength(line)) / 2)
            draw.text((x, y), line, font=font, fill=colour)
            y += int(size * 1.3)
        y += after
    page = canvas.crop((0, 0, PNG_WIDTH, y + PNG_MARGIN))
    buf = io.BytesIO()
    page.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


# --- PDF ------------------------------------------------------------------------------------

PDF_STYLE: dict[str, tuple[str, str, float, tuple[int, int, int], float]] = {
    # kind: (family, style, size pt, colour, space after mm)
    "site": ("DejaVu", "B", 13, (26, 26, 26), 1),
    "muted": ("DejaVu", "", 10, (85, 85, 85), 2),
    "title": ("DejaVu", "B", 18, (11, 61, 145), 5),
    "label": ("DejaVu", "", 9, (85, 85, 85), 0.5),
    "strong": ("DejaVu", "B", 13, (26, 26, 26), 3),
    "big": ("DejaVu", "B", 22, (26, 26, 26), 2),
    "code": ("DejaVuMono", "B", 22, (26, 26, 26), 4),
    "text": ("DejaVu", "", 10.5, (26, 26, 26), 3),
}
PDF_QR_MM = 48


def render_pdf(c: Confirmation) -> bytes:
    pdf = FPDF(orientation="portrait", unit="mm", format=(148, 210))  # A5
    pdf.set_margins(12, 12, 12)
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_font("DejaVu", "", str(font_path("regular")))
    pdf.add_font("DejaVu", "B", str(font_path("bold")))
    pdf.add_font("DejaVuMono", "B", str(font_path("mono")))
    _ = translator(c.language).gettext
    pdf.set_title(_("Appointment confirmation"))
    pdf.set_lang(c.language)
    pdf.add_page()
    for block in blocks(c):
        if block.kind == "rule":
            pdf.ln(1)
            pdf.set_draw_color(153, 153, 153)
            pdf.set_line_width(0.4)
            pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
            pdf.ln(3)
            continue
        if block.kind == "qr":
            pdf.image(qr_image(block.text), x=(pdf.w - PDF_QR_MM) / 2, w=PDF_QR_MM)
            pdf.ln(1)
            continue
        family, style, size, colour, after = PDF_STYLE[block.kind]
        pdf.set_font(family, style, size)
        pdf.set_text_color(*colour)
        pdf.multi_cell(
            0,
            size * 0.45,
            block.text,
            align="C" if block.center else "L",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.ln(after)
    return bytes(pdf.output())


# --- samples for the documentation ---------------------------------------------------------


def sample(language: str) -> Confirmation:
    """A demo-office confirmation, as the booking portal would get it."""
    zone = ZoneInfo("Europe/Warsaw")
    names = {
        "pl": "Wniosek o pobyt czasowy",
        "en": "Temporary residence application",
        "ru": "Заявление на временное пребывание",
        "uk": "Заява на тимчасове проживання",
    }
    bring = {
        "pl": "Paszport, zdjęcie, dowód opłaty skarbowej.",
        "en": "Passport, photo, proof of the stamp fee.",
        "ru": "Паспорт, фотография, квитанция об оплате гербового сбора.",
        "uk": "Паспорт, фотографія, квитанція про сплату гербового збору.",
    }
    return Confirmation(
        language=language,
        site_name="Urząd Wojewódzki — Wydział Spraw Cudzoziemców",
        address="ul. Przykładowa 1, 00-001 Warszawa",
        service_name=names[language],
        bring_text=bring[language],
        start=datetime(2026, 11, 26, 10, 30, tzinfo=zone),
        end=datetime(2026, 11, 26, 10, 45, tzinfo=zone),
        checkin_from=datetime(2026, 11, 26, 10, 0, tzinfo=zone),
        checkin_until=datetime(2026, 11, 26, 10, 45, tzinfo=zone),
        code="7KQ4-M2XH",
        token="KA1.0000SAMPLE00000.0000NOTVALID000",
    )


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else Path("docs/images")
    folder.mkdir(parents=True, exist_ok=True)
    for language in LANGUAGES:
        (folder / f"confirmation-{language}.png").write_bytes(render_png(sample(language)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
