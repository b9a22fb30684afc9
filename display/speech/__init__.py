"""The hall's voice: every call is announced with a chime and speech.

    from display.speech import Announcement, make_announcer
    announcer = make_announcer(SpeechSettings(engine="tts", sink="auto"))
    announcer.announce(Announcement(number="A023", counter=5, language="uk"))
    announcer.close()

- `words`: how a call is said in pl/en/ru/uk (the sentence for speech synthesis, the clip
  names for recordings); pure.
- `audio`: WAV in and out, resampling, joining, the chime; standard library only.
- `engines`: `Pyttsx3Engine` (espeak-ng on Linux, SAPI 5 on Windows) and `ClipEngine` (the
  office's recordings; the folder layout is in that module's docstring).
- `sinks`: the sound device ("auto"), nowhere ("null"), WAV files ("wav:<folder>").
- `announcer`: the queue and the single worker that says the calls in order.
- `errors`: the exception tree.
"""

from __future__ import annotations

from display.config import SpeechSettings
from display.speech.announcer import Announcement, Announcer, Spoken
from display.speech.audio import Audio, read_wav, write_wav
from display.speech.engines import ClipEngine, Engine, Pyttsx3Engine
from display.speech.errors import (
    AudioFormatError,
    ClipMissing,
    EngineUnavailable,
    NumberNotSpeakable,
    PlaybackError,
    SpeechError,
)
from display.speech.sinks import AutoSink, Sink, WavSink, make_sink

__all__ = [
    "Announcement",
    "Announcer",
    "Audio",
    "AudioFormatError",
    "AutoSink",
    "ClipEngine",
    "ClipMissing",
    "Engine",
    "EngineUnavailable",
    "NumberNotSpeakable",
    "PlaybackError",
    "Pyttsx3Engine",
    "Sink",
    "SpeechError",
    "Spoken",
    "WavSink",
    "make_announcer",
    "make_sink",
    "read_wav",
    "write_wav",
]


def make_announcer(settings: SpeechSettings) -> Announcer | None:
    """The announcer `settings` ask for, already started; None when speech is off."""
    if settings.engine == "off":
        return None
    engine: Engine
    if settings.engine == "clips":
        assert settings.clips is not None  # SpeechSettings refuses "clips" without a folder
        engine = ClipEngine(settings.clips)
    else:
        engine = Pyttsx3Engine()
    return Announcer(engine, make_sink(settings.sink))
