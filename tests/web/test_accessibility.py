"""Every web page the server serves passes axe-core's WCAG 2.1 AA rules, on a phone and a TV.

axe-core comes from the npm registry (scripts/setup.sh puts it in .tools/); the pages are
the real ones, on the demo office, in headless Chromium.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.display.chromium import Browser
from tests.support import LiveServer
from tests.web.demo import DEMO_DISPLAY_TOKEN, SIZES, clerk, demo_server, issue

__all__ = ["demo_server"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with Browser() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def pages(demo_server: LiveServer) -> dict[str, str]:
    """Each page's address, with a waiting ticket, a called one, and a call on the board."""
    waiting = issue(demo_server, "A", "uk")
    called = issue(demo_server, "B", "pl")
    issue(demo_server, "B", "en")  # someone waits behind the called one
    anna = clerk(demo_server, "anna", 4)  # B first
    try:
        assert anna.call_next(4) is not None
    finally:
        anna.close()
    base = demo_server.url
    return {
        "front": f"{base}/",
        "docs": f"{base}/docs",
        "ticket-waiting": f"{base}/t/{waiting.public_id}",
        "ticket-called": f"{base}/t/{called.public_id}",
        "board": f"{base}/display/demo?token={DEMO_DISPLAY_TOKEN}",
    }


READY = {
    "front": "document.querySelector('main') !== null",
    "docs": "document.querySelectorAll('.opblock').length > 20",
    "ticket-waiting": "document.body.dataset.status === 'waiting'",
    "ticket-called": "document.body.dataset.status === 'called'",
    "board": "document.body.dataset.connection === 'online'"
    " && document.getElementById('current-number').textContent !== '—'",
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("page", READY)
def test_no_wcag_21_aa_violations(
    pages: dict[str, str], browser: Browser, page: str, size: str
) -> None:
    width, height = SIZES[size]
    browser.viewport(width, height, mobile=size == "phone")
    browser.open(pages[page])
    browser.wait_for(READY[page])
    violations = browser.axe()
    assert violations == [], "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["nodes"])
        for v in violations
    )
