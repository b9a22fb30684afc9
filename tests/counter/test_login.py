"""The counter app's sign-in dialog against a real server (offscreen)."""

import httpx
import pytest

from counter.app import build_counter_window
from counter.login import throttled_text
from tests.support import PASSWORD

pytestmark = pytest.mark.gui


def wrong_passwords(server, times):
    for _ in range(times):
        httpx.post(
            f"{server.url}/api/v1/auth/login",
            json={"site": "test", "username": "clerk1", "password": "wrong"},
            timeout=60,  # password checks run one at a time: slow on a busy machine
        )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("pl", "Zbyt wiele nieudanych prób logowania. Proszę spróbować ponownie za 1 sekundę."),
        ("en", "Too many unsuccessful sign-in attempts. Please try again in 1 second."),
        ("ru", "Слишком много неудачных попыток входа. Повторите попытку через 1 секунду."),
        ("uk", "Забагато невдалих спроб входу. Спробуйте ще раз через 1 секунду."),
    ],
)
def test_a_throttled_sign_in_says_when_to_try_again(qtbot, sqlite_server, language, expected):
    wrong_passwords(sqlite_server, 5)
    shell = build_counter_window(
        sqlite_server.url, "test", username="clerk1", password=PASSWORD, language=language
    )
    qtbot.addWidget(shell)
    try:
        qtbot.waitUntil(lambda: shell.error.isVisibleTo(shell), timeout=10_000)
        assert shell.error.text() == expected
        assert shell.counter_window is None and shell.submit.isEnabled()
    finally:
        shell.shutdown()


def test_the_wait_reads_in_seconds_then_whole_minutes():
    assert throttled_text("pl", 4).endswith("za 4 sekundy.")
    assert throttled_text("pl", 59).endswith("za 59 sekund.")
    assert throttled_text("pl", 60).endswith("za 1 minutę.")
    assert throttled_text("pl", 900).endswith("za 15 minut.")
    assert throttled_text("en", 61).endswith("in 2 minutes.")
    assert throttled_text("uk", 120).endswith("через 2 хвилини.")
    assert throttled_text("ru", None).endswith("через 1 минуту.")
