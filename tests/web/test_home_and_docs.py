"""`GET /` leads somewhere, and `/docs` shows in a browser that reaches no outside host."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from tests.display.chromium import Browser
from tests.support import LiveServer


@pytest.fixture
def browser() -> Iterator[Browser]:
    with Browser() as chromium:
        chromium.viewport(1280, 720)
        yield chromium


def test_api_documentation_renders_from_this_server_alone(
    sqlite_server: LiveServer, browser: Browser
) -> None:
    browser.open(f"{sqlite_server.url}/docs")
    browser.wait_for("document.querySelectorAll('.opblock').length > 20")
    assert "Kolejka" in browser.evaluate("document.querySelector('.info .title').textContent")
    assert browser.evaluate("document.documentElement.lang") == "en"
    hosts = {urlsplit(url).netloc for url in browser.requests if not url.startswith("data:")}
    assert hosts == {f"127.0.0.1:{sqlite_server.port}"}, browser.requests
    assert browser.log == []


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/docs/assets/swagger-ui-bundle.js", 200),
        ("/docs/assets/swagger-ui.css", 200),
        ("/docs/assets/index.html", 404),
        ("/docs/assets/..%2F__init__.py", 404),
        ("/docs/oauth2-redirect", 200),
        ("/redoc", 404),  # ReDoc exists only on a CDN
    ],
)
def test_only_the_documentations_own_files_are_served(
    sqlite_server: LiveServer, path: str, status: int
) -> None:
    assert httpx.get(f"{sqlite_server.url}{path}").status_code == status


@pytest.mark.parametrize(
    ("accept", "query", "language", "heading"),
    [
        ("uk-UA,uk;q=0.9", "", "uk", "Табло залу в браузері"),
        ("en-GB", "", "en", "Hall board in a browser"),
        ("en-GB", "?lang=pl", "pl", "Tablica w przeglądarce"),
        ("ru", "", "ru", "Табло зала в браузере"),
    ],
)
def test_the_front_page_leads_to_the_board_the_docs_and_the_status_in_the_visitors_language(
    sqlite_server: LiveServer, accept: str, query: str, language: str, heading: str
) -> None:
    response = httpx.get(f"{sqlite_server.url}/{query}", headers={"Accept-Language": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert f'<html lang="{language}">' in response.text
    assert heading in response.text
    for link in ('href="/display/test"', 'href="/docs"', 'href="/readyz"'):
        assert link in response.text
    assert "Test Office" in response.text
    for target in ("/docs", "/readyz", "/home/assets/home.css"):
        assert httpx.get(f"{sqlite_server.url}{target}").status_code == 200


def test_the_front_page_shows_in_a_browser_with_its_own_style(
    sqlite_server: LiveServer, browser: Browser
) -> None:
    browser.open(f"{sqlite_server.url}/?lang=en")
    assert browser.evaluate("getComputedStyle(document.querySelector('h1')).color") == (
        "rgb(11, 61, 145)"
    )
    assert browser.log == []
