"""The kiosk's builder (`kolejka kiosk`, `kolejka demo`): printer, client, controller, window.

    window = build_kiosk_window("http://127.0.0.1:8420", "demo", "demo-kiosk-token-0001",
                                printer_config=PrinterConfig(kind="preview", preview_dir=d))
    window.show()
    ...
    window.shutdown()

The builder does not create a QApplication, so several apps can share one process.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from kiosk.config import KioskConfig, make_config
from kiosk.controller import KioskController, Timing
from kiosk.flow import KioskState, Screen
from kiosk.issuing import TicketIssuer
from kiosk.window import Clock, KioskWindow
from kolejka.client import EventStream, KolejkaClient
from kolejka.client.qt import EventStreamThread
from kolejka.i18n import normalize_language
from printers import TicketPrinter, open_printer
from printers.config import PrinterConfig


def build_kiosk_window(
    server_url: str,
    site: str,
    token: str,
    *,
    printer_config: PrinterConfig | None = None,
    printer: TicketPrinter | None = None,
    language: str | None = None,
    fullscreen: bool = False,
    idle_timeout_s: float = 45.0,
    clock: Clock | None = None,
    timing: Timing | None = None,
    **options: Any,
) -> KioskWindow:
    """The kiosk's main window, connected and polling; call `.show()`, later `.shutdown()`.

    `printer_config` opens the printer (default: the preview backend); `printer` passes an
    already open one instead. `language` opens directly on the matters in that language
    (instead of the start screen). `options` are further `KioskConfig` fields
    (public_url, priority_enabled, confirmation_s, refresh_s, retry_s, printer_poll_s,
    scanner_gap_ms, languages, large_text, site_name, timezone). `timing` replaces all the
    timers at once, below the limits a configuration file may set (tests, demos).
    """
    config = make_config(
        {
            "server": server_url,
            "site": site,
            "token": token,
            "fullscreen": fullscreen,
            "idle_timeout_s": idle_timeout_s,
            **options,
        }
    )
    return window_from_config(
        config,
        printer_config=printer_config,
        printer=printer,
        language=language,
        clock=clock,
        timing=timing,
    )


def window_from_config(
    config: KioskConfig,
    *,
    printer_config: PrinterConfig | None = None,
    printer: TicketPrinter | None = None,
    language: str | None = None,
    clock: Clock | None = None,
    timing: Timing | None = None,
) -> KioskWindow:
    if printer is None:
        printer = open_printer(printer_config or PrinterConfig.model_validate(config.printer))
    client = KolejkaClient(config.server, config.site, config.token, language="en")
    issuer = TicketIssuer(
        client,
        printer,
        status_base=config.status_base,
        timezone=config.timezone,
        site_name=config.site_name,
    )
    timing = timing or Timing(
        idle_timeout_s=config.idle_timeout_s,
        confirmation_s=config.confirmation_s,
        refresh_s=config.refresh_s,
        retry_s=config.retry_s,
        printer_poll_s=config.printer_poll_s,
    )
    state = None
    if language is not None:
        state = KioskState(screen=Screen.SERVICES, language=normalize_language(language))
    stream = EventStreamThread(EventStream(config.server, config.site, config.token))
    controller = KioskController(issuer, timing, state, stream=stream)
    window = KioskWindow(config, controller, clock)
    controller.setParent(window)
    if config.fullscreen:
        window.setWindowState(Qt.WindowState.WindowFullScreen)
        window.setCursor(Qt.CursorShape.BlankCursor)  # a touch screen needs no pointer
    controller.start()
    return window
