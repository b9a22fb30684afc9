"""`python -m display.speech`: an office tries its voice and checks its recordings."""

from __future__ import annotations

from pathlib import Path

import pytest

from display.speech.__main__ import main
from display.speech.words import CLIP_NAMES
from tests.display.soundcheck import measure, tone_wav


def test_say_writes_the_announcement(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["say", "A023", "5", "ru", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "pl: Numer a, dwadzieścia trzy, stanowisko pięć." in out
    assert "ru: Номер а, двадцать три, окно пять." in out
    sound = measure(tmp_path / "0001-A023-5.wav")
    assert 4 < sound.sox_seconds < 20 and sound.sox_rms > 0.02


def test_clips_lists_what_an_office_has_not_recorded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in CLIP_NAMES:
        tone_wav(tmp_path / "pl" / f"{name}.wav", 440.0, 0.05)
        if name not in ("7", "Q"):
            tone_wav(tmp_path / "uk" / f"{name}.wav", 440.0, 0.05)
    assert main(["clips", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "pl: complete" in out
    assert "uk: missing Q, 7" in out
    assert "ru: no folder" in out
    (tmp_path / "uk" / "7.wav").write_bytes((tmp_path / "pl" / "7.wav").read_bytes())
    (tmp_path / "uk" / "Q.wav").write_bytes((tmp_path / "pl" / "Q.wav").read_bytes())
    assert main(["clips", str(tmp_path)]) == 0
    assert (
        main(["say", "Q007", "3", "uk", "--clips", str(tmp_path), "--out", str(tmp_path / "out")])
        == 0
    )
    assert (tmp_path / "out" / "0001-Q007-3.wav").exists()
