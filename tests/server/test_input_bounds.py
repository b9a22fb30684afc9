"""Bad input is refused at the boundary (issue 11, items 3, 4 and 6): a 4xx JSON error in
the API's shape, and nothing changes. On SQLite and PostgreSQL, over real HTTP.

Before these checks each of the inputs below was a 500 on at least one database
(an id past the column's range, a day at the calendar's edge, a NUL character), an
undocumented 400 (a body that is not UTF-8), or was read whole however large it was.
"""

from __future__ import annotations

import socket
from typing import Any

import httpx
import pytest

from tests.support import KIOSK_TOKEN, PASSWORD

TOO_BIG_FOR_POSTGRES = 2**31  # int4 ends at 2**31 - 1
TOO_BIG_FOR_SQLITE = 2**63


def admin_headers(server: Any) -> dict[str, str]:
    answer = httpx.post(
        f"{server.url}/api/v1/auth/login",
        json={"site": "test", "username": "root", "password": PASSWORD},
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


KIOSK = {"Authorization": f"Bearer {KIOSK_TOKEN}"}


def last_seq(server: Any) -> int:
    """Every change is an event: an unchanged last sequence number means nothing changed."""
    answer = httpx.get(f"{server.url}/api/v1/sites/test/events?after=0&limit=1", headers=KIOSK)
    assert answer.status_code == 200, answer.text
    return int(answer.json()["last_seq"])


def assert_error(answer: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert answer.status_code == status, (answer.status_code, answer.text)
    assert answer.headers["content-type"].startswith("application/json")
    body = answer.json()
    assert set(body) == {"code", "detail", "params"}, body
    assert body["code"] == code, body
    assert body["detail"] and isinstance(body["params"], dict)
    return body


def request(server: Any, method: str, path: str, headers: dict[str, str], **kw: Any):
    # A fresh connection each time: a refused request may close its connection.
    with httpx.Client(base_url=f"{server.url}/api/v1") as client:
        return client.request(method, path, headers=headers, **kw)


OUT_OF_RANGE = [
    ("GET", f"/sites/test/tickets/{TOO_BIG_FOR_SQLITE}", None, "kiosk"),
    ("GET", f"/sites/test/tickets/{TOO_BIG_FOR_POSTGRES}", None, "kiosk"),
    ("POST", f"/sites/test/tickets/{TOO_BIG_FOR_POSTGRES}/cancel", None, "kiosk"),
    ("POST", f"/sites/test/tickets/{TOO_BIG_FOR_SQLITE}/finish", None, "admin"),
    ("POST", f"/sites/test/counters/{TOO_BIG_FOR_POSTGRES}/open", None, "admin"),
    ("POST", f"/sites/test/counters/{TOO_BIG_FOR_SQLITE}/call-next", None, "admin"),
    ("GET", f"/sites/test/appointments/{TOO_BIG_FOR_POSTGRES}", None, "admin"),
    ("POST", f"/sites/test/appointments/{TOO_BIG_FOR_SQLITE}/cancel", None, "admin"),
    ("GET", f"/sites/test/appointments/{TOO_BIG_FOR_POSTGRES}/confirmation.pdf", None, "admin"),
    ("GET", f"/sites/test/events?after={TOO_BIG_FOR_POSTGRES}", None, "kiosk"),
    ("GET", f"/sites/test/events?after={TOO_BIG_FOR_SQLITE}", None, "kiosk"),
    ("POST", "/sites/test/tickets/1/transfer", {"counter": TOO_BIG_FOR_POSTGRES}, "admin"),
    # Extreme days, and `0`, which pydantic read as 1970-01-01.
    ("GET", "/sites/test/stats/daily?day=9999-12-31", None, "admin"),
    ("GET", "/sites/test/stats/daily?day=0001-01-01", None, "admin"),
    ("GET", "/sites/test/stats/daily?day=0", None, "admin"),
    ("GET", "/sites/test/appointments/slots?service=A&day=0001-01-01", None, "admin"),
    ("GET", "/sites/test/appointments/slots?service=A&day=9999-12-31", None, "admin"),
    ("GET", "/sites/test/appointments?day=0", None, "admin"),
    (
        "POST",
        "/sites/test/appointments",
        {"service": "A", "start": "9999-12-31T23:45:00Z"},
        "admin",
    ),
    (
        "POST",
        "/sites/test/appointments",
        {"service": "A", "start": "0001-01-01T00:00:00+01:00"},
        "admin",
    ),
    ("POST", "/sites/test/appointments", {"service": "A", "start": 0}, "admin"),
]


def test_ids_and_days_out_of_range_are_refused_as_bad_input(live_server):
    headers = {"kiosk": KIOSK, "admin": admin_headers(live_server)}
    before = last_seq(live_server)
    for method, path, body, who in OUT_OF_RANGE:
        answer = request(live_server, method, path, headers[who], json=body)
        error = assert_error(answer, 422, "invalid_request")
        assert error["params"]["errors"], (path, error)
    assert last_seq(live_server) == before
    # In range, the same routes answer as before: an unknown id, a plain day.
    answer = request(live_server, "GET", "/sites/test/tickets/2147483647", KIOSK)
    assert_error(answer, 404, "ticket_not_found")
    answer = request(live_server, "GET", "/sites/test/stats/daily?day=2026-11-24", headers["admin"])
    assert answer.status_code == 200 and answer.json()["day"] == "2026-11-24"


NUL_INPUTS = [
    ("POST", "/auth/login", {"site": "te\x00st", "username": "root", "password": "x"}, None),
    ("POST", "/auth/login", {"site": "test", "username": "ro\x00ot", "password": "x"}, None),
    (
        "POST",
        "/auth/login",
        {"site": "test", "username": "root", "password": PASSWORD + "\x00"},
        None,
    ),
    ("GET", "/sites/test%00/services", None, "kiosk"),
    ("GET", "/sites/test/tickets/1%00", None, "kiosk"),
    ("GET", "/sites/test/appointments?service=A%00", None, "admin"),
    ("POST", "/sites/test/tickets", {"service": "A\x00"}, "kiosk"),
    ("POST", "/sites/test/printer-status", {"status": "online", "detail": "a\x00b"}, "kiosk"),
]


def test_nul_characters_are_refused_everywhere(live_server):
    headers = {"kiosk": KIOSK, "admin": admin_headers(live_server), None: {}}
    before = last_seq(live_server)
    for method, path, body, who in NUL_INPUTS:
        answer = request(live_server, method, path, headers[who], json=body)
        assert_error(answer, 422, "null_character")
    assert last_seq(live_server) == before
    # An escaped backslash followed by "u0000" is six ordinary characters, not a NUL.
    answer = request(
        live_server,
        "POST",
        "/sites/test/printer-status",
        {**KIOSK, "Content-Type": "application/json"},
        content=b'{"status": "online", "detail": "C:\\\\u0000"}',
    )
    assert answer.status_code == 204, answer.text


def test_a_body_that_is_not_utf8_is_a_documented_422(live_server):
    before = last_seq(live_server)
    for content in (
        '{"service": "Ä"}'.encode("latin-1"),
        b'{"service": "A", "language": "\xff\xfe"}',
        '{"service": "A"}'.encode("utf-16"),  # json.loads would have guessed this one
    ):
        answer = request(
            live_server,
            "POST",
            "/sites/test/tickets",
            {**KIOSK, "Content-Type": "application/json"},
            content=content,
        )
        assert answer.status_code == 422, answer.text
        assert answer.json()["code"] in ("invalid_encoding", "null_character")
    answer = request(
        live_server,
        "POST",
        "/auth/login",
        {"Content-Type": "application/json", "Accept-Language": "pl"},
        content=b'{"site": "\xe9", "username": "a", "password": "b"}',
    )
    body = assert_error(answer, 422, "invalid_encoding")
    assert body["detail"] == "Treść żądania nie jest poprawnym tekstem UTF-8."
    assert last_seq(live_server) == before
    spec = httpx.get(f"{live_server.url}/openapi.json").json()
    for operation in ("issue_ticket", "login"):
        responses = next(
            op["responses"]
            for item in spec["paths"].values()
            for op in item.values()
            if op.get("operationId") == operation
        )
        assert "422" in responses


# --- item 4: bounded requests ---------------------------------------------------------------


def raw_exchange(server: Any, head: bytes, body_part: bytes = b"") -> bytes:
    """Send a request head and only the start of its body, then read the answer.

    A server that waited for the whole body would never answer: the read times out and
    the test fails. An answer means the server refused without reading the rest.
    """
    with socket.create_connection(("127.0.0.1", server.port), timeout=15) as sock:
        sock.sendall(head + body_part)
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
        return answer


def head(method: str, path: str, *lines: str) -> bytes:
    text = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "".join(f"{x}\r\n" for x in lines)
    return (text + "\r\n").encode()


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


def test_large_bodies_are_refused_before_they_are_read(live_server):
    before = last_seq(live_server)
    # 20 MB announced, 1 KB sent: 413 at once, with or without a token.
    for auth in ((), (f"Authorization: Bearer {KIOSK_TOKEN}",), ("Authorization: Bearer nope",)):
        answer = raw_exchange(
            live_server,
            head(
                "POST",
                "/api/v1/sites/test/tickets",
                "Content-Type: application/json",
                "Content-Length: 20000000",
                *auth,
            ),
            b'{"service": "A", "x": "' + b"a" * 1000,
        )
        assert status_of(answer) == 413, answer[:300]
        assert b'"request_too_large"' in answer
    # Within the configuration's limit but past what an anonymous caller may send: the
    # token is checked first, and a missing or bad one is refused before the body.
    for auth, code in (
        ((), b"not_authenticated"),
        (("Authorization: Bearer nope",), b"invalid_token"),
    ):
        answer = raw_exchange(
            live_server,
            head(
                "PUT",
                "/api/v1/sites/test/config",
                "Content-Type: application/json",
                "Content-Length: 500000",
                *auth,
            ),
            b'{"code": "test", "x": "' + b"a" * 1000,
        )
        assert status_of(answer) == 401, answer[:300]
        assert code in answer
    # Without a length (chunked), the same: past 16 KiB the token is checked.
    chunk = b"a" * 40_000
    answer = raw_exchange(
        live_server,
        head(
            "POST",
            "/api/v1/sites/test/tickets",
            "Content-Type: application/json",
            "Transfer-Encoding: chunked",
        ),
        f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n",
    )
    assert status_of(answer) == 401, answer[:300]
    # Sign-in takes no token and no more than 16 KiB: 413, not 401.
    answer = raw_exchange(
        live_server,
        head("POST", "/api/v1/auth/login", "Transfer-Encoding: chunked"),
        f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n",
    )
    assert status_of(answer) == 413, answer[:300]
    assert last_seq(live_server) == before


def test_bodies_are_bounded_per_operation(live_server):
    admin = admin_headers(live_server)
    before = last_seq(live_server)
    padding = "a" * 100_000
    answer = request(
        live_server, "POST", "/sites/test/tickets", KIOSK, json={"service": "A", "x": padding}
    )
    body = assert_error(answer, 413, "request_too_large")
    assert body["params"] == {"max_bytes": 64 * 1024}
    assert last_seq(live_server) == before
    # The configuration may be larger: a 100 KB document reaches validation (422, not 413).
    answer = request(live_server, "PUT", "/sites/test/config", admin, json={"x": padding})
    assert_error(answer, 422, "invalid_request")
    # The CSV import larger still: 1 MB reaches the importer, which reads its lines.
    csv = "service,date,time\n" + "Z,2026-11-24,10:00\n" * 55_000
    answer = request(
        live_server,
        "POST",
        "/sites/test/appointments/import",
        {**admin, "Content-Type": "text/csv"},
        content=csv.encode(),
    )
    assert answer.status_code == 422 and answer.json()["code"] != "request_too_large"
    assert last_seq(live_server) == before


def test_headers_are_bounded(live_server):
    # 100 KB of header in one piece: 431 in the API's shape, and the request goes no further.
    answer = raw_exchange(live_server, head("GET", "/healthz", "X-Big: " + "a" * 100_000))
    assert status_of(answer) == 431, answer[:300]
    assert b'"headers_too_large"' in answer
    # 8 MB: cut off while it is still being sent (the answer, or a reset, ends it).
    with socket.create_connection(("127.0.0.1", live_server.port), timeout=15) as sock:
        big = head("GET", "/healthz", "X-Big: " + "a" * 8 * 1024 * 1024)
        try:
            sock.sendall(big)
            answer = sock.recv(65536)
        except ConnectionError:
            answer = b""
        assert b"200 OK" not in answer
    # A NUL in a header value: the parser refuses the request, in the API's shape.
    answer = raw_exchange(live_server, head("GET", "/healthz", "X-Note: a\x00b"))
    assert status_of(answer) == 400, answer[:300]
    assert b'"invalid_request"' in answer
    # A normal request still works.
    assert httpx.get(f"{live_server.url}/healthz").status_code == 200


def test_405_names_the_allowed_methods(live_server):
    admin = admin_headers(live_server)
    cases = [
        ("DELETE", "/sites/test/config", "GET, PUT"),
        ("PATCH", "/sites/test/tickets", "POST"),
        ("GET", "/sites/test/tickets/1/cancel", "POST"),
    ]
    for method, path, allow in cases:
        answer = request(live_server, method, path, admin)
        body = assert_error(answer, 405, "method_not_allowed")
        assert answer.headers["allow"] == allow
        assert body["params"] == {"allow": allow}


@pytest.mark.parametrize("after", [TOO_BIG_FOR_POSTGRES, TOO_BIG_FOR_SQLITE])
def test_event_stream_refuses_an_out_of_range_after(live_server, after):
    """Refused at the handshake (403), where it was a 500 inside the stream."""
    import websockets.sync.client as ws_client
    from websockets.exceptions import InvalidStatus

    url = live_server.url.replace("http", "ws") + "/api/v1/sites"
    for bad in (f"/test/events?after={after}", "/te%00st/events?after=0"):
        with pytest.raises(InvalidStatus) as refused:
            ws_client.connect(f"{url}{bad}&token={KIOSK_TOKEN}", open_timeout=15)
        assert refused.value.response.status_code == 403
    with ws_client.connect(f"{url}/test/events?token={KIOSK_TOKEN}") as ws:
        assert '"reset"' in ws.recv(timeout=15)


CONFIG_PAST_THE_COLUMNS = [
    (("name",), "x" * 201),
    (("services", 0, "group"), "g" * 41),
    (("services", 0, "daily_limit"), TOO_BIG_FOR_POSTGRES),
    (("counters", 0, "services", 0, "order"), TOO_BIG_FOR_POSTGRES),
    (("counters", 0, "name"), "n" * 101),
    (("devices", 0, "name"), "d" * 101),
    (("devices", 0, "counter"), TOO_BIG_FOR_POSTGRES),
    (("clerks", 0, "display_name"), "c" * 201),
]


def test_a_configuration_past_the_columns_is_refused_and_changes_nothing(live_server):
    """PostgreSQL answered each of these with a 500 (a value too long for its column or
    out of int4's range); SQLite stored them."""
    import copy
    import json

    admin = admin_headers(live_server)
    original = request(live_server, "GET", "/sites/test/config", admin).json()
    for path, value in CONFIG_PAST_THE_COLUMNS:
        document = copy.deepcopy(original)
        target = document
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
        answer = request(live_server, "PUT", "/sites/test/config", admin, json=document)
        error = assert_error(answer, 422, "invalid_request")
        assert error["params"]["errors"][0]["loc"][-1] == str(path[-1]), (path, error)
    # A weight of 1e400 is infinity once parsed.
    text = json.dumps(original).replace('"weight": 1.0', '"weight": 1e400', 1)
    assert "1e400" in text
    answer = request(
        live_server,
        "PUT",
        "/sites/test/config",
        {**admin, "Content-Type": "application/json"},
        content=text.encode(),
    )
    assert_error(answer, 422, "invalid_request")
    assert request(live_server, "GET", "/sites/test/config", admin).json() == original
