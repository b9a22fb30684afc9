"""WAV in and out, format conversion, joining and the chime, checked with sox and `wave`."""

from __future__ import annotations

import math
from array import array
from pathlib import Path

import pytest

from display.speech.audio import Audio, chime, concat, read_wav, resample, silence, write_wav
from display.speech.errors import AudioFormatError
from tests.display.soundcheck import frequency, measure, tone_wav


@pytest.mark.parametrize(
    ("rate", "channels", "width"),
    [(22050, 1, 2), (44100, 2, 2), (8000, 1, 1), (48000, 2, 3), (16000, 1, 4)],
    ids=["16bit-mono", "16bit-stereo", "8bit", "24bit-stereo", "32bit"],
)
def test_any_pcm_wav_reads_as_mono_16_bit(
    tmp_path: Path, rate: int, channels: int, width: int
) -> None:
    path = tmp_path / "tone.wav"
    tone_wav(path, 440.0, 0.5, rate=rate, channels=channels, width=width, level=0.5)
    audio = read_wav(path)
    assert audio.rate == rate
    assert len(audio.samples) == round(rate * 0.5)
    assert audio.rms() == pytest.approx(0.5 / 2**0.5, rel=0.03)
    assert frequency(audio.samples, rate) == pytest.approx(440.0, rel=0.02)


def test_a_file_that_is_not_a_wav_names_itself(tmp_path: Path) -> None:
    path = tmp_path / "number.wav"
    path.write_bytes(b"ID3\x03 this is an mp3 file really")
    with pytest.raises(AudioFormatError, match=r"number\.wav"):
        read_wav(path)
    with pytest.raises(AudioFormatError, match="cannot read"):
        read_wav(tmp_path / "absent.wav")


def test_resampling_keeps_length_and_pitch() -> None:
    rate = 44100
    source = Audio(
        array("h", (round(16000 * math.sin(2 * math.pi * 500 * i / rate)) for i in range(rate))),
        rate,
    )
    down = resample(source, 16000)
    assert down.rate == 16000
    assert down.seconds == pytest.approx(source.seconds, abs=0.001)
    assert frequency(down.samples, 16000) == pytest.approx(500.0, rel=0.02)


def test_concat_joins_at_one_rate_with_gaps() -> None:
    one = Audio(array("h", [1000] * 22050), 22050)
    two = Audio(array("h", [-1000] * 44100), 44100)  # one second at another rate
    joined = concat([one, two], 22050, gap=0.5)
    assert joined.rate == 22050
    assert joined.seconds == pytest.approx(2.5, abs=0.001)
    assert joined.samples[22050 + 100] == 0  # inside the gap
    assert joined.samples[-1] == -1000


def test_the_chime_is_a_clean_audible_two_tone(tmp_path: Path) -> None:
    path = tmp_path / "chime.wav"
    write_wav(path, chime(22050))
    measured = measure(path)
    assert measured.sox_seconds == pytest.approx(1.4, abs=0.01)
    assert measured.sox_rms > 0.05
    assert measured.sox_max <= 0.36
    audio = read_wav(path)
    assert audio.samples[-1] == 0  # faded out: no click
    first = audio.samples[1000:9000]  # E5 alone, before the second tone
    assert frequency(first, 22050) == pytest.approx(659.25, rel=0.03)


def test_write_wav_leaves_no_partial_file(tmp_path: Path) -> None:
    path = tmp_path / "out.wav"
    write_wav(path, silence(8000, 0.25))
    assert [p.name for p in tmp_path.iterdir()] == ["out.wav"]
    assert measure(path).seconds == pytest.approx(0.25)
