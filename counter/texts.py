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
    Action.PARK: N_("Park"),
    Action.CALL_BACK: N_("Call back…"),
    Action.SERVE_WITHOUT_TICKET: N_("Serve without ticket…"),
    Action.REACTIVATE: N_("Reactivate…"),
    Action.PAUSE: N_("Pause…"),
    Action.RESUME: N_("Resume"),
    Action.CLOSE: N_("Close counter"),
    Action.UNDO: N_("Undo"),
}

SHORTCUTS: dict[Action, str] = {
    Action.CALL_NEXT: "F5",
    Action.RECALL: "F6",
    Action.START: "F7",
    Action.FINISH: "F8",
    Action.NO_SHOW: "F9",
    Action.TRANSFER: "F10",
    Action.PARK: "F4",
    Action.CALL_BACK: "Shift+F5",
    Action.SERVE_WITHOUT_TICKET: "F3",
    Action.REACTIVATE: "Shift+F9",
    Action.PAUSE: "F11",
    Action.RESUME: "F11",
    Action.CLOSE: "Ctrl+Q",
    Action.UNDO: "Ctrl+Z",
}

STATUS_LABELS = {
    "waiting": N_("waiting"),
    "called": N_("called"),
    "serving": N_("being served"),
    "done": N_("done"),
    "no_show": N_("did not come"),
    "cancelled": N_("cancelled"),
    "parked": N_("parked"),
}

COUNTER_STATE_LABELS = {
    "open": N_("open"),
    "paused": N_("on a break"),
    "closed": N_("closed"),
}

PAUSE_REASONS = {
    "break": N_("Break"),
    "back_office": N_("Back-office work"),
    "technical": N_("Technical problem"),
}
# The badge while paused, by reason.
PAUSED_BADGES = {
    "break": N_("on a break"),
    "back_office": N_("paused: back office"),
    "technical": N_("paused: technical problem"),
}

PRIORITY_LABELS = {"normal": N_("normal"), "priority": N_("priority")}

UNREACHABLE = N_(
    "The server does not answer. Your last action may not have been saved; the app keeps trying."
)
RESYNCED = N_("Shown again as the server has it.")
NOBODY_WAITING = N_("Nobody is waiting for this counter.")

# What the status bar confirms after an action (`{number}`: the ticket's).
NO_SHOW_PENDING = N_("{number} will be marked as not come in {seconds} s.")
NO_SHOW_SENT = N_("{number} marked as not come.")
NO_SHOW_UNDONE = N_("{number} stays at the counter: the no-show was undone.")
TRANSFERRED_TO_SERVICE = N_("{number} transferred to {service}.")
TRANSFERRED_TO_COUNTER = N_("{number} transferred to {service}, counter {counter}.")
PARKED = N_("{number} parked: call them back with Call back.")
CALLED_BACK = N_("{number} called back.")
REACTIVATED = N_("{number} is back in line.")
WALK_IN = N_("{number} issued and being served.")

# A kiosk's printer states that the staff should act on (the same words the kiosk uses).
PRINTER_FAULTS = {
    "paper_low": N_("The ticket printer is running out of paper."),
    "paper_out": N_("The ticket printer is out of paper."),
    "cover_open": N_("The ticket printer's cover is open."),
    "offline": N_("The ticket printer is not responding."),
}
