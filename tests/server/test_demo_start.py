"""`kolejka demo` says where everything is, places its windows, and gives phones an address
they can open (the LAN's, not 127.0.0.1)."""

from __future__ import annotations

import ipaddress
import itertools
import socket
import subprocess
import sys

import pytest

from kolejka.demo import lan_address, listen_host, public_url, startup_text, tile
from tests.support import free_port, run_demo


def test_the_start_up_text_names_every_account_the_web_board_and_how_to_stop() -> None:
    text = startup_text("http://127.0.0.1:8420", "http://192.168.1.20:8420", "sqlite:///x")
    assert "http://192.168.1.20:8420/display/demo?token=demo-display-token-0001" in text
    assert "http://192.168.1.20:8420/display/demo?token=demo-display-token-0002" in text
    assert "supervisor kierownik / demo1234" in text
    assert "admin admin / demo-admin" in text
    assert "anna/piotr/olena/marek with password demo1234" in text
    assert "http://127.0.0.1:8420/docs" in text
    assert "http://127.0.0.1:8420/admin" in text  # the manager's console
    assert "http://192.168.1.20:8420/status/demo" in text  # what phones open
    assert "Ctrl+C" in text
    assert "every interface" in text  # it says the LAN can reach it
    local = startup_text("http://127.0.0.1:8420", "http://127.0.0.1:8420", "sqlite:///x")
    assert "every interface" not in local


def test_the_start_up_text_ends_with_how_to_stop_after_the_folders(tmp_path) -> None:
    text = startup_text(
        "http://127.0.0.1:8420", "http://127.0.0.1:8420", "sqlite:///x", tmp_path / "o", tmp_path
    )
    lines = text.splitlines()
    assert "Ctrl+C" in lines[-1]
    assert any("/book/demo" in line for line in lines)
    assert any(str(tmp_path / "o") in line and "messages" in line for line in lines)
    assert any("printed tickets" in line and str(tmp_path) in line for line in lines)


def test_the_apps_log_their_own_messages_but_not_every_http_request() -> None:
    script = (
        "import logging; from kolejka import logs; logs.configure();"
        "logging.getLogger('httpx').info('HTTP Request: GET /queue');"
        "logging.getLogger('httpx').warning('HTTP failed');"
        "logging.getLogger('kiosk.app').info('printer ready')"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert "printer ready" in done.stderr
    assert "HTTP failed" in done.stderr
    assert "GET /queue" not in done.stderr


@pytest.mark.parametrize(
    ("asked", "lan", "expected"),
    [
        (None, "192.168.1.20", "http://192.168.1.20:8420"),
        (None, None, "http://127.0.0.1:8420"),
        ("https://kolejka.example.gov.pl/", "192.168.1.20", "https://kolejka.example.gov.pl"),
    ],
)
def test_the_qr_codes_lead_to_the_lan_address_unless_told(
    asked: str | None, lan: str | None, expected: str
) -> None:
    assert public_url(asked, 8420, lan) == expected


@pytest.mark.parametrize(
    ("public", "host"),
    [
        ("http://127.0.0.1:8420", "127.0.0.1"),
        ("http://localhost:8420", "127.0.0.1"),
        ("http://192.168.1.20:8420", "0.0.0.0"),
        ("https://kolejka.example.gov.pl", "0.0.0.0"),
    ],
)
def test_the_server_listens_beyond_the_loopback_only_when_phones_should_reach_it(
    public: str, host: str
) -> None:
    assert listen_host(public) == host


def test_the_lan_address_is_one_of_this_machines_own() -> None:
    address = lan_address()
    if address is None:  # a machine with only a loopback: the QR falls back to 127.0.0.1
        print("no network but the loopback here: lan_address() is None")
        return
    ip = ipaddress.ip_address(address)
    assert ip.version == 4 and not ip.is_loopback
    with socket.socket() as sock:
        sock.bind((address, 0))  # only an address of this machine can be bound


def test_three_windows_sit_side_by_side_without_overlapping() -> None:
    places = tile(3, 0, 27, 1920, 1053)
    assert [p[0] for p in places] == [0, 640, 1280]
    for (x, _, w, _), (nx, _, _, _) in itertools.pairwise(places):
        assert x + w <= nx
    assert all(p[1] == 27 and p[3] == 1053 for p in places)


def test_the_demo_prints_its_board_address_with_the_public_url(tmp_path: object) -> None:
    port = free_port()
    result = run_demo(
        port,
        "--no-gui",
        "--public-url",
        f"http://127.0.0.1:{port}",
        "--quit-after",
        "1",
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"http://127.0.0.1:{port}/display/demo?token=demo-display-token-0001" in result.stdout
    assert "supervisor kierownik" in result.stdout
    assert "then the document number AB1234567" in result.stdout  # a booking to try it with


@pytest.mark.gui
def test_the_demo_places_its_windows_next_to_each_other(qtbot: object) -> None:
    from PySide6.QtWidgets import QWidget

    from kolejka.demo import place_side_by_side

    windows = [QWidget() for _ in range(3)]
    for window in windows:
        window.show()
    place_side_by_side(windows)
    lefts = [w.frameGeometry().x() for w in windows]
    assert lefts == sorted(set(lefts)), lefts
    for a, b in itertools.pairwise(windows):
        assert not a.frameGeometry().intersects(b.frameGeometry())
    for window in windows:
        window.close()
