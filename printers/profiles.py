"""python-escpos printer profiles: what a model can do (code pages, native QR, cutter, width).

Profiles are data from python-escpos's capabilities database, not subclasses. This module
is the one place that imports that database, because importing it calls
`logging.basicConfig()` on the root logger; the handler it adds is taken away again so
an application's own logging set-up still takes effect.
"""

from __future__ import annotations

import logging
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from escpos.capabilities import BaseProfile


def _import_capabilities() -> ModuleType:
    root = logging.getLogger()
    before = list(root.handlers)
    from escpos import capabilities

    for handler in root.handlers[:]:
        if handler not in before:
            root.removeHandler(handler)
    return capabilities


_caps = _import_capabilities()

_FONT_A_DOTS = 12  # width of one Font A character cell, in dots


def _capabilities() -> dict[str, Any]:
    return dict(_caps.CAPABILITIES)


def profile_names() -> list[str]:
    return sorted(_capabilities()["profiles"])


def profile_pixels(name: str) -> int | None:
    """The printable width the profile gives in dots, if it gives one."""
    width = _capabilities()["profiles"][name].get("media", {}).get("width", {})
    pixels = width.get("pixels")
    return pixels if isinstance(pixels, int) else None


def printable_dots(name: str, paper_dots: int) -> int:
    """Dots a line may use: the paper's width, narrowed to what the model can print."""
    pixels = profile_pixels(name)
    dots = paper_dots if pixels is None else min(paper_dots, pixels)
    return dots - dots % _FONT_A_DOTS


def columns_for(dots: int) -> int:
    """Font A characters across `dots`."""
    return dots // _FONT_A_DOTS


def load_profile(name: str, dots: int) -> BaseProfile:
    """The profile, with its media width set to `dots` (python-escpos checks images against it)."""
    base = _caps.get_profile_class(name)
    data = dict(base.profile_data)
    data["media"] = {**data.get("media", {}), "width": {"mm": "Unknown", "pixels": dots}}
    narrowed = type(f"{base.__name__}At{dots}", (base,), {"profile_data": data})
    return narrowed()


def code_pages(profile: BaseProfile) -> dict[str, int]:
    """The profile's code pages that python-escpos can encode to: name → ESC t number."""
    encodings = _capabilities()["encodings"]
    pages: dict[str, int] = {}
    for name, number in profile.get_code_pages().items():
        known = encodings.get(name, {})
        if "python_encode" in known or "data" in known:
            pages[name] = int(number)
    return pages


def supports(profile: BaseProfile, feature: str) -> bool:
    return bool(profile.features.get(feature))
