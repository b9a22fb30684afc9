"""The statistics report as a PDF (fpdf2): the page's tables and charts, for a range.

`kolejka report --site S --date D` (or `--from D --to D`) and the console's "PDF" link
write the same document: a title page with the summary and the day chart, then the
services with their chart, the arrivals heat map, the estimates, counters and clerks,
the days, and tomorrow's staffing forecast. A4 landscape, DejaVu Sans (Polish and
Cyrillic), charts as PNG from the same Matplotlib code as the pages' SVG.
"""

from __future__ import annotations

import io
from datetime import datetime

from fpdf import FPDF
from fpdf.fonts import FontFace

from kolejka.i18n import gettext_for
from server.confirmations import font_path
from server.statistics import ForecastResult, RangeResult
from server.stats_charts import forecast_chart, range_chart
from server.stats_tables import Table, find_table, forecast_table, range_tables

PAGE_W = 297
MARGIN = 12
WIDTH = PAGE_W - 2 * MARGIN


class _Report(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font("dejavu", size=7)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, f"{self.footer_text} · {self.page_no()}/{{nb}}", align="C")


def report_pdf(
    result: RangeResult, forecast: ForecastResult | None, language: str, now: datetime | None = None
) -> bytes:
    _ = gettext_for(language)
    info, fig = result.site, result.figures
    pdf = _Report(orientation="landscape", unit="mm", format="A4")
    pdf.add_font("dejavu", "", str(font_path("regular")))
    pdf.add_font("dejavu", "B", str(font_path("bold")))
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=14)
    pdf.set_title(_("Statistics {start} – {end}").format(start=fig.start, end=fig.end))
    pdf.set_creator("Kolejka")
    pdf.footer_text = f"{info.name} — {fig.start.isoformat()} – {fig.end.isoformat()}"
    tables = range_tables(result, language)

    pdf.add_page()
    pdf.set_font("dejavu", "B", 16)
    pdf.multi_cell(WIDTH, 8, info.name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("dejavu", "", 12)
    title = _("Statistics {start} – {end}").format(
        start=fig.start.isoformat(), end=fig.end.isoformat()
    )
    pdf.multi_cell(WIDTH, 7, title, new_x="LMARGIN", new_y="NEXT")
    if result.scope.service or result.scope.counter or result.scope.clerk:
        parts = []
        if result.scope.service:
            parts.append(
                f"{result.scope.service} {info.service_name(result.scope.service, language)}"
            )
        if result.scope.counter:
            parts.append(_("Counter {n}").format(n=result.scope.counter))
        if result.scope.clerk:
            parts.append(info.clerk_name(result.scope.clerk))
        pdf.multi_cell(WIDTH, 6, ", ".join(parts), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    _key_figures(pdf, result, language)
    _chart(pdf, range_chart(result, "days", language, "png"), 120)

    for table_id, chart in (("services", "services"), ("arrivals", "arrivals")):
        pdf.add_page()
        table = find_table(tables, table_id)
        assert table is not None
        _table(pdf, _busy_hours(table) if table_id == "arrivals" else table)
        _chart(pdf, range_chart(result, chart, language, "png"), 110)
    pdf.add_page()
    _chart(pdf, range_chart(result, "estimates", language, "png"), 90)
    for table_id in ("counters", "clerks", "days"):
        table = find_table(tables, table_id)
        if table is not None and table.rows:
            _table(pdf, table)
    if forecast is not None:
        pdf.add_page()
        _table(pdf, forecast_table(forecast, language))
        _chart(pdf, forecast_chart(forecast, language, "png"), 110)
    out = io.BytesIO()
    pdf.output(out)
    return out.getvalue()


def _key_figures(pdf: FPDF, result: RangeResult, language: str) -> None:
    _ = gettext_for(language)
    t = result.figures.total

    def minutes(value: float | None) -> str:
        return "—" if value is None else f"{value / 60:.1f} min"

    def share(value: float | None) -> str:
        return "—" if value is None else f"{value * 100:.0f} %"

    boxes = [
        (_("Issued"), str(t.issued)),
        (_("Served"), str(t.served)),
        (_("No-show"), str(t.no_show)),
        (_("Median wait (min)"), minutes(t.wait_median_s)),
        (_("90% waited at most (min)"), minutes(t.wait_p90_s)),
        (_("Called within target (%)"), share(t.within_target_share)),
    ]
    width = WIDTH / len(boxes)
    y = pdf.get_y()
    for i, (label, value) in enumerate(boxes):
        x = MARGIN + i * width
        pdf.set_fill_color(238, 242, 248)
        pdf.rect(x + 1, y, width - 2, 20, style="F")
        pdf.set_xy(x + 2, y + 2)
        pdf.set_font("dejavu", "B", 14)
        pdf.cell(width - 4, 8, value, align="C")
        pdf.set_xy(x + 2, y + 11)
        pdf.set_font("dejavu", "", 7.5)
        pdf.multi_cell(width - 4, 3.5, label, align="C")
    pdf.set_xy(MARGIN, y + 24)


def _chart(pdf: FPDF, png: bytes, height: float) -> None:
    """The chart at most `height` mm high, as wide as its aspect allows, on this page if
    it fits, else on the next."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        aspect = image.width / image.height
    width = min(WIDTH, height * aspect)
    height = width / aspect
    if pdf.get_y() + height > pdf.h - 16:
        pdf.add_page()
    pdf.image(io.BytesIO(png), x=MARGIN + (WIDTH - width) / 2, w=width, h=height)
    pdf.ln(2)


def _table(pdf: FPDF, table: Table) -> None:
    pdf.set_font("dejavu", "B", 11)
    pdf.multi_cell(WIDTH, 7, table.title, new_x="LMARGIN", new_y="NEXT")
    columns = len(table.columns)
    size = 7 if columns <= 16 else 5.5
    pdf.set_font("dejavu", "", size)
    first = 46 if table.id in ("services", "forecast") else 26
    if table.id == "days":
        first = 18
    rest = (WIDTH - first) / max(1, columns - 1)
    widths = [first] + [rest] * (columns - 1)
    if table.id == "services":
        widths = [10, first] + [(WIDTH - first - 10) / (columns - 2)] * (columns - 2)
    heading = FontFace(emphasis="BOLD", fill_color=(225, 232, 242))
    with pdf.table(
        col_widths=widths,
        width=WIDTH,
        line_height=size * 0.55,
        headings_style=heading,
        text_align=["LEFT" if not n else "RIGHT" for n in table.numeric],
        first_row_as_headings=True,
        repeat_headings=1,
    ) as grid:
        grid.row([str(c) for c in table.columns])
        for row in table.rows:
            grid.row(["—" if v is None else _cell(v) for v in row])
    pdf.ln(4)


def _busy_hours(table: Table) -> Table:
    """The heat map's table without the hours nobody came in (a page is narrower than a
    spreadsheet)."""
    keep = [0] + [i for i in range(1, len(table.columns)) if any(row[i] for row in table.rows)]
    if len(keep) == 1:
        return table
    return Table(
        table.id,
        table.title,
        [table.columns[i] for i in keep],
        [[row[i] for i in keep] for row in table.rows],
        [table.numeric[i] for i in keep],
    )


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)
