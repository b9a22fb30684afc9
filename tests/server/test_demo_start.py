"""`kolejka demo` says where everything is, places its windows, and gives phones an address
they can open (the LAN's, not 127.0.0.1)."""

from __future__ import annotations

import ipaddress
import itertools
import socket
import subprocess
import sys

import pytest

from kolejka.demo import lan_address, listen_host, public_url, startup_text
from kolejka.demo_layout import (
    BOARD_LEAST,
    COUNTER_COMPACT,
    KIOSK_COLUMN,
    ROLES,
    demo_layout,
    layout_note,
    overlaps,
)
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


def inside(place: tuple[int, int, int, int], area: tuple[int, int, int, int]) -> bool:
    x, y, w, h = place
    ax, ay, aw, ah = area
    return ax <= x and ay <= y and x + w <= ax + aw and y + h <= ay + ah


@pytest.mark.parametrize(
    "area",
    [
        (0, 0, 1920, 1080),  # full HD, no panel (Xvfb)
        (0, 0, 1920, 1200),
        (0, 0, 2560, 1440),
        (0, 0, 3840, 2160),
        (1920, 0, 1920, 1080),  # the second of two monitors
    ],
    ids=lambda a: f"{a[2]}x{a[3]}+{a[0]}",
)
def test_on_a_large_screen_the_three_windows_sit_side_by_side(area: tuple[int, ...]) -> None:
    layout = demo_layout(area)  # type: ignore[arg-type]
    assert layout.side_by_side
    assert layout_note(layout, area) is None  # type: ignore[arg-type]
    places = layout.places
    assert set(places) == set(ROLES)
    for first, second in itertools.combinations(ROLES, 2):
        assert not overlaps(places[first], places[second]), (first, second, places)
    assert all(inside(place, area) for place in places.values()), places  # type: ignore[arg-type]
    kx, ky, kw, kh = places["kiosk"]
    assert (kx, ky, kh) == (area[0], area[1], area[3])  # the tall column on the left
    assert kw >= KIOSK_COLUMN[0] and kh > 1.2 * kw  # its portrait layout: one column
    bx, by, bw, bh = places["board"]
    assert bx + bw == area[0] + area[2] and by == area[1]  # top-right
    assert bw >= BOARD_LEAST[0] and bh >= BOARD_LEAST[1]
    assert abs(bw / bh - 16 / 9) < 0.01
    cx, cy, cw, ch = places["counter"]
    assert cx + cw == area[0] + area[2] and cy + ch == area[1] + area[3]  # bottom-right
    assert (cw, ch) >= COUNTER_COMPACT and cw == COUNTER_COMPACT[0] and ch >= COUNTER_COMPACT[1]


def test_the_full_hd_layout_is_the_one_in_the_readme() -> None:
    assert demo_layout((0, 0, 1920, 1080)).places == {
        "kiosk": (0, 0, 800, 1080),
        "board": (800, 0, 1120, 630),
        "counter": (1400, 630, 520, 450),
    }


@pytest.mark.parametrize(
    "area",
    [(0, 0, 1366, 768), (0, 0, 1280, 720), (0, 27, 1600, 873), (0, 0, 1920, 1000)],
    ids=lambda a: f"{a[2]}x{a[3]}",
)
def test_on_a_small_screen_the_windows_are_cascaded_and_the_demo_says_so(
    area: tuple[int, int, int, int],
) -> None:
    layout = demo_layout(area)
    assert not layout.side_by_side
    note = layout_note(layout, area)
    assert note is not None and "cascaded" in note and f"{area[2]}×{area[3]}" in note
    places = [layout.places[role] for role in ROLES]
    assert all(inside(place, area) for place in places), places
    corners = [(x, y) for x, y, _, _ in places]
    assert corners == sorted(set(corners))  # each a step lower and to the right
    assert layout.places["counter"][2:] == COUNTER_COMPACT


def test_a_window_is_never_placed_smaller_than_its_own_minimum_or_its_frame() -> None:
    area = (0, 0, 2560, 1440)
    frames = {role: (4, 30) for role in ROLES}
    minimums = {"counter": (600, 500), "kiosk": (900, 400)}
    layout = demo_layout(area, minimums, frames)
    assert layout.side_by_side
    assert layout.places["counter"][2] == 604 and layout.places["counter"][3] >= 530
    assert layout.places["kiosk"][2] >= 904
    for first, second in itertools.combinations(ROLES, 2):
        assert not overlaps(layout.places[first], layout.places[second])
    cascaded = demo_layout((0, 0, 1366, 768), minimums, frames)
    assert cascaded.places["counter"][2:] == (604, 530)


def test_the_start_up_text_says_when_the_windows_are_cascaded() -> None:
    area = (0, 0, 1366, 768)
    note = layout_note(demo_layout(area), area)
    text = startup_text(
        "http://127.0.0.1:8420", "http://127.0.0.1:8420", "sqlite:///x", windows=note
    )
    assert note is not None and note in text
    assert text.splitlines()[-1].lstrip().startswith("to stop")  # still the last line


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
def test_the_demo_places_its_windows_where_the_layout_says(qtbot: object) -> None:
    from PySide6.QtWidgets import QWidget

    from kolejka.demo import place_windows, screen_area

    windows = {role: QWidget() for role in ROLES}
    for window in windows.values():
        window.show()
    frames = {}
    for role, window in windows.items():
        extra = window.frameGeometry().size() - window.geometry().size()
        frames[role] = (extra.width(), extra.height())
    layout = place_windows(windows)
    area = screen_area()
    assert layout is not None and area is not None
    assert layout == demo_layout(area, {r: (0, 0) for r in ROLES}, frames)
    for role, window in windows.items():
        frame = window.frameGeometry()
        assert (frame.x(), frame.y(), frame.width(), frame.height()) == layout.places[role]
    for window in windows.values():
        window.close()
