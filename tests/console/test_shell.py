"""The console's shell: sign-in for supervisors and admins only, the session cookie, CSRF,
sign-out and the language switch, on a live server."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.console.helpers import console, csrf_of, page_csrf, sign_in
from tests.support import LiveServer


@pytest.fixture
def server(sqlite_server: LiveServer) -> Iterator[LiveServer]:
    yield sqlite_server


def fresh(server: LiveServer) -> httpx.Client:
    return httpx.Client(base_url=server.url, follow_redirects=False, timeout=30)


def test_a_supervisor_signs_in_and_gets_a_strict_httponly_session_cookie(
    server: LiveServer,
) -> None:
    with fresh(server) as client:
        answer = sign_in(client, "boss")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/admin/monitor"
        cookie = next(c for c in answer.headers.get_list("set-cookie") if "kolejka_console=" in c)
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/admin" in cookie
        assert "Secure" not in cookie  # plain http here; https gets Secure
        page = client.get("/admin/monitor", headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert "Monitor" in page.text or "Monitor" in page.text
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert "form-action 'self'" in page.headers["content-security-policy"]


def test_without_a_session_a_page_goes_to_the_sign_in_form(server: LiveServer) -> None:
    with fresh(server) as client:
        answer = client.get("/admin/monitor", headers={"Accept": "text/html"})
        assert answer.status_code == 303
        assert answer.headers["location"] == "/admin/login?next=/admin/monitor"
        assert client.get("/admin/monitor").status_code == 401  # a script's fetch: JSON


def test_a_clerk_is_refused_with_a_page_that_says_why(server: LiveServer) -> None:
    with fresh(server) as client:
        answer = sign_in(client, "clerk1")
        assert answer.status_code == 403
        assert "kolejka_console=" not in answer.headers.get("set-cookie", "")
        assert "Konsola jest dla kierowników i administratorów" in answer.text


def test_a_clerks_token_cannot_open_the_console(server: LiveServer) -> None:
    token = httpx.post(
        f"{server.url}/api/v1/auth/login",
        json={"site": "test", "username": "clerk1", "password": "secret-pass"},
    ).json()["access_token"]
    with fresh(server) as client:
        client.cookies.set("kolejka_console", token, path="/admin")
        answer = client.get("/admin/monitor", headers={"Accept": "text/html"})
        assert answer.status_code == 403
        assert client.get("/admin/monitor").json()["code"] == "console_staff_only"


def test_a_forged_or_foreign_cookie_is_no_session(server: LiveServer) -> None:
    with console(server) as signed_in:
        real = signed_in.cookies["kolejka_console"]
    head, payload, _signature = real.split(".")
    for forged in (f"{head}.{payload}.AAAA", "not-a-token", "test-kiosk-token-000001"):
        with fresh(server) as client:
            client.cookies.set("kolejka_console", forged, path="/admin")
            answer = client.get("/admin/monitor", headers={"Accept": "text/html"})
            assert answer.status_code in (303, 403), forged
            assert answer.status_code == 403 if forged.startswith("test-kiosk") else True


def test_wrong_password_re_renders_the_form_with_the_reason(server: LiveServer) -> None:
    with fresh(server) as client:
        answer = sign_in(client, "boss", "wrong-password")
        assert answer.status_code == 401
        assert 'role="alert"' in answer.text
        assert "kolejka_console=" not in answer.headers.get("set-cookie", "")


def test_the_sign_in_form_needs_its_own_token(server: LiveServer) -> None:
    with fresh(server) as client:
        answer = client.post(
            "/admin/login", data={"site": "test", "username": "boss", "password": "secret-pass"}
        )
        assert answer.status_code == 403
        assert "kolejka_console=" not in answer.headers.get("set-cookie", "")


def test_bad_sign_in_input_is_a_4xx_page(server: LiveServer) -> None:
    with fresh(server) as client:
        page = client.get("/admin/login")
        token = csrf_of(page.text)
        for data in (
            {"csrf": token, "site": "", "username": "", "password": ""},
            {"csrf": token, "site": "nowhere", "username": "boss", "password": "x"},
            {"csrf": token, "site": "test", "username": "boss", "password": "x" * 500},
        ):
            answer = client.post("/admin/login", data=data)
            assert 400 <= answer.status_code < 500, data
        huge = client.post(
            "/admin/login",
            content=b"a=" + b"x" * 40_000,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert 400 <= huge.status_code < 500


def test_sign_out_needs_the_csrf_token_and_ends_the_session(server: LiveServer) -> None:
    with console(server) as client:
        assert client.post("/admin/logout", data={"csrf": "forged"}).status_code == 403
        assert client.post("/admin/logout").status_code == 403
        token = page_csrf(client)
        answer = client.post("/admin/logout", data={"csrf": token})
        assert answer.status_code == 303
        assert answer.headers["location"] == "/admin/login"
        answer = client.get("/admin/monitor", headers={"Accept": "text/html"})
        assert answer.status_code == 303


def test_the_console_speaks_polish_first_and_switches_language(server: LiveServer) -> None:
    with console(server) as client:
        page = client.get("/admin/monitor", headers={"Accept": "text/html"})
        assert '<html lang="pl">' in page.text
        assert "Wyloguj" in page.text
        switched = client.get("/admin/language", params={"to": "uk", "next": "/admin/monitor"})
        assert switched.status_code == 303 and switched.headers["location"] == "/admin/monitor"
        page = client.get("/admin/monitor", headers={"Accept": "text/html"})
        assert '<html lang="uk">' in page.text
        away = client.get("/admin/language", params={"to": "en", "next": "//evil.example/"})
        assert away.headers["location"] == "/admin"


def test_only_the_consoles_own_assets_are_served(server: LiveServer) -> None:
    with fresh(server) as client:
        assert client.get("/admin/assets/console.js").status_code == 200
        assert client.get("/admin/assets/console.css").status_code == 200
        assert client.get("/admin/assets/base.html").status_code == 404
        assert client.get("/admin/assets/..%2Fbase.html").status_code == 404
