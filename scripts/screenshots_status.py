"""Screenshots of the visitor's live ticket page: `python scripts/screenshots_status.py [OUT]`.

Starts the demo server in this process (a temporary SQLite file), issues two tickets and
opens the second one's status page (`/t/{public id}`) in headless Chromium at a phone's
size: waiting (Ukrainian), then called to a window (Russian). Images go to docs/images/.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kolejka.client import KolejkaClient  # noqa: E402
from scripts.screenshots_display import SITE, DemoServer  # noqa: E402
from tests.display.chromium import Browser  # noqa: E402

PORT = 8498


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "images"
    with tempfile.TemporaryDirectory() as tmp:
        server = DemoServer(Path(tmp) / "status.sqlite3", PORT)
        server.start()
        try:
            with KolejkaClient(server.url, SITE, "demo-kiosk-token-0001") as kiosk:
                for _ in range(3):
                    kiosk.issue_ticket("A", "pl", "normal")
                mine = kiosk.issue_ticket("A", "uk", "normal")
            with Browser(width=390, height=844) as phone:
                phone.send(
                    "Emulation.setDeviceMetricsOverride",
                    width=390,
                    height=844,
                    deviceScaleFactor=2,
                    mobile=True,
                )
                phone.open(f"{server.url}/t/{mine.public_id}?lang=uk")
                phone.wait_for("document.body.dataset.status === 'waiting'")
                phone.screenshot(out / "status-waiting-uk.png")

                clerk = KolejkaClient(server.url, SITE)
                clerk.login("marek", "demo1234")
                clerk.open_counter(4)
                while (called := clerk.call_next(4)) is not None and called.id != mine.id:
                    clerk.start_service(called.id)
                    clerk.finish_ticket(called.id)
                phone.open(f"{server.url}/t/{mine.public_id}?lang=ru")
                phone.wait_for("document.body.dataset.status === 'called'")
                phone.screenshot(out / "status-called-ru.png")
                clerk.close()
        finally:
            server.stop()
    print(f"wrote {out}/status-waiting-uk.png and status-called-ru.png")


if __name__ == "__main__":
    main()
