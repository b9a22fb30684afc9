"""The charts' fixed layout: every text inside the figure, the legend clear of the axes.

The charts are laid out by server/stats_charts.py from the texts in their margins (not by
Matplotlib's constrained layout, which cost most of a chart's time); a margin reckoned too
narrow clips a label. So each chart is drawn here with the longest texts it can meet in
each of the four languages: service names as long as the charts let them be, in the widest
letters, ticket counts of five digits, waits of hundreds of minutes, a heat map of all
24 hours, and the forecast's legend of seven long entries.
"""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from kolejka.core.rollups import Figures, RangeFigures, Scope
from kolejka.core.staffing import ServiceForecast
from server import stats_charts
from server.statistics import ForecastResult, RangeResult, SiteInfo
from server.stats_charts import CHARTS, forecast_figure, range_figure

LANGUAGES = ("pl", "en", "ru", "uk")
START = date(2026, 9, 1)
DAYS = [START + timedelta(days=i) for i in range(90)]
WIDE = {"pl": "WWWWWW", "en": "MMMMMM", "ru": "ЖЖЖЖЖЖ", "uk": "ЩЩЩЩЩЩ"}
NAMES = {
    "A": {
        "pl": "Pobyt stały / rezydent długoterminowy UE",
        "en": "Permanent residence / EU long-term resident",
        "ru": "Постоянное пребывание / долгосрочный резидент ЕС",
        "uk": "Постійне проживання / довгостроковий резидент ЄС",
    },
    "WW": {lang: wide * 10 for lang, wide in WIDE.items()},
    **{code: {"pl": f"Sprawa {code}"} for code in "BCDEFG"},
}


def site() -> SiteInfo:
    return SiteInfo(
        id=1,
        code="s",
        name="Site",
        zone=ZoneInfo("Europe/Warsaw"),
        services=NAMES,
        counters={},
        clerks={},
        targets={code: 5400 for code in NAMES},
        default_target_s=1800,
    )


def busy(i: int) -> Figures:
    return Figures(
        issued=24_000,
        called=23_000,
        served=20_000 - i,
        no_show=3_000,
        cancelled=900,
        wait_median_s=18_000.0 + i,
        wait_p90_s=36_000.0,
        estimates=20_000,
        estimate_abs_error_median_s=7_200.0,
        estimate_right_share=1.0,
    )


def range_result() -> RangeResult:
    by_day = {day: busy(i) for i, day in enumerate(DAYS)}
    by_service = {code: busy(i) for i, code in enumerate(NAMES)}
    figures = RangeFigures(
        start=DAYS[0],
        end=DAYS[-1],
        total=busy(0),
        by_day=by_day,
        by_service=by_service,
        by_counter={},
        by_clerk={},
        arrivals=[[130_000 + 1000 * h for h in range(24)] for _ in range(7)],
        weekdays=[13] * 7,
        arrivals_by_hour=[0] * 24,
        calls_by_hour=[0] * 24,
    )
    return RangeResult(site=site(), figures=figures, scope=Scope(), per_clerk=True)


def forecast_result() -> ForecastResult:
    """Five services and two lines: seven entries, three columns would not fit."""
    services = [
        ServiceForecast(code, [100.0] * 24, 600.0, 1800, [0] * 6 + [30] * 16 + [0] * 2)
        for code in ("A", "WW", "B", "C", "D")
    ]
    return ForecastResult(
        site=site(),
        day=date(2026, 12, 1),
        services=services,
        open_counters=[0.0] * 6 + [150.0] * 16 + [0.0] * 2,
        weeks=4,
        goal=0.8,
        shared=[object()],  # type: ignore[list-item]  # only its presence is drawn
        needed=[0] * 6 + [240] * 16 + [0] * 2,
    )


def assert_fits(fig) -> None:
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    page = fig.bbox
    boxes = {f"axes {i}": ax.get_tightbbox(renderer) for i, ax in enumerate(fig.axes)}
    boxes.update(
        {f"legend {i}": leg.get_window_extent(renderer) for i, leg in enumerate(fig.legends)}
    )
    for name, box in boxes.items():
        inside = (
            box.x0 >= page.x0 - 0.5
            and box.y0 >= page.y0 - 0.5
            and box.x1 <= page.x1 + 0.5
            and box.y1 <= page.y1 + 0.5
        )
        assert inside, f"{name} {box.extents} leaves the figure {page.extents}"
    for legend in fig.legends:
        box = legend.get_window_extent(renderer)
        for i, ax in enumerate(fig.axes):
            assert not box.overlaps(ax.get_tightbbox(renderer)), f"legend runs into axes {i}"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("chart", CHARTS)
def test_range_chart_texts_fit(chart: str, language: str) -> None:
    assert_fits(range_figure(range_result(), chart, language))


@pytest.mark.parametrize("language", LANGUAGES)
def test_forecast_chart_texts_fit(language: str) -> None:
    assert_fits(forecast_figure(forecast_result(), language))


def test_without_the_layout_labels_leave_the_figure(monkeypatch) -> None:
    """The check above can fail: Matplotlib's default margins clip the long names."""
    monkeypatch.setattr(stats_charts, "_fit", lambda *args, **kwargs: None)
    with pytest.raises(AssertionError, match="leaves the figure"):
        assert_fits(range_figure(range_result(), "services", "uk"))
