"""What can go wrong between an issued ticket and paper, as typed errors.

Every error carries `reason_code`, a stable string the kiosk maps to a message for the
visitor (`describe(language)` gives the catalogue's text), and an English `message` for logs.

    PrinterError                 any printing failure (reason_code "printer_error")
    ├── PrinterConfigError       the configuration cannot work: unknown profile, a missing
    │                            driver library or font, bad connection settings
    │                            ("printer_config")
    ├── PrinterOffline           the printer cannot be reached or stopped answering mid-job
    │                            ("offline")
    ├── PaperOut                 the printer says its paper roll is empty ("paper_out")
    ├── CoverOpen                the printer says its cover is open ("cover_open")
    ├── TextNotPrintable         text_mode = "codepage" and a line fits no code page of
    │                            the profile: refused rather than printed with "?"
    │                            ("text_not_printable")
    └── PrintFailed              the job could not be completed for another reason, e.g. the
                                 preview directory is not writable ("print_failed")

The codes for offline, paper_out and cover_open are the same strings as the matching
`PrinterStatus` values, so a kiosk can treat a status and an error alike.
"""

from __future__ import annotations

from kolejka.i18n import N_, translator


class PrinterError(Exception):
    """A ticket could not be printed; `reason_code` says why in a stable word.

    The base class takes the code (`PrinterError("printer_error", "…")`); each subclass
    has its own and takes only the message (`PaperOut("the printer reports …")`).
    """

    code = "printer_error"
    human = N_("The ticket printer is not working.")

    def __init__(self, reason_code: str, message: str) -> None:
        super().__init__(message)
        self.reason_code = reason_code
        self.message = message

    def describe(self, language: str) -> str:
        """The reason in words for the visitor or staff, in `language`."""
        return translator(language).gettext(self.human)


class _Specific(PrinterError):
    """A subclass whose reason code is fixed by its class."""

    def __init__(self, message: str) -> None:
        super().__init__(self.code, message)


class PrinterConfigError(_Specific):
    code = "printer_config"
    human = N_("The ticket printer is not set up correctly.")


class PrinterOffline(_Specific):
    code = "offline"
    human = N_("The ticket printer is not responding.")


class PaperOut(_Specific):
    code = "paper_out"
    human = N_("The ticket printer is out of paper.")


class CoverOpen(_Specific):
    code = "cover_open"
    human = N_("The ticket printer's cover is open.")


class TextNotPrintable(_Specific):
    code = "text_not_printable"
    human = N_("The ticket printer cannot print text in this language.")


class PrintFailed(_Specific):
    code = "print_failed"
