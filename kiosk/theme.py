"""The kiosk's look: light, high-contrast, big type, big touch targets.

Every text/background pair is above 7:1 (WCAG AAA). A state is never told by colour alone:
a service that cannot be chosen has a dashed frame, a "⊘" and its reason in words (any
disabled button is greyed with a dashed frame); the
priority toggle shows ☐/☑ and says what it does; the chosen language is framed and bold.

Sizes are in pixels at `scale` 1.0 for a ~100 dpi kiosk screen; "Larger text" raises
`scale`. Touch targets are at least `touch_px()` high, which is never under 15 mm.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QGuiApplication

FONT_FAMILY = "DejaVu Sans"
MIN_TOUCH_MM = 15.0
LARGE_TEXT_SCALE = 1.3


@dataclass(frozen=True)
class Palette:
    page: str = "#f2f4f7"
    text: str = "#0b0c0e"
    muted: str = "#2f343a"  # still 11:1 on the page
    header: str = "#0a2a5c"
    header_text: str = "#ffffff"
    primary: str = "#0b3d91"
    primary_pressed: str = "#072a66"
    primary_text: str = "#ffffff"
    card: str = "#ffffff"
    card_pressed: str = "#dde6f6"
    disabled_card: str = "#e4e6ea"
    disabled_text: str = "#30353b"
    disabled_edge: str = "#4a5058"
    highlight: str = "#fff1b8"  # priority on, chosen language: always with a frame and a mark
    alert: str = "#8a1c12"  # dark red: 9:1 on white, used with an icon and words
    cursor: str = "#b3400a"  # the read-aloud cursor's frame, beside the blue buttons' edges


PALETTE = Palette()
# "High contrast": light type on black, yellow for what can be pressed (as on the
# accessible self-service terminals the European Accessibility Act describes).
HIGH_CONTRAST = Palette(
    page="#000000",
    text="#ffffff",
    muted="#ffffff",
    header="#000000",
    header_text="#ffff00",
    primary="#ffff00",
    primary_pressed="#c8c800",
    primary_text="#000000",
    card="#000000",
    card_pressed="#2b2b2b",
    disabled_card="#1c1c1c",
    disabled_text="#e6e6e6",
    disabled_edge="#ffffff",
    highlight="#00306e",
    alert="#ff8f80",
    cursor="#00e5ff",
)


def mm_to_px(mm: float) -> int:
    """Millimetres on the current screen, never below what 96 dpi gives."""
    screen = QGuiApplication.primaryScreen()
    dpi = max(96.0, screen.physicalDotsPerInch() if screen is not None else 96.0)
    return round(mm / 25.4 * dpi)


def touch_px(scale: float = 1.0) -> int:
    """The height of a touch target: 64 px (16 mm on a 21.5" full-HD kiosk), never < 15 mm."""
    return max(mm_to_px(MIN_TOUCH_MM), round(64 * scale))


def stylesheet(scale: float = 1.0, p: Palette = PALETTE) -> str:
    def px(size: float) -> str:
        return f"{round(size * scale)}px"

    touch = touch_px(scale)
    return f"""
    * {{ font-family: "{FONT_FAMILY}"; }}
    #kioskWindow, #kioskPage, #screenArea, QStackedWidget {{ background: {p.page}; }}
    QLabel {{ color: {p.text}; background: transparent; font-size: {px(26)}; }}

    #header, #footer {{ background: {p.header}; }}
    #header QLabel {{ color: {p.header_text}; }}
    #siteName {{ font-size: {px(26)}; font-weight: bold; }}
    #clock {{ font-size: {px(34)}; font-weight: bold; }}
    #footer QPushButton {{
        color: {p.header_text}; background: transparent; border: 3px solid {p.header_text};
        border-radius: 12px; font-size: {px(24)}; padding: 0px 18px; min-height: {touch - 6}px;
    }}
    #footer QPushButton:checked {{ color: {p.header}; background: {p.header_text}; }}
    #footer QPushButton[pointed="true"] {{ border: 6px solid {p.cursor}; }}
    #footer QPushButton:pressed {{ background: {p.primary_pressed}; }}

    QLabel[role="title"] {{ font-size: {px(46)}; font-weight: bold; }}
    QLabel[role="subtitle"] {{ font-size: {px(28)}; color: {p.muted}; }}
    QLabel[role="hint"] {{ font-size: {px(24)}; color: {p.muted}; }}
    QLabel[role="big"] {{ font-size: {px(34)}; font-weight: bold; }}
    QLabel[role="number"] {{ font-size: 130px; font-weight: bold; }}
    QLabel[role="icon"] {{ font-size: {px(96)}; color: {p.alert}; }}
    QLabel[role="alert"] {{ font-size: {px(34)}; font-weight: bold; color: {p.alert}; }}
    QLabel[role="banner"] {{
        background: {p.highlight}; border: 3px solid {p.text}; border-radius: 12px;
        padding: 12px; font-size: {px(26)}; font-weight: bold;
    }}

    QPushButton {{
        font-size: {px(28)}; min-height: {touch - 6}px; border-radius: 14px; padding: 0px 24px;
        color: {p.primary_text}; background: {p.primary}; border: 3px solid {p.primary};
    }}
    QPushButton:pressed {{ background: {p.primary_pressed}; }}
    QPushButton[pointed="true"] {{ border: 8px solid {p.cursor}; }}
    QPushButton:disabled {{
        color: {p.disabled_text}; background: {p.disabled_card};
        border: 3px dashed {p.disabled_edge};
    }}
    QPushButton[role="secondary"] {{
        color: {p.text}; background: {p.card}; border: 3px solid {p.text};
    }}
    QPushButton[role="secondary"]:pressed {{ background: {p.card_pressed}; }}

    QPushButton[role="card"] {{
        background: {p.card}; border: 3px solid {p.primary}; border-radius: 18px;
        padding: 0px; text-align: left;
    }}
    QPushButton[role="card"]:pressed {{ background: {p.card_pressed}; }}
    QPushButton[role="card"]:disabled {{
        background: {p.disabled_card}; border: 3px dashed {p.disabled_edge};
    }}
    QPushButton[role="card"][pointed="true"], QPushButton[role="language"][pointed="true"],
    QPushButton[role="toggle"][pointed="true"], QPushButton[role="secondary"][pointed="true"] {{
        border: 8px solid {p.cursor};
    }}
    QPushButton[role="card"] QLabel {{ color: {p.text}; }}
    QPushButton[role="card"]:disabled QLabel {{ color: {p.disabled_text}; }}
    QLabel[role="cardTitle"] {{ font-size: {px(32)}; font-weight: bold; }}
    QLabel[role="cardMeta"] {{ font-size: {px(24)}; }}
    QLabel[role="cardArrow"] {{ font-size: {px(48)}; font-weight: bold; }}
    QLabel[role="cardReason"] {{ font-size: {px(26)}; font-weight: bold; }}

    QPushButton[role="language"] {{
        background: {p.card}; border: 3px solid {p.primary}; border-radius: 22px;
        padding: 0px;
    }}
    QPushButton[role="language"]:pressed {{ background: {p.card_pressed}; }}
    QLabel[role="languageName"] {{ font-size: {px(52)}; font-weight: bold; }}
    QLabel[role="languageGreeting"] {{ font-size: {px(26)}; color: {p.muted}; }}

    QPushButton[role="toggle"] {{
        color: {p.text}; background: {p.card}; border: 3px solid {p.text}; padding: 0px;
    }}
    QPushButton[role="toggle"]:checked {{ background: {p.highlight}; border: 6px solid {p.text}; }}
    QPushButton[role="toggle"] QLabel {{ color: {p.text}; }}
    QLabel[role="toggleMark"] {{ font-size: {px(40)}; }}
    QLabel[role="toggleTitle"] {{ font-size: {px(26)}; font-weight: bold; }}
    QLabel[role="toggleDetail"] {{ font-size: {px(20)}; }}

    QPushButton[role="key"] {{
        color: {p.text}; background: {p.card}; border: 3px solid {p.text};
        font-size: {px(30)}; font-weight: bold; min-width: {mm_to_px(MIN_TOUCH_MM)}px;
        padding: 0px;
        border-radius: 12px;
    }}
    QPushButton[role="key"][layoutKey="true"] {{ font-size: {px(20)}; }}
    QPushButton[role="key"]:pressed {{ background: {p.card_pressed}; }}
    QPushButton[role="key"][pointed="true"] {{ border: 8px solid {p.cursor}; }}
    QPushButton[role="key"]:disabled {{
        color: {p.disabled_text}; background: {p.disabled_card};
        border: 3px dashed {p.disabled_edge};
    }}
    QLabel[role="codeField"] {{
        background: {p.card}; border: 3px solid {p.text}; border-radius: 12px;
        font-size: {px(40)}; font-weight: bold; padding: 4px 16px; letter-spacing: 4px;
    }}
    QLabel[role="documentField"] {{
        background: {p.card}; border: 3px solid {p.text}; border-radius: 12px;
        font-size: {px(34)}; font-weight: bold; padding: 4px 12px; letter-spacing: 3px;
    }}
    QLabel[role="problem"] {{
        font-size: {px(28)}; font-weight: bold; color: {p.alert};
        border: 3px solid {p.alert}; border-radius: 12px; padding: 8px 12px;
    }}
    QScrollBar:vertical {{
        width: 28px; background: {p.disabled_card}; border: none; margin: 0px;
    }}
    QScrollBar::handle:vertical {{
        background: {p.primary}; min-height: 64px; border-radius: 12px; margin: 2px;
    }}
    QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical {{ height: 0px; }}
    QScrollBar::add-page:vertical, QScrollBar::sub-page:vertical {{ background: none; }}
    #ticketCard {{
        background: {p.card}; border: 4px solid {p.text}; border-radius: 24px;
    }}
    """
