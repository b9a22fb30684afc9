"""The range figures of many roll-up rows at once, with numpy.

kolejka.core.rollups.range_figures is the reference: pure Python, a roll at a time,
which costs a few Python steps per roll and group — fine for a day or a small office, too
slow for 90 days of a 60-counter hall (≈ 27,000 rolls). Here the same sums run over
whole columns: every roll's values are one array with the roll's index beside each value,
a group's values are sorted together by one lexsort, and a percentile is read at the same
ranks with the same interpolation, so the figures are equal to the reference's (the
tests hold the two against each other).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from kolejka.core.rollups import (
    COUNTS,
    DEFAULT_WAIT_TARGET_S,
    ESTIMATE_TOLERANCE_S,
    HOURS,
    Figures,
    RangeFigures,
    Scope,
    days_of,
)

_I32 = np.dtype("<i4")


@dataclass(slots=True)
class RollColumns:
    """Roll-up rows as columns: one entry per roll, and each kind of value flattened."""

    day: np.ndarray  # date ordinal
    service: np.ndarray  # index into `services`
    services: list[str]
    counter: np.ndarray
    clerk: np.ndarray
    counts: dict[str, np.ndarray]
    arrivals: np.ndarray  # rolls × 24
    calls: np.ndarray
    values: dict[str, tuple[np.ndarray, np.ndarray]]  # kind → (values, roll of each value)

    @classmethod
    def from_rows(cls, rows: Iterable[Sequence[Any]], kinds: Sequence[str]) -> RollColumns:
        """`rows`: tuples of (day, service, counter, clerk, *COUNTS, *one blob per kind);
        a day as a date or as its ISO text (SQLite's own form, read without conversion)."""
        days: list[int] = []
        service_idx: list[int] = []
        services: dict[str, int] = {}
        counters: list[int] = []
        clerks: list[int] = []
        counts: list[Sequence[int]] = []
        blobs: list[list[bytes]] = [[] for _ in kinds]
        n_counts = len(COUNTS)
        for row in rows:
            day = row[0]
            days.append(
                date.fromisoformat(day).toordinal() if isinstance(day, str) else day.toordinal()
            )
            service_idx.append(services.setdefault(row[1], len(services)))
            counters.append(row[2])
            clerks.append(row[3])
            counts.append(row[4 : 4 + n_counts])
            for i, blob in enumerate(row[4 + n_counts :]):
                blobs[i].append(bytes(blob))
        n = len(days)
        table = np.array(counts, dtype=np.int64).reshape(n, n_counts)

        def flat(kind: str) -> tuple[np.ndarray, np.ndarray]:
            parts = blobs[kinds.index(kind)]
            values = np.frombuffer(b"".join(parts), dtype=_I32).astype(np.int64)
            lengths = np.fromiter((len(p) for p in parts), dtype=np.int64, count=n) // 4
            return values, np.repeat(np.arange(n, dtype=np.int64), lengths)

        return cls(
            day=np.array(days, dtype=np.int64),
            service=np.array(service_idx, dtype=np.int64),
            services=list(services),
            counter=np.array(counters, dtype=np.int64),
            clerk=np.array(clerks, dtype=np.int64),
            counts={name: table[:, i] for i, name in enumerate(COUNTS)},
            arrivals=flat("arrivals")[0].reshape(n, HOURS),
            calls=flat("calls")[0].reshape(n, HOURS),
            values={k: flat(k) for k in ("wait", "service", "estimate_error")},
        )


def _percentiles(
    sorted_values: np.ndarray, offsets: np.ndarray, sizes: np.ndarray, p: float
) -> list[float | None]:
    rank = (sizes - 1) * p / 100
    low = np.floor(rank).astype(np.int64)
    frac = rank - low
    high = np.where(frac > 0, low + 1, low)
    has = sizes > 0
    safe_low = np.where(has, offsets + low, 0)
    safe_high = np.where(has, offsets + high, 0)
    if len(sorted_values) == 0:
        return [None] * len(sizes)
    lo = sorted_values[safe_low].astype(np.float64)
    hi = sorted_values[safe_high].astype(np.float64)
    result = lo + (hi - lo) * frac
    return [float(v) if ok else None for v, ok in zip(result, has, strict=True)]


class _Sorted:
    """One kind of value of the selected rolls, sorted within each group: one sort of
    (group << 32 | value + 2³¹) keys, which orders by group, then value."""

    def __init__(self, values: np.ndarray, group: np.ndarray, groups: int) -> None:
        keys = (group.astype(np.int64) << 32) | (values.astype(np.int64) + _SHIFT)
        keys.sort()
        self.values = (keys & _LOW) - _SHIFT
        self.sizes = np.bincount(group, minlength=groups)
        self.offsets = np.cumsum(self.sizes) - self.sizes

    def percentile(self, p: float) -> list[float | None]:
        return _percentiles(self.values, self.offsets, self.sizes, p)


_SHIFT = 1 << 31
_LOW = (1 << 32) - 1


def _group_figures(
    cols: RollColumns,
    rows: np.ndarray,  # selected roll indices
    group_of_row: np.ndarray,  # group of each selected roll
    groups: int,
    within_per_roll: np.ndarray,  # waits within target, per roll (all rolls)
) -> list[Figures]:
    position = np.full(len(cols.day), -1, dtype=np.int64)
    position[rows] = group_of_row
    counts = {
        name: np.bincount(group_of_row, weights=cols.counts[name][rows], minlength=groups)
        for name in COUNTS
    }
    within = np.bincount(group_of_row, weights=within_per_roll[rows], minlength=groups)
    sorted_kinds: dict[str, _Sorted] = {}
    sums: dict[str, np.ndarray] = {}
    for kind, (values, roll) in cols.values.items():
        group = position[roll]
        keep = group >= 0
        vals, grp = values[keep], group[keep]
        sorted_kinds[kind] = _Sorted(vals, grp, groups)
        if kind == "service":
            sums[kind] = np.bincount(grp, weights=vals, minlength=groups)
        if kind == "estimate_error":
            absolute = np.abs(vals)
            sorted_kinds["abs_error"] = _Sorted(absolute, grp, groups)
            sums["right"] = np.bincount(
                grp, weights=(absolute <= ESTIMATE_TOLERANCE_S), minlength=groups
            )
    wait, service = sorted_kinds["wait"], sorted_kinds["service"]
    error, abs_error = sorted_kinds["estimate_error"], sorted_kinds["abs_error"]
    w50, w90 = wait.percentile(50), wait.percentile(90)
    s50, s90 = service.percentile(50), service.percentile(90)
    e50, a50 = error.percentile(50), abs_error.percentile(50)
    out = []
    for g in range(groups):
        c = {name: int(counts[name][g]) for name in COUNTS}
        n_service = int(service.sizes[g])
        estimates = int(error.sizes[g])
        inside = int(within[g])
        out.append(
            Figures(
                **c,
                wait_median_s=w50[g],
                wait_p90_s=w90[g],
                service_median_s=s50[g],
                service_p90_s=s90[g],
                service_mean_s=int(sums["service"][g]) / n_service if n_service else None,
                within_target=inside,
                within_target_share=inside / c["called"] if c["called"] else None,
                estimates=estimates,
                estimate_error_median_s=e50[g],
                estimate_abs_error_median_s=a50[g],
                estimate_right_share=int(sums["right"][g]) / estimates if estimates else None,
            )
        )
    return out


def range_figures_fast(
    cols: RollColumns,
    start: date,
    end: date,
    *,
    scope: Scope = Scope(),
    targets: Mapping[str, int] | None = None,
    default_target_s: int = DEFAULT_WAIT_TARGET_S,
) -> RangeFigures:
    """The same as kolejka.core.rollups.range_figures, over columns."""
    targets = targets or {}
    keep = (cols.day >= start.toordinal()) & (cols.day <= end.toordinal())
    if scope.service is not None:
        index = cols.services.index(scope.service) if scope.service in cols.services else -1
        keep &= cols.service == index
    if scope.counter is not None:
        keep &= cols.counter == scope.counter
    if scope.clerk is not None:
        keep &= cols.clerk == scope.clerk
    rows = np.flatnonzero(keep)
    # waits within each roll's service target, per roll
    target_of_service = np.array(
        [targets.get(code, default_target_s) for code in cols.services] or [0], dtype=np.int64
    )
    waits, wait_roll = cols.values["wait"]
    inside = waits <= target_of_service[cols.service[wait_roll]] if len(waits) else waits > 0
    within_per_roll = np.bincount(wait_roll, weights=inside, minlength=len(cols.day))

    def by(key: np.ndarray, skip_zero: bool) -> tuple[list[int], list[Figures]]:
        selected = rows[key[rows] != 0] if skip_zero else rows
        labels, group = np.unique(key[selected], return_inverse=True)
        figures = _group_figures(
            cols, selected, group.astype(np.int64), len(labels), within_per_roll
        )
        return [int(x) for x in labels], figures

    total = _group_figures(cols, rows, np.zeros(len(rows), dtype=np.int64), 1, within_per_roll)[0]
    day_list = days_of(start, end)
    day_group = cols.day[rows] - start.toordinal()
    by_day_figures = _group_figures(cols, rows, day_group, len(day_list), within_per_roll)
    service_labels, service_figures = by(cols.service, skip_zero=False)
    counter_labels, counter_figures = by(cols.counter, skip_zero=True)
    clerk_labels, clerk_figures = by(cols.clerk, skip_zero=True)
    by_service = dict(
        sorted(zip((cols.services[i] for i in service_labels), service_figures, strict=True))
    )
    heat = np.zeros((7, HOURS), dtype=np.int64)
    if len(rows):
        np.add.at(heat, (cols.day[rows] - 1) % 7, cols.arrivals[rows])
    weekdays = [0] * 7
    for d in day_list:
        weekdays[d.weekday()] += 1
    return RangeFigures(
        start=start,
        end=end,
        total=total,
        by_day={start + timedelta(days=i): f for i, f in enumerate(by_day_figures)},
        by_service=by_service,
        by_counter=dict(zip(counter_labels, counter_figures, strict=True)),
        by_clerk=dict(zip(clerk_labels, clerk_figures, strict=True)),
        arrivals=[[int(x) for x in row] for row in heat],
        weekdays=weekdays,
        arrivals_by_hour=[int(x) for x in cols.arrivals[rows].sum(axis=0)]
        if len(rows)
        else [0] * HOURS,
        calls_by_hour=[int(x) for x in cols.calls[rows].sum(axis=0)] if len(rows) else [0] * HOURS,
    )
