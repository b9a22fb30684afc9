"""Staff sign-in against a real OpenLDAP server (Debian's slapd), started by the tests.

A private slapd on a free port in a temporary folder, loaded with a small LDIF: people
under ou=people and three groupOfNames that give the roles. Skipped (with the reason)
only where slapd is not installed (scripts/setup.sh installs it).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support import PASSWORD, LiveServer, free_port, make_server

SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
SLAPADD = shutil.which("slapadd") or "/usr/sbin/slapadd"
BASE = "dc=example,dc=org"
ADMIN_DN = f"cn=admin,{BASE}"
ADMIN_PASSWORD = "directory-admin"
GROUPS = {
    "clerk": f"cn=kolejka-clerks,ou=groups,{BASE}",
    "supervisor": f"cn=kolejka-supervisors,ou=groups,{BASE}",
    "admin": f"cn=kolejka-admins,ou=groups,{BASE}",
}
PEOPLE = {  # uid: (display name, password, groups)
    "anna": ("Anna Nowak", "anna-directory-pass", ["clerk"]),
    "piotr": ("Piotr Kowalski", "piotr-directory-pass", ["clerk", "supervisor"]),
    "ewa": ("Ewa Wiśniewska", "ewa-directory-pass", ["admin"]),
    "olek": ("Olek Bez Grupy", "olek-directory-pass", []),
    "clerk1": ("Someone Else", "clerk1-directory-pass", ["admin"]),  # has a local account
}
CONF = """include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {dir}/slapd.pid
argsfile {dir}/slapd.args
database mdb
maxsize 10485760
suffix "{base}"
rootdn "{admin}"
rootpw {password}
directory {dir}/db
"""


def ldif() -> str:
    parts = [
        f"dn: {BASE}\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Urząd\n",
        f"dn: ou=people,{BASE}\nobjectClass: organizationalUnit\nou: people\n",
        f"dn: ou=groups,{BASE}\nobjectClass: organizationalUnit\nou: groups\n",
    ]
    for uid, (name, password, _groups) in PEOPLE.items():
        parts.append(
            f"dn: uid={uid},ou=people,{BASE}\nobjectClass: inetOrgPerson\nuid: {uid}\n"
            f"cn: {name}\nsn: {name.split()[-1]}\ndisplayName: {name}\nuserPassword: {password}\n"
        )
    for role, dn in GROUPS.items():
        members = [f"uid={u},ou=people,{BASE}" for u, p in PEOPLE.items() if role in p[2]]
        lines = "".join(f"member: {m}\n" for m in members)
        parts.append(f"dn: {dn}\nobjectClass: groupOfNames\ncn: {dn[3:].split(',')[0]}\n{lines}")
    return "\n".join(parts)


@pytest.fixture(scope="module")
def slapd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not Path(SLAPD).exists():
        print("slapd is not installed (scripts/setup.sh installs it): skipping")
        pytest.skip("slapd is not installed (scripts/setup.sh installs slapd and ldap-utils)")
    folder = tmp_path_factory.mktemp("slapd")
    (folder / "db").mkdir()
    conf = folder / "slapd.conf"
    conf.write_text(
        CONF.format(dir=folder, base=BASE, admin=ADMIN_DN, password=ADMIN_PASSWORD),
        encoding="utf-8",
    )
    data = folder / "data.ldif"
    data.write_text(ldif(), encoding="utf-8")
    subprocess.run([SLAPADD, "-f", str(conf), "-l", str(data)], check=True, capture_output=True)
    port = free_port()
    url = f"ldap://127.0.0.1:{port}"
    log = (folder / "slapd.log").open("w")
    process = subprocess.Popen(
        [SLAPD, "-f", str(conf), "-h", f"{url}/", "-d", "0"], stdout=log, stderr=log
    )
    deadline = time.monotonic() + 20
    while True:  # ready when it accepts a connection
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((folder / "slapd.log").read_text()) from None
            time.sleep(0.05)
    yield url
    process.terminate()
    process.wait(timeout=10)
    log.close()


def directory_settings(url: str, **more: Any) -> dict[str, Any]:
    return {
        "ldap_url": url,
        "ldap_user_dn": f"uid={{username}},ou=people,{BASE}",
        "ldap_base_dn": BASE,
        "ldap_admin_group": GROUPS["admin"],
        "ldap_supervisor_group": GROUPS["supervisor"],
        "ldap_clerk_group": GROUPS["clerk"],
        **more,
    }


@pytest.fixture
def server_with(sqlite_url: str, clock: Any, password_hash: str) -> Iterator[Any]:
    made: list[LiveServer] = []

    def start(**settings: Any) -> LiveServer:
        server = make_server(sqlite_url, clock, password_hash, **settings).start()
        made.append(server)
        return server

    yield start
    for server in made:
        server.stop()


def login(server: LiveServer, username: str, password: str, language: str = "en") -> httpx.Response:
    return httpx.post(
        f"{server.url}/api/v1/auth/login",
        json={"site": "test", "username": username, "password": password},
        headers={"Accept-Language": language},
    )


def test_a_clerk_signs_in_with_the_directory_password_and_the_group_gives_the_role(
    slapd, server_with
):
    server = server_with(**directory_settings(slapd))
    answer = login(server, "anna", "anna-directory-pass")
    assert answer.status_code == 200, answer.text
    clerk = answer.json()["clerk"]
    assert (clerk["username"], clerk["display_name"], clerk["role"]) == (
        "anna",
        "Anna Nowak",
        "clerk",
    )
    piotr = login(server, "piotr", "piotr-directory-pass").json()["clerk"]
    assert piotr["role"] == "supervisor"  # the highest of his groups
    ewa = login(server, "ewa", "ewa-directory-pass")
    token = ewa.json()["access_token"]
    clerks = httpx.get(
        f"{server.url}/api/v1/sites/test/config/clerks",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert clerks.status_code == 200
    listed = {c["username"]: c for c in clerks.json()["clerks"]}
    assert listed["anna"]["directory"] is True and listed["clerk1"]["directory"] is False
    assert "directory-pass" not in clerks.text and "!directory" not in clerks.text
    again = login(server, "anna", "anna-directory-pass")  # the second time: the same row
    assert again.status_code == 200


def test_search_then_bind_with_a_service_account(slapd, server_with):
    settings = directory_settings(
        slapd,
        ldap_user_dn=None,
        ldap_user_filter="(uid={username})",
        ldap_bind_dn=ADMIN_DN,
        ldap_bind_password=ADMIN_PASSWORD,
    )
    server = server_with(**settings)
    assert login(server, "ewa", "ewa-directory-pass").json()["clerk"]["role"] == "admin"
    assert login(server, "ewa", "wrong").status_code == 401
    assert login(server, "nobody", "whatever").status_code == 401
    assert login(server, "*", "whatever").status_code == 401  # a filter, escaped


@pytest.mark.parametrize(
    ("username", "password", "code"),
    [
        ("anna", "wrong-password", "invalid_credentials"),
        ("nobody", "anna-directory-pass", "invalid_credentials"),
        ("olek", "olek-directory-pass", "directory_no_role"),
        ("anna,ou=people", "anna-directory-pass", "invalid_credentials"),
    ],
)
def test_the_directory_refuses(slapd, server_with, username, password, code):
    server = server_with(**directory_settings(slapd))
    answer = login(server, username, password, language="pl")
    assert answer.status_code == 401, answer.text
    assert answer.json()["code"] == code
    if code == "directory_no_role":
        assert "administratora" in answer.json()["detail"]


def test_local_accounts_stay_and_use_their_own_password(slapd, server_with):
    server = server_with(**directory_settings(slapd))
    assert login(server, "clerk1", PASSWORD).json()["clerk"]["role"] == "clerk"
    assert login(server, "clerk1", "clerk1-directory-pass").status_code == 401


def test_a_directory_that_is_down_lets_nobody_in_and_says_so(server_with):
    closed = f"ldap://127.0.0.1:{free_port()}"
    server = server_with(**directory_settings(closed, ldap_timeout_s=2))
    answer = login(server, "anna", "anna-directory-pass", language="pl")
    assert answer.status_code == 503
    assert answer.json()["code"] == "directory_unavailable"
    assert "Katalog urzędu" in answer.json()["detail"]
    assert login(server, "root", PASSWORD).status_code == 200  # local accounts still work


def test_a_disabled_directory_account_stays_out(slapd, server_with):
    server = server_with(**directory_settings(slapd))
    assert login(server, "anna", "anna-directory-pass").status_code == 200
    root = login(server, "root", PASSWORD).json()["access_token"]
    config = f"{server.url}/api/v1/sites/test/config"
    headers = {"Authorization": f"Bearer {root}"}
    revision = httpx.get(f"{config}/clerks", headers=headers).json()["revision"]
    disabled = httpx.post(
        f"{config}/clerks/anna/disable", json={"revision": revision}, headers=headers
    )
    assert disabled.status_code == 200, disabled.text
    assert login(server, "anna", "anna-directory-pass").status_code == 401
    reset = httpx.post(
        f"{config}/clerks/anna/enable",
        json={"revision": disabled.json()["revision"]},
        headers=headers,
    )
    revision = reset.json()["revision"]
    refused = httpx.post(
        f"{config}/clerks/anna/password",
        json={"revision": revision, "password": "local-password-1"},
        headers=headers,
    )
    assert refused.status_code == 409 and refused.json()["code"] == "clerk_in_directory"


def test_a_new_group_in_the_directory_changes_the_role_at_the_next_sign_in(slapd, server_with):
    from ldap3 import MODIFY_ADD, MODIFY_DELETE, Connection, Server

    server = server_with(**directory_settings(slapd))
    assert login(server, "anna", "anna-directory-pass").json()["clerk"]["role"] == "clerk"
    dn = f"uid=anna,ou=people,{BASE}"
    # (ldap3's `with` leaves an auto-bound connection open: unbound by hand)
    admin = Connection(Server(slapd), ADMIN_DN, ADMIN_PASSWORD, auto_bind=True)
    try:
        assert admin.modify(GROUPS["admin"], {"member": [(MODIFY_ADD, [dn])]})
        assert login(server, "anna", "anna-directory-pass").json()["clerk"]["role"] == "admin"
    finally:
        admin.modify(GROUPS["admin"], {"member": [(MODIFY_DELETE, [dn])]})
        admin.unbind()
    events = httpx.get(
        f"{server.url}/api/v1/sites/test/events",
        params={"after": 0},
        headers={
            "Authorization": f"Bearer {login(server, 'root', PASSWORD).json()['access_token']}"
        },
    ).json()["data"]
    provisioned = [e["payload"] for e in events if e["type"] == "clerk.from_directory"]
    assert provisioned[-1] == {"username": "anna", "role": "admin"}


def test_only_the_sites_named_use_the_directory(slapd, server_with):
    server = server_with(**directory_settings(slapd, ldap_sites=["elsewhere"]))
    assert login(server, "anna", "anna-directory-pass").status_code == 401


def test_the_console_signs_in_with_the_directory(slapd, server_with):
    from tests.console.helpers import console

    server = server_with(**directory_settings(slapd))
    with console(server, "ewa", "ewa-directory-pass") as client:
        page = client.get("/admin/config/services", headers={"Accept": "text/html"})
        assert page.status_code == 200
