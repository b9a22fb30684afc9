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

import functools
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

    # No layout engine: constrained layout measures every text two or three times and
    # draws the figure once more before saving (≈ 60 % of a chart's time); `_fit` below
    # places the axes from the few texts that sit in the margins instead.
    return Figure(figsize=(width, height), dpi=100)


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
    with _lock:
        return _save(range_figure(result, chart, language), fmt)


def range_figure(result: RangeResult, chart: str, language: str) -> Any:
    """The Matplotlib figure of a range chart, laid out, not yet drawn."""
    _ = gettext_for(language)
    fig_data = result.figures
    if chart == "days":
        fig = _figure(9, 3.6)
        ax = fig.add_subplot()
        days = list(fig_data.by_day)
        x = range(len(days))
        served = [f.served for f in fig_data.by_day.values()]
        other = [f.no_show + f.cancelled for f in fig_data.by_day.values()]
        bars = [
            _bars(ax, served, [0] * len(served), BLUE, _("Served")),
            _bars(ax, other, served, ORANGE, _("No-show or cancelled")),
        ]
        ax.set_ylabel(_("Tickets"))
        wait = ax.twinx()
        medians = [
            (f.wait_median_s or 0) / 60 if f.called else float("nan")
            for f in fig_data.by_day.values()
        ]
        (line,) = wait.plot(
            x, medians, color=VERMILION, marker="o", markersize=3, label=_("Median wait (min)")
        )
        wait.set_ylabel(_("Median wait (min)"))
        wait.set_ylim(bottom=0)
        step = max(1, len(days) // 12)
        ax.set_xticks(list(x)[::step], [d.strftime("%d.%m") for d in days][::step])
        _style(ax)
        legend = _legend(fig, [*bars, line])
        _title(ax, _("Tickets and waiting by day"))
        _fit(fig, ax, legend, twin=wait)
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
        ax.set_yticks(list(y), [_short(f"{c} {info.service_name(c, language)}", 34) for c in codes])
        ax.invert_yaxis()
        ax.set_xlabel(_("Minutes"))
        ax.grid(axis="x", color="#dddddd", linewidth=0.8)
        ax.spines[["top", "right"]].set_visible(False)
        legend = _legend(fig, ax.get_legend_handles_labels()[0])
        _title(ax, _("Waiting per service"))
        _fit(fig, ax, legend)
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
        cax = fig.add_axes((0.9, 0.1, 0.02, 0.8))
        bar = fig.colorbar(image, cax=cax)
        bar.set_label(_("Tickets per day"))
        _title(ax, _("Arrivals by weekday and hour (average per day)"))
        _fit(fig, ax, None, colorbar=cax)
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
        handles = ax.get_legend_handles_labels()[0] + err.get_legend_handles_labels()[0]
        legend = _legend(fig, handles)
        _title(ax, _("How right the estimated wait on the ticket was"))
        _fit(fig, ax, legend, twin=err)
    else:
        raise KeyError(chart)
    return fig


def forecast_chart(result: ForecastResult, language: str, fmt: str = "svg") -> bytes:
    """Counters needed per hour, stacked by service, beside the counters that worked."""
    with _lock:
        return _save(forecast_figure(result, language), fmt)


def forecast_figure(result: ForecastResult, language: str) -> Any:
    """The Matplotlib figure of the forecast, laid out, not yet drawn."""
    _ = gettext_for(language)
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
        lines.append((result.needed, _("Needed, shared counters reckoned together"), (0, (4, 3))))
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
    ax.yaxis.get_major_locator().set_params(integer=True)  # counters come whole
    _style(ax)
    legend = _legend(fig, ax.get_legend_handles_labels()[0])
    _title(ax, _("Counters needed on {day}").format(day=result.day.isoformat()))
    _fit(fig, ax, legend)
    return fig


def _bars(
    ax: Any, heights: Sequence[float], bottoms: Sequence[float], colour: str, label: str
) -> Any:
    """Bars of width 0.8 at 0, 1, 2…, as one collection: drawn as one artist, not a patch
    (and its transforms) per bar — 180 of them on a 90-day chart."""
    from matplotlib.collections import PolyCollection

    boxes = [
        ((i - 0.4, b), (i - 0.4, b + h), (i + 0.4, b + h), (i + 0.4, b))
        for i, (h, b) in enumerate(zip(heights, bottoms, strict=True))
    ]
    bars = PolyCollection(boxes, facecolors=colour, edgecolors="none", label=label)
    bars.sticky_edges.y.append(0)  # as `bar` does: the axis starts at 0, no margin under it
    ax.add_collection(bars, autolim=True)
    ax.autoscale_view()
    return bars


def _title(ax: Any, text: str) -> None:
    """At a fixed height: Matplotlib otherwise measures every tick label of every axes
    on each draw to keep the title clear of ticks on top, and there are none."""
    ax.set_title(text, y=1.0, pad=TITLE_PAD)


def _legend(fig: Any, handles: list[Any]) -> Any:
    """At the figure's foot, in as many columns (up to 3) as fit its width, so it never
    covers the data."""
    labels = [h.get_label() for h in handles]
    room = fig.get_figwidth() * 72 - 2 * PAD
    columns = 3 if len(labels) > 4 else len(labels) or 1
    while columns > 1 and _legend_width(labels, columns) > room:
        columns -= 1
    return fig.legend(
        handles,
        labels,
        loc="lower center",
        bbox_to_anchor=(0.5, PAD / (fig.get_figheight() * 72)),
        ncol=columns,
        fontsize=LEGEND_SIZE,
        frameon=False,
        borderpad=0,
        borderaxespad=0,
    )


def _legend_width(labels: list[str], columns: int) -> float:
    """A legend's width in points, as Matplotlib lays it out: the entries split into
    `columns` runs (the first ones longer by one), with the default handle length, text
    pad and column spacing."""
    size, extra = divmod(len(labels), columns)
    widest, first = [], 0
    for c in range(columns):
        run = labels[first : first + size + (c < extra)]
        first += len(run)
        if run:
            widest.append(max(_width(t, LEGEND_SIZE) for t in run))
    entry = (2.0 + 0.8) * LEGEND_SIZE  # handlelength + handletextpad, in font sizes
    return sum(w + entry for w in widest) + (len(widest) - 1) * 2.0 * LEGEND_SIZE


# The margins, in points: what constrained layout found, computed from the texts that
# sit in them (tick labels, axis labels, the title, the legend's rows) — a few metric
# look-ups instead of measuring every artist. tests/server/test_stats_charts.py draws
# every chart with the longest labels of each language and checks nothing leaves the
# figure or runs into its neighbour.
PAD = 6.0  # the figure's edge to the outermost text
TITLE_PAD = 6.0
TITLE_SIZE, LABEL_SIZE, TICK_SIZE, LEGEND_SIZE = 12.0, 10.0, 10.0, 8.0
TICK = 3.5 + 3.5  # a tick's length and its label's pad (Matplotlib's defaults)
LABEL_PAD = 4.0  # an axis label to its tick labels
LEGEND_GAP = 8.0  # the x-axis' texts to the legend
COLORBAR = 14.0, 14.0  # a colour bar's width and its gap to the heat map


def _fit(fig: Any, ax: Any, legend: Any, twin: Any = None, colorbar: Any = None) -> None:
    """Place the axes (and a twin or a colour bar) so their texts fit the figure."""
    width, height = (float(v) * 72 for v in fig.get_size_inches())
    top = PAD + _height([ax.get_title()], TITLE_SIZE) + TITLE_PAD
    bottom = PAD + TICK + _height(_tick_texts(ax.xaxis), TICK_SIZE)
    if ax.get_xlabel():
        bottom += LABEL_PAD + _height([ax.get_xlabel()], LABEL_SIZE)
    if legend is not None:
        bottom += LEGEND_GAP + _legend_height(legend)
    # The heights first: the y ticks (so the widths of their labels) follow from them.
    _place(ax, width, height, PAD, PAD, bottom, top)
    left = PAD + _side(ax.yaxis, ax.get_ylabel())
    if twin is not None:
        right = PAD + _side(twin.yaxis, twin.get_ylabel())
    elif colorbar is not None:
        _place(colorbar, width, height, width - PAD - COLORBAR[0], PAD, bottom, top)
        right = PAD + _side(colorbar.yaxis, colorbar.get_ylabel()) + sum(COLORBAR)
    else:  # the last x tick label may stand half past the axes' right end
        right = PAD + max((_width(t, TICK_SIZE) for t in _tick_texts(ax.xaxis)), default=0) / 2
    _place(ax, width, height, left, right, bottom, top)
    if colorbar is not None:
        cbar_left = width - right + COLORBAR[1]
        _place(colorbar, width, height, cbar_left, width - cbar_left - COLORBAR[0], bottom, top)


def _place(
    ax: Any, width: float, height: float, left: float, right: float, bottom: float, top: float
) -> None:
    ax.set_position(
        (
            left / width,
            bottom / height,
            (width - left - right) / width,
            (height - bottom - top) / height,
        )
    )


def _side(axis: Any, label: str) -> float:
    """How far a vertical axis' tick labels and label reach out from it."""
    reach = TICK + max((_width(t, TICK_SIZE) for t in _tick_texts(axis)), default=0)
    return reach + (LABEL_PAD + _height([label], LABEL_SIZE) if label else 0)


def _tick_texts(axis: Any) -> list[str]:
    """The labels of the ticks an axis will show, as the formatter will write them."""
    low, high = sorted(axis.get_view_interval())
    slack = (high - low) * 1e-9
    locs = [v for v in axis.get_majorticklocs() if low - slack <= v <= high + slack]
    return [t for t in axis.get_major_formatter().format_ticks(locs) if t]


def _legend_height(legend: Any) -> float:
    rows = -(-len(legend.texts) // legend._ncols)
    line = _height([t.get_text() for t in legend.texts], LEGEND_SIZE)
    return rows * max(line, legend.handleheight * LEGEND_SIZE) + (rows - 1) * (
        legend.labelspacing * LEGEND_SIZE
    )


def _width(text: str, size: float) -> float:
    return _metrics(text, size)[0]


def _height(texts: Sequence[str], size: float) -> float:
    """A line's height as Matplotlib lays it out: at least that of "lp"."""
    return max(_metrics(t, size)[1] for t in [*texts, "lp"])


@functools.lru_cache(maxsize=4096)
def _metrics(text: str, size: float) -> tuple[float, float]:
    """A text's width and height in points (the default font), looked up once per
    process: the same tick labels, axis labels and legend entries recur on every chart."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    w, h, _d = text_to_path.get_text_width_height_descent(text, FontProperties(size=size), False)
    return w, h


def _short(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def _busy_hours(arrivals: list[list[int]]) -> list[int]:
    hours = [h for h in range(24) if any(arrivals[w][h] for w in range(7))]
    if not hours:
        return list(range(8, 17))
    return list(range(min(hours), max(hours) + 1))
