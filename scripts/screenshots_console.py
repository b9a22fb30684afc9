"""Screenshots of the manager's console: `python scripts/screenshots_console.py [OUT]`.

Starts the demo office and a delegation on a live server in this process (a temporary
SQLite file), fills the hall (tickets waiting for a while, counters serving, one paused,
a printer low on paper) and photographs each console page in headless Chromium at
1920×1080 (the monitor also on a 1366×768 laptop). Images go to docs/images/.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.display.chromium import Browser  # noqa: E402
from tests.web.console_office import fill_hall, start_office  # noqa: E402
from tests.web.test_console import save_screenshots  # noqa: E402


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "images"
    with tempfile.TemporaryDirectory() as tmp:
        server = start_office(f"sqlite:///{Path(tmp) / 'console.sqlite3'}")
        try:
            fill_hall(server)
            with Browser() as browser:
                for path in save_screenshots(server, browser, out):
                    print(path)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
