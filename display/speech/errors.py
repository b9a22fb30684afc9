"""What can go wrong while announcing a call.

    SpeechError                 every failure of the announcer's parts
    ├── EngineUnavailable       the speech engine cannot start (pyttsx3 or espeak-ng missing)
    ├── NumberNotSpeakable      a ticket number the words cannot be made for ("??", "A")
    ├── ClipMissing             a recorded clip the office has not provided (names the file)
    ├── AudioFormatError        a WAV file that is not plain PCM, or cannot be read
    └── PlaybackError           the sound player failed (device busy, player crashed)

The announcer catches each of them per announcement, logs it and goes on with the next.
"""

from __future__ import annotations


class SpeechError(Exception):
    """An announcement (or part of one) could not be made; the message says why."""


class EngineUnavailable(SpeechError):
    pass


class NumberNotSpeakable(SpeechError, ValueError):
    pass


class ClipMissing(SpeechError):
    def __init__(self, message: str, path: str) -> None:
        super().__init__(message)
        self.path = path


class AudioFormatError(SpeechError):
    pass


class PlaybackError(SpeechError):
    pass
