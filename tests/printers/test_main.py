"""`python -m printers`, the installer's check of a printer."""

from __future__ import annotations

from printers.__main__ import main
from tests.printers.qr_reader import decode_qr


def test_status_of_a_preview_printer(tmp_path, capsys):
    assert (
        main(
            [
                "status",
                "--set",
                "kind=preview",
                "--set",
                f"preview_dir={tmp_path}",
                "--language",
                "en",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out == "online: The ticket printer is ready.\n"


def test_sample_ticket_from_a_config_file(tmp_path, capsys):
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'site = "x"\n[printer]\nkind = "preview"\npreview_dir = "{tmp_path}"\nwidth_mm = 58\n'
    )
    assert (
        main(
            [
                "sample",
                "--config",
                str(config),
                "--language",
                "uk",
                "--url",
                "https://kolejka.example.gov.pl/t/abc",
            ]
        )
        == 0
    )
    [png] = list(tmp_path.glob("*.png"))
    assert f"printed A007: {png}" in capsys.readouterr().out
    assert decode_qr(png) == ["https://kolejka.example.gov.pl/t/abc"]


def test_a_bad_setting_exits_2_naming_it(capsys):
    assert main(["status", "--set", "kind=network"]) == 2
    assert "host" in capsys.readouterr().err


def test_a_printer_that_is_not_there_exits_1_with_the_reason(capsys):
    assert (
        main(
            [
                "sample",
                "--set",
                "kind=network",
                "--set",
                "host=127.0.0.1",
                "--set",
                "port=1",
                "--set",
                "timeout_s=1",
            ]
        )
        == 1
    )
    assert capsys.readouterr().err.startswith("offline: ")


def test_layout_lists_the_elements(capsys):
    assert main(["layout", "--set", "kind=dummy", "--issued-at", "2026-11-24T10:31+01:00"]) == 0
    out = capsys.readouterr().out
    assert "TextLine(text='A007'" in out and out.rstrip().endswith("Cut()")
