"""The counter app's words, marked for the catalogues."""

from __future__ import annotations

from counter.state import Action
from kolejka.i18n import N_

ACTION_LABELS: dict[Action, str] = {
    Action.CALL_NEXT: N_("Call next"),
    Action.RECALL: N_("Recall"),
    Action.START: N_("Start service"),
    Action.FINISH: N_("Finish"),
    Action.NO_SHOW: N_("No-show"),
    Action.TRANSFER: N_("Transfer…"),
    Action.PAUSE: N_("Pause"),
    Action.RESUME: N_("Resume"),
    Action.CLOSE: N_("Close counter"),
}

SHORTCUTS: dict[Action, str] = {
    Action.CALL_NEXT: "F5",
    Action.RECALL: "F6",
    Action.START: "F7",
    Action.FINISH: "F8",
    Action.NO_SHOW: "F9",
    Action.TRANSFER: "F10",
    Action.PAUSE: "F11",
    Action.RESUME: "F11",
    Action.CLOSE: "Ctrl+Q",
}

STATUS_LABELS = {
    "waiting": N_("waiting"),
    "called": N_("called"),
    "serving": N_("being served"),
    "done": N_("done"),
    "no_show": N_("did not come"),
    "cancelled": N_("cancelled"),
}

COUNTER_STATE_LABELS = {
    "open": N_("open"),
    "paused": N_("on a break"),
    "closed": N_("closed"),
}

PRIORITY_LABELS = {"normal": N_("normal"), "priority": N_("priority")}

UNREACHABLE = N_(
    "The server does not answer. Your last action may not have been saved; the app keeps trying."
)
RESYNCED = N_("Shown again as the server has it.")
NOBODY_WAITING = N_("Nobody is waiting for this counter.")

# A kiosk's printer states that the staff should act on (the same words the kiosk uses).
PRINTER_FAULTS = {
    "paper_low": N_("The ticket printer is running out of paper."),
    "paper_out": N_("The ticket printer is out of paper."),
    "cover_open": N_("The ticket printer's cover is open."),
    "offline": N_("The ticket printer is not responding."),
}
