"""Where an announcement's sound goes: the hall's speakers, WAV files, or nowhere.

    make_sink("auto")          # the sound device if there is one (aplay/paplay, winsound)
    make_sink("null")          # discard (a display without speakers)
    make_sink("wav:/tmp/hall") # 0001-A023-5.wav, 0002-B007-2-again.wav, … (tests, demos)

`play()` returns when the sound has finished, so the announcer's single worker never lets
two announcements overlap. `stop()` may be called from another thread to cut one short.
"""

from __future__ import annotations

import importlib
import logging
import os
import platform
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from display.speech.audio import Audio, wav_bytes, write_wav
from display.speech.errors import PlaybackError

log = logging.getLogger(__name__)


class Sink:
    """Discards the sound: the "null" sink, and the base of the others."""

    name = "null"

    def prepare(self) -> None:
        """Get ready to play (called once in the announcer's worker before the first call)."""

    def play(self, audio: Audio, label: str) -> None:
        log.debug("speech: %s (%.1f s) not played: no sound output", label, audio.seconds)

    def stop(self) -> None:
        pass

    def close(self) -> None:
        pass


class WavSink(Sink):
    """Writes each announcement to `folder` as NNNN-<label>.wav, numbered on from the files
    already there, so a folder kept between runs is never overwritten."""

    name = "wav"

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        taken = [
            int(m.group(1))
            for p in self.folder.glob("*.wav")
            if (m := re.match(r"^(\d{4,})-", p.name))
        ]
        self._next = max(taken, default=0) + 1
        self.written: list[Path] = []

    def play(self, audio: Audio, label: str) -> None:
        safe = re.sub(r"[^A-Za-z0-9-]+", "_", label)
        path = self.folder / f"{self._next:04d}-{safe}.wav"
        self._next += 1
        write_wav(path, audio)
        self.written.append(path)
        log.info("speech: wrote %s (%.1f s)", path, audio.seconds)


class PlayerSink(Sink):
    """Plays through a command-line player (`aplay -q FILE`, `paplay FILE`, `afplay FILE`)."""

    def __init__(self, command: list[str]) -> None:
        self.command = command
        self.name = Path(command[0]).name
        self._folder = Path(tempfile.mkdtemp(prefix="kolejka-sound-"))
        self._process: subprocess.Popen[bytes] | None = None
        self._stopped = False
        self._lock = threading.Lock()

    def play(self, audio: Audio, label: str) -> None:
        path = self._folder / "announcement.wav"
        path.write_bytes(wav_bytes(audio))
        with self._lock:
            if self._stopped:
                return
            try:
                self._process = subprocess.Popen(
                    [*self.command, str(path)],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
            except OSError as exc:
                raise PlaybackError(f"cannot run {self.command[0]}: {exc}") from exc
        process = self._process
        _, err = process.communicate()
        with self._lock:
            self._process = None
            if process.returncode != 0 and not self._stopped:
                raise PlaybackError(
                    f"{self.name} failed ({process.returncode}) playing {label}: "
                    f"{err.decode('utf-8', 'replace').strip()[-300:]}"
                )

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            if self._process is not None and self._process.poll() is None:
                self._process.terminate()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self._folder, ignore_errors=True)


class WinSoundSink(Sink):  # pragma: no cover - Windows only
    name = "winsound"

    def play(self, audio: Audio, label: str) -> None:
        winsound: Any = importlib.import_module("winsound")
        try:
            winsound.PlaySound(wav_bytes(audio), winsound.SND_MEMORY)
        except RuntimeError as exc:
            raise PlaybackError(f"winsound failed playing {label}: {exc}") from exc

    def stop(self) -> None:
        winsound: Any = importlib.import_module("winsound")
        winsound.PlaySound(None, 0)


def detect_player(
    system: str | None = None,
    which: Callable[[str], str | None] = shutil.which,
    run: Callable[..., Any] = subprocess.run,
    environ: dict[str, str] | None = None,
) -> list[str] | None:
    """The command that plays a WAV file on this machine's sound device, or None when
    there is no device (a headless box, a container, CI)."""
    system = system or platform.system()
    env = os.environ if environ is None else environ
    if system == "Darwin":
        return ["afplay"] if which("afplay") else None

    def answers(*command: str) -> str | None:
        try:
            result = run(list(command), capture_output=True, text=True, timeout=5)
        except (OSError, subprocess.SubprocessError):
            return None
        return str(result.stdout) if result.returncode == 0 else None

    if which("paplay"):  # PulseAudio or PipeWire: only when its server answers
        socket = Path(env.get("XDG_RUNTIME_DIR", "/nonexistent")) / "pulse" / "native"
        if (which("pactl") and answers("pactl", "info") is not None) or (
            not which("pactl") and (env.get("PULSE_SERVER") or socket.exists())
        ):
            return ["paplay"]
    if which("aplay"):
        cards = answers("aplay", "-l")
        if cards is not None and re.search(r"^card \d+:", cards, re.MULTILINE):
            return ["aplay", "-q"]
    return None


class AutoSink(Sink):
    """The sound device when there is one, else silence (said once in the log).

    The device is looked for on the first announcement, in the announcer's worker thread,
    so that a slow or hanging sound system never holds up the display's window.
    """

    name = "auto"

    def __init__(self, detect: Callable[[], list[str] | None] = detect_player) -> None:
        self._detect = detect
        self.chosen: Sink | None = None

    def resolve(self) -> Sink:
        if self.chosen is None:
            if platform.system() == "Windows":  # pragma: no cover - Windows only
                self.chosen = WinSoundSink()
            else:
                command = self._detect()
                if command is None:
                    log.info("speech: no sound device found; announcements are not played")
                    self.chosen = Sink()
                else:
                    log.info("speech: announcements play through %s", " ".join(command))
                    self.chosen = PlayerSink(command)
        return self.chosen

    def prepare(self) -> None:
        self.resolve()

    def play(self, audio: Audio, label: str) -> None:
        self.resolve().play(audio, label)

    def stop(self) -> None:
        if self.chosen is not None:
            self.chosen.stop()

    def close(self) -> None:
        if self.chosen is not None:
            self.chosen.close()


def make_sink(setting: str) -> Sink:
    """A sink from the configuration's `sink` value: auto | null | wav:<folder>."""
    if setting == "auto":
        return AutoSink()
    if setting == "null":
        return Sink()
    if setting.startswith("wav:") and len(setting) > 4:
        return WavSink(Path(setting[4:]).expanduser())
    raise ValueError(f"sink must be 'auto', 'null' or 'wav:<folder>', not {setting!r}")
