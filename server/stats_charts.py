"""Charts of a statistics range, drawn on the server by Matplotlib.

Matplotlib because it is the best-kept plotting library in Python (releases several
times a year, a large team, stable API), draws every chart we need — bars, lines, a heat
map — and writes both SVG (the pages: an `<img>`, no chart script in the browser, sharp
at any zoom) and PNG (the PDF, which fpdf2 embeds as is) from the same code. It runs
with the Agg/SVG backends only, no GUI, imported on first use so the server's start-up
does not pay for it. Colours from the Okabe–Ito palette (told apart with colour-blindness)
and texts in the reader's language.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from kolejka.i18n import gettext_for
from server.statistics import ForecastResult, RangeResult
from server.stats_tables import WEEKDAYS

CHARTS = ("days", "services", "arrivals", "estimates")
BLUE, ORANGE, GREEN, SKY, VERMILION, PURPLE, YELLOW = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#56B4E9",
    "#D55E00",
    "#CC79A7",
    "#F0E442",
)
PALETTE = [BLUE, ORANGE, GREEN, VERMILION, PURPLE, SKY, YELLOW, "#000000"]
_lock = threading.Lock()  # pyplot's state is global; a figure at a time
CHARTS_KEPT = 64  # charts drawn lately, by what they were drawn from (≈ 100 kB each)
_drawn: OrderedDict[tuple[str, str, str, bytes], bytes] = OrderedDict()
_cache_lock = threading.Lock()


def _figure(width: float, height: float) -> Any:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    return fig


def _save(fig: Any, fmt: str) -> bytes:
    out = io.BytesIO()
    meta = {"Date": None} if fmt == "svg" else None  # the same chart, the same bytes
    fig.savefig(out, format=fmt, dpi=150 if fmt == "png" else 100, metadata=meta)
    return out.getvalue()


def _style(ax: Any) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)


def range_chart(result: RangeResult, chart: str, language: str, fmt: str = "svg") -> bytes:
    """One chart of the range: `days`, `services`, `arrivals` (heat map), `estimates`.

    Drawing costs Matplotlib a few tenths of a second a chart (the text layout), so the
    bytes are kept by what they are drawn from: the same figures and names, the same
    chart. A range whose roll-ups did not change (any past range; today while no one was
    called) is drawn once."""
    info = result.site
    drawn_from = repr((result.figures, info.services, info.targets, info.default_target_s))
    key = (chart, language, fmt, hashlib.blake2b(drawn_from.encode(), digest_size=16).digest())
    with _cache_lock:
        kept = _drawn.get(key)
        if kept is not None:
            _drawn.move_to_end(key)
            return kept
    body = _draw_range_chart(result, chart, language, fmt)
    with _cache_lock:
        _drawn[key] = body
        while len(_drawn) > CHARTS_KEPT:
            _drawn.popitem(last=False)
    return body


def _draw_range_chart(result: RangeResult, chart: str, language: str, fmt: str) -> bytes:
    _ = gettext_for(language)
    fig_data = result.figures
    with _lock:
        if chart == "days":
            fig = _figure(9, 3.6)
            ax = fig.add_subplot()
            days = list(fig_data.by_day)
            x = range(len(days))
            served = [f.served for f in fig_data.by_day.values()]
            other = [f.no_show + f.cancelled for f in fig_data.by_day.values()]
            ax.bar(x, served, color=BLUE, label=_("Served"))
            ax.bar(x, other, bottom=served, color=ORANGE, label=_("No-show or cancelled"))
            ax.set_ylabel(_("Tickets"))
            wait = ax.twinx()
            medians = [
                (f.wait_median_s or 0) / 60 if f.called else float("nan")
                for f in fig_data.by_day.values()
            ]
            wait.plot(
                x, medians, color=VERMILION, marker="o", markersize=3, label=_("Median wait (min)")
            )
            wait.set_ylabel(_("Median wait (min)"))
            wait.set_ylim(bottom=0)
            step = max(1, len(days) // 12)
            ax.set_xticks(list(x)[::step], [d.strftime("%d.%m") for d in days][::step])
            _style(ax)
            handles = ax.get_legend_handles_labels()
            more = wait.get_legend_handles_labels()
            _legend(ax, handles[0] + more[0], handles[1] + more[1])
            ax.set_title(_("Tickets and waiting by day"))
        elif chart == "services":
            fig = _figure(9, 3.6)
            ax = fig.add_subplot()
            codes = list(fig_data.by_service)
            info = result.site
            y = range(len(codes))
            med = [(f.wait_median_s or 0) / 60 for f in fig_data.by_service.values()]
            p90 = [(f.wait_p90_s or 0) / 60 for f in fig_data.by_service.values()]
            ax.barh([i + 0.2 for i in y], med, height=0.4, color=BLUE, label=_("Median wait (min)"))
            ax.barh(
                [i - 0.2 for i in y],
                p90,
                height=0.4,
                color=ORANGE,
                label=_("90% waited at most (min)"),
            )
            targets = [info.targets.get(c, info.default_target_s) / 60 for c in codes]
            ax.scatter(
                targets,
                list(y),
                marker="|",
                s=400,
                color="#000000",
                label=_("Target wait (min)"),
                zorder=3,
            )
            ax.set_yticks(
                list(y), [_short(f"{c} {info.service_name(c, language)}", 34) for c in codes]
            )
            ax.invert_yaxis()
            ax.set_xlabel(_("Minutes"))
            ax.grid(axis="x", color="#dddddd", linewidth=0.8)
            ax.spines[["top", "right"]].set_visible(False)
            _legend(ax, *ax.get_legend_handles_labels())
            ax.set_title(_("Waiting per service"))
        elif chart == "arrivals":
            fig = _figure(9, 3.4)
            ax = fig.add_subplot()
            hours = _busy_hours(fig_data.arrivals)
            rows = []
            for w in range(7):
                n = fig_data.weekdays[w] or 1
                rows.append([fig_data.arrivals[w][h] / n for h in hours])
            image = ax.imshow(rows, aspect="auto", cmap="YlOrRd", interpolation="nearest")
            ax.set_xticks(range(len(hours)), [f"{h:02d}" for h in hours])
            ax.set_yticks(range(7), [_(WEEKDAYS[w]) for w in range(7)])
            ax.set_xlabel(_("Hour"))
            top = max((max(r) for r in rows), default=0) or 1
            for i, row in enumerate(rows):
                for j, value in enumerate(row):
                    if value:
                        ax.text(
                            j,
                            i,
                            f"{value:.0f}",
                            ha="center",
                            va="center",
                            fontsize=7,
                            color="white" if value > top * 0.6 else "black",
                        )
            bar = fig.colorbar(image, ax=ax)
            bar.set_label(_("Tickets per day"))
            ax.set_title(_("Arrivals by weekday and hour (average per day)"))
        elif chart == "estimates":
            fig = _figure(9, 3.2)
            ax = fig.add_subplot()
            codes = [c for c, f in fig_data.by_service.items() if f.estimates]
            share = [(fig_data.by_service[c].estimate_right_share or 0) * 100 for c in codes]
            error = [(fig_data.by_service[c].estimate_abs_error_median_s or 0) / 60 for c in codes]
            x = range(len(codes))
            ax.bar(
                [i - 0.2 for i in x],
                share,
                width=0.4,
                color=GREEN,
                label=_("Estimate within 5 min (%)"),
            )
            ax.set_ylim(0, 100)
            ax.set_ylabel("%")
            err = ax.twinx()
            err.bar(
                [i + 0.2 for i in x],
                error,
                width=0.4,
                color=PURPLE,
                label=_("Median estimate error (min)"),
            )
            err.set_ylabel(_("Minutes"))
            ax.set_xticks(list(x), codes)
            _style(ax)
            handles = ax.get_legend_handles_labels()
            more = err.get_legend_handles_labels()
            _legend(ax, handles[0] + more[0], handles[1] + more[1])
            ax.set_title(_("How right the estimated wait on the ticket was"))
        else:
            raise KeyError(chart)
        return _save(fig, fmt)


def forecast_chart(result: ForecastResult, language: str, fmt: str = "svg") -> bytes:
    """Counters needed per hour, stacked by service, beside the counters that worked."""
    _ = gettext_for(language)
    with _lock:
        fig = _figure(9, 3.6)
        ax = fig.add_subplot()
        hours = [h for h in range(24) if any(s.counters[h] for s in result.services)]
        hours = hours or list(range(8, 16))
        bottom = [0] * len(hours)
        x = range(len(hours))
        for i, s in enumerate(result.services):
            values = [s.counters[h] for h in hours]
            if not any(values):
                continue
            ax.bar(
                x,
                values,
                bottom=bottom,
                color=PALETTE[i % len(PALETTE)],
                label=_short(f"{s.service} {result.site.service_name(s.service, language)}", 38),
            )
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        lines: list[tuple[Sequence[float], str, Any]] = [
            (result.open_counters, _("Counters that served (same weekday, average)"), "solid")
        ]
        if result.shared:
            lines.append(
                (result.needed, _("Needed, shared counters reckoned together"), (0, (4, 3)))
            )
        for series, label, style in lines:
            ax.step(
                list(x),
                [series[h] for h in hours],
                where="mid",
                color="#000000",
                linewidth=2,
                linestyle=style,
                label=label,
            )
        ax.set_xticks(list(x), [f"{h:02d}" for h in hours])
        ax.set_xlabel(_("Hour"))
        ax.set_ylabel(_("Counters"))
        _style(ax)
        _legend(ax, *ax.get_legend_handles_labels())
        ax.set_title(_("Counters needed on {day}").format(day=result.day.isoformat()))
        return _save(fig, fmt)


def _legend(ax: Any, handles: list[Any], labels: list[str]) -> None:
    """Below the plot, in as many columns as fit, so it never covers the data."""
    columns = 3 if len(labels) > 4 else len(labels) or 1
    ax.legend(
        handles,
        labels,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.14),
        ncol=columns,
        fontsize=8,
        frameon=False,
    )


def _short(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def _busy_hours(arrivals: list[list[int]]) -> list[int]:
    hours = [h for h in range(24) if any(arrivals[w][h] for w in range(7))]
    if not hours:
        return list(range(8, 17))
    return list(range(min(hours), max(hours) + 1))
