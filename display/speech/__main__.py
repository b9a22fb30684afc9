"""Try the hall's voice without a server: `python -m display.speech ...`

python -m display.speech say A023 5 uk                 # play it (or say why not)
python -m display.speech say A023 5 uk --out /tmp/hall # write 0001-A023-5.wav there
python -m display.speech say A023 5 --clips /srv/kolejka/clips --recall
python -m display.speech clips /srv/kolejka/clips      # which recordings are missing
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from display.speech.announcer import Announcement, Announcer
from display.speech.engines import ClipEngine, Engine, Pyttsx3Engine
from display.speech.sinks import make_sink
from display.speech.words import CLIP_NAMES, LANGUAGES, clip_tokens, sentence


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m display.speech",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    say = commands.add_parser("say", help="announce one call")
    say.add_argument("number", help='the ticket number, e.g. "A023"')
    say.add_argument("counter", type=int)
    say.add_argument("language", nargs="?", default="pl", choices=LANGUAGES)
    say.add_argument("--recall", action="store_true")
    say.add_argument("--clips", type=Path, help="use the recordings in this folder")
    say.add_argument("--out", type=Path, help="write a WAV file into this folder")
    check = commands.add_parser("clips", help="list the recordings a clips folder lacks")
    check.add_argument("folder", type=Path)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.command == "clips":
        return check_clips(args.folder)
    return say_one(args)


def say_one(args: argparse.Namespace) -> int:
    announcement = Announcement(args.number, args.counter, args.language, args.recall)
    for language in announcement.languages:
        words = (
            " ".join(clip_tokens(args.number, args.counter, args.recall))
            if args.clips
            else sentence(args.number, args.counter, language, args.recall)
        )
        print(f"{language}: {words}")
    engine: Engine = ClipEngine(args.clips) if args.clips else Pyttsx3Engine()
    announcer = Announcer(engine, make_sink(f"wav:{args.out}" if args.out else "auto"))
    announcer.announce(announcement)
    announcer.close(timeout=60)
    [spoken] = announcer.history
    print(f"{spoken.seconds:.1f} s, said in {', '.join(spoken.languages) or 'no language'}")
    if spoken.error:
        print(f"error: {spoken.error}", file=sys.stderr)
        return 1
    return 0


def check_clips(folder: Path) -> int:
    engine = ClipEngine(folder)
    try:
        engine.start()
    except Exception as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{folder}: {len(CLIP_NAMES)} clips per language: {', '.join(CLIP_NAMES)}")
    complete = True
    for language in LANGUAGES:
        if not engine.speaks(language):
            print(f"{language}: no folder (calls for these visitors are said in Polish only)")
            continue
        missing = engine.missing(language)
        complete = complete and not missing
        print(f"{language}: " + (f"missing {', '.join(missing)}" if missing else "complete"))
    return 0 if complete else 1


if __name__ == "__main__":
    sys.exit(main())
