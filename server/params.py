"""Route parameters with the bounds the database has, shared by every route.

An id past the column's range cannot name a row, so it is refused as bad input (422)
before any query; sent to the database it was an overflow and a 500.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from kolejka.schemas import MAX_ID, Day

TicketId = Annotated[int, Path(ge=1, le=MAX_ID, description="The ticket's id.")]
AppointmentId = Annotated[int, Path(ge=1, le=MAX_ID, description="The appointment's id.")]
CounterNumber = Annotated[int, Path(ge=1, le=MAX_ID, description="The counter's number.")]
AfterSeq = Annotated[int, Query(ge=0, le=MAX_ID, description="Events after this sequence number.")]
OptionalAfterSeq = Annotated[
    int | None, Query(ge=0, le=MAX_ID, description="Events after this sequence number.")
]
DayQuery = Annotated[Day | None, Query(description="A day (YYYY-MM-DD), site time.")]
RequiredDay = Annotated[Day, Query(description="A day (YYYY-MM-DD), site time.")]

__all__ = [
    "AfterSeq",
    "AppointmentId",
    "CounterNumber",
    "DayQuery",
    "OptionalAfterSeq",
    "RequiredDay",
    "TicketId",
]
