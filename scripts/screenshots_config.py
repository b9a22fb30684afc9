"""Screenshots of the console's configuration pages: `python scripts/screenshots_config.py [OUT]`.

Starts the demo server in this process (a temporary SQLite file), signs in as the demo's
administrator in headless Chromium and takes each page as a desk screen shows it: the
overview, services, a service form with a refused value, the concurrent-edit refusal,
counters, accounts, a device's token shown once, ticker and rules, the file. Images go to
docs/images/ (`config-*.png`).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from scripts.screenshots_display import SITE, DemoServer  # noqa: E402
from tests.display.chromium import Browser  # noqa: E402

PORT = 8497
WIDTH = 1366


def shoot(browser: Browser, path: Path, *, full: bool = True, height: int = 900) -> None:
    if full:
        height = min(2400, int(browser.evaluate("document.documentElement.scrollHeight")))
    browser.viewport(WIDTH, max(600, height))
    browser.screenshot(path)
    browser.viewport(WIDTH, 900)
    print(path)


def submit(browser: Browser, form: str) -> None:
    browser.evaluate(
        "document.body.dataset.lastAnswer = '';"
        f"document.getElementById('{form}').requestSubmit(); 1"
    )
    browser.wait_for("document.body.dataset.lastAnswer !== ''")


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "images"
    with tempfile.TemporaryDirectory() as tmp:
        server = DemoServer(Path(tmp) / "config.sqlite3", PORT)
        server.start()
        base = server.url
        try:
            with Browser(width=WIDTH, height=900) as browser:
                browser.open(f"{base}/admin/login?next=/admin/config")
                browser.evaluate(
                    "document.getElementById('username').value = 'admin';"
                    "document.getElementById('password').value = 'demo-admin';"
                    "document.querySelector('form.stacked').submit(); 1"
                )
                browser.wait_for("location.pathname === '/admin/config'")
                browser.wait_for("document.readyState === 'complete'")
                shoot(browser, out / "config-home.png")
                for page, name in [
                    ("services", "config-services.png"),
                    ("counters", "config-counters.png"),
                    ("clerks", "config-clerks.png"),
                    ("hall", "config-hall.png"),
                    ("file", "config-file.png"),
                ]:
                    browser.open(f"{base}/admin/config/{page}")
                    shoot(browser, out / name)

                browser.open(f"{base}/admin/config/services/A")
                browser.evaluate(
                    "document.querySelector('#service [name=daily_limit]').value = '0';"
                    "document.querySelector('#service [name=\"hours.sat\"]').value = '9-13'; 1"
                )
                submit(browser, "service")
                shoot(browser, out / "config-service-refused-pl.png")

                # Someone else saves service B while this form is open.
                browser.open(f"{base}/admin/config/services/B")
                token = httpx.post(
                    f"{base}/api/v1/auth/login",
                    json={"site": SITE, "username": "admin", "password": "demo-admin"},
                ).json()["access_token"]
                api = f"{base}/api/v1/sites/{SITE}/config"
                headers = {"Authorization": f"Bearer {token}"}
                listing = httpx.get(f"{api}/services", headers=headers).json()
                b = next(s for s in listing["services"] if s["code"] == "B")
                b["daily_limit"] = 80
                httpx.put(
                    f"{api}/services/B",
                    json={"revision": listing["revision"], "service": b},
                    headers=headers,
                ).raise_for_status()
                browser.evaluate(
                    "document.querySelector('#service [name=daily_limit]').value = '60'; 1"
                )
                submit(browser, "service")
                shoot(browser, out / "config-conflict-pl.png", full=False, height=700)

                browser.open(f"{base}/admin/config/devices")
                browser.evaluate(
                    "document.querySelector('#new-device [name=kind]').value = 'display';"
                    "document.querySelector('#new-device [name=name]').value = "
                    f"{json.dumps('Telewizor — poczekalnia B')};"
                    "document.querySelector('#new-device [name=zone]').value = '5-8'; 1"
                )
                submit(browser, "new-device")
                browser.evaluate("window.scrollTo(0, 0); 1")
                shoot(browser, out / "config-device-token-pl.png")

                browser.open(f"{base}/admin/language?to=en&next=/admin/config/services/E")
                browser.wait_for(
                    "document.readyState === 'complete' && document.documentElement.lang === 'en'"
                )
                shoot(browser, out / "config-service-en.png")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
