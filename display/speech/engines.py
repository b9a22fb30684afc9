"""Speech engines: turn one call in one language into sound.

    engine = Pyttsx3Engine()          # pyttsx3: espeak-ng on Linux, SAPI 5 on Windows
    engine = ClipEngine(Path("/srv/kolejka/clips"))   # the office's own recordings
    engine.start()                    # in the thread that will render (loads, warms up)
    audio = engine.render("A023", 5, "uk", recall=False)
    engine.close()

An engine is used by one thread at a time (the announcer's worker); `start()` is called in
that thread, since SAPI's COM objects belong to the thread that made them.

Recorded clips, one folder per language beside an optional chime:

    clips/
      chime.wav                       optional: replaces the generated ding-dong
      pl/number.wav counter.wav again.wav       "numer", "stanowisko", "ponownie"
      pl/A.wav … Z.wav                          the letters the office's services use
      pl/0.wav … 19.wav, 20.wav 30.wav … 90.wav, 100.wav … 900.wav, 1000.wav … 9000.wav
      en/ ru/ uk/                               the same names, said in that language

Every clip is a PCM WAV file (any rate, width and channel count; they are converted to the
rate of pl/number.wav). A language without a folder is not spoken (Polish only, then); a
clip missing from a language's folder is an error that names the file.
"""

from __future__ import annotations

import atexit
import gc
import itertools
import logging
import platform
import shutil
import sys
import tempfile
import threading
import time
import weakref
from pathlib import Path
from typing import Any

from display.speech.audio import DEFAULT_RATE, Audio, chime, concat, read_wav, resample, silence
from display.speech.errors import ClipMissing, EngineUnavailable, SpeechError
from display.speech.words import CLIP_NAMES, LANGUAGES, clip_tokens, sentence

log = logging.getLogger(__name__)


class Engine:
    """What the announcer needs from an engine; the base class speaks nothing."""

    rate: int = DEFAULT_RATE

    def start(self) -> None:
        """Load and warm up, in the thread that renders."""

    def speaks(self, language: str) -> bool:
        return False

    def render(self, number: str, counter: int, language: str, recall: bool = False) -> Audio:
        raise SpeechError(f"{type(self).__name__} cannot speak")

    def render_text(self, text: str, language: str) -> Audio:
        raise SpeechError(f"{type(self).__name__} cannot say free text")

    def chime(self) -> Audio:
        return chime(self.rate)

    def close(self) -> None:
        pass


# --- speech synthesis --------------------------------------------------------------------

# espeak-ng is one synthesiser per process (pyttsx3's driver initialises it once and
# points its single callback at the newest driver), so every render goes through one lock
# and one pyttsx3 engine per driver, kept for the life of the process: a second engine
# would be garbage-collected some day and unhook the first one's callback on the way out.
_TTS_LOCK = threading.Lock()
_TTS_ENGINES: dict[str, Any] = {}
# pyttsx3 2.99's espeak driver synthesises in espeak-ng's own thread (AUDIO_OUTPUT_RETRIEVAL
# is asynchronous), which shows in two ways that a render works around:
# - the first runAndWait() returns before the WAV file is written (it appears ~10-100 ms
#   later), so a render waits for the "finished-utterance" notification, sent after the
#   file is closed;
# - runAndWait() starts by stopping whatever espeak-ng still has in hand, and espeak-ng
#   reports itself busy for a moment after the last file is written: starting the next
#   render then cancels it, and the file comes out cut short or empty. So a render first
#   waits until espeak-ng is idle.
_TTS_FINISHED = threading.Event()
_TTS_COMPLETED: list[bool] = []
_TTS_USERS: weakref.WeakSet[Pyttsx3Engine] = weakref.WeakSet()


def _forget_tts() -> None:
    """At exit, let the pyttsx3 engines go while Python still works: left to the end,
    pyttsx3's destructor runs after its module is torn down and prints a traceback."""
    for user in list(_TTS_USERS):
        user._tts = None
    _TTS_ENGINES.clear()
    gc.collect()


RENDER_TIMEOUT = 20.0  # seconds for one sentence; espeak-ng needs a few milliseconds


def _shared_tts(driver: str) -> Any:
    engine = _TTS_ENGINES.get(driver)
    if engine is None:
        try:
            import pyttsx3
        except ImportError as exc:
            raise EngineUnavailable(
                "pyttsx3 is not installed (pip install 'kolejka[speech]')"
            ) from exc
        if driver == "sapi5":  # COM must be set up in this thread before SAPI is used
            import comtypes

            comtypes.CoInitialize()
        try:
            engine = pyttsx3.init(driver)
        except Exception as exc:  # pyttsx3 raises whatever its driver raises
            raise EngineUnavailable(
                f"the {driver} speech engine did not start ({exc}); on Debian: "
                "apt-get install espeak-ng libespeak-ng1"
            ) from exc
        if driver == "espeak":
            # The driver prints "Audio saved to …" after every file; keep it in the log.
            module = sys.modules.get("pyttsx3.drivers.espeak")
            if module is not None:
                setattr(module, "print", lambda *a, **_: log.debug(" ".join(map(str, a))))  # noqa: B010

        def finished(completed: bool = True, **_: Any) -> None:
            _TTS_COMPLETED.append(completed)
            if completed:
                _TTS_FINISHED.set()

        engine.connect("finished-utterance", finished)
        if not _TTS_ENGINES:
            atexit.register(_forget_tts)
        _TTS_ENGINES[driver] = engine
    return engine


def _espeak_idle(timeout: float) -> bool:
    """Wait until espeak-ng has nothing in hand (see above); True when it is idle."""
    from pyttsx3.drivers import _espeak

    deadline = time.monotonic() + timeout
    while _espeak.IsPlaying():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.002)
    return True


def default_driver() -> str:
    system = platform.system()
    if system == "Windows":
        return "sapi5"
    if system == "Darwin":
        return "nsss"
    return "espeak"


def pick_voice(voices: list[Any], language: str) -> Any | None:
    """The voice for `language` among pyttsx3's voices (espeak-ng ids "zlw/pl", "gmw/en";
    SAPI languages "pl_PL"), preferring British English for "en"."""

    def codes(voice: Any) -> set[str]:
        found = {str(voice.id).lower().rsplit("/", 1)[-1].rsplit("\\", 1)[-1]}
        for item in getattr(voice, "languages", None) or []:
            if isinstance(item, bytes):
                item = item.decode("utf-8", "ignore")
            found.add(str(item).lower().lstrip("\x05").replace("_", "-"))
        return found

    exact = [v for v in voices if language in codes(v)]
    if language == "en":
        exact.sort(key=lambda v: "en-gb" not in codes(v))
    if exact:
        return exact[0]
    regional = [v for v in voices if any(c.split("-")[0] == language for c in codes(v))]
    return regional[0] if regional else None


class Pyttsx3Engine(Engine):
    """Speech synthesis through pyttsx3, rendered to a WAV file and read back.

    `words_per_minute` is slower than pyttsx3's 200: a hall is noisy and numbers matter.
    """

    def __init__(
        self, driver: str | None = None, *, words_per_minute: int = 150, volume: float = 1.0
    ) -> None:
        self.driver = driver or default_driver()
        self.words_per_minute = words_per_minute
        self.volume = volume
        self.voices: dict[str, Any] = {}
        self._tts: Any = None
        self._folder: Path | None = None
        self._count = itertools.count(1)

    def start(self) -> None:
        with _TTS_LOCK:
            self._tts = _shared_tts(self.driver)
            _TTS_USERS.add(self)
            voices = list(self._tts.getProperty("voices") or [])
        for language in LANGUAGES:
            voice = pick_voice(voices, language)
            if voice is not None:
                self.voices[language] = voice.id
        if "pl" not in self.voices:
            log.warning(
                "speech: no Polish voice in %s; calls are said in its default voice", self.driver
            )
        missing = [language for language in LANGUAGES if language not in self.voices]
        if missing:
            log.warning(
                "speech: no %s voice for %s; those visitors hear Polish only",
                self.driver,
                ", ".join(missing),
            )
        self._folder = Path(tempfile.mkdtemp(prefix="kolejka-tts-"))
        self.render("A001", 1, "pl")  # warm up: the first render loads the voice data
        log.info(
            "speech: %s ready, voices %s",
            self.driver,
            ", ".join(f"{k}={v}" for k, v in self.voices.items()),
        )

    def speaks(self, language: str) -> bool:
        return language in self.voices

    def render(self, number: str, counter: int, language: str, recall: bool = False) -> Audio:
        return self.render_text(sentence(number, counter, language, recall), language)

    def render_text(self, text: str, language: str) -> Audio:
        """`text` said in `language`'s voice (Polish where there is none): also the
        kiosk's read-aloud mode speaks its screens through this."""
        if self._tts is None or self._folder is None:
            raise SpeechError("the speech engine was not started")
        path = self._folder / f"{next(self._count)}.wav"
        with _TTS_LOCK:
            voice = self.voices.get(language) or self.voices.get("pl")
            if voice is not None:
                self._tts.setProperty("voice", voice)
            self._tts.setProperty("rate", self.words_per_minute)
            self._tts.setProperty("volume", self.volume)
            if self.driver == "espeak":
                _espeak_idle(RENDER_TIMEOUT)
            _TTS_FINISHED.clear()
            self._tts.save_to_file(text, str(path))
            self._tts.runAndWait()
            # SAPI and NSSS write the file inside runAndWait(); only espeak needs the wait.
            finished = self.driver != "espeak" or _TTS_FINISHED.wait(RENDER_TIMEOUT)
        if not finished:
            path.unlink(missing_ok=True)
            raise SpeechError(
                f"the {self.driver} engine did not finish {text!r} in {RENDER_TIMEOUT:.0f} s"
            )
        try:
            audio = read_wav(path)
        finally:
            path.unlink(missing_ok=True)
        if not audio.samples:
            raise SpeechError(f"the {self.driver} engine rendered no sound for {text!r}")
        return audio

    def close(self) -> None:
        self._tts = None  # the shared engine stays, warm for the next announcer
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


# --- recorded clips ----------------------------------------------------------------------


class ClipEngine(Engine):
    """Says a call by joining the office's recorded clips (layout in the module docstring)."""

    def __init__(self, folder: Path, *, word_gap: float = 0.06, phrase_gap: float = 0.25) -> None:
        self.folder = Path(folder)
        self.word_gap = word_gap
        self.phrase_gap = phrase_gap
        self.languages: set[str] = set()
        self._clips: dict[tuple[str, str], Audio] = {}
        self._chime: Audio | None = None

    def start(self) -> None:
        if not self.folder.is_dir():
            raise EngineUnavailable(f"the clips folder {self.folder} does not exist")
        self.languages = {lang for lang in LANGUAGES if (self.folder / lang).is_dir()}
        if "pl" not in self.languages:
            raise EngineUnavailable(f"the clips folder {self.folder} has no 'pl' folder")
        first = self._path("pl", "number")
        self.rate = read_wav(first).rate if first is not None else DEFAULT_RATE
        for language in sorted(self.languages):
            missing = self.missing(language)
            if missing:
                log.warning(
                    "speech: %s/%s lacks %d clips: %s",
                    self.folder,
                    language,
                    len(missing),
                    ", ".join(missing),
                )

    def missing(self, language: str) -> list[str]:
        """The clip names (CLIP_NAMES) not recorded in `language`'s folder."""
        return [name for name in CLIP_NAMES if self._path(language, name) is None]

    def speaks(self, language: str) -> bool:
        return language in self.languages

    def render(self, number: str, counter: int, language: str, recall: bool = False) -> Audio:
        if language not in self.languages:
            raise SpeechError(f"no recorded clips in {language} ({self.folder / language})")
        tokens = clip_tokens(number, counter, recall)
        parts: list[Audio] = []
        for index, token in enumerate(tokens):
            if index:
                gap = self.phrase_gap if token == "counter" else self.word_gap
                parts.append(silence(self.rate, gap))
            parts.append(self._clip(language, token, number, counter))
        return concat(parts, self.rate)

    def chime(self) -> Audio:
        if self._chime is None:
            path = self.folder / "chime.wav"
            recorded = path.is_file()
            self._chime = resample(read_wav(path), self.rate) if recorded else chime(self.rate)
        return self._chime

    def _path(self, language: str, name: str) -> Path | None:
        for candidate in (name, name.lower()):
            for suffix in (".wav", ".WAV"):
                path = self.folder / language / f"{candidate}{suffix}"
                if path.is_file():
                    return path
        return None

    def _clip(self, language: str, token: str, number: str, counter: int) -> Audio:
        key = (language, token)
        clip = self._clips.get(key)
        if clip is None:
            path = self._path(language, token)
            if path is None:
                expected = self.folder / language / f"{token}.wav"
                raise ClipMissing(
                    f"the recorded clip {expected} is missing (needed to say {number} at "
                    f"counter {counter} in {language}); record it as {language}/{token}.wav",
                    str(expected),
                )
            clip = resample(read_wav(path), self.rate)
            self._clips[key] = clip
        return clip
