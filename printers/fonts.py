"""The bundled-with-the-system font that draws text as a printer would: DejaVu Sans Mono.

Monospaced, so one character takes one Font A cell, and it covers Polish, Ukrainian and
Russian. It comes from Debian's fonts-dejavu-core (/usr/share/fonts/truetype/dejavu) or,
where that is not installed, from matplotlib's bundled copy; `font_dir` in the printer
configuration names another folder holding the same files.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import ImageFont

from printers.errors import PrinterConfigError

REGULAR = "DejaVuSansMono.ttf"
BOLD = "DejaVuSansMono-Bold.ttf"
# Magnified lines (the number, the matter) as a printer's own font draws them: a plain,
# undotted zero and full-width letters, not the mono face stretched tall.
DISPLAY = "DejaVuSans-Bold.ttf"
SYSTEM_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
)


@dataclass(frozen=True)
class FontFiles:
    regular: Path
    bold: Path
    display: Path | None = None

    def font(self, *, bold: bool, size: int, magnified: bool = False) -> ImageFont.FreeTypeFont:
        if magnified and self.display is not None:
            return _load(self.display, size)
        return _load(self.bold if bold else self.regular, size)


@cache
def _load(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


def _matplotlib_dir() -> Path | None:
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf"


def find_fonts(font_dir: Path | None = None) -> FontFiles:
    """The DejaVu Sans Mono files (only from `font_dir` where given); PrinterConfigError if none."""
    if font_dir is not None:
        candidates = [font_dir]
    else:
        candidates = list(SYSTEM_DIRS)
        bundled = _matplotlib_dir()
        if bundled is not None:
            candidates.append(bundled)
    for directory in candidates:
        regular, bold = directory / REGULAR, directory / BOLD
        if regular.is_file() and bold.is_file():
            display = directory / DISPLAY
            return FontFiles(regular, bold, display if display.is_file() else None)
    searched = ", ".join(str(d) for d in candidates)
    raise PrinterConfigError(
        f"font_dir: {REGULAR} and {BOLD} not found in {searched}; install Debian's "
        "fonts-dejavu-core or point font_dir at a folder that has them"
    )
