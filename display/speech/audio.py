"""Sound as plain data: mono 16-bit samples at a known rate, read from and written to WAV.

Only the standard library (`wave`, `array`): the announcer joins a chime, speech rendered
by the TTS engine and an office's recorded clips, which may each come at another rate,
width or channel count, so everything is brought to one format here first.

    clip = read_wav(Path("clips/pl/number.wav"))     # any PCM WAV → mono 16-bit
    audio = concat([chime(22050), resample(clip, 22050)], gap=0.3)
    write_wav(Path("out.wav"), audio)
"""

from __future__ import annotations

import io
import math
import sys
import wave
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from display.speech.errors import AudioFormatError

DEFAULT_RATE = 22050  # espeak-ng's own rate; speech needs no more
_MAX = 32767


@dataclass(frozen=True, eq=False)
class Audio:
    """Mono signed 16-bit samples at `rate` Hz."""

    samples: array
    rate: int

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate

    def rms(self) -> float:
        """Root mean square level, 0.0 (silence) … 1.0 (full scale square wave)."""
        if not self.samples:
            return 0.0
        total = math.fsum(s * s for s in self.samples)
        return math.sqrt(total / len(self.samples)) / _MAX

    def peak(self) -> float:
        if not self.samples:
            return 0.0
        return max(abs(max(self.samples)), abs(min(self.samples))) / _MAX


def silence(rate: int, seconds: float) -> Audio:
    return Audio(array("h", bytes(2 * round(rate * seconds))), rate)


def read_wav(source: Path | bytes) -> Audio:
    """Any PCM WAV (8/16/24/32-bit, any number of channels) as mono 16-bit at its own rate."""
    name = "WAV data" if isinstance(source, bytes) else str(source)
    try:
        with wave.open(
            io.BytesIO(source) if isinstance(source, bytes) else str(source), "rb"
        ) as handle:
            channels = handle.getnchannels()
            width = handle.getsampwidth()
            rate = handle.getframerate()
            frames = handle.readframes(handle.getnframes())
    except (wave.Error, EOFError) as exc:
        raise AudioFormatError(
            f"{name} is not a plain PCM WAV file ({exc}); save it as 16-bit PCM WAV"
        ) from exc
    except OSError as exc:
        raise AudioFormatError(f"cannot read {name}: {exc}") from exc
    if width not in (1, 2, 3, 4) or channels < 1 or rate < 1000:
        raise AudioFormatError(
            f"{name}: unsupported format ({width * 8}-bit, {channels} channels, {rate} Hz)"
        )
    samples = _to_int16(frames, width)
    if channels > 1:
        samples = _mix_down(samples, channels)
    return Audio(samples, rate)


def _to_int16(frames: bytes, width: int) -> array:
    if width == 1:  # unsigned 8-bit
        return array("h", ((b - 128) << 8 for b in frames))
    if width == 2:
        samples = array("h", frames[: len(frames) - len(frames) % 2])
        if sys.byteorder == "big":
            samples.byteswap()
        return samples
    if width == 3:  # 24-bit little-endian: keep the two high bytes
        return array(
            "h",
            (
                int.from_bytes(frames[i + 1 : i + 3], "little", signed=True)
                for i in range(0, len(frames) - 2, 3)
            ),
        )
    wide = array("i", frames[: len(frames) - len(frames) % 4])
    if sys.byteorder == "big":
        wide.byteswap()
    return array("h", (s >> 16 for s in wide))


def _mix_down(samples: array, channels: int) -> array:
    count = len(samples) // channels
    return array(
        "h",
        (sum(samples[i * channels : (i + 1) * channels]) // channels for i in range(count)),
    )


def wav_bytes(audio: Audio) -> bytes:
    samples = audio.samples
    if sys.byteorder == "big":
        samples = array("h", samples)
        samples.byteswap()
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(audio.rate)
        handle.writeframes(samples.tobytes())
    return buffer.getvalue()


def write_wav(path: Path, audio: Audio) -> None:
    """Write `audio` to `path` whole: a reader never sees a half-written file."""
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(wav_bytes(audio))
    partial.replace(path)


def resample(audio: Audio, rate: int) -> Audio:
    """`audio` at `rate` (linear interpolation; enough for speech between common rates)."""
    if audio.rate == rate or not audio.samples:
        return Audio(audio.samples, rate)
    source = audio.samples
    count = max(1, round(len(source) * rate / audio.rate))
    step = audio.rate / rate
    last = len(source) - 1
    out = array("h", bytes(2 * count))
    for i in range(count):
        position = i * step
        j = int(position)
        if j >= last:
            out[i] = source[last]
            continue
        frac = position - j
        out[i] = int(source[j] + (source[j + 1] - source[j]) * frac)
    return Audio(out, rate)


def concat(parts: Iterable[Audio], rate: int, gap: float = 0.0) -> Audio:
    """The parts one after another at `rate`, with `gap` seconds of silence between them."""
    out = array("h")
    pause = silence(rate, gap).samples
    for index, part in enumerate(parts):
        if index and gap > 0:
            out.extend(pause)
        out.extend(resample(part, rate).samples)
    return Audio(out, rate)


def chime(rate: int = DEFAULT_RATE, level: float = 0.35) -> Audio:
    """A two-tone "ding-dong" (E5 then C5 ringing over it, bell-like decay), 1.4 s long."""
    seconds = 1.4
    count = round(rate * seconds)
    attack = max(1, round(rate * 0.006))
    release = round(rate * 0.08)  # fade out to zero: no click at the end
    mix = [0.0] * count
    for frequency, start in ((659.25, 0.0), (523.25, 0.5)):
        first = round(rate * start)
        for i in range(count - first):
            t = i / rate
            envelope = min(1.0, i / attack) * math.exp(-3.5 * t)
            mix[first + i] += (
                envelope
                * (
                    math.sin(2 * math.pi * frequency * t)
                    + 0.3 * math.sin(2 * math.pi * 2 * frequency * t)
                    + 0.1 * math.sin(2 * math.pi * 3 * frequency * t)
                )
                / 1.4
            )
    for i in range(release):
        mix[count - 1 - i] *= i / release
    peak = max(abs(v) for v in mix) or 1.0
    return Audio(array("h", (round(_MAX * level * v / peak) for v in mix)), rate)
