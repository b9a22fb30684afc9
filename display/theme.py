"""Colours and type of the hall board: dark hall, high-contrast amber and white.

Contrast is chosen for reading across a hall: white and amber on near-black are above
12:1. Counter numbers are never told apart by colour alone: they sit in a white frame
behind an arrow and under the word "Stanowisko".
"""

from __future__ import annotations

from dataclasses import dataclass

FONT_FAMILY = "DejaVu Sans"


@dataclass(frozen=True)
class Theme:
    background: str = "#06090f"
    panel: str = "#111826"
    panel_edge: str = "#25324a"
    text: str = "#f4f6fa"
    muted: str = "#9fb0c8"
    accent: str = "#ffc21a"  # the newest call
    accent_text: str = "#0a0a0a"
    counter_frame: str = "#f4f6fa"
    offline_bg: str = "#b3261e"
    offline_fg: str = "#ffffff"
    ticker_bg: str = "#ffc21a"
    ticker_fg: str = "#0a0a0a"


THEME = Theme()


def stylesheet(t: Theme = THEME) -> str:
    """The window's style sheet; fonts are set in code because they scale with the window."""
    return f"""
    #displayWindow {{ background: {t.background}; }}
    QLabel {{ color: {t.text}; background: transparent; }}
    #header {{ background: {t.panel}; border-bottom: 2px solid {t.panel_edge}; }}
    #siteName, #clockDate, QLabel[role="muted"] {{ color: {t.muted}; }}
    #offlineBanner {{ background: {t.offline_bg}; color: {t.offline_fg}; }}
    #recentPanel, #waitingPanel {{
        background: {t.panel}; border: 2px solid {t.panel_edge}; border-radius: 12px;
    }}
    #recentRow, #serviceRow {{ border-top: 1px solid {t.panel_edge}; }}
    #serviceCode {{
        background: {t.text}; color: {t.background}; border-radius: 8px;
    }}
    #serviceCount {{ color: {t.accent}; }}
    #counterBox {{
        border: 4px solid {t.counter_frame}; border-radius: 10px; color: {t.text};
    }}
    """


def current_panel_style(lit: bool, t: Theme = THEME) -> str:
    """The newest call: solid amber while blinking on, amber frame on dark otherwise."""
    if lit:
        return f"""
        #currentPanel {{ background: {t.accent}; border: 6px solid {t.accent};
                          border-radius: 16px; }}
        #currentPanel QLabel {{ color: {t.accent_text}; }}
        #currentPanel #counterBox {{ border: 6px solid {t.accent_text}; }}
        """
    return f"""
    #currentPanel {{ background: {t.panel}; border: 6px solid {t.accent};
                      border-radius: 16px; }}
    #currentPanel QLabel {{ color: {t.text}; }}
    #currentPanel #currentNumber {{ color: {t.accent}; }}
    #currentPanel #counterBox {{ border: 6px solid {t.counter_frame}; }}
    #currentPanel QLabel[role="caption"] {{ color: {t.muted}; }}
    """
