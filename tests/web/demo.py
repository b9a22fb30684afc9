"""The demo office on a live server, for tests of the web pages with the demo's real names."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support import T0, LiveServer

DEMO_DISPLAY_TOKEN = "demo-display-token-0001"
DEMO_ZONE_TOKEN = "demo-display-token-0002"  # the display of counters 5-8
DEMO_KIOSK_TOKEN = "demo-kiosk-token-0001"
DEMO_PASSWORD = "demo1234"
PHONE = (390, 844)
TV = (1920, 1080)
SIZES = {"phone": PHONE, "tv": TV}


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One demo office for a module's tests (its pages only read, but for the calls made)."""
    from server.app import DEMO_CONFIG, create_app
    from server.clock import ManualClock
    from server.settings import Settings
    from server.siteconfig import load_config

    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite3'}"
    settings = Settings(environment="test", database_url=url, kiosk_rate_per_minute=100_000)
    config = load_config(DEMO_CONFIG)
    clock = ManualClock(T0)
    server = LiveServer(lambda: create_app(settings, clock=clock, site_config=config)).start()
    yield server
    server.stop()


def issue(server: LiveServer, service: str, language: str) -> Any:
    from kolejka.client import KolejkaClient

    with KolejkaClient(server.url, "demo", DEMO_KIOSK_TOKEN) as kiosk:
        return kiosk.issue_ticket(service, language, "normal")


def clerk(server: LiveServer, username: str, counter: int) -> Any:
    from kolejka.client import KolejkaClient

    client = KolejkaClient(server.url, "demo")
    client.login(username, DEMO_PASSWORD)
    client.open_counter(counter)
    return client
