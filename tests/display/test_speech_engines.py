"""The speech engines against the real thing: pyttsx3 with espeak-ng, and recorded clips.

Rendered sound is written to WAV and measured with sox and `wave` (tests/display/soundcheck.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from display.speech.audio import write_wav
from display.speech.engines import ClipEngine, Pyttsx3Engine, pick_voice
from display.speech.errors import ClipMissing, EngineUnavailable, SpeechError
from display.speech.words import CLIP_NAMES, LANGUAGES, sentence
from tests.display.soundcheck import espeak_seconds, frequency, measure, segments, tone_wav

# --- speech synthesis --------------------------------------------------------------------


@pytest.fixture(scope="module")
def tts() -> Iterator[Pyttsx3Engine]:
    engine = Pyttsx3Engine()
    engine.start()
    yield engine
    engine.close()


def test_every_language_has_its_espeak_voice(tts: Pyttsx3Engine) -> None:
    assert {lang: voice.rsplit("/", 1)[-1] for lang, voice in tts.voices.items()} == {
        "pl": "pl",
        "en": "en",
        "ru": "ru",
        "uk": "uk",
    }
    assert all(tts.speaks(language) for language in LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_call_renders_to_a_complete_audible_wav(
    tts: Pyttsx3Engine, tmp_path: Path, language: str
) -> None:
    path = tmp_path / f"A023-5-{language}.wav"
    write_wav(path, tts.render("A023", 5, language))
    measured = measure(path)
    print(f"{language}: {measured.seconds:.2f} s, RMS {measured.sox_rms:.3f}")
    assert (measured.channels, measured.width) == (1, 2)
    assert 0.5 < measured.seconds < 20
    assert measured.sox_seconds == pytest.approx(measured.seconds, abs=0.01)
    assert measured.rms > 0.02 and measured.sox_rms > 0.02
    # The whole sentence was said with this language's voice: espeak-ng's own command line
    # takes about as long for the same words (a cut-short or wrong-voice render does not).
    reference = espeak_seconds(
        sentence("A023", 5, language), tts.voices[language], tts.words_per_minute, tmp_path
    )
    assert measured.seconds == pytest.approx(reference, rel=0.12)


def test_a_recall_says_more_than_a_call(tts: Pyttsx3Engine) -> None:
    call = tts.render("B117", 12, "pl")
    recall = tts.render("B117", 12, "pl", recall=True)
    assert recall.seconds > call.seconds + 0.3  # "Ponownie: …"


def test_renders_one_after_another_are_never_cut_short(tts: Pyttsx3Engine) -> None:
    """pyttsx3's espeak driver cancels an utterance it believes still running: each render
    must wait for espeak-ng to be idle, or some of these come out short or empty.

    (The same sentence varies by a few samples of trailing silence from one render to the
    next inside one process; a cut costs whole words.)"""
    lengths: dict[str, list[int]] = {language: [] for language in LANGUAGES}
    for _ in range(6):
        for language in LANGUAGES:
            lengths[language].append(len(tts.render("C048", 3, language).samples))
    for found in lengths.values():
        assert min(found) > 0.97 * max(found), lengths


def test_pick_voice_prefers_the_language_and_british_english() -> None:
    class Voice:
        def __init__(self, id: str, languages: list[str]) -> None:
            self.id = id
            self.languages = languages

    voices = [
        Voice("gmw/en-us", ["en-us"]),
        Voice("gmw/en", ["en-gb"]),
        Voice("HKEY\\TTS_PL-PL_PAULINA", ["pl_PL"]),
        Voice("zle/ru", ["ru"]),
    ]
    assert pick_voice(voices, "en") is voices[1]
    assert pick_voice(voices, "pl") is voices[2]  # SAPI: "pl_PL"
    assert pick_voice(voices, "ru") is voices[3]
    assert pick_voice(voices, "uk") is None


# --- recorded clips ----------------------------------------------------------------------

TONE = {name: 300.0 + 25.0 * index for index, name in enumerate(CLIP_NAMES)}
CLIP_SECONDS = 0.15


def record(folder: Path, language: str, skip: tuple[str, ...] = ()) -> None:
    """Every clip as a tone of its own pitch, in a mix of formats an office might send."""
    for name in CLIP_NAMES:
        if name in skip:
            continue
        path = folder / language / f"{name}.wav"
        if name == "number":
            tone_wav(path, TONE[name], CLIP_SECONDS, rate=16000)  # sets the engine's rate
        elif name.isalpha() and len(name) == 1:
            tone_wav(path, TONE[name], CLIP_SECONDS, rate=44100, channels=2)
        elif name.isdigit():
            tone_wav(path, TONE[name], CLIP_SECONDS, rate=8000, width=1)
        else:
            tone_wav(path, TONE[name], CLIP_SECONDS, rate=48000, width=3)


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("clips")
    record(folder, "pl")
    record(folder, "en", skip=("20",))  # an office that forgot one recording
    return folder


@pytest.fixture
def clip_engine(clips: Path) -> ClipEngine:
    engine = ClipEngine(clips)
    engine.start()
    return engine


def said_tones(path: Path) -> list[float]:
    from display.speech.audio import read_wav

    audio = read_wav(path)
    margin = round(audio.rate * 0.01)
    return [
        frequency(audio.samples[a + margin : b - margin], audio.rate)
        for a, b in segments(audio.samples, audio.rate)
    ]


def test_clips_are_said_in_order_at_one_rate(clip_engine: ClipEngine, tmp_path: Path) -> None:
    audio = clip_engine.render("A023", 5, "pl", recall=True)
    assert audio.rate == 16000  # the rate of pl/number.wav; the others were converted
    path = tmp_path / "clips.wav"
    write_wav(path, audio)
    tokens = ["again", "number", "A", "20", "3", "counter", "5"]
    heard = said_tones(path)
    assert len(heard) == len(tokens)
    for token, pitch in zip(tokens, heard, strict=True):
        assert pitch == pytest.approx(TONE[token], abs=6), token
    measured = measure(path)
    gaps = 5 * clip_engine.word_gap + clip_engine.phrase_gap
    assert measured.sox_seconds == pytest.approx(len(tokens) * CLIP_SECONDS + gaps, abs=0.01)


def test_a_missing_clip_is_named(clip_engine: ClipEngine, clips: Path) -> None:
    assert clip_engine.missing("en") == ["20"]
    assert clip_engine.missing("pl") == []
    with pytest.raises(ClipMissing) as caught:
        clip_engine.render("A023", 5, "en")
    assert caught.value.path == str(clips / "en" / "20.wav")
    assert "en/20.wav" in str(caught.value) and "A023" in str(caught.value)
    clip_engine.render("A017", 5, "en")  # the clips it has still work


def test_a_language_without_a_folder_is_not_spoken(clip_engine: ClipEngine) -> None:
    assert clip_engine.speaks("pl") and clip_engine.speaks("en")
    assert not clip_engine.speaks("ru") and not clip_engine.speaks("uk")
    with pytest.raises(SpeechError, match="ru"):
        clip_engine.render("A023", 5, "ru")


def test_an_office_chime_replaces_the_generated_one(clips: Path, tmp_path: Path) -> None:
    folder = tmp_path / "own"
    record(folder, "pl", skip=tuple(n for n in CLIP_NAMES if n != "number"))
    tone_wav(folder / "chime.wav", 1000.0, 0.8, rate=44100)
    engine = ClipEngine(folder)
    engine.start()
    chime = engine.chime()
    assert chime.rate == 16000 and chime.seconds == pytest.approx(0.8, abs=0.001)
    assert frequency(chime.samples, chime.rate) == pytest.approx(1000.0, rel=0.01)
    assert ClipEngine(clips).chime().seconds == pytest.approx(1.4)  # generated


def test_a_clip_folder_without_polish_cannot_start(tmp_path: Path) -> None:
    record(tmp_path, "en", skip=tuple(n for n in CLIP_NAMES if n != "number"))
    with pytest.raises(EngineUnavailable, match="'pl'"):
        ClipEngine(tmp_path).start()
    with pytest.raises(EngineUnavailable, match="does not exist"):
        ClipEngine(tmp_path / "nowhere").start()
