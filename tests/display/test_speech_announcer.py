"""The announcer: chime + Polish + the visitor's language, in order, one at a time.

Real engines (pyttsx3 with espeak-ng, recorded clips) and real WAV files, measured with
sox and `wave`; the only stand-ins are an engine and a sink that block on purpose, to show
that the window's thread never waits and that close() cuts a stuck sound short.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from display.app import build_display_window, make_announcer
from display.config import SpeechSettings
from display.speech import (
    Announcement,
    Announcer,
    ClipEngine,
    Engine,
    Pyttsx3Engine,
    Sink,
    WavSink,
)
from display.speech.audio import Audio, chime, silence
from display.speech.engines import Pyttsx3Engine as Tts
from display.speech.sinks import AutoSink, PlayerSink, detect_player
from display.speech.words import CLIP_NAMES
from display.window import Connection
from kolejka.client import KolejkaClient
from tests.display.soundcheck import measure, tone_wav
from tests.support import DISPLAY_TOKEN, KIOSK_TOKEN, LiveServer

WAIT = 60.0  # seconds; waits end as soon as the condition holds (shared test machine)
GAP = 0.45  # Announcer's default pause between the chime and each language


def wav_names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("*.wav"))


@pytest.fixture
def speaker(tmp_path: Path) -> Iterator[Callable[..., Announcer]]:
    made: list[Announcer] = []

    def make(engine: Engine | None = None, sink: Sink | None = None) -> Announcer:
        announcer = Announcer(engine or Pyttsx3Engine(), sink or WavSink(tmp_path / "hall"))
        made.append(announcer)
        assert announcer.wait_started(WAIT)
        return announcer

    yield make
    for announcer in made:
        announcer.close()


# --- what the hall hears -----------------------------------------------------------------


@pytest.mark.parametrize("language", ["pl", "en", "ru", "uk"])
def test_each_announcement_is_a_chime_polish_and_the_visitors_language(
    speaker: Callable[..., Announcer], tmp_path: Path, language: str
) -> None:
    announcer = speaker()
    announcer.announce(Announcement("A023", 5, language))
    assert announcer.wait_idle(WAIT)
    [spoken] = announcer.history
    assert spoken.error is None
    assert spoken.languages == (("pl",) if language == "pl" else ("pl", language))

    path = tmp_path / "hall" / "0001-A023-5.wav"
    measured = measure(path)
    print(f"announcement in {language}: {measured.sox_seconds:.2f} s, RMS {measured.sox_rms:.3f}")
    assert 0.5 < measured.sox_seconds < 20
    assert measured.sox_rms > 0.02 and measured.rms > 0.02
    assert measured.sox_seconds == pytest.approx(measured.seconds, abs=0.01)
    # Exactly the parts it is made of, said one after another:
    tts = announcer.engine
    parts = [chime(tts.rate).seconds] + [
        tts.render("A023", 5, lang).seconds for lang in spoken.languages
    ]
    expected = sum(parts) + GAP * (len(parts) - 1)
    assert measured.seconds == pytest.approx(expected, abs=0.05)


def test_a_burst_of_five_calls_gives_five_announcements_in_order(
    speaker: Callable[..., Announcer], tmp_path: Path
) -> None:
    announcer = speaker()
    calls = [
        Announcement(f"A{n:03d}", c, lang)
        for n, c, lang in [(1, 1, "pl"), (2, 2, "uk"), (3, 4, "en"), (4, 5, "ru"), (5, 6, "pl")]
    ]
    for call in calls:  # all at once, from one thread, as the controller does
        announcer.announce(call)
    assert announcer.wait_idle(WAIT)
    assert wav_names(tmp_path / "hall") == [
        "0001-A001-1.wav",
        "0002-A002-2.wav",
        "0003-A003-4.wav",
        "0004-A004-5.wav",
        "0005-A005-6.wav",
    ]
    assert [s.announcement for s in announcer.history] == calls
    assert all(s.error is None for s in announcer.history)
    lengths = [measure(p).seconds for p in sorted((tmp_path / "hall").glob("*.wav"))]
    assert lengths[1] > lengths[0] + 1.5  # said twice: Polish, then Ukrainian


def test_a_recall_is_announced_again(speaker: Callable[..., Announcer], tmp_path: Path) -> None:
    announcer = speaker()
    announcer.announce(Announcement("B007", 2, "pl"))
    announcer.announce(Announcement("C011", 3, "pl"))
    announcer.announce(Announcement("B007", 2, "pl", recall=True))
    assert announcer.wait_idle(WAIT)
    assert wav_names(tmp_path / "hall") == [
        "0001-B007-2.wav",
        "0002-C011-3.wav",
        "0003-B007-2-again.wav",
    ]
    first, _, again = (measure(p) for p in sorted((tmp_path / "hall").glob("*.wav")))
    assert again.seconds > first.seconds + 0.3  # "Ponownie: numer …"
    assert again.sox_rms > 0.02


def test_announce_never_waits_for_the_sound(speaker: Callable[..., Announcer]) -> None:
    release = threading.Event()

    class Stuck(Engine):  # an engine that takes as long as the test says
        def speaks(self, language: str) -> bool:
            return True

        def render(self, number: str, counter: int, language: str, recall: bool = False) -> Audio:
            release.wait(WAIT)
            return silence(self.rate, 0.1)

    announcer = speaker(Stuck(), Sink())
    for n in range(1, 6):
        announcer.announce(Announcement(f"A{n:03d}", 1, "uk"))  # returns at once
    assert announcer.pending == 5 and announcer.history == []
    release.set()
    assert announcer.wait_idle(WAIT)
    assert [s.announcement.number for s in announcer.history] == [
        "A001",
        "A002",
        "A003",
        "A004",
        "A005",
    ]


def test_one_failed_announcement_does_not_stop_the_next(
    speaker: Callable[..., Announcer], tmp_path: Path
) -> None:
    announcer = speaker()
    announcer.announce(Announcement("A?3", 5, "pl"))  # not a ticket number
    announcer.announce(Announcement("A024", 5, "pl"))
    assert announcer.wait_idle(WAIT)
    bad, good = announcer.history
    assert bad.error is not None and "A?3" in bad.error and bad.languages == ()
    assert good.error is None and good.languages == ("pl",)
    chime_only, spoken = (measure(p) for p in sorted((tmp_path / "hall").glob("*.wav")))
    assert chime_only.seconds == pytest.approx(1.4, abs=0.01)  # the hall still hears the chime
    assert spoken.seconds > chime_only.seconds + 1.5


def test_close_says_what_is_queued_and_then_refuses(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    announcer = Announcer(Pyttsx3Engine(), WavSink(tmp_path))
    for n in range(1, 4):
        announcer.announce(Announcement(f"D{n:03d}", 7, "en"))
    announcer.close(timeout=WAIT)
    assert wav_names(tmp_path) == ["0001-D001-7.wav", "0002-D002-7.wav", "0003-D003-7.wav"]
    with caplog.at_level(logging.WARNING, logger="display.speech.announcer"):
        announcer.announce(Announcement("D004", 7, "en"))
    assert "D004-7 not announced: the announcer is closed" in caplog.text
    assert wav_names(tmp_path) == ["0001-D001-7.wav", "0002-D002-7.wav", "0003-D003-7.wav"]


def test_close_cuts_a_stuck_sound_short_and_drops_the_rest(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class Endless(Sink):  # a sound device that never finishes until stopped
        def __init__(self) -> None:
            self.stopped = threading.Event()
            self.playing = threading.Event()

        def play(self, audio: Audio, label: str) -> None:
            self.playing.set()
            self.stopped.wait(WAIT)

        def stop(self) -> None:
            self.stopped.set()

    sink = Endless()
    announcer = Announcer(Engine(), sink)
    for n in range(1, 4):
        announcer.announce(Announcement(f"E{n:03d}", 1))
    assert sink.playing.wait(WAIT)
    with caplog.at_level(logging.WARNING, logger="display.speech.announcer"):
        announcer.close(timeout=0.2)
    assert sink.stopped.is_set()
    assert [s.announcement.number for s in announcer.history] == ["E001"]
    assert "2 queued announcements dropped at shutdown" in caplog.text
    assert announcer.pending == 0


# --- recorded clips through the announcer -------------------------------------------------


def test_clips_announce_polish_and_skip_a_language_not_recorded(
    tmp_path: Path, speaker: Callable[..., Announcer]
) -> None:
    clips = tmp_path / "clips"
    for language in ("pl", "en"):
        for index, name in enumerate(CLIP_NAMES):
            if language == "en" and name == "5":
                continue  # forgotten
            tone_wav(clips / language / f"{name}.wav", 300.0 + 20 * index, 0.12)
    announcer = speaker(ClipEngine(clips))
    announcer.announce(Announcement("A023", 4, "uk"))  # no Ukrainian recordings
    announcer.announce(Announcement("A024", 5, "en"))  # English lacks "5"
    announcer.announce(Announcement("A026", 4, "en"))
    assert announcer.wait_idle(WAIT)
    uk, en_missing, en = announcer.history
    assert uk.languages == ("pl",) and uk.error is None
    assert en_missing.languages == ("pl",)
    assert en_missing.error is not None and "en/5.wav" in en_missing.error
    assert en.languages == ("pl", "en") and en.error is None
    names = wav_names(tmp_path / "hall")
    assert names == ["0001-A023-4.wav", "0002-A024-5.wav", "0003-A026-4.wav"]
    lengths = [measure(tmp_path / "hall" / name).sox_seconds for name in names]
    assert lengths[0] == pytest.approx(lengths[1], abs=0.01)  # chime + Polish, both
    assert lengths[2] > lengths[1] + 0.5


def test_a_clip_engine_that_cannot_start_still_chimes(
    tmp_path: Path, speaker: Callable[..., Announcer]
) -> None:
    announcer = speaker(ClipEngine(tmp_path / "no-such-folder"))
    assert announcer.engine_error is not None and "no-such-folder" in announcer.engine_error
    announcer.announce(Announcement("A001", 1))
    assert announcer.wait_idle(WAIT)
    [spoken] = announcer.history
    assert spoken.error is not None and "no speech" in spoken.error
    assert measure(tmp_path / "hall" / "0001-A001-1.wav").sox_seconds == pytest.approx(
        1.4, abs=0.01
    )


# --- sinks -------------------------------------------------------------------------------

PLAYER = """
import sys, wave
with wave.open(sys.argv[-1]) as w:
    seconds = w.getnframes() / w.getframerate()
with open(sys.argv[1], "a") as log:
    log.write(f"{seconds:.2f}\\n")
"""


def test_a_player_command_plays_each_announcement_in_turn(
    tmp_path: Path, speaker: Callable[..., Announcer]
) -> None:
    played = tmp_path / "played.txt"
    player = PlayerSink([sys.executable, "-c", PLAYER, str(played)])
    announcer = speaker(sink=player)
    announcer.announce(Announcement("A001", 1, "pl"))
    announcer.announce(Announcement("A002", 2, "ru"))
    assert announcer.wait_idle(WAIT)
    heard = [float(line) for line in played.read_text().split()]
    assert heard == [round(s.seconds, 2) for s in announcer.history]
    assert heard[1] > heard[0] + 1.5


def test_a_failing_player_is_reported_per_announcement(
    speaker: Callable[..., Announcer],
) -> None:
    announcer = speaker(
        Engine(), PlayerSink([sys.executable, "-c", "import sys; sys.exit('no device')"])
    )
    announcer.announce(Announcement("A001", 1))
    announcer.announce(Announcement("A002", 1))
    assert announcer.wait_idle(WAIT)
    assert [s.error and "no device" in s.error for s in announcer.history] == [True, True]


def fake_which(*present: str) -> Callable[[str], str | None]:
    return lambda name: f"/usr/bin/{name}" if name in present else None


def fake_run(outputs: dict[str, tuple[int, str]]) -> Callable[..., Any]:
    class Result:
        def __init__(self, code: int, out: str) -> None:
            self.returncode, self.stdout = code, out

    return lambda command, **_: Result(*outputs[command[0]])


@pytest.mark.parametrize(
    ("present", "outputs", "expected"),
    [
        (("paplay", "pactl", "aplay"), {"pactl": (0, "Server Name: PulseAudio")}, ["paplay"]),
        (
            ("paplay", "pactl", "aplay"),
            {"pactl": (1, ""), "aplay": (0, "card 0: PCH [HDA Intel PCH], device 0")},
            ["aplay", "-q"],
        ),
        (("aplay",), {"aplay": (0, "")}, None),  # "no soundcards found" (on stderr)
        ((), {}, None),
    ],
    ids=["pulseaudio", "alsa-card", "alsa-without-card", "no-player"],
)
def test_auto_finds_a_sound_device_or_stays_silent(
    present: tuple[str, ...], outputs: dict[str, tuple[int, str]], expected: list[str] | None
) -> None:
    assert detect_player("Linux", fake_which(*present), fake_run(outputs), environ={}) == expected


def test_auto_without_a_device_is_silent_and_says_so_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    sink = AutoSink(detect=lambda: None)
    with caplog.at_level(logging.INFO, logger="display.speech.sinks"):
        sink.play(chime(), "A001-1")
        sink.play(chime(), "A002-1")
    assert type(sink.chosen) is Sink
    assert caplog.text.count("no sound device found") == 1


# --- the display window ------------------------------------------------------------------


def test_make_announcer_follows_the_settings(tmp_path: Path) -> None:
    assert make_announcer(SpeechSettings(engine="off")) is None
    announcer = make_announcer(SpeechSettings(engine="tts", sink=f"wav:{tmp_path}"))
    try:
        assert isinstance(announcer.engine, Tts) and isinstance(announcer.sink, WavSink)
    finally:
        announcer.close()
    default = make_announcer(SpeechSettings())  # what `kolejka demo` uses
    try:
        assert isinstance(default.sink, AutoSink) and default.wait_started(WAIT)
        default.announce(Announcement("A001", 1))  # plays, or is silent without a device
        assert default.wait_idle(WAIT)
    finally:
        default.close()


@pytest.mark.gui
def test_a_call_at_the_counter_is_heard_in_the_hall(
    sqlite_server: LiveServer, clerk_client: Any, qtbot: QtBot, tmp_path: Path
) -> None:
    hall = tmp_path / "hall"
    with KolejkaClient(sqlite_server.url, "test", KIOSK_TOKEN) as kiosk:
        ticket = kiosk.issue_ticket("A", "uk", "normal")
    window = build_display_window(
        sqlite_server.url,
        "test",
        DISPLAY_TOKEN,
        speech=SpeechSettings(engine="tts", sink=f"wav:{hall}"),
    )
    qtbot.addWidget(window)
    try:
        qtbot.waitUntil(
            lambda: window.board.loaded and window.connection is Connection.ONLINE,
            timeout=int(WAIT * 1000),
        )
        clerk = clerk_client(sqlite_server, "clerk1", counter=1)
        called = clerk.call_next(1)
        assert called is not None and called.number == ticket.number
        clerk.recall_ticket(called.id)
        qtbot.waitUntil(lambda: len(wav_names(hall)) == 2, timeout=int(WAIT * 1000))
    finally:
        window.shutdown()
    assert wav_names(hall) == [f"0001-{called.number}-1.wav", f"0002-{called.number}-1-again.wav"]
    call, again = (measure(hall / name) for name in wav_names(hall))
    for sound in (call, again):
        assert 4 < sound.sox_seconds < 20  # chime, Polish, Ukrainian
        assert sound.sox_rms > 0.02
    assert again.seconds > call.seconds
    assert re.fullmatch(r"A\d{3}", called.number)
