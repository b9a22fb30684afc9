"""Signing in to the /admin console over HTTP, as a browser does (cookies, form posts)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from tests.support import PASSWORD, LiveServer

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF field in the page"
    return found.group(1)


@contextmanager
def console(
    server: LiveServer, username: str = "boss", password: str = PASSWORD
) -> Iterator[httpx.Client]:
    """A client signed in to the console (its cookies held like a browser's)."""
    with httpx.Client(base_url=server.url, follow_redirects=False, timeout=30) as client:
        answer = sign_in(client, username, password)
        assert answer.status_code == 303, answer.text
        yield client


def sign_in(client: httpx.Client, username: str, password: str = PASSWORD) -> httpx.Response:
    page = client.get("/admin/login")
    assert page.status_code == 200
    return client.post(
        "/admin/login",
        data={
            "csrf": csrf_of(page.text),
            "site": "test",
            "username": username,
            "password": password,
            "next": "/admin/monitor",
        },
    )


def page_csrf(client: httpx.Client, path: str = "/admin/monitor") -> str:
    answer = client.get(path, headers={"Accept": "text/html"})
    assert answer.status_code == 200, answer.text
    return csrf_of(answer.text)
