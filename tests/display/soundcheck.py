"""Measuring WAV files the way a person would check them: with sox and the `wave` module.

sox is installed by scripts/setup.sh (Debian package `sox`); espeak-ng likewise.
"""

from __future__ import annotations

import itertools
import math
import re
import shutil
import subprocess
import wave
from array import array
from dataclasses import dataclass
from pathlib import Path

SOX = shutil.which("sox")
ESPEAK = shutil.which("espeak-ng")


@dataclass(frozen=True)
class Measured:
    seconds: float  # from the wave header
    rate: int
    channels: int
    width: int
    rms: float  # computed here from the samples (0..1)
    sox_seconds: float  # `sox --i -D`
    sox_rms: float  # `sox FILE -n stat`: RMS amplitude
    sox_max: float  # `sox FILE -n stat`: Maximum amplitude


def sox(*args: str) -> subprocess.CompletedProcess[str]:
    assert SOX, "sox is missing: run scripts/setup.sh (apt-get install sox)"
    return subprocess.run([SOX, *args], capture_output=True, text=True, timeout=60, check=True)


def measure(path: Path) -> Measured:
    with wave.open(str(path), "rb") as handle:
        rate = handle.getframerate()
        channels = handle.getnchannels()
        width = handle.getsampwidth()
        frames = handle.getnframes()
        data = handle.readframes(frames)
    assert width == 2, f"{path}: expected 16-bit samples, got {width * 8}-bit"
    samples = array("h", data)
    rms = math.sqrt(math.fsum(s * s for s in samples) / max(1, len(samples))) / 32767
    info = float(sox("--i", "-D", str(path)).stdout.strip())
    stat = sox(str(path), "-n", "stat").stderr

    def field(name: str) -> float:
        match = re.search(rf"^{re.escape(name)}:\s+(-?[\d.]+)", stat, re.MULTILINE)
        assert match, f"sox stat gave no {name!r}:\n{stat}"
        return float(match.group(1))

    return Measured(
        seconds=frames / rate,
        rate=rate,
        channels=channels,
        width=width,
        rms=rms,
        sox_seconds=info,
        sox_rms=field("RMS     amplitude"),
        sox_max=field("Maximum amplitude"),
    )


def espeak_seconds(text: str, voice: str, words_per_minute: int, folder: Path) -> float:
    """How long espeak-ng's own command line takes to say `text` (a reference length)."""
    assert ESPEAK, "espeak-ng is missing: run scripts/setup.sh"
    out = folder / f"reference-{voice.replace('/', '_')}.wav"
    subprocess.run(
        [ESPEAK, "-v", voice, "-s", str(words_per_minute), "-w", str(out), text],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return measure(out).seconds


def tone_wav(
    path: Path,
    frequency: float,
    seconds: float,
    *,
    rate: int = 22050,
    channels: int = 1,
    width: int = 2,
    level: float = 0.5,
) -> None:
    """A sine tone written as a PCM WAV in the given format (8-bit is unsigned)."""
    count = round(rate * seconds)
    values = [level * math.sin(2 * math.pi * frequency * i / rate) for i in range(count)]
    frames = bytearray()
    for value in values:
        if width == 1:
            sample = bytes([round(128 + 127 * value)])
        else:
            full = (1 << (8 * width - 1)) - 1
            sample = round(full * value).to_bytes(width, "little", signed=True)
        frames += sample * channels
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(channels)
        handle.setsampwidth(width)
        handle.setframerate(rate)
        handle.writeframes(bytes(frames))


def segments(
    samples: array, rate: int, *, window: float = 0.005, threshold: float = 0.02
) -> list[tuple[int, int]]:
    """(start, end) sample indexes of the sounding stretches, split at silences."""
    size = max(1, round(rate * window))
    found: list[tuple[int, int]] = []
    start = None
    for offset in range(0, len(samples), size):
        chunk = samples[offset : offset + size]
        level = math.sqrt(sum(s * s for s in chunk) / len(chunk)) / 32767
        if level > threshold and start is None:
            start = offset
        elif level <= threshold and start is not None:
            found.append((start, offset))
            start = None
    if start is not None:
        found.append((start, len(samples)))
    return found


def frequency(samples: array, rate: int) -> float:
    """The frequency of a steady tone, from its zero crossings."""
    crossings = sum(1 for a, b in itertools.pairwise(samples) if (a < 0) != (b < 0))
    return crossings / 2 / (len(samples) / rate)
