"""The tables of a statistics range, once, for every door: the page, CSV, XLSX and PDF.

Each table has an id (`summary`, `days`, `services`, `counters`, `clerks`, `arrivals`,
`forecast`), a title and column headers in the reader's language, and rows of plain
values (numbers stay numbers: minutes with one decimal, shares as percentages), so a
spreadsheet sums them and the CSV reads back into the same values.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kolejka.core.rollups import Figures
from kolejka.i18n import N_, gettext_for
from server.statistics import ForecastResult, RangeResult

Cell = str | int | float | None

TABLE_IDS = ("summary", "days", "services", "counters", "clerks", "arrivals")
WEEKDAYS = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)

# (key of Figures, header, how to show it)
_FIGURE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("issued", N_("Issued"), "int"),
    ("served", N_("Served"), "int"),
    ("no_show", N_("No-show"), "int"),
    ("cancelled", N_("Cancelled"), "int"),
    ("transferred_out", N_("Transferred"), "int"),
    ("wait_median_s", N_("Median wait (min)"), "min"),
    ("wait_p90_s", N_("90% waited at most (min)"), "min"),
    ("service_median_s", N_("Median service (min)"), "min"),
    ("service_p90_s", N_("90% served within (min)"), "min"),
    ("within_target_share", N_("Called within target (%)"), "pct"),
    ("estimate_abs_error_median_s", N_("Median estimate error (min)"), "min"),
    ("estimate_right_share", N_("Estimate within 5 min (%)"), "pct"),
)


def figure_labels(language: str) -> dict[str, str]:
    """The figures' names in `language`, by Figures field (for the pages' key figures)."""
    _ = gettext_for(language)
    return {key: _(head) for key, head, _kind in _FIGURE_COLUMNS}


@dataclass(slots=True)
class Table:
    id: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    numeric: list[bool]


def _value(kind: str, value: Any) -> Cell:
    if value is None:
        return None
    if kind == "min":
        return round(value / 60, 1)
    if kind == "pct":
        return round(value * 100, 1)
    return int(value)


def _figures(f: Figures) -> list[Cell]:
    return [_value(kind, getattr(f, key)) for key, _h, kind in _FIGURE_COLUMNS]


def range_tables(result: RangeResult, language: str) -> list[Table]:
    _ = gettext_for(language)
    heads = [_(h) for _k, h, _kind in _FIGURE_COLUMNS]
    numeric = [True] * len(heads)
    fig, info = result.figures, result.site
    tables = [
        Table(
            "summary",
            _("Summary"),
            [_("Range"), *heads],
            [[_range(fig), *_figures(fig.total)]],
            [False, *numeric],
        ),
        Table(
            "days",
            _("By day"),
            [_("Day"), _("Weekday"), *heads],
            [
                [d.isoformat(), _(WEEKDAYS[d.weekday()]), *_figures(f)]
                for d, f in fig.by_day.items()
            ],
            [False, False, *numeric],
        ),
        Table(
            "services",
            _("By service"),
            [_("Service"), _("Name"), _("Target wait (min)"), *heads],
            [
                [
                    code,
                    info.service_name(code, language),
                    round(info.targets.get(code, info.default_target_s) / 60, 1),
                    *_figures(f),
                ]
                for code, f in fig.by_service.items()
            ],
            [False, False, True, *numeric],
        ),
        Table(
            "counters",
            _("By counter"),
            [_("Counter"), _("Name"), *heads],
            [[n, info.counter_name(n), *_figures(f)] for n, f in fig.by_counter.items()],
            [True, False, *numeric],
        ),
    ]
    if result.per_clerk:
        tables.append(
            Table(
                "clerks",
                _("By clerk"),
                [_("Clerk"), *heads],
                [[info.clerk_name(c), *_figures(f)] for c, f in fig.by_clerk.items()],
                [False, *numeric],
            )
        )
    tables.append(
        Table(
            "arrivals",
            _("Arrivals by weekday and hour (tickets issued)"),
            [_("Weekday"), *(f"{h:02d}" for h in range(24))],
            [[_(WEEKDAYS[w]), *fig.arrivals[w]] for w in range(7)],
            [False, *[True] * 24],
        )
    )
    return tables


def forecast_table(result: ForecastResult, language: str) -> Table:
    _ = gettext_for(language)
    hours = [h for h in range(24) if any(s.counters[h] for s in result.services)]
    hours = hours or list(range(8, 16))
    rows: list[list[Cell]] = []
    for s in result.services:
        rows.append(
            [
                f"{s.service} {result.site.service_name(s.service, language)}",
                *(s.counters[h] for h in hours),
            ]
        )
    rows.append(
        [_("Needed, all services"), *(sum(s.counters[h] for s in result.services) for h in hours)]
    )
    for group in result.shared:
        rows.append(
            [
                _("Together: {services}").format(services=", ".join(group.services)),
                *(group.counters[h] for h in hours),
            ]
        )
    grouped = {code for g in result.shared for code in g.services}
    alone = any(any(s.counters) for s in result.services if s.service not in grouped)
    if len(result.shared) > 1 or (result.shared and alone):  # else the one group's row says it
        rows.append(
            [_("Needed, shared counters reckoned together"), *(result.needed[h] for h in hours)]
        )
    rows.append(
        [
            _("Counters that served (same weekday, average)"),
            *(round(result.open_counters[h], 1) for h in hours),
        ]
    )
    return Table(
        "forecast",
        _("Counters needed on {day}").format(day=result.day.isoformat()),
        [_("Service"), *(f"{h:02d}:00" for h in hours)],
        rows,
        [False, *[True] * len(hours)],
    )


def _range(fig: Any) -> str:
    return f"{fig.start.isoformat()} – {fig.end.isoformat()}"


def find_table(tables: list[Table], table_id: str) -> Table | None:
    return next((t for t in tables if t.id == table_id), None)


# --- files -------------------------------------------------------------------------------


def to_csv(table: Table) -> str:
    """Comma-separated, a header line, UTF-8 with a BOM (so a spreadsheet reads ł and ї)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow(["" if v is None else v for v in row])
    return "\ufeff" + out.getvalue()


def to_xlsx(tables: list[Table], title: Callable[[Table], str] | None = None) -> bytes:
    """One sheet per table, headers bold and frozen, columns wide enough."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for table in tables:
        sheet = book.create_sheet(_sheet_name(title(table) if title else table.id))
        sheet.append(table.columns)
        for cell in sheet[1]:
            cell.font = bold
        for row in table.rows:
            sheet.append(row)
        sheet.freeze_panes = "B2"
        for i, head in enumerate(table.columns, start=1):
            width = max(
                [len(str(head)), *(len(str(r[i - 1])) for r in table.rows if r[i - 1] is not None)]
            )
            sheet.column_dimensions[get_column_letter(i)].width = min(48, max(6, width + 2))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_name(name: str) -> str:
    for ch in "[]:*?/\\":
        name = name.replace(ch, " ")
    return name[:31]
