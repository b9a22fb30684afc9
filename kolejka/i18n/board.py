"""The hall board's captions and status lines, shared by the Qt display and the web board.

Plain message ids (English) for the gettext catalogue. They live here, in the shared
package, so that both the display app and the server (which bakes them into the web
board's page) import them from below rather than one app from another.
"""

from __future__ import annotations

from kolejka.i18n import LANGUAGES, N_, translator

NOW_CALLING = N_("Now calling")
NUMBER = N_("Number")
COUNTER = N_("Counter")
PREVIOUS = N_("Previous calls")
WAITING = N_("In the queue")
RECALL = N_("Called again")
TITLE = N_("Hall display")
CONNECTING = N_("Connecting to the server…")
OFFLINE = N_("No connection to the server. Reconnecting…")
REFUSED = N_("The server refused this display. Check its token and site.")

CAPTIONS: dict[str, str] = {
    "now_calling": NOW_CALLING,
    "number": NUMBER,
    "counter": COUNTER,
    "previous": PREVIOUS,
    "waiting": WAITING,
    "recall": RECALL,
    "title": TITLE,
    "connecting": CONNECTING,
    "offline": OFFLINE,
    "refused": REFUSED,
}


def gettext(language: str, message: str) -> str:
    return translator(language).gettext(message)


def captions_by_language() -> dict[str, dict[str, str]]:
    """{language: {key: translated caption}} for every catalogue language."""
    return {
        language: {key: gettext(language, message) for key, message in CAPTIONS.items()}
        for language in LANGUAGES
    }
