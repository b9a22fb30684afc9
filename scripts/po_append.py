"""Append translations to the catalogues: `python scripts/po_append.py MODULE.py`.

MODULE defines T = {msgid: (pl, ru, uk)}; entries already present are skipped, so the
script may run again. English msgstr is the msgid itself.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1] / "kolejka" / "i18n" / "locale"


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def append(table: dict[str, tuple[str, str, str]]) -> int:
    added = 0
    for lang in ("pl", "en", "ru", "uk"):
        path = ROOT / lang / "LC_MESSAGES" / "kolejka.po"
        with path.open("rb") as fh:
            known = {m.id for m in read_po(fh) if m.id}
        block = []
        for msgid, (pl, ru, uk) in table.items():
            if msgid in known:
                continue
            text = {"pl": pl, "en": msgid, "ru": ru, "uk": uk}[lang]
            block.append(f"msgid {quote(msgid)}\nmsgstr {quote(text)}\n")
        if block:
            with path.open("a", encoding="utf-8") as fh:
                fh.write("\n" + "\n".join(block))
            added += len(block)
    return added


if __name__ == "__main__":
    print(append(runpy.run_path(sys.argv[1])["T"]), "entries added")
