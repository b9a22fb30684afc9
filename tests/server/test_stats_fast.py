"""RollColumns.from_rows: the roll-up rows taken apart by column, whatever form the driver
gives them in (a day as a date or as ISO text, a blob as bytes or a memoryview)."""

from __future__ import annotations

from datetime import date

import numpy as np

from kolejka.core.rollups import ARRAYS, COUNTS, HOURS, Roll, RollKey
from server.stats_fast import RollColumns


def rows() -> list[tuple[object, ...]]:
    out = []
    for n, key in enumerate(
        [
            RollKey(date(2026, 10, 25), "A", 3, 7),
            RollKey(date(2026, 10, 26), "B", 0, 0),
            RollKey(date(2026, 10, 26), "A", 4, 8),
        ]
    ):
        roll = Roll(issued=n + 1, called=n, served=n, open=1)
        roll.wait.extend(range(n * 10, n * 10 + n + 1))
        roll.service.extend([60 * (n + 1)] * n)
        roll.estimate_error.extend([-n] * (n + 1))
        roll.arrivals[9 + n] = n + 1
        roll.calls[10 + n] = n
        blobs = roll.blobs()
        out.append(
            (
                key.day,
                key.service,
                key.counter,
                key.clerk,
                *roll.counts().values(),
                *(blobs[a] for a in ARRAYS),
            )
        )
    return out


def check(cols: RollColumns) -> None:
    assert (
        cols.day.tolist() == [date(2026, 10, 25).toordinal()] + [date(2026, 10, 26).toordinal()] * 2
    )
    assert cols.services == ["A", "B"]
    assert cols.service.tolist() == [0, 1, 0]
    assert cols.counter.tolist() == [3, 0, 4]
    assert cols.clerk.tolist() == [7, 0, 8]
    assert cols.counts["issued"].tolist() == [1, 2, 3]
    assert cols.counts["open"].tolist() == [1, 1, 1]
    assert set(cols.counts) == set(COUNTS)
    values, roll = cols.values["wait"]
    assert values.tolist() == [0, 10, 11, 20, 21, 22]
    assert roll.tolist() == [0, 1, 1, 2, 2, 2]
    values, roll = cols.values["service"]
    assert values.tolist() == [120, 180, 180] and roll.tolist() == [1, 2, 2]
    values, roll = cols.values["estimate_error"]
    assert values.tolist() == [0, -1, -1, -2, -2, -2]
    assert cols.arrivals.shape == cols.calls.shape == (3, HOURS)
    assert cols.arrivals[2, 11] == 3 and cols.arrivals.sum() == 6
    assert cols.calls[1, 11] == 1 and cols.calls.sum() == 3


def test_from_rows_of_dates_and_bytes() -> None:
    check(RollColumns.from_rows(rows(), ARRAYS))


def test_from_rows_of_iso_days_and_memoryviews() -> None:
    texts = [
        (r[0].isoformat(), *r[1 : 4 + len(COUNTS)], *(memoryview(b) for b in r[4 + len(COUNTS) :]))  # type: ignore[attr-defined]
        for r in rows()
    ]
    check(RollColumns.from_rows(iter(texts), ARRAYS))


def test_from_no_rows() -> None:
    cols = RollColumns.from_rows([], ARRAYS)
    assert len(cols.day) == 0 and cols.services == []
    assert cols.arrivals.shape == (0, HOURS)
    assert all(len(v) == 0 and len(r) == 0 for v, r in cols.values.values())
    assert np.all(cols.counts["issued"] == np.array([], dtype=np.int64))
