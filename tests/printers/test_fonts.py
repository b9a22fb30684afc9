from __future__ import annotations

import shutil

import pytest

from printers.errors import PrinterConfigError
from printers.fonts import BOLD, REGULAR, find_fonts


def test_the_system_font_is_found():
    fonts = find_fonts()
    assert fonts.regular.name == REGULAR and fonts.bold.name == BOLD
    font = fonts.font(bold=False, size=20)
    assert round(font.getlength("Ж")) == 12  # one Font A cell


def test_a_named_folder_is_used(tmp_path):
    system = find_fonts()
    shutil.copy(system.regular, tmp_path / REGULAR)
    shutil.copy(system.bold, tmp_path / BOLD)
    assert find_fonts(tmp_path).regular == tmp_path / REGULAR


def test_a_named_folder_without_the_font_is_an_error_naming_it(tmp_path):
    with pytest.raises(PrinterConfigError) as caught:
        find_fonts(tmp_path)
    assert str(tmp_path) in str(caught.value) and "font_dir" in str(caught.value)
