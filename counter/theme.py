"""The counter's look: calm, dense, readable all day; the client's number stands out."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtWidgets import QWidget

STYLESHEET = """
QMainWindow, QDialog { background: #f4f5f7; }
QWidget { font-family: "DejaVu Sans"; font-size: 15px; color: #1d2127; }
QFrame#card { background: #ffffff; border: 1px solid #d5d9e0; border-radius: 8px; }
QLabel#header { font-size: 18px; font-weight: bold; color: #ffffff; }
QFrame#headerBar { background: #0b3d91; border-radius: 0; }
QLabel#badge { color: #0b3d91; background: #ffffff; border-radius: 10px; padding: 2px 10px;
               font-weight: bold; }
QLabel#number { font-size: 88px; font-weight: bold; color: #0b3d91; }
QLabel#numberIdle { font-size: 28px; color: #6b7380; }
QLabel#caption { color: #5b6470; font-size: 13px; text-transform: uppercase; }
QLabel#value { font-size: 17px; font-weight: bold; }
QLabel#note { background: #fff6d6; border: 1px solid #e3c65c; border-radius: 6px; padding: 6px; }
QLabel#message { padding: 6px 10px; border-radius: 6px; }
QLabel#printerWarning { background: #fde2e1; color: #8a1c14; font-weight: bold;
                        padding: 4px 10px; border-radius: 6px; }
QLabel#notice { color: #0b3d91; font-weight: bold; padding: 2px 8px; }
QLabel#server { color: #5b6470; font-size: 13px; }
QLabel#message[level="info"] { background: #e6effc; color: #0b3d91; }
QLabel#message[level="warning"] { background: #fff1d6; color: #6d4200; }
QLabel#message[level="error"] { background: #fde4e1; color: #8a1c12; }
QPushButton { background: #ffffff; border: 1px solid #aab2bf; border-radius: 8px;
              padding: 10px 14px; font-size: 16px; text-align: left; }
QPushButton:hover { border-color: #0b3d91; }
QPushButton:disabled { color: #9aa1ab; border-color: #dde1e6; background: #f7f8fa; }
QPushButton#primary { background: #0b3d91; color: #ffffff; border: none; font-weight: bold; }
QPushButton#primary:disabled { background: #c9d3e6; color: #ffffff; }
QTableView { background: #ffffff; border: none; gridline-color: #eceef2; }
QHeaderView::section { background: #f4f5f7; border: none; padding: 4px; color: #5b6470; }
QStatusBar { background: #e9ecf1; }
"""

COMPACT_STYLESHEET = (
    STYLESHEET
    + """
QLabel#header { font-size: 15px; }
QLabel#number { font-size: 40px; }
QLabel#numberIdle { font-size: 20px; }
QLabel#caption { font-size: 11px; }
QLabel#value { font-size: 15px; }
QPushButton { padding: 4px 8px; font-size: 13px; }
"""
)


W = TypeVar("W", bound=QWidget)


def named(widget: W, name: str) -> W:
    """Give a widget the object name the stylesheet styles it by."""
    widget.setObjectName(name)
    return widget
