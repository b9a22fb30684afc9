"""Screenshots of the console's statistics: `python scripts/screenshots_stats.py [OUT]`.

Starts the server as `kolejka demo` does (a temporary SQLite file, five weeks of
history), signs in to the console as the demo's supervisor in headless Chromium and takes
the statistics page (the last four weeks; English and Polish), the forecast, and the
first pages of the PDF report (Ghostscript). Images go to docs/images/.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kolejka.demo import SUPERVISOR, ServerThread  # noqa: E402
from tests.display.chromium import Browser  # noqa: E402

PORT = 8497


def full_page(browser: Browser, path: Path, width: int = 1280) -> None:
    height = browser.evaluate("document.documentElement.scrollHeight")
    browser.viewport(width, int(height))
    browser.wait_for(
        "[...document.querySelectorAll('img')].every(i => i.complete && i.naturalWidth > 0)",
        timeout=180,
    )
    browser.screenshot(path)


def main() -> None:
    from server.app import create_app
    from server.settings import Settings

    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "images"
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(database_url=f"sqlite:///{tmp}/demo.sqlite3", port=PORT)
        server = ServerThread(create_app(settings, demo=True, history_weeks=5), PORT)
        server.start(timeout=300)
        url = f"http://127.0.0.1:{PORT}"
        end = date.today() - timedelta(days=1)
        start = end - timedelta(days=27)
        try:
            with Browser(width=1280, height=900, timeout=180) as browser:
                browser.open(f"{url}/admin/login?next=/admin/stats")
                browser.evaluate(
                    f"document.getElementById('username').value = {SUPERVISOR[0]!r};"
                    f"document.getElementById('password').value = {SUPERVISOR[1]!r};"
                    "document.querySelector('form.stacked').requestSubmit(); true"
                )
                browser.wait_for("location.pathname === '/admin/stats'")
                for language in ("en", "pl"):
                    browser.open(f"{url}/admin/language?to={language}&next=/admin/stats")
                    browser.open(f"{url}/admin/stats?from={start}&to={end}")
                    full_page(browser, out / f"stats-range-{language}.png")
                    browser.viewport(1280, 900)
                browser.open(f"{url}/admin/language?to=en&next=/admin/stats")
                browser.open(f"{url}/admin/stats/forecast")
                full_page(browser, out / "stats-forecast-en.png")
                pdf = browser.evaluate(
                    f"fetch('/admin/stats/report.pdf?from={start}&to={end}')"
                    ".then(r => r.blob()).then(b => new Promise(ok => { const f = new FileReader();"
                    " f.onload = () => ok(f.result.split(',')[1]); f.readAsDataURL(b); }))",
                    await_promise=True,
                )
        finally:
            server.stop()
        import base64

        report = Path(tmp) / "report.pdf"
        report.write_bytes(base64.b64decode(pdf))
        subprocess.run(
            [
                "gs",
                "-q",
                "-dSAFER",
                "-dBATCH",
                "-dNOPAUSE",
                "-sDEVICE=png16m",
                "-r90",
                "-dFirstPage=1",
                "-dLastPage=3",
                f"-sOutputFile={out}/stats-report-%d.png",
                str(report),
            ],
            check=True,
        )
    print(
        f"wrote {out}/stats-range-en.png, stats-range-pl.png, stats-forecast-en.png, "
        "stats-report-1..3.png"
    )


if __name__ == "__main__":
    main()
