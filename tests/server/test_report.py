"""`kolejka report` writes a PDF whose pages, rendered to images, hold the tables and
charts (Ghostscript renders them; the test looks that each page has drawing on it)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image

from kolejka.cli import main
from kolejka.simulation import DayPlan
from server.history import write_history

FIRST, LAST = date(2026, 11, 2), date(2026, 11, 15)


@pytest.fixture
def office(site_db, database_url):
    days = [FIRST + timedelta(days=i) for i in range((LAST - FIRST).days + 1)]
    write_history(site_db, "test", days, DayPlan(visitors=60, counters=4))
    return database_url


def render(pdf: Path, out: Path) -> list[Path]:
    gs = shutil.which("gs") or shutil.which("pdftoppm")
    if gs is None:
        pytest.skip("neither Ghostscript nor poppler is installed")
    if gs.endswith("gs"):
        subprocess.run(
            [
                gs,
                "-q",
                "-dSAFER",
                "-dBATCH",
                "-dNOPAUSE",
                "-sDEVICE=png16m",
                "-r60",
                f"-sOutputFile={out}/page-%02d.png",
                str(pdf),
            ],
            check=True,
        )
    else:
        subprocess.run([gs, "-png", "-r", "60", str(pdf), f"{out}/page"], check=True)
    return sorted(out.glob("page*.png"))


def test_report_of_a_range(office, tmp_path, capsys):
    out = tmp_path / "report.pdf"
    code = main(
        [
            "report",
            "--site",
            "test",
            "--from",
            FIRST.isoformat(),
            "--to",
            LAST.isoformat(),
            "--database",
            office,
            "--out",
            str(out),
            "--language",
            "pl",
        ]
    )
    assert code == 0
    assert "report.pdf" in capsys.readouterr().out
    assert out.read_bytes().startswith(b"%PDF")
    pages = render(out, tmp_path)
    assert len(pages) >= 5
    for page in pages:
        image = Image.open(page).convert("L")
        low, high = image.getextrema()
        assert low < 100 and high > 200, page  # text and charts on white
        # a chart or a table: a good part of the page is not white
        inked = sum(image.histogram()[:200]) / (image.width * image.height)
        assert inked > 0.01, page


def test_report_of_a_day(office, tmp_path):
    out = tmp_path / "day.pdf"
    assert (
        main(
            [
                "report",
                "--site",
                "test",
                "--date",
                "2026-11-03",
                "--database",
                office,
                "--out",
                str(out),
                "--no-forecast",
            ]
        )
        == 0
    )
    assert out.stat().st_size > 10_000


@pytest.mark.parametrize(
    "args",
    [
        ["--date", "2026-11-03", "--from", "2026-11-01"],
        ["--from", "2026-11-05", "--to", "2026-11-01"],
        [],
    ],
)
def test_report_refuses(office, tmp_path, args, capsys):
    assert main(["report", "--site", "test", "--database", office, *args]) == 2
    assert "kolejka report:" in capsys.readouterr().err


def test_report_of_an_unknown_site(office, capsys):
    assert main(["report", "--site", "nope", "--date", "2026-11-03", "--database", office]) == 1
    assert "site_not_found" in capsys.readouterr().err
