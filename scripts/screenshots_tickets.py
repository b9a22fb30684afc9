"""Printed-ticket images for the README: `python scripts/screenshots_tickets.py [OUT]`.

Starts the demo server in this process (a temporary SQLite file) and prints tickets the
way a kiosk does — the kiosk's own `TicketIssuer` on the preview printer, which draws
exactly what the paper would show — for the demo's current services, in four languages,
on 80 mm and 58 mm paper. Images go to docs/images/ticket-<language>-<width>mm.png.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kiosk.issuing import TicketIssuer  # noqa: E402
from kolejka.client import KolejkaClient  # noqa: E402
from printers import PrinterConfig, open_printer  # noqa: E402
from scripts.screenshots_display import SITE, DemoServer  # noqa: E402

PORT = 8497
# (language, service, paper): the longest name (B) among them, as a visitor would pick.
TICKETS = [("pl", "A", 80), ("uk", "B", 80), ("ru", "C", 58), ("en", "B", 58)]


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "images"
    with tempfile.TemporaryDirectory() as tmp:
        server = DemoServer(Path(tmp) / "tickets.sqlite3", PORT)
        server.start()
        try:
            with KolejkaClient(server.url, SITE, "demo-kiosk-token-0001") as kiosk:
                for _ in range(4):  # a few people ahead, so the ticket says how many
                    kiosk.issue_ticket("A", "pl", "normal")
                    kiosk.issue_ticket("B", "pl", "normal")
                for language, service, width in TICKETS:
                    folder = Path(tmp) / f"{language}-{width}"
                    config = PrinterConfig(kind="preview", preview_dir=folder, width_mm=width)
                    with open_printer(config) as printer:
                        issuer = TicketIssuer(
                            kiosk, printer, status_base="http://192.168.1.20:8420"
                        )
                        issuer.issue(service, language, priority=False)
                    (image,) = folder.glob("*.png")
                    target = out / f"ticket-{language}-{width}mm.png"
                    shutil.copyfile(image, target)
                    print(f"wrote {target}")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
